// demo-points.js -- the chart of a demo that runs its own experiment: its
// "point" lines drawn as the start line's chart hint asks (bar, stacked,
// line or table; see docs/API.md)
'use strict';

import { fmtNum, fmtNs, fmtSeconds, fmtBytes, fmtPct, metricInfo } from './format.js';
import { colourFor, pointStyleFor, dashFor, axis, categoryAxis, logAxis, chartOptions, tableHtml, WITH_WHISKERS, ranged, whiskerStyle, rangeNote } from './chart-kit.js';
import { median } from './model.js';

const LOG_SPREAD = 50;          // bars go on a log axis when they span more than this
const WHISKER_ROOM = 1.05;      // headroom above the highest whisker

// FIGURES: how each figure of a point reads, and whether more is better
const FIGURES = {
  // tick: the axis's own numbers, without the unit its title names
  increments_per_s: { name: 'increments/s', fmt: (v) => fmtNum(v, 'increments/s'), tick: (v) => fmtNum(v), higher: true },
  msgs_per_s: { name: 'messages/s', fmt: (v) => fmtNum(v, 'msg/s'), tick: (v) => fmtNum(v), higher: true },
  adds_per_s: { name: 'adds/s', fmt: (v) => fmtNum(v, 'adds/s'), tick: (v) => fmtNum(v), higher: true },
  bytes_per_s: { name: 'bytes/s', fmt: (v) => fmtNum(v, 'B/s'), higher: true },
  // the parts of one stacked bar: blue, orange, green, far apart in hue and
  // each at least 3:1 against black and white (projector and page)
  encode_us: { name: 'encode', fmt: (v) => fmtNs(v * 1e3), higher: false, colour: '#2e64c0' },
  decode_us: { name: 'decode', fmt: (v) => fmtNs(v * 1e3), higher: false, colour: '#c45a00' },
  transport_us: { name: 'transport', fmt: (v) => fmtNs(v * 1e3), higher: false, colour: '#2b8a3e' },
  cpu_us: { name: 'CPU per record', fmt: (v) => fmtNs(v * 1e3), higher: false },
  latency_p50_ns: { name: 'p50 one-way', fmt: fmtNs, higher: false },
  elapsed_s: { name: 'time', fmt: fmtSeconds, higher: false },
  cpu_s_per_gb: { name: 'CPU per GB', fmt: fmtSeconds, higher: false },
  cpu_pct: { name: 'CPU', fmt: fmtPct, higher: false },
  cpu_share_a: { name: 'CPU share A', fmt: (v) => fmtPct(100 * v), higher: true },
  cpu_share_b: { name: 'CPU share B', fmt: (v) => fmtPct(100 * v), higher: true },
  wire_bytes: { name: 'bytes on the wire', fmt: fmtBytes, higher: false },
  lost: { name: 'lost updates', fmt: (v) => fmtNum(v), higher: false },
  pid: { name: 'pid', fmt: String, higher: true },
  uid: { name: 'uid', fmt: String, higher: true },
  gid: { name: 'gid', fmt: String, higher: true },
};

export function figureInfo(key) {
  if (FIGURES[key]) return FIGURES[key];
  const m = metricInfo(key);
  return { name: m.name, fmt: (v) => (typeof v === 'number' ? m.fmt(v) : String(v ?? '–')), higher: m.higher };
}

// cell: one value of a point as text (tables show strings and booleans too)
function cell(p, key) {
  const v = p[key];
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'number') return figureInfo(key).fmt(v);
  return v === undefined || v === '' ? '–' : String(v);
}

function unique(xs) {
  return [...new Set(xs)];
}

// barSpec: per label, the median of each figure over the label's points
// (reps), with min–max whiskers; several figures make grouped bars
function barSpec(points, hint, title, th, stacked) {
  const labels = unique(points.map((p) => p.label));
  const keys = hint.y.filter((k) => points.some((p) => typeof p[k] === 'number'));
  if (!labels.length || !keys.length) return null;
  const of = (label, k) => points.filter((p) => p.label === label && typeof p[k] === 'number').map((p) => p[k]);
  const medians = keys.map((k) => labels.map((l) => (of(l, k).length ? median(of(l, k)) : null)));
  const ranges = keys.map((k) => labels.map((l) => (!stacked && of(l, k).length > 1 ? [Math.min(...of(l, k)), Math.max(...of(l, k))] : null)));
  const datasets = keys.map((k, j) => ({
    label: figureInfo(k).name,
    data: stacked ? medians[j] : medians[j].map((v, i) => ranged(v, ranges[j][i])),
    backgroundColor: keys.length > 1 ? figureInfo(k).colour || colourFor(k) : labels.map(colourFor),
    ...(stacked ? {} : whiskerStyle(th)),
  }));
  // the axis reaches the whiskers' ends too, so none is cut at the top
  const ends = [...medians, ...ranges].flat(2).filter((v) => typeof v === 'number');
  const pos = ends.filter((v) => v > 0);
  const log = !stacked && pos.length && Math.max(...pos) / Math.min(...pos) > LOG_SPREAD;
  const f = figureInfo(keys[0]);
  const unit = hint.unit || f.name;
  const top = stacked || !ends.length ? undefined : Math.max(...ends) * WHISKER_ROOM;
  const tick = f.tick || f.fmt;
  const y = log ? logAxis(th, unit, tick, pos)
    : axis(th, unit, tick, { beginAtZero: true, stacked: Boolean(stacked), suggestedMax: top });
  return {
    config: {
      type: stacked ? 'bar' : WITH_WHISKERS.bar,
      data: { labels, datasets },
      options: chartOptions(th, {
        title, subtitle: `${keys.map((k) => figureInfo(k).name).join(', ')}${stacked ? ' (stacked)' : ''}` +
          `${keys.length === 1 ? ` · ${f.higher ? 'higher' : 'lower'} is better` : ''}${log ? ' · log scale' : ''}`,
        x: categoryAxis(th, null, labels.length, { stacked: Boolean(stacked) }), y, legend: keys.length > 1,
        tooltip: (c) => `${c.label}, ${c.dataset.label}: ${figureInfo(keys[c.datasetIndex]).fmt(c.parsed.y)}${rangeNote(c.raw, figureInfo(keys[c.datasetIndex]).fmt)}`,
      }),
    },
    label: `${title}: ` + labels.map((l, i) => `${l} ${keys.map((k, j) => `${figureInfo(k).name} ${medians[j][i] === null ? '–' : figureInfo(k).fmt(medians[j][i])}`).join(', ')}`).join('; '),
    table: { caption: title, head: ['', ...keys.map((k) => figureInfo(k).name)], rows: labels.map((l, i) => [l, ...medians.map((d, j) => (d[i] === null ? '–' : figureInfo(keys[j]).fmt(d[i])))]) },
  };
}

