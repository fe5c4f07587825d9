// trust-view.js -- what a run says about its own reliability, in words: the
// comparison table with its unreliable rows, the notes on the reps, the
// caution shown at the top (unreliable here, a platform that moved since
// the last run) and the muted note under the charts
'use strict';

import { sig, fmtNum, fmtBytes, fmtTimes, ratioWords, metricInfo, betterNote } from './format.js';
import { esc, markScroll, scrollTable } from './dom.js';

// past this many jobs a finding is said in counts, not by name
const NAMES_MAX = 4;
// past this many notes on the reps, they fold away under a summary
const NOTES_OPEN_MAX = 6;

// capital: text with its first letter upper case
const capital = (t) => `${t[0].toUpperCase()}${t.slice(1)}`;

// platformMoved: the platform moved since the last run, in words ('' when
// not): the move, and that ratios within this run still hold
export function platformMoved(model) {
  const p = model && model.platform;
  const c = model && model.comparisons.at(-1);
  if (!(p && p.moved_since_last_run === true) && !(c && c.platform_moved_since_last_run === true)) return '';
  const move = p && typeof p.note === 'string' && p.note ? capital(p.note.replace(/\.$/, '')) :
    'The platform moved since the last run; figures from the two runs are not comparable';
  return `${move}. ${c ? 'The ratios here hold within this run, whose reps were interleaved.' : ''}`.trim();
}

// lessonParts: a demo's lesson split into its caution ("Unreliable here
// (why), so take this with care: ", from the lesson line's unreliable) and
// the lesson proper
export function lessonParts(model) {
  const text = (model && model.lesson) || '';
  const why = model && typeof model.lessonUnreliable === 'string' ? model.lessonUnreliable : '';
  if (!why) return { why: '', text };
  const prefix = `Unreliable here (${why}), so take this with care: `;
  return { why, text: text.startsWith(prefix) ? text.slice(prefix.length) : text };
}

// anyUnreliable: a reason some row of the run's comparisons is unreliable ('' if none)
function anyUnreliable(model) {
  for (const c of model.comparisons) {
    for (const r of c.rows || []) if (unreliableWhy(r)) return unreliableWhy(r);
  }
  return '';
}

// cautions: what the top of the view warns of, one sentence or two each:
// figures unreliable here (the lesson's reason, or without a lesson that
// of the comparison)
// and a platform that moved since the last run
export function cautions(model) {
  if (!model) return [];
  const parts = [];
  const { why } = lessonParts(model);
  if (why) parts.push(`Unreliable here: ${why}. Take the lesson with care.`);
  // a demo's lesson says which of its claims are at risk: rows it does not
  // rest on are flagged in their table, not above the lesson
  else if (!model.lesson && anyUnreliable(model)) parts.push('Unreliable here: the noise could change some verdicts; the reasons are under the comparison.');
  parts.push(platformMoved(model));
  return parts.filter(Boolean);
}

export const cautionText = (model) => cautions(model).join(' ');

// renderCautions: each caution a line of its own in box (of a model, or given)
export function renderCautions(model, box, list = cautions(model)) {
  box.innerHTML = list.map((t) => `<p class="caution">${esc(t)}</p>`).join('');
}

// named: "a, b, c" by name, or in counts past NAMES_MAX jobs
function named(list, total) {
  return list.length > NAMES_MAX ? `${list.length} of ${total} jobs` : list.join(', ');
}

// peerDisturbed: the reps of e disturbed on the peer's host (cross-host runs)
function peerDisturbed(e) {
  return e.results.filter((r) => r.interference && r.interference.peer && r.interference.peer.disturbed === true).length;
}

// disturbedWords: a disturbed rep's title: how much others took of its
// CPUs, on each side of a cross-host run ('' when not disturbed)
export function disturbedWords(x) {
  if (!x || !x.disturbed) return '';
  const took = (y) => `other processes took ${sig(y.other_cpu_pct)}% of its CPUs' time, steal ${sig(y.steal_pct)}%`;
  const p = x.peer && typeof x.peer === 'object' ? x.peer : null;
  if (!p) return `disturbed: ${took(x)}`;
  return `disturbed ${p.disturbed ? 'on the peer' : 'on this host'}: on the peer ${took(p)}; on this host ${took(x)}`;
}

