// chart-kit.js -- what every chart shares: colours per mechanism, themes,
// log ticks, whiskers (as error bars), and Figure (a chart with its text alternative)
'use strict';

import { esc } from './dom.js';

// Each colour reaches at least 3:1 against white and against black (relative
// luminance 0.10..0.28), so series read on the page and on the projector.
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#c45a00', '#9467bd', '#8c564b', '#d6338f', '#0f8a8a',
  '#6b6b6b', '#7a8a00', '#3f51b5', '#b8860b', '#a0522d', '#2e86c1', '#8e44ad', '#5e8c31', '#e0457b', '#00897b'];
// ...and a marker shape and dash per series, so lines differ without colour
const POINT_STYLES = ['circle', 'triangle', 'rect', 'rectRot', 'star', 'crossRot', 'cross', 'rectRounded'];
const DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3]];

let mechOrder = [];

// setMechanisms: the catalogue's names in order; a mechanism keeps its
// colour in every view, live or reopened, whatever order runs list it in
export function setMechanisms(names) {
  mechOrder = [...names];
}

// seriesIndex: the catalogue position of the mechanism a label names
// ("pipe", "pipe 64 B", "shm (sem)"), or a stable hash for other labels
export function seriesIndex(label) {
  const s = String(label);
  let i = mechOrder.indexOf(s);
  if (i < 0) {
    const word = /^[a-z0-9_-]+/i.exec(s);
    i = word ? mechOrder.indexOf(word[0]) : -1;
  }
  if (i >= 0) return i;
  let h = 7;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) % 100003;
  return mechOrder.length + h;
}

export function colourFor(label) {
  return PALETTE[seriesIndex(label) % PALETTE.length];
}

export function pointStyleFor(label) {
  return POINT_STYLES[seriesIndex(label) % POINT_STYLES.length];
}

export function dashFor(label) {
  return DASHES[Math.floor(seriesIndex(label) / POINT_STYLES.length) % DASHES.length];
}

const PROJECTOR_FONT_MIN = 18;
const PROJECTOR_FONT_MAX = 28;
const PROJECTOR_FONT_PER_PX = 1 / 72;   // of the window's width: 18 px at 1280, 27 at 1920

// theme: colours and font sizes for the page, the projector (type grows
// with the screen) and exports
export function theme(projector) {
  const w = typeof window === 'undefined' ? 0 : window.innerWidth;
  const font = Math.round(Math.min(PROJECTOR_FONT_MAX, Math.max(PROJECTOR_FONT_MIN, w * PROJECTOR_FONT_PER_PX)));
  return projector
    ? { fg: '#fff', grid: '#555', bg: '#000', font, whisker: '#fff', dark: true }
    : { fg: '#222', grid: '#ddd', bg: '#fff', font: 12, whisker: '#222', dark: false };
}

// hatch: a diagonal-stripe fill in colour (CPU system time), so stacked
// parts differ by pattern and not only by colour
const hatches = new Map();
export function hatch(colour, bg) {
  const key = `${colour}/${bg}`;
  if (hatches.has(key)) return hatches.get(key);
  const size = 8;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const ctx = c.getContext('2d');
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.moveTo(-2, size + 2); ctx.lineTo(size + 2, -2);
  ctx.moveTo(-2, 2); ctx.lineTo(2, -2);
  ctx.moveTo(size - 2, size + 2); ctx.lineTo(size + 2, size - 2);
  ctx.stroke();
  const p = ctx.createPattern(c, 'repeat');
  hatches.set(key, p);
  return p;
}

// The min–max whiskers are drawn by chartjs-chart-error-bars (vendored
// beside chart.umd.js): a bar or point with a range is {y, yMin, yMax} in a
// chart of its type 'barWithErrorBars' or 'lineWithErrorBars'.
export const WITH_WHISKERS = { bar: 'barWithErrorBars', line: 'lineWithErrorBars' };

// ranged: a value and its range [low, high] (none when absent or not
// finite) as the error-bar charts read it; x for points on a numeric axis
export function ranged(y, range, x) {
  const p = x === undefined ? { y } : { x, y };
  if (range && Number.isFinite(range[0]) && Number.isFinite(range[1])) {
    p.yMin = range[0];
    p.yMax = range[1];
  }
  return p;
}

// rangeNote: a tooltip's " (min …, max …)" for a value drawn with a
// whisker, nothing for one without
export function rangeNote(raw, fmt) {
  return raw && typeof raw === 'object' && Number.isFinite(raw.yMin) && Number.isFinite(raw.yMax)
    ? ` (min ${fmt(raw.yMin)}, max ${fmt(raw.yMax)})` : '';
}

// whiskerStyle: a dataset's whisker colour and widths in a theme; the caps
// are `cap` px across whatever the bar's width (ratio 0: a fixed size), so
// a wide projector bar does not get a wide cap
export const BAR_CAP_PX = 16;
export const POINT_CAP_PX = 10;
export function whiskerStyle(th, cap = BAR_CAP_PX) {
  return {
    errorBarColor: th.whisker, errorBarWhiskerColor: th.whisker,
    errorBarLineWidth: 1.5, errorBarWhiskerLineWidth: 1.5,
    errorBarWhiskerRatio: 0, errorBarWhiskerSize: cap,
  };
}

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

