// demo-ratios.js -- the charts of the demos whose lesson is a ratio: each
// drawn as that ratio against its baseline, with a 1× line, on a linear
// axis (so 22× looks 22 times as tall as 1×), the same while running and
// at the end. sync-tax: each variant's time per message as a multiple of
// the spinning handoff's; layers: each layer's time per message as a
// multiple of the unix socket's, grouped by round trip and stream at 64 B
// and 4 KiB; crossover: shm-ring's bytes/s over each kernel channel's,
// against message size on a log axis; threads-vs-processes: the time a
// million messages take at each mechanism's rate; copies: bytes/s grouped
// by mechanism (and its copies per message), one bar per size.
'use strict';

import { fmtBytes, fmtTimes, fmtSeconds, fmtNum } from './format.js';
import { colourFor, axis, categoryAxis, logAxis, chartOptions } from './chart-kit.js';

const METRIC = { copies: 'bytes_per_s', 'sync-tax': 'msgs_per_s', layers: 'msgs_per_s', crossover: 'bytes_per_s', 'threads-vs-processes': 'msgs_per_s' };
const ONE_LINE = '#ffd400';        // the 1× line: yellow reads on black and (darker) on white
const ONE_LINE_LIGHT = '#8a6d00';
const HEADROOM = 1.08;

function oneColour(th) {
  return th.dark ? ONE_LINE : ONE_LINE_LIGHT;
}

// oneLine: the 1× dataset across a category axis of n bars
function oneLine(label, n, th) {
  return {
    type: 'line', label, data: Array(n).fill(1), borderColor: oneColour(th), backgroundColor: oneColour(th),
    borderWidth: 3, borderDash: [8, 5], pointRadius: 0, order: 0,
  };
}

// ratioAxis: a linear axis from 0 named as what the ratio is
function ratioAxis(th, title, values) {
  const top = Math.max(1, ...values.filter(Number.isFinite));
  return axis(th, title, fmtTimes, { beginAtZero: true, suggestedMax: top * HEADROOM });
}

// syncTaxSpec: each variant's time per message as a multiple of spinning's
function syncTaxSpec(model, title, th) {
  const spin = model.figure('shm sync=spin', 'msgs_per_s');
  if (!spin || !(spin.median > 0)) return null;
  const labels = model.order.filter((n) => model.figure(n, 'msgs_per_s'));
  const values = labels.map((n) => spin.median / model.figure(n, 'msgs_per_s').median);
  const yTitle = '× the spinning handoff\'s time per message';
  return {
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: yTitle, data: values, backgroundColor: labels.map(colourFor), order: 1 },
          oneLine('1× = shm sync=spin', labels.length, th),
        ],
      },
      options: chartOptions(th, {
        title, subtitle: 'time per message against spinning: lower is better · median of the reps',
        x: categoryAxis(th, null, labels.length), y: ratioAxis(th, yTitle, values), legend: false,
        tooltip: (c) => `${c.label}: ${fmtTimes(c.parsed.y)} the spinning handoff's time`,
      }),
    },
    label: `${title}, time per message as a multiple of the spinning handoff's: ${labels.map((n, i) => `${n} ${fmtTimes(values[i])}`).join(', ')}`,
    table: { caption: `${title}: time per message, × the spinning handoff's`, head: ['variant', '× spinning'], rows: labels.map((n, i) => [n, fmtTimes(values[i])]) },
  };
}

const LAYERS = ['zmq', 'grpc', 'dbus', 'node'];
const LAYER_GROUPS = [
  { size: '64 B', mode: 'latency', name: '64 B round trips', colour: '#1f77b4' },
  { size: '64 B', mode: 'throughput', name: '64 B streams', colour: '#c45a00' },
  { size: '4 KiB', mode: 'latency', name: '4 KiB round trips', colour: '#2ca02c' },
  { size: '4 KiB', mode: 'throughput', name: '4 KiB streams', colour: '#d6338f' },
];

