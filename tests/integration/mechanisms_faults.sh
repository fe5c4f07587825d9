#!/usr/bin/env bash
# mechanisms_faults.sh -- kill -9 one worker of a running kernel-mechanism bench: the run must end with an error and leave nothing
set -u
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mechfaults.XXXXXX")
trap 'rm -rf "$work"' EXIT

# children PID: the worker processes of the bench run PID
children() {
	pgrep -P "$1" 2>/dev/null
}

# sysv_ids: ids of the System V message queues that exist now
sysv_ids() {
	ipcs -q 2>/dev/null | awk '$1 ~ /^0x/ {print $2}' | sort
}

# left_by PID BEFORE: what the run PID left: named objects and temp dirs
# carrying its pid, and System V queues that appeared since BEFORE (ids)
# and are still there a second later (other test runs may share the box)
left_by() {
	local pid=$1 before=$2 new
	ls /dev/shm /dev/mqueue 2>/dev/null | grep "ipcscope-$pid-"
	run_dirs "$pid"
	# a bus daemon or node process started for the run names its directory
	pgrep -af "/ipcscope-$pid-" 2>/dev/null
	new=$(comm -13 <(echo "$before") <(sysv_ids))
	[ -z "$new" ] && return 0
	sleep 1
	comm -12 <(echo "$new") <(sysv_ids) | sed 's/^/sysv-mq /'
	return 0
}

# alive PID...: true if any of the processes still exists
alive() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

# wait_running PID OUT [N]: waits (up to 20 s) until the run measures, i.e.
# it printed a progress line and N (2) processes of it exist
wait_running() {
	local pid=$1 out=$2 want=${3:-2} i
	for i in $(seq 200); do
		if grep -q '"type":"progress"' "$out" 2>/dev/null &&
		   [ "$(children "$pid" | wc -l)" -ge "$want" ]; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_exit PID: waits (up to 30 s) for the run to end; its exit status,
# or 124 if it did not end (then it is killed)
wait_exit() {
	local pid=$1 i
	for i in $(seq 300); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return $?
		fi
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	return 124
}

# fault MECH WHICH: runs a 5 s bench of MECH, kills its first (receiver)
# or last (sender) worker with SIGKILL, and checks the outcome
fault() {
	local mech=$1 which=$2 pid victim rc left before
	local out=$work/$mech.ndjson
	before=$(sysv_ids)
	"$IPCSCOPE" bench "$mech" --duration 5 --reps 1 --format ndjson >"$out" 2>"$work/$mech.err" &
	pid=$!
	if ! wait_running "$pid" "$out"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		tap 1 "$mech: bench started measuring"
		sed 's/^/# /' "$work/$mech.err"
		return
	fi
	# the receiver is forked first
	if [ "$which" = receiver ]; then
		victim=$(children "$pid" | sort -n | head -1)
	else
		victim=$(children "$pid" | sort -n | tail -1)
	fi
	kill -9 "$victim"
	wait_exit "$pid"
	rc=$?
	tap "$([ "$rc" -eq 1 ] && echo 0 || echo 1)" "$mech: killing the $which exits 1 (got $rc)"
	tail -1 "$out" | grep -q '"type":"end".*"status":"error"'
	tap $? "$mech: the stream ends with an error end line"
	grep -q '"type":"error"' "$out"
	tap $? "$mech: an error line says what happened"
	tap "$([ -z "$(children "$pid")" ] && echo 0 || echo 1)" "$mech: no worker survives"
	left=$(left_by "$pid" "$before")
	[ -z "$left" ]
	tap $? "$mech: nothing left behind"
	[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'
	return 0
}

# kill_run MECH: kills the run process itself; its workers must follow it
# and the next run must sweep what it left (a System V queue has no name:
# only the note of its id in the run directory finds it)
kill_run() {
	local mech=$1 want=${2:-2} pid workers before left i
	local out=$work/$mech-run.ndjson
	before=$(sysv_ids)
	"$IPCSCOPE" bench "$mech" --duration 5 --reps 1 --format ndjson >"$out" 2>/dev/null &
	pid=$!
	if ! wait_running "$pid" "$out" "$want"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		tap 1 "$mech: bench started measuring"
		return
	fi
	# the workers and what they started (a node pair)
	workers="$(children "$pid") $(for w in $(children "$pid"); do pgrep -P "$w"; done)"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	for i in $(seq 50); do
		alive $workers || break
		sleep 0.1
	done
	! alive $workers
	tap $? "$mech: workers die with their run"
	"$IPCSCOPE" bench pipe --count 100 --reps 1 >/dev/null 2>&1
	left=$(left_by "$pid" "$before")
	[ -z "$left" ]
	tap $? "$mech: the next run sweeps what a killed run left"
	[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'
	return 0
}

fault fifo receiver
fault sysv-mq sender
fault mq receiver
fault tcp sender
fault signal receiver
# a receiver reading the sender's memory (cma); a receiver waiting in io_uring_enter
fault cma receiver
fault uring sender
kill_run sysv-mq
kill_run fifo
# library mechanisms: a bus daemon (the run's first child) and a node pair
# (one worker runs them) must go with the run too
fault dbus sender
fault grpc receiver
kill_run dbus 3
kill_run node 1

tap_done
