// class-view.js -- the Class view: the class board (join code, QR, task, one
// row per student machine, the class's figures) and "Send to class board"
// for a student's own runs. Every student's text is set as textContent.
'use strict';

import { $, showMessage, download } from './dom.js';
import { getJson } from './stream.js';
import { fmtNum } from './format.js';
import { state } from './state.js';
import { theme, axis, logAxis, chartOptions, makeChart, colourFor } from './chart-kit.js';

const POLL_MS = 1000;
let session = null;              // {code, urls, qr} of this server's board, or null
let timer = null;
let last = null;                 // the last board read

function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.append(td);
  return td;
}

function opt(value, text = value) {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function headRow(table, names) {
  const tr = document.createElement('tr');
  for (const n of names) {
    const th = document.createElement('th');
    th.textContent = n;
    tr.append(th);
  }
  table.createTHead().append(tr);
}

// drawQr: the join URL's QR modules on the canvas, with a quiet zone
function drawQr(qr) {
  const cv = $('#class-qr');
  cv.hidden = !qr;
  if (!qr) return;
  const scale = 6;
  const quiet = 4;
  const side = (qr.width + 2 * quiet) * scale;
  cv.width = side;
  cv.height = side;
  const g = cv.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, side, side);
  g.fillStyle = '#000';
  for (let y = 0; y < qr.width; y++) {
    for (let x = 0; x < qr.width; x++) {
      if (qr.modules[y * qr.width + x] === '1') g.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
    }
  }
}

async function fillTasks() {
  const sel = $('#class-task');
  if (sel.options.length) return;
  const demos = await getJson('/api/demos');
  const list = (Array.isArray(demos) ? demos : demos.demos || []).filter((d) => d.kind === 'jobs');
  for (const name of [...list.map((d) => d.name), 'compare']) sel.add(opt(name));
}

// loadClass: the board of this server when it runs one (teacher), and the
// student's send form either way
export async function loadClass() {
  const ses = await getJson('/api/board/session');
  session = ses.board ? ses : null;
  $('#class-board').hidden = !session;
  $('#class-none').hidden = !!session;
  prefillSend();
  if (!session) return;
  $('#class-code').textContent = session.code;
  $('#class-url').textContent = session.urls[0] || '(no LAN address: serve with --bind)';
  drawQr(session.qr);
  await fillTasks().catch(() => {});
  poll();
}

async function poll() {
  clearTimeout(timer);
  if (!session || state.view !== 'class') return;
  try {
    const b = await getJson(`/api/board?code=${encodeURIComponent(session.code)}`);
    renderBoard(b);
  } catch (e) {
    $('#class-status').textContent = `the board cannot be read: ${e.message}`;
  }
  timer = setTimeout(poll, POLL_MS);
}

function labelsOf(b) {
  return b.class.map((c) => c.label);
}

function renderBoard(b) {
  last = b;
  const sel = $('#class-label');
  const labels = labelsOf(b);
  const keep = sel.value;
  if ([...sel.options].map((o) => o.value).join('\n') !== labels.join('\n')) {
    sel.replaceChildren(...labels.map((l) => opt(l)));
    if (labels.includes(keep)) sel.value = keep;
  }
  if (b.task && $('#class-task').value !== b.task && document.activeElement !== $('#class-task')) $('#class-task').value = b.task;
  const n = b.machines.length;
  $('#class-status').textContent = b.task
    ? `task: ${b.task} · ${n} of at most ${b.max} machines`
    : 'no class task yet: pick one and set it';
  renderRows(b, sel.value);
  renderSummary(b);
  renderKey(b);
}

// ---------------------------------------------------------------- the lesson's key figure

