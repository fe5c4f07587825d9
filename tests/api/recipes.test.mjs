// recipes.test.mjs -- adding a mechanism is one file in workers/mech/ and one
// registry line, a demo one file in workers/demos/ and one table line: this
// suite walks both registries (the catalogues the server serves) and fails on
// any entry that something else still lacks: `ipcscope list`, `--help`,
// `demo --help`, docs/API.md's per-mechanism and per-demo tables, the
// catalogue the page builds its form from, the demo files themselves
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIN, done, get, killAll, note, ok, startServer, stopServer, tryJson,
} from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const API = fs.readFileSync(path.join(root, 'docs/API.md'), 'utf8');
const run = (...args) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 10000 });

// section: the text of docs/API.md from the heading title to the next heading of its level
function section(title) {
  const at = API.indexOf(`${title}\n`);
  if (at < 0) return '';
  const level = API.lastIndexOf('\n', at) + 1;
  const hashes = /^#+/.exec(API.slice(level))[0];
  const rest = API.slice(at + title.length);
  const end = rest.search(new RegExp(`\\n${hashes} `));
  return end < 0 ? rest : rest.slice(0, end);
}

// rowsOf: a table's rows in text as { names (backticked words of the first cell), text }
function rowsOf(text) {
  return text.split('\n').filter((l) => /^\| `/.test(l)).map((l) => ({
    names: [...l.split(' | ')[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]), text: l,
  }));
}

function mechanisms(cat) {
  const options = API.slice(API.indexOf('**Mechanism options.**'), API.indexOf('An option given for a compare'));
  const list = run('list').stdout;
  const json = tryJson(run('list', '--format', 'json').stdout) || [];
  const help = run('bench', '--help').stdout;
  const granted = rowsOf(section('### What the kernel granted'));
  const registry = fs.readFileSync(path.join(root, 'workers/mech/registry.c'), 'utf8');
  for (const m of cat) {
    const lacks = [];
    if (!new RegExp(`^${m.name.replace(/[-+]/g, '\\$&')}\\s`, 'm').test(list)) lacks.push('ipcscope list');
    if (!json.some((j) => JSON.stringify(j) === JSON.stringify(m))) lacks.push('list --format json (as /api/mechanisms)');
    if (!granted.some((r) => r.names.includes(m.name))) lacks.push("docs/API.md's granted table");
    for (const o of m.options || []) {
      if (!help.includes(`--${o.name} ${o.values.join('|')}`)) lacks.push(`--help's --${o.name}`);
      const about = options.slice(options.indexOf(`\`${o.name}\``));
      const mine = about.slice(about.indexOf(`${m.name}: `), about.indexOf(')'));
      if (!about || !mine.startsWith(`${m.name}: `) || !o.values.every((v) => mine.includes(`\`${v}\``))) {
        lacks.push(`docs/API.md's mechanism options (${o.name}: ${o.values.join(', ')})`);
      }
    }
    if (!['name', 'family', 'summary', 'modes', 'sizes'].every((k) => k in m)) lacks.push('catalogue fields');
    ok(lacks.length === 0, `mechanism ${m.name}: in list, --help, docs/API.md and the catalogue the page's form is built from`, lacks.join(', '));
  }
  // the registry is the one list: every mechanism file registers itself there
  const files = fs.readdirSync(path.join(root, 'workers/mech')).filter((f) => f.endsWith('.c'));
  const declared = files.flatMap((f) => [...fs.readFileSync(path.join(root, 'workers/mech', f), 'utf8')
    .matchAll(/^const struct mech_ops (\w+) = \{/gm)].map((x) => x[1]));
  const unlisted = declared.filter((d) => !registry.includes(`&${d}`));
  ok(declared.length >= cat.length && unlisted.length === 0, `every mech_ops of workers/mech/ is in the registry (${declared.length})`, unlisted.join(', '));
}

