#!/usr/bin/env bash
# diff.sh -- runs compared across time: `ipcscope diff A B` on NDJSON files
# of a real run (A/A says no change and exits 0; one mechanism's reps at
# half the rate exits 1 and names it), stored ids and saved names, a run's
# --save and --baseline, the four formats, and usage errors exiting 2
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/difftest.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
export TMPDIR=$work/tmp
export XDG_STATE_HOME=$work/state
RUN=(--reps 30 --duration 0.02 --ci 0)

# scale IN OUT MECH FACTOR [REPS]: IN's lines with MECH's rates times
# FACTOR (REPS "odd"/"even": only those reps kept, of every mechanism)
scale() {
	node -e '
		const [inp, out, mech, f, keep] = process.argv.slice(1);
		const ls = require("fs").readFileSync(inp, "utf8").trim().split("\n").map((l) => JSON.parse(l));
		const o = [];
		for (const l of ls) {
			if (l.type === "result") {
				if (keep === "odd" && l.rep % 2 === 0) continue;
				if (keep === "even" && l.rep % 2 === 1) continue;
				if (l.mechanism === mech) { l.msgs_per_s *= +f; l.bytes_per_s *= +f; }
			}
			o.push(JSON.stringify(l));
		}
		require("fs").writeFileSync(out, o.join("\n") + "\n");
	' "$@"
}

# field FILE EXPR: EXPR over the diff's NDJSON lines (s start, rows, e end)
field() {
	node -e '
		const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
		const s = ls.find((l) => l.type === "diff_start"), e = ls.find((l) => l.type === "diff_end");
		const rows = ls.filter((l) => l.type === "diff_row");
		console.log(String(eval(process.argv[2])));
	' "$1" "$2"
}

