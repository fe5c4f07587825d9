// form.js -- reads, checks and shares the run parameters (same names as the API)
'use strict';

// The ranges, words and messages of every common param come from the
// server's table (GET /api/params): this file copies no limit.

// paramTable: the rows of GET /api/params by name
export function paramTable(rows) {
  return new Map((Array.isArray(rows) ? rows : []).map((r) => [r.name, r]));
}

// refusal: what the server says of value for row: "bad value 'V' for NAME: expected ..."
export function refusal(row, value) {
  if (row.kind === 'secret' || row.kind === 'id') return `bad value for ${row.name}: expected ${row.expect}`;
  return `bad value '${value}' for ${row.name}: expected ${row.expect}`;
}

const PLAIN_DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;

// accepts: value is what row's kind and range take (as the server's parser)
export function accepts(row, value) {
  const inRange = (v) => (v >= row.min && v <= row.max) || (row.zero_off && v === 0);
  switch (row.kind) {
    case 'word': return row.values.includes(value);
    case 'flag': return value === '0' || value === '1';
    case 'whole': return /^\d+$/.test(value) && inRange(Number(value));
    case 'seconds': return PLAIN_DECIMAL.test(value) && inRange(Number(value));
    case 'size': case 'size_list': return inRange(parseSize(value));
    case 'secret': case 'id': return /^[A-Za-z0-9_-]*$/.test(value) && inRange(value.length);
    default: return true;
  }
}

// parseSize: "64", "4K", "1M" (powers of 1024) to bytes, or NaN
export function parseSize(s) {
  const m = /^(\d{1,20})([KkMm]?)$/.exec(s);
  if (!m) return NaN;
  const mul = { '': 1, k: 1024, m: 1048576 }[m[2].toLowerCase()];
  return Number(m[1]) * mul;
}

// readForm: the form's values as strings, plus the chosen mechanisms
export function readForm(form) {
  const f = form.elements;
  return {
    mechanisms: [...form.querySelectorAll('input[name="mech"]:checked')].map((c) => c.value),
    mode: f.mode.value,
    size: f.size.value.trim(),
    sizes: f.sizes.value.replace(/\s+/g, ''),
    amount: form.querySelector('input[name="amount"]:checked').value,
    count: f.count.value.trim(),
    duration: f.duration.value.trim(),
    reps: f.reps.value.trim(),
    warmup: f.warmup.value.trim(),
    pin: f.pin.value.trim(),
    ci: f.ci.value.trim(),
    peer: f.peer.value.trim(),
    token: f.token.value.trim(),
    options: Object.fromEntries([...form.querySelectorAll('label[data-option] select')].map((s) => [s.name, s.value])),
    verify: f.verify.checked,
  };
}

// writeForm: puts params (as found in a URL) back into the form
export function writeForm(form, p) {
  const f = form.elements;
  if (p.mechanisms) {
    const want = new Set(p.mechanisms.split(',').filter(Boolean));
    form.querySelectorAll('input[name="mech"]').forEach((c) => { c.checked = want.has(c.value); });
  }
  for (const k of ['mode', 'size', 'sizes', 'reps', 'warmup', 'pin', 'ci', 'peer']) {
    if (p[k] !== undefined) f[k].value = p[k];
  }
  form.querySelectorAll('label[data-option] select').forEach((s) => { if (p[s.name] !== undefined) s.value = p[s.name]; });
  let amount = 'auto';
  if (p.count !== undefined) { f.count.disabled = false; f.count.value = p.count; amount = 'count'; }
  if (p.duration !== undefined) { f.duration.disabled = false; f.duration.value = p.duration; amount = 'duration'; }
  form.querySelector(`input[name="amount"][value="${amount}"]`).checked = true;
  if (p.verify !== undefined) f.verify.checked = p.verify !== '0';
  syncAmount(form);
}

