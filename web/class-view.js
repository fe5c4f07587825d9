// class-view.js -- the Class view: the class board (join code, QR, task, one
// row per student machine, the class's figures) and "Send to class board"
// for a student's own runs. Every student's text is set as textContent.
'use strict';

import { $, showMessage, download } from './dom.js';
import { getJson } from './stream.js';
import { fmtNum } from './format.js';
import { state } from './state.js';

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
}

// renderRows: one row per machine: its figure for label, against the class
function renderRows(b, label) {
  const table = $('#class-rows');
  table.replaceChildren();
  const cls = b.class.find((c) => c.label === label);
  const metric = b.machines[0] ? b.machines[0].metric : '';
  headRow(table, ['student', `${label || 'figure'} (${metric})`, '× class median', 'machine']);
  const body = table.createTBody();
  for (const m of b.machines) {
    const s = m.summaries.find((x) => x.label === label);
    const tr = document.createElement('tr');
    tr.dataset.as = m.as;
    cell(tr, m.as);
    cell(tr, s ? fmtNum(s.median) : '—', 'num');
    cell(tr, s && cls && cls.median ? `${(s.median / cls.median).toFixed(2)}×` : '—', 'num');
    cell(tr, m.machine ? `${m.machine.cpu_model}, ${m.machine.cores} cores${m.machine.vm ? ', VM' : ''}` : 'not shared');
    if (cls && cls.outliers.includes(m.as)) tr.classList.add('outlier');
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
  const rows = [['student', 'demo', 'label', 'mechanism', 'size', 'reps', 'metric', 'median', 'min', 'max', 'cpu_model', 'cores', 'vm']];
  for (const m of last.machines) {
    for (const s of m.summaries) {
      const mc = m.machine || {};
      rows.push([m.as, m.demo, s.label, s.mechanism, s.size, s.reps, m.metric, s.median, s.min, s.max,
        mc.cpu_model ?? '', mc.cores ?? '', mc.vm ?? '']);
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
