#!/usr/bin/env bash
# run.sh -- make bench: ipcscope measured side by side with reference tools and plain loops, then the report
#
# Every comparison is interleaved: each repetition runs one ipcscope rep and
# then the reference right after it, so drift on a shared machine hits both
# sides alike. Raw outputs go to a private temp dir; bench/report.mjs turns
# them into the table on stdout and bench/results/latest.json.
#
# Environment: BENCH_REPS (default 5), BENCH_ONLY="group ..." to run some
# groups only (pipe_rtt sock_rtt iperf ring spin stream kernel memcpy signals layers mpi api stability verdicts diffs headline demos),
# BENCH_AA (default 100) A/A compares and BENCH_GAP (default 20) sync-tax runs for the verdicts group,
# BENCH_DIFF (default 20) A/A diffs (two compares of the same command) for the diffs group,
# BENCH_STRICT=1 to exit non-zero when a row misses its target,
# BENCH_KEEP_RAW=DIR to keep the raw outputs (DIR must not exist yet),
# BENCH_IPCSCOPE=PATH to measure another build.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
REPS=${BENCH_REPS:-5}
ONLY=${BENCH_ONLY:-}
IPC=${BENCH_IPCSCOPE:-bin/ipcscope}
REF=bin/bench
# The Makefile's CFLAGS, minus its dependency-file flags.
REF_CFLAGS=(-std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -pthread)
GROUPS_ALL="pipe_rtt sock_rtt iperf ring spin stream kernel memcpy signals layers mpi api stability verdicts diffs headline demos"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ipcscope-bench.XXXXXX") || exit 1
RAW=$TMP/raw
mkdir -p "$RAW"
BG=()

# Every exit path: stop what this script started (by pid), remove the temp dir.
cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${BG[@]}"; do wait "$p" 2>/dev/null; done
	BG=()
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

log() { printf 'bench: %s\n' "$*" >&2; }

# stop_bg PID: ends one background process started here and forgets it
stop_bg() {
	local p keep=()
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for p in "${BG[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	BG=("${keep[@]}")
}

# free_port: a TCP port on 127.0.0.1 that nothing listens on right now
free_port() {
	node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# ipc KEY N ARGS...: one ipcscope rep (speed settings given by the caller)
ipc() {
	local key=$1 n=$2
	shift 2
	timeout -k 5 120 "$IPC" bench "$@" --reps 1 --format ndjson >"$RAW/$key.ipc.$n" 2>"$RAW/$key.ipc.$n.err" ||
		log "ipcscope bench $* failed: $(head -c 300 "$RAW/$key.ipc.$n.err")"
}

# tool KEY.SIDE N CMD...: one run of a reference, its stdout kept raw; like
# ipc, bounded at 120 s so a stuck run cannot hang make bench
tool() {
	local name=$1 n=$2
	shift 2
	timeout -k 5 120 "$@" >"$RAW/$name.$n" 2>"$RAW/$name.$n.err" ||
		log "reference '$*' failed: $(head -c 300 "$RAW/$name.$n.err")"
}

# ref_libs NAME: the libraries a reference loop links (the library layers')
ref_libs() {
	case $1 in
	ref_zmq) echo -lzmq ;;
	ref_grpc) echo -lgrpc -lgpr ;;
	ref_dbus) pkg-config --cflags --libs dbus-1 ;;
	ref_kernel) echo -luring ;;
	esac
}