// mechOptions: each mechanism option of the catalogue once, with the
// mechanisms declaring it: [{ name, values, default, help, mechs }]
export function mechOptions(catalogue) {
  const byName = new Map();
  for (const m of catalogue.values()) {
    for (const o of Array.isArray(m.options) ? m.options : []) {
      if (!byName.has(o.name)) byName.set(o.name, { ...o, values: [], mechs: [] });
      const e = byName.get(o.name);
      e.mechs.push(m.name);
      for (const v of o.values) if (!e.values.includes(v)) e.values.push(v);
    }
  }
  return [...byName.values()];
}

// renderOptions: one select per mechanism option, built from the catalogue
export function renderOptions(form, catalogue) {
  form.querySelectorAll('label[data-option]').forEach((l) => l.remove());
  const anchor = form.querySelector('label[data-for="verify"]');
  for (const o of mechOptions(catalogue)) {
    const label = document.createElement('label');
    label.dataset.for = o.name;
    label.dataset.option = o.name;
    label.title = o.help || '';
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = `(${o.mechs.join(', ')} only)`;
    const select = document.createElement('select');
    select.name = o.name;
    for (const [text, value] of [[`default (${o.default})`, ''], ...o.values.map((v) => [v, v])]) {
      const opt = document.createElement('option');
      opt.value = value;
      opt.textContent = text;
      select.append(opt);
    }
    label.append(`${o.name} `, hint, select);
    anchor.before(label);
  }
}

// syncAmount: enables only the count or duration field that is chosen; a
// field that is off shows no value (the run will not use it) and gets its
// value back when chosen again
export function syncAmount(form) {
  const amount = form.querySelector('input[name="amount"]:checked').value;
  for (const name of ['count', 'duration']) {
    const f = form.elements[name];
    const off = amount !== name;
    if (off && f.value !== '') {
      f.dataset.kept = f.value;
      f.value = '';
    } else if (!off && f.value === '' && f.dataset.kept !== undefined) {
      f.value = f.dataset.kept;
    }
    f.disabled = off;
    f.placeholder = off ? 'not used' : '';
  }
}

// checkParam: one {field, message} into errs when value is not what the table's row takes
function checkParam(table, name, value, errs) {
  const row = table.get(name);
  if (row && !accepts(row, value)) errs.push({ field: name, message: refusal(row, value) });
  return !row || accepts(row, value);
}

// checkSizeFor: message for a size outside what the chosen mechanisms carry
function checkSizeFor(bytes, p, catalogue) {
  for (const name of p.mechanisms) {
    const lim = catalogue.get(name) && catalogue.get(name).sizes;
    if (lim && (bytes < lim.min || bytes > lim.max)) {
      return `${bytes} bytes is outside what ${name} can carry: ${lim.min}..${lim.max} bytes` +
        (lim.why ? ` (${lim.why})` : '');
    }
  }
  return '';
}

function checkSizes(p, catalogue, view, table, errs) {
  if (view === 'sweep') {
    const items = p.sizes.split(',');
    const row = table.get('sizes');
    if (row && (!p.sizes || items.some((s) => !accepts(row, s)))) {
      errs.push({ field: 'sizes', message: refusal(row, p.sizes) });
      return;
    }
    if (row && items.length > row.max_items) errs.push({ field: 'sizes', message: `too many sizes: at most ${row.max_items}` });
    if (new Set(items.map(parseSize)).size !== items.length) errs.push({ field: 'sizes', message: 'sizes: a size is listed twice' });
    for (const s of items) {
      const why = checkSizeFor(parseSize(s), p, catalogue);
      if (why) { errs.push({ field: 'sizes', message: `sizes: ${why}` }); return; }
    }
  } else if (p.size !== '' && checkParam(table, 'size', p.size, errs)) {
    const why = checkSizeFor(parseSize(p.size), p, catalogue);
    if (why) errs.push({ field: 'size', message: `size: ${why}` });
  }
}

