#!/usr/bin/env bash
# interference.sh -- a busy process on one of a run's CPUs during chosen reps
# shows in exactly those reps' interference.other_cpu_pct
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/interftest.XXXXXX")
trap 'stop_busy; rm -rf "$work"' EXIT

REPS=6
LOADED=" 2 5 "   # reps run beside the busy process

# run_loaded OUT: a run pinned to CPUs 0 and 1; the busy loop on CPU 0
# during the loaded reps
run_loaded() {
	busy_during_reps "$1" 0 "$LOADED" \
		timeout -k 5 60 "$IPCSCOPE" bench shm-ring --pin 0,1 --reps $REPS --duration 0.3 --format ndjson
}

# verdict OUT: "ok: figures" when every loaded rep's other_cpu_pct is above every
# other rep's, else the figures
verdict() {
	node -e '
		const loaded = process.argv[2].trim().split(/\s+/).map(Number);
		const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
			.map((l) => JSON.parse(l)).filter((l) => l.type === "result");
		const pct = (l) => l.interference.other_cpu_pct;
		const on = lines.filter((l) => loaded.includes(l.rep)).map(pct);
		const off = lines.filter((l) => !loaded.includes(l.rep)).map(pct);
		const ok = lines.length === Number(process.argv[3]) && on.length === loaded.length &&
			Math.min(...on) > Math.max(...off);
		const f = (v) => v.map((x) => Number(x).toFixed(1)).join(" ");
		// others already filling the CPUs in the unloaded reps leave nothing
		// for the busy process to add: the premise cannot be tested then
		const sorted = [...off].sort((a, b) => a - b);
		const full = sorted.length && sorted[sorted.length >> 1] >= 90;
		const verdict = ok ? "ok" : full ? "SATURATED" : "FAIL";
		console.log(`${verdict}: other_cpu_pct loaded ${f(on)} / others ${f(off)}`);
	' "$1" "$LOADED" "$REPS"
}

if [ "$(nproc)" -lt 2 ]; then
	echo "ok 1 # skip needs two CPUs"
	tap_done
	exit
fi

busy_check run_loaded verdict "other_cpu_pct is raised for exactly the reps run beside a busy process"
out=$busy_out

# every result line carries the whole interference object
n=$(node -e '
	const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
		.map((l) => JSON.parse(l)).filter((l) => l.type === "result");
	const keys = ["other_cpu_pct", "steal_pct", "involuntary_ctx", "migrations", "line_rtt_ns", "disturbed"];
	console.log(lines.filter((l) => l.interference && keys.every((k) => k in l.interference) &&
		l.interference.migrations === null && l.interference.steal_pct >= 0).length);
' "$out")
tap "$([ "$n" = $REPS ] && echo 0 || echo 1)" "every result line has an interference object ($n of $REPS)"

# unpinned, the workers count their migrations
"$IPCSCOPE" bench pipe --pin none --reps 1 --duration 0.1 --format ndjson >"$work/none.ndjson"
m=$(node -e '
	const l = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
		.map((x) => JSON.parse(x)).find((x) => x.type === "result");
	console.log(typeof l.interference.migrations);
' "$work/none.ndjson")
tap "$([ "$m" = number ] && echo 0 || echo 1)" "pin=none counts migrations ($m)"

stop_busy
alive=$(busy_left)
tap "$([ -z "$alive" ] && [ -n "$all_busy" ] && echo 0 || echo 1)" "the busy process ran and none is left ($all_busy)"
tap_done
