/**
 * Small inputs and strategies for sweep tests: a short scenario file (generated per seed), a
 * recording, the bundled ma-crossover (compiled JS: no tsx cost per job) and a strategy that
 * fails on purpose (throws, or eats memory) for one option value.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runScenario } from '../../src/scenario/run.js';
import { repoRoot } from './tmp.js';

export const MA_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'ma-crossover.js');
export const MA_TS = path.join(repoRoot, 'scenarios', 'strategies', 'ma-crossover.ts');

const distUrl = (rel: string) => JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', 'src', rel)).href);

/** A 20-second one-symbol scenario file named `name` (about 800 ticks). */
export function writeScenarioFile(dir: string, name: string, symbol = 'AAA'): string {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(
    file,
    `import { defineScenario } from ${distUrl('scenario/index.js')};\n` +
      `export default defineScenario({ name: ${JSON.stringify(name)}, description: 'short market for sweep tests', seed: 1,\n` +
      `  start: '2024-01-02T10:00:00Z', duration: '20s', symbols: [{ symbol: ${JSON.stringify(symbol)}, venue: 'SIM', price: 100, tickSize: 0.01 }],\n` +
      `  build(ctx) { ctx.ticks(${JSON.stringify(symbol)}, { model: 'random-walk', volatility: 0.05, spreadBps: 2, ratePerSec: 40 }); } });\n`,
  );
  return file;
}

/** A recording of the short scenario with another symbol and seed. */
export async function writeRecording(dir: string, name: string): Promise<string> {
  const file = writeScenarioFile(dir, `${name}-src`, 'BBB');
  return (await runScenario(file, { seed: 5, out: path.join(dir, name) })).dir;
}

/**
 * ma-crossover with three switches: `boom` throws from onTick at the 50th tick; `hog` allocates
 * until the thread runs out of memory; `die` ends its thread at the first tick (process.exit in a
 * worker thread), a thread death that costs no memory pressure.
 */
export function writeFaultyStrategy(dir: string): string {
  const file = path.join(dir, 'faulty.mjs');
  fs.writeFileSync(
    file,
    `import { defineStrategy } from ${distUrl('backtest/strategy.js')};\n` +
      `export default defineStrategy({ name: 'faulty', defaults: { boom: false, hog: false, die: false, qty: 1 }, create(o) {\n` +
      `  let n = 0; const keep = [];\n` +
      `  return { onTick(t, ctx) {\n` +
      `    n++;\n` +
      `    if (o.die) process.exit(7);\n` +
      `    if (o.boom && n === 50) throw new Error('boom at tick 50');\n` +
      `    if (o.hog) for (;;) keep.push(new Array(1e5).fill(n));\n` +
      `    if (n % 100 === 0) ctx.submit({ symbol: t.symbol, side: n % 200 === 0 ? 'sell' : 'buy', qty: o.qty, kind: 'market' });\n` +
      `  } }; } });\n`,
  );
  return file;
}

/**
 * A strategy that trades every 100th tick and, in a process started with SPIN_ENV set to a number of
 * ms, busy-waits that long at its first tick: the worker a test is about to SIGKILL (its job surely
 * runs until the kill, however loaded the machine) spins, while the local reference run and the
 * worker that takes the job over run at full speed. The output never depends on the spin.
 * `name` is in every run id of its jobs (`bt-NAME-…`), so a test can tell its own job from one left in a shared stream by an earlier test.
 */
export const SPIN_ENV = 'TAPEDECK_TEST_SPIN_MS';
export function writeSpinStrategy(dir: string, name = 'spin'): string {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(
    file,
    `import { defineStrategy } from ${distUrl('backtest/strategy.js')};\n` +
      `const spinMs = Number(process.env.${SPIN_ENV} ?? 0);\n` +
      `export default defineStrategy({ name: ${JSON.stringify(name)}, defaults: { qty: 1 }, create(o) {\n` +
      `  let n = 0;\n` +
      `  return { onTick(t, ctx) {\n` +
      `    if (n++ === 0 && spinMs > 0) { const end = performance.now() + spinMs; while (performance.now() < end) {} }\n` +
      `    if (n % 100 === 0) ctx.submit({ symbol: t.symbol, side: n % 200 === 0 ? 'sell' : 'buy', qty: o.qty, kind: 'market' });\n` +
      `  } }; } });\n`,
  );
  return file;
}

/**
 * Every file under `dir` by relative path, with its bytes (to compare two sweep directories),
 * except DIGEST.cache: a derived cache (docs/FORMAT.md §3.2) that holds inode and mtime and is
 * only written once the segments are 2 s old (racy entries never are), so whether one exists
 * depends on how long a run took; the digest itself is checked through the results table.
 */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.name === 'DIGEST.cache') continue;
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
