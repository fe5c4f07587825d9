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

# run_dirs [PID]: the run directories in this user's private bases
# ("$TMPDIR/ipcscope.<uid>", then ".1" .. where another user took the name),
# of run PID or of all runs
run_dirs() {
	ls -d "${TMPDIR:-/tmp}/ipcscope.$(id -u)"{,.*}/ipcscope-"${1:+$1-}"* 2>/dev/null
}

# leftovers: prints any kernel object or process ipcscope left behind
leftovers() {
	ls /dev/shm 2>/dev/null | grep -i ipcscope
	ls /dev/mqueue 2>/dev/null | grep -i ipcscope
	run_dirs
	ipcs -q 2>/dev/null | awk 'NR>3 && $1 ~ /^0x/ && $2 != "" {print "sysv-mq " $2}'
	pgrep -f "$IPCSCOPE (bench|compare|sweep|demo)" 2>/dev/null | grep -v "^$$\$"
	# helpers a mechanism started (a bus daemon, node) name the run's dir
	pgrep -af "/ipcscope\.[0-9.]+/ipcscope-[0-9]+-" 2>/dev/null | sed 's/^/helper /'
	return 0
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# --- a busy loop on one CPU during chosen reps (interference tests) -----------
# The loop is never signalled by its saved pid (once it ended by itself that
# pid may be another process's): it ends when its stop file appears, and
# the shell, which knows its own children, waits for it.
busy=
busy_stop=
all_busy=
stop_busy() {
	if [ -n "$busy" ]; then
		: >"$busy_stop"
		wait "$busy" 2>/dev/null
		rm -f "$busy_stop"
	fi
	busy=
	busy_stop=
}
# start_busy CPU: a busy loop pinned to CPU, above normal priority where
# allowed (root) so that it takes the CPU whatever else this shared machine
# runs; nice and taskset exec, so $! is the loop itself; it ends at
# stop_busy, or by itself after 20 s whatever happens to the script
start_busy() {
	busy_stop=$(mktemp -u "${TMPDIR:-/tmp}/ipcscope-busy.XXXXXX")
	nice -n -10 taskset -c "$1" bash -c 'end=$((SECONDS + 20)); while [ $SECONDS -lt $end ] && [ ! -e "$1" ]; do :; done' \
		busy "$busy_stop" 2>/dev/null &
	busy=$!
	all_busy="$all_busy $busy"
}
# busy_during_reps OUT CPU " 2 5 " COMMAND...: COMMAND's NDJSON into OUT; a
# busy loop on CPU starts with each listed rep (its first progress line)
# and stops at its result
busy_during_reps() {
	local out=$1 cpu=$2 loaded=$3 line rep
	shift 3
	while IFS= read -r line; do
		echo "$line" >>"$out"
		rep=$(echo "$line" | sed -n 's/.*"type":"\(progress\|result\)".*"rep":\([0-9]*\),.*/\2/p')
		[ -n "$rep" ] && [[ $loaded == *" $rep "* ]] || continue
		case $line in
		*'"type":"progress"'*'"rep_done":0,'*) [ -z "$busy" ] && start_busy "$cpu" ;;
		*'"type":"result"'*) stop_busy ;;
		esac
	done < <("$@")
	stop_busy
}
# busy_left: the busy loops still running, by this shell's own account of
# its children (a pid of one that ended may be another process's by now)
busy_left() {
	local p running
	running=" $(jobs -pr | tr '\n' ' ') "
	for p in $all_busy; do [[ $running == *" $p "* ]] && echo "$p"; done
	return 0
}
# busy_check RUN VERDICT DESCRIPTION: RUN FILE makes a run with a busy
# loop beside some reps, VERDICT FILE judges it ("ok: figures",
# "SATURATED: ..." when others already fill the CPU, else a failure); a
# shared machine may crowd a rep without the loop too, so up to three
# tries; one TAP line (a SKIP when saturated); the last run in busy_out
# (under $work)
busy_check() {
	local run=$1 verdict=$2 what=$3 try v
	for try in 1 2 3; do
		busy_out=$work/busy$try.ndjson
		: >"$busy_out"
		"$run" "$busy_out"
		v=$("$verdict" "$busy_out")
		[[ $v == ok* ]] && break
		echo "# try $try: $v"
	done
	if [[ $v == SATURATED* ]]; then
		echo "ok $((tap_n + 1)) # SKIP other processes keep the CPU full, a busy process cannot add to it ($v)"
		tap_n=$((tap_n + 1))
	else
		tap "$([[ $v == ok* ]]; echo $?)" "$what ($v)"
	fi
}
