#!/usr/bin/env bash
# board.sh -- a class board across network namespaces: a teacher's server in
# one, three students in others on a bridge; the students post real demo
# results and the board lists their medians; other machines reach the
# board's routes and nothing else; every namespace removed on every path
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

if [ "$(id -u)" != 0 ] || ! ip netns add "ipcb-probe-$$" 2>/dev/null; then
	echo "1..0 # SKIP needs root and network namespaces"
	exit 0
fi
ip netns delete "ipcb-probe-$$"

tag=ipcb-$$
nss=("$tag-br" "$tag-t" "$tag-s1" "$tag-s2" "$tag-s3")
work=$(mktemp -d "${TMPDIR:-/tmp}/boardtest.XXXXXX")
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	for ns in "${nss[@]}"; do
		ip netns delete "$ns" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the network: a bridge in a namespace of its own, and one veth from it to
# each machine; nothing is added to the namespace the test runs in
ip netns add "$tag-br"
ip -n "$tag-br" link add br0 type bridge
ip -n "$tag-br" link set br0 up
i=0
for m in t s1 s2 s3; do
	i=$((i + 1))
	ip netns add "$tag-$m"
	ip link add name eth0 netns "$tag-$m" type veth peer name "p$m" netns "$tag-br"
	ip -n "$tag-br" link set "p$m" master br0 up
	ip -n "$tag-$m" addr add "10.77.0.$i/24" dev eth0
	ip -n "$tag-$m" link set eth0 up
	ip -n "$tag-$m" link set lo up
done
on() { local m=$1; shift; ip netns exec "$tag-$m" "$@"; }

# http NS METHOD URL [CODE [BODY]]: status and body of one request from NS
http() {
	on "$1" node -e '
const [method, url, code, body] = process.argv.slice(1);
fetch(url, { method, body: method === "POST" ? body : undefined, signal: AbortSignal.timeout(10000),
  headers: code ? { "X-Board-Code": code } : {} })
  .then(async (r) => console.log(r.status, await r.text()))
  .catch((e) => console.log(0, String(e)));' "$2" "$3" "${4:-}" "${5:-}"
}

# the teacher: every address of its namespace, a class task set at start
ip netns exec "$tag-t" "$IPCSCOPE" serve --board --board-task sync-tax --bind 0.0.0.0 --port 8080 \
	--results-dir "$work/results" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
for _ in $(seq 100); do
	grep -q "students join at" "$work/serve.out" 2>/dev/null && break
	sleep 0.05
