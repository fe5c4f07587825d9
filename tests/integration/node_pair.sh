#!/usr/bin/env bash
# node_pair.sh -- the node mechanism starts its pair of node processes once per run and keeps it between reps, jobs and sizes, and leaves none behind
set -u
. "$(dirname "$0")/lib.sh"

real_node=$(command -v node) || { echo "1..0 # SKIP node is not installed"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/nodepair.XXXXXX")
trap 'rm -rf "$work"' EXIT

# a node on PATH that notes each start, then runs the real one (the pair's
# child is forked by node itself, from its own path: only senders are noted)
mkdir "$work/bin"
cat >"$work/bin/node" <<SHIM
#!/bin/sh
echo start >>"$work/starts"
exec "$real_node" "\$@"
SHIM
chmod +x "$work/bin/node"

# starts: how many node senders were started since the last call
starts() {
	local n=0
	[ -f "$work/starts" ] && n=$(wc -l <"$work/starts") && rm -f "$work/starts"
	echo "$n"
}

results() {
	grep -c '"type":"result"' "$1"
}

run() {
	PATH="$work/bin:$PATH" timeout -k 5 120 "$IPCSCOPE" "$@" --format ndjson >"$work/out" 2>"$work/err"
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

sleep 0.3
left=$(pgrep -af "$work|/ipcscope\.[0-9.]+/ipcscope-[0-9]+-.*node" 2>/dev/null | grep -v "pgrep")
[ -z "$left" ]
tap $? "no node process is left after the runs"
[ -n "$left" ] && echo "$left" | sed 's/^/# left: /'

tap_done
