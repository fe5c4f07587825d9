#!/usr/bin/env bash
# run_helpers.sh -- node's pair of node processes and dbus's bus daemon are started once per run and kept between reps, jobs and sizes, and none is left behind
set -u
. "$(dirname "$0")/lib.sh"

real_node=$(command -v node) || { echo "1..0 # SKIP node is not installed"; exit 0; }
real_dbus=$(command -v dbus-daemon) || { echo "1..0 # SKIP dbus-daemon is not installed"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/nodepair.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# a node on PATH that notes each start, then runs the real one (the pair's
# child is forked by node itself, from its own path: only senders are noted)
mkdir "$work/bin"
cat >"$work/bin/node" <<SHIM
#!/bin/sh
echo start >>"$work/starts"
exec "$real_node" "\$@"
SHIM
cat >"$work/bin/dbus-daemon" <<SHIM
#!/bin/sh
echo start >>"$work/buses"
exec "$real_dbus" "\$@"
SHIM
chmod +x "$work/bin/node" "$work/bin/dbus-daemon"

# buses: how many bus daemons were started since the last call
buses() {
	local n=0
	[ -f "$work/buses" ] && n=$(wc -l <"$work/buses") && rm -f "$work/buses"
	echo "$n"
}

# starts: how many node senders were started since the last call
starts() {
	local n=0
	[ -f "$work/starts" ] && n=$(wc -l <"$work/starts") && rm -f "$work/starts"
	echo "$n"
}

results() {
	grep -c '"type":"result"' "$1"
}

# run ARGS...: one ipcscope run with the noting shims first on PATH; its
# pid (its start line's run id, cli-PID) is kept: the helpers it starts
# name its run directory, ipcscope-PID-...
pids=
run() {
	local rc
	PATH="$work/bin:$PATH" timeout -k 5 120 "$IPCSCOPE" "$@" --format ndjson >"$work/out" 2>"$work/err"
	rc=$?
	pids="$pids${pids:+|}$(grep -o '"run":"cli-[0-9]*"' "$work/out" | head -1 | grep -o '[0-9]*')"
	return $rc
}

run bench node --reps 3 --duration 0.02 --warmup 10
rc=$?
n=$(starts)
tap $(( rc != 0 || $(results "$work/out") != 3 )) "bench node, 3 reps: every rep measured (exit $rc)"
tap $(( n != 1 )) "bench node, 3 reps: one node pair for the run ($n started)"

# latency mode, interleaved with another mechanism's reps
run compare node,unix --mode latency --reps 3 --ci 0 --duration 0.02 --warmup 10
rc=$?
n=$(starts)
tap $(( rc != 0 || $(results "$work/out") != 6 )) "compare node,unix latency: every rep measured (exit $rc)"
tap $(( n != 1 )) "compare node,unix latency: one node pair across interleaved reps ($n started)"

# two sizes through one pair: each rep's payload checked at its own size
run sweep node --sizes 64,4K --reps 2 --duration 0.02 --warmup 10
rc=$?
n=$(starts)
bad=$(grep '"type":"result"' "$work/out" | grep -vc '"corrupted":0')
tap $(( rc != 0 || $(results "$work/out") != 4 || bad != 0 )) "sweep node 64,4K: every rep measured and verified (exit $rc, $bad with corruption)"
tap $(( n != 1 )) "sweep node 64,4K: one node pair across sizes ($n started)"

# the V8 serializer (child_process.fork fixes it for the pair's life)
run bench node --serialization advanced --mode latency --reps 2 --duration 0.02 --warmup 10
rc=$?
n=$(starts)
tap $(( rc != 0 || $(results "$work/out") != 2 || n != 1 )) "bench node serialization=advanced: 2 reps through one pair (exit $rc, $n started)"

# a rep the pair was inside of when its worker was killed: the next job's
# rep gets a new pair (the old one may still be sending) and measures
PATH="$work/bin:$PATH" timeout -k 5 120 "$IPCSCOPE" compare node,node --reps 2 --ci 0 --duration 1 --warmup 10 \
	--format ndjson >"$work/out" 2>"$work/err" &
run_pid=$!
worker=
for i in $(seq 200); do
	# the pair started (its sender noted), then the rep's worker forked
	if [ -s "$work/starts" ] && grep -q '"type":"progress".*"label":"node#1".*"rep":1,' "$work/out" 2>/dev/null; then
		# the run's children: its worker (ipcscope) and the pair's sender (node)
		worker=$(for p in $(pgrep -P "$(pgrep -P "$run_pid" | head -1)"); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" != node ] && echo "$p"; done | head -1)
		[ -n "$worker" ] && break
	fi
	sleep 0.05
done
[ -n "$worker" ] && sleep 0.3 && kill -9 "$worker"
wait "$run_pid"
n=$(starts)
ok2=$(grep '"type":"result"' "$work/out" | grep -c '"label":"node#2"')
tap $(( ${#worker} == 0 || ok2 != 2 || n != 2 )) "a node rep whose worker is killed: the next job gets a new pair and measures (killed ${worker:-none}, node#2 $ok2 of 2 reps, $n started)"
pids="$pids${pids:+|}$run_pid"

# dbus: one bus for a run's reps, round trips and streams alike
run compare dbus,unix --reps 3 --ci 0 --duration 0.02 --warmup 10
rc=$?
n=$(buses)
tap $(( rc != 0 || $(results "$work/out") != 6 )) "compare dbus,unix: every rep measured (exit $rc)"
tap $(( n != 1 )) "compare dbus,unix: one bus daemon for the run ($n started)"
run sweep dbus --mode latency --sizes 64,4K --reps 2 --duration 0.02 --warmup 10
rc=$?
n=$(buses)
bad=$(grep '"type":"result"' "$work/out" | grep -vc '"corrupted":0')
tap $(( rc != 0 || $(results "$work/out") != 4 || bad != 0 || n != 1 )) "sweep dbus latency 64,4K: 4 verified reps on one bus (exit $rc, $n started)"

sleep 0.3
left=$(pgrep -af "/ipcscope-($pids)-" 2>/dev/null)
[ -n "$pids" ] && [ -z "$left" ]
tap $? "no node or bus daemon process is left after the runs"
[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'

tap_done