// layersSpec: per layer, its time per message as a multiple of the unix
// socket's under it, one bar per size and mode
function layersSpec(model, title, th) {
  const ratio = (mech, g) => {
    const raw = model.figure(`unix ${g.size} ${g.mode}`, 'msgs_per_s');
    const l = model.figure(`${mech} ${g.size} ${g.mode}`, 'msgs_per_s');
    return raw && l && raw.median > 0 && l.median > 0 ? raw.median / l.median : null;
  };
  const groups = LAYER_GROUPS.map((g) => ({ ...g, values: LAYERS.map((m) => ratio(m, g)) })).filter((g) => g.values.some((v) => v !== null));
  if (!groups.length) return null;
  const yTitle = '× the unix socket\'s time per message';
  return {
    config: {
      type: 'bar',
      data: {
        labels: LAYERS,
        datasets: [...groups.map((g) => ({ label: g.name, data: g.values, backgroundColor: g.colour, order: 1 })),
          oneLine('1× = the unix socket', LAYERS.length, th)],
      },
      options: chartOptions(th, {
        title, subtitle: 'time per message against the raw socket: lower is better · median of the reps',
        x: categoryAxis(th, null, LAYERS.length), y: ratioAxis(th, yTitle, groups.flatMap((g) => g.values)), legend: true,
        tooltip: (c) => `${c.label}, ${c.dataset.label}: ${fmtTimes(c.parsed.y)} the socket's time`,
      }),
    },
    label: `${title}, time per message as a multiple of the unix socket's: ` +
      groups.map((g) => `${g.name}: ${LAYERS.map((m, i) => `${m} ${fmtTimes(g.values[i])}`).join(', ')}`).join('; '),
    table: {
      caption: `${title}: time per message, × the unix socket's`, head: ['layer', ...groups.map((g) => g.name)],
      rows: LAYERS.map((m, i) => [m, ...groups.map((g) => fmtTimes(g.values[i]))]),
    },
  };
}

const CHANNELS = ['pipe', 'unix', 'tcp'];

// sizeOf: the message size a job of the model ran at
function sizeOf(model, name) {
  const e = model.mechs.get(name);
  const r = e && [...e.summaries, ...e.results].find((x) => x.size);
  return r ? r.size : null;
}

// crossoverSpec: shm-ring's bytes/s over each kernel channel's, by size
function crossoverSpec(model, title, th) {
  const jobs = model.order.filter((n) => model.figure(n, 'bytes_per_s') && sizeOf(model, n));
  const ring = new Map(jobs.filter((n) => n.startsWith('shm-ring ')).map((n) => [sizeOf(model, n), model.figure(n, 'bytes_per_s').median]));
  const series = CHANNELS.map((c) => ({
    name: c,
    data: jobs.filter((n) => n.split(' ')[0] === c && ring.get(sizeOf(model, n)) > 0)
      .map((n) => ({ x: sizeOf(model, n), y: ring.get(sizeOf(model, n)) / model.figure(n, 'bytes_per_s').median }))
      .sort((a, b) => a.x - b.x),
  })).filter((s) => s.data.length);
  if (!series.length) return null;
  const sizes = [...new Set(series.flatMap((s) => s.data.map((p) => p.x)))].sort((a, b) => a - b);
  const lo = sizes[0] / 1.5;
  const hi = sizes[sizes.length - 1] * 1.5;
  const yTitle = '× : shm-ring\'s bytes/s over the channel\'s';
  const x = axis(th, 'message size (log scale)', fmtBytes, {
    type: 'logarithmic', min: lo, max: hi, afterBuildTicks: (scale) => { scale.ticks = sizes.map((v) => ({ value: v })); },
  });
  return {
    config: {
      type: 'line',
      data: {
        datasets: [...series.map((s) => ({
          label: `shm-ring ÷ ${s.name}`, data: s.data, borderColor: colourFor(s.name), backgroundColor: colourFor(s.name),
          pointRadius: 5, borderWidth: 2,
        })), { label: '1× = as fast as the channel', data: [{ x: lo, y: 1 }, { x: hi, y: 1 }], borderColor: oneColour(th), backgroundColor: oneColour(th), borderWidth: 3, borderDash: [8, 5], pointRadius: 0 }],
      },
      options: chartOptions(th, {
        title, subtitle: 'above 1×: shared memory ahead · median of the reps',
        x, y: ratioAxis(th, yTitle, series.flatMap((s) => s.data.map((p) => p.y))), legend: true,
        tooltip: (c) => `${c.dataset.label} at ${fmtBytes(c.parsed.x)}: ${fmtTimes(c.parsed.y)}`,
      }),
    },
    label: `${title}, shm-ring's bytes/s over each kernel channel's by size: ` +
      series.map((s) => `${s.name}: ${s.data.map((p) => `${fmtBytes(p.x)} ${fmtTimes(p.y)}`).join(', ')}`).join('; '),
    table: {
      caption: `${title}: shm-ring's bytes/s over the channel's`, head: ['channel', ...sizes.map(fmtBytes)],
      rows: series.map((s) => [s.name, ...sizes.map((z) => { const p = s.data.find((q) => q.x === z); return p ? fmtTimes(p.y) : '–'; })]),
    },
  };
}

