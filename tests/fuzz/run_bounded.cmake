# cmake -DFUZZER=... -DCORPUS=... -DDICT=... -DWORK=... -DSECONDS=60 -P run_bounded.cmake
# Copies the seed corpus to WORK/corpus (so the repository's corpus stays as
# it is), runs the fuzzer for SECONDS and fails on any crash, leak, timeout
# or sanitizer report.  Artifacts (crash-*, leak-*, timeout-*) land in WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
file(GLOB seeds ${CORPUS}/*)
file(COPY ${seeds} DESTINATION ${WORK}/corpus)
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=25
          -dict=${DICT} -artifact_prefix=${WORK}/ -print_final_stats=1
          ${WORK}/corpus
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE out)
string(REGEX MATCHALL "#[0-9]+[\t ]+DONE[^\n]*" done "${out}")
string(REGEX MATCHALL "stat::[^\n]*" stats "${out}")
message("${done}")
foreach(s ${stats})
  message("${s}")
endforeach()
file(GLOB artifacts ${WORK}/crash-* ${WORK}/leak-* ${WORK}/timeout-* ${WORK}/oom-*)
if(NOT rc EQUAL 0 OR artifacts OR out MATCHES "runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer|invariant broken")
  string(LENGTH "${out}" n)
  if(n GREATER 20000)
    math(EXPR from "${n} - 20000")
    string(SUBSTRING "${out}" ${from} 20000 out)
  endif()
  message("${out}")
  message(FATAL_ERROR "fuzz_frames failed (exit ${rc}); artifacts: ${artifacts}")
endif()
