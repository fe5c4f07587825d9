// model.js -- collects the NDJSON lines of one run into per-mechanism figures
'use strict';

import { fmtBytes } from './format.js';

export const PERCENTILES = ['p50', 'p90', 'p99', 'p999'];

// median of a non-empty array of numbers
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// spreadOf: {median,min,max,n} of numbers, or null when there are none
export function spreadOf(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x));
  if (!v.length) return null;
  return { median: median(v), min: Math.min(...v), max: Math.max(...v), n: v.length };
}

// resultFigure: one figure of a result line by summary-style key
export function resultFigure(r, key) {
  if (key in r && typeof r[key] === 'number') return r[key];
  const m = /^latency_(p\d+|min|max|mean)_ns$/.exec(key);
  if (m && r.latency_ns) return r.latency_ns[m[1]];
  return undefined;
}

// cpuPct: share of one core a worker spent in user or sys during a rep
export function cpuPct(r, who, kind) {
  const w = r.cpu && r.cpu[who];
  if (!w || !(r.elapsed_s > 0)) return undefined;
  const s = w[kind + '_s'];
  return typeof s === 'number' ? (100 * s) / r.elapsed_s : undefined;
}

// One run's lines, grouped so that charts can ask for figures at any time.
export class RunModel {
  constructor(kind = 'run') {
    this.kind = kind;            // run | sweep | demo | replay
    this.lines = [];             // raw NDJSON text, for export
    this.runIds = [];
    this.order = [];             // mechanisms (or demo variants) in arrival order
    this.mechs = new Map();
    this.comparisons = [];
    this.errors = [];
    this.lesson = '';
    this.status = 'running';
    this.elapsed = null;
    this.queued = null;
    this.mode = 'throughput';
    this.lastLineAt = 0;
    this.runDone = null;         // fraction of the whole run, when the server says
    this.current = null;         // {mechanism, label} of the latest progress line
    this.chart = null;           // experiment demos: the start line's chart hint
    this.points = [];            // experiment demos: their "point" lines
    this.platform = null;        // the end line's platform: against the last run
    this.lessonUnreliable = '';  // demos: why the lesson's figures do not hold
    this.lessonSplit = null;     // demos: the lesson's headline, support and notes
  }

  // entry: the record of one mechanism, created on first sight
  entry(name) {
    const key = name || '(run)';
    if (!this.mechs.has(key)) {
      this.mechs.set(key, { name: key, start: null, progress: null, results: [], summaries: [] });
      this.order.push(key);
    }
    return this.mechs.get(key);
  }

  // add: takes one parsed line (and its text); returns the line's type
  add(obj, text) {
    this.lines.push(text === undefined ? JSON.stringify(obj) : text);
    this.lastLineAt = Date.now();
    const t = obj.type;
    if (obj.run && !this.runIds.includes(obj.run)) this.runIds.push(obj.run);
    const handler = this['on_' + t];
    if (handler) handler.call(this, obj);
    if (typeof obj.lesson === 'string' && obj.lesson) this.lesson = obj.lesson;
    return t;
  }

  on_queued(o) { this.queued = o.position; }

  on_start(o) {
    this.queued = null;
    if (o.params && o.params.mode) this.mode = o.params.mode;
    if (o.chart && typeof o.chart === 'object') this.chart = o.chart;
    if (Array.isArray(o.csv_columns)) this.csvColumns = o.csv_columns;
    if (Array.isArray(o.mechanisms)) o.mechanisms.forEach((m) => { this.entry(m).start = o; });
    if (Array.isArray(o.jobs)) {
      o.jobs.forEach((j) => {
        const e = this.entry(j.label || j.mechanism);
        e.start = o;
        if (j.params && j.params.mode) e.mode = j.params.mode;     // demos mix modes (layers)
      });
    }
    if (o.mechanism || o.label || o.variant) this.entry(labelOf(o)).start = o;
  }

  // progress lines carry the rep's fraction in rep_done (and the whole
  // run's in done); older lines have only done, meaning the rep's
  on_progress(o) {
    const repDone = typeof o.rep_done === 'number' ? o.rep_done : o.done;
    this.current = { mechanism: o.mechanism, label: labelOf(o) };
    this.entry(labelOf(o)).progress = { rep: o.rep, reps: o.reps, done: repDone, size: o.size, step: o.step_index, steps: o.steps };
    if (typeof o.rep_done === 'number' && typeof o.done === 'number') this.runDone = o.done;
  }

  // keyOf: a result or summary belongs to the job whose progress came last
  // (demo jobs share a mechanism and only their progress lines carry a label)
  keyOf(o) {
    if (o.label || o.variant) return labelOf(o);
    if (this.current && this.current.mechanism === o.mechanism) return this.current.label;
    return labelOf(o);
  }

  on_result(o) {
    const e = this.entry(this.keyOf(o));
    e.results.push(o);
    e.progress = { rep: o.rep, reps: o.reps || (e.progress && e.progress.reps), done: 1, size: o.size };
    if (o.latency_ns) this.mode = 'latency';
  }

  on_summary(o) { this.entry(this.keyOf(o)).summaries.push(o); }

  on_comparison(o) { this.comparisons.push(o); }

  on_point(o) { this.points.push(o); }

  on_error(o) { this.errors.push(o.message || o.code || 'error'); }

