#!/usr/bin/env bash
# cli.sh -- the ipcscope CLI end to end: catalogue, every mechanism verified,
# limits and bad params, compare/sweep, signals, a killed worker, no leftovers
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/clitest.XXXXXX")
trap 'rm -rf "$work"' EXIT
asan=${ASAN:-0}

# The machine may be shared: objects that were there before this suite, and
# objects of runs this suite did not start, are not ours to judge. Kernel
# object names carry the run's pid; workers stay in this script's process
# group; SysV queues are nameless, so for them only "new" counts.
baseline=$(leftovers | sort)
my_pids=""
my_pgid=$(ps -o pgid= -p $$ | tr -d ' ')

# mine LINE: the leftover line belongs to a run of this suite
mine() {
	local p
	case $1 in
	"sysv-mq "*) return 0 ;;
	*[!0-9]*) ;;
	*) [ "$(ps -o pgid= -p "$1" 2>/dev/null | tr -d ' ')" = "$my_pgid" ]; return ;;
	esac
	for p in $my_pids; do
		[[ $1 =~ ipcscope-$p([^0-9]|$) ]] && return 0
	done
	return 1
}

# new_leftovers: what runs of this suite left behind
new_leftovers() {
	local l
	comm -13 <(echo "$baseline") <(leftovers | sort) | while read -r l; do
		[ -n "$l" ] && mine "$l" && echo "$l"
	done
}

