#!/usr/bin/env bash
# run.sh -- runs one libFuzzer target for FUZZ_SECONDS (default 6) over its
# committed corpus (tests/fuzz/NAME/, read only; new inputs go to
# tests/out/fuzz/NAME/) and prints one TAP line
# usage: tests/fuzz/run.sh bin/fuzz/fuzz_NAME
set -u
bin=$1
name=$(basename "$bin")
name=${name#fuzz_}
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$top/tests/out/fuzz/$name
mkdir -p "$work"
log=$work.log
"$bin" -max_total_time="${FUZZ_SECONDS:-6}" -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
	-artifact_prefix="$work-" "$work" "$top/tests/fuzz/$name" >"$log" 2>&1
rc=$?
runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$')
if [ "$rc" -eq 0 ]; then
	echo "ok 1 - fuzz $name: ${runs:-?} inputs in ${FUZZ_SECONDS:-6} s, no crash, leak or undefined behaviour"
else
	echo "not ok 1 - fuzz $name: the fuzzer stopped with status $rc (crash input in $work-*)"
	tail -40 "$log" | sed 's/^/# /'
fi
echo "1..1"
