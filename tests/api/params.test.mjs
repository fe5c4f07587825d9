// params.test.mjs -- GET /api/params serves the table of common params; the
// server refuses a value past each range with the range the table gives;
// --help and docs/API.md's params table say the same ranges
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BIN, done, get, killAll, note, ok, startServer, stopServer, tryJson,
} from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// tooFar: a value just past p's range, in p's own syntax, or null
function tooFar(p) {
  if (p.kind === 'whole') return String(p.max + 1);
  if (p.kind === 'seconds') return String(p.max + 1);
  if (p.kind === 'size') return String(p.max + 1);
  if (p.kind === 'word') return 'nonsense';
  if (p.kind === 'flag') return '2';
  return null;
}

// docRows: docs/API.md's params table as {names, text} (backticks removed)
function docRows() {
  const md = fs.readFileSync(path.join(root, 'docs/API.md'), 'utf8');
  const sec = md.slice(md.indexOf('## Params'), md.indexOf('**Mechanism options.**'));
  return sec.split('\n').filter((l) => /^\| `/.test(l)).map((l) => {
    const first = l.split(' | ')[0];
    return { names: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]), text: l.replace(/`/g, '') };
  });
}

async function main() {
  let srv;
  try {
    srv = await startServer();
    const r = await get(srv, '/api/params');
    const table = tryJson(r.body);
    ok(r.status === 200 && (r.headers.get('content-type') || '').startsWith('application/json') &&
      Array.isArray(table) && table.length >= 10, 'GET /api/params is a JSON array', r.body.slice(0, 200));
    const fields = ['name', 'kind', 'unit', 'range', 'expect', 'help', 'default', 'commands', 'http'];
    const missing = (table || []).filter((p) => !fields.every((f) => f in p)).map((p) => p.name);
    ok(table && missing.length === 0, `every param has ${fields.join(', ')}`, missing);
    const byName = new Map((table || []).map((p) => [p.name, p]));
    ok(byName.get('count')?.min === 1 && byName.get('count')?.max === 1e9 && byName.get('count')?.latency_max === 1e7,
      'count: 1..1000000000, 1..10000000 in latency mode', byName.get('count'));
    ok(byName.get('size')?.range === '1..64M' && byName.get('format')?.http === false &&
      byName.get('sizes')?.commands.join() === 'sweep',
      'size 1..64M; format is CLI only; sizes is for sweep', [byName.get('size'), byName.get('sizes')]);
    ok(byName.get('reps')?.default.bench === 5 && byName.get('reps')?.default.compare === 21 &&
      byName.get('duration')?.default.bench === 0.25 && byName.get('duration')?.default.compare === 0.025,
      'defaults per command: reps 5 (compare 21), duration 0.25 (compare 0.025)');

    // every param a bench takes over HTTP, past its range: 400 naming it and its range
    for (const p of (table || []).filter((x) => x.http && x.commands.includes('bench'))) {
      const v = tooFar(p);
      if (v === null) continue;
      const a = await get(srv, `/api/bench/pipe?${p.name}=${encodeURIComponent(v)}`);
      const e = tryJson(a.body)?.error;
      ok(a.status === 400 && e?.param === p.name && e.message.includes(p.range) && e.message.includes(p.expect),
        `${p.name}=${v} is refused with its range from the table (${p.range})`, a.body.slice(0, 300));
    }

    // --help shows each param with its range, as the table says
    for (const cmd of ['bench', 'compare', 'sweep']) {
      const help = spawnSync(BIN, [cmd, '--help'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      const wrong = (table || []).filter((p) => p.help && p.commands.includes(cmd) &&
        !(help.includes(`--${p.name} `) && help.includes(p.help)));
      ok(wrong.length === 0, `${cmd} --help shows every param it takes with the table's help and range`,
        wrong.map((p) => p.name));
      // a param the command does not take shows neither its flag with its help
      // (--baseline RUN of bench and sweep is a run's diff, not the table's row)
      const foreign = (table || []).filter((p) => p.help && !p.commands.includes(cmd) && help.includes(p.help.replace(/\s+/g, ' ')));
      ok(foreign.length === 0, `${cmd} --help shows no param it does not take`, foreign.map((p) => p.name));
    }

    // docs/API.md: a row per param, with the range and every word of the table
    const rows = docRows();
    for (const p of table || []) {
      const row = rows.find((x) => x.names.includes(p.name));
      const need = p.values ? p.values : p.min !== undefined ? [`${p.range}`] : [];
      if (p.latency_max) need.push(String(p.latency_max));
      if (p.max_items) need.push(`at most ${p.max_items}`);
      const lacking = row ? need.filter((s) => !row.text.includes(s)) : need;
      ok(row && lacking.length === 0, `docs/API.md's params table has ${p.name} with ${need.join(', ') || 'a row'}`,
        row ? lacking : 'no row');
    }
    const known = new Set((table || []).map((p) => p.name));
    const stale = rows.filter((x) => !x.names.every((name) => known.has(name)));
    ok(rows.length > 0 && stale.length === 0, 'docs/API.md documents no param the table lacks', stale.map((x) => x.names[0]));
    const md = fs.readFileSync(path.join(root, 'docs/API.md'), 'utf8');
    ok(/\| GET, HEAD \| `\/api\/params` \|/.test(md), 'docs/API.md lists GET /api/params among the routes');

    const st = await stopServer(srv);
    srv = null;
    ok(st && st.code === 0, 'the server stops with status 0', st);
  } catch (e) {
    ok(false, 'params suite ran to the end', String(e.stack || e));
    if (srv) note(srv.stderr);
  } finally {
    killAll();
  }
  process.exitCode = done() ? 0 : 1;
}

main();
