#!/usr/bin/env bash
# crosshost.sh -- runs between two hosts: `ipcscope peer` (token, mechanisms
# that cannot cross, a verified run) and `ipcscope lab` (tcp, tcp-zc, udp, and zmq
# and grpc over tcp across two network namespaces, rate limits, nothing left
# after an end or a SIGKILL)
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/crosshosttest.XXXXXX")
peer_pid=
cleanup() {
	[ -n "$peer_pid" ] && kill "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null
	stop_busy
	rm -rf "$work"
}
trap cleanup EXIT
TOKEN=crosshost-test-token

# js FILE EXPR: prints EXPR evaluated over the NDJSON lines of FILE, with
# s the start line and r the result lines
js() {
	node -e '
const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
  .filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const s = ls.find((l) => l.type === "start") || {};
const r = ls.filter((l) => l.type === "result");
const e = ls.find((l) => l.type === "end") || {};
console.log(eval(process.argv[2]));' "$1" "$2" 2>&1
}

# is_true DESC VALUE: a TAP line, ok when VALUE is "true"
is_true() {
	[ "$2" = true ] || echo "# got: $2"
	tap "$([ "$2" = true ]; echo $?)" "$1"
}

# --- the peer on loopback ---------------------------------------------------

# the token in a file only its owner reads, kept off every command line
printf '%s\n' "$TOKEN" >"$work/token"
chmod 600 "$work/token"

# start_peer ARGS...: a peer on 127.0.0.1 at a port the kernel picks; its
# pid in peer_pid, its port in port (empty if it did not say)
start_peer() {
	"$IPCSCOPE" peer --listen 127.0.0.1:0 --token-file "$work/token" "$@" >"$work/peer.out" \
		2>"$work/peer.err" &
	peer_pid=$!
	for _ in $(seq 100); do
		grep -q "listening on" "$work/peer.out" 2>/dev/null && break
		sleep 0.05
	done
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$work/peer.out")
}

start_peer
tap "$([ -n "$port" ]; echo $?)" "peer listens on 127.0.0.1 and says where"

timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token wrong-token-1 --reps 1 \
	--count 1000 >"$work/o" 2>"$work/e"
rc=$?
tap "$([ $rc -eq 1 ] && grep -q "wrong token" "$work/e"; echo $?)" \
	"a wrong token is refused (exit $rc: $(head -c 120 "$work/e"))"
tap "$(kill -0 "$peer_pid" 2>/dev/null; echo $?)" "the peer outlives a refused caller"

timeout -k 5 30 "$IPCSCOPE" bench shm --peer "127.0.0.1:$port" --token "$TOKEN" >"$work/o" 2>"$work/e"
rc=$?
tap "$([ $rc -eq 2 ] && grep -q "cannot cross hosts" "$work/e"; echo $?)" \
	"shm with a peer is a usage error naming what can cross (exit $rc)"
timeout -k 5 30 "$IPCSCOPE" compare --peer "127.0.0.1:$port" --token "$TOKEN" >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "only tcp, tcp-zc, udp, zmq (transport=tcp) and grpc (transport=tcp) can cross" "$work/e"; echo $?)" \
	"compare of every mechanism with a peer is a usage error"
# zmq and grpc cross hosts only over tcp: their ipc/unix transport is refused
timeout -k 5 30 "$IPCSCOPE" bench zmq --peer "127.0.0.1:$port" --token "$TOKEN" >"$work/o" 2>"$work/e"
rc=$?
tap "$([ $rc -eq 2 ] && grep -q "zmq crosses hosts only with transport=tcp (transport=ipc" "$work/e"; echo $?)" \
	"zmq's default ipc transport with a peer is a usage error naming transport=tcp (exit $rc)"
timeout -k 5 30 "$IPCSCOPE" bench grpc --transport unix --peer "127.0.0.1:$port" --token "$TOKEN" \
	>"$work/o" 2>"$work/e"
rc=$?
tap "$([ $rc -eq 2 ] && grep -q "grpc crosses hosts only with transport=tcp" "$work/e"; echo $?)" \
	"grpc over unix with a peer is a usage error (exit $rc)"
"$IPCSCOPE" bench --help >"$work/o" 2>&1
"$IPCSCOPE" peer --help >>"$work/o" 2>&1
tap "$(grep -q "tcp, tcp-zc, udp, zmq (transport=tcp) and grpc (transport=tcp)$" "$work/o" &&
	grep -q "tcp, tcp-zc, udp, zmq (transport=tcp)$" "$work/o"; echo $?)" \
	"bench --help and peer --help name the mechanisms that can cross hosts"
# the peer refuses it too, from a caller that skips the driver's checks
node -e '
const s = require("net").connect(Number(process.argv[1]), "127.0.0.1");
let buf = "";
s.on("connect", () => s.write(JSON.stringify({ type: "hello", version: 1, token: process.argv[2] }) + "\n"));
s.on("data", (d) => {
  buf += d;
  const lines = buf.split("\n");
  buf = lines.pop();
  for (const l of lines) {
    const m = JSON.parse(l);
    if (m.type === "welcome") s.write(JSON.stringify({ type: "rep", mechanism: "zmq", port: 9,
      params: { mode: "throughput", size: "64", count: "10", transport: "ipc" } }) + "\n");
    else { console.log(m.type + ": " + m.message); s.end(); }
  }
});
setTimeout(() => { console.log("no answer"); process.exit(1); }, 10000).unref();' "$port" "$TOKEN" >"$work/o" 2>&1
tap "$(grep -q "^error: .*zmq crosses hosts only with transport=tcp" "$work/o"; echo $?)" \
	"the peer refuses a zmq rep over ipc ($(head -c 100 "$work/o"))"