done
code=$(sed -n 's/.*join code \([A-Z0-9]*\)$/\1/p' "$work/serve.out")
tap "$(grep -q "students join at http://10.77.0.1:8080/ (code $code)" "$work/serve.out" &&
	[ ${#code} -eq 6 ]; echo $?)" "the teacher's server prints the join code $code and the URL on its LAN"

# three students run the demo at once and post it as it ends
for m in s1 s2 s3; do
	ip netns exec "$tag-$m" timeout -k 5 60 "$IPCSCOPE" demo sync-tax --reps 2 --duration 0.01 --format ndjson \
		--board http://10.77.0.1:8080 --code "$code" --as "student $m" >"$work/$m.ndjson" \
		2>"$work/$m.err" &
	eval "pid_$m=$!"
done
for m in s1 s2 s3; do
	eval "wait \$pid_$m"
	rc=$?
	tap "$([ $rc -eq 0 ] && grep -q "sent to the class board at http://10.77.0.1:8080 as 'student $m'" \
		"$work/$m.err"; echo $?)" "student $m ran sync-tax and the board took it (exit $rc: $(tail -c 150 "$work/$m.err"))"
done

http t GET "http://127.0.0.1:8080/api/board" "$code" >"$work/board"
node -e '
const fs = require("fs"), [file, dir] = process.argv.slice(1);
const b = JSON.parse(fs.readFileSync(file, "utf8").replace(/^\d+ /, ""));
let ok = b.machines.length === 3;
for (const m of ["s1", "s2", "s3"]) {
  const local = fs.readFileSync(`${dir}/${m}.ndjson`, "utf8").trim().split("\n").map(JSON.parse)
    .filter((l) => l.type === "summary");
  const e = b.machines.find((x) => x.as === `student ${m}`);
  ok = ok && !!e && local.length === 5 && e.summaries.length === 5 && e.machine === null &&
    local.every((l) => e.summaries.find((s) => s.label === l.label).median === l.msgs_per_s.median);
  console.error(`# ${m}: ` + local.map((l) => `${l.label} ${Math.round(l.msgs_per_s.median)}`).join(", "));
}
process.exit(ok ? 0 : 1);' "$work/board" "$work" 2>"$work/medians"
tap $? "the board lists three machines whose figures equal each student's own medians"
cat "$work/medians"

# the lesson's key figure: the mutex's time per message over spinning's,
# as each student's own lines give it, and the class's distribution of it
node -e '
const fs = require("fs"), [file, dir] = process.argv.slice(1);
const b = JSON.parse(fs.readFileSync(file, "utf8").replace(/^\d+ /, ""));
const near = (x, y) => Math.abs(x - y) <= 1e-12 * Math.abs(y);
const own = [];
let ok = !!b.key && b.key.a === "shm sync=mutex" && b.key.b === "shm sync=spin" && b.key.machines === 3;
for (const m of ["s1", "s2", "s3"]) {
  const med = (label) => fs.readFileSync(`${dir}/${m}.ndjson`, "utf8").trim().split("\n").map(JSON.parse)
    .find((l) => l.type === "summary" && l.label === label).msgs_per_s.median;
  const f = med("shm sync=spin") / med("shm sync=mutex");
  const e = b.machines.find((x) => x.as === `student ${m}`);
  const pt = b.key && b.key.points.find((p) => p.as === `student ${m}`);
  own.push(f);
  ok = ok && !!e && !!e.key && near(e.key.factor, f) && !!pt && near(pt.factor, f);
  console.error(`# ${m}: the mutex took ${f.toFixed(2)}x the time per message of spinning, the board has ${e && e.key ? e.key.factor.toFixed(2) : "none"}`);
}
own.sort((x, y) => x - y);
ok = ok && near(b.key.median, own[1]) && near(b.key.min, own[0]) && near(b.key.max, own[2]);
console.error(`# class: median ${b.key && b.key.median}, ${b.key && b.key.min}..${b.key && b.key.max}`);
process.exit(ok ? 0 : 1);' "$work/board" "$work" 2>"$work/keys"
tap $? "each machine's key figure equals its student's own mutex-over-spin factor, and the class's median and range are theirs"
cat "$work/keys"

# another machine reaches the board's two routes, and nothing else (one
# node process asks them all, one answer a line)
http_all() {
	local ns=$1
	shift
	ip netns exec "$tag-$ns" node -e '
const reqs = process.argv.slice(1);
(async () => {
  for (const q of reqs) {
    const [method, url, c, body] = q.split(" ");
    const r = await fetch(url, { method, body: method === "POST" ? body : undefined,
      headers: c === "-" ? {} : { "X-Board-Code": c }, signal: AbortSignal.timeout(10000) })
      .then(async (x) => `${x.status} ${await x.text()}`).catch((e) => `0 ${e}`);
    console.log(r.replace(/\n/g, " "));
  }
})();' "$@"
}
b=http://10.77.0.1:8080
mapfile -t outs < <(http_all s1 "GET $b/api/health $code" "GET $b/api/runs $code" \
	"GET $b/api/bench/pipe?reps=1 $code" "GET $b/api/board/session $code" \
	"POST $b/api/board/task $code {\"demo\":\"compare\"}" "GET $b/api/board WRONG1" \
	"GET $b/api/board?code=$code -")
i=0
for route in "GET /api/health" "GET /api/runs" "GET /api/bench/pipe?reps=1" \
	"GET /api/board/session" "POST /api/board/task"; do
	out=${outs[$i]:-}
	i=$((i + 1))
	tap "$([[ $out == 403* ]] && [[ $out == *loopback_only* ]]; echo $?)" "from a student's machine, $route: 403 (${out:0:90})"
done
tap "$([[ ${outs[5]:-} == 403*wrong_code* ]]; echo $?)" "from a student's machine, a wrong code: 403"
tap "$([[ ${outs[6]:-} == 200*'"machines":[{'* ]]; echo $?)" "from a student's machine, the board with the code"

# a refused post: the student's command says why and exits 1
on s3 timeout -k 5 30 "$IPCSCOPE" compare pipe --reps 1 --count 200 --board http://10.77.0.1:8080 \
	--code "$code" --as late >/dev/null 2>"$work/late.err"
rc=$?
tap "$([ $rc -eq 1 ] && grep -q "refused the result (409): the class task is 'sync-tax', not 'compare'" \
	"$work/late.err"; echo $?)" "a compare posted to a sync-tax board: exit 1 with the board's reason ($rc)"

kill "$server" && wait "$server"
rc=$?
server=
tap "$([ $rc -eq 0 ]; echo $?)" "the teacher's server stops cleanly (exit $rc)"
cleanup
trap - EXIT
left=$(ip netns list | grep -c "^$tag-")
tap "$([ "$left" -eq 0 ] && [ ! -d "$work" ]; echo $?)" "no namespace and no file left ($left namespaces)"
tap_done
