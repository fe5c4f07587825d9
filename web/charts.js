// charts.js -- the Chart.js charts of a run, fed from a RunModel
'use strict';

import { PERCENTILES } from './model.js';
import { fmtNum, fmtNs, fmtBytes } from './format.js';


const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
  '#17becf', '#7f7f7f', '#bcbd22', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173'];
const PCT_COLOURS = { p50: '#2b8cbe', p90: '#7bccc4', p99: '#fdae61', p999: '#d7191c' };
const CPU_COLOURS = { sender_user: '#08519c', sender_sys: '#a50f15', receiver_user: '#6baed6', receiver_sys: '#fb6a4a' };

// colourFor: a stable colour per mechanism name
const colours = new Map();
export function colourFor(name) {
  if (!colours.has(name)) colours.set(name, PALETTE[colours.size % PALETTE.length]);
  return colours.get(name);
}

// Draws a min–max whisker over each bar or point of datasets that carry
// `whiskers: [[min, max] | null, ...]`, so the spread over reps is visible.
const whiskerPlugin = {
  id: 'whiskers',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    chart.data.datasets.forEach((ds, i) => {
      const meta = chart.getDatasetMeta(i);
      if (!ds.whiskers || meta.hidden) return;
      const y = chart.scales[meta.yAxisID];
      const area = chart.chartArea;
      ctx.save();
      ctx.beginPath();
      ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
      ctx.clip();
      ctx.strokeStyle = chart.options.whiskerColour || '#222';
      ctx.lineWidth = 1.5;
      meta.data.forEach((el, j) => {
        const w = ds.whiskers[j];
        if (!w || !el || !Number.isFinite(w[0]) || !Number.isFinite(w[1])) return;
        const top = y.getPixelForValue(w[1]);
        const bottom = y.getPixelForValue(w[0]);
        const half = Math.max(3, Math.min(8, (el.width || 12) / 4));
        ctx.beginPath();
        ctx.moveTo(el.x, top); ctx.lineTo(el.x, bottom);
        ctx.moveTo(el.x - half, top); ctx.lineTo(el.x + half, top);
        ctx.moveTo(el.x - half, bottom); ctx.lineTo(el.x + half, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

// Fills the canvas background so exported PNGs are not transparent.
const backgroundPlugin = {
  id: 'background',
  beforeDraw(chart) {
    const { ctx } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = chart.options.backgroundFill || '#fff';
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

// theme: colours and font sizes for normal and projector mode
export function theme(projector) {
  return projector
    ? { fg: '#fff', grid: '#555', bg: '#000', font: 22, whisker: '#fff' }
    : { fg: '#222', grid: '#ddd', bg: '#fff', font: 12, whisker: '#222' };
}

// baseOptions: options shared by every chart
function baseOptions(th, title, yTitle, log, tickFmt) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: th.fg,
    whiskerColour: th.whisker,
    backgroundFill: th.bg,
    font: { size: th.font },
    plugins: {
      title: { display: true, text: title, color: th.fg, font: { size: th.font + 2 } },
      legend: { labels: { color: th.fg, font: { size: th.font } } },
      tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${tickFmt(c.parsed.y)}` } },
    },
    scales: {
      x: { ticks: { color: th.fg, font: { size: th.font } }, grid: { color: th.grid } },
      y: {
        type: log ? 'logarithmic' : 'linear',
        beginAtZero: !log,
        title: { display: true, text: yTitle, color: th.fg, font: { size: th.font } },
        ticks: { color: th.fg, font: { size: th.font }, callback: (v) => tickFmt(v) },
        grid: { color: th.grid },
      },
    },
  };
}

function makeChart(canvas, config) {
  const Chart = globalThis.Chart;
  if (!Chart) throw new Error('the chart library (chart.umd.js) did not load');
  const old = Chart.getChart(canvas);
  if (old) old.destroy();
  config.plugins = [whiskerPlugin, backgroundPlugin];
  return new Chart(canvas, config);
}

const METRICS = {
  msgs_per_s: { title: 'messages per second', fmt: (v) => fmtNum(v, ' msg/s') },
  bytes_per_s: { title: 'bytes per second', fmt: (v) => fmtNum(v, 'B/s') },
  latency_p50_ns: { title: 'median one-way latency', fmt: fmtNs },
};

// throughputData: bar values (medians) and whiskers (min..max over reps)
export function throughputData(model, metric) {
  const names = model.order;
  const figs = names.map((n) => model.figure(n, metric));
  return {
    labels: names,
    values: figs.map((f) => (f ? f.median : null)),
    whiskers: figs.map((f) => (f ? [f.min, f.max] : null)),
  };
}

// latencyData: per percentile, the median over reps of each mechanism
export function latencyData(model) {
  const names = model.order;
  const sets = {};
  for (const p of PERCENTILES) {
    sets[p] = names.map((n) => {
      const f = model.figure(n, `latency_${p}_ns`);
      return f ? f.median : null;
    });
  }
  return { labels: names, sets };
}

// cpuData: share of a core per mechanism, sender and receiver, user and sys
export function cpuData(model) {
  const names = model.order;
  const out = { labels: names };
  for (const who of ['sender', 'receiver']) {
    for (const kind of ['user', 'sys']) out[`${who}_${kind}`] = names.map((n) => model.cpu(n, who, kind));
  }
  return out;
}

// fitWhiskers: widens the y axis so every whisker stays inside the plot
function fitWhiskers(chart, whiskers) {
  const ends = whiskers.filter(Boolean).flat().filter((v) => Number.isFinite(v) && v > 0);
  const y = chart.options.scales.y;
  y.suggestedMax = ends.length ? Math.max(...ends) * 1.05 : undefined;
  y.suggestedMin = ends.length && y.type === 'logarithmic' ? Math.min(...ends) / 1.5 : undefined;
}

// The four charts of the run view.
export class RunCharts {
  constructor(canvases, opts) {
    this.canvases = canvases;   // {throughput, latency, histogram, cpu}
    this.opts = opts;           // {metric, log, projector, histMech}
    this.charts = {};
    this.build();
  }

  build() {
    const th = theme(this.opts.projector);
    const m = METRICS[this.opts.metric];
    this.charts.throughput = makeChart(this.canvases.throughput, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: `${m.title}: median, whiskers min–max over reps`, data: [], whiskers: [], backgroundColor: [] }] },
      options: baseOptions(th, `Throughput — ${m.title}`, m.title, this.opts.log, m.fmt),
    });
    this.charts.latency = makeChart(this.canvases.latency, {
      type: 'bar',
      data: { labels: [], datasets: PERCENTILES.map((p) => ({ label: p, data: [], backgroundColor: PCT_COLOURS[p] })) },
      options: baseOptions(th, 'One-way latency percentiles (median over reps)', 'latency', this.opts.log, fmtNs),
    });
    this.charts.histogram = makeChart(this.canvases.histogram, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: 'round trips', data: [], backgroundColor: '#6a51a3', barPercentage: 1, categoryPercentage: 1 }] },
      options: baseOptions(th, 'Latency histogram', 'round trips per bucket', false, (v) => fmtNum(v)),
    });
    this.charts.cpu = makeChart(this.canvases.cpu, {
      type: 'bar',
      data: { labels: [], datasets: [] },
      options: baseOptions(th, 'CPU: share of one core (median over reps)', '% of a core', false, (v) => `${Number(Number(v).toPrecision(3))} %`),
    });
    this.charts.histogram.options.scales.x.title = { display: true, text: 'one-way latency (bucket start)', color: th.fg, font: { size: th.font } };
    const cpuOpts = this.charts.cpu.options;
    cpuOpts.scales.x.stacked = true;
    cpuOpts.scales.y.stacked = true;
    cpuOpts.plugins.tooltip.callbacks.label = (c) => `${c.dataset.label}: ${Number(c.parsed.y).toFixed(1)} %`;
  }

  // update: redraws every chart from model (cheap enough per line)
  update(model) {
    this.updateThroughput(model);
    this.updateLatency(model);
    this.updateHistogram(model);
    this.updateCpu(model);
  }

  updateThroughput(model) {
    const c = this.charts.throughput;
    const d = throughputData(model, this.opts.metric);
    c.data.labels = d.labels;
    const ds = c.data.datasets[0];
    ds.data = d.values;
    ds.whiskers = d.whiskers;
    ds.backgroundColor = d.labels.map(colourFor);
    fitWhiskers(c, d.whiskers);
    c.update('none');
  }

  updateLatency(model) {
    const c = this.charts.latency;
    const d = latencyData(model);
    c.data.labels = d.labels;
    c.data.datasets.forEach((ds) => { ds.data = d.sets[ds.label]; });
    c.update('none');
  }

  updateHistogram(model) {
    const c = this.charts.histogram;
    const name = this.opts.histMech && model.mechs.has(this.opts.histMech) ? this.opts.histMech : model.order.find((n) => model.lastHistogram(n));
    const h = name ? model.lastHistogram(name) : null;
    c.data.labels = h ? h.counts.map((_, i) => fmtNs(h.edges_ns[i])) : [];
    c.data.datasets[0].data = h ? h.counts : [];
    c.data.datasets[0].label = h ? `${name}, rep ${h.rep}` : 'round trips';
    c.options.plugins.title.text = h ? `Latency histogram — ${name}` : 'Latency histogram';
    this.histShown = h ? name : null;
    c.update('none');
  }

  updateCpu(model) {
    const c = this.charts.cpu;
    const d = cpuData(model);
    c.data.labels = d.labels;
    if (!c.data.datasets.length) {
      for (const who of ['sender', 'receiver']) {
        for (const kind of ['user', 'sys']) {
          c.data.datasets.push({
            label: `${who} ${kind}`, stack: who, key: `${who}_${kind}`, data: [],
            backgroundColor: CPU_COLOURS[`${who}_${kind}`],
          });
        }
      }
    }
    c.data.datasets.forEach((ds) => { ds.data = d[ds.key]; });
    c.update('none');
  }

  destroy() {
    for (const c of Object.values(this.charts)) c.destroy();
    this.charts = {};
  }
}

// sweepData: one series per mechanism of {x: size, y: median, whisker}
export function sweepData(models, metric) {
  const series = [];
  for (const model of models) {
    for (const name of model.order) {
      const pts = [];
      for (const size of model.sizes()) {
        const f = model.figure(name, metric, size);
        if (f) pts.push({ x: size, y: f.median, w: [f.min, f.max] });
      }
      series.push({ name, points: pts });
    }
  }
  return series;
}

// The log-log chart of throughput against message size.
export class SweepChart {
  constructor(canvas, opts) {
    this.canvas = canvas;
    this.opts = opts;          // {metric, projector}
    const th = theme(opts.projector);
    const m = METRICS[opts.metric];
    const o = baseOptions(th, `Throughput vs message size — ${m.title} (log–log)`, m.title, true, m.fmt);
    o.scales.x = {
      type: 'logarithmic',
      title: { display: true, text: 'message size', color: th.fg, font: { size: th.font } },
      ticks: { color: th.fg, font: { size: th.font }, callback: (v) => fmtBytes(v) },
      grid: { color: th.grid },
      // ticks at the measured sizes, not at the scale's powers of ten
      afterBuildTicks: (scale) => {
        if (this.sizes && this.sizes.length) scale.ticks = this.sizes.map((v) => ({ value: v }));
      },
    };
    o.plugins.tooltip.callbacks.label = (c) => `${c.dataset.label} @ ${fmtBytes(c.parsed.x)}: ${m.fmt(c.parsed.y)}`;
    this.chart = makeChart(canvas, { type: 'line', data: { datasets: [] }, options: o });
  }

  update(models) {
    const series = sweepData(models, this.opts.metric);
    this.sizes = [...new Set(series.flatMap((s) => s.points.map((p) => p.x)))].sort((a, b) => a - b);
    this.chart.data.datasets = series.map((s) => ({
      label: s.name,
      data: s.points.map((p) => ({ x: p.x, y: p.y })),
      whiskers: s.points.map((p) => p.w),
      borderColor: colourFor(s.name),
      backgroundColor: colourFor(s.name),
      pointRadius: 4,
    }));
    fitWhiskers(this.chart, series.flatMap((s) => s.points.map((p) => p.w)));
    this.chart.update('none');
  }

  destroy() { this.chart.destroy(); }
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

const FIGURE_NAMES = {
  msgs_per_s: 'messages per second', bytes_per_s: 'bytes per second', latency_p50_ns: 'median one-way latency',
  wall_s: 'wall time (s)', elapsed_s: 'time per rep (s)', lost_updates: 'lost updates', ratio: 'ratio',
};

// The one generic chart of a demo: its summary figure per variant.
export class DemoChart {
  constructor(canvas, opts) {
    this.canvas = canvas;
    this.opts = opts;          // {projector}
    this.th = theme(opts.projector);
    this.chart = makeChart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: '', data: [], whiskers: [], backgroundColor: [] }] },
      options: baseOptions(this.th, 'Demo', '', false, (v) => fmtNum(v)),
    });
  }

  update(model, title, metric) {
    const key = metric && model.order.some((n) => model.figure(n, metric)) ? metric : demoFigure(model);
    const c = this.chart;
    const figs = model.order.map((n) => (key ? model.figure(n, key) : null));
    c.data.labels = model.order;
    const ds = c.data.datasets[0];
    const name = FIGURE_NAMES[key] || (key || '').replace(/_/g, ' ');
    ds.label = key ? `${name}: median, whiskers min–max` : 'waiting for figures';
    ds.data = figs.map((f) => (f ? f.median : null));
    ds.whiskers = figs.map((f) => (f ? [f.min, f.max] : null));
    ds.backgroundColor = model.order.map(colourFor);
    const fmt = key && key.endsWith('_ns') ? fmtNs : (v) => fmtNum(v);
    c.options.scales.y.ticks.callback = (v) => fmt(v);
    c.options.scales.y.title.text = name;
    c.options.plugins.title.text = title;
    fitWhiskers(c, ds.whiskers);
    c.update('none');
  }

  destroy() { this.chart.destroy(); }
}
