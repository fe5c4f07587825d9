#!/usr/bin/env bash
# layers.sh -- the sources' includes point down the layers with no circles
# (scripts/layers.sh), and the check does fail: on a copy of the tree with
# an include planted upward, and on one with a circle planted
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/scripts/layers.sh
# a check of the sources: the same for the sanitizer build's run
if [ "${ASAN:-0}" = 1 ]; then
	echo "1..0 # SKIP the sources are checked once, in the plain run"
	exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ipcscope-layers.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

out=$("$check" "$top" 2>&1)
rc=$?
tap $rc "workers/ and server/: every include points down its layers, no circles (${out##*$'\n'})"
[ "$rc" -eq 0 ] || sed 's/^/# /' <<<"$out"

# copy: the C sources only, the layout as it is
copy() {
	rm -rf "$work/tree"
	mkdir -p "$work/tree"
	(cd "$top" && find workers server -name '*.[ch]' -print0 |
		xargs -0 cp --parents -t "$work/tree")
}

copy
"$check" "$work/tree" >/dev/null 2>&1
[ $? -eq "$rc" ]
tap $? "the copy checks as the tree does"

# base/human.c including the runner: a layer far above it
copy
sed -i '0,/^#include/s//#include "run\/runner.h"\n#include/' "$work/tree/workers/base/human.c"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^upward: workers/base/human.c (base) includes workers/run/runner.h' <<<"$out"
tap $? "an upward include (base/human.c -> run/runner.h) fails the check and is named: ${out%%$'\n'*}"

# stats/stats.h including stats/robust.h, which includes... stats.h back:
# a circle within one layer, where no arrow points up
copy
grep -q '#include "stats/stats.h"' "$work/tree/workers/stats/robust.h" ||
	sed -i '0,/^#include/s//#include "stats\/stats.h"\n#include/' "$work/tree/workers/stats/robust.h"
sed -i '0,/^#include/s//#include "stats\/robust.h"\n#include/' "$work/tree/workers/stats/stats.h"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^circle: files .*workers/stats/robust' <<<"$out"
tap $? "a circle within a layer (stats.h <-> robust.h) fails the check: $(grep -m1 '^circle' <<<"$out")"

# server/ reaching past the engine's face
copy
sed -i '0,/^#include/s//#include "mech\/mech.h"\n#include/' "$work/tree/server/http.c"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^server: server/http.c includes workers/mech/mech.h' <<<"$out"
tap $? "server/ including an engine header other than engine.h and params.h fails the check"

# a folder of workers/ not in the declared order
copy
mkdir -p "$work/tree/workers/extra"
printf '#include "base/human.h"\n' >"$work/tree/workers/extra/x.c"
out=$("$check" "$work/tree" 2>&1)
rc=$?
[ "$rc" -ne 0 ] && grep -q '^no layer: workers/extra/x.c' <<<"$out"
tap $? "a folder that is not a declared layer fails the check"

tap_done
