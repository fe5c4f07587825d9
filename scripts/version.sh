#!/bin/sh
# version.sh -- the version ipcscope is built as, on stdout.
# In a git checkout: the newest tag vX.Y.Z reached from HEAD, and past it
# the commit count and hash (0.2.0+3.g1a2b3c4), or with no tag the VERSION
# file's number, the count of commits and the hash (0.1.0+254.gc67db6d);
# ".dirty" when tracked files differ from HEAD. With no git (a tarball, an
# export) the VERSION file as it is. Every form is a valid Debian version
# that sorts later for a later commit.
# usage: scripts/version.sh [SOURCE_DIR]
set -eu
dir=${1:-$(dirname "$0")/..}
base=$(sed -n '1{s/[[:space:]]//g;p;}' "$dir/VERSION")
case $base in
[0-9]*) ;;
*) echo "version.sh: $dir/VERSION does not start with a digit: '$base'" >&2; exit 1 ;;
esac
# the checkout's own history only: not that of a repository the source
# tree happens to sit in
top=$(git -C "$dir" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$dir" && pwd -P)" ] &&
   head=$(git -C "$dir" rev-parse --short=7 HEAD 2>/dev/null); then
	if tag=$(git -C "$dir" describe --tags --abbrev=0 --match 'v[0-9]*' 2>/dev/null); then
		base=${tag#v}
		n=$(git -C "$dir" rev-list --count "$tag..HEAD")
	else
		n=$(git -C "$dir" rev-list --count HEAD)
	fi
	v=$base
	[ "$n" -gt 0 ] || [ -z "${tag:-}" ] && v="$base+$n.g$head"
	git -C "$dir" diff --quiet HEAD -- 2>/dev/null || v="$v.dirty"
	echo "$v"
else
	echo "$base"
fi
