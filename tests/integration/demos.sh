#!/usr/bin/env bash
# demos.sh -- the demos that run their own experiment, from the command line:
# help, strict params (exit 2 naming the param and its range), every output
# format, and nothing left behind (the cleanup demo's
# naive leftovers included)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/demotest.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the experiment demos, from their files (closed by EXP_DEMO..., or a
# struct demo with .exp set), so a new one is checked without a line here
src=$here/../../workers/demos
EXPERIMENTS=$(for f in "$src"/*.c; do
	grep -q '^EXP_DEMO\|^	\.exp = &' "$f" && sed -n 's/^	\.name = "\([a-z-]*\)",$/\1/p' "$f"
done)
[ -n "$EXPERIMENTS" ]
tap $? "the experiment demos are found in workers/demos/ ($(echo $EXPERIMENTS | wc -w))"

# --- help ---------------------------------------------------------------------
"$IPCSCOPE" demo --help >"$work/help" 2>&1
rc=$?
missing=""
for d in $EXPERIMENTS; do grep -q "^  $d " "$work/help" || missing="$missing $d"; done
tap $(( rc != 0 || ${#missing} > 0 )) "demo --help lists every experiment demo (missing:${missing:- none})"
"$IPCSCOPE" demo race --help >"$work/rhelp" 2>&1
tap $(( $? != 0 )) "demo race --help exits 0"
grep -q -- "--procs" "$work/rhelp" && grep -q -- "--adds" "$work/rhelp"
tap $? "demo race --help shows its params"
"$IPCSCOPE" demo crossover --help >"$work/chelp" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^usage: ipcscope demo NAME" "$work/chelp" && grep -q "^  claim: " "$work/chelp" &&
	grep -q "^  defaults: duration=" "$work/chelp" && ! grep -q "ipcscope bench MECHANISM" "$work/chelp"
tap $? "demo crossover --help names the demo, its claim and defaults, not bench's usage (exit $rc)"

# --- strict params ----------------------------------------------------------------
# bad NAME ARGS... EXPECTED_TEXT: exit 2 and a message holding EXPECTED_TEXT
bad() {
	local name=$1 want=${!#} out rc
	out=$("$IPCSCOPE" demo "${@:1:$#-1}" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -eq 2 ] && [[ $out == *"$want"* ]]
	tap $? "demo $name ${*:2:$#-2}: exit 2 naming '$want' (got $rc: $out)"
}
bad race --procs 17 "bad value '17' for procs: expected a whole number 2..16"
bad race --adds 1e6 "for adds"
bad race --procs 2 --procs 3 "parameter 'procs' given more than once"
bad race --size 64 "unknown parameter 'size': this demo takes procs, adds"
bad race --procs "needs a value"
bad zero-copy --frame 8M "bad value '8M' for frame"
bad decide --remote 2 "for remote: expected 0 or 1"
bad false-sharing --duration 0 "for duration: expected a number 0.01..5"
bad framing --count abc "for count"
bad peercred --reps 3 "this demo takes none"
bad contention --format xml "for format"

out=$("$IPCSCOPE" demo race --procs 1 --format ndjson 2>/dev/null)
rc=$?
[ "$rc" -eq 2 ] && [[ $out == *'"type":"error"'*'"code":"bad_param"'* ]]
tap $? "a bad param with --format ndjson is an error line too (exit $rc)"

# --- formats ----------------------------------------------------------------------
"$IPCSCOPE" demo race --procs 2 --adds 20K --format json >"$work/race.json" 2>"$work/err"
rc=$?
node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ok = d.start && d.start.demo === "race" && d.points.length === 4 && d.lesson && d.end.status === "ok" &&
  d.points.filter((p) => p.label !== "unsynchronised").every((p) => p.actual === 40000);
process.exit(ok ? 0 : 1);' "$work/race.json"
tap $(( rc != 0 || $? != 0 )) "race --format json: one document, four points, exact synchronised counts, a lesson"

"$IPCSCOPE" demo framing --count 300 >"$work/framing.txt" 2>&1
rc=$?
grep -q '^\[1/2\] ' "$work/framing.txt" && grep -q '^ok in ' "$work/framing.txt"
tap $(( rc != 0 || $? != 0 )) "framing in text: numbered steps and an ok line"
! grep -Eq '[0-9]{5,}|[0-9]e[+-][0-9]' "$work/framing.txt"
tap $? "framing in text: every figure formatted for people"

# --- the cleanup demo leaves nothing ----------------------------------------------
"$IPCSCOPE" demo cleanup --format ndjson >"$work/cleanup.ndjson" 2>"$work/err"
rc=$?
node -e '
const fs = require("fs");
const pts = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map(JSON.parse)
  .filter((l) => l.type === "point");
const left = pts.filter((p) => p.series === "left after SIGKILL" && p.left).length;
const after = pts.filter((p) => p.series === "left after the sweep" && p.left).length;
const paths = pts.filter((p) => p.where.startsWith("/")).map((p) => p.where);
const queue = pts.find((p) => p.where.startsWith("msqid ")).where.split(" ")[1];
fs.writeFileSync(process.argv[2], paths.join("\n") + "\n" + "msqid " + queue + "\n");
process.exit(left > 0 && after === 0 ? 0 : 1);' "$work/cleanup.ndjson" "$work/cleanup.where"
tap $(( rc != 0 || $? != 0 )) "cleanup: the naive worker left objects, the sweep left none"
still=""
while read -r w; do
	case $w in
	"msqid "*) ipcs -q | awk -v id="${w#msqid }" '$2 == id {f = 1} END {exit !f}' && still="$still $w" ;;
	?*) [ -e "$w" ] && still="$still $w" ;;
	esac
done <"$work/cleanup.where"
tap $(( ${#still} > 0 )) "cleanup: nothing it named is left on the machine (left:${still:- none})"

# a stop mid-run of every demo: tests/integration/stop.sh

tap_done
