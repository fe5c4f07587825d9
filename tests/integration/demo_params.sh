#!/usr/bin/env bash
# demo_params.sh -- the params a demo's help promises work (count or
# duration over a demo's own default of the other), a stray argument is
# named as such, and the default warmup of huge messages is bounded
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/demo-params-test.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# ends_ok FILE: the ndjson stream ends with status ok and has no error line
ends_ok() {
	tail -n 1 "$1" | grep -q '"type":"end","run":"[^"]*","status":"ok"' &&
		! grep -q '"type":"error"' "$1"
}

# every demo of the catalogue, with count and with duration
demos=$("$IPCSCOPE" demo --help | awk '/^  [a-z]/ {print $1}')
[ -n "$demos" ]
tap $? "demo --help lists the demos"
for d in $demos; do
	# a demo that runs its own experiment promises its own params, each
	# with its range: all of them at their smallest
	own=$("$IPCSCOPE" demo "$d" --help | sed -n 's/^  --\([a-z_]*\) .*(\(a number\|bytes\|whole\) \([0-9.e+]*\)\.\..*/--\1 \3/p')
	if [ -n "$own" ] || "$IPCSCOPE" demo "$d" --help | grep -q '(no params)'; then
		args="$own"
	else
		args="--count 10 --reps 1"
	fi
	# shellcheck disable=SC2086
	"$IPCSCOPE" demo "$d" $args --format ndjson >"$work/c.out" 2>"$work/c.err"
	rc=$?
	ends_ok "$work/c.out" && [ $rc -eq 0 ]
	tap $? "demo $d $(echo $args) runs to an ok end (exit $rc)"
	[ $rc -eq 0 ] || head -c 300 "$work/c.err" | sed 's/^/# /'
done
for d in threads-vs-processes sync-tax; do
	"$IPCSCOPE" demo "$d" --duration 0.01 --reps 1 --format ndjson >"$work/d.out" 2>"$work/d.err"
	rc=$?
	ends_ok "$work/d.out" && [ $rc -eq 0 ]
	tap $? "demo $d --duration 0.01 runs to an ok end (exit $rc)"
done

# a count replaces the demo's default duration in every job's params
"$IPCSCOPE" demo placement --count 10 --reps 1 --format ndjson >"$work/p.out" 2>/dev/null
node -e '
const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const s = l.find((x) => x.type === "start");
const ok = s.jobs.length > 0 && s.jobs.every((j) => j.params.count === 10 && j.params.duration === undefined);
process.exit(ok ? 0 : 1);' "$work/p.out"
tap $? "placement --count 10: every job runs 10 round trips, none a duration"

# a stray argument is named, not taken for a mechanism
"$IPCSCOPE" demo sync-tax extra >/dev/null 2>"$work/x.err"
rc=$?
[ $rc -eq 2 ] && grep -q "unexpected argument 'extra'" "$work/x.err" && ! grep -q mechanism "$work/x.err"
tap $? "demo sync-tax extra: exit 2, 'unexpected argument' (got $rc: $(head -c 120 "$work/x.err"))"

# the default warmup of 64 MiB messages is bounded: a short rep ends soon
t0=$(date +%s)
"$IPCSCOPE" bench pipe --size 64M --duration 0.01 --reps 1 --format ndjson >"$work/w.out" 2>"$work/w.err"
rc=$?
t1=$(date +%s)
ends_ok "$work/w.out" && [ $rc -eq 0 ]
tap $? "bench pipe --size 64M --duration 0.01: ok (exit $rc) in $((t1 - t0)) s, within its deadline"
[ $rc -eq 0 ] || head -c 300 "$work/w.err" | sed 's/^/# /'

tap_done
