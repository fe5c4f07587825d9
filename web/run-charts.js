// run-charts.js -- the charts of one run (throughput, latency, histogram, CPU)
// as specs: Chart.js config, an aria label and a text table; null when the
// run holds nothing that chart could show
'use strict';

import { PERCENTILES } from './model.js';
import { fmtNum, fmtNs, fmtPct, metricInfo, betterNote, plural } from './format.js';
import { colourFor, hatch, axis, categoryAxis, logAxis, chartOptions, WITH_WHISKERS, ranged, whiskerStyle } from './chart-kit.js';

const PCT_MARKS = { p90: { style: 'rect', radius: 4 }, p99: { style: 'triangle', radius: 6 }, p999: { style: 'crossRot', radius: 7 } };
const PCT_NAMES = { p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p99.9' };
// sender blue, receiver orange, a broker (a bus daemon) green: each at
// least 3.4:1 against black and against white
const CPU_COLOURS = { sender: '#2e64c0', receiver: '#b34700', broker: '#2b8a3e' };
const CPU_WHO = ['sender', 'receiver', 'broker'];

// throughputData: bar values (medians) and whiskers (min..max over reps)
export function throughputData(model, metric) {
  const names = model.order.filter((n) => model.figure(n, metric));
  const figs = names.map((n) => model.figure(n, metric));
  return {
    labels: names,
    values: figs.map((f) => f.median),
    whiskers: figs.map((f) => [f.min, f.max]),
    reps: Math.max(0, ...figs.map((f) => f.n || 0)),
  };
}

// latencyData: per percentile, the median over reps of each mechanism
export function latencyData(model) {
  const names = model.order.filter((n) => model.figure(n, 'latency_p50_ns'));
  const sets = {};
  for (const p of PERCENTILES) {
    sets[p] = names.map((n) => {
      const f = model.figure(n, `latency_${p}_ns`);
      return f ? f.median : null;
    });
  }
  return { labels: names, sets };
}

// cpuData: share of a core per mechanism, user and sys, of the sender,
// the receiver and (when a mechanism has one) the broker between them
export function cpuData(model) {
  const names = model.order.filter((n) => model.cpu(n, 'sender', 'user') !== null);
  const out = { labels: names, who: CPU_WHO.filter((w) => w !== 'broker' || names.some((n) => model.cpu(n, w, 'user') !== null)) };
  for (const who of out.who) {
    for (const kind of ['user', 'sys']) out[`${who}_${kind}`] = names.map((n) => model.cpu(n, who, kind));
  }
  return out;
}

// throughputSpec: bars of the chosen rate per mechanism, whiskers min–max
export function throughputSpec(model, opts, th) {
  const roundTrips = model.mode === 'latency' && opts.metric === 'msgs_per_s';
  const m = roundTrips ? { ...metricInfo(opts.metric), name: 'round trips/s', fmt: (v) => fmtNum(v, 'rt/s') } : metricInfo(opts.metric);
  const d = throughputData(model, opts.metric);
  if (!d.labels.length) return null;
  const unitName = roundTrips ? 'round trips per second' : m.long;
  const y = opts.log ? logAxis(th, unitName, m.fmt, d.whiskers.flat()) : axis(th, unitName, m.fmt, { beginAtZero: true, suggestedMax: Math.max(...d.whiskers.flat()) * 1.05 });
  return {
    config: {
      type: WITH_WHISKERS.bar,
      data: { labels: d.labels, datasets: [{ label: m.name, data: d.values.map((v, i) => ranged(v, d.whiskers[i])), backgroundColor: d.labels.map(colourFor), ...whiskerStyle(th) }] },
      options: chartOptions(th, {
        title: `Throughput: ${unitName}`,
        subtitle: `${betterNote(true)} · bar: median of ${plural(d.reps, 'rep')}, whisker: min–max${opts.log ? ' · log scale' : ''}`,
        x: categoryAxis(th, 'mechanism', d.labels.length), y,
        tooltip: (c) => `${c.label}: ${m.fmt(c.parsed.y)} (min ${m.fmt(d.whiskers[c.dataIndex][0])}, max ${m.fmt(d.whiskers[c.dataIndex][1])})`,
      }),
    },
    label: `Throughput chart, ${betterNote(true)}: ${d.labels.map((n, i) => `${n} ${m.fmt(d.values[i])}`).join(', ')}`,
    table: {
      caption: `Throughput (${unitName}), median and range over reps`,
      head: ['mechanism', `median ${m.name}`, 'min', 'max'],
      rows: d.labels.map((n, i) => [n, m.fmt(d.values[i]), m.fmt(d.whiskers[i][0]), m.fmt(d.whiskers[i][1])]),
    },
  };
}

// latencySpec: p50 bars on a log axis whose floor sits below the smallest
// p50 (so every mechanism shows), whiskers p50–p99, marks for p90/p99/p99.9
export function latencySpec(model, opts, th) {
  const d = latencyData(model);
  if (!d.labels.length) return null;
  const whiskers = d.labels.map((_, i) => [d.sets.p50[i], d.sets.p99[i]]);
  const datasets = [{
    label: 'p50 (bar)', key: 'p50', data: d.sets.p50.map((v, i) => ranged(v, whiskers[i])),
    backgroundColor: d.labels.map(colourFor), order: 2, pointStyle: 'rect', ...whiskerStyle(th),
  }];
  for (const p of ['p90', 'p99', 'p999']) {
    datasets.push({
      type: 'line', label: PCT_NAMES[p], key: p, data: d.sets[p], showLine: false, order: 1,
      pointStyle: PCT_MARKS[p].style, pointRadius: PCT_MARKS[p].radius, pointHoverRadius: PCT_MARKS[p].radius + 2,
      borderColor: th.fg, backgroundColor: th.dark ? '#000' : '#fff', borderWidth: 2,
    });
  }
  const all = PERCENTILES.flatMap((p) => d.sets[p]);
  return {
    config: {
      type: WITH_WHISKERS.bar,
      data: { labels: d.labels, datasets },
      options: chartOptions(th, {
        title: 'One-way latency',
        subtitle: `${betterNote(false)} · bar: p50, whisker to p99 · log scale`,
        x: categoryAxis(th, 'mechanism', d.labels.length), y: logAxis(th, 'one-way latency', fmtNs, all), legend: true,
        tooltip: (c) => `${c.dataset.label}: ${fmtNs(c.parsed.y)}`,
      }),
    },
    label: `Latency chart, ${betterNote(false)}: ${d.labels.map((n, i) => `${n} p50 ${fmtNs(d.sets.p50[i])}, p99 ${fmtNs(d.sets.p99[i])}`).join('; ')}`,
    table: {
      caption: 'One-way latency percentiles, median over reps',
      head: ['mechanism', ...PERCENTILES.map((p) => PCT_NAMES[p])],
      rows: d.labels.map((n, i) => [n, ...PERCENTILES.map((p) => fmtNs(d.sets[p][i]))]),
    },
  };
}

// histogramSpec: the bucket counts of one rep of one mechanism
export function histogramSpec(model, opts, th) {
  const name = opts.histMech && model.mechs.has(opts.histMech) && model.lastHistogram(opts.histMech)
    ? opts.histMech : model.order.find((n) => model.lastHistogram(n));
  const h = name ? model.lastHistogram(name) : null;
  if (!h) return null;
  const labels = h.counts.map((_, i) => fmtNs(h.edges_ns[i]));
  return {
    shown: name,
    config: {
      type: 'bar',
      data: { labels, datasets: [{ label: `${name}, rep ${h.rep}`, data: h.counts, backgroundColor: colourFor(name), barPercentage: 1, categoryPercentage: 1 }] },
      options: chartOptions(th, {
        title: `Latency histogram: ${name}, rep ${h.rep}`,
        subtitle: 'further left is faster · log-spaced buckets',
        x: axis(th, 'one-way latency (bucket start)'), y: axis(th, 'round trips', (v) => fmtNum(v), { beginAtZero: true }),
        tooltip: (c) => `${fmtNum(c.parsed.y)} round trips from ${c.label}`,
      }),
    },
    label: `Latency histogram of ${name}, rep ${h.rep}: ${plural(h.counts.reduce((a, b) => a + b, 0), 'round trip')} from ${labels[0]} to ${labels[labels.length - 1]}`,
    table: {
      caption: `Latency histogram of ${name}, rep ${h.rep} (non-empty buckets)`,
      head: ['bucket start', 'round trips'],
      rows: h.counts.map((c, i) => [labels[i], fmtNum(c)]).filter((r, i) => h.counts[i] > 0),
    },
  };
}

// cpuSpec: share of a core, sender and receiver side by side, user solid
// and system hatched
export function cpuSpec(model, opts, th) {
  const d = cpuData(model);
  if (!d.labels.length) return null;
  const datasets = d.who.flatMap((who) => ['user', 'sys'].map((kind) => ({
    label: `${who} ${kind}`, stack: who, key: `${who}_${kind}`, data: d[`${who}_${kind}`],
    backgroundColor: kind === 'sys' ? hatch(CPU_COLOURS[who], th.bg) : CPU_COLOURS[who], borderColor: CPU_COLOURS[who], borderWidth: kind === 'sys' ? 1.5 : 0,
  })));
  const x = axis(th, `mechanism (bars: ${d.who.join(', ')})`, null, { stacked: true });
  const y = axis(th, '% of one core', (v) => fmtPct(v), { stacked: true, beginAtZero: true });
  return {
    config: {
      type: 'bar',
      data: { labels: d.labels, datasets },
      options: chartOptions(th, {
        title: 'CPU: share of one core',
        subtitle: `${betterNote(false)} for the same work · solid: user, striped: system · median over reps`,
        x, y, legend: true,
        tooltip: (c) => `${c.dataset.label}: ${fmtPct(c.parsed.y)}`,
      }),
    },
    label: `CPU chart, share of one core: ${d.labels.map((n, i) => `${n} ${d.who.map((w) => `${w} ${fmtPct((d[`${w}_user`][i] || 0) + (d[`${w}_sys`][i] || 0))}`).join(', ')}`).join('; ')}`,
    table: {
      caption: 'CPU, share of one core (median over reps)',
      head: ['mechanism', ...d.who.flatMap((w) => [`${w} user`, `${w} sys`])],
      rows: d.labels.map((n, i) => [n, ...d.who.flatMap((w) => [fmtPct(d[`${w}_user`][i]), fmtPct(d[`${w}_sys`][i])])]),
    },
  };
}

export const RUN_CHARTS = { throughput: throughputSpec, latency: latencySpec, histogram: histogramSpec, cpu: cpuSpec };