# wait_start FILE: until the run has printed its start line (max 5 s)
wait_start() {
	local i
	for i in $(seq 100); do
		grep -q '"type":"start"' "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# wait_gone PID MS: until PID exits, at most MS milliseconds; 0 if it did
wait_gone() {
	local pid=$1 deadline=$(($(date +%s%N) / 1000000 + $2))
	while kill -0 "$pid" 2>/dev/null; do
		[ $(($(date +%s%N) / 1000000)) -gt $deadline ] && return 1
		sleep 0.02
	done
	return 0
}

# reap PID: kill what is left of a run that did not stop by itself
reap() {
	local kids
	kids=$(pgrep -P "$1")
	kill -9 "$1" $kids 2>/dev/null
	wait "$1" 2>/dev/null
}

# ipc OUT ERR ARGS...: runs "$IPCSCOPE ARGS" (at most 20 s), remembering its
# pid for the leftover checks; returns its exit status (124: too slow)
ipc() {
	local out=$1 err=$2 pid wd first rc
	shift 2
	"$IPCSCOPE" "$@" >"$out" 2>"$err" &
	pid=$!
	my_pids="$my_pids $pid"
	sleep 20 &
	wd=$!
	wait -n -p first $pid $wd
	rc=$?
	if [ "$first" = "$pid" ]; then
		# SIGKILL: caught before it execs sleep, the watchdog is still a
		# copy of this shell, and a catchable signal would run its EXIT trap
		kill -9 $wd 2>/dev/null
		wait $wd 2>/dev/null
		return $rc
	fi
	reap $pid
	return 124
}

# check_clean DESC: nothing new is left behind (cleanup may take a moment)
check_clean() {
	local left i
	for i in $(seq 40); do
		left=$(new_leftovers)
		[ -z "$left" ] && break
		sleep 0.05
	done
	[ -n "$left" ] && echo "# left behind: $(echo "$left" | tr '\n' ' ')"
	tap "$([ -z "$left" ]; echo $?)" "$1"
}

# section_time: how long the section before took, as a TAP comment
section_t0=$SECONDS
section_time() {
	echo "# section took $((SECONDS - section_t0)) s"
	section_t0=$SECONDS
}

# The checker: reads "desc<TAB>kind<TAB>file<TAB>rc" lines, checks each
# output file against API.md §2/§5, prints "ok<TAB>desc" or
# "fail<TAB>desc<TAB>why" per line.
cat >"$work/check.js" <<'EOF'
const fs = require('fs');
const num = (v) => typeof v === 'number' && Number.isFinite(v);
function lines(file) {
  const text = fs.readFileSync(file, 'utf8');
  const out = [];
  for (const l of text.split('\n')) {
    if (l.trim() === '') continue;
    out.push(JSON.parse(l));
  }
  return out;
}
function need(cond, why) { if (!cond) throw new Error(why); }
function fields(o, keys, where) {
  for (const k of keys) need(o && o[k] !== undefined, `${where} lacks ${k}`);
}
function stream(ls, wantStatus, startFields = ['mechanism', 'params', 'system', 'granted']) {
  need(ls.length >= 2, 'fewer than two lines');
  need(ls[0].type === 'start', `first line is ${ls[0].type}, not start`);
  const ends = ls.filter((l) => l.type === 'end');
  need(ends.length === 1, `${ends.length} end lines`);
  need(ls[ls.length - 1].type === 'end', 'end is not the last line');
  need(ends[0].status === wantStatus, `end status ${ends[0].status}, expected ${wantStatus}`);
  need(num(ends[0].elapsed_s), 'end lacks elapsed_s');
  const run = ls[0].run;
  need(typeof run === 'string' && run.length > 0, 'start lacks run');
  for (const l of ls) need(l.run === run, `a ${l.type} line carries run ${l.run}`);
  fields(ls[0], startFields, 'start');
}
function result(r, mode, size, count) {
  fields(r, ['mechanism', 'rep', 'reps', 'size', 'count', 'elapsed_s', 'msgs_per_s',
             'bytes_per_s', 'cpu', 'ctx_switches', 'verified', 'lost', 'duplicated',
             'reordered', 'corrupted', 'errors'], 'result');
  need(r.size === size, `result size ${r.size}, expected ${size}`);
  need(r.count === count, `result count ${r.count}, expected ${count}`);
  need(r.verified === true, 'not verified');
  // errors counts receive timeouts that were retried: a loaded machine
  // may have some, and they do not spoil the data
  for (const k of ['lost', 'duplicated', 'reordered', 'corrupted'])
    need(r[k] === 0, `${k} = ${r[k]}`);
  need(num(r.elapsed_s) && r.elapsed_s > 0, 'elapsed_s not positive');
  need(num(r.msgs_per_s) && r.msgs_per_s > 0, 'msgs_per_s not positive');
  need(Math.abs(r.bytes_per_s - r.msgs_per_s * size) <= 1e-6 * r.bytes_per_s + 1,
       'bytes_per_s is not msgs_per_s * size');
  for (const w of ['sender', 'receiver']) {
    fields(r.cpu[w], ['user_s', 'sys_s', 'util_pct'], `cpu.${w}`);
    fields(r.ctx_switches[w], ['voluntary', 'involuntary'], `ctx_switches.${w}`);
  }
  if (mode !== 'latency') return;
  const p = ['min', 'p50', 'p90', 'p99', 'p999', 'max'];
  fields(r.latency_ns, p.concat(['mean']), 'latency_ns');
  fields(r.rtt_ns, p, 'rtt_ns');
  for (let i = 1; i < p.length; i++)
    need(r.latency_ns[p[i - 1]] <= r.latency_ns[p[i]], `latency ${p[i - 1]} > ${p[i]}`);
  need(Math.abs(r.rtt_ns.p50 - 2 * r.latency_ns.p50) <= 1, 'one-way p50 is not rtt/2');
  fields(r.histogram, ['edges_ns', 'counts'], 'histogram');
  const h = r.histogram;
  need(h.edges_ns.length === h.counts.length + 1, 'histogram edges do not bound the counts');
  for (let i = 1; i < h.edges_ns.length; i++)
    need(h.edges_ns[i - 1] < h.edges_ns[i], 'histogram edges do not increase');
  need(h.counts.reduce((a, b) => a + b, 0) === count, 'histogram counts do not add up to count');
}
function bench(ls, mode, size, count) {
  stream(ls, 'ok');
  const rs = ls.filter((l) => l.type === 'result');
  need(rs.length === 1, `${rs.length} result lines for one rep`);
  result(rs[0], mode, size, count);
  need(ls.filter((l) => l.type === 'summary').length === 1, 'no summary line');
  need(!ls.some((l) => l.type === 'error'), 'an error line');
}
const checks = {
  // catalogue: every field of API.md §2 for every mechanism
  list(file, arg) {
    const cat = JSON.parse(fs.readFileSync(file, 'utf8'));
    need(Array.isArray(cat), 'not an array');
    // the names the text list prints: the registry walked by another path
    const names = fs.readFileSync(arg, 'utf8').split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
    need(names.length > 0 && names.length === cat.length, `${names.length} names in the text list, ${cat.length} in json`);
    const fams = ['shared-memory', 'kernel-stream', 'kernel-message', 'notification', 'baseline', 'library'];
    for (const n of names) need(cat.some((m) => m.name === n), `${n} missing`);
    for (const m of cat) {
      fields(m, ['name', 'family', 'summary', 'modes', 'sizes', 'options', 'copies', 'cleanup'], m.name);
      need(fams.includes(m.family), `${m.name}: family ${m.family}`);
      need(typeof m.summary === 'string' && m.summary.length > 10, `${m.name}: summary`);
      need(Array.isArray(m.modes) && m.modes.length > 0, `${m.name}: modes`);
      need(num(m.sizes.min) && num(m.sizes.max) && m.sizes.min <= m.sizes.max, `${m.name}: sizes`);
    }
    const shm = cat.find((m) => m.name === 'shm');
    need(JSON.stringify(shm.options).includes('futex'), 'shm options lack the sync kinds');
    for (const m of cat) {
      need(Array.isArray(m.options), `${m.name}: options is not an array`);
      for (const o of m.options) {
        fields(o, ['name', 'values', 'default', 'help'], `${m.name} option`);
        need(o.values[0] === o.default, `${m.name} ${o.name}: the default is not the first value`);
      }
    }
  },
  bench(file, arg) {
    const [mode, size, count] = arg.split(',');
    bench(lines(file), mode, Number(size), Number(count));
  },
  compare(file, arg) {
    const ls = lines(file);
    stream(ls, 'ok', ['params', 'system']);
    const cs = ls.filter((l) => l.type === 'comparison');
    need(cs.length === 1, `${cs.length} comparison lines`);
    need(Array.isArray(cs[0].rows), 'comparison without rows');
    need(cs[0].rows.length === Number(arg), `${cs[0].rows.length} rows, expected ${arg}`);
    for (const r of cs[0].rows) need(num(r.ratio), 'a row without a numeric ratio');
    need(ls.indexOf(cs[0]) === ls.length - 2, 'comparison is not right before end');
    need(!ls.some((l) => l.type === 'result' && l.verified !== true), 'a result not verified');
  },
  sweep(file, arg) {
    const ls = lines(file);
    stream(ls, 'ok', ['params', 'system']);
    const sizes = ls.filter((l) => l.type === 'result').map((l) => l.size);
    need(JSON.stringify(sizes) === JSON.stringify(arg.split(',').map(Number)),
         `result sizes ${sizes}`);
    need(ls.some((l) => l.type === 'comparison'), 'no comparison line');
  },
  // a sweep of several mechanisms: one run, each mechanism at each size,
  // and no comparison ranking mechanisms and sizes together
  sweeps(file, arg) {
    const [mechs, sizes] = arg.split('/').map((x) => x.split(','));
    const ls = lines(file);
    stream(ls, 'ok', ['params', 'system']);
    const want = mechs.flatMap((m) => sizes.map((z) => `${m}@${z}`));
    const got = ls.filter((l) => l.type === 'result').map((l) => `${l.mechanism}@${l.size}`);
    need(JSON.stringify(got) === JSON.stringify(want), `results ${got}`);
    need(JSON.stringify(ls[0].mechanisms) === JSON.stringify(mechs), 'the start line does not list the mechanisms');
    need(!ls.some((l) => l.type === 'comparison'), 'a comparison across mechanisms and sizes');
  },
  // a run stopped by a signal: still exactly one end, last
  stopped(file, arg) {
    const ls = lines(file);
    stream(ls, arg);
  },
  // a worker killed: an error line and an end with status error
  killed(file) {
    const ls = lines(file);
    stream(ls, 'error');
    need(ls.some((l) => l.type === 'error' && l.message), 'no error line with a message');
  },
  sysinfo(file) {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    need(num(s.cores) && s.cores >= 1, 'no cores');
  },
};
const input = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l);
for (const l of input) {
  const [desc, kind, file, rc, arg] = l.split('\t');
  try {
    if (rc !== '0' && kind !== 'stopped' && kind !== 'killed') {
      let why = '';
      try { why = lines(file).filter((x) => x.type === 'error').map((x) => x.message).join('; '); }
      catch (e) { why = 'unparsable output'; }
      need(false, `exit status ${rc} ${why}`);
    }
    checks[kind](file, arg);
    console.log(`ok\t${desc}`);
  } catch (e) {
    console.log(`fail\t${desc}\t${e.message}`);
  }
}
EOF