# ctl HELLO LINE...: sends the hello line (raw JSON) and, once welcomed,
# each LINE; prints every answer's type, code and message, then "closed"
ctl() {
	node -e '
const [port, ...lines] = process.argv.slice(1);
const s = require("net").connect(Number(port), "127.0.0.1");
let buf = "", next = 1;
s.on("connect", () => s.write(lines[0] + "\n"));
s.on("data", (d) => {
  buf += d;
  const ls = buf.split("\n");
  buf = ls.pop();
  for (const l of ls) {
    const m = JSON.parse(l);
    console.log(m.type + " " + (m.code || "") + " " + (m.message || ""));
    if (m.type === "welcome" && next < lines.length) s.write(lines[next++] + "\n");
  }
});
s.on("close", () => { console.log("closed"); process.exit(0); });
s.on("error", (e) => { console.log("error " + e.message); process.exit(1); });
setTimeout(() => { console.log("no answer"); process.exit(1); }, 10000).unref();' "$port" "$@" 2>&1
}
hello='{"type":"hello","version":1,"token":"'$TOKEN'"}'
# every field of every message is checked for type and range: a rep whose
# params are a list, not an object, once crashed the peer
for bad in '{"type":"rep","mechanism":"tcp","params":["size","64"],"port":40000}' \
	'{"type":"rep","mechanism":"tcp","params":{"size":64},"port":0}' \
	'{"type":"rep","mechanism":"tcp","params":{"size":"64"},"port":1e300}' \
	'{"type":"rep","mechanism":"tcp","params":{"size":"64"},"port":-1}' \
	'{"type":"rep","mechanism":["tcp"],"params":{"size":"64"},"port":0}' \
	'{"type":"rep","mechanism":"tcp","params":{"size":"64"}}' \
	'{"type":"rep","mechanism":"tcp","params":{"size":"64"},"port":0} trailing' \
	'{"type":"rep","mechanism":"tcp","params":{"\u0000size":"64"},"port":0}'; do
	ctl "$hello" "$bad" >"$work/o"
	tap "$(grep -q "^error bad_message the other side sent" "$work/o" && grep -q "^closed" "$work/o" &&
		kill -0 "$peer_pid" 2>/dev/null; echo $?)" \
		"the peer refuses a malformed rep with a clear error and lives on: $bad ($(sed -n 2p "$work/o" | head -c 120))"
done
ctl '{"type":"hello","version":1,"token":"'$TOKEN'\u0000tail"}' >"$work/o"
tap "$(grep -q "^error bad_message .*NUL character" "$work/o" && ! grep -q welcome "$work/o"; echo $?)" \
	"a token with \\u0000 and more after it is refused ($(head -1 "$work/o" | head -c 100))"
ctl '{"type":"hello","version":1.9,"token":"'$TOKEN'"}' >"$work/o"
tap "$(grep -q "^error bad_version this peer speaks control protocol version 1, not 1.9" "$work/o" &&
	! grep -q welcome "$work/o"; echo $?)" \
	"protocol version 1.9 is refused, naming the version spoken ($(head -1 "$work/o" | head -c 100))"
ctl '{"type":"hello","version":"1","token":"'$TOKEN'"}' >"$work/o"
tap "$(grep -q "^error bad_message .*'version' must be a number" "$work/o"; echo $?)" \
	"a version that is not a number is refused ($(head -1 "$work/o" | head -c 100))"

# callers without the token cannot hold the peer: 12 connections (more than
# the peer reads at once) each trickle a byte a second for 12 s; each is
# dropped within its whole-hello deadline (5 s from accept, however its
# bytes trickle in), and a caller with the token runs meanwhile
node -e '
const port = Number(process.argv[1]), t0 = Date.now(), shut = [];
let connected = 0;
for (let i = 0; i < 12; i++) {
  const s = require("net").connect(port, "127.0.0.1");
  let sent = 0, opened = 0;
  s.on("connect", () => {
    opened = Date.now();
    if (++connected === 12) require("fs").writeFileSync(process.argv[2], "held\n");
    const tick = () => { if (sent < 12 && !s.destroyed) { s.write("{\"type\":\"hello\"".charAt(sent++) || " "); setTimeout(tick, 1000); } };
    tick();
  });
  s.on("error", () => {});
  s.resume();   /* reads what the peer says, so its close is seen at once */
  s.on("close", () => { shut.push(((Date.now() - (opened || t0)) / 1000).toFixed(1));
    if (shut.length === 12) done(); });
}
const done = () => { console.log(shut.length + " " + shut.join(" ")); process.exit(0); };
setTimeout(done, 14000);' "$port" "$work/held" >"$work/drip" 2>&1 &
drip_pid=$!
for _ in $(seq 100); do
	[ -s "$work/held" ] && break
	sleep 0.1
