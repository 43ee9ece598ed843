/**
 * `tapedeck/strategy` (src/backtest/authoring.ts): the strategy author's entry exports the very
 * functions `'tapedeck'` exports under the same names, and loading it loads none of the rest of
 * the library (the point of it: start-up of every backtest process and sweep job).
 */
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as light from '../src/backtest/authoring.js';
import * as full from '../src/index.js';
import { repoRoot } from './helpers/tmp.js';

test('tapedeck/strategy: every export is the same value as in tapedeck', () => {
  const names = Object.keys(light);
  for (const want of ['defineStrategy', 'toNumber', 'toDecimal', 'Decimal', 'BOOK_FLAG_LAST']) assert.ok(names.includes(want), want);
  for (const k of names) assert.ok((light as Record<string, unknown>)[k] === (full as Record<string, unknown>)[k], `${k} differs from tapedeck's`);
});

test('tapedeck/strategy: resolves through the package exports and loads only a few small modules', () => {
  // A load hook in the child lists every module the import loads.
  const hook = `export async function load(u, c, next) { if (u.startsWith('file:')) process._rawDebug('LOADED ' + u); return next(u, c); }`;
  const reg = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, '--input-type=module', '-e', "const m = await import('tapedeck/strategy'); if (typeof m.defineStrategy !== 'function') process.exit(3);"], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  assert.is(r.status, 0, r.stderr);
  const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice('LOADED '.length).replace(/^.*\/dist\//, ''));
  assert.ok(loaded.includes('src/backtest/authoring.js'), loaded.join(' '));
  const heavy = loaded.filter((u) => u.includes('node_modules') || !/^src\/(backtest\/(authoring|strategy)|events\/(decimal|types)|errors)\.js$/.test(u));
  assert.equal(heavy, [], `tapedeck/strategy loaded more than its four modules: ${heavy.join(' ')}`);
});

test.run();
