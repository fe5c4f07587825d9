// lint.test.mjs -- the page's JavaScript passes eslint (web/eslint.config.mjs)
// and every file the page loads is plain ES that node can parse. Prints TAP.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const { ESLint } = await import(pathToFileURL(path.join(web, 'node_modules/eslint/lib/api.js')).href);

let n = 0;
let failed = 0;
try {
  const eslint = new ESLint({ cwd: web });
  const results = await eslint.lintFiles(['*.js']);
  for (const r of results) {
    n += 1;
    const problems = r.messages.map((m) => `${m.line}:${m.column} ${m.ruleId || 'parse'} ${m.message}`);
    const name = path.relative(web, r.filePath);
    if (problems.length) {
      failed += 1;
      console.log(`not ok ${n} - eslint: web/${name}`);
      for (const p of problems) console.log(`# ${p}`);
    } else console.log(`ok ${n} - eslint: web/${name}`);
  }
  n += 1;
  if (results.length >= 5) console.log(`ok ${n} - eslint saw every page module (${results.length})`);
  else { failed += 1; console.log(`not ok ${n} - eslint saw only ${results.length} files`); }
} catch (e) {
  n += 1;
  failed += 1;
  console.log(`not ok ${n} - eslint ran`);
  console.log(`# ${String(e.stack || e).split('\n').join('\n# ')}`);
}
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
