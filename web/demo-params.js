// demo-params.js -- each demo's own params on the page: the fields of a
// demo's card built from the catalogue (an experiment's declared params, or
// the common params a demo of jobs sets, with their ranges from GET
// /api/params), checked as the user types with the server's own words, and
// the request, command line and curl line that carry them
'use strict';

import { accepts, refusal } from './form.js';

// demoFields: [{ name, def, help, check(value) -> '' or the server's refusal }]
export function demoFields(d, table) {
  if (d.kind === 'experiment') {
    return (Array.isArray(d.params) ? d.params : []).map((p) => ({
      name: p.name, def: String(p.default ?? ''), help: p.help || '',
      check: (v) => (dparamAccepts(p, v) ? '' : `bad value '${v}' for ${p.name}: expected ${p.expect}`),
    }));
  }
  // a demo of jobs: the common params its defaults set ("size=4K reps=7")
  return String(d.defaults || '').split(/\s+/).filter(Boolean).map((kv) => kv.split('='))
    .filter(([name]) => table.has(name)).map(([name, def]) => {
      const row = table.get(name);
      return { name, def, help: row.help || '', check: (v) => (accepts(row, v) ? '' : refusal(row, v)) };
    });
}

// dparamAccepts: value is what the demo's own parser takes for p
function dparamAccepts(p, value) {
  const unit = { count: 1000, size: 1024 }[p.kind] || 0;
  let v;
  if (p.kind === 'number') {
    v = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : NaN;
  } else {
    const m = /^(\d+)([KkMm]?)$/.exec(value);
    if (!m || (m[2] && !unit)) return false;
    v = Number(m[1]) * ({ '': 1, k: unit, m: unit * unit }[m[2].toLowerCase()]);
  }
  return Number.isFinite(v) && v >= p.min && v <= p.max;
}

// demoPairs: the [name, value] pairs that differ from the demo's defaults
export function demoPairs(fields, values) {
  return fields.filter((f) => values[f.name] !== undefined && values[f.name] !== '' && values[f.name] !== f.def)
    .map((f) => [f.name, values[f.name]]);
}

// demoErrors: [{ field, message }] of the values the server would refuse
export function demoErrors(fields, values) {
  return fields.map((f) => ({ field: f.name, message: values[f.name] === undefined || values[f.name] === '' ? '' : f.check(values[f.name]) }))
    .filter((e) => e.message);
}

function quote(s) {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

// demoUrl: the request that runs demo name with pairs
export function demoUrl(name, pairs) {
  const q = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `/api/demos/${encodeURIComponent(name)}${q ? `?${q}` : ''}`;
}

// demoCli, demoCurl: the command line and the curl line doing the same
export function demoCli(name, pairs) {
  return [`ipcscope demo ${quote(name)}`, ...pairs.map(([k, v]) => `--${k} ${quote(v)}`)].join(' ');
}

export function demoCurl(name, pairs, origin) {
  return `curl -N ${quote(origin + demoUrl(name, pairs))}`;
}
