import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openRecording } from '../src/events/recording.js';
import type { SystemEvent } from '../src/events/types.js';
import { digestRecording } from '../src/verify/digest.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-btcli-');
test.after(() => rm(root));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args, { cwd: root });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

function cmp(a: string, b: string): number {
  return spawnSync('cmp', [a, b]).status ?? -1;
}

const MA_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'ma-crossover.js');
const MA_TS = path.join(repoRoot, 'scenarios', 'strategies', 'ma-crossover.ts');
const FC = path.join(root, 'fc');

test('scenario list: every bundled scenario with its description', async () => {
  const r = await cli('scenario', 'list');
  assert.is(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.equal(
    lines.map((l) => l.split(/\s+/)[0]),
    ['feed-outage', 'flash-crash', 'halt', 'random-walk', 'trend'],
  );
  assert.match(r.out, /flash-crash\s+BTC-USD falls 8%/);
  assert.match(r.out, /random-walk\s+Two symbols in a quiet market/);
  const j = await cli('scenario', 'list', '--json');
  assert.is(j.code, 0, j.err);
  const list = JSON.parse(j.out) as { name: string; description: string }[];
  assert.is(list.length, 5);
  assert.ok(list.every((s) => s.description.length > 0));
});

test('scenario run flash-crash: the guarded strategy is flat in time (exit 0); an unguarded variant fails (exit 1, named)', async () => {
  const ok = await cli('scenario', 'run', 'flash-crash', '--out', FC);
  assert.is(ok.code, 0, ok.err);
  assert.match(ok.out, /^scenario\s+flash-crash\s+seed 42/m);
  assert.match(ok.out, /events\s+14058/);
  assert.match(ok.out, /expectations: all 1 hold/);
  assert.ok(fs.existsSync(`${FC}-backtest`));
  // The directory is taken now: refused without --force (usage error), replaced with it.
  const again = await cli('scenario', 'run', 'flash-crash', '--out', FC);
  assert.is(again.code, 2);
  assert.match(again.err, /not empty.*--force/);
  // The same scenario with the shock guard off: ma-crossover holds its short through the crash.
  const variant = path.join(root, 'flash-crash-unguarded.mjs');
  fs.writeFileSync(
    variant,
    `import base from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', 'scenarios', 'flash-crash.js')).href)};\n` +
      `export default { ...base, strategy: { path: ${JSON.stringify(MA_JS)}, options: { fast: 20, slow: 100, qty: 0.1 } } };\n`,
  );
  const bad = await cli('scenario', 'run', variant, '--out', path.join(root, 'fc-unguarded'), '--json');
  assert.is(bad.code, 1, bad.err);
  const j = JSON.parse(bad.out);
  assert.is(j.ok, false);
  assert.equal(j.expectations, [{ kind: 'flat-within', ok: false, detail: 'not flat 500 ms after flash-crash: BTC-USD -0.1' }]);
  assert.match(bad.err, /expectation failed: flat-within: not flat 500 ms after flash-crash/);
});

test('scenario run twice → cmp-identical segment files; --seed changes them; default dir under recordings/', async () => {
  const a = path.join(root, 'halt-a');
  const b = path.join(root, 'halt-b');
  const ra = await cli('scenario', 'run', 'halt', '--out', a);
  const rb = await cli('scenario', 'run', 'halt', '--out', b);
  assert.is(ra.code, 0, ra.err);
  assert.is(rb.code, 0, rb.err);
  assert.not.match(ra.out, /expectations/, 'halt names no strategy');
  const files = segmentFiles(a);
  assert.ok(files.length > 0);
  assert.equal(segmentFiles(b), files);
  for (const f of files) assert.is(cmp(path.join(a, f), path.join(b, f)), 0, `cmp ${f}`);
  assert.is((await cli('diff', a, b)).code, 0);
  const c = await cli('scenario', 'run', 'halt', '--seed', '4', '--json');
  assert.is(c.code, 0, c.err);
  const j = JSON.parse(c.out);
  assert.is(j.dir, path.join('recordings', 'halt-4'));
  assert.is(j.runId, 'halt-4');
  assert.is(j.seed, 4);
  assert.ok(fs.existsSync(path.join(root, 'recordings', 'halt-4')));
  assert.is.not(j.digest, digestRecording(a));
  assert.is((await cli('diff', a, path.join(root, 'recordings', 'halt-4'))).code, 1);
});

test('scenario run: an unknown name fails naming the known ones', async () => {
  const r = await cli('scenario', 'run', 'nope');
  assert.is(r.code, 74);
  assert.match(r.err, /no bundled scenario "nope" \(known: feed-outage, flash-crash, halt, random-walk, trend\)/);
});

test('scenario run <file.ts>: a user scenario through tsx; its passing expectation exits 0', async () => {
  const dir = path.join(root, 'user');
  fs.mkdirSync(dir, { recursive: true });
  const api = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'scenario', 'index.js')).href;
  const file = path.join(dir, 'calm.ts');
  fs.writeFileSync(
    file,
    `import { defineScenario } from ${JSON.stringify(api)};
const symbol: string = 'CALM';
export default defineScenario({
  name: 'calm',
  description: 'a calm market',
  seed: 5,
  start: '2024-02-01T09:00:00Z',
  duration: '20s',
  symbols: [symbol],
  build(ctx) {
    ctx.ticks(symbol, { model: 'random-walk', volatility: 0.01, spreadBps: 2, ratePerSec: 30 });
  },
  strategy: { path: ${JSON.stringify(MA_JS)}, options: { fast: 3, slow: 8 } },
  expectations: [{ kind: 'max-drawdown', below: 1e9 }],
});
`,
  );
  const r = await cli('scenario', 'run', file, '--out', path.join(root, 'calm'));
  assert.is(r.code, 0, r.err + r.out);
  assert.match(r.out, /expectations: all 1 hold/);
  assert.match(r.out, /ok\s+max-drawdown: max drawdown [\d.]+ < 1000000000/);
  assert.match(r.out, /backtest\s+.*calm-backtest/);
});