done
sleep 0.2   # the peer accepts them and reads their first bytes
t0=$(date +%s%N)
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token "$TOKEN" --reps 1 \
	--count 2000 --format ndjson >"$work/o" 2>"$work/e"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
wait $drip_pid
[ $rc -ne 0 ] && echo "# $(head -c 300 "$work/e")"
tap "$([ -s "$work/held" ] && [ $rc -eq 0 ] && [ "$(js "$work/o" 'r.length === 1 && r[0].verified')" = true ]; echo $?)" \
	"a caller with the token runs while 12 connections trickle bytes (exit $rc, $ms ms)"
read -r nshut shut_s <"$work/drip"
echo "# trickling connections closed by the peer after (s): $shut_s"
tap "$([ "$nshut" = 12 ] && echo "$shut_s" | tr ' ' '\n' | awk '$1 > 6.5 { bad = 1 } END { exit bad }'; echo $?)" \
	"every trickling connection is closed within 6.5 s of connecting, though it kept sending ($nshut closed)"
# with every hello slot taken, the caller that gives way is one of the
# address holding the most: a caller from 127.0.0.3 (the longest waiting)
# outlasts nine from 127.0.0.2, to its own deadline: 5 s from accept for
# the whole hello, though it sends a byte of it every second
node -e '
const net = require("net"), port = Number(process.argv[1]), t0 = Date.now();
const lone = net.connect({ port, host: "127.0.0.1", localAddress: "127.0.0.3" });
let sent = 0;
const tick = () => { if (!lone.destroyed) { lone.write("{\"type\":\"hello\"".charAt(sent++) || " ");
  setTimeout(tick, 1000); } };
lone.on("connect", tick);
lone.on("data", (d) => { console.log(((Date.now() - t0) / 1000).toFixed(1) + " " + d.toString().trim()); });
lone.on("error", (e) => console.log("error " + e.message));
lone.on("close", () => process.exit(0));
setTimeout(() => { for (let i = 0; i < 9; i++)
  net.connect({ port, host: "127.0.0.1", localAddress: "127.0.0.2" }).on("error", () => {}); }, 300);
setTimeout(() => { console.log("still open"); process.exit(1); }, 9000).unref();' "$port" >"$work/o" 2>&1
tap "$(grep -q '"code":"busy"' "$work/o"; [ $? -eq 1 ] && grep -q '"code":"hello_timeout"' "$work/o" &&
	awk '{ exit !($1 >= 4.5 && $1 <= 6.5) }' "$work/o"; echo $?)" \
	"a caller trickling its hello is dropped 5 s from accept, and the callers of one address give way to each other, not to another's ($(head -c 100 "$work/o"))"
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "token" "$work/e"; echo $?)" "a peer without a token is a usage error"
# the token from a file or stdin, off the command line
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token-file "$work/token" --reps 1 \
	--count 2000 --format ndjson >"$work/o" 2>"$work/e"
rc=$?
echo "$TOKEN" | timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token-file - \
	--reps 1 --count 2000 --format ndjson >"$work/o2" 2>"$work/e"
rc2=$?
tap "$([ $rc -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(js "$work/o" 'r.length === 1 && r[0].verified')" = true ] &&
	[ "$(js "$work/o2" 'r.length === 1 && r[0].verified')" = true ]; echo $?)" \
	"--token-file PATH and --token-file - (stdin) run against the peer (exit $rc, $rc2)"
printf 'not a token: %s\n' "$TOKEN" >"$work/badtoken"
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token-file "$work/badtoken" >"$work/o" 2>"$work/e"
rc=$?
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token-file "$work/none" >>"$work/o" 2>>"$work/e"
rc2=$?
tap "$([ $rc -eq 2 ] && [ $rc2 -eq 2 ] && [ "$(grep -c "token-file" "$work/e")" -eq 2 ] &&
	! grep -q -- "$TOKEN" "$work/e" "$work/o"; echo $?)" \
	"a token-file that holds no token, or none, is a usage error naming token-file, never echoing it ($rc, $rc2)"
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "bad host:1" --token "$TOKEN" >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "HOST:PORT" "$work/e"; echo $?)" "a malformed peer is a usage error"
timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token "bad token!" >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && ! grep -q "bad token!" "$work/e"; echo $?)" \
	"a malformed token is a usage error that does not echo it"

timeout -k 5 30 "$IPCSCOPE" bench tcp --peer "127.0.0.1:$port" --token "$TOKEN" --reps 2 \
	--count 20000 --format ndjson >"$work/tcp-lo" 2>"$work/e"
rc=$?
[ $rc -ne 0 ] && echo "# $(cat "$work/e")"
tap $rc "tcp against a loopback peer runs"
is_true "both reps verified, 20000 messages each, the peer's CPU reported" \
	"$(js "$work/tcp-lo" 'r.length === 2 && r.every((x) => x.verified && x.count === 20000 &&
		x.cpu.receiver.util_pct > 0)')"
# peer_interf_ok: every result line has the peer's side of interference,
# numbers in range
peer_interf_ok='r.length > 0 && r.every((x) => { const p = x.interference.peer;
	return p && p.other_cpu_pct >= 0 && p.other_cpu_pct <= 100 && p.steal_pct >= 0 &&
		p.steal_pct <= 100 && Number.isInteger(p.involuntary_ctx) && p.involuntary_ctx >= 0 &&
		typeof p.disturbed === "boolean" && x.interference.disturbed === (p.disturbed ||
		x.interference.other_cpu_pct >= 10 || x.interference.steal_pct >= 5); })'
