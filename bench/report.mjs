// report.mjs -- turns make bench's raw outputs into the ratio table (stdout) and bench/results/latest.json
// usage: node bench/report.mjs RAW_DIR OUT_JSON
// Exit status: 1 when a row that was run has no numbers (a tool or ipcscope
// failed); missed targets are reported but only fail with BENCH_STRICT=1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [rawDir, outJson] = process.argv.slice(2);
if (rawDir === '--markdown') {
  markdown(JSON.parse(fs.readFileSync(outJson, 'utf8')));
  process.exit(0);
}

// --- parsers: file text -> array of numbers ---------------------------------

const lines = (t) => t.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l));
const dig = (o, p) => p.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);

// ipcscope --format ndjson: the figure from every result line
const ipc = (field) => (t) =>
  lines(t).filter((m) => m.type === 'result').map((m) => {
    const v = dig(m, field);
    if (v === undefined && field.startsWith('rtt_ns.')) return 2 * dig(m, field.replace('rtt_ns', 'latency_ns'));
    return v;
  });
const ref = (field) => (t) => lines(t).map((m) => m[field]);
const num = (re, scale = 1) => (t) => [...t.matchAll(re)].map((m) => Number(m[1]) * scale);
// sockperf prints one-way latency (RTT / 2) in usec, with colour codes
const sockperf = (pct) => (t) => num(new RegExp(`percentile ${pct} =\\s*([\\d.]+)`, 'g'), 1000)(t.replace(/\x1b\[[0-9;]*m/g, ''));
const perfPipe = num(/([\d.]+)\s+usecs\/op/g, 1000);
const iperf3 = (t) => [JSON.parse(t).end.sum_received.bits_per_second / 8];
const wrk = num(/Requests\/sec:\s+([\d.]+)/g);
const jfield = (f) => (t) => lines(t).map((m) => m[f]);
const plain = (t) => [Number(t.trim())];
// a default compare's summaries: the median's 95 % interval and the flagged reps
const summaries = (t) => lines(t).filter((m) => m.type === 'summary');
const halfPcts = (t) => summaries(t).map((m) => m.median_ci && m.median_ci.half_pct).filter(Number.isFinite);
const ciMedian = (t) => [stats(halfPcts(t)).median];
const ciWorst = (t) => [Math.max(...halfPcts(t))];
const flaggedPct = (t) => {
  const sums = summaries(t);
  const used = sums.reduce((a, m) => a + m.reps_used, 0);
  const flagged = sums.reduce((a, m) => a + new Set([...m.outliers, ...m.disturbed_reps]).size, 0);
  return [used ? (100 * flagged) / used : NaN];
};

// the verdicts of comparison rows (not the baseline's own) over every run of
// a file, and the share that say what is true
const verdictRows = (t, pick) => lines(t).filter((m) => m.type === 'comparison')
  .flatMap((m) => m.rows.filter((r) => r.verdict !== 'baseline' && pick(m, r))
    .map((r) => ({ ...r, baseline_label: m.baseline_label })));
const sharePct = (rows, right) => (rows.length ? [(100 * rows.filter(right).length) / rows.length] : []);
const clearPct = (t) => sharePct(verdictRows(t, () => true), (r) => r.verdict === 'clear');
// settled: no more reps would change it (it excludes 1, or lies within the
// default ci, 5 %, of 1); and the medians that reached the ci target
const settledCount = (t) => [verdictRows(t, () => true).filter((r) => r.verdict === 'clear' || r.verdict === 'probably' ||
  (r.verdict === 'same' && r.within_pct <= 5)).length];
const ciReachedCount = (t) => [summaries(t).filter((m) => m.ci_reached === true).length];
const rowCount = (t) => [verdictRows(t, () => true).length];
const jobCount = (t) => [summaries(t).length];
// A/A diffs: each try's diff_end; right when every row says no change
const aaDiffSame = (t) => sharePct(lines(t).filter((m) => m.type === 'diff_end'), (e) => e.rows > 0 && e.no_change === e.rows);
const aaSame = (t) => sharePct(verdictRows(t, () => true), (r) => r.verdict === 'same');
// sync-tax ranks against its fastest: a run where spinning was not the
// fastest (a busy machine starves a spinner) counts as not clear
const gapClear = (t) => sharePct(verdictRows(t, (m, r) => r.label === 'shm sync=mutex')
  .map((r) => ({ ...r, spin: r.baseline_label === 'shm sync=spin' })), (r) => r.spin && r.verdict === 'clear');

// --- the rows ----------------------------------------------------------------
// kind: thr (ratio >= 0.90), lat (ratio <= 1.10), ceil (ratio >= 0.50),
// info (no target), max / min (absolute value against `target`).

const THR = { op: '>=', target: 0.9 };
const LAT = { op: '<=', target: 1.1 };
const CEIL = { op: '>=', target: 0.5, kind: 'ceil' };

const STABLE = 'ipcscope compare (every local mechanism, the defaults: ci=5, at most 21 reps of 0.025 s)';

// The library layers: against plain loops of the same library (targets),
// then against the raw mechanism under each (the layer's price, info).
const LAYER_ROWS = [
  { group: 'layers', id: 'zmq_thr_ref', label: 'zmq stream 64 B / local_thr-style loop', unit: 'msg/s', ...THR,
    ipc: ['zmq_thr.ipc', ipc('msgs_per_s')], ref: ['zmq_thr.ref', ref('msgs_per_s')],
    refName: 'bench/ref/ref_zmq thr 64: PUSH/PULL over ipc, zmq_msg_send and zmq_msg_recv as remote_thr and local_thr' },
  { group: 'layers', id: 'zmq_rtt_ref', label: 'zmq RTT p50, 64 B / local_lat-style loop', unit: 'ns', ...LAT,
    ipc: ['zmq_rtt.ipc', ipc('rtt_ns.p50')], ref: ['zmq_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_zmq rtt 64: REQ/REP over ipc as remote_lat and local_lat, each round trip timed' },
  { group: 'layers', id: 'grpc_rtt_ref', label: 'grpc unary RTT p50, 64 B / bare unary ping-pong', unit: 'ns', ...LAT,
    ipc: ['grpc_rtt.ipc', ipc('rtt_ns.p50')], ref: ['grpc_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_grpc 64: one unary call per round trip over a unix socket, C core, pluck queue' },
  { group: 'layers', id: 'dbus_rtt_ref', label: 'dbus method call RTT p50, 64 B / bare call loop', unit: 'ns', ...LAT,
    ipc: ['dbus_rtt.ipc', ipc('rtt_ns.p50')], ref: ['dbus_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_dbus 64: dbus_connection_send_with_reply_and_block through its own private dbus-daemon' },
  { group: 'layers', id: 'node_thr_ref', label: 'node process.send stream 64 B / bare loop', unit: 'msg/s', ...THR,
    ipc: ['node_thr.ipc', ipc('msgs_per_s')], ref: ['node_thr.ref', ref('msgs_per_s')],
    refName: 'bench/ref/ref_node.mjs thr 64: [seq, payload] messages, paused with setImmediate when process.send says the channel is full' },
  { group: 'layers', id: 'node_rtt_ref', label: 'node process.send RTT p50, 64 B / bare loop', unit: 'ns', ...LAT,
    ipc: ['node_rtt.ipc', ipc('rtt_ns.p50')], ref: ['node_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_node.mjs rtt 64: one message out and back, timed with process.hrtime.bigint()' },
  ...[['zmq', 'unix'], ['grpc', 'unix'], ['dbus', 'unix'], ['node', 'pipe']].flatMap(([l, raw]) => [
    { group: 'layers', id: `${l}_price_thr`, label: `price: ${l} stream 64 B / ${raw}`, unit: 'msg/s', op: 'info',
      ipcName: `ipcscope ${l}`, ipc: [`${l}_thr.ipc`, ipc('msgs_per_s')], ref: [`${raw}_lthr.ipc`, ipc('msgs_per_s')],
      refName: `ipcscope bench ${raw}, interleaved: the share of the raw mechanism's rate the layer keeps` },
    { group: 'layers', id: `${l}_price_rtt`, label: `price: ${l} RTT p50, 64 B / ${raw}`, unit: 'ns', op: 'info',
      ipcName: `ipcscope ${l}`, ipc: [`${l}_rtt.ipc`, ipc('rtt_ns.p50')], ref: [`${raw}_lrtt.ipc`, ipc('rtt_ns.p50')],
      refName: `ipcscope bench ${raw} --mode latency, interleaved: how many raw round trips one round trip through the layer costs` },
  ]),
];

const ROWS = [
  { group: 'pipe_rtt', id: 'pipe_rtt_same_perf', label: 'pipe RTT mean, pin=same / perf sched pipe', unit: 'ns', ...LAT,
    ipc: ['pipe_rtt_same.ipc', ipc('rtt_ns.mean')], ref: ['pipe_rtt_same.perf', perfPipe],
    refName: 'taskset -c 0 perf bench sched pipe -l 5000 (usecs/op = one round trip, mean)' },
  { group: 'pipe_rtt', id: 'pipe_rtt_same_ref', label: 'pipe RTT p50, pin=same / ref loop', unit: 'ns', ...LAT,
    ipc: ['pipe_rtt_same.ipc', ipc('rtt_ns.p50')], ref: ['pipe_rtt_same.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_stream pipe rtt 4 B, both on CPU 0' },
  { group: 'pipe_rtt', id: 'pipe_rtt_none_perf', label: 'pipe RTT mean, pin=none / perf sched pipe', unit: 'ns', ...LAT,
    ipc: ['pipe_rtt_none.ipc', ipc('rtt_ns.mean')], ref: ['pipe_rtt_split.perf', perfPipe],
    refName: 'taskset -c 0,1 perf bench sched pipe -l 5000 (perf cannot pin each side: the scheduler places them, as with pin=none)' },
  { group: 'pipe_rtt', id: 'pipe_rtt_split_perf', label: 'pipe RTT mean, pin=split / perf sched pipe', unit: 'ns', op: 'info',
    ipc: ['pipe_rtt_split.ipc', ipc('rtt_ns.mean')], ref: ['pipe_rtt_split.perf', perfPipe],
    refName: 'the same perf runs: ipcscope pinned apart against perf placed by the scheduler (often on one CPU); the ratio is the cost of crossing CPUs, not of the harness' },
  { group: 'pipe_rtt', id: 'pipe_rtt_split_ref', label: 'pipe RTT p50, pin=split / ref loop', unit: 'ns', ...LAT,
    ipc: ['pipe_rtt_split.ipc', ipc('rtt_ns.p50')], ref: ['pipe_rtt_split.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_stream pipe rtt 4 B, CPUs 0 and 1' },
  { group: 'sock_rtt', id: 'tcp_lat_p50_sockperf', label: 'tcp latency p50 (RTT/2), 64 B / sockperf', unit: 'ns', ...LAT,
    ipc: ['tcp_rtt.ipc', ipc('latency_ns.p50')], ref: ['tcp_rtt.sockperf', sockperf('50.000')],
    refName: 'sockperf ping-pong --tcp -m 64 -t 2 (server CPU 1, client CPU 0)' },
  { group: 'sock_rtt', id: 'tcp_lat_p99_sockperf', label: 'tcp latency p99 (RTT/2), 64 B / sockperf', unit: 'ns', ...LAT,
    ipc: ['tcp_rtt.ipc', ipc('latency_ns.p99')], ref: ['tcp_rtt.sockperf', sockperf('99.000')],
    refName: 'sockperf ping-pong --tcp -m 64 -t 2' },
  { group: 'sock_rtt', id: 'tcp_rtt_p50_ref', label: 'tcp RTT p50, 64 B / ref loop', unit: 'ns', ...LAT,
    ipc: ['tcp_rtt.ipc', ipc('rtt_ns.p50')], ref: ['tcp_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_stream tcp rtt 64 B' },
  { group: 'sock_rtt', id: 'tcp_rtt_p99_ref', label: 'tcp RTT p99, 64 B / ref loop', unit: 'ns', ...LAT,
    ipc: ['tcp_rtt.ipc', ipc('rtt_ns.p99')], ref: ['tcp_rtt.ref', ref('rtt_p99_ns')],
    refName: 'bench/ref/ref_stream tcp rtt 64 B' },
  { group: 'sock_rtt', id: 'unix_lat_sockperf', label: 'unix latency p50/p99 / sockperf', unit: 'ns', op: 'n/a',
    ipc: ['unix_rtt.ipc', ipc('latency_ns.p50')], ref: null,
    refName: 'not measurable: Debian\'s sockperf 3.7 has no AF_UNIX support (added upstream after 3.7); the ref loop rows below stand in' },
  { group: 'sock_rtt', id: 'unix_rtt_p50_ref', label: 'unix RTT p50, 64 B / ref loop', unit: 'ns', ...LAT,
    ipc: ['unix_rtt.ipc', ipc('rtt_ns.p50')], ref: ['unix_rtt.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_stream unix rtt 64 B (socketpair)' },
  { group: 'sock_rtt', id: 'unix_rtt_p99_ref', label: 'unix RTT p99, 64 B / ref loop', unit: 'ns', ...LAT,
    ipc: ['unix_rtt.ipc', ipc('rtt_ns.p99')], ref: ['unix_rtt.ref', ref('rtt_p99_ns')],
    refName: 'bench/ref/ref_stream unix rtt 64 B (socketpair)' },
  { group: 'iperf', id: 'tcp_64k_iperf3', label: 'tcp stream 64 KiB / iperf3', unit: 'B/s', ...THR,
    ipc: ['tcp_64k.ipc', ipc('bytes_per_s')], ref: ['tcp_64k.iperf3', iperf3],
    refName: 'iperf3 -l 64K -N -A 0,1 -t 1 (sum_received)' },
  ...[64, 4096, 1048576].flatMap((s) => [
    { group: 'ring', id: `ring_${s}_ref`, label: `shm-ring ${sz(s)} verify=0 / ref ring`, unit: s === 64 ? 'msg/s' : 'B/s', ...THR,
      ipc: [`ring_${s}.ipc`, ipc(s === 64 ? 'msgs_per_s' : 'bytes_per_s')],
      ref: [`ring_${s}.ref`, ref(s === 64 ? 'msgs_per_s' : 'bytes_per_s')], refName: `bench/ref/ref_ring ${s}` },
    { group: 'ring', id: `ring_${s}_verify`, label: `shm-ring ${sz(s)} verify=1 / ref ring`, unit: s === 64 ? 'msg/s' : 'B/s', op: 'info',
      ipc: [`ring_${s}_v.ipc`, ipc(s === 64 ? 'msgs_per_s' : 'bytes_per_s')],
      ref: [`ring_${s}.ref`, ref(s === 64 ? 'msgs_per_s' : 'bytes_per_s')],
      refName: `bench/ref/ref_ring ${s} (does not verify: the gap is the cost of checking every byte)` },
  ]),
  { group: 'ring', id: 'ring_64_seq', label: 'shm-ring 64 B verify=0 / ref ring with sequence numbers', unit: 'msg/s', op: 'info',
    ipc: ['ring_64.ipc', ipc('msgs_per_s')], ref: ['ring_64_seq.ref', ref('msgs_per_s')],
    refName: 'bench/ref/ref_ring 64 seq: each message numbered and checked, as ipcscope does; what is left of the gap is the harness\'s other work per message (bench/GAPS.md)' },
  { group: 'spin', id: 'shm_spin_p50', label: 'shm spin RTT p50, 64 B / ref ping-pong', unit: 'ns', ...LAT,
    ipc: ['shm_spin.ipc', ipc('rtt_ns.p50')], ref: ['shm_spin.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_pingpong 64 (each round trip timed, as ipcscope does)' },
  { group: 'spin', id: 'shm_spin_mean', label: 'shm spin RTT mean / untimed ping-pong', unit: 'ns', ...LAT,
    ipc: ['shm_spin.ipc', ipc('rtt_ns.mean')], ref: ['shm_spin.ref', ref('rtt_mean_ns')],
    refName: 'bench/ref/ref_pingpong 64, untimed pass (the gap includes two clock reads per round trip)' },
  ...['pipe', 'unix', 'tcp'].flatMap((m) => [64, 4096].map((s) => ({
    group: 'stream', id: `${m}_${s}_ref`, label: `${m} stream ${sz(s)} / ref loop`, unit: 'msg/s', ...THR,
    ipc: [`${m}_${s}.ipc`, ipc('msgs_per_s')], ref: [`${m}_${s}.ref`, ref('msgs_per_s')],
    refName: `bench/ref/ref_stream ${m} thr ${s}` }))),
  // the kernel's faster paths: each against a plain loop of the same work
  // (targets), then beside the classic mechanism it is an alternative to (info)
  ...[['splice', 'splice', 'pipe'], ['cma', 'cma', 'pipe'], ['tcpzc', 'tcp-zc', 'tcp']].flatMap(([k, name, classic]) =>
    (k === 'tcpzc' ? [65536] : [65536, 1048576]).flatMap((s) => [
      { group: 'kernel', id: `${k}_${s}_ref`, label: `${name} stream ${sz(s)} / ref loop`, unit: 'B/s', ...THR,
        ipc: [`${k}_${s}.ipc`, ipc('bytes_per_s')], ref: [`${k}_${s}.ref`, ref('bytes_per_s')],
        refName: `bench/ref/ref_kernel ${name} thr ${s}` },
      { group: 'kernel', id: `${k}_${s}_${classic}`, label: `${name} stream ${sz(s)} / ${classic}`, unit: 'B/s', op: 'info',
        ipcName: `ipcscope ${name}`, ipc: [`${k}_${s}.ipc`, ipc('bytes_per_s')], ref: [`k${classic}_${s}.ipc`, ipc('bytes_per_s')],
        refName: `ipcscope bench ${classic}, interleaved: what the faster path gives over the classic one here` },
    ])),
  ...[['uring', 'uring', 64, 'unix'], ['umsg', 'uring-msg', 8, 'evfd']].flatMap(([k, name, s, classic]) => [
    { group: 'kernel', id: `${k}_${s}_ref`, label: `${name} stream ${sz(s)} / ref loop`, unit: 'msg/s', ...THR,
      ipc: [`${k}_${s}.ipc`, ipc('msgs_per_s')], ref: [`${k}_${s}.ref`, ref('msgs_per_s')],
      refName: `bench/ref/ref_kernel ${name} thr ${s} (liburing)` },
    { group: 'kernel', id: `${k}_${s}_${classic}`, label: `${name} stream ${sz(s)} / ${classic === 'evfd' ? 'eventfd' : classic}`, unit: 'msg/s', op: 'info',
      ipcName: `ipcscope ${name}`, ipc: [`${k}_${s}.ipc`, ipc('msgs_per_s')], ref: [`k${classic}_${s}.ipc`, ipc('msgs_per_s')],
      refName: `ipcscope bench ${classic === 'evfd' ? 'eventfd' : classic}, interleaved` },
  ]),
  ...[['splice', 'splice', 'pipe'], ['cma', 'cma', 'pipe'], ['tcpzc', 'tcp-zc', 'tcp'], ['uring', 'uring', 'unix'],
    ['umsg', 'uring-msg', 'evfd']].flatMap(([k, name, classic]) => [
    { group: 'kernel', id: `${k}_rtt_p50_ref`, label: `${name} RTT p50, ${k === 'umsg' ? 8 : 64} B / ref loop`, unit: 'ns', ...LAT,
      ipc: [`${k}_rtt.ipc`, ipc('rtt_ns.p50')], ref: [`${k}_rtt.ref`, ref('rtt_p50_ns')],
      refName: `bench/ref/ref_kernel ${name} rtt, each round trip timed` },
    { group: 'kernel', id: `${k}_rtt_p50_${classic}`, label: `${name} RTT p50 / ${classic === 'evfd' ? 'eventfd' : classic}`, unit: 'ns', op: 'info',
      ipcName: `ipcscope ${name}`, ipc: [`${k}_rtt.ipc`, ipc('rtt_ns.p50')], ref: [`k${classic}_rtt.ipc`, ipc('rtt_ns.p50')],
      refName: `ipcscope bench ${classic === 'evfd' ? 'eventfd' : classic} --mode latency, interleaved` },
  ]),
  ...[['evfd', 'eventfd'], ['sigfd', 'signalfd']].map(([k, name]) => ({
    group: 'kernel', id: `${k}_rtt_none_ref`, label: `${name} RTT p50, pin=none / blocking-read loop`, unit: 'ns',
    op: '<=', target: 1.05,
    ipc: [`${k}_rtt_none.ipc`, ipc('rtt_ns.p50')], ref: [`${k}_rtt_none.ref`, ref('rtt_p50_ns')],
    refName: `bench/ref/ref_kernel ${name} rtt 8: each side in one blocking read, placed by the scheduler` })),
  ...[4096, 1048576].map((s) => ({
    group: 'memcpy', needs: 'ring', id: `ring_${s}_memcpy`, label: `shm-ring ${sz(s)} / memcpy ceiling`, unit: 'B/s', ...CEIL,
    ipc: [`ring_${s}.ipc`, ipc('bytes_per_s')], ref: [`memcpy_${s}.ref`, ref('ring_bytes_per_s')],
    refName: `bench/ref/ref_memcpy ${s}: one core copying into a 2 MiB ring-sized region` })),
  ...[4096, 1048576].map((s) => ({
    group: 'memcpy', needs: 'ring', id: `refring_${s}_memcpy`, label: `(ref ring ${sz(s)} / memcpy ceiling)`, unit: 'B/s', op: 'info',
    ipcName: 'ref ring', ipc: [`ring_${s}.ref`, ref('bytes_per_s')], ref: [`memcpy_${s}.ref`, ref('ring_bytes_per_s')],
    refName: 'the plain ring against the same ceiling: what crossing cores costs with no harness at all' })),
  { group: 'signals', id: 'signalfd_thr', label: 'signalfd stream 8 B / signal (sigtimedwait)', unit: 'msg/s', op: 'info',
    ipcName: 'ipcscope signalfd', ipc: ['sigfd_thr.ipc', ipc('msgs_per_s')], ref: ['sig_thr.ipc', ipc('msgs_per_s')],
    refName: 'ipcscope bench signal, the same queued signals taken with sigtimedwait, interleaved rep by rep' },
  { group: 'signals', id: 'signalfd_rtt', label: 'signalfd RTT p50 / signal (sigtimedwait)', unit: 'ns', op: 'info',
    ipcName: 'ipcscope signalfd', ipc: ['sigfd_rtt.ipc', ipc('rtt_ns.p50')], ref: ['sig_rtt.ipc', ipc('rtt_ns.p50')],
    refName: 'ipcscope bench signal --mode latency, interleaved rep by rep' },
  ...LAYER_ROWS,
  { group: 'mpi', id: 'mpi_rtt_p50', label: 'mpi RTT p50, 64 B / MPI ping-pong', unit: 'ns', ...LAT,
    ipc: ['mpi_lat.ipc', ipc('rtt_ns.p50')], ref: ['mpi_lat.ref', ref('rtt_p50_ns')],
    refName: 'bench/ref/ref_mpi lat 64: MPI_Send/MPI_Recv, each round trip timed (osu_latency\'s loop)' },
  { group: 'mpi', id: 'mpi_lat_mean', label: 'mpi latency mean (RTT/2) / osu_latency-style loop', unit: 'ns', op: 'info',
    ipc: ['mpi_lat.ipc', ipc('latency_ns.mean')], ref: ['mpi_lat.ref', ref('lat_mean_ns')],
    refName: 'bench/ref/ref_mpi lat 64, untimed pass: total / 2 / count as osu_latency prints it (the gap includes two clock reads per round trip)' },
  { group: 'mpi', id: 'mpi_bw_4096', label: 'mpi stream 4 KiB / osu_bw-style windows', unit: 'B/s', ...THR,
    ipc: ['mpi_bw.ipc', ipc('bytes_per_s')], ref: ['mpi_bw.ref', ref('bytes_per_s')],
    refName: 'bench/ref/ref_mpi bw 4096: windows of 64 MPI_Isend/Irecv and a 0-byte ack (osu_bw\'s loop)' },
  { group: 'api', id: 'api_start_ms', label: 'GET /api/bench/pipe -> start line', unit: 'ms', op: '<=', target: 5, abs: true,
    ipc: ['api_start.ipc', jfield('start_ms')], ref: null, refName: '20 requests, count=1000 reps=1, after one warm-up request' },
  { group: 'api', id: 'api_start_floor', label: '(start line / spawn of ipcscope --help)', unit: 'ms', op: 'info',
    ipc: ['api_start.ipc', jfield('start_ms')], ref: ['api_start.ipc', jfield('spawn_ipcscope_ms')],
    refName: 'node spawnSync of `ipcscope --help` to its exit, between the requests: the floor for any run, which is a spawned ipcscope process' },
  { group: 'api', id: 'cli_start_ms', label: '(ipcscope bench pipe spawned -> start line / spawn of ipcscope --help)', unit: 'ms', op: 'info',
    ipc: ['api_start.ipc', jfield('cli_start_ms')], ref: ['api_start.ipc', jfield('spawn_ipcscope_ms')],
    refName: 'node spawn of `ipcscope bench pipe --count 1000 --reps 1` to its first stdout line, no server in between: what the run does before its start line (sweep, system facts, plan) on top of starting the binary' },
  { group: 'api', id: 'api_spawn_true', label: '(spawn of ipcscope --help / spawn of /bin/true)', unit: 'ms', op: 'info',
    ipc: ['api_start.ipc', jfield('spawn_ipcscope_ms')], ref: ['api_start.ipc', jfield('spawn_true_ms')],
    refName: 'what loading ipcscope and its libraries adds to a bare fork+exec on this machine' },
  { group: 'api', id: 'api_wrk_idle', label: '/api/mechanisms req/s, wrk -t1 -c8 -d3s', unit: 'req/s', op: '>=', target: 1000, abs: true,
    ipc: ['api_wrk.ipc', wrk], ref: null, refName: 'server idle' },
  { group: 'api', id: 'api_health_keep', label: '/api/health req/s on kept connections, wrk -t1 -c8 -d3s', unit: 'req/s', op: '>=', target: 20000, abs: true,
    ipc: ['api_health_wrk.ipc', wrk], ref: null, refName: 'server idle; each next head judged on its kept connection' },
  { group: 'api', id: 'api_wrk_load', label: '/api/mechanisms req/s while a run streams', unit: 'req/s', op: '>=', target: 1000, abs: true,
    ipc: ['api_wrk_load.ipc', wrk], ref: null, refName: 'a pipe run (duration=1, reps=4) streaming meanwhile' },
  { group: 'stability', id: 'stability_ci_median', label: 'default compare: median CI half-width', unit: '%', op: 'info',
    ipc: ['stability.ipc', ciMedian], ref: null, refName: `${STABLE}: median over mechanisms of the median's 95 % interval, +-%` },
  { group: 'stability', id: 'stability_ci_worst', label: 'default compare: worst CI half-width', unit: '%', op: 'info',
    ipc: ['stability.ipc', ciWorst], ref: null, refName: `${STABLE}: the widest mechanism's interval, +-%` },
  { group: 'stability', id: 'stability_flagged', label: 'default compare: reps flagged', unit: '%', op: 'info',
    ipc: ['stability.ipc', flaggedPct], ref: null, refName: `${STABLE}: share of reps that were outliers or disturbed` },
  { group: 'stability', id: 'stability_clear', label: 'default compare: comparisons called clear', unit: '%', op: 'info',
    ipc: ['stability.ipc', clearPct], ref: null, refName: `${STABLE}: share of its comparison rows whose verdict is clear` },
  { group: 'stability', id: 'stability_settled', label: 'default compare: comparisons settled', unit: 'count', op: 'info',
    ipc: ['stability.ipc', settledCount], ref: null, refName: `${STABLE}: comparison rows whose verdict excludes 1 or lies within ±5 % of 1 (of stability_rows)` },
  { group: 'stability', id: 'stability_rows', label: 'default compare: comparison rows', unit: 'count', op: 'info',
    ipc: ['stability.ipc', rowCount], ref: null, refName: `${STABLE}: its comparison rows (one per mechanism but the baseline)` },
  { group: 'stability', id: 'stability_jobs', label: 'default compare: mechanisms', unit: 'count', op: 'info',
    ipc: ['stability.ipc', jobCount], ref: null, refName: `${STABLE}: the mechanisms that ran` },
  { group: 'stability', id: 'stability_ci_reached', label: 'default compare: medians within ±5 %', unit: 'count', op: 'info',
    ipc: ['stability.ipc', ciReachedCount], ref: null, refName: `${STABLE}: mechanisms whose median reached its ci target (of stability_jobs)` },
  { group: 'verdicts', id: 'aa_same', label: 'A/A compare pipe,pipe: can\'t tell apart', unit: '%', op: '>=', target: 95, abs: true,
    ipc: ['aa.ipc', aaSame], ref: null, refName: 'ipcscope compare pipe,pipe (defaults), BENCH_AA runs: share whose verdict is "can\'t tell apart"' },
  { group: 'verdicts', id: 'gap_clear', label: 'sync-tax mutex against spin: clear', unit: '%', op: 'info',
    ipc: ['gap.ipc', gapClear], ref: null, refName: 'ipcscope demo sync-tax, BENCH_GAP runs: share whose shm sync=mutex row is clear against shm sync=spin (a run where spin was not the fastest, its baseline, counts as not clear)' },
  { group: 'diffs', id: 'aa_diff_same', label: 'A/A diff of two compares: no change', unit: '%', op: '>=', target: 95, abs: true,
    ipc: ['diffaa.ipc', aaDiffSame], ref: null, refName: 'ipcscope compare shm,pipe,unix,tcp (defaults) run twice, then ipcscope diff of the two, BENCH_DIFF tries: share where every row says "no change"' },
  { group: 'stability', id: 'stability_wall', label: 'default compare: wall time', unit: 's', op: '<=', target: 15, abs: true,
    ipc: ['stability.wall', plain], ref: null, refName: `${STABLE}, end to end` },
  { group: 'headline', id: 'headline_wall', label: 'compare shm,pipe,unix,tcp 100000 x 64 B', unit: 's', op: '<=', target: 2, abs: true,
    ipc: ['headline.ipc', plain], ref: null, refName: 'ipcscope compare shm,pipe,unix,tcp --count 100000 --size 64 --reps 1, wall time end to end' },
];

function sz(s) {
  return s >= 1 << 20 ? `${s >> 20} MiB` : s >= 1024 ? `${s >> 10} KiB` : `${s} B`;
}

// --- statistics --------------------------------------------------------------

function stats(values) {
  const v = values.filter((x) => Number.isFinite(x));
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const stddev = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return { n: v.length, median, min: s[0], max: s[s.length - 1], mean, stddev,
    rel_spread: median ? (s[s.length - 1] - s[0]) / median : 0, values: v };
}

function load(spec) {
  if (!spec) return null;
  const [key, parse] = spec;
  const re = new RegExp(`^${key.replace(/\./g, '\\.')}\\.(\\d+)$`);
  const files = fs.readdirSync(rawDir).filter((f) => re.test(f))
    .sort((a, b) => Number(a.match(re)[1]) - Number(b.match(re)[1]));
  const values = [];
  for (const f of files) {
    try {
      values.push(...parse(fs.readFileSync(path.join(rawDir, f), 'utf8')));
    } catch { /* an unparsable output counts as no value */ }
  }
  return stats(values);
}

function verdict(row, a, b, ratio) {
  if (!a || (row.ref && !b)) return 'ERROR';
  if (row.op === 'info' || row.op === 'n/a') return row.op === 'n/a' ? 'n/a' : 'info';
  const x = row.abs ? a.median : ratio;
  if (!(row.op === '>=' ? x >= row.target : x <= row.target)) return 'FAIL';
  // A harness cannot beat the plain loop by a wide margin: if it seems to,
  // the two measured different things (or the machine changed in between).
  const odd = !row.abs && row.kind !== 'ceil' && (row.op === '>=' ? x > 1.5 : x < 1 / 1.5);
  return odd ? 'PASS*' : 'PASS';
}

function evaluate(row) {
  const a = load(row.ipc);
  const b = row.ref ? load(row.ref) : null;
  const ratio = a && b ? a.median / b.median : null;
  let pairs = null;
  if (a && b && a.n === b.n && a.n > 1) {
    const r = a.values.map((x, i) => x / b.values[i]).sort((p, q) => p - q);
    pairs = { min: r[0], max: r[r.length - 1] };
  }
  // best against best: the fastest rep of each side, which load from other
  // processes can only make slower, so it shows the harness cost even on a
  // busy machine
  const lower = ['ns', 'ms', 's'].includes(row.unit);
  const best = a && b ? (lower ? a.min / b.min : a.max / b.max) : null;
  if (row.op === 'n/a') return { ...row, ipcscope: a, reference: null, ratio: null, best: null, pairs, verdict: 'n/a' };
  return { ...row, ipcscope: a, reference: b, ratio, best, pairs, verdict: verdict(row, a, b, ratio) };
}

// --- formatting --------------------------------------------------------------

function fmt(v, unit) {
  if (v == null || !Number.isFinite(v)) return '-';
  switch (unit) {
    case 'ns': return v >= 1e6 ? `${(v / 1e6).toFixed(2)} ms` : v >= 1e4 ? `${(v / 1e3).toFixed(1)} us` : v >= 1e3 ? `${(v / 1e3).toFixed(2)} us` : `${v.toFixed(0)} ns`;
    case 'B/s': return v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB/s` : `${(v / 1e6).toFixed(0)} MB/s`;
    case 'msg/s': return v >= 1e6 ? `${(v / 1e6).toFixed(2)} M/s` : `${(v / 1e3).toFixed(0)} k/s`;
    case 'req/s': return `${v.toFixed(0)} req/s`;
    case 'ms': return `${v.toFixed(2)} ms`;
    case 's': return `${v.toFixed(2)} s`;
    case '%': return `${v.toFixed(1)}%`;
    default: return String(v);
  }
}

function cell(s, unit) {
  return s ? `${fmt(s.median, unit)} ±${(50 * s.rel_spread).toFixed(0)}%` : '-';
}
const pad = (s, w) => (s.length >= w ? s : s + ' '.repeat(w - s.length));

function targetText(r) {
  if (r.op === 'info' || r.op === 'n/a') return '';
  return r.abs ? `${r.op === '<=' ? '<' : '>'}${fmt(r.target, r.unit)}` : `${r.op === '<=' ? '<=' : '>='}${r.target.toFixed(2)}`;
}

function table(rows) {
  const head = ['figure', 'ipcscope', 'reference', 'ratio', 'pairs', 'best', 'target', 'verdict'];
  const body = rows.map((r) => [
    r.label, cell(r.ipcscope, r.unit), r.ref ? cell(r.reference, r.unit) : '',
    r.ratio != null ? r.ratio.toFixed(2) : '',
    r.pairs ? `${r.pairs.min.toFixed(2)}-${r.pairs.max.toFixed(2)}` : '',
    r.best != null ? r.best.toFixed(2) : '',
    targetText(r), r.verdict]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (c) => c.map((x, i) => pad(x, w[i])).join('  ').trimEnd();
  return [line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line)].join('\n');
}

// markdown: the table of a saved latest.json, for the README
function markdown(doc) {
  const m = doc.machine;
  console.log(`Run of ${doc.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.kernel}, clocksource ${m.clocksource}${m.virtualized ? ' (virtual machine)' : ''}; ${doc.reps} interleaved repetitions per figure, median ±half the min-max range; load average (1, 5, 15 min) ${doc.tools.load_start || '?'} at the start, ${m.load_avg_at_end.join(' ')} at the end.\n`);
  console.log('| figure | ipcscope | reference | ratio | pairs | best | target | verdict |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of doc.rows) {
    const t = r.target ? `${r.target.op} ${r.target.on === 'value' ? fmt(r.target.value, r.unit) : r.target.value.toFixed(2)}` : '';
    const p = r.pair_ratio_range ? `${r.pair_ratio_range.min.toFixed(2)}–${r.pair_ratio_range.max.toFixed(2)}` : '';
    console.log(`| ${r.figure} | ${cell(r.ipcscope, r.unit)} | ${r.reference_stats ? cell(r.reference_stats, r.unit) : ''} | ${r.ratio != null ? r.ratio.toFixed(2) : ''} | ${p} | ${r.best_ratio != null ? r.best_ratio.toFixed(2) : ''} | ${t} | ${r.verdict} |`);
  }
}

// --- machine and tools -------------------------------------------------------

function readOr(file, dflt = '') {
  try { return fs.readFileSync(file, 'utf8').trim(); } catch { return dflt; }
}

function machine() {
  const cpu = os.cpus();
  return {
    cpu: cpu[0] ? cpu[0].model.trim() : 'unknown',
    cores: cpu.length,
    kernel: `${os.type()} ${os.release()}`,
    clocksource: readOr('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    virtualized: /hypervisor/.test(readOr('/proc/cpuinfo')),
    load_avg_at_end: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

const NOTES = [
  'ratio = ipcscope median / reference median; "pairs" = lowest and highest ratio of the interleaved repetitions (rep i of ipcscope against rep i of the reference, run right after it).',
  '"±x%" = half the min-max range over the repetitions, relative to the median. "best" = best rep of ipcscope / best rep of the reference (highest throughput, lowest latency): other processes can only slow a rep down, so on a busy machine this shows the harness cost more steadily than the medians; verdicts use the medians.',
  'Speed rows run ipcscope with --verify 0, as the reference loops check nothing; the shm-ring verify=1 rows show what checking every sequence number and payload byte costs.',
  'ipcscope pins sender to CPU 0 and receiver to CPU 1 (pin=split); the reference loops use the same CPUs via sched_setaffinity, sockperf and iperf3 via taskset / -A.',
  'perf bench sched pipe writes a 4-byte int each way and prints usecs/op for one full round trip (mean over -l loops), so the row compares ipcscope\'s 4-byte RTT mean; perf has no per-process pinning, so it runs under taskset -c 0 (against pin=same) and taskset -c 0,1 (against pin=none, where the scheduler places both sides); ipcscope pinned apart (pin=split) against that perf run is shown for information.',
  'sockperf carries its own header (sequence number, flags, size; 14 bytes minimum) inside the -m 64 bytes and finds message boundaries in the TCP stream from it, where ipcscope reads exactly 64 bytes per message; with one socket both sockperf sides block in recvfrom, like ipcscope\'s blocking reads; sockperf stamps time with rdtsc rather than clock_gettime, reports one-way latency as RTT/2 (as ipcscope does) and leaves its 400 ms warm-up out of its statistics; its run is 2 s of wall time rather than a message count.',
  'iperf3 sends 64 KiB writes and reads with the same block size; it leaves socket buffers to the kernel\'s autotuning (as ipcscope does), runs one connection for 1 s of wall time (ipcscope: 20 000 messages) and sets TCP_NODELAY with -N to match ipcscope.',
  'The memcpy ceiling is one core copying SIZE bytes from a hot buffer into a 2 MiB region (the ring\'s footprint); a ring moves every byte across cores, so the plain reference ring is shown against the same ceiling.',
  'PASS* = within target but better than the reference by more than a factor 1.5: the two sides did not measure the same thing, or the machine changed between them; read the figures, not the verdict.',
  'Latency rows where both sides time every round trip compare like with like; the untimed ping-pong row shows the cost of the two clock reads per round trip on this clock source.',
];

// --- main --------------------------------------------------------------------

const ran = new Set(readOr(path.join(rawDir, 'groups.txt')).split('\n').filter(Boolean));
const tools = Object.fromEntries(readOr(path.join(rawDir, 'tools.tsv')).split('\n').filter(Boolean).map((l) => l.split('\t')));
// one row per demo timed (bench/run.sh g_demos names its files demo_NAME.wall.1)
const DEMO_ROWS = fs.existsSync(rawDir) ? fs.readdirSync(rawDir)
  .map((f) => f.match(/^demo_(.+)\.wall\.1$/)).filter(Boolean).map((m) => m[1]).sort()
  .map((d) => ({
    group: 'demos', id: `demo_${d.replace(/-/g, '_')}_wall`, label: `demo ${d}: wall time with its defaults`,
    unit: 's', op: '<=', target: 10, abs: true, ipc: [`demo_${d}.wall`, plain], ref: null,
    refName: `ipcscope demo ${d} --format ndjson, end to end` })) : [];
ROWS.push(...DEMO_ROWS);

const rows = ROWS.filter((r) => ran.has(r.group) && (!r.needs || ran.has(r.needs))).map(evaluate);
const count = (v) => rows.filter((r) => r.verdict.replace('*', '') === v).length;
const doc = {
  date: new Date().toISOString(),
  machine: machine(),
  tools,
  reps: Number(tools.reps || 0),
  bench_wall_s: Number(tools.wall_s || 0),
  rows: rows.map((r) => ({
    id: r.id, group: r.group, figure: r.label, unit: r.unit, reference: r.refName,
    ipcscope: r.ipcscope, reference_stats: r.reference, ratio: r.ratio, pair_ratio_range: r.pairs, best_ratio: r.best,
    target: r.op === 'info' || r.op === 'n/a' ? null : { op: r.op, value: r.target, on: r.abs ? 'value' : 'ratio' },
    verdict: r.verdict,
  })),
  totals: { pass: count('PASS'), fail: count('FAIL'), error: count('ERROR'), info: count('info') + count('n/a') },
  notes: NOTES,
};

fs.writeFileSync(outJson, JSON.stringify(doc, null, 1) + '\n');
const m = doc.machine;
console.log(`ipcscope make bench -- ${doc.date}`);
console.log(`machine: ${m.cpu}, ${m.cores} cores, ${m.kernel}, clocksource ${m.clocksource}${m.virtualized ? ', virtual machine' : ''}`);
console.log(`${doc.reps} interleaved repetitions per figure; load average (1, 5, 15 min) at the start ${tools.load_start || '?'}, at the end ${m.load_avg_at_end.join(' ')}\n`);
console.log(table(rows));
console.log('\nreferences:');
for (const r of rows) console.log(`  ${r.label}: ${r.refName}`);
console.log('\nnotes:');
for (const n of NOTES) console.log(`  - ${n}`);
console.log(`\n${doc.totals.pass} PASS, ${doc.totals.fail} FAIL, ${doc.totals.error} ERROR, ${doc.totals.info} info; bench took ${doc.bench_wall_s} s; JSON in ${outJson}`);
if (doc.totals.error) process.exit(1);
if (process.env.BENCH_STRICT === '1' && doc.totals.fail) process.exit(1);
