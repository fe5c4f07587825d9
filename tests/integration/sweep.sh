#!/usr/bin/env bash
# sweep.sh -- the sweep of what dead runs left removes only ipcscope's own:
# another user's traps in the temp dir, a squatted base directory, a shm
# object of theirs and System V queues ipcscope did not make are left alone,
# while a dead run of this user's is still cleaned up. Runs as root, with the
# traps planted as nobody, in a sticky temp dir of its own.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! id nobody >/dev/null 2>&1 || ! command -v setpriv >/dev/null; then
	echo "ok 1 # skip needs root, the user nobody and setpriv"
	echo "1..1"
	exit 0
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/sweeptest.XXXXXX") || exit 1
chmod 1777 "$T"
queues=()
shm_theirs=
shm_ours=
cleanup() {
	for q in "${queues[@]}"; do ipcrm -q "$q" 2>/dev/null; done
	[ -n "$shm_theirs" ] && rm -f "$shm_theirs"
	[ -n "$shm_ours" ] && rm -f "$shm_ours"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
# pids no process has, from the top of the usual range down
dead=()
for ((p = 3999999; ${#dead[@]} < 7; p--)); do
	kill -0 "$p" 2>/dev/null || dead+=("$p")
done
# a queue made like the mechanisms make theirs (IPC_PRIVATE), and one with a key
private_queue() { perl -e 'my $q = msgget(0, 01000 | 0600); defined $q or exit 1; print "$q\n"'; }
keyed_queue() { ipcmk -Q 2>/dev/null | grep -o '[0-9]*$'; }
queue_there() { grep -qE "^ *[0-9-]+ +$1 " /proc/sysvipc/msg; }

# what a hostile local user points the sweep at
mkdir "$T/victim" && echo precious >"$T/victim/file"
q_root=$(private_queue) && queues+=("$q_root")
q_keyed=$(keyed_queue) && queues+=("$q_keyed")
p1=${dead[0]} p2=${dead[1]} p3=${dead[2]} p4=${dead[3]} p5=${dead[4]}
as_nobody ln -s "$T/victim" "$T/ipcscope-$p1-x"
as_nobody mkdir "$T/ipcscope-$p2-x"
as_nobody touch "$T/ipcscope-$p2-x/msqid-$q_root"
# the base name taken first, with the same traps inside
as_nobody mkdir -m 0777 "$T/ipcscope.0"
as_nobody ln -s "$T/victim" "$T/ipcscope.0/ipcscope-$p3-x"
as_nobody mkdir "$T/ipcscope.0/ipcscope-$p4-x"
as_nobody touch "$T/ipcscope.0/ipcscope-$p4-x/msqid-$q_keyed" "$T/ipcscope.0/ipcscope-$p4-x/msqid-$q_root"
shm_theirs=/dev/shm/ipcscope-$p5-theirs
as_nobody touch "$shm_theirs"

TMPDIR=$T "$IPCSCOPE" bench pipe --count 10 --reps 1 >"$T/run.out" 2>"$T/run.err"
rc=$?
tap $rc "a run beside the traps succeeds (exit $rc)"
traps_intact() {
	[ -f "$T/victim/file" ] && [ "$(cat "$T/victim/file")" = precious ] &&
		[ -L "$T/ipcscope-$p1-x" ] && [ -f "$T/ipcscope-$p2-x/msqid-$q_root" ] &&
		[ -L "$T/ipcscope.0/ipcscope-$p3-x" ] && [ -d "$T/ipcscope.0/ipcscope-$p4-x" ] &&
		[ -f "$shm_theirs" ]
}
traps_intact
tap $? "another user's links, directories and shm object are left alone"
queue_there "$q_root" && queue_there "$q_keyed"
tap $? "root's System V queues named in another user's directories are left alone"
[ -d "$T/ipcscope.0.1" ] && [ "$(stat -c '%u %a' "$T/ipcscope.0.1")" = "0 700" ]
tap $? "runs go to the next private base when another user holds the first ($(stat -c '%u %a' "$T/ipcscope.0.1" 2>&1))"
grep -q "ipcscope.0 is not a private directory" "$T/run.err"
tap $? "and say so on stderr"

# a dead run of our own in our base is still swept: its directory, its
# recorded IPC_PRIVATE queue, its shm object; a recorded queue with a key
# ipcscope never uses, and a link in the base, are not followed
p6=${dead[5]} p7=${dead[6]}
q_ours=$(private_queue) && queues+=("$q_ours")
q_foreign=$(keyed_queue) && queues+=("$q_foreign")
mkdir -m 0700 "$T/ipcscope.0.1/ipcscope-$p6-x"
touch "$T/ipcscope.0.1/ipcscope-$p6-x/msqid-$q_ours" "$T/ipcscope.0.1/ipcscope-$p6-x/msqid-$q_foreign"
# a tree inside (Open MPI's session files), with a link out of it
mkdir -p "$T/ipcscope.0.1/ipcscope-$p6-x/ompi/job/1"
touch "$T/ipcscope.0.1/ipcscope-$p6-x/ompi/job/1/contact"
ln -s "$T/victim" "$T/ipcscope.0.1/ipcscope-$p6-x/ompi/job/victim"
ln -s "$T/victim" "$T/ipcscope.0.1/ipcscope-$p7-x"
shm_ours=/dev/shm/ipcscope-$p6-ours
touch "$shm_ours"
TMPDIR=$T "$IPCSCOPE" bench pipe --count 10 --reps 1 >"$T/run.out" 2>"$T/run.err"
tap $? "a second run succeeds"
[ ! -e "$T/ipcscope.0.1/ipcscope-$p6-x" ] && [ ! -e "$shm_ours" ] && ! queue_there "$q_ours"
tap $? "a dead run of this user's is swept: directory with the tree in it, shm object, recorded queue"
queue_there "$q_foreign"
tap $? "a recorded queue with a key ipcscope does not use is left alone"
traps_intact && [ -L "$T/ipcscope.0.1/ipcscope-$p7-x" ]
tap $? "the traps and a link in the base are still untouched"

# the server sweeps at start: the same traps are still left alone
TMPDIR=$T timeout -k 3 10 "$IPCSCOPE" serve --port 0 --results-dir "$T/runs" >"$T/serve.out" 2>"$T/serve.err" &
spid=$!
for _ in $(seq 50); do grep -q 'http://127' "$T/serve.out" 2>/dev/null && break; sleep 0.1; done
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
grep -q 'http://127' "$T/serve.out" && traps_intact && queue_there "$q_root" && queue_there "$q_keyed"
tap $? "a starting server leaves the traps alone too"

# a base that is a link, or in a directory others can write without the
# sticky bit, is refused with a sentence naming it
U=$(mktemp -d "${TMPDIR:-/tmp}/sweeptest-open.XXXXXX")
chmod 0777 "$U"
out=$(TMPDIR=$U "$IPCSCOPE" bench pipe --count 10 --reps 1 2>&1)
rc=$?
rm -rf "$U"
[ "$rc" -ne 0 ] && [[ $out == *"$U/ipcscope.0 is not a private directory"* ]]
tap $? "a base in a world-writable, non-sticky directory is refused by name (exit $rc)"

for q in "${queues[@]}"; do ipcrm -q "$q" 2>/dev/null; done
queues=()
rm -f "$shm_theirs"
left=$(leftovers)
[ -z "$left" ]
tap $? "nothing left behind${left:+: $left}"
tap_done