// medianByX: one point per x, the median of its reps there, left to right
function medianByX(pts, key, xKey) {
  const byX = new Map();
  for (const p of pts) {
    const x = p[xKey] ?? p.x;
    byX.set(x, [...(byX.get(x) || []), p[key]]);
  }
  return [...byX].map(([x, ys]) => ({ x, y: median(ys) })).sort((a, b) => a.x - b.x);
}

// lineSpec: one line per series over hint.x (producers, sizes, ...)
function lineSpec(points, hint, title, th) {
  const key = hint.y[0];
  const xKey = hint.x || 'x';
  const f = figureInfo(key);
  const names = unique(points.map((p) => p.series || p.label));
  const series = names.map((n) => ({
    name: n,
    data: medianByX(points.filter((p) => (p.series || p.label) === n && typeof p[key] === 'number'), key, xKey),
  })).filter((s) => s.data.length);
  if (!series.length) return null;
  const xs = unique(series.flatMap((s) => s.data.map((p) => p.x))).sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.data.map((p) => p.y));
  const tick = hint.unit ? f.tick || f.fmt : f.fmt;
  const y = hint.log ? logAxis(th, hint.unit || f.name, tick, ys) : axis(th, hint.unit || f.name, tick, { beginAtZero: true });
  return {
    config: {
      type: 'line',
      data: {
        datasets: series.map((s) => ({
          label: s.name, data: s.data, borderColor: colourFor(s.name), backgroundColor: colourFor(s.name),
          borderDash: dashFor(s.name), pointStyle: pointStyleFor(s.name), pointRadius: 5, borderWidth: 2,
        })),
      },
      options: chartOptions(th, {
        title, subtitle: `${f.name} by ${xKey} · ${f.higher ? 'higher' : 'lower'} is better${hint.log ? ' · log scale' : ''}`,
        x: axis(th, xKey, null, { type: 'linear', afterBuildTicks: (scale) => { scale.ticks = xs.map((v) => ({ value: v })); } }),
        y, legend: true,
        tooltip: (c) => `${c.dataset.label}, ${xKey} ${c.parsed.x}: ${f.fmt(c.parsed.y)}`,
      }),
    },
    label: `${title}: ` + series.map((s) => `${s.name} ${s.data.map((p) => `${p.x}: ${f.fmt(p.y)}`).join(', ')}`).join('; '),
    table: { caption: title, head: ['', ...xs.map(String)], rows: series.map((s) => [s.name, ...xs.map((x) => { const p = s.data.find((q) => q.x === x); return p ? f.fmt(p.y) : '–'; })]) },
  };
}

// pointsSpec: the chart spec of an experiment demo, or null while it has no
// point (and for table demos, whose table pointsTable draws)
export function pointsSpec(model, title, th) {
  const hint = model.chart;
  const points = model.points || [];
  if (!hint || !points.length || !Array.isArray(hint.y)) return null;
  if (hint.kind === 'line') return lineSpec(points, hint, title, th);
  if (hint.kind === 'bar' || hint.kind === 'stacked') return barSpec(points, hint, title, th, hint.kind === 'stacked');
  return null;
}

// pointsTable: every point as a row (label, series, the hint's figures and
// the also-shown ones), as HTML; '' before the first point
export function pointsTable(model, title) {
  const hint = model.chart;
  const points = model.points || [];
  if (!hint || !points.length) return '';
  const keys = [...(hint.y || []), ...(hint.also || [])].filter((k) => points.some((p) => k in p));
  const series = points.some((p) => p.series && p.series !== p.label);
  // a label measured more than once: each row says which rep it was
  const reps = points.some((p) => typeof p.rep === 'number') && unique(points.map((p) => `${p.label}\n${p.series}`)).length < points.length;
  return tableHtml({
    caption: `${title}: every measured point`,
    head: ['', ...(series ? [''] : []), ...(reps ? ['rep'] : []), ...keys.map((k) => figureInfo(k).name)],
    rows: points.map((p) => [p.label, ...(series ? [p.series] : []), ...(reps ? [p.rep ?? '–'] : []), ...keys.map((k) => cell(p, k))]),
  });
}