function demos(cat) {
  const list = run('demo', '--help').stdout;
  const names = section('## Demos that run their own experiment');
  const params = rowsOf(names);
  const points = rowsOf(section('### point'));
  const registry = fs.readFileSync(path.join(root, 'workers/demos/demos.c'), 'utf8');
  for (const d of cat) {
    const lacks = [];
    if (!new RegExp(`^  ${d.name} `, 'm').test(list)) lacks.push('demo --help');
    const own = run('demo', d.name, '--help');
    if (own.status !== 0) lacks.push(`demo ${d.name} --help`);
    if (d.kind === 'experiment') {
      for (const p of d.params) {
        if (!own.stdout.includes(`--${p.name}`)) lacks.push(`demo ${d.name} --help's --${p.name}`);
        if (!list.includes(`--${p.name} (${p.def ?? p.default})`)) lacks.push(`demo --help's --${p.name}`);
      }
      if (!names.includes(`\`${d.name}\``)) lacks.push("docs/API.md's list of experiment demos");
      const row = params.find((r) => r.names.includes(d.name));
      if (!row) lacks.push("docs/API.md's demo params table");
      else for (const p of d.params) if (!row.text.includes(`\`${p.name}\``)) lacks.push(`docs/API.md's ${p.name} of ${d.name}`);
      if (!d.params.length && row && !/none/.test(row.text)) lacks.push("docs/API.md's 'none' for a demo without params");
      if (!points.some((r) => r.names.includes(d.name))) lacks.push("docs/API.md's point fields table");
      if (!d.chart || typeof d.chart.kind !== 'string') lacks.push('a chart hint in the catalogue');
    } else if (!Array.isArray(d.jobs) || !d.jobs.length) lacks.push('jobs in the catalogue');
    ok(lacks.length === 0, `demo ${d.name} (${d.kind}): in demo --help, its own --help, docs/API.md and the catalogue`, lacks.join(', '));
  }
  const files = fs.readdirSync(path.join(root, 'workers/demos')).filter((f) => f.endsWith('.c'));
  // a demo file ends with its struct demo, or with an EXP_DEMO... line making one
  const declared = files.flatMap((f) => [...fs.readFileSync(path.join(root, 'workers/demos', f), 'utf8')
    .matchAll(/^(?:const struct demo (\w+) = \{|EXP_DEMO\w*\(\w+, (\w+),)/gm)].map((x) => x[1] || `demo_${x[2]}`));
  const unlisted = declared.filter((x) => !registry.includes(`&${x},`));
  ok(declared.length === cat.length && unlisted.length === 0, `every struct demo of workers/demos/ is in the demo table (${declared.length})`, unlisted.join(', '));
  const counted = /^(\w+) demos \(/m.exec(names);
  const experiments = cat.filter((d) => d.kind === 'experiment').length;
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  ok(counted && counted[1].toLowerCase() === words[experiments], `docs/API.md counts the experiment demos right (${experiments})`, counted && counted[0]);
}

// startLine: the start line of a compare of every mechanism named, read
// from the stream, which is then dropped (the server cancels the run)
async function startLine(srv, names) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 30000);
  try {
    const res = await fetch(`${srv.base}/api/compare?mechanisms=${names.join(',')}&count=1&reps=1&ci=0`, { signal: ac.signal });
    const reader = res.body.getReader();
    let text = '';
    while (!text.includes('\n')) {
      const { value, done: end } = await reader.read();
      if (end) break;
      text += Buffer.from(value).toString('utf8');
    }
    return tryJson(text.split('\n')[0]);
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

// grantedDocumented: each mechanism's granted keys, as the start line of a
// run of every mechanism gives them, are in its row of docs/API.md's
// granted table (or the section that row points to)
function grantedDocumented(cat, start) {
  const rows = rowsOf(section('### What the kernel granted'));
  for (const m of cat) {
    const keys = Object.keys((start?.granted || {})[m.name] || {});
    const row = rows.find((r) => r.names.includes(m.name));
    const pointed = row && /see "([^"]+)"/.exec(row.text);
    const text = pointed ? section(`## ${pointed[1]}`) : row ? row.text : '';
    const lacking = keys.filter((k) => !text.includes(`\`${k}\``));
    const none = row && !pointed && keys.length === 0 ? /\| none \|/.test(row.text) : true;
    if (!(start?.granted || {})[m.name]) {
      ok(m.name === 'mpi', `${m.name}: the start line says what the kernel granted`, 'not in the start line');
      continue;
    }
    ok(row && lacking.length === 0 && none, `${m.name}: every granted key it reports is in its row of docs/API.md's granted table`,
      row ? lacking.join(', ') : 'no row');
  }
}

async function main() {
  let srv;
  try {
    srv = await startServer();
    const m = tryJson((await get(srv, '/api/mechanisms')).body) || [];
    const d = tryJson((await get(srv, '/api/demos')).body) || [];
    ok(m.length > 10 && d.length > 10, `the server serves both registries (${m.length} mechanisms, ${d.length} demos)`);
    mechanisms(m);
    grantedDocumented(m, await startLine(srv, m.map((x) => x.name)));
    demos(d);
    const st = await stopServer(srv);
    srv = null;
    ok(st && st.code === 0, 'the server stops with status 0', st);
  } catch (e) {
    ok(false, 'recipes suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
  }
  process.exitCode = done() ? 0 : 1;
}

main();
