#!/usr/bin/env bash
# demo_lessons.sh -- an experiment demo's lesson against the figures it
# printed: one rep is never a confident ratio, two reps carry one only when
# the rule of exp_check.c holds over the points; the caveat's words; the
# points as CSV rows; bench --help keeps its flags and text apart
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/lessontest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- one rep: never a confident ratio ------------------------------------------
"$IPCSCOPE" demo false-sharing --duration 0.02 --reps 1 --format ndjson >"$work/one" 2>"$work/err"
rc=$?
node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const l = ls.find((x) => x.type === "lesson") || {};
const ok = typeof l.unreliable === "string" && /ran once/.test(l.unreliable) &&
  l.text.startsWith(`Unreliable here (${l.unreliable}), so take this with care: `);
if (!ok) console.log("# " + JSON.stringify(l));
process.exit(ok ? 0 : 1);' "$work/one"
tap $(( rc != 0 || $? != 0 )) "false-sharing with one rep: the lesson says why it is unreliable, first (exit $rc)"

# --- two reps: the verdict agrees with the points ---------------------------------
# The rule (docs/API.md): with two reps a side, the shared line and 64 B
# apart (increments/s of both processes, each rep) must not overlap and
# the gap between their medians must be wider than either side's max/min;
# a "changed little" lesson (gap under 1.5x) needs no more than two reps.
"$IPCSCOPE" demo false-sharing --duration 0.05 --reps 2 --format ndjson >"$work/two" 2>"$work/err"
rc=$?
node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const l = ls.find((x) => x.type === "lesson") || {};
const side = (gap) => ls.filter((x) => x.type === "point" && x.gap_bytes === gap).map((x) => x.increments_per_s);
const a = side(8), b = side(64);
const med = (v) => v.reduce((s, x) => s + x, 0) / v.length;
const [lo, hi] = med(a) <= med(b) ? [a, b] : [b, a];
const gain = med(b) / med(a);
const holds = gain < 1.5 || (Math.min(...hi) > Math.max(...lo) &&
  med(hi) / med(lo) > Math.max(Math.max(...a) / Math.min(...a), Math.max(...b) / Math.min(...b)));
const said = l.unreliable === null ? true : typeof l.unreliable === "string" ? false : undefined;
const words = said ? !/^Unreliable here/.test(l.text) : l.text.startsWith(`Unreliable here (${l.unreliable})`);
console.log(`# shared line ${a.map((x) => (x / 1e6).toFixed(0))} M/s, 64 B apart ${b.map((x) => (x / 1e6).toFixed(0))} M/s: ` +
  `${holds ? "holds" : "does not hold"}; the lesson: ${l.unreliable}`);
process.exit(a.length === 2 && b.length === 2 && said === holds && words ? 0 : 1);' "$work/two"
tap $(( rc != 0 || $? != 0 )) "false-sharing with two reps: unreliable is null exactly when the printed figures carry the ratio"

# decide ranks its two options by msgs/s, one point a rep: the same rule
"$IPCSCOPE" demo decide --duration 0.03 --reps 2 --format ndjson >"$work/decide" 2>"$work/err"
rc=$?
node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const l = ls.find((x) => x.type === "lesson") || {};
const side = (role) => ls.filter((x) => x.type === "point" && x.role === role).map((x) => x.msgs_per_s);
const a = side("recommended"), b = side("runner-up");
const mean = (v) => v.reduce((s, x) => s + x, 0) / v.length;
const [lo, hi] = mean(a) <= mean(b) ? [a, b] : [b, a];
const holds = Math.min(...hi) > Math.max(...lo) &&
  mean(hi) / mean(lo) > Math.max(Math.max(...a) / Math.min(...a), Math.max(...b) / Math.min(...b));
console.log(`# recommended ${a.map((x) => (x / 1e3).toFixed(0))} k/s, runner-up ${b.map((x) => (x / 1e3).toFixed(0))} k/s: ` +
  `${holds ? "holds" : "does not hold"}; the lesson: ${l.unreliable}`);
process.exit(a.length === 2 && b.length === 2 && (l.unreliable === null) === holds &&
  /^Unreliable here/.test(l.text) === !holds ? 0 : 1);' "$work/decide"
tap $(( rc != 0 || $? != 0 )) "decide with two reps: unreliable is null exactly when its points carry the ranking"

# --- counts carry no speed caveat ----------------------------------------------------
"$IPCSCOPE" demo race --procs 2 --adds 20K --format ndjson >"$work/race" 2>"$work/err"
rc=$?
node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
const l = ls.find((x) => x.type === "lesson") || {};
process.exit(l.unreliable === null && !/^Unreliable/.test(l.text) && !/mutex was [0-9.]+× slower/.test(l.text) ? 0 : 1);' "$work/race"
tap $(( rc != 0 || $? != 0 )) "race: no caveat on its counts, and no mutex factor from one run each"

# --- csv: one row per point ---------------------------------------------------------
"$IPCSCOPE" demo race --procs 2 --adds 20K --format csv >"$work/race.csv" 2>"$work/err"
rc=$?
node -e '
// a CSV row: fields split at commas outside quotes, "" inside quotes a quote
const cells = (r) => [...r.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => m[1].replace(/^"|"$/g, "").replace(/""/g, "\""));
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(cells);
const h = rows[0], col = (r, k) => r[h.indexOf(k)];
const body = rows.slice(1);
const ok = ["step", "label", "series", "x", "expected", "actual", "lost", "exact"].every((k) => h.includes(k)) &&
  !h.includes("type") && !h.includes("run") && body.length === 4 &&
  body.every((r) => r.length === h.length && col(r, "expected") === "40000") &&
  body.filter((r) => col(r, "label") !== "unsynchronised").every((r) => col(r, "actual") === "40000" && col(r, "exact") === "1");
if (!ok) console.log("# " + rows.map((r) => r.join(",")).join("\n# "));
process.exit(ok ? 0 : 1);' "$work/race.csv"
tap $(( rc != 0 || $? != 0 )) "demo race --format csv: a header and one row per point, counts exact (exit $rc)"
"$IPCSCOPE" demo false-sharing --duration 0.02 --reps 2 --format csv >"$work/fs.csv" 2>"$work/err"
rc=$?
rows=$(( $(wc -l <"$work/fs.csv") - 1 ))
head -1 "$work/fs.csv" | grep -q '^step,label,series,x,rep,gap_bytes,increments_per_s_a,increments_per_s_b,increments_per_s,cpu_share_a,cpu_share_b$'
tap $(( rc != 0 || $? != 0 || rows != 6 )) "demo false-sharing --format csv: its documented columns, one row per layout and rep ($rows rows)"

# --- bench --help: flags and text apart ------------------------------------------------
"$IPCSCOPE" bench --help >"$work/help" 2>&1
run_in=$(grep -E '^  --' "$work/help" | grep -vE '^  --[a-z-]+( [^ ]+)?( {2,}[^ ].*)?$')
tap $(( ${#run_in} > 0 )) "bench --help: every flag stands apart from its text (run in: ${run_in:-none})"
grep -qE '^  --serialization json\|advanced$' "$work/help"
tap $? "bench --help: a flag wider than the column gets a line of its own"

tap_done