is_true "each rep against a loopback peer carries the peer's interference, in range" \
	"$(js "$work/tcp-lo" "$peer_interf_ok")"
timeout -k 5 30 "$IPCSCOPE" bench tcp --reps 1 --count 2000 --format ndjson >"$work/tcp-local" 2>"$work/e"
is_true "a run on one host has interference.peer null" \
	"$(js "$work/tcp-local" 'r.length === 1 && r[0].interference.peer === null')"
is_true "the start line records both hosts and a loopback path" \
	"$(js "$work/tcp-lo" 's.peer.path.loopback === true && s.peer.path.interface === "lo" &&
		!!s.peer.remote_host.kernel && !!s.peer.local_host.hostname && s.params.peer !== undefined &&
		!JSON.stringify(s).includes("'"$TOKEN"'")')"
# the same params in a URL: strictly parsed, relayed to the same run
"$IPCSCOPE" serve --port 0 --results-dir "$work/runs" >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do
	base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" 2>/dev/null | head -1)
	[ -n "$base" ] && break
	sleep 0.05
done
# get URL FILE: the body into FILE, the status on stdout
get() {
	node -e 'fetch(process.argv[1]).then(async (r) => {
	  require("fs").writeFileSync(process.argv[2], await r.text()); console.log(r.status); })
	  .catch((e) => console.log(e.message))' "$1" "$2"
}
code=$(get "$base/api/bench/shm?peer=127.0.0.1:$port&token=$TOKEN" "$work/http.json")
tap "$([ "$code" = 400 ] && grep -q '"param":"peer"' "$work/http.json"; echo $?)" \
	"GET /api/bench/shm with peer= is a 400 naming peer (got $code)"
code=$(get "$base/api/bench/zmq?transport=ipc&peer=127.0.0.1:$port&token=$TOKEN" "$work/http.json")
tap "$([ "$code" = 400 ] && grep -q '"param":"peer"' "$work/http.json" &&
	grep -q 'only with transport=tcp' "$work/http.json"; echo $?)" \
	"GET /api/bench/zmq?transport=ipc with peer= is a 400 naming peer and transport=tcp (got $code)"
code=$(get "$base/api/bench/tcp?peer=127.0.0.1:$port&token-file=$work/token" "$work/http.json")
tap "$([ "$code" = 400 ] && grep -q '"param":"token-file"' "$work/http.json"; echo $?)" \
	"token-file is the command line's alone: a URL with it is a 400 (got $code)"
# tree_args PID: the command lines of PID's descendants, one a line
tree_args() {
	ps -eo pid=,ppid=,args= | awk -v root="$1" '{ pid[NR] = $1; ppid[NR] = $2; $1 = $2 = "";
		args[NR] = $0 } END { keep[root] = 1
		do { more = 0; for (i = 1; i <= NR; i++) if (keep[ppid[i]] && !keep[pid[i]]) {
			keep[pid[i]] = 1; more = 1 } } while (more)
		for (i = 1; i <= NR; i++) if (pid[i] != root && keep[pid[i]]) print args[i] }'
}
get "$base/api/bench/tcp?peer=127.0.0.1:$port&token=$TOKEN&duration=0.4&reps=3" "$work/http-tcp" >/dev/null &
get_pid=$!
: >"$work/ps"
while kill -0 $get_pid 2>/dev/null; do
	tree_args "$serve_pid" >>"$work/ps"
	sleep 0.05
done
wait $get_pid
is_true "GET /api/bench/tcp with peer= and token= runs against the peer, verified" \
	"$(js "$work/http-tcp" 'r.length === 3 && r.every((x) => x.verified) && s.peer.path.loopback === true')"
seen=$(grep -c "bench tcp" "$work/ps")
tap "$([ "$seen" -gt 0 ] && ! grep -q -- "$TOKEN" "$work/ps"; echo $?)" \
	"the run process and its workers never show the token in ps ($seen command lines seen: $(grep -m1 "bench tcp" "$work/ps" | head -c 160))"
get "$base/api/runs" "$work/runs.json" >/dev/null
tap "$(grep -q '"request":"/api/bench/tcp?peer=127.0.0.1:'"$port"'&duration=0.4&reps=3"' "$work/runs.json" &&
	! grep -q -- "$TOKEN" "$work/runs.json" && [ -n "$(ls "$work/runs")" ] &&
	! grep -rq -- "$TOKEN" "$work/runs"; echo $?)" \
	"neither /api/runs nor the stored run holds the token; the request is kept without it"
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null

kill "$peer_pid" 2>/dev/null
wait "$peer_pid" 2>/dev/null
peer_pid=

start_peer --once
once_pid=$peer_pid
peer_pid=
timeout -k 5 30 "$IPCSCOPE" bench udp --mode latency --peer "127.0.0.1:$port" --token "$TOKEN" \
	--reps 1 --count 500 --format ndjson >"$work/udp-lo" 2>/dev/null
is_true "udp latency against a loopback peer is verified" "$(js "$work/udp-lo" 'r.length === 1 && r[0].verified')"
for _ in $(seq 100); do kill -0 $once_pid 2>/dev/null || break; sleep 0.05; done
tap "$(! kill -0 $once_pid 2>/dev/null; echo $?)" "peer --once exits after one run"
kill $once_pid 2>/dev/null
wait $once_pid 2>/dev/null