// trustNote: what the run says about its own reliability: reps disturbed
// by other processes, a platform that moved during the run, an interval
// left wide (a platform moved since the last run is the caution's)
export function trustNote(model) {
  if (!model) return '';
  const disturbed = [];
  const moved = [];
  const loose = [];
  let hit = 0;
  let all = 0;
  for (const n of model.order) {
    const s = model.mechs.get(n).summaries.at(-1);
    if (!s) continue;
    const reps = s.reps_used || s.reps;
    all += reps || 0;
    if (Array.isArray(s.disturbed_reps) && s.disturbed_reps.length) {
      const far = peerDisturbed(model.mechs.get(n));
      disturbed.push(`${n} ${s.disturbed_reps.length} of ${reps}${far ? ` (${far} on the peer's host)` : ''}`);
      hit += s.disturbed_reps.length;
    }
    if (s.platform_moved) moved.push(n);
    if (s.ci_reached === false && model.status !== 'running') loose.push(`${n} (${reps})`);
  }
  const total = model.order.filter((n) => model.mechs.get(n).summaries.length).length;
  const parts = [];
  if (disturbed.length > NAMES_MAX) parts.push(`Reps disturbed by other processes on the run's CPUs: ${hit} of ${all} reps, in ${disturbed.length} of ${total} jobs.`);
  else if (disturbed.length) parts.push(`Reps disturbed by other processes on the run's CPUs: ${disturbed.join(', ')}.`);
  if (moved.length) parts.push(`The platform moved during ${named(moved, total)}: the cache-line round trip between the CPUs changed, so reps ran on different placements.`);
  if (loose.length) parts.push(`Out of reps before the median's interval was as tight as asked: ${named(loose, total)}.`);
  return parts.join(' ');
}

// ciText: the 95 % interval of a ratio in the words of the ratio itself,
// "11.9–50.3× slower"; an interval around 1 stays plain, "0.91–1.1×" (a
// row written before comparisons carried their verdict)
function ciText(r, higher) {
  const lo = r.ci_low;
  const hi = r.ci_high;
  if (typeof lo !== 'number' || typeof hi !== 'number' || !(lo > 0) || !(hi > 0)) return '–';
  // below 0.1, two significant digits keep it to three decimals ("0.058")
  if (lo <= 1 && hi >= 1) return `${sig(lo, lo < 0.1 ? 2 : undefined)}–${fmtTimes(hi)}`;
  const above = lo > 1;
  const better = higher ? above : !above;
  return `${sig(above ? lo : 1 / hi)}–${fmtTimes(above ? hi : 1 / lo)} ${better ? 'faster' : 'slower'}`;
}

// VERDICT_HEAD: the headline of each verdict but clear, as the CLI words it
const VERDICT_HEAD = { same: 'can\'t tell apart', unknown: 'too few reps to tell', baseline: 'baseline' };

// hasVerdict: the row carries the verdict of its interval (see docs/API.md)
const hasVerdict = (r) => typeof r.verdict === 'string';

// verdictHead: the headline of a row's verdict, "2.02× faster", "probably
// slower", "can't tell apart"
function verdictHead(r) {
  if (r.verdict === 'clear') return `${sig(r.factor)}× ${r.direction}`;
  if (r.verdict === 'probably') return `probably ${r.direction}`;
  return VERDICT_HEAD[r.verdict] || r.verdict;
}

// verdictRange: the interval in the direction of the headline, "1.6–2.5×"
// (how many times faster or slower); "within ±4%" for can't tell apart
function verdictRange(r) {
  if (r.direction && Number.isFinite(r.factor_low) && Number.isFinite(r.factor_high)) {
    return `${sig(r.factor_low)}–${fmtTimes(r.factor_high)}`;
  }
  if (r.verdict === 'same') {
    const m = /\(([^)]*)\)$/.exec(r.verdict_text || '');
    return m ? m[1] : `${sig(r.ci_low)}–${fmtTimes(r.ci_high)}`;
  }
  return '–';
}

// unreliableWhy: why a comparison row is unreliable here, '' when it is not
function unreliableWhy(r) {
  if (!(r.reliable === false || r.unreliable)) return '';
  return r.why || (typeof r.unreliable === 'string' ? r.unreliable : 'see the notes below');
}

// noiseCell: what could change a row's verdict: the noise ("unreliable
// here", its reason under the table), or why it is only probable; a row
// without a verdict says whether it differs beyond the noise
function noiseCell(r, base) {
  if (unreliableWhy(r)) return `<span class="warn">${base || hasVerdict(r) ? 'unreliable here' : 'can\'t tell: unreliable here'}</span>`;
  if (base) return '';
  if (hasVerdict(r)) return r.verdict_basis ? esc(r.verdict_basis) : r.verdict === 'unknown' ? '' : 'holds';
  if (r.significant) return 'yes';
  return r.ci_low === null || r.ci_low === undefined ? 'too few reps to tell' : 'no, within the noise';
}

// comparisonRow: one table row of a comparison line, in the words of its
// verdict; an unreliable row is flagged, its reason said once under the table
function comparisonRow(r, m, c) {
  const base = r.verdict === 'baseline' || (r.ratio === 1 && (r.mechanism === c.baseline || r.label === c.baseline_label));
  const vs = base ? 'baseline' : hasVerdict(r) ? verdictHead(r) : ratioWords(r.ratio, m.higher);
  const ci = base ? '' : hasVerdict(r) ? verdictRange(r) : ciText(r, m.higher);
  const cls = unreliableWhy(r) ? ' class="unreliable"' : '';
  return `<tr${cls}><th scope="row">${esc(r.label || r.mechanism)}</th><td>${r.size ? esc(fmtBytes(r.size)) : ''}</td>` +
    `<td>${esc(m.fmt(r.median))}</td><td>${esc(vs)}</td><td>${esc(ci)}</td><td>${noiseCell(r, base)}</td></tr>`;
}

// whyHtml: each distinct reason a comparison row is unreliable, once
function whyHtml(c) {
  const why = [...new Set(c.rows.map(unreliableWhy).filter(Boolean))];
  return why.length ? `<p class="warn why">Unreliable here: ${why.map(esc).join('; ')}</p>` : '';
}

// notesHtml: what the summaries say about their reps, in words ("rep 3 ran
// 19× slower than the others", two regimes, a wide interval), but for a
// note a comparison already gave as its reason; many fold away
export function notesHtml(model) {
  const said = new Set(model.comparisons.flatMap((c) => (c.rows || []).map(unreliableWhy)));
  const notes = model.order.flatMap((n) => {
    const s = model.mechs.get(n).summaries.at(-1);
    return s && Array.isArray(s.notes) ? s.notes.map((t) => `${n}: ${t}`).filter((t) => !said.has(t)) : [];
  });
  return foldedList(notes, 'what the reps say', 'notes');
}

// foldedList: items as a list, folded under "summary: N what" past NOTES_OPEN_MAX
function foldedList(items, summary, what) {
  if (!items.length) return '';
  const list = `<ul class="notes">${items.map((t) => `<li>${esc(t)}</li>`).join('')}</ul>`;
  if (items.length <= NOTES_OPEN_MAX) return list;
  return `<details class="notes-more"><summary>${esc(summary)}: ${items.length} ${esc(what)}</summary>${list}</details>`;
}

// sweepTrust: a sweep's points that did not hold over their reps (each
// mechanism at each size), as cautions for its top and a list for under
// its chart; and a platform that moved since the last run
export function sweepTrust(models) {
  const bad = [];
  let points = 0;
  for (const m of models) {
    for (const n of m.order) {
      for (const s of m.mechs.get(n).summaries) {
        points += 1;
        if (typeof s.unreliable === 'string' && s.unreliable) bad.push(`${n} ${fmtBytes(s.size)}: ${s.unreliable}`);
      }
    }
  }
  const out = [];
  if (bad.length) out.push(`Unreliable here: ${bad.length} of ${points} points did not hold over their reps; each is listed under the chart.`);
  const moved = models.map(platformMoved).find(Boolean);
  if (moved) out.push(moved);
  return { cautions: out, html: foldedList(bad, 'points that did not hold', 'points') };
}

// comparisonHtml: one comparison line as a table, with its rows' reasons;
// rates of round trips (every row's job ran in mode latency) say so
export function comparisonHtml(c, model) {
  const modeOf = (r) => model && model.mechs.get(r.label || r.mechanism) && model.mechs.get(r.label || r.mechanism).mode;
  const trips = (c.metric || 'msgs_per_s') === 'msgs_per_s' && c.rows.length && c.rows.every((r) => modeOf(r) === 'latency');
  const m = trips ? { ...metricInfo('msgs_per_s'), name: 'round trips/s', fmt: (v) => fmtNum(v, 'rt/s') } : metricInfo(c.metric || 'msgs_per_s');
  const higher = c.higher_is_better === undefined ? m.higher : c.higher_is_better !== false;
  const mm = { ...m, higher };
  const rows = c.rows.map((r) => comparisonRow(r, mm, c)).join('');
  const verdicts = c.rows.some(hasVerdict);
  return `<h2>Compared with ${esc(c.baseline_label || c.baseline)} (${esc(m.name)}, ${betterNote(higher)})</h2>` +
    scrollTable(`<table><thead><tr><th scope="col">mechanism</th><th scope="col">size</th><th scope="col">median ${esc(m.name)}</th>` +
    `<th scope="col">against ${esc(c.baseline_label || c.baseline)}</th><th scope="col">95 % interval</th><th scope="col">${verdicts ? 'holds?' : 'beyond the noise'}</th></tr></thead><tbody>${rows}</tbody></table>`) +
    whyHtml(c);
}

// renderComparison: every comparison line of the run (crossover writes one
// per message size, so that mechanisms meet at the same size only), then
// the notes on the reps once
export function renderComparison(model, box) {
  const tables = model.comparisons.filter((c) => Array.isArray(c.rows));
  box.innerHTML = tables.map((c) => comparisonHtml(c, model)).join('') + notesHtml(model);
  if (box.querySelectorAll) box.querySelectorAll('.table-scroll').forEach(markScroll);
}
