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
trap 'exit 143' TERM HUP INT
export IPCSCOPE_CACHE_DIR=$cache_dir
run_started=$(date +%s)

# run_suite NAME CMD...: runs one suite, echoes its output, counts results
run_suite() {
	local name=$1 log rc ok bad
	shift
	[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && return
	log=$out/$(echo "$name" | tr '/ ' '__').log
	echo "=== $name"
	local t0=$SECONDS
	timeout --kill-after=10 900 "$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	ok=$(grep -cE '^ok [0-9]+' "$log")
	bad=$(grep -cE '^not ok [0-9]+' "$log")
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1
		echo "not ok - $name exited with status $rc"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	[ "$bad" -gt 0 ] && failures+=("$name")
	echo "--- $name: $ok passed, $bad failed ($((SECONDS - t0)) s)"
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
for t in bin/fuzz/fuzz_*; do
	[ -x "$t" ] && run_suite "fuzz/$(basename "$t")" tests/fuzz/run.sh "$t"
done
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
