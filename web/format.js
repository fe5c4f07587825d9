// format.js -- numbers for people: one place that turns figures into text for every view
'use strict';

// fmtNum: 3 significant digits with an SI prefix (k, M, G)
export function fmtNum(v, unit = '') {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  const prefixes = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, p] of prefixes) {
    if (Math.abs(v) >= f) return `${(v / f).toPrecision(3)} ${p}${unit}`.replace(/\s+/g, ' ');
  }
  return `${Number(v.toPrecision(3))} ${unit}`.replace(/\s+/g, ' ').trim();
}

// fmtNs: a duration given in nanoseconds, in the unit that reads best
export function fmtNs(ns) {
  if (typeof ns !== 'number' || !Number.isFinite(ns)) return '–';
  if (ns >= 1e9) return `${(ns / 1e9).toPrecision(3)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toPrecision(3)} µs`;
  return `${Number(ns.toPrecision(3))} ns`;
}

// fmtBytes: a message size, 1024-based like the API's K/M suffixes
export function fmtBytes(b) {
  if (b >= 1048576 && b % 1048576 === 0) return `${b / 1048576} MiB`;
  if (b >= 1024 && b % 1024 === 0) return `${b / 1024} KiB`;
  return `${b} B`;
}

