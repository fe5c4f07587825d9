#!/usr/bin/env bash
# demo_csv.sh -- `demo --format csv` keeps each job's label (a demo's variant: sync-tax's sync kind, layers' mode, placement's pin) in a label column, and an experiment demo writes its points as rows
set -u
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/democsv.XXXXXX")
trap 'rm -rf "$work"' EXIT

# csv NAME ARGS...: the demo's CSV in $work/NAME.csv; its exit status
csv() {
	local name=$1
	shift
	timeout -k 5 120 "$IPCSCOPE" demo "$name" "$@" --format csv >"$work/$name.csv" 2>"$work/$name.err"
}

# labels NAME: the distinct values of the label column
labels() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "label") c = i; next } c { print $c }' "$work/$1.csv" | sort -u
}

csv sync-tax --reps 1 --duration 0.02
rc=$?
head -1 "$work/sync-tax.csv" | grep -q '^mechanism,label,size,'
tap $(( rc != 0 || $? != 0 )) "sync-tax csv: the header has a label column after mechanism (exit $rc)"
n=$(labels sync-tax | grep -c 'sync=')
tap $(( n < 4 )) "sync-tax csv: each sync kind is its own label ($n: $(labels sync-tax | tr '\n' '|'))"

csv layers --reps 1 --duration 0.01 --warmup 10
rc=$?
lat=$(labels layers | grep -c 'latency$')
thr=$(labels layers | grep -c 'throughput$')
tap $(( rc != 0 || lat != 10 || thr != 10 )) "layers csv: each mechanism, size and mode is its own label ($lat latency, $thr throughput; exit $rc)"

csv placement --reps 1 --duration 0.02
rc=$?
n=$(labels placement | wc -l)
rows=$(($(wc -l <"$work/placement.csv") - 1))
tap $(( rc != 0 || n < 3 || n != rows )) "placement csv: each pin is its own label ($n labels for $rows rows: $(labels placement | tr '\n' '|'))"

# an experiment demo: its points as rows, under the union of their fields
csv framing --count 1000
rc=$?
rows=$(($(wc -l <"$work/framing.csv") - 1))
head -1 "$work/framing.csv" | grep -q '^step,label,'
tap $(( rc != 0 || $? != 0 || rows < 2 )) "framing csv: a row per point under step,label,... ($rows rows, exit $rc)"
csv peercred
rc=$?
rows=$(($(wc -l <"$work/peercred.csv") - 1))
tap $(( rc != 0 || rows < 2 )) "peercred csv: a row per point ($rows rows, exit $rc)"

tap_done