test('backtest via CLI: byte-identical twice (cmp, diff exit 0); another seed with random latency → diff exits 1', async () => {
  assert.ok(fs.existsSync(FC), 'the flash-crash recording from the scenario test');
  const a = path.join(root, 'bt-a');
  const b = path.join(root, 'bt-b');
  const c = path.join(root, 'bt-c');
  const args = ['--strategy', MA_JS, '--latency', '1ms-5ms'];
  const ra = await cli('backtest', FC, ...args, '--seed', '7', '--out', a);
  assert.is(ra.code, 0, ra.err);
  for (const label of ['strategy', 'events', 'pnl', 'trades', 'drawdown', 'exposure', 'risk', 'speed', 'output', 'digest']) {
    assert.match(ra.out, new RegExp(`^${label}\\s`, 'm'), label);
  }
  assert.match(ra.out, /events\s+14058 in \(14055 ticks\)/);
  assert.match(ra.out, /speed\s+[\d,]+ events\/s/);
  assert.match(ra.out, new RegExp(`output\\s+${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  const rb = await cli('backtest', FC, ...args, '--seed', '7', '--out', b, '--json');
  assert.is(rb.code, 0, rb.err);
  const jb = JSON.parse(rb.out);
  assert.is(jb.dir, b);
  assert.match(jb.digest, /^[0-9a-f]{64}$/);
  assert.ok(ra.out.includes(jb.digest), 'same digest both runs');
  assert.is(jb.summary.eventsProcessed, 14058);
  assert.is(typeof jb.eventsPerSec, 'number');
  assert.is(jb.manifest['venue.latency.minNs'], '1000000');
  for (const f of segmentFiles(a)) assert.is(cmp(path.join(a, f), path.join(b, f)), 0, `cmp ${f}`);
  assert.equal(segmentFiles(a), segmentFiles(b));
  const same = await cli('diff', a, b);
  assert.is(same.code, 0, same.out);
  assert.match(same.out, /^identical/);
  const rc = await cli('backtest', FC, ...args, '--seed', '8', '--out', c);
  assert.is(rc.code, 0, rc.err);
  const d = await cli('diff', a, c);
  assert.is(d.code, 1);
  assert.match(d.out, /^DIFFERENT: \d+ divergences? \(events realigned by ts and content/);
  // Past the manifest: the orders' timing follows the seeded latency, so realigned by ts the
  // orders of one run are missing from the other (and the other way round).
  const d2 = await cli('diff', a, c, '--types', 'order,fill', '--ignore-fields', 'runId');
  assert.is(d2.code, 1);
  assert.match(d2.out, /ONLY IN A \(deleted\)\n    a: #\d+  seq \d+  ts \d+ \S+Z  (order|fill)/);
  assert.match(d2.out, /ONLY IN B \(inserted\)/);
});

test('backtest via CLI: a .ts strategy through tsx; --option is recorded and changes the run; the manifest', async () => {
  const a = path.join(root, 'bt-ts');
  const r = await cli('backtest', FC, '--strategy', MA_TS, '--option', 'fast=10', '--option', 'qty=0.5', '--option', 'mode=long-flat', '--out', a, '--json');
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.summary.strategy, 'ma-crossover');
  const start = [...openRecording(a).events({ toSeq: 0 })][0] as SystemEvent;
  assert.is(start.kind, 'session-start');
  const m = start.data!;
  assert.is(m['input.0.digest'], digestRecording(FC));
  assert.is(m.strategyFile, 'ma-crossover.ts');
  assert.match(String(m.strategySha256), /^[0-9a-f]{64}$/);
  assert.is(m.seed, 0, 'the default seed');
  assert.is(m['option.fast'], 10);
  assert.is(m['option.qty'], 0.5);
  assert.is(m['option.mode'], 'long-flat');
  assert.is(m['option.slow'], 20);
  assert.is(j.runId, `bt-ma-crossover-0-${digestRecording(FC).slice(0, 12)}`);
  const b = path.join(root, 'bt-ts-2');
  assert.is((await cli('backtest', FC, '--strategy', MA_TS, '--option', 'fast=12', '--option', 'qty=0.5', '--option', 'mode=long-flat', '--out', b)).code, 0);
  assert.is((await cli('diff', a, b)).code, 1);
  assert.is((await cli('diff', a, b, '--types', 'order')).code, 1, 'the orders differ too');
});

test('backtest via CLI: --from/--to offsets, --speed N, usage errors', async () => {
  const a = path.join(root, 'bt-range');
  const r = await cli('backtest', FC, '--strategy', MA_JS, '--from', '+30s', '--to', '+1m', '--speed', '1000', '--out', a, '--json');
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.ok(j.summary.eventsProcessed > 1000 && j.summary.eventsProcessed < 14058, String(j.summary.eventsProcessed));
  assert.is(j.manifest.from, String(1709308800000000000n + 30_000_000_000n));
  // The same range at max speed: the same bytes.
  const b = path.join(root, 'bt-range-max');
  assert.is((await cli('backtest', FC, '--strategy', MA_JS, '--from', '+30s', '--to', '+1m', '--out', b)).code, 0);
  assert.is((await cli('diff', a, b)).code, 0);
  for (const f of segmentFiles(a)) assert.is(cmp(path.join(a, f), path.join(b, f)), 0);
  // Usage errors exit 2.
  assert.is((await cli('backtest', FC, '--strategy', MA_JS, '--speed', 'fast')).code, 2);
  assert.is((await cli('backtest', FC, '--strategy', MA_JS, '--option', 'novalue')).code, 2);
  assert.is((await cli('backtest', FC)).code, 2, '--strategy is required');
  const taken = await cli('backtest', FC, '--strategy', MA_JS, '--out', a);
  assert.is(taken.code, 2);
  assert.match(taken.err, /not empty/);
  const unknownOpt = await cli('backtest', FC, '--strategy', MA_JS, '--option', 'bogus=1', '--out', path.join(root, 'x'));
  assert.is(unknownOpt.code, 2);
  assert.match(unknownOpt.err, /unknown option "bogus"/);
  // --help shows the examples.
  const help = await cli('backtest', '--help');
  assert.match(help.out, /Examples:/);
  assert.match(help.out, /scenarios\/strategies\/ma-crossover\.ts/);
  assert.match((await cli('scenario', 'run', '--help')).out, /Examples:/);
});

test.run();
