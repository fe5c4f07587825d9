#!/usr/bin/env bash
# demo_compare.sh -- a demo of jobs over several sizes or modes compares
# like with like: one comparison line per size and mode, never round trips
# ranked against a stream (layers) nor 64 B against 1 MiB (crossover)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/democompare.XXXXXX")
trap 'rm -rf "$work"' EXIT

# groups FILE WANT: each comparison's rows (and its baseline) share one
# size and one mode (the label's last word for layers); WANT lines
groups() {
	node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const cs = ls.filter((l) => l.type === "comparison");
const mode = (label) => (/ (latency|throughput)$/.exec(label || "") || [])[1] || "";
const bad = cs.filter((c) => {
  const keys = new Set(c.rows.map((r) => `${r.size} ${mode(r.label)}`));
  return keys.size !== 1 || !keys.has(`${c.baseline_size} ${mode(c.baseline_label)}`);
});
if (cs.length !== Number(process.argv[2]) || bad.length) console.log("# " + cs.length + " lines, mixed: " + JSON.stringify(bad.map((c) => c.rows.map((r) => r.label))));
process.exit(cs.length === Number(process.argv[2]) && !bad.length ? 0 : 1);' "$1" "$2"
}

"$IPCSCOPE" demo layers --reps 2 --duration 0.02 --warmup 10 --format ndjson >"$work/layers" 2>"$work/err"
rc=$?
groups "$work/layers" 4
ok=$?
[ $rc -ne 0 ] && head -c 600 "$work/err" | sed 's/^/# /' && grep '"type":"error"' "$work/layers" | head -3 | cut -c1-400 | sed 's/^/# /'
tap $(( rc != 0 || ok != 0 )) "layers: four comparisons, each of one size and one mode (exit $rc)"

"$IPCSCOPE" demo crossover --reps 2 --duration 0.02 --warmup 10 --format ndjson >"$work/crossover" 2>"$work/err"
rc=$?
groups "$work/crossover" 4
ok=$?
[ $rc -ne 0 ] && head -c 600 "$work/err" | sed 's/^/# /'
tap $(( rc != 0 || ok != 0 )) "crossover: four comparisons, each of one size (exit $rc)"

tap_done
