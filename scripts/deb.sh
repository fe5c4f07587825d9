#!/usr/bin/env bash
# deb.sh -- ipcscope_VERSION_ARCH.deb from a tree `make install
# DESTDIR=STAGE PREFIX=/usr` made (make deb runs both).
#
# Built with dpkg-deb from the staged tree rather than dpkg-buildpackage: the
# Makefile already knows how to build and install ipcscope, and its version
# comes from git at build time, which a debian/ directory would have to
# repeat (rules) and rewrite on every commit (changelog). dpkg-shlibdeps
# still reads the binaries for the libraries they link; what ipcscope opens
# with dlopen (libmicrohttpd, and libzmq, gRPC and libdbus for their
# mechanisms) it cannot see, so those are declared here by the sonames the
# code opens.
#
# usage: scripts/deb.sh STAGE VERSION OUTDIR
set -euo pipefail
stage=$1 version=$2 out=$3
top=$(cd "$(dirname "$0")/.." && pwd)
arch=$(dpkg --print-architecture)
deb=$out/ipcscope_${version}_$arch.deb
work=$(mktemp -d "${TMPDIR:-/tmp}/ipcscope-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT

# who built it: DEBFULLNAME/DEBEMAIL as Debian's tools read them, else git's
name=${DEBFULLNAME:-$(git -C "$top" config user.name 2>/dev/null || echo ipcscope)}
email=${DEBEMAIL:-$(git -C "$top" config user.email 2>/dev/null || echo "root@$(hostname -f)")}
maint="$name <$email>"

# binaries without their debug info, as Debian ships them
strip --strip-unneeded --remove-section=.comment --remove-section=.note \
	"$stage/usr/bin/ipcscope" "$stage/usr/libexec/ipcscope/ipcscope-mpi"

# /usr/share/doc/ipcscope: copyright, changelog, the README and API reference
doc=$stage/usr/share/doc/ipcscope
install -d -m 0755 "$doc"
years=$(git -C "$top" log --format=%ad --date=format:%Y 2>/dev/null | sort -u | sed -n '1p;$p' |
	paste -sd- | sed 's/^\([0-9]*\)-\1$/\1/')
cat >"$doc/copyright" <<EOF
ipcscope: how fast can two processes on this machine talk, and why.

Copyright (C) ${years:-$(date +%Y)} the ipcscope authors.

Built from the ipcscope source tree by scripts/deb.sh. The source tree
carries no license statement of its own.
EOF
date=$(git -C "$top" log -1 --format=%aD 2>/dev/null || date -R)
{
	echo "ipcscope ($version) unstable; urgency=low"
	echo
	echo "  * Built from $(git -C "$top" log -1 --format='commit %h' 2>/dev/null || echo 'the source tree')."
	echo
	echo " -- $maint  $date"
} | gzip -9n >"$doc/changelog.gz"
gzip -9n <"$top/README.md" >"$doc/README.md.gz"
gzip -9n <"$top/docs/API.md" >"$doc/API.md.gz"
chmod 0644 "$doc"/*

# the libraries the binaries link: ipcscope's are Depends, the mpi ranks'
# binary's (libmpi) only Recommends, as the mpi mechanism is optional
mkdir -p "$work/debian"
printf 'Source: ipcscope\n\nPackage: ipcscope\nArchitecture: any\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O -e"$stage/usr/bin/ipcscope" \
	-dRecommends -e"$stage/usr/libexec/ipcscope/ipcscope-mpi" 2>"$work/shlibs.err") || {
	cat "$work/shlibs.err" >&2
	exit 1
}
depends=$(echo "$shlibs" | sed -n 's/^shlibs:Depends=//p')
recommends=$(echo "$shlibs" | sed -n 's/^shlibs:Recommends=//p')

# opened with dlopen: the server's HTTP library is needed; the mechanisms'
# libraries and helpers (the ZeroMQ, D-Bus, Node.js and MPI mechanisms, the
# namespaces of lab and the cross-host demo) are recommended; gRPC, a large
# library only its one mechanism uses, is suggested
depends="$depends, libmicrohttpd12"
recommends="libzmq5, libdbus-1-3, dbus-daemon, nodejs, openmpi-bin, iproute2${recommends:+, $recommends}"
suggests="libgrpc29"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<EOF
Package: ipcscope
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $depends
Recommends: $recommends
Suggests: $suggests
Section: utils
Priority: optional
Description: measures how fast two processes on this machine can talk
 ipcscope benchmarks the common Linux IPC mechanisms (shared memory with
 four kinds of synchronisation, an SPSC ring, mmap'd files, pipes, FIFOs,
 Unix and loopback sockets, POSIX and System V message queues, eventfd,
 real-time signals, threads) and the layers put on top of them (ZeroMQ,
 gRPC, D-Bus, Node.js, Open MPI) for throughput, latency and CPU cost.
 .
 One binary is a command line tool (bench, compare, sweep, teaching demos)
 and, with "ipcscope serve", a local HTTP server with a live dashboard whose
 REST endpoints stream results as newline-delimited JSON.
EOF
# md5sums of every file, as dpkg records them
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | sort |
	xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 0755 {} +

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
