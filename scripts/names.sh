#!/usr/bin/env bash
# names.sh -- checks that the C sources' names are each the name of one
# thing: no two source files of workers/ and server/ share a basename (a .c
# with a .c, a .h with a .h), no two `struct X {` definitions share X, and
# every function an object of workers/ or server/ exports is used by
# another object or named by a test (else it is file-local: static).
# Prints each fault and exits 1 when there is one, else prints a one-line
# summary and exits 0.
# usage: scripts/names.sh [TOP [OBJ]]
#   TOP: the tree to check (default: this one); OBJ: its built objects
#   (default TOP/obj); with no objects there the exports are not checked
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
obj=${2:-obj}
faults=0
fault() {
	printf '%s\n' "$1"
	faults=$((faults + 1))
}

sources=$(find workers server -name '*.[ch]' | sort)
[ -n "$sources" ] || { echo "no sources under $top"; exit 2; }

# basenames: x.c beside x.h is one module, two x.c are two things
for ext in c h; do
	dups=$(grep "\.$ext\$" <<<"$sources" | awk -F/ '{print $NF}' | sort | uniq -d)
	for d in $dups; do
		fault "file: $d is the name of $(grep "/$d\$" <<<"$sources" | tr '\n' ' ')"
	done
done

# structs: a definition is "struct X {" (also after typedef/static)
# shellcheck disable=SC2086
defs=$(grep -HnE '(^|[^A-Za-z0-9_])struct[[:space:]]+[A-Za-z_][A-Za-z0-9_]*[[:space:]]*\{' $sources |
	sed -nE 's/^([^:]*:[0-9]+):.*struct[[:space:]]+([A-Za-z_][A-Za-z0-9_]*)[[:space:]]*\{.*/\2 \1/p')
nstructs=$(awk 'NF' <<<"$defs" | wc -l)
for d in $(awk '{print $1}' <<<"$defs" | sort | uniq -d); do
	fault "struct: struct $d is defined in $(awk -v n="$d" '$1 == n {print $2}' <<<"$defs" | tr '\n' ' ')"
done

# exports: defined text symbols of workers/ and server/ objects, each
# needed by another object (an undefined reference there) or named by a
# test's source; main is the program's
nexports=0
if [ -d "$obj/workers" ] && [ -d "$obj/server" ]; then
	# the objects of sources that exist (an object left from a source
	# since moved or removed is not the tree's), and the generated ones
	objs=$(find "$obj" -name '*.o' | sort | while read -r o; do
		rel=${o#"$obj"/}
		case $rel in
		workers/* | server/*) [ -f "${rel%.o}.c" ] && echo "$o" ;;
		*) echo "$o" ;;
		esac
	done)
	ours=$(grep -E "^$obj/(workers|server)/" <<<"$objs")
	tests=$(find tests -name '*.c' 2>/dev/null)
	# "O object" per object, "T sym" per export, "U sym" per reference
	# shellcheck disable=SC2086
	report=$(nm -A -g $objs 2>/dev/null | awk -v ours="$(tr '\n' ' ' <<<"$ours")" '
		BEGIN { n = split(ours, o, " "); for (i = 1; i <= n; i++) mine[o[i]] = 1 }
		{
			# "file:addr T sym" or "file: U sym" (no address)
			f = $1; sub(/:.*/, "", f)
			if ($(NF-1) == "T" && (f in mine)) def[$NF] = def[$NF] " " f
			else if ($(NF-1) == "U") use[$NF] = use[$NF] " " f
		}
		END {
			for (s in def) {
				if (s == "main") continue
				print "X", s, def[s]
				if (!(s in use)) print "N", s, def[s]
			}
		}')
	nexports=$(grep -c '^X ' <<<"$report")
	while read -r _ sym where; do
		[ -n "$sym" ] || continue
		# shellcheck disable=SC2086
		if [ -n "$tests" ] && grep -qw -- "$sym" $tests; then
			continue
		fi
		fault "export: $sym (${where# }) is used by no other object nor test: make it static"
	done < <(grep "^N " <<<"$report" | sort)
else
	echo "# no objects in $obj: exports not checked"
fi

if [ "$faults" -gt 0 ]; then
	echo "$faults name faults"
	exit 1
fi
echo "$(wc -l <<<"$sources") files, $nstructs struct definitions, $nexports exports: each name names one thing"
