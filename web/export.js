// export.js -- NDJSON, CSV and PNG downloads of what the current view shows
// (run, sweep or demo); the CSV has the CLI's columns, the PNG a title
'use strict';

import { RUN_CHARTS } from './run-charts.js';
import { sweepSpec, demoSpec } from './other-charts.js';
import { pointsSpec } from './demo-points.js';
import { theme, makeChart } from './chart-kit.js';
import { machineLine } from './machine.js';
import { $, download } from './dom.js';
import { state } from './state.js';
import { cautions } from './trust-view.js';
import { fmtBytes, fmtNum } from './format.js';
import { mechOptions } from './form.js';

export function exportModels() {
  if (state.view === 'sweep') return state.sweep;
  if (state.view === 'demos') return state.demo ? [state.demo] : [];
  return state.run ? [state.run] : [];
}

// The CLI's CSV columns (`ipcscope bench --format csv`), used until the
// server's catalogue names them (csv_columns in /api/mechanisms).
export const CLI_CSV_COLUMNS = ['mechanism', 'label', 'size', 'rep', 'count', 'elapsed_s', 'msgs_per_s', 'bytes_per_s',
  'lat_min_ns', 'lat_p50_ns', 'lat_p90_ns', 'lat_p99_ns', 'lat_p999_ns', 'lat_max_ns', 'lat_mean_ns',
  'sender_user_s', 'sender_sys_s', 'sender_util_pct', 'receiver_user_s', 'receiver_sys_s', 'receiver_util_pct',
  'sender_vol_cs', 'sender_invol_cs', 'receiver_vol_cs', 'receiver_invol_cs',
  'verified', 'lost', 'duplicated', 'reordered', 'corrupted', 'errors'];

// csvValue: one column of a result line, by the CLI's column name
// (or a {name, path} pair whose dotted path leads into the line)
export function csvValue(r, col) {
  if (col && typeof col === 'object') return col.path ? col.path.split('.').reduce((o, k) => (o === undefined || o === null ? o : o[k]), r) : r[col.name];
  if (col in r && typeof r[col] !== 'object') return r[col];
  let m = /^lat_(\w+)_ns$/.exec(col);
  if (m) return r.latency_ns ? r.latency_ns[m[1]] : undefined;
  m = /^(sender|receiver)_(user_s|sys_s|util_pct)$/.exec(col);
  if (m) return r.cpu && r.cpu[m[1]] ? r.cpu[m[1]][m[2]] : undefined;
  m = /^(sender|receiver)_(vol|invol)_cs$/.exec(col);
  if (m) {
    const c = r.ctx_switches && r.ctx_switches[m[1]];
    return c ? c[m[2] === 'vol' ? 'voluntary' : 'involuntary'] : undefined;
  }
  return undefined;
}