# --- the lab: two network namespaces -------------------------------------------

# lab_ok: root, iproute2 and network namespaces are there
lab_ok() {
	local probe=ipcscope-probe-$$
	[ "$(id -u)" = 0 ] || return 1
	ip netns add "$probe" 2>/dev/null || return 1
	ip netns delete "$probe"
}

# The machine may run other labs (another checkout's tests): look only at
# what this suite's labs made, by the pid in their names and their token.
NAP=29.$$
# lab_pid ERRFILE: the pid a lab's namespaces carry, from its stderr
lab_pid() {
	sed -n 's/.*namespaces ipcscope-\([0-9]*\)-a .*/\1/p' "$1" | head -1
}
# lab_token ERRFILE: its peer's token
lab_token() {
	sed -n 's/.*, token \([0-9a-f]*\);.*/\1/p' "$1" | head -1
}
# lab_peers PID: the peers that lab started (IPCSCOPE_LAB=PID in their
# environment)
lab_peers() {
	local p
	for p in $(pgrep -f "peer --listen 10\.199\.0\.1:7399" 2>/dev/null); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "IPCSCOPE_LAB=$1" && echo "peer $p"
	done
	return 0
}
# lab_left PID TOKEN: what that lab left: its namespaces, its veth ends,
# its peer, anything with its token on the command line, this suite's
# commands
lab_left() {
	ip netns list 2>/dev/null | grep "ipcscope-$1-"
	ip -o link 2>/dev/null | grep "ipcs$1[ab]"
	lab_peers "$1"
	[ -n "$2" ] && pgrep -f -- "$2" 2>/dev/null
	pgrep -fx "sleep $NAP" 2>/dev/null
	return 0
}

# lab_run OUT ERR ARGS...: runs the lab (at most 60 s); its pid in lab_pid
lab_run() {
	local out=$1 err=$2
	shift 2
	timeout -k 5 60 "$IPCSCOPE" lab "$@" >"$out" 2>"$err" &
	lab_pid=$!
	wait $lab_pid
}

if ! lab_ok; then
	echo "ok $((tap_n + 1)) # SKIP lab: needs root and network namespaces (id $(id -u))"
	tap_n=$((tap_n + 1))
	tap_done
	exit
fi

lab_run "$work/lab-tcp" "$work/lab.err" -- "$IPCSCOPE" bench tcp --peer {peer} --token {token} \
	--reps 2 --count 20000 --format ndjson
rc=$?
[ $rc -ne 0 ] && echo "# $(cat "$work/lab.err")"
tap "$rc" "lab runs tcp across two namespaces (exit $rc)"
is_true "tcp across the veth: verified, not loopback, an MTU" \
	"$(js "$work/lab-tcp" 'r.length === 2 && r.every((x) => x.verified && x.count === 20000) &&
		s.peer.path.loopback === false && /^ipcs[0-9]+b$/.test(s.peer.path.interface) &&
		s.peer.path.mtu > 0 && s.peer.address === "10.199.0.1:7399"')"
is_true "tcp across the veth: each rep carries the peer's interference, in range" \
	"$(js "$work/lab-tcp" "$peer_interf_ok")"
echo "# the peer's side across the veth: $(js "$work/lab-tcp" 'r.map((x) => "rep " + x.rep +
	" others " + x.interference.peer.other_cpu_pct.toFixed(1) + "%, " +
	x.interference.peer.involuntary_ctx + " involuntary").join("; ")')"
lp=$(lab_pid "$work/lab.err")
tap "$([ -n "$lp" ] && [ -z "$(lab_left "$lp" "$(lab_token "$work/lab.err")")" ]; echo $?)" \
	"no namespace, link or process left after the lab's end (pid ${lp:-?})"

# --- a busy process on the peer's worker's CPU shows on the peer's side ---------
# A run pinned to 0,1 puts the peer's worker on CPU 1 and the driver's on
# CPU 0 (both "hosts" share this machine's CPUs). A busy loop pinned to CPU 1
# runs during reps 2 and 4 only: their interference.peer.other_cpu_pct must
# be above reps 1 and 3's, the same run's reps without it.
HOG_REPS=4
HOG_LOADED=" 2 4 "
# run_hogged OUT: the lab's run, the busy loop on CPU 1 during the loaded reps
run_hogged() {
	busy_during_reps "$1" 1 "$HOG_LOADED" timeout -k 5 60 "$IPCSCOPE" lab -- "$IPCSCOPE" bench tcp \
		--peer {peer} --token {token} --pin 0,1 --reps $HOG_REPS --duration 0.3 --format ndjson \
		2>"$work/hog.err"
}
# hog_verdict OUT: "ok: figures" when every loaded rep's peer other_cpu_pct
# is above every other rep's, SATURATED when others already fill CPU 1,
# else FAIL; with this host's side beside it
hog_verdict() {
	js "$1" '(() => {
		const loaded = "'"$HOG_LOADED"'".trim().split(/\s+/).map(Number);
		const peer = (l) => l.interference.peer ? l.interference.peer.other_cpu_pct : NaN;
		const here = (l) => l.interference.other_cpu_pct;
		const on = r.filter((l) => loaded.includes(l.rep)), off = r.filter((l) => !loaded.includes(l.rep));
		const ok = r.length === '$HOG_REPS' && on.length === loaded.length &&
			Math.min(...on.map(peer)) > Math.max(...off.map(peer));
		const full = off.length && off.map(peer).every((x) => x >= 90);
		const f = (v) => v.map((x) => Number(x).toFixed(1)).join(" ");
		return (ok ? "ok" : full ? "SATURATED" : "FAIL") + ": peer other_cpu_pct with the busy loop " +
			f(on.map(peer)) + " / without " + f(off.map(peer)) + "; this host " +
			f(on.map(here)) + " / " + f(off.map(here));
	})()'
}
if [ "$(nproc)" -lt 2 ]; then
	echo "ok $((tap_n + 1)) # SKIP a busy loop on the peer's CPU needs two CPUs"
	tap_n=$((tap_n + 1))
