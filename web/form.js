// form.js -- reads, checks and shares the run parameters (same names as the API)
'use strict';

const SIZE_MAX = 64 * 1048576;
const COUNT_MAX = 1e9;
const LAT_COUNT_MAX = 1e7;

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

function checkInt(v, lo, hi) {
  return /^\d{1,12}$/.test(v) && Number(v) >= lo && Number(v) <= hi;
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

function checkSizes(p, catalogue, view, errs) {
  if (view === 'sweep') {
    const items = p.sizes.split(',');
    if (!p.sizes || items.some((s) => !(parseSize(s) >= 1 && parseSize(s) <= SIZE_MAX))) {
      errs.push({ field: 'sizes', message: 'sizes: expected a comma-separated list of whole numbers of bytes, each 1..64M (suffix K or M: 1536, not 1.5K)' });
      return;
    }
    if (new Set(items.map(parseSize)).size !== items.length) errs.push({ field: 'sizes', message: 'sizes: a size is listed twice' });
    for (const s of items) {
      const why = checkSizeFor(parseSize(s), p, catalogue);
      if (why) { errs.push({ field: 'sizes', message: `sizes: ${why}` }); return; }
    }
  } else if (p.size !== '') {
    const b = parseSize(p.size);
    if (!(b >= 1 && b <= SIZE_MAX)) errs.push({ field: 'size', message: `size: '${p.size}' is not a whole number of bytes in 1..64M (digits, optionally with suffix K or M: 1536, not 1.5K)` });
    else {
      const why = checkSizeFor(b, p, catalogue);
      if (why) errs.push({ field: 'size', message: `size: ${why}` });
    }
  }
}

function checkAmount(p, errs) {
  if (p.amount === 'count') {
    const max = p.mode === 'latency' ? LAT_COUNT_MAX : COUNT_MAX;
    if (!checkInt(p.count, 1, max)) errs.push({ field: 'count', message: `count: expected a whole number in 1..${max}` + (p.mode === 'latency' ? ' in latency mode' : '') });
  } else if (p.amount === 'duration') {
    const ok = /^(\d{1,6}(\.\d{0,6})?|\.\d{1,6})$/.test(p.duration) && Number(p.duration) >= 0.01 && Number(p.duration) <= 60;
    if (!ok) errs.push({ field: 'duration', message: 'duration: expected seconds per rep in 0.01..60' });
  }
}

function checkPin(p, ncpu, errs) {
  if (['split', 'same', 'none'].includes(p.pin)) return;
  const m = /^(\d{1,4}),(\d{1,4})$/.exec(p.pin);
  const max = ncpu > 0 ? ncpu - 1 : 4095;
  if (!m || Number(m[1]) > max || Number(m[2]) > max) {
    errs.push({ field: 'pin', message: `pin: expected split, same, none or two CPUs A,B in 0..${max}` });
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

const CI_MIN = 0.1;
const CI_MAX = 100;
const PEER_HOST_MAX = 253;
const PORT_MAX = 65535;
const TOKEN_RE = /^[A-Za-z0-9_-]{8,64}$/;

// checkCi: the interval target, 0 (off) or CI_MIN..CI_MAX percent; empty is the server's default
function checkCi(p, errs) {
  if (p.ci === undefined || p.ci === '') return;
  const ok = /^(\d{1,6}(\.\d{0,6})?|\.\d{1,6})$/.test(p.ci) && (Number(p.ci) === 0 || (Number(p.ci) >= CI_MIN && Number(p.ci) <= CI_MAX));
  if (!ok) errs.push({ field: 'ci', message: `ci: expected 0 (off) or the percent the median must be within, ${CI_MIN}..${CI_MAX}` });
}

// checkPeer: HOST:PORT and a token together, and only mechanisms that cross hosts
function checkPeer(p, catalogue, errs) {
  if (!p.peer && !p.token) return;
  if (p.peer) {
    const m = /^([A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})$/.exec(p.peer);
    if (!m || m[1].length > PEER_HOST_MAX || Number(m[2]) < 1 || Number(m[2]) > PORT_MAX) {
      errs.push({ field: 'peer', message: `peer: expected HOST:PORT (an IPv4 address or host name, a port 1..${PORT_MAX})` });
    }
  } else errs.push({ field: 'peer', message: 'peer: a token is for a run against a peer: give HOST:PORT too' });
  if (!p.token) errs.push({ field: 'token', message: "token: give the token 'ipcscope peer' printed" });
  else if (!TOKEN_RE.test(p.token)) errs.push({ field: 'token', message: 'token: expected 8..64 letters, digits, - or _' });
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

// validate: list of {field, message} for what the server would refuse
export function validate(p, view, catalogue, ncpu) {
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
  checkSizes(p, catalogue, view, errs);
  checkAmount(p, errs);
  if (p.reps !== '' && !checkInt(p.reps, 1, 100)) errs.push({ field: 'reps', message: 'reps: expected 1..100, or empty for the default' });
  if (p.warmup !== '' && !checkInt(p.warmup, 0, COUNT_MAX)) errs.push({ field: 'warmup', message: `warmup: expected 0..${COUNT_MAX} or empty` });
  checkPin(p, ncpu, errs);
  checkOptions(p, catalogue, errs);
  checkCi(p, errs);
  checkPeer(p, catalogue, errs);
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
  // medians hold, at most 7), never a fixed count the page picked
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