function checkAmount(p, table, errs) {
  if (p.amount === 'count' && checkParam(table, 'count', p.count, errs)) {
    const row = table.get('count');
    if (row && row.latency_max && p.mode === 'latency' && Number(p.count) > row.latency_max) {
      errs.push({ field: 'count', message: `count ${p.count} is too large for latency mode, which keeps every round trip: expected ${row.min}..${row.latency_max}` });
    }
  } else if (p.amount === 'duration') checkParam(table, 'duration', p.duration, errs);
}

function checkPin(p, ncpu, table, errs) {
  const row = table.get('pin');
  if (!row || row.values.includes(p.pin)) return;
  const m = /^(\d+),(\d+)$/.exec(p.pin);
  // the highest CPU is this machine's (GET /api/system), not a limit of the page
  if (!m || (ncpu > 0 && (Number(m[1]) >= ncpu || Number(m[2]) >= ncpu))) {
    errs.push({ field: 'pin', message: `bad value '${p.pin}' for pin: expected ${row.values.join(', ')} or two CPU numbers A,B` +
      (ncpu > 0 ? ` in 0..${ncpu - 1}` : '') });
  }
}

// checkOptions: a mechanism option set needs a chosen mechanism declaring it
function checkOptions(p, catalogue, errs) {
  const declared = new Map(mechOptions(catalogue).map((o) => [o.name, o.mechs]));
  for (const [name, value] of Object.entries(p.options || {})) {
    if (!value) continue;
    const mechs = declared.get(name) || [];
    if (!p.mechanisms.some((m) => mechs.includes(m))) {
      errs.push({ field: name, message: `${name} applies to the ${mechs.join(' and ') || 'no'} mechanism only: select ${mechs.join(' or ') || 'one'} or set ${name} to default` });
    }
  }
}

// checkPeer: HOST:PORT and a token together, and only mechanisms that cross hosts
function checkPeer(p, catalogue, table, errs) {
  if (!p.peer && !p.token) return;
  if (p.peer) {
    const row = table.get('peer');
    const m = /^[A-Za-z0-9][A-Za-z0-9.-]*:(\d+)$/.exec(p.peer);
    if (row && (!m || !(Number(m[1]) >= row.min && Number(m[1]) <= row.max))) {
      errs.push({ field: 'peer', message: `bad value for peer: expected ${row.expect}` });
    }
  } else errs.push({ field: 'peer', message: 'peer: a token is for a run against a peer: give HOST:PORT too' });
  if (!p.token) errs.push({ field: 'token', message: "token: give the token 'ipcscope peer' printed" });
  else checkParam(table, 'token', p.token, errs);
  const local = p.mechanisms.filter((m) => catalogue.get(m) && catalogue.get(m).cross_host === false);
  if (local.length) errs.push({ field: 'peer', message: `peer: ${local.join(', ')} cannot cross hosts` });
  for (const m of p.mechanisms) {
    const c = catalogue.get(m);
    for (const o of c && c.cross_host && Array.isArray(c.options) ? c.options : []) {
      const v = (p.options || {})[o.name] || o.default;
      if (o.cross_host && v !== o.cross_host) errs.push({ field: 'peer', message: `peer: ${m} crosses hosts only with ${o.name}=${o.cross_host}` });
    }
  }
}

// validate: list of {field, message} for what the server would refuse;
// table: paramTable(GET /api/params)
export function validate(p, view, catalogue, ncpu, table = new Map()) {
  const errs = [];
  if (view !== 'demos') {
    if (!p.mechanisms.length) errs.push({ field: 'mech', message: 'choose at least one mechanism' });
    const unknown = p.mechanisms.filter((m) => !catalogue.has(m));
    if (unknown.length) errs.push({ field: 'mech', message: `unknown mechanism ${unknown.join(', ')}` });
  }
  const noMode = p.mechanisms.filter((m) => {
    const modes = catalogue.get(m) && catalogue.get(m).modes;
    return Array.isArray(modes) && !modes.includes(p.mode);
  });
  if (noMode.length) errs.push({ field: 'mode', message: `mode: ${noMode.join(', ')} cannot run in ${p.mode} mode` });
  checkSizes(p, catalogue, view, table, errs);
  checkAmount(p, table, errs);
  // empty: the command's default
  for (const name of ['reps', 'warmup', 'ci']) if (p[name] !== undefined && p[name] !== '') checkParam(table, name, p[name], errs);
  checkPin(p, ncpu, table, errs);
  checkOptions(p, catalogue, errs);
  checkPeer(p, catalogue, table, errs);
  return errs;
}

