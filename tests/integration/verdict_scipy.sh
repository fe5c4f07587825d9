#!/usr/bin/env bash
# verdict_scipy.sh -- the ratio interval of a comparison against an independent
# implementation: on the 20 sample pairs of verdict_pairs.txt, scipy's exact
# wilcoxon (paired) and mannwhitneyu (unpaired) give the same p-value of a ratio
# of 1 to 1e-6; numpy gives the same Hodges-Lehmann estimate; and scipy's test,
# shifted to each end of the interval, rejects just outside it (at exactly
# 1 - level) and accepts just inside it
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tool=$top/bin/tests/verdict_pairs
[ "${ASAN:-0}" = 1 ] && tool=$top/bin/tests-asan/verdict_pairs

# the Debian python3-scipy lives with the system python
py=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import scipy.stats' 2>/dev/null; then
		py=$p
		break
	fi
done
if [ -z "$py" ]; then
	echo "not ok 1 - python3 with scipy (Debian python3-scipy, scripts/deps.sh test)"
	exit 1
fi
if ! out=$("$tool" "$here/verdict_pairs.txt"); then
	echo "not ok 1 - $tool ran over verdict_pairs.txt"
	exit 1
fi
printf '%s\n' "$out" | "$py" -c '
import math, sys
import numpy as np
from scipy.stats import mannwhitneyu, wilcoxon

ALPHA = 0.05
pairs = {}
for line in open(sys.argv[1]):
    if line.startswith("#") or not line.strip():
        continue
    name, kind, a, b = line.split()
    pairs[name] = (kind, np.log([float(x) for x in a.split(",")]),
                   np.log([float(x) for x in b.split(",")]))
n = 0
seen = set()

def tap(good, what):
    global n
    n += 1
    print(("ok" if good else "not ok") + " %d - %s" % (n, what))

for line in sys.stdin:
    name, method, est, lo, hi, level, p = line.split()
    est, lo, hi, level, p = map(float, (est, lo, hi, level, p))
    kind, la, lb = pairs[name]
    seen.add(name)
    if kind == "paired":
        d = la - lb
        p_at = lambda t: wilcoxon(d - t, method="exact").pvalue
        est_ref = math.exp(np.median([(d[i] + d[j]) / 2 for i in range(len(d))
                                      for j in range(i, len(d))]))
    else:
        p_at = lambda t: mannwhitneyu(la - t, lb, method="exact").pvalue
        est_ref = math.exp(np.median(np.subtract.outer(la, lb)))
    p_ref = p_at(0.0)
    why = []
    if abs(p - p_ref) > 1e-6:
        why.append("p %.9g, scipy %.9g" % (p, p_ref))
    if abs(est / est_ref - 1) > 1e-9:
        why.append("estimate %.9g, numpy %.9g" % (est, est_ref))
    if method == "none":
        # no 95 %% interval: not even the most extreme shift is rejected
        far = 1 + np.max(np.abs(np.concatenate([la, lb])))
        if p_at(far) <= ALPHA:
            why.append("no interval, yet scipy rejects a far shift")
    else:
        for end, out in ((lo, -1), (hi, 1)):
            t = math.log(end)
            eps = 1e-7 * max(1, abs(t))
            p_out, p_in = p_at(t + out * eps), p_at(t - out * eps)
            if not (p_out <= ALPHA < p_in):
                why.append("end %.9g: scipy p %.6g outside, %.6g inside" % (end, p_out, p_in))
            if abs(p_out - (1 - level)) > 1e-6:
                why.append("level %.9g, scipy 1 - p %.9g" % (level, 1 - p_out))
    tap(not why, "%s (%s): p-value, estimate and interval agree with scipy%s"
        % (name, method, "; " + "; ".join(why) if why else ""))
tap(seen == set(pairs) and len(pairs) == 20, "all 20 pairs of verdict_pairs.txt were checked")
' "$here/verdict_pairs.txt"
