#!/bin/sh
# ocppgw developer entry point.
#   ./dev.sh run    install missing Debian packages, build, run the gateway
#                   with conf/ocppgw.conf (plain ws on :9000, data in ./data)
#   ./dev.sh test   install missing packages, build twice (normal and
#                   ASan+UBSan), run every unit and end-to-end test in both,
#                   then run the fuzz target for a bounded time
#   ./dev.sh build  build only (build/)
set -eu
cd "$(dirname "$0")"

PKGS="build-essential cmake pkg-config git openssl python3 sqlite3 valgrind
clang libclang-rt-14-dev
libwebsockets-dev libwebsockets-evlib-ev libev-dev libjson-c-dev libconfig-dev
libcunit1-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev"
JOBS=$(nproc 2>/dev/null || echo 2)

need_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_deps() {
	missing=""
	for p in $PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "== installing:$missing"
		need_root apt-get update -qq
		need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
	fi
}

build() { # build DIR [cmake args...]
	dir=$1; shift
	cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS"
}

dev_certs() {
	[ -x certs/make-dev-certs.sh ] && certs/make-dev-certs.sh >/dev/null || true
}

case "${1:-}" in
run)
	install_deps
	build build
	dev_certs
	exec ./build/src/ocppgw -c conf/ocppgw.conf
	;;
build)
	install_deps
	build build
	;;
test)
	install_deps
	dev_certs
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
	export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
	echo "== build (RelWithDebInfo)"
	build build
	echo "== tests"
	(cd build && ctest --output-on-failure -j "$JOBS" --timeout 300)
	echo "== build (ASan + UBSan)"
	build build-asan -DCMAKE_BUILD_TYPE=Debug -DOCPPGW_SANITIZE=ON
	echo "== tests under ASan + UBSan"
	(cd build-asan && ctest --output-on-failure -j "$JOBS" --timeout 600)
	if [ -f tests/fuzz/CMakeLists.txt ]; then
		echo "== fuzz (bounded)"
		CC=clang build build-fuzz -DCMAKE_BUILD_TYPE=Debug -DOCPPGW_FUZZ=ON -DOCPPGW_SANITIZE=ON
		(cd build-fuzz && ctest --output-on-failure -L fuzz --timeout 300)
	fi
	;;
*)
	echo "usage: ./dev.sh run | test | build" >&2
	exit 2
	;;
esac