jobs_file=$work/jobs
: >"$jobs_file"
job_n=0

# run_json DESC KIND ARG CMD...: runs one CLI command, queues its output for
# the checker
run_json() {
	local desc=$1 kind=$2 arg=$3 out rc
	shift 3
	job_n=$((job_n + 1))
	out=$work/out.$job_n
	ipc "$out" "$out.err" "$@"
	rc=$?
	printf '%s\t%s\t%s\t%s\t%s\n' "$desc" "$kind" "$out" "$rc" "$arg" >>"$jobs_file"
}

# flush_checks: runs the checker over the queued outputs, one TAP line each
flush_checks() {
	local verdict desc why
	while IFS=$'\t' read -r verdict desc why; do
		[ "$verdict" = ok ] || echo "# $desc: $why"
		tap "$([ "$verdict" = ok ]; echo $?)" "$desc"
	done < <(node "$work/check.js" <"$jobs_file")
	: >"$jobs_file"
}

# --- catalogue, sysinfo, help -----------------------------------------------
ipc "$work/list.txt" /dev/null list
tap "$([ $? -eq 0 ] && grep -q shm-ring "$work/list.txt" && grep -q sysv-mq "$work/list.txt"; echo $?)" \
	"list prints the catalogue"
run_json "list --format json carries every field of API.md §2" list "$work/list.txt" list --format json
run_json "sysinfo --format json" sysinfo "" sysinfo --format json
flush_checks