else
	busy_check run_hogged hog_verdict \
		"a busy loop on the peer's worker's CPU raises the peer's other_cpu_pct for exactly its reps"
	lp=$(lab_pid "$work/hog.err")
	tap "$([ -n "$all_busy" ] && [ -z "$(busy_left)" ] && [ -n "$lp" ] &&
		[ -z "$(lab_left "$lp" "$(lab_token "$work/hog.err")")" ]; echo $?)" \
		"the busy loop ran and none is left, nor the lab's namespaces (loops$all_busy)"
fi

lab_run "$work/lab-udp" "$work/lab.err" -- "$IPCSCOPE" bench udp --mode latency --peer {peer} \
	--token {token} --reps 1 --count 1000 --format ndjson
is_true "udp latency across the veth is verified" \
	"$(js "$work/lab-udp" 'r.length === 1 && r[0].verified && r[0].count === 1000')"

# zmq and grpc over their own tcp across the veth, both modes, in one lab
lib_runs=
for m in zmq grpc; do
	for mode in throughput latency; do
		lib_runs="$lib_runs timeout -k 5 40 $IPCSCOPE bench $m --transport tcp --mode $mode \
			--peer {peer} --token {token} --reps 1 --count 2000 --format ndjson \
			>$work/lab-$m-$mode 2>>$work/lab-lib.err || exit 1;"
	done
done
lab_run "$work/o" "$work/lab.err" -- sh -c "$lib_runs"
rc=$?
[ $rc -ne 0 ] && echo "# $(cat "$work/lab.err" "$work/lab-lib.err" 2>/dev/null | head -c 600)"
tap "$rc" "lab runs zmq and grpc over tcp across two namespaces, both modes (exit $rc)"
for m in zmq grpc; do
	for mode in throughput latency; do
		is_true "$m $mode over tcp across the veth: verified, 2000 messages, the veth's path" \
			"$(js "$work/lab-$m-$mode" 'r.length === 1 && r[0].verified && r[0].count === 2000 &&
			r[0].granted.port > 0 && s.params.transport === "tcp" && s.peer.path.loopback === false &&
			/^ipcs[0-9]+b$/.test(s.peer.path.interface) && s.peer.path.mtu > 0 &&
			("'$mode'" === "latency") === (r[0].rtt_ns !== undefined)')"
	done
done
echo "# across the veth: $(for f in zmq-throughput zmq-latency grpc-throughput grpc-latency; do
	js "$work/lab-$f" '"'$f' " + (r[0] && r[0].rtt_ns ? "rtt p50 " + r[0].rtt_ns.p50 + " ns" :
		r[0] ? Math.round(r[0].msgs_per_s) + " msgs/s" : "-")'; done | paste -sd, -)"
lp=$(lab_pid "$work/lab.err")
tap "$([ -n "$lp" ] && [ -z "$(lab_left "$lp" "$(lab_token "$work/lab.err")")" ]; echo $?)" \
	"no namespace, link or process left after the zmq and grpc lab (pid ${lp:-?})"

# tcp-zc across the veth, both modes, in one lab: MSG_ZEROCOPY sends on
# the driver's side, each completion counted, and whether the kernel
# copied the pages after all (the veth hands them to a socket of the same
# kernel, which copies them as loopback does; a network card would not)
zc_runs=
for mode in throughput latency; do
	zc_runs="$zc_runs timeout -k 5 40 $IPCSCOPE bench tcp-zc --mode $mode --size 64K \
		--peer {peer} --token {token} --reps 1 --count 1000 --format ndjson \
		>$work/lab-zc-$mode 2>>$work/lab-zc.err || exit 1;"
done
lab_run "$work/o" "$work/lab.err" -- sh -c "$zc_runs"
rc=$?
[ $rc -ne 0 ] && echo "# $(cat "$work/lab.err" "$work/lab-zc.err" 2>/dev/null | head -c 600)"
tap "$rc" "lab runs tcp-zc across two namespaces, both modes (exit $rc)"
for mode in throughput latency; do
	is_true "tcp-zc $mode across the veth: verified, 1000 messages, the veth's path, every zerocopy send completed and counted" \
		"$(js "$work/lab-zc-$mode" 'r.length === 1 && r[0].verified && r[0].count === 1000 &&
		r[0].granted.port > 0 && s.peer.path.loopback === false &&
		/^ipcs[0-9]+b$/.test(s.peer.path.interface) &&
		r[0].granted.zerocopy_sends >= 1000 && r[0].granted.zerocopy_copied_sends >= 0 &&
		r[0].granted.zerocopy_copied_sends <= r[0].granted.zerocopy_sends &&
		("'$mode'" === "latency") === (r[0].rtt_ns !== undefined)')"