function csvCell(v) {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// csvColumns: the columns the run's own start line names (csv_columns, the
// CLI's list), else the catalogue's, else the CLI's as this page knows them
function csvColumns(models) {
  const m = models.find((x) => Array.isArray(x.csvColumns) && x.csvColumns.length);
  return m ? m.csvColumns : state.csvColumns || CLI_CSV_COLUMNS;
}

// toCsv: one row per rep of every result line, the CLI's columns
export function toCsv(models, columns = csvColumns(models)) {
  const names = columns.map((c) => (typeof c === 'object' ? c.name : c));
  const rows = [names.join(',')];
  for (const model of models) {
    for (const e of model.mechs.values()) {
      for (const r of e.results) {
        rows.push(columns.map((c) => {
          const name = typeof c === 'object' ? c.name : c;
          // label: the job's (a demo's variant: "shm sync=mutex"), else its mechanism
          if (name === 'label') return csvCell(r.label || e.name || r.mechanism);
          return csvCell(c === 'mechanism' ? r.mechanism || e.name : csvValue(r, c));
        }).join(','));
      }
    }
  }
  return rows.join('\n') + '\n';
}

// pointsCsv: an experiment demo's "point" lines, one column per field seen
export function pointsCsv(models) {
  const pts = models.flatMap((m) => m.points || []);
  const keys = [...new Set(pts.flatMap((p) => Object.keys(p)))].filter((k) => k !== 'type' && k !== 'run' && typeof pts.find((p) => k in p)[k] !== 'object');
  return [keys.join(','), ...pts.map((p) => keys.map((k) => csvCell(p[k])).join(','))].join('\n') + '\n';
}

const hasResults = (models) => models.some((m) => [...m.mechs.values()].some((e) => e.results.length));

// exportSpecs: the charts of the view that hold data (never a blank one),
// built again in the page's light theme
function exportSpecs(models) {
  const th = theme(false);
  if (state.view === 'sweep') return [sweepSpec(models, $('#sweep-metric').value, th)].filter(Boolean);
  if (state.view === 'demos') {
    const info = state.demoInfo || {};
    const title = info.title || info.name || 'demo';
    return [models[0].chart ? pointsSpec(models[0], title, th) : demoSpec(models[0], title, info.metric, th)].filter(Boolean);
  }
  const opts = { metric: $('#metric').value, log: $('#logscale').checked, histMech: $('#histmech').value };
  return Object.values(RUN_CHARTS).map((build) => build(models[0], opts, th)).filter(Boolean);
}

// paramsText: the run's params as the screen says them ("size 4 KiB",
// "duration 0.1 s"), without a mechanism option that none of the run's
// mechanisms has, and without any in a demo (its variants are its labels)
export function paramsText(p, mechanisms, demo) {
  const owners = new Map(mechOptions(state.catalogue || new Map()).map((o) => [o.name, o.mechs]));
  const show = (k, v) => {
    if (k === 'size') return `size ${fmtBytes(v)}`;
    if (k === 'sizes' && Array.isArray(v)) return `sizes ${v.map(fmtBytes).join(', ')}`;
    if (k === 'duration') return `duration ${v} s`;
    return `${k} ${v}`;
  };
  return Object.entries(p).filter(([k, v]) => (typeof v !== 'object' || (k === 'sizes' && Array.isArray(v))) &&
    (!owners.has(k) || (!demo && owners.get(k).some((m) => mechanisms.includes(m)))))
    .map(([k, v]) => show(k, v)).join(' · ');
}

// comparisonLines: each comparison of the run as sentences for the PNG:
// "pipe: 0.0887× shm's msgs/s (can't tell apart)"
export function comparisonLines(models) {
  const out = [];
  for (const m of models) {
    for (const c of m.comparisons || []) {
      const base = c.baseline_label || c.baseline;
      const unit = c.metric === 'bytes_per_s' ? 'bytes/s' : c.metric === 'msgs_per_s' ? 'msgs/s' : String(c.metric || '').replace(/_/g, ' ');
      for (const r of c.rows || []) {
        const name = r.label || r.mechanism;
        if (name === base || typeof r.ratio !== 'number') continue;
        out.push(`${name}: ${fmtNum(r.ratio)}× ${base}'s ${unit}${r.verdict_text ? ` (${r.verdict_text})` : ''}`);
      }
    }
  }
  return out;
}

// headerLines: title, params and machine stamped on the PNG, and what the
// screen says beside the charts: a demo's lesson, a run's comparison
export function headerLines(models) {
  const m = models[0];
  const start = m.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((o) => o.type === 'start') || {};
  const what = state.view === 'demos' ? `demo ${(state.demoInfo && (state.demoInfo.title || state.demoInfo.name)) || ''}`
    : state.view === 'sweep' ? `size sweep of ${models.flatMap((x) => x.order).join(', ')}`
      : `${m.order.length > 1 ? 'compare' : 'bench'} ${m.order.join(', ')}`;
  const p = start.params || {};
  const mechanisms = [].concat(start.mechanisms || start.mechanism || models.flatMap((x) => x.order));
  const params = paramsText(p, mechanisms, state.view === 'demos');
  const ids = models.flatMap((x) => x.runIds).join(', ');
  return {
    title: `ipcscope: ${what}`,
    params: params || 'default params',
    machine: `${machineLine(start.system || state.system) || 'machine unknown'} · run ${ids || '(not stored)'} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    cautions: cautions(m),
    lesson: state.view === 'demos' ? m.lesson || '' : '',
    comparison: state.view === 'demos' ? [] : comparisonLines(models),
  };
}

const PNG_LINE = 22;

// wrapLines: text cut at spaces into lines no wider than width on ctx
function wrapLines(ctx, text, width) {
  const lines = [''];
  for (const word of text.split(' ')) {
    const next = lines[lines.length - 1] ? `${lines[lines.length - 1]} ${word}` : word;
    if (ctx.measureText(next).width > width && lines[lines.length - 1]) lines.push(word);
    else lines[lines.length - 1] = next;
  }
  return lines;
}

const PNG_CHART_W = 900;
const PNG_CHART_H = 460;
const PNG_PAD = 16;
const PNG_HEAD = 96;
const PNG_CAUTION_FONT = 'bold 16px system-ui, "DejaVu Sans", sans-serif';
const PNG_TEXT_FONT = '17px system-ui, "DejaVu Sans", sans-serif';

// renderSpec: draws one spec onto an off-screen canvas of a fixed size
function renderSpec(spec) {
  const c = document.createElement('canvas');
  c.width = PNG_CHART_W;
  c.height = PNG_CHART_H;
  $('#export-stage').append(c);
  const cfg = spec.config;
  const chart = makeChart(c, { ...cfg, options: { ...cfg.options, responsive: false, devicePixelRatio: 1 } });
  chart.draw();
  return { c, chart };
}

// toPng: the view's charts two by two under a header naming what, how and where
export function toPng(models) {
  const specs = exportSpecs(models);
  const cols = specs.length > 1 ? 2 : 1;
  const rows = Math.max(1, Math.ceil(specs.length / cols));
  const out = document.createElement('canvas');
  out.width = cols * PNG_CHART_W + (cols + 1) * PNG_PAD;
  const h = headerLines(models);
  // a run that does not hold says so on its picture too, in red under the header
  const ctx = out.getContext('2d');
  ctx.font = PNG_CAUTION_FONT;
  const warn = h.cautions.flatMap((t) => wrapLines(ctx, `⚠ ${t}`, out.width - 2 * PNG_PAD));
  ctx.font = PNG_TEXT_FONT;
  // the lesson (a demo) or the comparison (a run): what the screen says beside the charts
  const said = (h.lesson ? [h.lesson] : h.comparison).flatMap((t) => wrapLines(ctx, t, out.width - 2 * PNG_PAD));
  const saidTop = PNG_HEAD + warn.length * PNG_LINE;
  const head = saidTop + said.length * PNG_LINE + (said.length ? PNG_PAD / 2 : 0);
  out.height = head + rows * (PNG_CHART_H + PNG_PAD) + PNG_PAD;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = '#1b1f24';
  ctx.font = 'bold 26px system-ui, "DejaVu Sans", sans-serif';
  ctx.fillText(h.title, PNG_PAD, 36, out.width - 2 * PNG_PAD);
  ctx.font = '16px system-ui, "DejaVu Sans", sans-serif';
  ctx.fillStyle = '#333';
  ctx.fillText(h.params, PNG_PAD, 62, out.width - 2 * PNG_PAD);
  ctx.fillText(h.machine, PNG_PAD, 84, out.width - 2 * PNG_PAD);
  ctx.font = PNG_CAUTION_FONT;
  ctx.fillStyle = '#b3261e';
  warn.forEach((line, i) => ctx.fillText(line, PNG_PAD, PNG_HEAD + (i + 0.5) * PNG_LINE));
  ctx.font = PNG_TEXT_FONT;
  ctx.fillStyle = '#1b1f24';
  said.forEach((line, i) => ctx.fillText(line, PNG_PAD, saidTop + (i + 0.75) * PNG_LINE));
  ctx.fillStyle = '#333';
  if (!specs.length) {
    ctx.fillText('no chart: this run holds no figures', PNG_PAD, head + 30);
  }
  specs.forEach((spec, i) => {
    const { c, chart } = renderSpec(spec);
    const x = PNG_PAD + (i % cols) * (PNG_CHART_W + PNG_PAD);
    const y = head + Math.floor(i / cols) * (PNG_CHART_H + PNG_PAD);
    ctx.drawImage(c, x, y);
    chart.destroy();
    c.remove();
  });
  return out.toDataURL('image/png');
}

export function onExport(kind) {
  const models = exportModels();
  if (!models.length) return;
  const stamp = (models[0].runIds[0] || 'run') + (models.length > 1 ? `-and-${models.length - 1}-more` : '');
  if (kind === 'ndjson') {
    const text = models.map((m) => m.lines.join('\n') + '\n').join('');
    download(`ipcscope-${stamp}.ndjson`, new Blob([text], { type: 'application/x-ndjson' }));
  } else if (kind === 'csv') {
    const text = !hasResults(models) && models.some((m) => m.points && m.points.length) ? pointsCsv(models) : toCsv(models);
    download(`ipcscope-${stamp}.csv`, new Blob([text], { type: 'text/csv' }));
  } else {
    download(`ipcscope-${stamp}.png`, toPng(models));
  }
}
