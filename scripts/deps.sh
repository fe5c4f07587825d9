#!/usr/bin/env bash
# deps.sh -- installs the Debian packages ipcscope needs that are missing.
# usage: scripts/deps.sh build|test|bench|deb
set -euo pipefail

# libzmq3-dev, libgrpc-dev, libdbus-1-dev and dbus-daemon: the zmq, grpc and
# dbus mechanisms (node, for the node mechanism and the page, is there
# already); openmpi-bin and libopenmpi-dev: the mpi mechanism's ranks;
# libqrencode-dev: the class board's QR code (opened with dlopen, so a
# server without libqrencode4 shows the join URL as text only)
build_pkgs=(libmicrohttpd-dev libcjson-dev libprotobuf-c-dev protobuf-c-compiler pkg-config
	libzmq3-dev libgrpc-dev libdbus-1-dev dbus-daemon openmpi-bin libopenmpi-dev
	libqrencode-dev)
# clang and its runtime: the libFuzzer targets of tests/fuzz; man-db and
# groff-base: the installed man page rendered and checked for warnings;
# python3-scipy: the independent check of the comparison's interval
# (verdict_scipy.sh)
test_pkgs=(libcmocka-dev chromium procps iproute2 clang libclang-rt-14-dev man-db groff-base python3-scipy)
# liburing-dev: the io_uring reference loops of bench/ref, written apart
# from ipcscope's own io_uring code (workers/mech/uring.c: raw system
# calls, nothing to install)
bench_pkgs=(linux-perf sockperf iperf3 wrk liburing-dev)
# make deb: dpkg-deb and dpkg-shlibdeps, and lintian to check the package
deb_pkgs=(dpkg-dev lintian)

want=("${build_pkgs[@]}")
case "${1:-build}" in
build) ;;
test) want+=("${test_pkgs[@]}") ;;
bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
deb) want+=("${deb_pkgs[@]}") ;;
*) echo "usage: $0 build|test|bench|deb" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=
[ "$(id -u)" -ne 0 ] && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