// fmtFactor: 21×, 1.6×
export function fmtFactor(x) {
  return x >= 9.95 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`;
}

function fmtRange(lo, hi) {
  const a = fmtFactor(lo);
  const b = fmtFactor(hi);
  return a === b ? a : `${a.slice(0, -1)}–${b}`;
}

// keyHeadline: the class's key figure in the lesson's words: "On all 3
// machines shm sync=mutex was 15–30× slower than shm sync=spin; median
// 21×", the outliers named
export function keyHeadline(k) {
  if (!k) return '';
  const n = k.machines;
  const on = n === 1 ? 'On the one machine so far' : `On all ${n} machines`;
  const slower = k.points.filter((p) => p.factor > 1).length;
  let text;
  if (slower === n) text = `${on} ${k.a} was ${fmtRange(k.min, k.max)} slower than ${k.b}; median ${fmtFactor(k.median)}`;
  else if (slower === 0) text = `${on} ${k.a} was ${fmtRange(1 / k.max, 1 / k.min)} faster than ${k.b}; median ${fmtFactor(1 / k.median)} faster`;
  else text = `On ${slower} of ${n} machines ${k.a} was slower than ${k.b}, on ${n - slower} faster: it took ${fmtRange(k.min, k.max)} its time; median ${fmtFactor(k.median)}`;
  if (k.outliers.length) text += `. Outliers: ${k.outliers.join(', ')}`;
  if (k.other_pairs) text += ` (${k.other_pairs} machine${k.other_pairs === 1 ? '' : 's'} compared another pair)`;
  return `${text}.`;
}

// keySpec: one point per machine on a log axis of the factor, the median
// as a line and the quartiles as a band
export function keySpec(k, th) {
  const n = k.points.length;
  const span = (x) => [{ x, y: -0.5 }, { x, y: n - 0.5 }];
  const box = (lo, hi) => [{ x: lo, y: -0.5 }, { x: hi, y: -0.5 }, { x: hi, y: n - 0.5 }, { x: lo, y: n - 0.5 }, { x: lo, y: -0.5 }];
  const band = th.dark ? 'rgba(255,255,255,0.25)' : 'rgba(31,119,180,0.18)';
  const out = new Set(k.outliers);
  const options = chartOptions(th, {
    title: `${k.a} against ${k.b}`,
    subtitle: `${k.a} against ${k.b}: times the time per message, one point per machine; line: median, band: middle half`,
    x: logAxis(th, '', fmtFactor, k.points.map((p) => p.factor).concat([k.q1, k.q3])),
    y: axis(th, '', null, { min: -0.5, max: n - 0.5, ticks: { display: false }, grid: { display: false } }),
    tooltip: (ctx) => (ctx.datasetIndex === 0 ? `${ctx.raw.as}: ${fmtFactor(ctx.raw.x)}` : `${ctx.dataset.label} ${fmtFactor(ctx.raw.x)}`),
  });
  options.plugins.title.display = false;    // the headline above the chart says it
  return {
    type: 'scatter',
    data: {
      datasets: [
        { label: 'machines', data: k.points.map((p, i) => ({ x: p.factor, y: i, as: p.as })), order: 0,
          pointRadius: 7, pointHoverRadius: 9, backgroundColor: k.points.map((p) => (out.has(p.as) ? '#d62728' : colourFor(k.a))) },
        { type: 'line', label: 'middle half', data: box(k.q1, k.q3), borderColor: band, borderWidth: 1, pointRadius: 0, fill: 'shape', backgroundColor: band, order: 2 },
        { type: 'line', label: 'median', data: span(k.median), borderColor: th.fg, borderWidth: 3, pointRadius: 0, order: 1 },
      ],
    },
    options,
  };
}

function renderKey(b) {
  const k = b.key;
  const cv = $('#class-key-chart');
  $('#class-headline').textContent = keyHeadline(k);
  cv.hidden = !k;
  if (!k) {
    const old = globalThis.Chart && globalThis.Chart.getChart(cv);
    if (old) old.destroy();
    return;
  }
  try {
    makeChart(cv, keySpec(k, theme(state.projector)));
  } catch (e) {
    $('#class-status').textContent = `the class chart cannot be drawn: ${e.message}`;
  }
}

// renderRows: one row per machine: its figure for label, against the class
function renderRows(b, label) {
  const table = $('#class-rows');
  table.replaceChildren();
  const cls = b.class.find((c) => c.label === label);
  const metric = b.machines[0] ? b.machines[0].metric : '';
  const key = b.key ? `${b.key.a} / ${b.key.b}` : 'key figure';
  headRow(table, ['student', `${label || 'figure'} (${metric})`, '× class median', key, 'machine']);
  const body = table.createTBody();
  for (const m of b.machines) {
    const s = m.summaries.find((x) => x.label === label);
    const tr = document.createElement('tr');
    tr.dataset.as = m.as;
    cell(tr, m.as);
    cell(tr, s ? fmtNum(s.median) : '—', 'num');
    cell(tr, s && cls && cls.median ? `${(s.median / cls.median).toFixed(2)}×` : '—', 'num');
    const k = m.key && b.key && m.key.a === b.key.a && m.key.b === b.key.b ? m.key : null;
    cell(tr, k ? `${fmtFactor(k.factor)}${k.low !== null && k.low !== undefined ? ` (${fmtRange(k.low, k.high)})` : ''}` : '—', 'num');
    cell(tr, m.machine ? `${m.machine.cpu_model}, ${m.machine.cores} cores${m.machine.vm ? ', VM' : ''}` : 'not shared');
    if ((cls && cls.outliers.includes(m.as)) || (b.key && b.key.outliers.includes(m.as))) tr.classList.add('outlier');
    body.append(tr);
  }
}

function renderSummary(b) {
  const table = $('#class-summary');
  table.replaceChildren();
  headRow(table, ['label', 'machines', 'median', 'middle half', 'range', 'outliers']);
  const body = table.createTBody();
  for (const c of b.class) {
    const tr = document.createElement('tr');
    cell(tr, c.label);
    cell(tr, String(c.machines), 'num');
    cell(tr, fmtNum(c.median), 'num');
    cell(tr, `${fmtNum(c.q1)} – ${fmtNum(c.q3)}`, 'num');
    cell(tr, `${fmtNum(c.min)} – ${fmtNum(c.max)}`, 'num');
    cell(tr, c.outliers.join(', ') || 'none');
    body.append(tr);
  }
}

async function setTask() {
  const res = await fetch('/api/board/task', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ demo: $('#class-task').value }),
  });
  const j = await res.json().catch(() => ({}));
  if (!res.ok) showMessage(`The task was not set: ${j.error ? j.error.message : res.status}`);
  else renderBoard(j);
}

// exportClass: the board's machines as NDJSON (one post a line) or CSV (one
// row per machine and label)
function exportClass(kind) {
  if (!last) return;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  if (kind === 'ndjson') {
    const text = last.machines.map((m) => JSON.stringify(m)).join('\n') + '\n';
    download(`ipcscope-class-${stamp}.ndjson`, new Blob([text], { type: 'application/x-ndjson' }));
    return;
  }
  const q = (v) => `"${String(v).replace(/"/g, '""')}"`;
  const rows = [['student', 'demo', 'label', 'mechanism', 'size', 'reps', 'metric', 'median', 'min', 'max', 'cpu_model', 'cores', 'vm',
    'key_a', 'key_b', 'key_factor']];
  for (const m of last.machines) {
    for (const s of m.summaries) {
      const mc = m.machine || {};
      rows.push([m.as, m.demo, s.label, s.mechanism, s.size, s.reps, m.metric, s.median, s.min, s.max,
        mc.cpu_model ?? '', mc.cores ?? '', mc.vm ?? '', m.key ? m.key.a : '', m.key ? m.key.b : '', m.key ? m.key.factor : '']);
    }
  }
  const text = rows.map((r) => r.map(q).join(',')).join('\n') + '\n';
  download(`ipcscope-class-${stamp}.csv`, new Blob([text], { type: 'text/csv' }));
}

