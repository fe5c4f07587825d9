#!/usr/bin/env bash
# install.sh -- the version ipcscope reports, and ipcscope installed: make
# install into a temporary DESTDIR, the installed binary run from another
# directory with no checkout in reach, its man page and completion, make
# uninstall
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/installtest.XXXXXX")
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# --- the version --------------------------------------------------------------
want=$("$top/scripts/version.sh")
got=$("$IPCSCOPE" --version)
tap "$([ "$got" = "ipcscope $want" ]; echo $?)" \
	"--version prints the version scripts/version.sh gives ('$got', want 'ipcscope $want'; a binary built before the last commit or edit is stale: make)"
[[ $want =~ ^[0-9]+\.[0-9]+\.[0-9]+(\+[0-9]+\.g[0-9a-f]{7,})?(\.dirty)?$ ]]
tap $? "in a git checkout the version is VERSION or the newest tag, the commit count and hash ('$want')"
sys=$("$IPCSCOPE" sysinfo | awk '$1 == "ipcscope_version" {print $2}')
sysj=$("$IPCSCOPE" sysinfo --format json | node -e \
	'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ipcscope_version))')
tap "$([ "$sys" = "$want" ] && [ "$sysj" = "$want" ]; echo $?)" \
	"sysinfo names the version, as text and as JSON ('$sys', '$sysj')"

# with no git history of its own (a tarball, or a tree inside another
# repository) the version is the VERSION file's
mkdir -p "$work/src/scripts" "$work/repo/src/scripts"
cp "$top/scripts/version.sh" "$work/src/scripts/"
echo 7.8.9 >"$work/src/VERSION"
cp -r "$work/src/." "$work/repo/src/"
git -C "$work/repo" init -q 2>/dev/null
v1=$(cd / && "$work/src/scripts/version.sh" 2>&1)
v2=$("$work/repo/src/scripts/version.sh" 2>&1)
tap "$([ "$v1" = 7.8.9 ] && [ "$v2" = 7.8.9 ]; echo $?)" \
	"with no git history of its own the version is the VERSION file's ('$v1', '$v2')"
# a tag vX.Y.Z gives the number: alone at the tagged commit, then with the
# commits since and the hash; an edit makes it .dirty
if command -v git >/dev/null; then
	g=$work/tagged
	mkdir -p "$g/scripts" && cp "$top/scripts/version.sh" "$g/scripts/" && echo 1.0.0 >"$g/VERSION"
	gitq() { git -C "$g" -c user.name=t -c user.email=t@t "$@" >/dev/null 2>&1; }
	gitq init && gitq add -A && gitq commit -m one && gitq tag v2.3.4
	t1=$("$g/scripts/version.sh")
	echo more >"$g/file" && gitq add file && gitq commit -m two
	t2=$("$g/scripts/version.sh")
	h=$(git -C "$g" rev-parse --short=7 HEAD)
	echo edit >>"$g/file"
	t3=$("$g/scripts/version.sh")
	tap "$([ "$t1" = 2.3.4 ] && [ "$t2" = "2.3.4+1.g$h" ] && [ "$t3" = "2.3.4+1.g$h.dirty" ]; echo $?)" \
		"a tag names the version: '$t1' at the tag, '$t2' a commit later, '$t3' edited"
fi
echo 'v7' >"$work/src/VERSION"
"$work/src/scripts/version.sh" >/dev/null 2>"$work/badver.err"
tap "$([ $? -ne 0 ] && grep -q 'VERSION does not start with a digit' "$work/badver.err"; echo $?)" \
	"a VERSION that does not start with a digit is refused, naming the file"

# --- make install, the installed binary, make uninstall ----------------------
# make install copies bin/ipcscope; the sanitizer build is not installed
if [ "${ASAN:-0}" = 1 ]; then
	tap_done
	exit
fi
root=$work/root
make -s -C "$top" install DESTDIR="$root" PREFIX=/usr >"$work/install.out" 2>&1
tap $? "make install DESTDIR=... PREFIX=/usr succeeds ($(tail -c 300 "$work/install.out"))"
inst=$root/usr/bin/ipcscope
missing=
for f in usr/bin/ipcscope usr/libexec/ipcscope/ipcscope-mpi; do
	[ -x "$root/$f" ] || missing="$missing $f"
