#!/usr/bin/env bash
# names.sh -- each name in the sources names one thing (scripts/names.sh):
# no two files of workers/ and server/ share a basename, no two structs a
# name, and no function is exported that no other object nor test uses;
# and the check does fail on a copy of the tree with each planted
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/scripts/names.sh
# a check of the sources and objects: the same for the sanitizer build's run
if [ "${ASAN:-0}" = 1 ]; then
	echo "1..0 # SKIP the sources are checked once, in the plain run"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ipcscope-names.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

out=$("$check" "$top" 2>&1)
rc=$?
tap $rc "workers/ and server/: one file per basename, one struct per name, no unused export (${out##*$'\n'})"
[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out"

# copy: the C sources and the tests' sources, fresh for each case; the
# built objects of workers/ and server/ once (for the cases on exports)
copy() {
	rm -rf "$work/tree"
	mkdir -p "$work/tree"
	(cd "$top" && find workers server tests -name '*.[ch]' -print0 |
		xargs -0 cp --parents -t "$work/tree")
}
(cd "$top" && find obj/workers obj/server -name '*.o' -print0 |
	xargs -0 cp --parents -t "$work")

copy
"$check" "$work/tree" "$work/obj" >/dev/null 2>&1
[ $? -eq "$rc" ]
tap $? "the copy checks as the tree does"

# a second human.c, in another layer (sources only: no objects given)
copy
cp "$work/tree/workers/base/human.c" "$work/tree/workers/out/human.c"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^file: human.c is the name of .*workers/base/human.c .*workers/out/human.c' <<<"$out"
tap $? "two files called human.c fail the check and are named: $(grep -m1 '^file' <<<"$out")"

# a second definition of struct ring_pair, in another layer
copy
printf 'struct ring_pair {\n\tint n;\n};\n' >>"$work/tree/workers/stats/stats.c"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^struct: struct ring_pair is defined in .*workers/mech/ring.h.*workers/stats/stats.c' <<<"$out"
tap $? "a second struct ring_pair fails the check and is named: $(grep -m1 '^struct' <<<"$out")"

# an object exporting a function no other object calls
copy
printf 'int stats_nobody_calls(int x)\n{\n\treturn x + 1;\n}\n' >"$work/src.c"
cp "$work/src.c" "$work/tree/workers/stats/planted.c"
${CC:-cc} -c -o "$work/obj/workers/stats/planted.o" "$work/src.c"
out=$("$check" "$work/tree" "$work/obj" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^export: stats_nobody_calls (.*obj/workers/stats/planted.o)' <<<"$out"
tap $? "an export no object nor test uses fails the check: $(grep -m1 '^export' <<<"$out")"

# ... and passes once a test names it, or once its source is gone (an
# object left behind is not the tree's)
rm "$work/tree/workers/stats/planted.c"
"$check" "$work/tree" "$work/obj" >/dev/null 2>&1
tap $? "an object whose source is gone is not checked"
cp "$work/src.c" "$work/tree/workers/stats/planted.c"
printf '/* calls stats_nobody_calls */\n' >"$work/tree/tests/unit/test_planted.c"
"$check" "$work/tree" "$work/obj" >/dev/null 2>&1
tap $? "the same export named by a test's source passes"

tap_done
