// diff-view.js -- two past runs compared across time: pick an earlier run
// (a) and a later one (b), and show /api/diff's verdict per mechanism and
// size, the machine's moves between them, and which rows got slower
'use strict';

import { getText } from './stream.js';
import { fmtBytes, fmtNs, fmtNum } from './format.js';
import { $, esc, markScroll } from './dom.js';

const ENDED = new Set(['ok', 'error', 'cancelled', 'timeout', 'interrupted']);

function idOf(r) {
  return r.id || r.run || '';
}

// diffLines: the lines of a diff's NDJSON text, by type
export function diffLines(text) {
  const out = { start: null, rows: [], end: null };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line);
    if (o.type === 'diff_start') out.start = o;
    else if (o.type === 'diff_row') out.rows.push(o);
    else if (o.type === 'diff_end') out.end = o;
  }
  return out;
}

function figure(v, latency) {
  if (typeof v !== 'number') return '–';
  return latency ? fmtNs(v) : fmtNum(v, 'msg/s');
}

function sideText(tag, s) {
  const sys = s.system || {};
  return `<li><b>${tag}</b>: ${esc(s.name)} · ${esc(s.what || '')} · ${esc(sys.kernel || '?')}, ` +
    `${esc(sys.cpu_model || '?')}, ${esc(String(sys.cores ?? '?'))} cores${s.status === 'ok' ? '' : ` · ended ${esc(s.status)}`}</li>`;
}

const CHANGE_CLASS = {
  slower: 'diff-slower', faster: 'diff-faster', 'no change': 'diff-same',
  'probably slower': 'diff-probably', 'probably faster': 'diff-probably',
};

// renderDiff: the diff's lines as HTML
export function renderDiff(d) {
  const s = d.start;
  const latency = s.metric === 'latency_p50_ns';
  const head = `<ul class="diff-sides">${sideText('a', s.a)}${sideText('b', s.b)}</ul>`;
  const moves = (s.moves || []).map((m) => `<p class="diff-moved warn" role="note">The machine moved between the runs: ${esc(m)}</p>`).join('');
  const asked = (s.params_differ || []).map((m) => `<p class="diff-params">Asked differently: ${esc(m)}</p>`).join('');
  const e = d.end || {};
  const summary = e.slower > 0
    ? `<p class="diff-summary diff-slower">Slower than a by more than ${esc(String(s.threshold_pct))} %: ${esc((e.slower_rows || []).join(', '))}</p>`
    : `<p class="diff-summary diff-same">No row slower than a by more than ${esc(String(s.threshold_pct))} % (${esc(String(e.rows))} rows: ${esc(String(e.no_change))} no change, ${esc(String(e.faster))} faster, ${esc(String(e.probably ?? 0))} probably faster or slower, ${esc(String(e.unknown))} unknown).</p>`;
  const rows = d.rows.map((r) => `<tr class="${CHANGE_CLASS[r.change] || ''}" data-label="${esc(r.label)}" data-change="${esc(r.change)}">` +
    `<th scope="row">${esc(r.label)}</th><td>${esc(fmtBytes(r.size))}</td><td>${esc(figure(r.a_median, latency))}</td>` +
    `<td>${esc(figure(r.b_median, latency))}</td><td class="diff-verdict">${esc(r.verdict_text)}` +
    `${r.unreliable ? `<div class="note">unreliable: ${esc(r.unreliable)}</div>` : ''}` +
    `${r.placement && r.placement !== r.unreliable ? `<div class="note">${esc(r.placement)}</div>` : ''}</td><td class="diff-change">${esc(r.change)}</td></tr>`).join('');
  return `${head}${moves}${asked}${summary}<div class="table-scroll"><table class="diff-table"><thead><tr><th scope="col">mechanism</th>` +
    '<th scope="col">size</th><th scope="col">a median</th><th scope="col">b median</th><th scope="col">b against a</th>' +
    `<th scope="col">change</th></tr></thead><tbody>${rows}</tbody></table></div>` +
    '<p class="hint">b\'s reps against a\'s, of one placement of the CPUs: a 95 % rank-sum interval of the ratio, widened by how far a run can sit off the machine\'s own level (the runs were not interleaved), as ipcscope diff.</p>';
}

// showDiff: fetches and shows the diff of runs a and b
export async function showDiff(a, b) {
  const box = $('#runs-diff');
  if (!box) return;
  box.textContent = `Comparing ${b} against ${a}…`;
  try {
    const d = diffLines(await getText(`/api/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`));
    if (!d.start) throw new Error('the server answered no diff');
    box.innerHTML = renderDiff(d);
    markScroll(box.querySelector('.table-scroll'));
  } catch (e) {
    box.innerHTML = `<p class="error" role="alert">Could not compare ${esc(b)} against ${esc(a)}: ${esc(e.message)}</p>`;
  }
}

// renderDiffPicker: two lists of the ended runs (newest first) and a button
export function renderDiffPicker(runs) {
  const box = $('#runs-diff-pick');
  if (!box) return;
  const ended = (runs || []).filter((r) => ENDED.has(r.status));
  if (ended.length < 2) {
    box.innerHTML = '<p class="hint">Two ended runs can be compared here: did a change make one slower?</p>';
    return;
  }
  const options = (sel) => ended.map((r) => `<option value="${esc(idOf(r))}"${idOf(r) === sel ? ' selected' : ''}>` +
    `${esc(idOf(r))} · ${esc(r.kind || '')} ${esc(r.target || '')}</option>`).join('');
  box.innerHTML = '<fieldset class="diff-pick"><legend>Compare two runs</legend>' +
    `<label>before (a) <select id="diff-a">${options(idOf(ended[1]))}</select></label> ` +
    `<label>after (b) <select id="diff-b">${options(idOf(ended[0]))}</select></label> ` +
    '<button type="button" id="diff-go">compare</button></fieldset>';
  $('#diff-go').addEventListener('click', () => showDiff($('#diff-a').value, $('#diff-b').value));
}
