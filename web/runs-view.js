// runs-view.js -- past runs: the list kept by the server, and reopening one
'use strict';

import { getJson, getText } from './stream.js';
import { RunModel } from './model.js';
import { $, $$, esc, listOf, showMessage, clearMessages } from './dom.js';
import { state, ui } from './state.js';
import { renderRun } from './run-view.js';
import { renderSweep } from './sweep-view.js';
import { showDemo } from './demos-view.js';

function runId(r) {
  return r.id || r.run || '';
}

function runDescription(r) {
  if (r.request) return decodeURIComponent(String(r.request).replace(/^\/api\//, ''));
  const what = r.kind || r.command || '';
  let mechs = r.mechanisms || r.mechanism || r.target || '';
  if (Array.isArray(mechs)) mechs = mechs.join(',');
  return [what, mechs].filter(Boolean).join(' ');
}

function runWhen(r) {
  const t = r.created_at || r.started_at || r.started;
  if (typeof t === 'number') return new Date(t * 1000).toLocaleString();
  return t ? String(t) : '';
}

export async function loadRuns() {
  const box = $('#runs-list');
  let runs;
  try {
    runs = listOf(await getJson('/api/runs'), 'runs');
  } catch (e) {
    box.textContent = `Could not load past runs: ${e.message}`;
    return;
  }
  if (!runs.length) {
    box.innerHTML = '<p class="empty">No runs yet.</p>';
    return;
  }
  box.innerHTML = '<table><thead><tr><th>run</th><th>what</th><th>status</th><th>when</th><th></th></tr></thead><tbody>' +
    runs.map((r) => `<tr><td>${esc(runId(r))}</td><td>${esc(runDescription(r))}</td><td>${esc(r.status || '')}</td>` +
      `<td>${esc(runWhen(r))}</td>` +
      `<td><button type="button" class="open-run" data-id="${esc(runId(r))}">open</button></td></tr>`).join('') +
    '</tbody></table>';
  $$('.open-run', box).forEach((b) => b.addEventListener('click', () => openRun(b.dataset.id)));
}

// replayInto: feeds stored NDJSON text to a fresh model
function replayInto(text, kind) {
  const model = new RunModel(kind);
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      model.add(JSON.parse(t), t);
    } catch {
      model.add({ type: 'error', message: `unreadable stored line: ${t.slice(0, 80)}` }, t);
    }
  }
  return model;
}

function paramsFromStart(model) {
  for (const e of model.mechs.values()) if (e.start && e.start.params) return e.start.params;
  return null;
}

export async function openRun(id) {
  if (state.busy) return;
  clearMessages();
  let text;
  try {
    text = await getText(`/api/runs/${encodeURIComponent(id)}`);
  } catch (e) {
    showMessage(`Could not open run ${id}: ${e.message}`);
    return;
  }
  const probe = replayInto(text, 'replay');
  const params = paramsFromStart(probe) || {};
  const demoStart = probe.lines.map((l) => { try { return JSON.parse(l); } catch { return {}; } }).find((o) => o.type === 'start' && o.demo);
  if (demoStart) {
    showDemo(probe, { name: demoStart.demo, title: demoStart.title, claim: demoStart.claim });
    ui.setView('demos');
    history.replaceState(null, '', `#view=demos&run=${encodeURIComponent(id)}`);
    return;
  }
  const isSweep = params.sizes !== undefined || probe.order.some((n) => new Set(probe.mechs.get(n).results.map((r) => r.size)).size > 1);
  if (isSweep) {
    state.sweep = [probe];
    ui.setView('sweep');
    renderSweep();
  } else {
    state.run = probe;
    ui.setView('run');
    renderRun();
  }
  for (const e of probe.errors) showMessage(`Run ${id} reported an error: ${e}`);
  if (probe.status !== 'ok') showMessage(`Run ${id} ended with status "${probe.status}".`, probe.status === 'cancelled' ? 'info' : 'error');
  history.replaceState(null, '', `#view=${isSweep ? 'sweep' : 'run'}&run=${encodeURIComponent(id)}`);
  ui.setBusy(false);
}

