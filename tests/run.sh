#!/usr/bin/env bash
# run.sh -- runs every test suite, counts TAP "ok"/"not ok" lines, and ends
# with "N passed, N failed". Suites: cmocka unit tests (normal and ASan+UBSan),
# tests/integration/*.sh and tests/api/*.test.mjs (against bin/ipcscope and
# bin/ipcscope-asan), libFuzzer targets bin/fuzz/* (tests/fuzz/run.sh),
# tests/browser/*.test.mjs (node).
# usage: tests/run.sh [FILTER]   only suites whose path contains FILTER
set -u
cd "$(dirname "$0")/.."
top=$PWD
out=$top/tests/out
mkdir -p "$out"
filter=${1:-}
passed=0
failed=0
failures=()

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export CMOCKA_MESSAGE_OUTPUT=TAP
# runs remember the platform between runs: never in the user's own cache
cache_dir=$(mktemp -d "${TMPDIR:-/tmp}/testcache-ipcscope.XXXXXX") || exit 1
trap 'rm -rf "$cache_dir"' EXIT
# stopped: the suites running in the background stop too (timeout passes
# the signal on to its suite)
stop_suites() {
	local j
	for j in $(jobs -p); do
		pkill -TERM -P "$j" 2>/dev/null
		kill -TERM "$j" 2>/dev/null
	done
	exit 143
}
trap stop_suites TERM HUP INT
export IPCSCOPE_CACHE_DIR=$cache_dir
run_started=$(date +%s)

# suite_log NAME: where a suite's output goes
suite_log() {
	echo "$out/$(echo "$1" | tr '/ ' '__').log"
}

# start_suite NAME CMD...: starts one suite in the background; its output,
# exit status and time go to its log files, collected by finish_suite
start_suite() {
	local name=$1 log
	shift
	log=$(suite_log "$name")
	(
		t0=$SECONDS
		timeout --kill-after=10 900 "$@" >"$log" 2>&1
		echo $? >"$log.rc"
		echo $((SECONDS - t0)) >"$log.time"
	) &
}

# finish_suite NAME: waits for a suite start_suite started, echoes its
# output, counts its results
finish_suite() {
	local name=$1 log rc ok bad
	log=$(suite_log "$name")
	wait
	echo "=== $name"
	cat "$log"
	rc=$(cat "$log.rc" 2>/dev/null || echo 1)
	ok=$(grep -cE '^ok [0-9]+' "$log")
	bad=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $name exited with status $rc"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	[ "$bad" -gt 0 ] && failures+=("$name")
	echo "--- $name: $ok passed, $bad failed ($(cat "$log.time" 2>/dev/null || echo ?) s)"
	rm -f "$log.rc" "$log.time"
}

# wanted NAME: the suite passes the filter
wanted() {
	[ -z "$filter" ] || [[ "$1" == *"$filter"* ]]
}

# run_suite NAME CMD...: runs one suite, echoes its output, counts results
run_suite() {
	wanted "$1" || return 0
	start_suite "$@"
	finish_suite "$1"
}

for t in bin/tests/test_*; do
	[ -x "$t" ] && run_suite "unit/$(basename "$t")" "$t"
done
for t in bin/tests-asan/test_*; do
	[ -x "$t" ] && run_suite "unit-asan/$(basename "$t")" "$t"
done
for t in tests/integration/*.sh; do
	[ -f "$t" ] && [ "$(basename "$t")" != lib.sh ] || continue
	run_suite "integration/$(basename "$t")" env IPCSCOPE="$top/bin/ipcscope" bash "$t"
	run_suite "integration-asan/$(basename "$t")" env IPCSCOPE="$top/bin/ipcscope-asan" ASAN=1 bash "$t"
done
# the fuzz targets two at a time: each is one process on one core, with its
# own corpus and work directory (tests/out/fuzz/NAME), and judges only itself
fuzz_running=()
for t in bin/fuzz/fuzz_*; do
	[ -x "$t" ] && wanted "fuzz/$(basename "$t")" || continue
	start_suite "fuzz/$(basename "$t")" tests/fuzz/run.sh "$t"
	fuzz_running+=("fuzz/$(basename "$t")")
	if [ ${#fuzz_running[@]} -eq 2 ]; then
		for n in "${fuzz_running[@]}"; do finish_suite "$n"; done
		fuzz_running=()
	fi
done
for n in "${fuzz_running[@]}"; do finish_suite "$n"; done
for t in tests/api/*.test.mjs tests/browser/*.test.mjs; do
	[ -f "$t" ] || continue
	run_suite "${t#tests/}" env IPCSCOPE="$top/bin/ipcscope" node "$t"
done
for t in tests/api/*.test.mjs; do
	[ -f "$t" ] || continue
	run_suite "api-asan/$(basename "$t")" env IPCSCOPE="$top/bin/ipcscope-asan" ASAN=1 node "$t"
done

# the API suites' own temp dirs (lib.mjs tmpdir) must be gone too
left=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'ipcscope-apitest-*' -newermt "@$run_started" 2>/dev/null | head -5)
if [ -n "$left" ]; then
	echo "not ok - the suites left temp dirs behind: $(echo $left)"
	failed=$((failed + 1))
	failures+=("temp dirs")
else
	passed=$((passed + 1))
fi
if [ ${#failures[@]} -gt 0 ]; then
	echo "failed suites: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
