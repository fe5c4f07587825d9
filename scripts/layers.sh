#!/usr/bin/env bash
# layers.sh -- checks that the C sources' includes point one way: every
# file of workers/ sits in a folder that is a layer, a file includes only
# files of its own layer or of layers below it, and no files (a module: x.c
# with x.h) nor folders include each other in a circle. Prints each fault
# and exits 1 when there is one, else prints a one-line summary and exits 0.
# usage: scripts/layers.sh [TOP]   TOP: the tree to check (default: this one)
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2

# The layers, lowest first (README, Architecture, draws them; each
# folder's README says what it is and what it may use). A folder of
# workers/ that is not named here is a fault: a new folder takes its place
# in this line. server/ is the HTTP face over the engine; mpi/ is the
# mpi mechanism's rank binary, built on the engine's lower layers.
LAYERS="base probe net stats mech params rep out run demos cli mpi server"

# What server/ may include of workers/: the engine's face (commands,
# catalogues, version), the params parser's face, two runs compared, a
# run's post to a class board and the error helper
SERVER_MAY="workers/cli/engine.h workers/params/params_request.h workers/stats/diff.h workers/net/board_client.h workers/base/error.h"

# edges: "FROM TO" per quoted include that names a file of the tree (looked
# up beside the including file, then from workers/ as the build does with
# -Iworkers); generated and system headers are not the tree's. One grep
# over every file; the paths are resolved in awk, with no process per line.
edges() {
	local files
	files=$(ls workers/*.[ch] workers/*/*.[ch] workers/*/*/*.[ch] server/*.[ch] 2>/dev/null)
	[ -n "$files" ] || return
	{
		printf 'F %s\n' $files
		# shellcheck disable=SC2086
		grep -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files |
			sed -n 's/^\([^:]*\):[^"]*"\([^"]*\)".*/I \1 \2/p'
	} | awk '
	function norm(path,   p, n, i, out, k, r) {
		n = split(path, p, "/")
		k = 0
		for (i = 1; i <= n; i++) {
			if (p[i] == "." || p[i] == "")
				continue
			if (p[i] == ".." && k > 0 && out[k] != "..") {
				k--
				continue
			}
			out[++k] = p[i]
		}
		r = ""
		for (i = 1; i <= k; i++)
			r = r (i > 1 ? "/" : "") out[i]
		return r
	}
	$1 == "F" { have[$2] = 1; next }
	$1 == "I" {
		d = $2
		sub(/\/[^\/]*$/, "", d)
		t = norm(d "/" $3)
		if (!(t in have))
			t = norm("workers/" $3)
		if (t in have)
			print $2, t
	}'
}

edges | awk -v layers="$LAYERS" -v server_may="$SERVER_MAY" '
function layer_of(path,   p) {
	if (path ~ /^server\//)
		return "server"
	n = split(path, p, "/")
	if (n < 3)
		return ""           # a file directly in workers/: in no layer
	return p[2]
}
function module_of(path) {
	sub(/\.[ch]$/, "", path)
	return path
}
# Tarjan: strongly connected components of the graph in adj[]/nadj[]
function strong(v,   i, w) {
	index_of[v] = low[v] = ++counter
	stack[++sp] = v
	on[v] = 1
	for (i = 1; i <= nadj[v]; i++) {
		w = adj[v, i]
		if (!(w in index_of)) {
			strong(w)
			if (low[w] < low[v]) low[v] = low[w]
		} else if (on[w] && index_of[w] < low[v]) {
			low[v] = index_of[w]
		}
	}
	if (low[v] == index_of[v]) {
		comp = ""
		size = 0
		do {
			w = stack[sp--]
			on[w] = 0
			comp = w (comp == "" ? "" : " ") comp
			size++
		} while (w != v)
		if (size > 1) {
			printf "circle: %s %s include each other\n", kind, comp
			faults++
		}
	}
}
function circles(   v) {
	split("", index_of); split("", low); split("", on); split("", stack)
	sp = counter = 0
	for (v in nodes)
		if (!(v in index_of))
			strong(v)
}
BEGIN {
	ns = split(server_may, sm, " ")
	for (i = 1; i <= ns; i++)
		may[sm[i]] = 1
	nl = split(layers, l, " ")
	for (i = 1; i <= nl; i++)
		rank[l[i]] = i
}
{
	from = $1; to = $2
	lf = layer_of(from); lt = layer_of(to)
	for (k = 1; k <= 2; k++) {
		f = (k == 1) ? from : to
		lk = (k == 1) ? lf : lt
		if (!(lk in rank) && !(f in unplaced)) {
			unplaced[f] = 1
			printf "no layer: %s is in no folder named in LAYERS (scripts/layers.sh)\n", f
			faults++
		}
	}
	if ((lf in rank) && (lt in rank) && rank[lt] > rank[lf]) {
		printf "upward: %s (%s) includes %s (%s, a layer above)\n", from, lf, to, lt
		faults++
	}
	if (lf == "server" && to ~ /^workers\// && !(to in may)) {
		printf "server: %s includes %s; server/ reaches the engine through %s only\n", from, to, server_may
		faults++
	}
	ncount++
	mf = module_of(from); mt = module_of(to)
	if (mf != mt && !((mf, mt) in medge)) {
		medge[mf, mt] = 1
		mlist[++nm] = mf SUBSEP mt
	}
	if (lf != lt && !((lf, lt) in fedge)) {
		fedge[lf, lt] = 1
		flist[++nf] = lf SUBSEP lt
	}
}
END {
	faults += 0
	# circles among modules
	split("", adj); split("", nadj); split("", nodes)
	for (i = 1; i <= nm; i++) {
		split(mlist[i], e, SUBSEP)
		nodes[e[1]] = nodes[e[2]] = 1
		adj[e[1], ++nadj[e[1]]] = e[2]
	}
	kind = "files"
	circles()
	# circles among folders
	split("", adj); split("", nadj); split("", nodes)
	for (i = 1; i <= nf; i++) {
		split(flist[i], e, SUBSEP)
		nodes[e[1]] = nodes[e[2]] = 1
		adj[e[1], ++nadj[e[1]]] = e[2]
	}
	kind = "folders"
	circles()
	if (ncount == 0) {
		print "no includes found: not a tree of ipcscope?"
		exit 1
	}
	if (faults) {
		printf "%d fault(s) in %d includes\n", faults, ncount
		exit 1
	}
	printf "%d includes, layers %s: all point down, no circles\n", ncount, layers
}'
