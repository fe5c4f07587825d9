// export.js -- NDJSON, CSV and PNG downloads of what the current view shows
'use strict';

import { PERCENTILES } from './model.js';
import { $$, download } from './dom.js';
import { state } from './state.js';

export function exportModels() {
  if (state.view === 'sweep') return state.sweep;
  if (state.view === 'demos') return state.demo ? [state.demo] : [];
  return state.run ? [state.run] : [];
}


const CSV_COLUMNS = ['mechanism', 'size', 'rep', 'count', 'elapsed_s', 'msgs_per_s', 'bytes_per_s',
  ...PERCENTILES.map((p) => `latency_${p}_ns`), 'sender_user_s', 'sender_sys_s', 'receiver_user_s', 'receiver_sys_s',
  'verified', 'lost', 'duplicated', 'reordered', 'corrupted', 'errors'];

// toCsv: one row per rep of every result line
export function toCsv(models) {
  const cell = (v) => (v === undefined || v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  const rows = [CSV_COLUMNS.join(',')];
  for (const model of models) {
    for (const e of model.mechs.values()) {
      for (const r of e.results) {
        const l = r.latency_ns || {};
        const c = r.cpu || {};
        const s = c.sender || {};
        const rc = c.receiver || {};
        rows.push([e.name, r.size, r.rep, r.count, r.elapsed_s, r.msgs_per_s, r.bytes_per_s,
          ...PERCENTILES.map((p) => l[p]), s.user_s, s.sys_s, rc.user_s, rc.sys_s,
          r.verified, r.lost, r.duplicated, r.reordered, r.corrupted, r.errors].map(cell).join(','));
      }
    }
  }
  return rows.join('\n') + '\n';
}

// toPng: every visible chart of the view stacked into one image
function toPng() {
  const canvases = $$(`#view-${state.view} canvas`).filter((c) => c.offsetParent && window.Chart.getChart(c));
  const w = Math.max(...canvases.map((c) => c.width));
  const h = canvases.reduce((s, c) => s + c.height, 0);
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const ctx = out.getContext('2d');
  ctx.fillStyle = state.projector ? '#000' : '#fff';
  ctx.fillRect(0, 0, w, h);
  let y = 0;
  for (const c of canvases) {
    ctx.drawImage(c, 0, y);
    y += c.height;
  }
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
    download(`ipcscope-${stamp}.csv`, new Blob([toCsv(models)], { type: 'text/csv' }));
  } else {
    download(`ipcscope-${stamp}.png`, toPng());
  }
}