"$IPCSCOPE" compare pipe,unix "${RUN[@]}" --format ndjson >"$work/a.ndjson" 2>"$work/err"
tap $? "a real compare of pipe and unix ran ($(head -c 200 "$work/err"))"
# each round starts one job further on: pipe then unix, then unix then pipe
order=$(node -e '
	const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
	console.log(ls.filter((l) => l.type === "result" && l.rep <= 3).map((l) => l.mechanism + l.rep).join(" "));
' "$work/a.ndjson")
[ "$order" = "pipe1 unix1 unix2 pipe2 pipe3 unix3" ]
tap $? "rounds take turns at going first (got: $order)"

# A/A: the same command's reps, odd against even (one run: the same state
# of the machine on both sides)
scale "$work/a.ndjson" "$work/odd.ndjson" none 1 odd
scale "$work/a.ndjson" "$work/even.ndjson" none 1 even
"$IPCSCOPE" diff "$work/odd.ndjson" "$work/even.ndjson" --threshold 25 --format ndjson \
	>"$work/aa" 2>"$work/err"
rc=$?
tap $((rc != 0)) "A/A diff (odd reps against even reps of one compare) exits 0 (got $rc: $(head -c 200 "$work/err"))"
[ "$(field "$work/aa" 'rows.length + ":" + rows.every((r) => r.change === "no change" && r.method === "rank-sum" && r.a_reps === 15 && r.b_reps === 15)')" = "2:true" ]
tap $? "A/A diff says no change for both mechanisms, rank-sum over 15 reps a side ($(field "$work/aa" 'rows.map((r) => r.label + " " + r.verdict_text).join("; ")'))"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/a.ndjson" >"$work/self" 2>&1
rc=$?
grep -q "no row slower beyond the threshold (2 rows: 2 no change" "$work/self"
tap $((rc != 0 || $? != 0)) "a run against itself: exit 0 and 'no row slower' in text"

# unix's reps at half the rate: exit 1, named; pipe unchanged
scale "$work/a.ndjson" "$work/half.ndjson" unix 0.5
"$IPCSCOPE" diff "$work/a.ndjson" "$work/half.ndjson" --format ndjson >"$work/half" 2>"$work/err"
rc=$?
tap $((rc != 1)) "unix at half the rate: exit 1 (got $rc: $(head -c 200 "$work/err"))"
[ "$(field "$work/half" 'rows.filter((r) => r.change === "slower").map((r) => r.label + ":" + r.direction + ":" + r.estimate).join() + "|" + e.slower_rows.join() + "|" + e.status')" = "unix:slower:0.5|unix 64 B|slower" ]
tap $? "the slower row is unix, estimate 0.5, named in diff_end ($(field "$work/half" 'rows.map((r) => r.label + " " + r.change + " " + r.verdict_text).join("; ")'))"
[ "$(field "$work/half" 'rows.find((r) => r.label === "pipe").change')" = "no change" ]
tap $? "pipe, unchanged, says no change"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/half.ndjson" >"$work/half.txt" 2>&1
grep -q "slower beyond the threshold in 1 of 2 rows: unix 64 B" "$work/half.txt" &&
	grep -Eq "^unix .*SLOWER$" "$work/half.txt"
tap $? "text names unix as SLOWER"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/half.ndjson" --threshold 150 >/dev/null 2>&1
tap $? "--threshold 150: a 2x slowdown passes (exit 0)"
# the other way round it is faster, which passes
"$IPCSCOPE" diff "$work/half.ndjson" "$work/a.ndjson" --format ndjson >"$work/fast" 2>&1
rc=$?
[ $rc -eq 0 ] && [ "$(field "$work/fast" 'rows.find((r) => r.label === "unix").change')" = faster ]
tap $? "twice the rate: unix faster, exit 0 (got $rc)"

# formats
"$IPCSCOPE" diff "$work/a.ndjson" "$work/half.ndjson" --format json >"$work/j" 2>/dev/null
node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	process.exit(d.diff_start && d.rows.length === 2 && d.diff_end.slower === 1 ? 0 : 1)' "$work/j"
tap $? "--format json: one document with diff_start, rows, diff_end"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/half.ndjson" --format csv >"$work/c" 2>/dev/null
[ "$(wc -l <"$work/c")" -eq 3 ] && head -1 "$work/c" | grep -q '^mechanism,label,size,metric,' &&
	grep -q '^unix,unix,64,msgs_per_s,.*,slower,' "$work/c"
tap $? "--format csv: a header and one row per mechanism"

# the machine moved: another kernel and CPU count in b's start line
node -e '
	const fs = require("fs"), [inp, out] = process.argv.slice(1);
	const ls = fs.readFileSync(inp, "utf8").trim().split("\n").map((l) => JSON.parse(l));
	ls[0].system.kernel = "Linux 0.0.1-other"; ls[0].system.cores = 64; ls[0].params.duration = 0.5;
	fs.writeFileSync(out, ls.map((l) => JSON.stringify(l)).join("\n") + "\n");
' "$work/a.ndjson" "$work/moved.ndjson"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/moved.ndjson" --format ndjson >"$work/m" 2>/dev/null
[ "$(field "$work/m" 's.platform_moved + "|" + s.moves.some((m) => m.startsWith("kernel: ") && m.includes("Linux 0.0.1-other")) + "|" + s.moves.some((m) => m.startsWith("cores: ")) + "|" + s.params_differ.some((m) => m.startsWith("duration: ")) + "|" + (s.a.system.kernel !== s.b.system.kernel)')" = "true|true|true|true|true" ]
tap $? "a moved machine: platform_moved, the kernel and cores named, both probes, the params that differ"
"$IPCSCOPE" diff "$work/a.ndjson" "$work/moved.ndjson" 2>/dev/null | grep -q "^warning: the machine moved between the runs: kernel: "
tap $? "text warns that the machine moved"

# stored run ids and saved names
mkdir -p "$work/state/ipcscope/results"
cp "$work/a.ndjson" "$work/state/ipcscope/results/r5.ndjson"
cp "$work/half.ndjson" "$work/res-r6"
mkdir "$work/other"
cp "$work/half.ndjson" "$work/other/r6.ndjson"
"$IPCSCOPE" diff r5 "$work/half.ndjson" >/dev/null 2>&1
tap $(($? != 1)) "a stored run id (r5) in \$XDG_STATE_HOME/ipcscope/results: exit 1 against the halved run"
"$IPCSCOPE" diff r6 r6 --results-dir "$work/other" >/dev/null 2>&1
tap $? "--results-dir finds r6 there"
ln -s "$work/half.ndjson" "$work/state/ipcscope/results/r7.ndjson"
"$IPCSCOPE" diff r5 r7 >/dev/null 2>"$work/err"
rc=$?
grep -q "link, not followed" "$work/err"
tap $((rc != 2 || $? != 0)) "a stored run that is a link is refused, exit 2 ($(head -c 200 "$work/err"))"

"$IPCSCOPE" bench pipe --reps 6 --duration 0.02 --ci 0 --save base --format ndjson >"$work/s1" 2>"$work/err"
rc=$?
saved=$work/state/ipcscope/saved/base.ndjson
[ $rc -eq 0 ] && [ "$(stat -c %a "$saved")" = 600 ] && [ "$(stat -c %a "$(dirname "$saved")")" = 700 ] &&
	cmp -s "$saved" "$work/s1"
tap $? "--save base: the run's lines kept as base.ndjson (0600 in a 0700 directory) ($(head -c 200 "$work/err"))"
"$IPCSCOPE" bench pipe --reps 6 --duration 0.02 --save base >"$work/s2" 2>"$work/err"
rc=$?
cmp -s "$saved" "$work/s1" && grep -q "already saved as 'base'" "$work/err" && ! grep -q '"result"' "$work/s2"
tap $((rc != 2 || $? != 0)) "--save to a taken name: exit 2 before the run, the saved run untouched (got $rc)"
"$IPCSCOPE" diff base base >/dev/null 2>&1
tap $? "diff base base (a saved name) exits 0"
"$IPCSCOPE" bench pipe --reps 6 --duration 0.02 --ci 0 --baseline base --threshold 1000 --format ndjson \
	>"$work/b1" 2>"$work/err"
rc=$?
node -e 'const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
	const t = ls.map((l) => l.type), e = t.indexOf("end"), d = t.indexOf("diff_start");
	process.exit(e > 0 && d === e + 1 && t[t.length - 1] === "diff_end" && ls[d].a.name === "base" ? 0 : 1)' "$work/b1"
tap $((rc != 0 || $? != 0)) "--baseline base: the diff's lines follow the run's end line, exit 0 (got $rc: $(head -c 200 "$work/err"))"
# a baseline a hundred times faster than any run here: exit 1, named
scale "$work/s1" "$work/fast.ndjson" pipe 100
"$IPCSCOPE" bench pipe --reps 6 --duration 0.02 --ci 0 --baseline "$work/fast.ndjson" >"$work/b2" 2>&1
rc=$?
grep -Eq "^pipe .*SLOWER$" "$work/b2"
tap $((rc != 1 || $? != 0)) "--baseline a far faster run: exit 1 and the text names pipe SLOWER (got $rc)"
"$IPCSCOPE" compare pipe,unix --reps 6 --duration 0.02 --ci 0 --baseline pipe >/dev/null 2>&1
tap $? "--baseline MECH on compare still picks the comparison's baseline"

# usage errors: exit 2, the message names what is wrong
usage() {
	local want=$1 rc
	shift
	"$IPCSCOPE" "$@" >"$work/u" 2>"$work/uerr" </dev/null
	rc=$?
	grep -q -- "$want" "$work/uerr"
	tap $((rc != 2 || $? != 0)) "usage error exits 2 naming '$want': $* (got $rc: $(head -c 160 "$work/uerr"))"
	grep -q '"type":"result"' "$work/u" && echo "# ran anyway"
}
usage "which two runs" diff "$work/a.ndjson"
usage "unexpected argument" diff "$work/a.ndjson" "$work/a.ndjson" extra
usage "threshold" diff "$work/a.ndjson" "$work/a.ndjson" --threshold -1
usage "unknown option" diff "$work/a.ndjson" "$work/a.ndjson" --bogus 1
usage "format" diff "$work/a.ndjson" "$work/a.ndjson" --format xml
usage "No such file" diff "$work/a.ndjson" "$work/none.ndjson"
usage "not an NDJSON line of a run" diff "$work/a.ndjson" /etc/hostname
usage "is not a run" diff "$work/a.ndjson" 'bad name!'
usage "no saved run" diff "$work/a.ndjson" nosuchname
usage "save" bench pipe --save r3
usage "save" bench pipe --save pipe
usage "save" bench pipe --save ../up
usage "threshold" bench pipe --threshold 10
usage "results-dir" bench pipe --results-dir /tmp
usage "baseline" bench pipe --baseline nosuchrun
"$IPCSCOPE" bench pipe --mode latency --reps 2 --count 200 --format ndjson >"$work/lat.ndjson" 2>/dev/null
usage "latency" diff "$work/a.ndjson" "$work/lat.ndjson"
[ ! -e "$work/state/ipcscope/saved/r3.ndjson" ] && [ "$(ls -A "$work/state/ipcscope/saved")" = base.ndjson ]
tap $? "refused saves left nothing behind"
# helpers are matched by name across the machine: only ours count
[ -z "$(leftovers | grep -v '^helper ')$(leftovers | grep '^helper ' | grep -F "$work")" ]
tap $? "nothing left behind"
tap_done