for cmd in bench compare sweep list sysinfo; do
	ipc "$work/help" "$work/help.err" $cmd --help
	rc=$?
	tap "$([ $rc -eq 0 ] && [ -s "$work/help" ]; echo $?)" "$cmd --help exits 0 with text (got $rc)"
done

# limits: "name min max modes family variants" per mechanism, from the catalogue
# itself; variants: each non-default value of each option ("sync=sem ...")
node -e '
for (const m of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
  const v = m.options.flatMap((o) => o.values.slice(1).map((x) => `${o.name}=${x}`));
  console.log(m.name, m.sizes.min, m.sizes.max, m.modes.join(","), m.family, v.join(" "));
}' <"$work/out.1" >"$work/limits"

section_time
# --- every mechanism, sizes 1 64 4K 1M where allowed, both modes, verified --
count=200
sizes="1 64 4096 1048576"
if [ "$asan" = 1 ]; then
	# the sanitizer build is slower; the same paths at fewer sizes
	sizes="1 1048576"
fi
while read -r name min max modes family variants; do
	ran=0
	for size in $sizes; do
		[ "$size" -lt "$min" ] || [ "$size" -gt "$max" ] && continue
		for mode in throughput latency; do
			[[ ",$modes," == *",$mode,"* ]] || continue
			n=$count
			w=$((n / 100 > 100 ? n / 100 : 100))
			# 1 MiB: what is checked is that every byte arrives (verified),
			# not speed; 20 messages already cross a pipe's buffer 16 times
			# a message and a 2 MiB ring ten times over, and 300 MiB
			# copied and checked took seconds a run (a library layer
			# serializes each MiB: node's JSON ~45 ms; sanitizers check
			# every byte)
			[ "$size" -ge 1048576 ] && n=20 w=10
			# a library layer serializes each MiB whole, one message at a
			# time (node's JSON, dbus' marshalling: ~100 ms a round trip);
			# each message is still checked byte for byte
			[ "$family" = library ] && [ "$size" -ge 1048576 ] && n=5 w=2
			run_json "$name $mode size $size verified" bench "$mode,$size,$n" \
				bench "$name" --mode "$mode" --size "$size" --verify 1 --reps 1 \
				--count "$n" --warmup "$w" --format ndjson
			ran=1
		done
	done
	if [ $ran = 0 ]; then
		# fixed-size notification mechanisms: their one size, by default
		for mode in throughput latency; do
			run_json "$name $mode default size ($min) verified" bench "$mode,$min,$count" \
				bench "$name" --mode "$mode" --verify 1 --reps 1 --count "$count" \
				--format ndjson
		done
	fi
	# each other value of each of its options (the sanitizer build: the last)
	[ "$asan" = 1 ] && [ -n "$variants" ] && variants=${variants##* }
	vsize=$((min > 4096 ? min : max < 4096 ? max : 4096))
	for v in $variants; do
		for mode in throughput latency; do
			[[ ",$modes," == *",$mode,"* ]] || continue
			run_json "$name $v $mode size $vsize verified" bench "$mode,$vsize,$count" \
				bench "$name" --"${v%%=*}" "${v#*=}" --mode "$mode" --size "$vsize" \
				--verify 1 --reps 1 --count "$count" --format ndjson
		done
	done
	flush_checks
done <"$work/limits"
check_clean "no leftovers after every mechanism ran"

section_time
# --- sizes above a mechanism's limit: exit 2, the limit named ----------------
# over_limit MECH SIZE: exit 2 and a message naming the mechanism's maximum
over_limit() {
	local name=$1 size=$2 max rc
	max=$(awk -v n="$name" '$1 == n {print $3}' "$work/limits")
	ipc "$work/ol" "$work/ol.err" bench "$name" --size "$size" --reps 1 --count 10
	rc=$?
	cat "$work/ol.err" >>"$work/ol"
	tap "$([ $rc -eq 2 ] && grep -q "$max" "$work/ol" && grep -q "size" "$work/ol"; echo $?)" \
		"$name --size $size exits 2 naming the limit $max (got $rc)"
	[ $rc -eq 2 ] || head -3 "$work/ol" | sed 's/^/# /'
}
mq_max=$(awk '$1 == "mq" {print $3}' "$work/limits")
over_limit mq $((mq_max + 1))
over_limit mq 1M
over_limit sysv-mq 1M
over_limit udp 1M
over_limit eventfd 64
over_limit signal 64
over_limit eventfd 1
ipc "$work/oln" /dev/null bench mq --size $((mq_max + 1)) --format ndjson
rc=$?
tap "$([ $rc -eq 2 ] && { [ ! -s "$work/oln" ] || [ "$(tail -n 1 "$work/oln" | grep -c '"type":"end"')" = 1 ]; }; echo $?)" \
	"an ndjson usage error is either silent on stdout or ends with an end line"

section_time
# --- bad params: exit 2, a message naming the param -------------------------
# bad PARAM ARGS...: exit 2 and PARAM named in the output
bad() {
	local param=$1 rc
	shift
	ipc "$work/bad" "$work/bad.err" "$@"
	rc=$?
	cat "$work/bad.err" >>"$work/bad"
	tap "$([ $rc -eq 2 ] && grep -q -- "$param" "$work/bad"; echo $?)" \
		"'$*' exits 2 naming $param (got $rc)"
	[ $rc -eq 2 ] && grep -q -- "$param" "$work/bad" || head -3 "$work/bad" | sed 's/^/# /'
}
bad size bench pipe --size 0
bad size bench pipe --size 1e9
bad size bench pipe --size 65M
bad size bench pipe --size 4KB
bad size bench pipe --size 1.5K
bad size bench pipe --size 99999999999999999999
bad size bench pipe --size -4
bad size bench pipe --size ""
bad size bench pipe --size 64 --size 4K
bad reps bench pipe --reps 0
bad reps bench pipe --reps 101
bad count bench pipe --count -1
bad count bench pipe --count 0
bad count bench pipe --count 99999999999999999999
bad duration bench pipe --duration 0
bad duration bench pipe --duration 1e9
bad duration bench pipe --count 100 --duration 1
bad pin bench pipe --pin 7,9
bad pin bench pipe --pin sideways
bad mode bench pipe --mode foo
bad sync bench pipe --sync sem
bad sync bench shm --sync foo
bad verify bench pipe --verify 2
bad format bench pipe --format xml
bad bogus bench pipe --bogus 1
bad sizes sweep pipe
bad sizes sweep pipe --sizes 64,,4K
bad nope bench nope
bad nope compare pipe,nope
# a missing required name: exit 2, one line on stderr pointing at --help
for cmd in bench sweep demo "demo --reps 2"; do
	ipc "$work/bad" "$work/bad.err" $cmd
	rc=$?
	tap "$([ $rc -eq 2 ] && [ ! -s "$work/bad" ] && [ "$(wc -l <"$work/bad.err")" -eq 1 ] &&
		grep -q -- "--help" "$work/bad.err"; echo $?)" \
		"'$cmd' without a name exits 2 with one line naming --help (got $rc)"
	[ $rc -eq 2 ] || head -3 "$work/bad.err" | sed 's/^/# /'