done
echo "# tcp-zc across the veth: $(for mode in throughput latency; do
	js "$work/lab-zc-$mode" '"'$mode' " + (r[0] ? r[0].granted.zerocopy_copied_sends + " of " +
		r[0].granted.zerocopy_sends + " sends copied, " + Math.round(r[0].bytes_per_s / 1e6) + " MB/s" : "-")'
	done | paste -sd, -)"
lp=$(lab_pid "$work/lab.err")
tap "$([ -n "$lp" ] && [ -z "$(lab_left "$lp" "$(lab_token "$work/lab.err")")" ]; echo $?)" \
	"no namespace, link or process left after the tcp-zc lab (pid ${lp:-?})"

# a 1 KiB datagram stream far above a 10 Mbit/s link: the link drops most
lab_run "$work/lab-loss" "$work/lab.err" --rate 10mbit -- "$IPCSCOPE" bench udp --peer {peer} \
	--token {token} --reps 1 --size 1K --count 5000 --warmup 0 --format ndjson
is_true "udp over a 10 Mbit/s link: real losses, counted, not verified" \
	"$(js "$work/lab-loss" 'r.length === 1 && r[0].lost > 0 && !r[0].verified &&
		r[0].count + r[0].lost === 5000')"
echo "# udp at 10 Mbit/s: $(js "$work/lab-loss" 'r[0].count + " in, " + r[0].lost + " lost"')"

# a 256 KiB message is four times the link's burst: each way waits for tokens
timeout -k 5 60 "$IPCSCOPE" bench tcp --mode latency --size 256K --count 20 --warmup 2 --reps 1 \
	--format ndjson >"$work/lo-lat" 2>/dev/null
lab_run "$work/lab-lat" "$work/lab.err" --rate 200mbit -- "$IPCSCOPE" bench tcp --mode latency \
	--peer {peer} --token {token} --size 256K --count 20 --warmup 2 --reps 1 --format ndjson
lo=$(js "$work/lo-lat" 'r[0].rtt_ns.p50')
veth=$(js "$work/lab-lat" 'r[0].rtt_ns.p50')
echo "# tcp 256 KiB round trip p50: loopback $lo ns, veth at 200 Mbit/s $veth ns"
is_true "tcp's round trip across a 200 Mbit/s veth is above loopback's" \
	"$(js "$work/lab-lat" "r[0].verified && r[0].rtt_ns.p50 > $lo")"

lab_run "$work/o" "$work/lab.err" --delay 1ms -- true
rc=$?
tap "$([ $rc -eq 0 ] && { ! grep -q "no netem" "$work/lab.err" ||
	grep -q "NOT applied" "$work/lab.err"; }; echo $?)" \
	"--delay goes on, saying so clearly where the kernel has no netem (exit $rc)"

timeout -k 5 30 "$IPCSCOPE" lab -- >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "which command" "$work/e"; echo $?)" "lab without a command is a usage error"
timeout -k 5 30 "$IPCSCOPE" lab --rate 5parsecs -- true >"$work/o" 2>"$work/e"
tap "$([ $? -eq 2 ] && grep -q "rate" "$work/e"; echo $?)" "a bad rate is a usage error naming the range"
if command -v setpriv >/dev/null; then
	timeout -k 5 30 setpriv --reuid=65534 --regid=65534 --clear-groups "$IPCSCOPE" lab -- true >"$work/o" 2>"$work/e"
	rc=$?
	tap "$([ $rc -eq 1 ] && grep -q "needs root" "$work/e"; echo $?)" "lab as non-root says it needs root (exit $rc)"
fi

# SIGKILL: the lab's guardian removes everything at once
"$IPCSCOPE" lab -- sleep "$NAP" >/dev/null 2>"$work/lab.err" &
kpid=$!
for _ in $(seq 100); do
	ip netns list | grep -q "ipcscope-$kpid-b" && pgrep -fx "sleep $NAP" >/dev/null && break
	sleep 0.05
done
tap "$(ip netns list | grep -q "ipcscope-$kpid-b" && pgrep -fx "sleep $NAP" >/dev/null; echo $?)" \
	"lab made its namespaces and runs the command"
tok=$(lab_token "$work/lab.err")
tap "$([ -n "$tok" ] && [ -n "$(lab_peers $kpid)" ] && ! pgrep -f -- "$tok" >/dev/null; echo $?)" \
	"the lab's peer runs with its token on no command line ($(lab_peers $kpid))"
kill -9 $kpid
wait $kpid 2>/dev/null
for _ in $(seq 100); do
	[ -z "$(lab_left $kpid "$(lab_token "$work/lab.err")")" ] && break
	sleep 0.05
done
left=$(lab_left $kpid "$(lab_token "$work/lab.err")")
[ -n "$left" ] && echo "# left: $left"
tap "$([ -z "$left" ]; echo $?)" "SIGKILL of the lab: namespaces, link, peer and command are gone"