build_refs() {
	local src out name
	mkdir -p "$REF"
	for src in bench/ref/*.c; do
		[ "$src" = bench/ref/ref_mpi.c ] && continue
		name=$(basename "$src" .c)
		out=$REF/$name
		if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ bench/ref/ref.h -nt "$out" ]; then
			# shellcheck disable=SC2046
			gcc "${REF_CFLAGS[@]}" -o "$out" "$src" $(ref_libs "$name") || return 1
		fi
	done
	if [ ! -x $REF/ref_mpi ] || [ bench/ref/ref_mpi.c -nt $REF/ref_mpi ]; then
		mpicc "${REF_CFLAGS[@]}" -o $REF/ref_mpi bench/ref/ref_mpi.c || return 1
	fi
}

# --- the groups, in the order of the table ---------------------------------

# Pipe round trip: 4-byte messages like perf's sched-pipe (one int per
# write). perf cannot pin its two processes apart: it runs on CPUs 0,1
# and the scheduler places them, which ipcscope's pin=none matches.
g_pipe_rtt() {
	local i n=5000
	for i in $(seq "$REPS"); do
		ipc pipe_rtt_same "$i" pipe --mode latency --size 4 --count $n --warmup 100 --pin same --verify 0
		tool pipe_rtt_same.perf "$i" taskset -c 0 perf bench sched pipe -l $n
		tool pipe_rtt_same.ref "$i" $REF/ref_stream pipe rtt 4 $n 100 0 0
		ipc pipe_rtt_split "$i" pipe --mode latency --size 4 --count $n --warmup 100 --pin split --verify 0
		ipc pipe_rtt_none "$i" pipe --mode latency --size 4 --count $n --warmup 100 --pin none --verify 0
		tool pipe_rtt_split.perf "$i" taskset -c 0,1 perf bench sched pipe -l $n
		tool pipe_rtt_split.ref "$i" $REF/ref_stream pipe rtt 4 $n 100 0 1
	done
}

# Unix and tcp round trips, 64 B. sockperf server on CPU 1, client on CPU 0.
g_sock_rtt() {
	local i port pid n=5000
	port=$(free_port)
	taskset -c 1 sockperf server --tcp -i 127.0.0.1 -p "$port" >"$TMP/sockperf-server.log" 2>&1 &
	pid=$!
	BG+=("$pid")
	sleep 0.5
	for i in $(seq "$REPS"); do
		ipc tcp_rtt "$i" tcp --mode latency --size 64 --count $n --warmup 200 --pin split --verify 0
		tool tcp_rtt.sockperf "$i" taskset -c 0 sockperf ping-pong --tcp -i 127.0.0.1 -p "$port" -m 64 -t 2
		tool tcp_rtt.ref "$i" $REF/ref_stream tcp rtt 64 $n 200 0 1
		ipc unix_rtt "$i" unix --mode latency --size 64 --count $n --warmup 200 --pin split --verify 0
		tool unix_rtt.ref "$i" $REF/ref_stream unix rtt 64 $n 200 0 1
	done
	stop_bg "$pid"
}

# TCP stream of 64 KiB writes against iperf3 -l 64K with TCP_NODELAY (-N),
# client on CPU 0 and server on CPU 1 (-A 0,1).
g_iperf() {
	local i port pid
	port=$(free_port)
	iperf3 -s -B 127.0.0.1 -p "$port" >"$TMP/iperf3-server.log" 2>&1 &
	pid=$!
	BG+=("$pid")
	sleep 0.5
	for i in $(seq "$REPS"); do
		ipc tcp_64k "$i" tcp --size 64K --count 20000 --warmup 200 --pin split --verify 0
		tool tcp_64k.iperf3 "$i" iperf3 -c 127.0.0.1 -p "$port" -l 64K -N -A 0,1 -t 1 -J
	done
	stop_bg "$pid"
}

# shm-ring streams against the plain ring; verify=1 shown beside verify=0.
g_ring() {
	local i size n
	for i in $(seq "$REPS"); do
		for size in 64 4096 1048576; do
			case $size in 64) n=2000000 ;; 4096) n=200000 ;; *) n=1500 ;; esac
			ipc ring_$size "$i" shm-ring --size "$size" --count $n --warmup $((n / 100 + 100)) --pin split --verify 0
			tool ring_$size.ref "$i" $REF/ref_ring "$size" $n $((n / 100 + 100)) 0 1
			# the plain ring with ipcscope's sequence numbers (bench/GAPS.md)
			[ "$size" = 64 ] && tool ring_64_seq.ref "$i" $REF/ref_ring 64 $n $((n / 100 + 100)) 0 1 seq
			ipc ring_${size}_v "$i" shm-ring --size "$size" --count $n --warmup $((n / 100 + 100)) --pin split --verify 1
		done
	done
}

# shm (spin handoff) round trip against the cache-line ping-pong.
g_spin() {
	local i n=100000
	for i in $(seq "$REPS"); do
		ipc shm_spin "$i" shm --sync spin --mode latency --size 64 --count $n --warmup 1000 --pin split --verify 0
		tool shm_spin.ref "$i" $REF/ref_pingpong 64 $n 1000 0 1
	done
}

# Kernel streams at 64 B and 4 KiB against plain write/read loops.
g_stream() {
	local i mech size n=50000
	for i in $(seq "$REPS"); do
		for mech in pipe unix tcp; do
			for size in 64 4096; do
				ipc ${mech}_$size "$i" $mech --size $size --count $n --warmup 600 --pin split --verify 0
				tool ${mech}_$size.ref "$i" $REF/ref_stream $mech thr $size $n 600 0 1
			done
		done
	done
}

# The kernel's faster paths against plain loops doing the same work
# (bench/ref/ref_kernel.c), and beside the classic mechanism each one is
# an alternative to (pipe, unix, tcp, eventfd), all interleaved rep by rep.
g_kernel() {
	local i k size n
	local -A ipc_of=([splice]=splice [cma]=cma [tcpzc]=tcp-zc [uring]=uring [umsg]=uring-msg)
	local -A ref_of=([splice]=splice [cma]=cma [tcpzc]=tcp-zc [uring]=uring [umsg]=uring-msg)
	for i in $(seq "$REPS"); do
		for k in splice cma tcpzc; do
			for size in 65536 1048576; do
				case $size in 65536) n=5000 ;; *) n=400 ;; esac
				[ $k = tcpzc ] && [ $size = 1048576 ] && continue
				ipc ${k}_$size "$i" "${ipc_of[$k]}" --size $size --count $n --warmup 20 --pin split --verify 0
				tool ${k}_$size.ref "$i" $REF/ref_kernel "${ref_of[$k]}" thr $size $n 20 0 1
			done
		done
		ipc uring_64 "$i" uring --size 64 --count 50000 --warmup 600 --pin split --verify 0
		tool uring_64.ref "$i" $REF/ref_kernel uring thr 64 50000 600 0 1
		ipc umsg_8 "$i" uring-msg --size 8 --count 50000 --warmup 600 --pin split --verify 0
		tool umsg_8.ref "$i" $REF/ref_kernel uring-msg thr 8 50000 600 0 1
		for k in splice cma tcpzc uring umsg; do
			size=64
			[ $k = umsg ] && size=8
			ipc ${k}_rtt "$i" "${ipc_of[$k]}" --mode latency --size $size --count 5000 --warmup 200 --pin split --verify 0
			tool ${k}_rtt.ref "$i" $REF/ref_kernel "${ref_of[$k]}" rtt $size 5000 200 0 1
		done
		# the classic mechanism each is an alternative to
		for size in 65536 1048576; do
			case $size in 65536) n=5000 ;; *) n=400 ;; esac
			ipc kpipe_$size "$i" pipe --size $size --count $n --warmup 20 --pin split --verify 0
		done
		ipc ktcp_65536 "$i" tcp --size 65536 --count 5000 --warmup 20 --pin split --verify 0
		ipc kunix_64 "$i" unix --size 64 --count 50000 --warmup 600 --pin split --verify 0
		ipc kevfd_8 "$i" eventfd --size 8 --count 50000 --warmup 600 --pin split --verify 0
		ipc kpipe_rtt "$i" pipe --mode latency --size 64 --count 5000 --warmup 200 --pin split --verify 0
		ipc ktcp_rtt "$i" tcp --mode latency --size 64 --count 5000 --warmup 200 --pin split --verify 0
		ipc kunix_rtt "$i" unix --mode latency --size 64 --count 5000 --warmup 200 --pin split --verify 0
		ipc kevfd_rtt "$i" eventfd --mode latency --size 8 --count 5000 --warmup 200 --pin split --verify 0
		# eventfd and signalfd round trips against blocking-read ping-pongs,
		# placed by the scheduler (pin none) on both sides
		ipc evfd_rtt_none "$i" eventfd --mode latency --size 8 --count 5000 --warmup 200 --pin none --verify 0
		tool evfd_rtt_none.ref "$i" $REF/ref_kernel eventfd rtt 8 5000 200 -1 -1
		ipc sigfd_rtt_none "$i" signalfd --mode latency --size 8 --count 5000 --warmup 200 --pin none --verify 0
		tool sigfd_rtt_none.ref "$i" $REF/ref_kernel signalfd rtt 8 5000 200 -1 -1
	done
}

g_memcpy() {
	local i
	for i in $(seq "$REPS"); do
		tool memcpy_4096.ref "$i" $REF/ref_memcpy 4096 2000000 0
		tool memcpy_1048576.ref "$i" $REF/ref_memcpy 1048576 4000 0
	done
}

# Real-time signals taken by sigtimedwait (signal) against the same signals
# read from a signalfd (signalfd), interleaved, both modes.
g_signals() {
	local i n=50000 m=5000
	for i in $(seq "$REPS"); do
		ipc sig_thr "$i" signal --count $n --warmup 500 --pin split --verify 0
		ipc sigfd_thr "$i" signalfd --count $n --warmup 500 --pin split --verify 0
		ipc sig_rtt "$i" signal --mode latency --count $m --warmup 100 --pin split --verify 0
		ipc sigfd_rtt "$i" signalfd --mode latency --count $m --warmup 100 --pin split --verify 0
	done
}

# The library layers, 64 B: each against a plain loop of the same library
# (zmq in the shape of local_thr/remote_thr and local_lat/remote_lat, a
# bare gRPC unary ping-pong, a bare D-Bus method-call loop, a bare
# process.send loop), then the raw mechanism under each (unix for zmq ipc,
# grpc and dbus; a pipe for node), all interleaved rep by rep.
g_layers() {
	local i n=50000 m=2000 node_ref=(taskset -c 0 node bench/ref/ref_node.mjs)
	local thr=(--size 64 --count $n --warmup 1000 --pin split --verify 0)
	local rtt=(--mode latency --size 64 --count $m --warmup 200 --pin split --verify 0)
	for i in $(seq "$REPS"); do
		ipc zmq_thr "$i" zmq "${thr[@]}"
		tool zmq_thr.ref "$i" $REF/ref_zmq thr 64 $n 1000 0 1
		ipc zmq_rtt "$i" zmq "${rtt[@]}"
		tool zmq_rtt.ref "$i" $REF/ref_zmq rtt 64 $m 200 0 1
		ipc grpc_rtt "$i" grpc "${rtt[@]}"
		tool grpc_rtt.ref "$i" $REF/ref_grpc 64 $m 200 0 1
		ipc dbus_rtt "$i" dbus "${rtt[@]}"
		tool dbus_rtt.ref "$i" $REF/ref_dbus 64 $m 200 0 1
		ipc node_thr "$i" node "${thr[@]}"
		tool node_thr.ref "$i" "${node_ref[@]}" thr 64 $n 1000 0 1
		ipc node_rtt "$i" node "${rtt[@]}"
		tool node_rtt.ref "$i" "${node_ref[@]}" rtt 64 $m 200 0 1
		ipc grpc_thr "$i" grpc "${thr[@]}"
		ipc dbus_thr "$i" dbus "${thr[@]}"
		ipc unix_lthr "$i" unix "${thr[@]}"
		ipc unix_lrtt "$i" unix "${rtt[@]}"
		ipc pipe_lthr "$i" pipe "${thr[@]}"
		ipc pipe_lrtt "$i" pipe "${rtt[@]}"
	done
}

# Open MPI between two ranks (CPUs 0 and 1) against plain loops in the shape
# of osu_latency (MPI_Send/Recv ping-pong) and osu_bw (windows of 64
# MPI_Isend/Irecv and an ack), both under the same mpirun flags.
g_mpi() {
	local i n=20000 w=300 root=
	[ "$(id -u)" = 0 ] && root=--allow-run-as-root
	for i in $(seq "$REPS"); do
		ipc mpi_lat "$i" mpi --mode latency --size 64 --count $n --warmup 1000 --pin split --verify 0
		tool mpi_lat.ref "$i" mpirun -np 2 --oversubscribe --bind-to none $root $REF/ref_mpi lat 64 $n 1000
		ipc mpi_bw "$i" mpi --size 4096 --count $((w * 64)) --warmup 640 --pin split --verify 0
		tool mpi_bw.ref "$i" mpirun -np 2 --oversubscribe --bind-to none $root $REF/ref_mpi bw 4096 $w 10
	done
}

# start_server: ipcscope serve on a free port; sets BASE and SERVER_PID
start_server() {
	local _
	"$IPC" serve --port 0 --results-dir "$TMP/runs" >"$TMP/serve.out" 2>"$TMP/serve.err" &
	SERVER_PID=$!
	BG+=("$SERVER_PID")
	for _ in $(seq 100); do
		BASE=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve.out" | head -1)
		[ -n "$BASE" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "ipcscope serve did not start: $(head -c 300 "$TMP/serve.err")"
	return 1
}

# The HTTP face: request-to-start latency, then /api/mechanisms and
# /api/health under wrk (its connections kept), idle and while a run streams.
g_api() {
	local i load
	start_server || return 0
	tool api_start.ipc 1 node bench/http.mjs "$BASE" 20 "$IPC"
	for i in $(seq 3); do
		tool api_wrk.ipc "$i" wrk -t1 -c8 -d3s "$BASE/api/mechanisms"
		tool api_health_wrk.ipc "$i" wrk -t1 -c8 -d3s "$BASE/api/health"
	done
	for i in $(seq 3); do
		node -e 'require("http").get(process.argv[1], (r) => r.resume())' \
			"$BASE/api/bench/pipe?duration=1&reps=4" >/dev/null 2>&1 &
		load=$!
		BG+=("$load")
		sleep 0.3
		tool api_wrk_load.ipc "$i" wrk -t1 -c8 -d3s "$BASE/api/mechanisms"
		stop_bg "$load"
	done
	stop_bg "$SERVER_PID"
}

# The headline: four mechanisms, 100 000 x 64 B each, exactly as a user
# types it, timed end to end (process start to exit).
# One default compare of every mechanism (no list): how tight its answers get (the
# median's 95 % interval), how many reps were flagged, and how long it takes.
g_stability() {
	local t0 t1
	t0=$(date +%s%N)
	# a mechanism that fails is logged; the others' figures and the wall
	# time still count
	timeout -k 5 300 "$IPC" compare --format ndjson >"$RAW/stability.ipc.1" 2>"$RAW/stability.err" ||
		log "default compare ended in error: $(grep -h '"type":"error"' "$RAW/stability.ipc.1" | head -c 300)"
	t1=$(date +%s%N)
	echo "$(((t1 - t0) / 1000))e-6" >"$RAW/stability.wall.1"
}

# How often the verdicts say what is true. A/A: one mechanism twice as two
# jobs of one compare (pipe#1 against pipe#2, the defaults), where "can't
# tell apart" is right; a known gap: sync-tax's shm sync=mutex against
# sync=spin, where "clear" is right. Every run's lines go to one file.
g_verdicts() {
	local i
	for i in $(seq "${BENCH_AA:-100}"); do
		timeout -k 5 60 "$IPC" compare pipe,pipe --format ndjson >>"$RAW/aa.ipc.1" \
			2>>"$RAW/verdicts.err" || log "A/A compare $i ended in error"
	done
	for i in $(seq "${BENCH_GAP:-20}"); do
		timeout -k 5 120 "$IPC" demo sync-tax --format ndjson >>"$RAW/gap.ipc.1" \
			2>>"$RAW/verdicts.err" || log "sync-tax $i ended in error"
	done
}

# Runs compared across time, A/A: the same compare twice, one after the
# other, then ipcscope diff of the two (unpaired: the runs were not
# interleaved), where "no change" is right for every row. The diffs' lines
# go to one file.
g_diffs() {
	local i
	for i in $(seq "${BENCH_DIFF:-20}"); do
		timeout -k 5 60 "$IPC" compare shm,pipe,unix,tcp --format ndjson >"$TMP/diff.a.ndjson" \
			2>>"$RAW/diffs.err" || { log "A/A diff $i: the first compare ended in error"; continue; }
		timeout -k 5 60 "$IPC" compare shm,pipe,unix,tcp --format ndjson >"$TMP/diff.b.ndjson" \
			2>>"$RAW/diffs.err" || { log "A/A diff $i: the second compare ended in error"; continue; }
		timeout -k 5 60 "$IPC" diff "$TMP/diff.a.ndjson" "$TMP/diff.b.ndjson" --format ndjson \
			>>"$RAW/diffaa.ipc.1" 2>>"$RAW/diffs.err"
		[ $? -le 1 ] || log "A/A diff $i: ipcscope diff failed: $(tail -c 300 "$RAW/diffs.err")"
	done
}

g_headline() {
	local i t0 t1
	for i in $(seq 3); do
		t0=$(date +%s%N)
		"$IPC" compare shm,pipe,unix,tcp --count 100000 --size 64 --reps 1 >"$RAW/headline.out.$i" 2>&1 ||
			{ log "headline compare failed: $(tail -c 300 "$RAW/headline.out.$i")"; continue; }
		t1=$(date +%s%N)
		echo "$(((t1 - t0) / 1000))e-6" >"$RAW/headline.ipc.$i"
	done
}

record_tools() {
	{
		echo "perf	$(perf --version 2>&1 | head -1)"
		echo "sockperf	$(sockperf --version 2>&1 | head -1)"
		echo "iperf3	$(iperf3 --version 2>&1 | head -1)"
		echo "wrk	$(wrk -v 2>&1 | head -1)"
		echo "node	$(node --version 2>&1)"
		echo "gcc	$(gcc --version 2>&1 | head -1)"
		echo "mpirun	$(mpirun --version 2>&1 | head -1)"
		echo "ipcscope	$(git rev-parse --short HEAD 2>/dev/null)$([ -z "$(git status --porcelain -- server workers 2>/dev/null)" ] || echo '+uncommitted')"
	} >"$RAW/tools.tsv"
}

# Every demo with its defaults, end to end, once each: a class waits for
# this (the goal is under 10 s on a quiet machine). The names come from
# `ipcscope demo --help`, so a new demo is timed without a change here.
g_demos() {
	local d t0 t1
	for d in $("$IPC" demo --help | awk '/^  [a-z][a-z-]+  +/ {print $1}'); do
		t0=$(date +%s%N)
		timeout -k 5 120 "$IPC" demo "$d" --format ndjson >"$RAW/demo_$d.ipc.1" 2>"$RAW/demo_$d.err" ||
			log "demo $d ended in error: $(head -c 300 "$RAW/demo_$d.err")"
		t1=$(date +%s%N)
		echo "$(((t1 - t0) / 1000))e-6" >"$RAW/demo_$d.wall.1"
	done
}

main() {
	local g t0 t1
	[ -x "$IPC" ] || { log "$IPC is missing: run make"; exit 1; }
	# Measure a private copy, so a rebuild during the run cannot swap it.
	cp "$IPC" "$TMP/ipcscope" || exit 1
	# the mpi mechanism's ranks are the helper beside the binary
	cp "$(dirname "$IPC")/ipcscope-mpi" "$TMP/" 2>/dev/null || log "no ipcscope-mpi: the mpi rows will fail"
	IPC=$TMP/ipcscope
	[ "$(nproc)" -ge 2 ] || { log "needs at least 2 CPUs for pin=split"; exit 1; }
	build_refs || { log "building the reference loops failed"; exit 1; }
	record_tools
	echo "load_start	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/tools.tsv"
	t0=$(date +%s)
	for g in $GROUPS_ALL; do
		if [ -n "$ONLY" ] && [[ " $ONLY " != *" $g "* ]]; then
			continue
		fi
		log "$g ..."
		t1=$(date +%s)
		"g_$g"
		echo "$g" >>"$RAW/groups.txt"
		log "$g took $(($(date +%s) - t1)) s"
	done
	echo "reps	$REPS" >>"$RAW/tools.tsv"
	echo "wall_s	$(($(date +%s) - t0))" >>"$RAW/tools.tsv"
	mkdir -p bench/results
	if [ -n "${BENCH_KEEP_RAW:-}" ]; then
		cp -r "$RAW" "$BENCH_KEEP_RAW" || log "could not keep the raw outputs in $BENCH_KEEP_RAW"
	fi
	node bench/report.mjs "$RAW" bench/results/latest.json
}

main "$@"