// axis: one scale's options, themed, with formatted ticks
export function axis(th, title, fmt, extra = {}) {
  return {
    title: { display: Boolean(title), text: title, color: th.fg, font: { size: th.font } },
    ticks: fmt ? { color: th.fg, font: { size: th.font }, callback: (v) => fmt(v) } : { color: th.fg, font: { size: th.font } },
    grid: { color: th.grid },
    ...extra,
  };
}

// categoryAxis: an axis of bars that names every bar (Chart.js would skip
// every other name where they crowd): smaller type past CROWDED_BARS bars
export function categoryAxis(th, title, n, extra = {}) {
  const a = axis(th, title, null, extra);
  const size = n > CROWDED_BARS ? Math.max(MIN_CROWDED_PX, Math.round(th.font * CROWDED_SCALE)) : th.font;
  a.ticks = { ...a.ticks, autoSkip: false, font: { size } };
  return a;
}
const CROWDED_BARS = 8;
const CROWDED_SCALE = 0.75;
const MIN_CROWDED_PX = 10;

// logAxis: a log scale from the power of ten below the smallest value (so
// every bar shows) with ticks at powers of ten only (no colliding labels)
export function logAxis(th, title, fmt, values) {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  const lo = v.length ? 10 ** Math.floor(Math.log10(Math.min(...v) * 0.999)) : undefined;
  const hi = v.length ? Math.max(...v) * 1.6 : undefined;
  return axis(th, title, fmt, {
    type: 'logarithmic', min: lo, max: hi,
    afterBuildTicks: (scale) => {
      const decade = (x) => Math.abs(x / 10 ** Math.floor(Math.log10(x) + 1e-9) - 1) < 1e-6;
      const steps = (x) => [1, 2, 5].some((m) => Math.abs(x / 10 ** Math.floor(Math.log10(x) + 1e-9) - m) < 1e-6);
      let t = scale.ticks.filter((x) => decade(x.value));
      if (t.length < 3) t = scale.ticks.filter((x) => steps(x.value));
      scale.ticks = t;
    },
  });
}

// chartOptions: options shared by every chart: a title, a subtitle (what
// is better, what the marks mean), themed legend and scales
export function chartOptions(th, { title, subtitle, x, y, legend = false, tooltip }) {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    color: th.fg,
    backgroundFill: th.bg,
    font: { size: th.font },
    plugins: {
      title: { display: true, text: title, color: th.fg, font: { size: th.font + 2, weight: 'bold' }, padding: { top: 4, bottom: 2 } },
      subtitle: { display: Boolean(subtitle), text: subtitle, color: th.fg, font: { size: Math.max(11, th.font - 2) }, padding: { bottom: 6 } },
      legend: { display: legend, labels: { color: th.fg, font: { size: th.font }, usePointStyle: true } },
      tooltip: { callbacks: tooltip ? { label: tooltip } : {} },
    },
    scales: { x, y },
  };
}

export function makeChart(canvas, config) {
  const Chart = globalThis.Chart;
  if (!Chart) throw new Error('the chart library (chart.umd.js) did not load');
  if (Object.values(WITH_WHISKERS).includes(config.type) && !globalThis.ChartErrorBars) {
    throw new Error('the error-bar charts (chartjs-chart-error-bars.umd.js) did not load');
  }
  const old = Chart.getChart(canvas);
  if (old) old.destroy();
  return new Chart(canvas, { ...config, plugins: [backgroundPlugin] });
}

// tableHtml: a chart's text alternative, {caption, head: [...], rows: [[...]]};
// an empty head cell (over the row names) is a plain cell, not an empty header
export function tableHtml(t) {
  if (!t || !t.rows.length) return '';
  return `<table><caption>${esc(t.caption)}</caption><thead><tr>${t.head.map((h) => (h === '' ? '<td></td>' : `<th scope="col">${esc(h)}</th>`)).join('')}</tr></thead>` +
    `<tbody>${t.rows.map((r) => `<tr>${r.map((c, i) => (i ? `<td>${esc(c)}</td>` : `<th scope="row">${esc(c)}</th>`)).join('')}</tr>`).join('')}</tbody></table>`;
}

// A chart in a <figure>: drawn from a spec ({config, label, table}) or
// hidden when there is nothing to draw. The canvas is an image to
// assistive technology, labelled by the spec; its table follows it.
export class Figure {
  constructor(fig) {
    this.fig = fig;
    this.canvas = fig.querySelector('canvas');
    this.alt = fig.querySelector('.chart-table');
    this.chart = null;
    this.spec = null;
    this.canvas.setAttribute('role', 'img');
    if (this.alt) {
      if (!this.alt.id) this.alt.id = `${this.canvas.id}-table`;
      this.canvas.setAttribute('aria-describedby', this.alt.id);
    }
  }

  show(spec) {
    this.spec = spec;
    this.fig.hidden = !spec;
    if (!spec) {
      this.clear();
      return;
    }
    if (!this.chart || this.chart.config.type !== spec.config.type) {
      this.clear();
      this.chart = makeChart(this.canvas, spec.config);
    } else {
      this.chart.data = spec.config.data;
      this.chart.options = spec.config.options;
      this.chart.update('none');
    }
    this.canvas.setAttribute('aria-label', spec.label);
    if (this.alt) this.alt.innerHTML = tableHtml(spec.table);
  }

  clear() {
    if (this.chart) this.chart.destroy();
    this.chart = null;
    if (this.alt) this.alt.replaceChildren();
  }
}