// ---------------------------------------------------------------- a student's side

async function prefillSend() {
  const sel = $('#send-run');
  try {
    const runs = await getJson('/api/runs');
    const list = (Array.isArray(runs) ? runs : runs.runs || [])
      .filter((r) => r.status === 'ok' && (r.kind === 'demo' || r.kind === 'compare'));
    sel.replaceChildren(...list.map((r) => opt(r.id, `${r.id} · ${r.kind} ${r.target || ''}`)));
  } catch {
    sel.replaceChildren();
  }
}

async function sendRun(ev) {
  ev.preventDefault();
  const body = {
    board: $('#send-board').value.trim(), code: $('#send-code').value.trim(), as: $('#send-as').value,
    run: $('#send-run').value, share_machine: $('#send-machine').checked,
  };
  const res = await fetch('/api/board/send', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  const j = await res.json().catch(() => ({}));
  const out = $('#send-status');
  out.textContent = res.ok ? `Sent to ${body.board} as ${body.as}.` : `Not sent: ${j.error ? j.error.message : res.status}`;
  out.classList.toggle('error', !res.ok);
}

export function wireClass() {
  $('#class-set-task').addEventListener('click', setTask);
  $('#class-label').addEventListener('change', () => { if (last) renderRows(last, $('#class-label').value); });
  $('#class-csv').addEventListener('click', () => exportClass('csv'));
  $('#class-ndjson').addEventListener('click', () => exportClass('ndjson'));
  $('#send-form').addEventListener('submit', sendRun);
}
