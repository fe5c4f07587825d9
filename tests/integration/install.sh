#!/usr/bin/env bash
# install.sh -- the version ipcscope reports, and ipcscope installed: make
# install into a temporary DESTDIR, the installed binary run from another
# directory with no checkout in reach, its man page and completion, make
# uninstall
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/installtest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the version --------------------------------------------------------------
want=$("$top/scripts/version.sh")
got=$("$IPCSCOPE" --version)
tap "$([ "$got" = "ipcscope $want" ]; echo $?)" \
	"--version prints the version scripts/version.sh gives ('$got', want 'ipcscope $want')"
[[ $want =~ ^[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+\.g[0-9a-f]{7,})?(\.dirty)?$ ]]
tap $? "in a git checkout the version is VERSION or the newest tag, the commit count and hash ('$want')"
sys=$("$IPCSCOPE" sysinfo | awk '$1 == "ipcscope_version" {print $2}')
sysj=$("$IPCSCOPE" sysinfo --format json | node -e \
	'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ipcscope_version))')
tap "$([ "$sys" = "$want" ] && [ "$sysj" = "$want" ]; echo $?)" \
	"sysinfo names the version, as text and as JSON ('$sys', '$sysj')"

# with no git history of its own (a tarball, or a tree inside another
# repository) the version is the VERSION file's
mkdir -p "$work/src/scripts" "$work/repo/src/scripts"
cp "$top/scripts/version.sh" "$work/src/scripts/"
echo 7.8.9 >"$work/src/VERSION"
cp -r "$work/src/." "$work/repo/src/"
git -C "$work/repo" init -q 2>/dev/null
v1=$(cd / && "$work/src/scripts/version.sh" 2>&1)
v2=$("$work/repo/src/scripts/version.sh" 2>&1)
tap "$([ "$v1" = 7.8.9 ] && [ "$v2" = 7.8.9 ]; echo $?)" \
	"with no git history of its own the version is the VERSION file's ('$v1', '$v2')"
echo 'v7' >"$work/src/VERSION"
"$work/src/scripts/version.sh" >/dev/null 2>"$work/badver.err"
tap "$([ $? -ne 0 ] && grep -q 'VERSION does not start with a digit' "$work/badver.err"; echo $?)" \
	"a VERSION that does not start with a digit is refused, naming the file"

tap_done
