#!/usr/bin/env bash
# platform.sh -- the platform between runs: a remembered cache-line round
# trip far from this run's is said in text and NDJSON (end and comparison
# lines); a matching one, another boot's, or a hostile cache file is not,
# and never fails the run
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/platformtest.XXXXXX")
trap 'rm -rf "$work"' EXIT
export IPCSCOPE_CACHE_DIR=$work/cache
# the runs' own directories go here, so that what they leave is told apart
# from what other runs on this machine have open
mkdir "$work/tmp"
export TMPDIR=$work/tmp
cache=$IPCSCOPE_CACHE_DIR/platform.json
RUN=(--reps 2 --duration 0.05 --ci 0)
FAR=8          # the faked baseline: this many times the measured round trip
AGO_S=1200     # ... remembered from a run twenty minutes ago

if [ "$(nproc)" -lt 2 ]; then
	echo "ok 1 # skip needs two CPUs for a cache-line round trip"
	tap_done
	exit
fi

# end_field FILE EXPR: EXPR of the end line's platform object (p), or "none"
end_field() {
	node -e '
		const ls = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n")
			.map((l) => JSON.parse(l));
		const e = ls.find((l) => l.type === "end") || {};
		const p = e.platform;
		const c = ls.find((l) => l.type === "comparison");
		console.log(p ? String(eval(process.argv[2])) : "none");
	' "$1" "$2"
}

# fake FACTOR [BOOT]: the cache's baseline becomes FACTOR x its round trip
# (=NS: NS itself), remembered AGO_S ago (and of boot BOOT when given)
fake() {
	node -e '
		const fs = require("fs");
		const f = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
		const x = process.argv[2];
		for (const b of f.baselines) {
			b.line_rtt_ns = x[0] === "=" ? Number(x.slice(1)) : b.line_rtt_ns * Number(x);
			b.at = Date.now() / 1000 - Number(process.argv[3]);
			if (process.argv[4]) b.boot_id = process.argv[4];
		}
		fs.writeFileSync(process.argv[1], JSON.stringify(f));
	' "$cache" "$1" "$AGO_S" "${2:-}"
}

# timed OUT: the run that wrote OUT timed a cache-line round trip: its end
# line has a platform object (NDJSON), or it left a baseline newer than
# the faked one (text)
timed() {
	case $(head -c 1 "$1") in
	'{') grep -q '"type":"end".*"platform":{' "$1" ;;
	*) node -e '
		const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
		process.exit(f.baselines.some((b) => b.at > Date.now() / 1000 - 60) ? 0 : 1);
	' "$cache" 2>/dev/null ;;
	esac
}

# run OUT ARGS...: ipcscope ARGS, stdout into OUT, stderr into OUT.err; run
# again (three tries in all) when it timed no round trip: both of the
# ping-pong's threads need their CPUs, which a crowded machine can deny
# every rep (such a run leaves the cache as it was); its exit status
run() {
	local out=$1 rc try
	shift
	for try in 1 2 3; do
		"$IPCSCOPE" "$@" >"$out" 2>"$out.err"
		rc=$?
		timed "$out" && break
		echo "# try $try timed no cache-line round trip"
	done
	return $rc
}

# 1. a first run: its round trip measured, nothing remembered yet, then kept
run "$work/a.ndjson" bench pipe "${RUN[@]}" --format ndjson
tap $? "a first run succeeds with an empty cache directory"
v=$(end_field "$work/a.ndjson" 'p.line_rtt_ns > 0 && p.last_line_rtt_ns === null && p.moved_since_last_run === false && p.note === null')
tap "$([ "$v" = true ] && echo 0 || echo 1)" "its end line has a platform object with no last run ($v)"
rtt=$(end_field "$work/a.ndjson" 'p.line_rtt_ns')
mode=$(stat -c %a "$cache" 2>/dev/null)
kept=$(node -e '
	const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const b = f.baselines || [];
	console.log(b.length === 1 && b[0].line_rtt_ns > 0 && b[0].cpus.length === 2 && b[0].boot_id ? "yes" : "no");
' "$cache" 2>/dev/null)
tap "$([ "$kept" = yes ] && [ "$mode" = 600 ] && echo 0 || echo 1)" "the run left its baseline in \$IPCSCOPE_CACHE_DIR (mode $mode, line round trip $rtt ns)"

# 2. a baseline far from now: said in words in the text view
fake $FAR
run "$work/b.txt" bench pipe "${RUN[@]}"
rc=$?
grep -q "^! the platform moved since the last run 20 min ago: a cache-line round trip between CPUs [0-9]* and [0-9]* took .* then and .* now (.*× faster); figures from the two runs are not comparable" "$work/b.txt"
tap $? "text: a remembered round trip ${FAR}x this run's is said as a moved platform"
tap "$rc" "... and the run still succeeds"
grep '^!' "$work/b.txt" | sed 's/^/# /'

# 3. the same in NDJSON, on the end line and the comparison line
fake $FAR
run "$work/c.ndjson" compare pipe,unix "${RUN[@]}" --format ndjson
tap $? "a compare with a far baseline succeeds"
v=$(end_field "$work/c.ndjson" 'p.moved_since_last_run === true && p.ratio < 1 / 1.5 && p.last_line_rtt_ns > p.line_rtt_ns && typeof p.last_run_at === "string" && Math.abs(p.last_run_age_s - '$AGO_S') < 60 && /not comparable/.test(p.note)')
tap "$([ "$v" = true ] && echo 0 || echo 1)" "ndjson: the end line says the platform moved since the last run ($v)"
v=$(end_field "$work/c.ndjson" 'c && c.platform_moved_since_last_run === true')
tap "$([ "$v" = true ] && echo 0 || echo 1)" "ndjson: so does the comparison line ($v)"

# 4. a baseline that matches (the round trip the last run's first reps
# timed): nothing said. Other builds crowding the CPUs can stretch a round
# trip from one run to the next: two more tries, each against the round
# trip just timed, before failing
now=$(end_field "$work/c.ndjson" 'p.line_rtt_ns')
for try in 1 2 3; do
	fake "=$now"
	run "$work/d.ndjson" compare pipe,unix "${RUN[@]}" --format ndjson
	v=$(end_field "$work/d.ndjson" 'p.moved_since_last_run === false && p.note === null && p.last_line_rtt_ns > 0 && c.platform_moved_since_last_run === false')
	got=$(end_field "$work/d.ndjson" 'p.line_rtt_ns + " ns against " + p.last_line_rtt_ns')
	[ "$v" = true ] && break
	echo "# try $try: $got"
	now=$(end_field "$work/d.ndjson" 'p.line_rtt_ns')
done
tap "$([ "$v" = true ] && echo 0 || echo 1)" "ndjson: a matching baseline is no move ($v, $got)"
for try in 1 2 3; do
	fake "=$now"
	run "$work/e.txt" bench pipe "${RUN[@]}"
	grep -q 'platform moved since' "$work/e.txt" || break
	echo "# try $try: $(grep '^!' "$work/e.txt")"
	now=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).baselines[0].line_rtt_ns)' "$cache")
