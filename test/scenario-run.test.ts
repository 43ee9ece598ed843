import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { openRecording } from '../src/events/recording.js';
import type { SystemEvent, TapeEvent } from '../src/events/types.js';
import { defineScenario, generateScenario, listScenarios, loadScenario, runScenario } from '../src/scenario/index.js';
import { digestRecording } from '../src/verify/digest.js';
import { DIGEST_CACHE_NAME } from '../src/verify/digest-cache.js';
import { rejects } from './helpers/assert.js';
import { repoRoot, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

/**
 * Golden recording digests (digestRecording, digest version 1) of the bundled scenarios at their
 * own seeds. A change here means every recording of these scenarios changes: bump them only on
 * purpose (a generator or codec change), never to make a test pass.
 */
const GOLDEN: Record<string, { events: number; digest: string }> = {
  'random-walk': { events: 8975, digest: '1e085bb59c4136a9236f641da7626a8957cabe52e50eb8595771fad34f618e67' },
  trend: { events: 8855, digest: '4e7b755e7515b6779e43a375ed2347038f65b8274e252dbf91d0d7c57e02ef8f' },
  'flash-crash': { events: 14058, digest: '3a22d646dace6b84a6c80e4c7a91eb7b79159294d35e5f64a21b97b7c56f20e1' },
  halt: { events: 9835, digest: '3285e587c145924a285560b821e6dce7e970921df8b793c9adbc2958feced45e' },
  'feed-outage': { events: 5606, digest: '46af8ffa4666bf7c589f6a50d8a279a65e4fac1f1813b4ebcbb338f96a77290d' },
};

const root = tmpDir('tapedeck-scnrun-');
test.after(() => rm(root));
let n = 0;
const fresh = (label: string) => path.join(root, `${label}-${n++}`);

/** Every file of two directories: same names, same bytes. */
/** The same files, byte for byte; DIGEST.cache aside (derived, and written only once the segments are 2 s old: see below). */
function assertSameFiles(a: string, b: string): void {
  const files = (dir: string) => fs.readdirSync(dir).filter((n) => n !== DIGEST_CACHE_NAME).sort();
  const fa = files(a);
  const fb = files(b);
  assert.equal(fa, fb, 'same file names');
  assert.ok(fa.length > 0);
  for (const f of fa) assert.is(Buffer.compare(fs.readFileSync(path.join(a, f)), fs.readFileSync(path.join(b, f))), 0, `${f} byte-identical`);
}

function events(dir: string): TapeEvent[] {
  return [...openRecording(dir).events()];
}

test('listScenarios: the five bundled scenarios with descriptions', async () => {
  const list = await listScenarios();
  assert.equal(
    list.map((s) => s.name),
    ['feed-outage', 'flash-crash', 'halt', 'random-walk', 'trend'],
  );
  for (const s of list) {
    assert.ok(s.description.length > 10, s.name);
    assert.ok(fs.existsSync(s.file));
  }
});

for (const [name, golden] of Object.entries(GOLDEN)) {
  test(`golden digest: ${name}`, async () => {
    const dir = fresh(name);
    const r = await runScenario(name, { out: dir, backtest: false });
    assert.is(r.dir, dir);
    assert.is(r.events, golden.events);
    assert.is(r.digest, golden.digest);
    assert.is(digestRecording(dir), golden.digest);
    assert.is(r.runId, `${name}-${String(r.scenario.seed)}`);
    assert.is(r.backtest, undefined);
    assert.is(r.expectations, undefined);
    assert.ok(r.ok);
    // What was recorded is exactly what the generator produces, seqs 0..n-1.
    const rec = events(dir);
    const gen = generateScenario(r.scenario);
    assert.is(rec.length, gen.length);
    rec.forEach((e, i) => assert.is(e.seq, i));
    assert.equal(
      rec.map(({ seq: _s, ...rest }) => rest),
      gen,
    );
    // Not a trace of the host or the clock: a LOCK is released, no metrics file is left; the
    // MANIFEST (docs/FORMAT.md §3.1) holds only what the records determine. DIGEST.cache (§3.2)
    // is a derived cache written only once the segments are RACY_MARGIN old, so its presence
    // depends on how fast the machine ran the scenario: it is allowed, nothing else is.
    assert.equal(fs.readdirSync(dir).filter((n) => n !== DIGEST_CACHE_NAME).sort(), [...segmentFiles(dir), 'MANIFEST'].sort());
  });
}

test('determinism: two runs give byte-identical segment files (several segments)', async () => {
  const a = fresh('det-a');
  const b = fresh('det-b');
  const ra = await runScenario('random-walk', { out: a, segmentBytes: 256 * 1024 });
  const rb = await runScenario('random-walk', { out: b, segmentBytes: 256 * 1024 });
  assert.ok(segmentFiles(a).length > 1, 'rotated into several segments');
  assertSameFiles(a, b);
  assert.is(ra.digest, rb.digest);
  // The digest does not depend on how the log is cut into segments.
  assert.is(ra.digest, GOLDEN['random-walk']!.digest);
});

test('seed sensitivity: another seed → another runId, other bytes, other digest', async () => {
  const a = fresh('seed-1');
  const b = fresh('seed-2');
  const ra = await runScenario('random-walk', { out: a, seed: 1 });
  const rb = await runScenario('random-walk', { out: b, seed: 2 });
  assert.is(ra.digest, GOLDEN['random-walk']!.digest, 'seed 1 is the scenario default');
  assert.is.not(rb.digest, ra.digest);
  assert.is(rb.runId, 'random-walk-2');
  assert.is.not(Buffer.compare(fs.readFileSync(path.join(a, segmentFiles(a)[0]!)), fs.readFileSync(path.join(b, segmentFiles(b)[0]!))), 0);
  const start = events(b)[0] as SystemEvent;
  assert.is(start.kind, 'session-start');
  assert.is(start.data?.seed, '2');
  // A string seed works too, and is as reproducible.
  const c = await runScenario('random-walk', { out: fresh('seed-s'), seed: 'abc' });
  const d = await runScenario('random-walk', { out: fresh('seed-s'), seed: 'abc' });
  assert.is(c.digest, d.digest);
  assert.is(c.runId, 'random-walk-abc');
});

test('default output dir: recordings/<name>-<seed> under the cwd', async () => {
  const cwd = process.cwd();
  const dir = fresh('cwd');
  fs.mkdirSync(dir);
  process.chdir(dir);
  try {
    const r = await runScenario('feed-outage', { seed: 9 });
    assert.is(r.dir, path.join('recordings', 'feed-outage-9'));
    assert.ok(fs.existsSync(path.join(dir, 'recordings', 'feed-outage-9')));
  } finally {
    process.chdir(cwd);
  }
});

test('an existing non-empty recording is refused; force replaces it, but never a foreign directory', async () => {
  const dir = fresh('force');
  const first = await runScenario('feed-outage', { out: dir, seed: 5 });
  const err = await rejects(() => runScenario('feed-outage', { out: dir, seed: 6 }), /not empty.*--force/);
  assert.is((err as TapedeckError).code, 'BAD_ARGUMENT');
  assert.is(digestRecording(dir), first.digest, 'left untouched');
  const again = await runScenario('feed-outage', { out: dir, seed: 6, force: true });
  assert.is.not(again.digest, first.digest);
  assert.is(digestRecording(dir), again.digest);
  // An empty existing directory is fine without --force.
  const empty = fresh('empty');
  fs.mkdirSync(empty);
  await runScenario('feed-outage', { out: empty, seed: 5 });
  // A directory holding anything but log files is never removed.
  const foreign = fresh('foreign');
  fs.mkdirSync(foreign);
  fs.writeFileSync(path.join(foreign, 'notes.txt'), 'keep me');
  await rejects(() => runScenario('feed-outage', { out: foreign, force: true }), /not part of a recording/);
  assert.ok(fs.existsSync(path.join(foreign, 'notes.txt')));
});

test('flash-crash: backtests its strategy; the shock guard makes the flat-within expectation hold', async () => {
  const dir = fresh('fc');
  const r = await runScenario('flash-crash', { out: dir });
  assert.is(r.digest, GOLDEN['flash-crash']!.digest);
  assert.ok(r.backtest, 'the scenario names a strategy: a backtest ran');
  const bt = r.backtest!;
  assert.is(bt.dir, `${dir}-backtest`);
  assert.is(bt.summary.strategy, 'ma-crossover');
  assert.is(bt.runId, 'bt-ma-crossover-42-3a22d646dace');
  assert.is(bt.manifest['input.0.digest'], r.digest);
  assert.is(bt.manifest['option.fast'], 20);
  assert.is(bt.manifest['option.slow'], 100);
  assert.is(bt.manifest['option.qty'], 0.1);
  assert.is(bt.manifest.seed, 42);
  assert.ok(bt.summary.trades > 0);
  assert.is(bt.manifest['option.shockPct'], 0.5);
  assert.ok(r.expectations);
  assert.is(r.expectations!.length, 1);
  const e = r.expectations![0]!;
  assert.is(e.expectation.kind, 'flat-within');
  assert.is(e.ok, true, e.detail);
  assert.is(e.detail, 'BTC-USD flat 500 ms after flash-crash');
  assert.is(r.ok, true);
  // And the backtest output is as reproducible as the recording.
  const dir2 = fresh('fc');
  const r2 = await runScenario('flash-crash', { out: dir2 });
  assert.is(r2.backtest!.digest, bt.digest);
  assertSameFiles(bt.dir, r2.backtest!.dir);
  assert.equal(r2.expectations, r.expectations);
});

test('a Scenario object with a strategy (relative to baseDir) and a passing expectation', async () => {
  const s = defineScenario({
    name: 'tiny',
    description: 'a short quiet market',
    seed: 11,
    start: '2024-01-02T10:00:00Z',
    duration: '20s',
    symbols: [{ symbol: 'XYZ', price: 50, tickSize: 0.01 }],
    build(ctx) {
      ctx.ticks('XYZ', { model: 'random-walk', volatility: 0.02, spreadBps: 2, ratePerSec: 40 });
    },
    strategy: { path: './strategies/ma-crossover.js', options: { fast: 3, slow: 10 } },
    expectations: [{ kind: 'max-drawdown', below: 1e9 }],
  });
  const dir = fresh('tiny');
  const r = await runScenario(s, { out: dir, baseDir: path.join(repoRoot, 'dist', 'scenarios') });
  assert.is(r.file, undefined);
  assert.ok(r.backtest);
  assert.is(r.expectations!.length, 1);
  assert.ok(r.expectations![0]!.ok, r.expectations![0]!.detail);
  assert.ok(r.ok);
  // backtest: false skips it.
  const r2 = await runScenario(s, { out: fresh('tiny'), backtest: false });
  assert.is(r2.backtest, undefined);
  assert.is(r2.digest, r.digest);
});

test('a scenario .ts file loads through tsx; its ./strategies/x.js resolves to the .ts source', async () => {
  const file = path.join(repoRoot, 'scenarios', 'flash-crash.ts');
  const { scenario, file: loaded } = await loadScenario(file);
  assert.is(loaded, file);
  assert.is(scenario.name, 'flash-crash');
  const r = await runScenario(file, { out: fresh('fc-ts') });
  assert.is(r.digest, GOLDEN['flash-crash']!.digest, 'same recording from source as compiled');
  assert.is(r.backtest!.manifest.strategyFile, 'ma-crossover.ts');
  assert.is(r.expectations![0]!.detail, 'BTC-USD flat 500 ms after flash-crash');
});

test('unknown scenario name → NOT_FOUND listing the known ones; a module that is not a scenario → BAD_ARGUMENT', async () => {
  const err = await rejects(() => runScenario('no-such-scenario', { out: fresh('x') }), /no bundled scenario "no-such-scenario" \(known: feed-outage, flash-crash/);
  assert.is((err as TapedeckError).code, 'NOT_FOUND');
  const bad = path.join(root, 'not-a-scenario.mjs');
  fs.writeFileSync(bad, 'export default { name: "x" };\n');
  const err2 = await rejects(() => runScenario(bad, { out: fresh('x') }), /does not default-export a scenario/);
  assert.is((err2 as TapedeckError).code, 'BAD_ARGUMENT');
});

test.run();