// queryParams: the API params of p as [name, value] pairs (view decides size/sizes)
export function queryParams(p, view) {
  const q = [];
  if (p.mode !== 'throughput') q.push(['mode', p.mode]);
  if (view === 'sweep') q.push(['sizes', p.sizes]);
  else if (p.size !== '') q.push(['size', p.size]);
  if (p.amount === 'count') q.push(['count', p.count]);
  if (p.amount === 'duration') q.push(['duration', p.duration]);
  // empty: the command's own default (compare: reps until its verdicts and
  // medians hold, at most 21), never a fixed count the page picked
  if (p.reps !== '') q.push(['reps', p.reps]);
  if (p.warmup !== '') q.push(['warmup', p.warmup]);
  if (p.pin !== 'split') q.push(['pin', p.pin]);
  if (p.ci) q.push(['ci', p.ci]);
  if (p.peer) q.push(['peer', p.peer]);
  if (p.token) q.push(['token', p.token]);
  for (const [name, value] of Object.entries(p.options || {})) if (value) q.push([name, value]);
  if (!p.verify) q.push(['verify', '0']);
  return q;
}

function qs(pairs) {
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`).join('&');
}

// apiUrls: the request a view makes for p (a sweep of several mechanisms is one run too)
export function apiUrls(p, view) {
  const q = queryParams(p, view);
  if (view === 'sweep') return [`/api/sweep/${p.mechanisms.map(encodeURIComponent).join(',')}?${qs(q)}`];
  if (p.mechanisms.length === 1) return [`/api/bench/${encodeURIComponent(p.mechanisms[0])}?${qs(q)}`];
  return [`/api/compare?${qs([['mechanisms', p.mechanisms.join(',')], ...q])}`];
}

// shellQuote: a word safe to paste into a POSIX shell
function shellQuote(s) {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

// cliCommand: the ipcscope command line that runs the same thing
export function cliCommand(p, view) {
  const flags = queryParams(p, view).map(([k, v]) => `--${k} ${shellQuote(v)}`).join(' ');
  const tail = flags ? ` ${flags}` : '';
  if (view === 'sweep') return `ipcscope sweep ${shellQuote(p.mechanisms.join(','))}${tail}`;
  if (p.mechanisms.length === 1) return `ipcscope bench ${shellQuote(p.mechanisms[0])}${tail}`;
  return `ipcscope compare ${shellQuote(p.mechanisms.join(','))}${tail}`;
}

// curlCommand: curl line(s) streaming the same run from this server
export function curlCommand(p, view, origin) {
  return apiUrls(p, view).map((u) => `curl -N ${shellQuote(origin + u)}`).join(' && ');
}

// shareHash: the URL fragment that restores the form (and names the view)
// (a peer's token is a secret: it never goes into the page's address)
export function shareHash(p, view, runId) {
  const pairs = [['view', view], ['mechanisms', p.mechanisms.join(',')], ...queryParams(p, view).filter(([k]) => k !== 'token')];
  if (view === 'sweep' && p.size !== '') pairs.push(['size', p.size]);
  if (view !== 'sweep' && p.sizes) pairs.push(['sizes', p.sizes]);
  if (runId) pairs.push(['run', runId]);
  return '#' + qs(pairs);
}

// parseShare: params from location.search and location.hash (hash wins)
export function parseShare(loc) {
  const out = {};
  for (const src of [loc.search.replace(/^\?/, ''), loc.hash.replace(/^#/, '')]) {
    for (const [k, v] of new URLSearchParams(src)) out[k] = v;
  }
  return out;
}