done
for f in usr/share/man/man1/ipcscope.1.gz usr/share/bash-completion/completions/ipcscope; do
	[ -f "$root/$f" ] || missing="$missing $f"
done
tap "$([ -z "$missing" ]; echo $?)" "make install puts the binary, the mpi ranks' binary, the man page and the bash completion under PREFIX (missing:${missing:- none})"

# the man page renders, and groff and man find nothing to warn about
page=$root/usr/share/man/man1/ipcscope.1.gz
rendered=$(MANWIDTH=80 man --warnings=all -l "$page" 2>"$work/man.err")
rc=$?
zcat "$page" | groff -man -Tutf8 -wall -z 2>>"$work/man.err"
tap "$([ $rc -eq 0 ] && [ ! -s "$work/man.err" ] && [[ $rendered == *"ipcscope - how fast"* ]] &&
	[[ $rendered == *"--results-dir DIR"* ]]; echo $?)" \
	"man -l renders the installed man page without warnings ($(head -c 300 "$work/man.err"))"

# the completion: sourced in bash, _ipcscope called as bash calls it
compfile=$root/usr/share/bash-completion/completions/ipcscope
# comp WORD...: what completes the last word of the command line WORD...
comp() {
	bash --norc -c '. "$1" || exit 1; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_ipcscope; printf "%s\n" "${COMPREPLY[@]}"' _ "$compfile" "$@" | sort | tr '\n' ' '
}
# check DESCRIPTION WANT WORD...: the completions are exactly WANT (sorted)
check() {
	local what=$1 want got
	want=$(echo "$2" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
	shift 2
	got=$(comp "$@")
	tap "$([ "$got" = "$want" ]; echo $?)" "completion: $what (got '$got', want '$want')"
}
mechs=$("$IPCSCOPE" list --format json | node -e \
	'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(m=>m.name).join(" ")))')
demos=$("$IPCSCOPE" demo --help | awk '/^  [a-z]/ {print $1}' | tr '\n' ' ')
check "the commands" "serve bench compare sweep demo list sysinfo peer lab diff --help --version" ipcscope ""
check "bench's mechanism is one of 'ipcscope list'" "$mechs" ipcscope bench ""
check "a flag" "--mode" ipcscope bench pipe --mo
check "a flag's values" "throughput latency" ipcscope bench pipe --mode ""
check "a mechanism option's values" "spin sem mutex futex" ipcscope bench shm --sync ""
check "the values of an option two mechanisms declare" "ipc tcp unix" ipcscope compare zmq,grpc --transport ""
check "the last item of compare's list" "pipe,udp pipe,unix pipe,unix-dgram pipe,uring pipe,uring-msg" ipcscope compare pipe,u
check "the demos" "$demos" ipcscope demo ""
check "a demo of jobs takes the params of a run" "--mode" ipcscope demo sync-tax --mo
check "a demo with params of its own takes those" "--procs --adds --format --help" ipcscope demo race --
check "serve's flags" "--per-client --port" ipcscope serve --p
mkdir -p "$work/elsewhere"
check "a directory for --results-dir" "$work/elsewhere" ipcscope serve --results-dir "$work/elsew"

# from another directory, with HOME elsewhere and the checkout out of PATH;
# as root, in a mount namespace of its own where an empty tmpfs hides the
# checkout, so that nothing in it can be found
mkdir -p "$work/elsewhere" "$work/home"
hide=()
where="another directory"
if [ "$(id -u)" = 0 ] && unshare -m --propagation private true 2>/dev/null; then
	hide=(unshare -m --propagation private sh -c 'mount -t tmpfs -o size=1m none "$0" && exec "$@"' "$top")
	where="another directory, the checkout hidden"
fi
# run_inst ARG...: the installed binary, its pid kept in $work/pids
run_inst() {
	(cd "$work/elsewhere" && env HOME="$work/home" XDG_STATE_HOME= PATH=/usr/bin:/bin \
		"${hide[@]}" timeout 120 sh -c 'echo $$ >>"$0"; exec "$@"' "$work/pids" "$inst" "$@")
}
out=$(run_inst bench pipe --count 1000 --reps 1 2>&1)
tap "$([ $? -eq 0 ] && [[ $out == *"ok in "* ]]; echo $?)" \
	"the installed binary runs 'bench pipe --count 1000 --reps 1' from $where ($(echo "$out" | tail -1))"
out=$(run_inst demo race 2>&1)
tap "$([ $? -eq 0 ] && [[ $out == *"ok in "* ]]; echo $?)" \
	"the installed binary runs 'demo race' from $where ($(echo "$out" | tail -1))"
if command -v mpirun >/dev/null; then
	out=$(run_inst bench mpi --count 200 --reps 1 2>&1)
	tap "$([ $? -eq 0 ] && [[ $out == *"ok in "* ]]; echo $?)" \
		"the installed binary finds its mpi ranks' binary in PREFIX/libexec/ipcscope, from $where ($(echo "$out" | tail -1))"
else
	echo "ok $((tap_n + 1)) # SKIP no mpirun (openmpi-bin)"
	tap_n=$((tap_n + 1))
fi
out=$(run_inst bench node --count 200 --reps 1 2>&1)
tap "$([ $? -eq 0 ] && [[ $out == *"ok in "* ]]; echo $?)" \
	"the installed binary runs the node mechanism (its script built in) from $where ($(echo "$out" | tail -1))"

# what those runs made (named by their pid) is gone
left=
for p in $(cat "$work/pids"); do
	left="$left$(leftovers | grep -E "ipcscope-$p([^0-9]|\$)")"
done
tap "$([ -z "$left" ]; echo $?)" "the installed binary's runs leave nothing behind (${left:-nothing left})"

# serve started in / keeps its runs under HOME, and serves the page
(cd / && exec env HOME="$work/home" XDG_STATE_HOME= "$inst" serve --port 0 \
	>"$work/serve.out" 2>"$work/serve.err") &
srv=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's|^ipcscope: serving on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$work/serve.out")
	[ -n "$port" ] && break
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.1
done
# get PATH: the body of a GET of PATH from that server (20 s at most)
get() {
	node -e 'fetch(process.argv[1], { signal: AbortSignal.timeout(20000) })
		.then((r) => r.text()).then((t) => process.stdout.write(t), () => process.exit(1))' \
		"http://127.0.0.1:$port$1"
}
health=$(get /api/health)
page=$(get /)
end=$(get "/api/bench/pipe?count=1000&reps=1" | tail -1)
tap "$([[ $health == *"\"version\":\"$want\""* ]] && [[ $page == *"<html"* ]] && \
	[[ $end == *'"status":"ok"'* ]]; echo $?)" \
	"the installed 'ipcscope serve' started in / answers /api/health, serves the page and runs a bench ($health; $end)"
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
srv=
stored=$(ls "$work/home/.local/state/ipcscope/results" 2>/dev/null | tr '\n' ' ')
tap "$([[ $stored == *r1.ndjson* ]] && [ ! -e /results ]; echo $?)" \
	"its runs are kept in ~/.local/state/ipcscope/results, not in the working directory ($stored)"
# with XDG_STATE_HOME set, there
(cd / && exec env HOME="$work/home" XDG_STATE_HOME="$work/state" "$inst" serve --port 0 \
	>"$work/serve2.out" 2>"$work/serve2.err") &
srv=$!
for _ in $(seq 100); do
	grep -q 'serving on' "$work/serve2.out" 2>/dev/null && break
	kill -0 "$srv" 2>/dev/null || break
	sleep 0.1
done
kill "$srv" 2>/dev/null
wait "$srv" 2>/dev/null
srv=
tap "$([ -d "$work/state/ipcscope/results" ]; echo $?)" \
	"with XDG_STATE_HOME set its runs go to \$XDG_STATE_HOME/ipcscope/results ($(head -c 200 "$work/serve2.err"))"

make -s -C "$top" uninstall DESTDIR="$root" PREFIX=/usr >"$work/uninstall.out" 2>&1
rc=$?
left=$(find "$root" -type f -o -type l | sed "s|^$root||" | tr '\n' ' ')
tap "$([ $rc -eq 0 ] && [ -z "$left" ]; echo $?)" "make uninstall removes every file make install put there (left: ${left:-none})"

tap_done
