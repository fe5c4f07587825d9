#!/usr/bin/env bash
# mpi.sh -- the mpi mechanism: ranks 0 and 1 under the mpirun ipcscope starts,
# under an mpirun someone else starts, across the lab's two namespaces; a
# stopped run leaves no mpirun, orted or rank behind
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/mpitest.XXXXXX")
trap 'rm -rf "$work"' EXIT
helper=$(dirname "$IPCSCOPE")/ipcscope-mpi
root_flag=
[ "$(id -u)" = 0 ] && root_flag=--allow-run-as-root

# js FILE EXPR: EXPR over the NDJSON lines of FILE (s start, r results, e end)
js() {
	node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
  .filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const s = ls.filter((l) => l.type === "start");
const r = ls.filter((l) => l.type === "result");
const e = ls.filter((l) => l.type === "end");
console.log(eval(process.argv[2]));' "$1" "$2" 2>&1
}

is_true() {
	[ "$2" = true ] || echo "# got: $2"
	tap "$([ "$2" = true ]; echo $?)" "$1"
}

# ours: mpirun, orted or ranks this suite started (the helper's path names them)
ours() {
	pgrep -f "$helper" 2>/dev/null
	pgrep -f "mpirun .*$IPCSCOPE" 2>/dev/null
	return 0
}

if ! command -v mpirun >/dev/null || [ ! -x "$helper" ]; then
	echo "ok 1 # SKIP mpi: mpirun or $helper missing (scripts/deps.sh build; make bin/ipcscope-mpi)"
	echo "1..1"
	exit 0
fi

timeout -k 5 60 "$IPCSCOPE" bench mpi --mode latency --count 2000 --reps 2 --format ndjson \
	>"$work/lat" 2>"$work/err"
tap $? "bench mpi starts mpirun itself and runs latency reps"
is_true "2 latency reps of 2000 round trips, verified, on one node, both ranks' CPU" \
	"$(js "$work/lat" 'r.length === 2 && r.every((x) => x.verified && x.count === 2000 &&
		x.latency_ns.p50 > 0 && x.rtt_ns.p50 >= x.latency_ns.p50 &&
		x.granted.ranks_on_one_node === 1 && x.cpu.receiver.util_pct > 0)')"
echo "# mpi one-way p50 on one host: $(js "$work/lat" 'r.map((x) => x.latency_ns.p50).join(", ")') ns"

timeout -k 5 60 "$IPCSCOPE" bench mpi --size 4K --count 20000 --reps 1 --format ndjson \
	>"$work/bw" 2>"$work/err"
is_true "a 4 KiB stream in windows: 20000 messages, verified" \
	"$(js "$work/bw" 'r.length === 1 && r[0].verified && r[0].count === 20000 &&
		r[0].bytes_per_s > 0')"
timeout -k 5 60 "$IPCSCOPE" bench mpi --size 1M --duration 0.1 --reps 1 --format ndjson \
	>"$work/dur" 2>"$work/err"
is_true "1 MiB messages for a duration: verified, a whole number of windows" \
	"$(js "$work/dur" 'r.length === 1 && r[0].verified && r[0].count > 0 && r[0].count % 64 === 0')"
timeout -k 5 60 "$IPCSCOPE" bench mpi --size 64 --count 1000 --verify 1 --reps 1 --format ndjson \
	>"$work/tiny" 2>"$work/err"
is_true "64-byte stream with a partial last window" \
	"$(js "$work/tiny" 'r.length === 1 && r[0].verified && r[0].count === 1000')"

timeout -k 5 30 "$IPCSCOPE" bench mpi --peer 127.0.0.1:9 --token abcdefgh >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "mpirun -np 2 -H" "$work/e"; echo $?)" \
	"mpi with peer= is a usage error that points to mpirun"

# under an mpirun someone else started: rank 0 writes the output, rank 1 nothing
timeout -k 5 90 mpirun -np 2 $root_flag --oversubscribe "$IPCSCOPE" bench mpi --mode latency \
	--count 1000 --reps 2 --format ndjson >"$work/ext" 2>"$work/err"
rc=$?
[ $rc -ne 0 ] && echo "# $(head -c 300 "$work/err")"
tap $rc "ipcscope bench mpi under an external mpirun -np 2"
is_true "one start, one end, two verified reps: rank 0 alone writes" \
	"$(js "$work/ext" 's.length === 1 && e.length === 1 && e[0].status === "ok" &&
		r.length === 2 && r.every((x) => x.verified && x.count === 1000)')"

# a stopped run takes its mpirun and both ranks with it
"$IPCSCOPE" bench mpi --duration 20 --reps 1 >"$work/o" 2>&1 &
pid=$!
for _ in $(seq 200); do
	[ -n "$(pgrep -f "$helper rep")" ] && break
	sleep 0.05
done
tap "$([ -n "$(pgrep -f "$helper rep")" ]; echo $?)" "the ranks are running"
kill -TERM $pid
for _ in $(seq 100); do kill -0 $pid 2>/dev/null || break; sleep 0.05; done
wait $pid
rc=$?
for _ in $(seq 60); do [ -z "$(ours)" ] && break; sleep 0.05; done
tap "$([ $rc -eq 1 ] && [ -z "$(ours)" ]; echo $?)" \
	"SIGTERM ends the run (exit $rc) and leaves no mpirun or rank"

# across the lab's two namespaces: mpirun's remote launch goes through
# `ip netns exec`, so the two ranks sit on two "hosts" joined by the veth
if [ "$(id -u)" != 0 ] || ! ip netns add "ipcscope-probe-$$" 2>/dev/null; then
	echo "ok $((tap_n + 1)) # SKIP mpi across namespaces: needs root and network namespaces"
	tap_n=$((tap_n + 1))
else
	ip netns delete "ipcscope-probe-$$"
	cat >"$work/agent" <<'AGENT'
#!/bin/sh
# plm_rsh_agent: "agent HOST COMMAND..." runs COMMAND in the lab's peer namespace
shift
exec ip netns exec "$IPCSCOPE_NETNS_PEER" sh -c "$*"
AGENT
	chmod +x "$work/agent"
	timeout -k 5 120 "$IPCSCOPE" lab -- mpirun -np 2 -H 10.199.0.2,10.199.0.1 --allow-run-as-root \
		--oversubscribe --bind-to none --mca plm_rsh_agent "$work/agent" --mca btl tcp,self \
		--mca btl_tcp_if_include 10.199.0.0/30 --mca oob_tcp_if_include 10.199.0.0/30 \
		"$IPCSCOPE" bench mpi --mode latency --count 500 --reps 1 --format ndjson \
		>"$work/lab" 2>"$work/err"
	rc=$?
	[ $rc -ne 0 ] && echo "# $(head -c 300 "$work/err")"
	tap $rc "mpirun across the lab's namespaces"
	is_true "the ranks on two nodes, over the veth, verified" \
		"$(js "$work/lab" 'r.length === 1 && r[0].verified && r[0].count === 500 &&
			r[0].granted.ranks_on_one_node === 0')"
	echo "# mpi one-way p50 across the veth: $(js "$work/lab" 'r[0].latency_ns.p50') ns"
	for _ in $(seq 60); do [ -z "$(ours)" ] && break; sleep 0.05; done
	lp=$(sed -n 's/.*namespaces ipcscope-\([0-9]*\)-a .*/\1/p' "$work/err" | head -1)
	tap "$([ -z "$(ours)" ] && [ -n "$lp" ] && ! ip netns list | grep -q "^ipcscope-$lp-"; echo $?)" \
		"no rank, orted or namespace left (lab ${lp:-?})"
fi

tap_done