done
ipc "$work/bad" "$work/bad.err" demo --help
tap "$([ $? -eq 0 ] && grep -q "^  sync-tax " "$work/bad"; echo $?)" "demo --help lists the demos and exits 0"
# sizes take k and m as K and M (documented)
ipc "$work/k" /dev/null bench pipe --size 4k --count 10 --reps 1 --format ndjson
tap "$([ $? -eq 0 ] && grep -q '"type":"start".*"size":4096' "$work/k"; echo $?)" "--size 4k is 4096 bytes, as 4K"
ipc "$work/bad" /dev/null frobnicate
tap "$([ $? -eq 2 ]; echo $?)" "an unknown command exits 2"
# one_line_usage ARGS...: exit 2, one line on stderr naming the command's --help, nothing on stdout
one_line_usage() {
	local cmd=$1 rc
	ipc "$work/bad" "$work/bad.err" "$@"
	rc=$?
	tap "$([ $rc -eq 2 ] && [ "$(wc -l <"$work/bad.err")" -eq 1 ] && [ ! -s "$work/bad" ] &&
		grep -q "(see 'ipcscope $cmd --help')$" "$work/bad.err"; echo $?)" \
		"'$*' exits 2 with one line naming '$cmd --help' (got $rc, $(wc -l <"$work/bad.err") lines)"
}
one_line_usage serve --bogus
one_line_usage serve --port 70000
one_line_usage serve --port
one_line_usage serve --port 5 --queue 99999
one_line_usage peer --bogus
one_line_usage peer --listen nowhere
one_line_usage peer
one_line_usage lab --rate 5parsecs -- true
one_line_usage lab --bogus 1 -- true
check_clean "no leftovers after the usage errors"

