// format.js -- numbers for people: the one place that turns figures into text,
// for chart ticks, tooltips, tables, statuses and exports' titles
'use strict';

const SIG = 3;                       // significant digits shown
const SI = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
const KIB = 1024;
const MIB = 1048576;
const GIB = 1073741824;

// sig: v to SIG significant digits, as plain decimals (never 1.23e+3)
export function sig(v, digits = SIG) {
  if (!Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  const r = Number(v.toPrecision(digits));
  if (Math.abs(r) < 1e-3) return r > 0 ? '< 0.001' : '> -0.001';
  return sigFormat(digits).format(r);
}

// sigFormat: one number format per digit count (making one is far slower
// than using it, and a redraw formats hundreds of ticks and cells)
const SIG_FORMATS = new Map();
function sigFormat(digits) {
  if (!SIG_FORMATS.has(digits)) SIG_FORMATS.set(digits, new Intl.NumberFormat('en-US', { maximumSignificantDigits: digits, useGrouping: false }));
  return SIG_FORMATS.get(digits);
}

// fmtNum: 3 significant digits with an SI prefix: "757 k msg/s", "1.2 GB/s"
export function fmtNum(v, unit = '') {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const u = unit.trim();
  const joined = /^B\b/.test(u);           // "GB/s", but "k msg/s"
  for (const [f, p] of SI) {
    if (Math.abs(v) >= f * 0.9995) return `${sig(v / f)} ${p}${joined ? '' : ' '}${u}`.trim();
  }
  return `${sig(v)} ${u}`.trim();
}

// fmtNs: a duration given in nanoseconds, in the unit that reads best: "80 ns", "7.85 s"
export function fmtNs(ns) {
  if (typeof ns !== 'number' || !Number.isFinite(ns)) return '–';
  const a = Math.abs(ns);
  if (a >= 3600e9) return `${sig(ns / 3600e9)} h`;
  if (a >= 60e9 * 1.5) return `${sig(ns / 60e9)} min`;
  if (a >= 1e9 * 0.9995) return `${sig(ns / 1e9)} s`;
  if (a >= 1e6 * 0.9995) return `${sig(ns / 1e6)} ms`;
  if (a >= 1e3 * 0.9995) return `${sig(ns / 1e3)} µs`;
  return `${sig(ns)} ns`;
}

// fmtSeconds: a duration given in seconds
export function fmtSeconds(s) {
  return typeof s === 'number' ? fmtNs(s * 1e9) : '–';
}

// fmtBytes: a size, 1024-based like the API's K/M suffixes: "64 B", "4 KiB", "1.5 MiB"
export function fmtBytes(b) {
  if (typeof b !== 'number' || !Number.isFinite(b)) return '–';
  if (Math.abs(b) >= GIB) return `${sig(b / GIB)} GiB`;
  if (Math.abs(b) >= MIB) return `${sig(b / MIB)} MiB`;
  if (Math.abs(b) >= KIB && b % KIB === 0) return `${b / KIB} KiB`;
  if (Math.abs(b) >= 10 * KIB) return `${sig(b / KIB)} KiB`;
  return `${sig(b, 4)} B`;
}

const PCT_FLOOR = 0.1;                // below this a share reads "< 0.1 %"

// fmtPct: a percentage: "12.3 %", "0.44 %", "< 0.1 %"
export function fmtPct(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (v > 0 && v < PCT_FLOOR) return `< ${PCT_FLOOR} %`;
  return `${sig(v, Math.abs(v) < 1 ? 2 : SIG)} %`;
}

// fmtTimes: a plain ratio: "22×", "0.055×"
export function fmtTimes(r) {
  return typeof r === 'number' && Number.isFinite(r) && r > 0 ? `${sig(r)}×` : '–';
}

const SAME_BAND = 0.005;

// ratioWords: a ratio against a baseline in words, "22× slower" or "1.5× faster";
// higherIsBetter says whether the figure is a rate (msgs/s) or a time (latency)
export function ratioWords(r, higherIsBetter = true) {
  if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0) return '–';
  if (Math.abs(r - 1) < SAME_BAND) return 'same';
  const better = higherIsBetter ? r > 1 : r < 1;
  const f = r >= 1 ? r : 1 / r;
  return `${sig(f)}× ${better ? 'faster' : 'slower'}`;
}

// METRICS: every figure the page charts or tabulates, with its plain name,
// its formatter and which direction is better
export const METRICS = {
  msgs_per_s: { name: 'msgs/s', long: 'messages per second', fmt: (v) => fmtNum(v, 'msg/s'), higher: true },
  bytes_per_s: { name: 'bytes/s', long: 'bytes per second', fmt: (v) => fmtNum(v, 'B/s'), higher: true },
  latency_p50_ns: { name: 'p50 latency', long: 'median one-way latency', fmt: fmtNs, higher: false },
  latency_p90_ns: { name: 'p90 latency', long: '90th percentile latency', fmt: fmtNs, higher: false },
  latency_p99_ns: { name: 'p99 latency', long: '99th percentile latency', fmt: fmtNs, higher: false },
  latency_p999_ns: { name: 'p99.9 latency', long: '99.9th percentile latency', fmt: fmtNs, higher: false },
  latency_mean_ns: { name: 'mean latency', long: 'mean one-way latency', fmt: fmtNs, higher: false },
  elapsed_s: { name: 'time per rep', long: 'time per rep', fmt: fmtSeconds, higher: false },
  wall_s: { name: 'wall time', long: 'wall time', fmt: fmtSeconds, higher: false },
};

// metricInfo: METRICS[key], or a readable stand-in for a figure the page does not know
export function metricInfo(key) {
  if (METRICS[key]) return METRICS[key];
  const k = String(key || '');
  const name = k.replace(/_per_s$/, '/s').replace(/_ns$/, '').replace(/_/g, ' ');
  const fmt = k.endsWith('_ns') ? fmtNs : k.endsWith('_s') && !k.endsWith('per_s') ? fmtSeconds : (v) => fmtNum(v);
  return { name, long: name, fmt, higher: !/_ns$|_s$|lost|errors/.test(k) || k.endsWith('per_s') };
}

// betterNote: the note every chart carries
export function betterNote(higher) {
  return higher ? 'higher is better' : 'lower is better';
}

// plural: "1 rep", "3 reps"
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
