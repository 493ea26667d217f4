# cmake -DFUZZER=... -DINPUTS=crashes/ -DCORPUS=corpus/ -P run_regress.cmake
# Runs every saved reproducer and every seed once (no fuzzing): a fixed bug
# stays fixed, and every seed still passes the invariants.
file(GLOB inputs ${INPUTS}/* ${CORPUS}/*)
list(FILTER inputs EXCLUDE REGEX "README")
if(NOT inputs)
  return()
endif()
execute_process(COMMAND ${FUZZER} -runs=1 ${inputs}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message("${out}")
  message(FATAL_ERROR "fuzz_frames regression inputs failed (exit ${rc})")
endif()
list(LENGTH inputs n)
message("${n} inputs ran clean")