const MILLION = 1e6;

// millionSpec: the seconds a million messages take at each mechanism's
// median rate, the time the claim speaks of, on a linear axis
function millionSpec(model, title, th) {
  const labels = model.order.filter((n) => model.figure(n, 'msgs_per_s') && model.figure(n, 'msgs_per_s').median > 0);
  if (!labels.length) return null;
  const values = labels.map((n) => MILLION / model.figure(n, 'msgs_per_s').median);
  const yTitle = 'seconds for a million messages';
  return {
    config: {
      type: 'bar',
      data: { labels, datasets: [{ label: yTitle, data: values, backgroundColor: labels.map(colourFor) }] },
      options: chartOptions(th, {
        title, subtitle: 'at the measured rate (median of the reps): lower is better',
        x: categoryAxis(th, null, labels.length), y: axis(th, yTitle, fmtSeconds, { beginAtZero: true, suggestedMax: Math.max(...values) * HEADROOM }),
        tooltip: (c) => `${c.label}: ${fmtSeconds(c.parsed.y)} for a million messages`,
      }),
    },
    label: `${title}, seconds for a million messages: ${labels.map((n, i) => `${n} ${fmtSeconds(values[i])}`).join(', ')}`,
    table: { caption: `${title}: seconds for a million messages`, head: ['mechanism', 'a million messages'], rows: labels.map((n, i) => [n, fmtSeconds(values[i])]) },
  };
}

const COPY_SIZES = [{ size: '64 KiB', colour: '#1f77b4' }, { size: '1 MiB', colour: '#c45a00' }];
const LOG_SPREAD = 50;
const bytesRate = (v) => fmtNum(v, 'B/s');

// copiesSpec: per mechanism ("pipe, 2 copies"), its bytes/s at each size
function copiesSpec(model, title, th) {
  const jobs = model.order.filter((n) => model.figure(n, 'bytes_per_s'));
  const parse = (n) => /^(\S+) (64 KiB|1 MiB), (.*)$/.exec(n);
  const mechs = [...new Set(jobs.map(parse).filter(Boolean).map((m) => `${m[1]}, ${m[3]}`))];
  if (!mechs.length) return null;
  const at = (mech, size) => {
    const [name, copies] = mech.split(', ');
    const f = model.figure(`${name} ${size}, ${copies}`, 'bytes_per_s');
    return f ? f.median : null;
  };
  const groups = COPY_SIZES.map((g) => ({ ...g, values: mechs.map((m) => at(m, g.size)) })).filter((g) => g.values.some((v) => v !== null));
  const all = groups.flatMap((g) => g.values).filter((v) => v > 0);
  const log = all.length && Math.max(...all) / Math.min(...all) > LOG_SPREAD;
  const yTitle = 'bytes per second';
  return {
    config: {
      type: 'bar',
      data: { labels: mechs, datasets: groups.map((g) => ({ label: g.size, data: g.values, backgroundColor: g.colour })) },
      options: chartOptions(th, {
        title, subtitle: `bytes per second: higher is better · median of the reps${log ? ' · log scale' : ''}`,
        x: categoryAxis(th, null, mechs.length),
        y: log ? logAxis(th, yTitle, bytesRate, all) : axis(th, yTitle, bytesRate, { beginAtZero: true, suggestedMax: Math.max(...all) * HEADROOM }),
        legend: true,
        tooltip: (c) => `${c.label} at ${c.dataset.label}: ${bytesRate(c.parsed.y)}`,
      }),
    },
    label: `${title}, bytes per second: ${groups.map((g) => `${g.size}: ${mechs.map((m, i) => `${m} ${bytesRate(g.values[i])}`).join(', ')}`).join('; ')}`,
    table: { caption: `${title}: bytes per second (median of the reps)`, head: ['mechanism', ...groups.map((g) => g.size)], rows: mechs.map((m, i) => [m, ...groups.map((g) => bytesRate(g.values[i]))]) },
  };
}

const SPECS = { copies: copiesSpec, 'sync-tax': syncTaxSpec, layers: layersSpec, crossover: crossoverSpec, 'threads-vs-processes': millionSpec };

// ratioSpec: the ratio chart of the demo called name, null for a demo
// without one (or before its baseline has a figure)
export function ratioSpec(name, model, title, th) {
  return SPECS[name] && METRIC[name] ? SPECS[name](model, title, th) : null;
}

// hasRatioChart: whether the demo called name is drawn as a ratio
export function hasRatioChart(name) {
  return Boolean(SPECS[name]);
}