  on_lesson(o) {
    this.lesson = o.text || o.lesson || '';
    this.lessonUnreliable = typeof o.unreliable === 'string' ? o.unreliable : '';
    // the headline, its supporting sentences and the notes (absent from
    // lessons stored before the lesson line carried them)
    this.lessonSplit = typeof o.headline === 'string' && Array.isArray(o.support) && Array.isArray(o.notes)
      ? { headline: o.headline, support: o.support.map(String), notes: o.notes.map(String) } : null;
  }

  on_end(o) {
    this.runDone = 1;
    this.status = o.status || 'ok';
    this.elapsed = o.elapsed_s;
    if (o.platform && typeof o.platform === 'object') this.platform = o.platform;
  }

  // sizes: every message size seen in results or summaries, ascending
  sizes() {
    const set = new Set();
    for (const e of this.mechs.values()) {
      for (const r of e.results) if (r.size) set.add(r.size);
      for (const s of e.summaries) if (s.size) set.add(s.size);
    }
    return [...set].sort((a, b) => a - b);
  }

  // figure: {median,min,max} of key for mechanism name (at size, if given):
  // the summary's when it has arrived, else computed from the reps so far
  figure(name, key, size) {
    const e = this.mechs.get(name);
    if (!e) return null;
    const sameSize = (x) => size === undefined || x.size === undefined || x.size === size;
    const sum = e.summaries.filter(sameSize).reverse().find((s) => s[key] && typeof s[key] === 'object');
    if (sum) {
      const f = sum[key];
      return { median: f.median, min: f.min, max: f.max, n: sum.reps, final: true };
    }
    const got = spreadOf(e.results.filter(sameSize).map((r) => resultFigure(r, key)));
    return got && { ...got, final: false };
  }

  // cpu: median share of a core (user or sys) for who=sender|receiver
  cpu(name, who, kind) {
    const e = this.mechs.get(name);
    if (!e) return null;
    const s = spreadOf(e.results.map((r) => cpuPct(r, who, kind)));
    return s ? s.median : null;
  }

  // lastHistogram: the latest result of name that carries a histogram
  lastHistogram(name) {
    const e = this.mechs.get(name);
    if (!e) return null;
    for (let i = e.results.length - 1; i >= 0; i--) {
      const h = e.results[i].histogram;
      if (h && Array.isArray(h.edges_ns) && Array.isArray(h.counts)) return { rep: e.results[i].rep, ...h };
    }
    return null;
  }

  // progressOf: fraction 0..1 of name's run done, and a label
  progressOf(name) {
    const e = this.mechs.get(name);
    const p = e && e.progress;
    if (p && !p.reps && typeof p.done === 'number') {     // a demo's step: its own fraction
      const frac = Math.min(1, Math.max(0, p.done));
      const which = p.step && p.steps ? `step ${p.step}/${p.steps}` : 'step';
      return { frac, label: frac >= 1 ? `${which} done` : `${which}: ${Math.round(100 * frac)} %` };
    }
    if (!p || !p.reps) return { frac: 0, label: this.status === 'running' ? 'waiting' : 'not run' };
    const sz = p.size ? ` · ${fmtBytes(p.size)}` : '';
    const sizes = new Set(e.summaries.map((s) => s.size)).size;
    // a summary of the size in progress: that job is done, though a ci
    // met early may leave it short of the reps it was allowed
    const sum = e.summaries.filter((s) => !p.size || s.size === undefined || s.size === p.size).at(-1);
    if (sum) {
      const used = sum.reps_used || sum.reps || p.rep;
      const of = used < p.reps ? ` of up to ${p.reps}` : '';
      return { frac: 1, label: sizes > 1 ? `done: ${sizes} sizes` : `done: ${used}${of} rep${used > 1 || of ? 's' : ''}${sz}` };
    }
    const done = Math.min(1, Math.max(0, p.done || 0));
    const frac = Math.min(1, p.done >= 1 ? p.rep / p.reps : (p.rep - 1 + done) / p.reps);
    // a run that ended before this job's summary: it stopped there
    if (this.status !== 'running') return { frac, label: `stopped at rep ${p.rep}/${p.reps}${sz}`, stopped: true };
    return { frac, label: `rep ${p.rep}/${p.reps}${sz}` };
  }

  // wholeDone: the fraction of the whole run done, or null before the
  // server says. Jobs that met their interval early leave reps never run
  // in the server's count; the jobs' own progress (a finished one whole)
  // says more then, when the start line listed every job
  wholeDone() {
    if (this.runDone === null) return null;
    // (a sweep's jobs are mechanisms over several sizes: the server's count only)
    const listed = this.kind !== 'sweep' && this.order.length && this.order.every((n) => this.mechs.get(n).start);
    if (!listed) return this.runDone;
    const own = this.order.reduce((sum, n) => sum + this.progressOf(n).frac, 0) / this.order.length;
    return Math.max(this.runDone, Math.min(1, own));
  }

  hasLatency() {
    for (const e of this.mechs.values()) if (e.results.some((r) => r.latency_ns)) return true;
    return false;
  }
}

// labelOf: what a result/summary line is about (demos may use label or variant)
export function labelOf(o) {
  return o.label || o.variant || o.mechanism || '(run)';
}