# a ring stream names its regime in words, from the counts it granted
ipc "$work/regime" "$work/regime.err" bench shm-ring --size 64 --reps 1 --count 200000 --verify 0
rc=$?
tap "$([ $rc -eq 0 ] && grep -Eq 'ring: receiver (ran right behind|trailed|was the slower)' "$work/regime" &&
	grep -Eq 'empty every [0-9.]+ ?[kM]? ?msgs' "$work/regime"; echo $?)" \
	"a shm-ring stream says which side waited (got $rc)"
ipc "$work/regime_l" "$work/regime_l.err" bench shm-ring --mode latency --reps 1 --count 200
tap "$([ $? -eq 0 ] && ! grep -q 'ring: receiver' "$work/regime_l"; echo $?)" \
	"a ping-pong has no ring regime line"

section_time
# --- compare and sweep -----------------------------------------------------
ipc "$work/cmp" "$work/cmp.err" compare pipe,unix --reps 2 --count 200
rc=$?
tap "$([ $rc -eq 0 ] && grep -qi comparison "$work/cmp" && grep -q unix "$work/cmp"; echo $?)" \
	"compare pipe,unix prints a comparison (got $rc)"
run_json "compare pipe,unix --format ndjson ends with one comparison" compare 2 \
	compare pipe,unix --reps 2 --count 200 --format ndjson
# A/A: one mechanism twice is two jobs, pipe#1 and pipe#2, each row with a
# verdict; a sweep still refuses a mechanism twice
ipc "$work/aa" "$work/aa.err" compare pipe,pipe --reps 6 --count 200 --format ndjson
rc=$?
node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)
  .map((l) => JSON.parse(l));
const c = ls.find((l) => l.type === "comparison") || { rows: [] };
const labels = c.rows.map((r) => r.label).sort().join(",");
const words = ["clear", "probably", "same", "unknown", "baseline"];
process.exit(labels === "pipe#1,pipe#2" && c.rows.every((r) => words.includes(r.verdict) &&
  typeof r.verdict_text === "string") &&
  ls.filter((l) => l.type === "summary").map((l) => l.label).sort().join(",") === labels ? 0 : 1);
' "$work/aa"
tap $(( rc != 0 || $? != 0 )) "compare pipe,pipe runs an A/A: jobs pipe#1 and pipe#2, a verdict a row (exit $rc)"
ipc "$work/aa_sweep" "$work/aa_sweep.err" sweep pipe,pipe --sizes 64 --reps 1 --count 100
rc=$?
tap "$([ $rc -eq 2 ] && grep -q "listed twice" "$work/aa_sweep.err"; echo $?)" \
	"sweep pipe,pipe is a usage error naming the repeat (got $rc)"
# no list: the local set; the library family and mpi are skipped, with a reason
ipc "$work/cmpall" "$work/cmpall.err" compare --reps 1 --ci 0 --count 200 --format ndjson
rc=$?
node -e '
const fs = require("fs");
const start = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)
  .map((l) => JSON.parse(l)).find((l) => l.type === "start") || {};
