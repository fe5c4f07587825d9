// other-charts.js -- the size sweep's log–log chart and a demo's chart, as specs
'use strict';

import { fmtNum, fmtBytes, metricInfo, betterNote } from './format.js';
import { colourFor, pointStyleFor, dashFor, axis, categoryAxis, logAxis, chartOptions, WITH_WHISKERS, ranged, whiskerStyle, POINT_CAP_PX, rangeNote } from './chart-kit.js';

const SWEEP_POINT_PX = 5;     // marker radius of a sweep point

// sweepData: one series per mechanism of {x: size, y: median, w: [min, max]}
export function sweepData(models, metric) {
  const series = [];
  for (const model of models) {
    for (const name of model.order) {
      const pts = [];
      for (const size of model.sizes()) {
        const f = model.figure(name, metric, size);
        if (f) pts.push({ x: size, y: f.median, w: [f.min, f.max] });
      }
      if (pts.length) series.push({ name, points: pts });
    }
  }
  return series;
}

// sweepSpec: a line per mechanism over message size, log–log, ticks at the
// measured sizes only
export function sweepSpec(models, metric, th) {
  const m = metricInfo(metric);
  const series = sweepData(models, metric);
  if (!series.length) return null;
  const sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
  const x = axis(th, 'message size (log scale)', fmtBytes, {
    type: 'logarithmic', min: sizes[0] / 1.5, max: sizes[sizes.length - 1] * 1.5,
    afterBuildTicks: (scale) => { scale.ticks = sizes.map((v) => ({ value: v })); },
  });
  const y = logAxis(th, m.long, m.fmt, series.flatMap((s) => s.points.flatMap((p) => p.w)));
  return {
    config: {
      type: WITH_WHISKERS.line,
      data: {
        datasets: series.map((s) => ({
          label: s.name, data: s.points.map((p) => ranged(p.y, p.w, p.x)),
          borderColor: colourFor(s.name), backgroundColor: colourFor(s.name), borderDash: dashFor(s.name),
          // the error-bar line's points read `radius` (not `pointRadius`,
          // which only the plain line chart's points read)
          pointStyle: pointStyleFor(s.name), radius: SWEEP_POINT_PX, borderWidth: 2, ...whiskerStyle(th, POINT_CAP_PX),
        })),
      },
      options: chartOptions(th, {
        title: `${m.long} by message size`, subtitle: `${betterNote(m.higher)} · point: median, whisker: min–max · log–log`,
        x, y, legend: true,
        tooltip: (c) => `${c.dataset.label} at ${fmtBytes(c.parsed.x)}: ${m.fmt(c.parsed.y)}${rangeNote(c.raw, m.fmt)}`,
      }),
    },
    label: `Sweep chart of ${m.long} by size, ${betterNote(m.higher)}: ` +
      series.map((s) => `${s.name} ${s.points.map((p) => `${fmtBytes(p.x)} ${m.fmt(p.y)}`).join(', ')}`).join('; '),
    table: {
      caption: `${m.long} by message size (median over reps)`,
      head: ['mechanism', ...sizes.map(fmtBytes)],
      rows: series.map((s) => [s.name, ...sizes.map((z) => {
        const p = s.points.find((q) => q.x === z);
        return p ? m.fmt(p.y) : '–';
      })]),
    },
  };
}

// demoFigure: which summary figure a demo's chart shows (first one present)
const DEMO_FIGURES = ['msgs_per_s', 'bytes_per_s', 'latency_p50_ns', 'wall_s', 'elapsed_s', 'lost_updates', 'ratio'];
export function demoFigure(model) {
  for (const key of DEMO_FIGURES) {
    if (model.order.some((n) => model.figure(n, key))) return key;
  }
  for (const n of model.order) {
    const e = model.mechs.get(n);
    const s = e.summaries[e.summaries.length - 1] || e.results[e.results.length - 1];
    if (!s) continue;
    const key = Object.keys(s).find((k) => (s[k] && typeof s[k] === 'object' && typeof s[k].median === 'number') ||
      (typeof s[k] === 'number' && !['rep', 'reps', 'size', 'count'].includes(k)));
    if (key) return key;
  }
  return null;
}

// ratesOf: a rate of messages said as what it counts: round trips for jobs
// in mode latency, both when a demo mixes them (layers)
function ratesOf(m, key, modes) {
  if (key !== 'msgs_per_s' || !modes.includes('latency')) return m;
  if (modes.every((x) => x === 'latency')) return { ...m, name: 'round trips/s', long: 'round trips per second', fmt: (v) => fmtNum(v, 'rt/s') };
  return { ...m, name: 'msgs or round trips/s', long: 'messages or round trips per second', fmt: (v) => `${fmtNum(v)}/s` };
}

// demoSpec: the demo's figure per variant, bars with min–max whiskers
export function demoSpec(model, title, metric, th) {
  const key = metric && model.order.some((n) => model.figure(n, metric)) ? metric : demoFigure(model);
  if (!key) return null;
  const labels = model.order.filter((n) => model.figure(n, key));
  const m = ratesOf(metricInfo(key), key, labels.map((n) => model.mechs.get(n).mode));
  const figs = labels.map((n) => model.figure(n, key));
  if (!labels.length) return null;
  const ends = figs.flatMap((f) => [f.min, f.max]);
  const spread = Math.max(...ends) / Math.max(Math.min(...ends.filter((v) => v > 0)), 1e-300);
  const log = spread > 50;
  const y = log ? logAxis(th, m.long, m.fmt, ends) : axis(th, m.long, m.fmt, { beginAtZero: true, suggestedMax: Math.max(...ends) * 1.05 });
  return {
    config: {
      type: WITH_WHISKERS.bar,
      data: { labels, datasets: [{ label: m.name, data: figs.map((f) => ranged(f.median, [f.min, f.max])), backgroundColor: labels.map(colourFor), ...whiskerStyle(th) }] },
      options: chartOptions(th, {
        title, subtitle: `${m.long}: ${betterNote(m.higher)} · bar: median, whisker: min–max${log ? ' · log scale' : ''}`,
        x: categoryAxis(th, null, labels.length), y,
        tooltip: (c) => `${c.label}: ${m.fmt(c.parsed.y)}${rangeNote(c.raw, m.fmt)}`,
      }),
    },
    label: `${title}, ${m.long}, ${betterNote(m.higher)}: ${labels.map((n, i) => `${n} ${m.fmt(figs[i].median)}`).join(', ')}`,
    table: {
      caption: `${title}: ${m.long}, median and range over reps`,
      head: ['variant', `median ${m.name}`, 'min', 'max'],
      rows: labels.map((n, i) => [n, m.fmt(figs[i].median), m.fmt(figs[i].min), m.fmt(figs[i].max)]),
    },
  };
}