done
tap "$(timed "$work/e.txt" && ! grep -q 'platform moved since' "$work/e.txt" && echo 0 || echo 1)" "text: a matching baseline says nothing"

# 5. another boot's baseline, however far: a new baseline, not a move
fake $FAR "00000000-0000-0000-0000-000000000000"
run "$work/f.ndjson" bench pipe "${RUN[@]}" --format ndjson
v=$(end_field "$work/f.ndjson" 'p.moved_since_last_run === false && p.last_line_rtt_ns === null')
tap "$([ "$v" = true ] && echo 0 || echo 1)" "a baseline of another boot is not compared ($v)"

# 6. hostile cache files: the run succeeds, says no move, and leaves a good file
hostile() {
	local what=$1 v rc
	run "$work/h.ndjson" bench pipe "${RUN[@]}" --format ndjson
	rc=$?
	v=$(end_field "$work/h.ndjson" 'e.status === "ok" && p.moved_since_last_run === false && p.last_line_rtt_ns === null')
	tap "$([ $rc -eq 0 ] && [ "$v" = true ] && [ ! -s "$work/h.ndjson.err" ] && echo 0 || echo 1)" "a cache file of $what: the run succeeds, no move said ($rc, $v)"
}
printf 'garbage \001\377{{[' >"$cache"
hostile "garbage"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$cache"
sed -i '1s/^/{"baselines":[/' "$cache"
hostile "2 MB"
echo '{"version":"x","baselines":[{"host":1,"boot_id":[],"cpus":"0,1","line_rtt_ns":"131","at":null},{"host":"h","boot_id":"b","cpus":[0,0],"line_rtt_ns":-1,"at":1e400}],"x":{}}' >"$cache"
hostile "wrong types and bogus numbers"
node -e 'console.log("[".repeat(100000))' >"$cache"
hostile "deep nesting"
good=$(node -e '
	const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	console.log(f.baselines.length >= 1 && f.baselines[0].line_rtt_ns > 0 ? "yes" : "no");
' "$cache" 2>/dev/null)
tap "$([ "$good" = yes ] && echo 0 || echo 1)" "a run replaces a hostile file with a good one"
rm -f "$cache"
mkdir "$cache"
hostile "a directory in its place"
rmdir "$cache"
ln -s "$work/a.ndjson" "$cache"
hostile "a symlink in its place"
rm -f "$cache"
# a cache directory that cannot be made: a file where it should be
echo x >"$work/blocked"
IPCSCOPE_CACHE_DIR=$work/blocked/ipcscope hostile "an unwritable cache directory"

left=$(ls -A "$IPCSCOPE_CACHE_DIR" | grep -v -x -e platform.json -e platform.lock)
tap "$([ -z "$left" ] && echo 0 || echo 1)" "nothing but the file and its lock in the cache directory ($left)"
# the temp dir holds the user's private base of run directories
# (ipcscope.<uid>), which stays; nothing may be left in it or beside it
l=$(find "$work/tmp" -mindepth 1 ! -path "$work/tmp/ipcscope.$(id -u)"; pgrep -af "$work" | grep -v "^$$ ")
tap "$([ -z "$l" ] && echo 0 || echo 1)" "no run directory or process left ($l)"
tap_done