const ran = start.mechanisms || [], skipped = start.skipped || [];
const bad = fs.readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean)
  .map((l) => l.split(" ")).filter(([name, , , , family]) => {
    const named = family === "library" || name === "mpi";
    const s = skipped.find((x) => x.mechanism === name);
    return named ? ran.includes(name) || !s || !/name it/.test(s.reason)
      : !ran.includes(name) && !s;
  });
if (!ran.length || bad.length) { console.error(bad.map((b) => b[0])); process.exit(1); }
' "$work/cmpall" "$work/limits" 2>>"$work/cmpall.err"
local_ok=$?
tap "$([ $rc -eq 0 ] && [ $local_ok -eq 0 ]; echo $?)" \
	"compare with no list runs the local set; library mechanisms and mpi are skipped with a reason (got $rc)"
run_json "sweep shm-ring --sizes 64,4K" sweep "64,4096" \
	sweep shm-ring --sizes 64,4K --reps 1 --count 200 --format ndjson
run_json "sweep pipe,unix --sizes 64,4K is one run" sweeps "pipe,unix/64,4096" \
	sweep pipe,unix --sizes 64,4K --reps 1 --count 200 --format ndjson
flush_checks

section_time
# --- SIGINT and SIGTERM end a running bench within a second ------------------
for sig in INT TERM; do
	out=$work/sig.$sig
	"$IPCSCOPE" bench pipe --duration 5 --reps 1 --format ndjson >"$out" 2>"$out.err" &
	pid=$!
	my_pids="$my_pids $pid"
	wait_start "$out"
	sleep 0.3
	kill -$sig $pid
	if wait_gone $pid 1000; then
		wait $pid
		rc=$?
		tap 0 "SIG$sig ends a running bench within a second"
	else
		rc=timeout
		reap $pid
		tap 1 "SIG$sig ends a running bench within a second"
	fi
	tap "$([ "$rc" != 0 ] && [ "$rc" != timeout ]; echo $?)" "SIG$sig: a cancelled run does not exit 0 (got $rc)"
	printf '%s\t%s\t%s\t%s\t%s\n' "SIG$sig: one end line, last, status cancelled" stopped \
		"$out" "$rc" cancelled >>"$jobs_file"
	flush_checks
	check_clean "SIG$sig: nothing left behind"
done

section_time
# --- SIGKILL of one worker: the run reports an error and cleans up ----------
kill_mechs="pipe fifo mq sysv-mq shm shm-ring unix"
[ "$asan" = 1 ] && kill_mechs="fifo sysv-mq shm"
for name in $kill_mechs; do
	out=$work/kill.$name
	"$IPCSCOPE" bench "$name" --duration 5 --reps 1 --format ndjson >"$out" 2>"$out.err" &
	pid=$!
	my_pids="$my_pids $pid"
	wait_start "$out"
	sleep 0.3
	victim=$(pgrep -P $pid | head -n 1)
	if [ -z "$victim" ]; then
		tap 1 "$name: a worker to kill"
		reap $pid
		continue
	fi
	kill -9 "$victim"
	if wait_gone $pid 3000; then
		wait $pid
		rc=$?
		tap "$([ $rc -eq 1 ]; echo $?)" "$name: SIGKILL of a worker fails the run with exit 1 (got $rc)"
	else
		rc=timeout
		reap $pid
		tap 1 "$name: SIGKILL of a worker ends the run within 3 s"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$name: killed worker gives an error line and end status error" \
		killed "$out" "$rc" "" >>"$jobs_file"
	flush_checks
	check_clean "$name: nothing left behind after a worker was killed"
done

# every run process starts by loading the shared libraries the binary
# names, before its start line: only libc, libm and cJSON (libmicrohttpd,
# libzmq, gRPC and libdbus-1 are opened when used, libprotobuf-c is linked in)
# (the sanitizer build adds its own runtimes)
needed=$(readelf -d "$IPCSCOPE" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
	grep -Ev '^lib(asan|ubsan)\.' | sort | paste -sd' ')
tap "$([ "$needed" = "libc.so.6 libcjson.so.1 libm.so.6" ]; echo $?)" \
	"the binary loads only libc, libm and libcjson at start (NEEDED: $needed)"

section_time
check_clean "no ipcscope leftovers at the end"
tap_done