# SIGKILL of the lab and its guardian: the next lab sweeps what was left
"$IPCSCOPE" lab -- sleep "$NAP" >/dev/null 2>"$work/lab.err" &
kpid=$!
for _ in $(seq 100); do
	ip netns list | grep -q "ipcscope-$kpid-b" && pgrep -fx "sleep $NAP" >/dev/null && break
	sleep 0.05
done
tok=$(lab_token "$work/lab.err")
# stopped first, so that it cannot see its children die and clean up, and
# its guardian killed before the lab's end could wake it
kill -STOP $kpid
kill -9 $(pgrep -P $kpid) 2>/dev/null
kill -9 $kpid
wait $kpid 2>/dev/null
sleep 0.2
tap "$(ip netns list | grep -q "ipcscope-$kpid-"; echo $?)" "with its guardian killed too, the namespaces stay"
lab_run "$work/o" "$work/lab.err" -- true
for _ in $(seq 40); do
	[ -z "$(lab_left $kpid "$tok")" ] && break
	sleep 0.05
done
tap "$([ -z "$(lab_left $kpid "$tok")" ]; echo $?)" "the next lab's start sweeps them"


# --- the cross-host demo: its own namespaces, nothing left after its end or a SIGTERM

# kids_of PID: notes the children of PID in $work/kids-PID while it runs
kids_of() {
	while kill -0 "$1" 2>/dev/null; do
		pgrep -P "$1" >>"$work/kids-$1" 2>/dev/null
		sleep 0.1
	done
}
# demo_left PID: what the demo with that pid left: its namespaces, veth
# ends, and any child seen while it ran (peer, bench runs, guardian)
demo_left() {
	ip netns list 2>/dev/null | grep "ipcscope-$1-"
	ip -o link 2>/dev/null | grep "ipcs$1[ab]"
	sort -u "$work/kids-$1" 2>/dev/null | while read -r k; do
		kill -0 "$k" 2>/dev/null && echo "pid $k"
	done
	return 0
}
# 256 KiB round trips at 200 Mbit/s wait for the link's tokens: far above loopback
timeout -k 5 60 "$IPCSCOPE" demo cross-host --duration 0.05 --size 4K --lat_size 256K \
	--rate_mbit 200 --format ndjson >"$work/xh" 2>"$work/xh.err" &
xpid=$!
kids_of $xpid &
: >"$work/xh-ps"
while kill -0 $xpid 2>/dev/null; do
	tree_args $xpid >>"$work/xh-ps"
	sleep 0.1
done
wait $xpid
rc=$?
tap "$(grep -q -- "--token-file -" "$work/xh-ps" && ! grep -Eq -- "--token( |=)" "$work/xh-ps"; echo $?)" \
	"cross-host: its peer and runs take the token on stdin, never on a command line ($(grep -c -- "--token-file -" "$work/xh-ps") seen)"
[ $rc -ne 0 ] && echo "# $(head -c 300 "$work/xh.err")"
is_true "demo cross-host ends ok with five points, every one measured (exit $rc)" \
	"$(js "$work/xh" 'e.status === "ok" && ls.filter((l) => l.type === "point").length === 5 &&
		ls.filter((l) => l.type === "point").every((p) => p.ok && p.reps === 3 && p.rtt_p50_ns > 0 && p.bytes_per_s > 0)')"
is_true "cross-host: the limited veth's round trip is above loopback's" \
	"$(js "$work/xh" 'const p = (n) => ls.find((l) => l.type === "point" && l.label === n);
		p("tcp veth limited").rtt_p50_ns > p("tcp loopback").rtt_p50_ns && p("tcp veth").across_namespaces')"
echo "# $(js "$work/xh" '(ls.find((l) => l.type === "lesson") || {}).text')"
lesson=$(js "$work/xh" '(ls.find((l) => l.type === "lesson") || {}).text || ""')
tap "$(echo "$lesson" | grep -q "tcp across the veth took [0-9.]*× the loopback round trip" &&
	echo "$lesson" | grep -Eq '[0-9] (µs|ms)' && echo "$lesson" | grep -Eq '[0-9] [MG]B/s' &&
	! echo "$lesson" | grep -Eq '[0-9]{5,}|[0-9]e[+-]?[0-9]|[0-9]{2,}\.[0-9]{3,}|[0-9]\.[0-9]{4,}'; echo $?)" \
	"cross-host: a lesson with its figures formatted for people"
tap "$([ -z "$(demo_left $xpid)" ]; echo $?)" "cross-host leaves no namespace, link or process"

"$IPCSCOPE" demo cross-host --duration 1 --reps 1 --format ndjson >"$work/xh-term" 2>/dev/null &
xpid=$!
kids_of $xpid &
for _ in $(seq 100); do
	grep -q '"step":"tcp veth' "$work/xh-term" 2>/dev/null && break
	sleep 0.05
done
kill -TERM $xpid
wait $xpid
rc=$?
for _ in $(seq 40); do [ -z "$(demo_left $xpid)" ] && break; sleep 0.05; done
left=$(demo_left $xpid)
[ -n "$left" ] && echo "# left: $left"
tap "$([ $rc -eq 1 ] && [ -z "$left" ] && grep -q '"status":"cancelled"' "$work/xh-term"; echo $?)" \
	"cross-host after SIGTERM: cancelled, no namespace, link or process left (exit $rc)"

tap_done
