# lib.sh -- TAP helpers and leftover checks for integration tests (sourced)
# IPCSCOPE is the binary under test; ASAN=1 when it is the sanitizer build.
: "${IPCSCOPE:?IPCSCOPE must name the ipcscope binary}"
# runs remember the platform in a cache directory: tests/run.sh gives them
# one of its own; run alone, a suite's runs get one that cannot be made
export IPCSCOPE_CACHE_DIR=${IPCSCOPE_CACHE_DIR:-/dev/null/no-cache}
tap_n=0
tap_failed=0

# ok COND_EXIT_STATUS DESCRIPTION
tap() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# leftovers: prints any kernel object or process ipcscope left behind
leftovers() {
	ls /dev/shm 2>/dev/null | grep -i ipcscope
	ls /dev/mqueue 2>/dev/null | grep -i ipcscope
	ls -d "${TMPDIR:-/tmp}"/ipcscope-* 2>/dev/null
	ipcs -q 2>/dev/null | awk 'NR>3 && $1 ~ /^0x/ && $2 != "" {print "sysv-mq " $2}'
	pgrep -f "$IPCSCOPE (bench|compare|sweep|demo)" 2>/dev/null | grep -v "^$$\$"
	# helpers a mechanism started (a bus daemon, node) name the run's dir
	pgrep -af "${TMPDIR:-/tmp}/ipcscope-[0-9]+-" 2>/dev/null | sed 's/^/helper /'
	return 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
