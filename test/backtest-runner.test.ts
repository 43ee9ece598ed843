import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { VirtualTimeScheduler } from 'rxjs';
import seedrandom from 'seedrandom';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import maCrossover from '../scenarios/strategies/ma-crossover.js';
import { backtestRecordings, defaultBacktestRunId, runBacktest, tapedeckVersion } from '../src/backtest/index.js';
import type { TapedeckError } from '../src/errors.js';
import { openRecording } from '../src/events/recording.js';
import type { SystemEvent, TapeEvent } from '../src/events/types.js';
import { runScenario } from '../src/scenario/index.js';
import { digestRecording } from '../src/verify/digest.js';
import { diffRecordings } from '../src/verify/diff.js';
import { rejects } from './helpers/assert.js';
import { MA_JS, MM_JS, recordTwoMarkets } from './helpers/backtest-inputs.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';
import { waitFor } from './helpers/wait.js';

const root = tmpDir('tapedeck-btrun-');
test.after(() => rm(root));
let n = 0;
const fresh = (label: string) => path.join(root, `${label}-${n++}`);



let inputA = '';
let inputB = '';
test.before(async () => {
  ({ a: inputA, b: inputB } = await recordTwoMarkets(root, 'mkt', { duration: '30s', ratePerSec: 60 }));
});

function events(dir: string): TapeEvent[] {
  return [...openRecording(dir).events()];
}

function assertSameFiles(a: string, b: string): void {
  const fa = fs.readdirSync(a).sort();
  assert.equal(fa, fs.readdirSync(b).sort());
  assert.ok(fa.length > 0);
  for (const f of fa) assert.is(Buffer.compare(fs.readFileSync(path.join(a, f)), fs.readFileSync(path.join(b, f))), 0, `${f} byte-identical`);
}

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('same inputs, strategy and seed → byte-identical output; diffRecordings identical', async () => {
  const opts = { strategyPath: MA_JS, seed: 3, venue: { latency: { minNs: 100_000, maxNs: 2_000_000 } } };
  const a = await backtestRecordings([inputA], { ...opts, out: fresh('same') });
  const b = await backtestRecordings([inputA], { ...opts, out: fresh('same') });
  assert.ok(a.summary.trades > 5, `trades: ${a.summary.trades}`);
  assertSameFiles(a.dir, b.dir);
  assert.is(a.digest, b.digest);
  assert.is(digestRecording(a.dir), a.digest);
  assert.ok(diffRecordings(a.dir, b.dir).identical);
  assert.is(a.records, a.summary.eventsEmitted + 2);
  assert.ok(a.eventsPerSec > 0);
});

test('layout: session-start manifest at seq 0, outputs at the engine numbers, session-end with the summary', async () => {
  const r = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 'seven', strategyOptions: { fast: 4, qty: 2 }, out: fresh('layout') });
  const ev = events(r.dir);
  const inputDigest = digestRecording(inputA);
  const start = ev[0] as SystemEvent;
  assert.is(start.type, 'system');
  assert.is(start.kind, 'session-start');
  assert.is(start.seq, 0);
  assert.is(start.runId, r.runId);
  assert.is(start.ts, events(inputA)[0]!.ts, 'at the first input event');
  const m = start.data!;
  assert.equal(m, r.manifest);
  assert.is(m['input.0.digest'], inputDigest);
  assert.is(m['input.0.records'], events(inputA).length);
  assert.is(m.inputs, 1);
  assert.is(m.strategy, 'ma-crossover');
  assert.is(m.strategyFile, 'ma-crossover.js');
  assert.is(m.strategySha256, sha256(MA_JS));
  assert.is(m.seed, 'seven');
  assert.is(m.tapedeck, JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
  assert.is(m.tapedeck, tapedeckVersion());
  // Every option, the defaults included.
  assert.is(m['option.fast'], 4);
  assert.is(m['option.qty'], 2);
  assert.is(m['option.slow'], 20);
  assert.is(m['option.mode'], 'long-short');
  assert.is(m['option.symbol'], '');
  assert.is(m.runId, r.runId);
  assert.not.ok('speed' in m, 'pacing is not an input of the result');
  assert.is(r.runId, defaultBacktestRunId('ma-crossover', 'seven', [inputDigest]));
  assert.is(r.runId, `bt-ma-crossover-seven-${inputDigest.slice(0, 12)}`);
  // Outputs: the log's seqs are the engine's numbers.
  const end = ev[ev.length - 1] as SystemEvent;
  assert.is(end.kind, 'session-end');
  assert.is(end.seq, ev.length - 1);
  assert.is(r.summary.firstSeq, 1);
  assert.is(r.summary.lastSeq, ev.length - 2);
  for (const e of ev) assert.is(e.runId, r.runId);
  for (let i = 1; i < ev.length; i++) assert.ok(ev[i]!.ts >= ev[i - 1]!.ts);
  const d = end.data!;
  assert.is(d.trades, r.summary.trades);
  assert.is(d.realizedPnl, r.summary.realizedPnl);
  assert.is(d.unrealizedPnl, r.summary.unrealizedPnl);
  assert.is(d.netPnl, r.summary.netPnl);
  assert.is(d.fees, r.summary.fees);
  assert.is(d.maxDrawdown, r.summary.maxDrawdown);
  assert.is(d.maxExposure, r.summary.maxExposure);
  assert.is(d.eventsProcessed, r.summary.eventsProcessed);
  assert.is(d.killed, 'false');
  assert.is(d['position.AAA'], r.summary.positions.AAA!.qty);
  assert.not.ok(Object.keys(d).some((k) => /per.?s|wall/i.test(k)), 'no wall-clock measure recorded');
});

test('the recorded outputs equal an in-memory runBacktest with seqBase 1 (same events, same numbering)', async () => {
  const r = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 9, venue: { latency: 500_000 }, out: fresh('mem') });
  const input = events(inputA);
  const prng = seedrandom.alea('9');
  const mem = runBacktest(input, { strategy: maCrossover(), runId: r.runId, rng: () => prng.double(), venue: { latency: 500_000 }, seqBase: 1 });
  const recorded = events(r.dir).slice(1, -1);
  assert.is(recorded.length, mem.events.length);
  recorded.forEach((e, i) => {
    assert.is(e.seq, mem.seqs[i]);
    const { seq: _s, ...rest } = e;
    assert.equal(rest, mem.events[i]);
  });
  assert.is(mem.summary.netPnl, r.summary.netPnl);
  // Causes point backwards: at inputs, or at earlier outputs.
  assert.ok(recorded.some((e) => e.cause !== undefined));
});

test('a different seed with random latency → a first divergence; so does a changed strategy option', async () => {
  const latency = { minNs: 100_000, maxNs: 5_000_000 };
  const a = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 1, venue: { latency }, out: fresh('s1') });
  const b = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 2, venue: { latency }, out: fresh('s2') });
  const d = diffRecordings(a.dir, b.dir);
  assert.is(d.identical, false);
  if (!d.identical) assert.is(d.first.index, 0, 'the manifest (seed, runId) differs first');
  // Past the manifest and the runId, the orders themselves differ (their timing follows the latency draws).
  const d2 = diffRecordings(a.dir, b.dir, { types: ['order', 'fill'], ignoreFields: ['runId'] });
  assert.is(d2.identical, false);
  // Realigned by ts, an order that moved in time is missing at its old ts and new at its new one.
  if (!d2.identical) {
    assert.ok(d2.first.kind === 'deleted' || d2.first.kind === 'inserted', d2.first.kind);
    assert.ok(d2.counts.onlyInA > 0 && d2.counts.onlyInB > 0);
  }
  // Without random latency the seed changes nothing but the manifest and the runId.
  const c = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 1, out: fresh('nolat') });
  const e = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 2, out: fresh('nolat') });
  assert.ok(diffRecordings(c.dir, e.dir, { types: ['order', 'fill', 'signal'], ignoreFields: ['runId'] }).identical);
  // A changed option: same runId (same strategy, seed, input), different manifest and orders.
  const f = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 1, strategyOptions: { slow: 30 }, out: fresh('opt') });
  assert.is(f.runId, c.runId);
  const d3 = diffRecordings(c.dir, f.dir);
  assert.is(d3.identical, false);
  if (!d3.identical) {
    assert.is(d3.first.index, 0);
    assert.ok(d3.first.fields.some((x) => x.field === 'data'));
  }
  assert.is(diffRecordings(c.dir, f.dir, { types: ['signal', 'order', 'fill'] }).identical, false);
});

test('a numeric speed replays through the Replayer and records the same bytes as max', async () => {
  const max = await backtestRecordings([inputA, inputB], { strategyPath: MA_JS, seed: 4, out: fresh('max') });
  // 60 s of market at 2000x: ~15 ms of real time.
  const paced = await backtestRecordings([inputA, inputB], { strategyPath: MA_JS, seed: 4, speed: 2000, out: fresh('paced') });
  assertSameFiles(max.dir, paced.dir);
  // And under a virtual clock (the scheduler is injectable).
  const sched = new VirtualTimeScheduler(undefined, Infinity);
  const p = backtestRecordings([inputA, inputB], { strategyPath: MA_JS, seed: 4, speed: 1, scheduler: sched, out: fresh('virtual') });
  // The run opens its output asynchronously; flush the virtual clock until it is done.
  let done = false;
  void p.then(() => (done = true), () => (done = true));
  await waitFor(() => (sched.flush(), done), 'the virtual-time run', undefined, 5);
  const virtual = await p;
  assertSameFiles(max.dir, virtual.dir);
});

test('several inputs are merged by ts; the manifest names each by digest; the runId hashes them together', async () => {
  const r = await backtestRecordings([inputA, inputB], { strategyPath: MA_JS, seed: 1, out: fresh('multi') });
  const a = events(inputA);
  const b = events(inputB);
  assert.is(r.summary.eventsProcessed, a.length + b.length);
  assert.is(r.manifest.inputs, 2);
  assert.is(r.manifest['input.0.digest'], digestRecording(inputA));
  assert.is(r.manifest['input.1.digest'], digestRecording(inputB));
  assert.is(r.manifest['input.1.records'], b.length);
  assert.is(r.runId, defaultBacktestRunId('ma-crossover', 1, [digestRecording(inputA), digestRecording(inputB)]));
  // ma-crossover trades each symbol on its own: both inputs reached it.
  const symbols = new Set(events(r.dir).flatMap((e) => (e.type === 'order' ? [e.symbol] : [])));
  assert.equal([...symbols].sort(), ['AAA', 'BBB']);
  // Order matters (the tie-break), so swapped inputs are another run.
  const s = await backtestRecordings([inputB, inputA], { strategyPath: MA_JS, seed: 1, out: fresh('multi') });
  assert.is.not(s.runId, r.runId);
  // The other example strategy runs too.
  const mm = await backtestRecordings([inputA], { strategyPath: MM_JS, seed: 1, out: fresh('mm') });
  assert.is(mm.summary.strategy, 'market-maker');
  assert.ok(mm.summary.orders > 0);
  assert.is(mm.manifest['option.maxInventory'], 5);
});

test('from/to restrict the input range', async () => {
  const all = events(inputA);
  const from = all[0]!.ts + 5_000_000_000n;
  const to = all[0]!.ts + 15_000_000_000n;
  const r = await backtestRecordings([inputA], { strategyPath: MA_JS, from, to, out: fresh('range') });
  const inRange = all.filter((e) => e.ts >= from && e.ts <= to).length;
  assert.is(r.summary.eventsProcessed, inRange);
  assert.is(r.manifest.from, from.toString());
  assert.is(r.manifest.to, to.toString());
  const start = events(r.dir)[0]!;
  assert.ok(start.ts >= from);
});

test('venue and risk options are recorded in the manifest (flat, dotted)', async () => {
  const r = await backtestRecordings([inputA], {
    strategyPath: MA_JS,
    venue: { latency: 1_000_000n, fees: { takerBps: 2, makerBps: -0.5 } },
    risk: { maxPosition: { AAA: 1, '*': 5 }, maxNotional: 1e6 },
    out: fresh('venue'),
  });
  const m = r.manifest;
  assert.is(m['venue.latency'], '1000000');
  assert.is(m['venue.fees.takerBps'], 2);
  assert.is(m['venue.fees.makerBps'], -0.5);
  assert.is(m['risk.maxPosition.AAA'], 1);
  assert.is(m['risk.maxPosition.*'], 5);
  assert.is(m['risk.maxNotional'], 1e6);
  assert.ok(r.summary.fees > 0);
});

test('a .ts strategy in a temp dir loads through tsx', async () => {
  const dir = fresh('ts-strategy');
  fs.mkdirSync(dir);
  const api = pathToFileURL(path.join(repoRoot, 'dist', 'src', 'backtest', 'index.js')).href;
  const file = path.join(dir, 'buy-dips.ts');
  fs.writeFileSync(
    file,
    `import { defineStrategy, type StrategyContext } from ${JSON.stringify(api)};
interface Options { drop: number; qty: number }
export default defineStrategy<Options>({
  name: 'buy-dips',
  defaults: { drop: 0.05, qty: 1 },
  create(o: Options) {
    let last: number | undefined;
    return {
      onTick(t, ctx: StrategyContext): void {
        const mid: number = (t.bid! + t.ask!) / 2;
        if (last !== undefined && mid < last - o.drop && ctx.position(t.symbol) < 3) ctx.submit({ symbol: t.symbol, side: 'buy', kind: 'market', qty: o.qty });
        else if (last !== undefined && mid > last + o.drop && ctx.position(t.symbol) > 0) ctx.submit({ symbol: t.symbol, side: 'sell', kind: 'market', qty: o.qty });
        last = mid;
      },
    };
  },
});
`,
  );
  const a = await backtestRecordings([inputA], { strategyPath: file, seed: 1, strategyOptions: { drop: 0.01 }, out: fresh('ts') });
  const b = await backtestRecordings([inputA], { strategyPath: file, seed: 1, strategyOptions: { drop: 0.01 }, out: fresh('ts') });
  assert.is(a.summary.strategy, 'buy-dips');
  assert.ok(a.summary.trades > 0);
  assert.is(a.manifest.strategyFile, 'buy-dips.ts');
  assert.is(a.manifest.strategySha256, sha256(file));
  assert.is(a.manifest['option.drop'], 0.01);
  assert.is(a.manifest['option.qty'], 1);
  assertSameFiles(a.dir, b.dir);
  // An unknown option is the strategy's error, before anything is written.
  const out = fresh('ts-bad');
  await rejects(() => backtestRecordings([inputA], { strategyPath: file, strategyOptions: { nope: 1 }, out }), /unknown option "nope"/);
  assert.not.ok(fs.existsSync(out));
});

test('errors: no inputs, missing input, missing strategy, bad speed, from after to, a non-empty output', async () => {
  await rejects(() => backtestRecordings([], { strategyPath: MA_JS }), /at least one input/);
  const e1 = await rejects(() => backtestRecordings([path.join(root, 'nope')], { strategyPath: MA_JS }), /no such recording/);
  assert.is((e1 as TapedeckError).code, 'NOT_FOUND');
  const e2 = await rejects(() => backtestRecordings([inputA], { strategyPath: path.join(root, 'missing.js') }), /no such module file/);
  assert.is((e2 as TapedeckError).code, 'NOT_FOUND');
  await rejects(() => backtestRecordings([inputA], { strategyPath: MA_JS, speed: 0 }), /--speed/);
  await rejects(() => backtestRecordings([inputA], { strategyPath: MA_JS, from: 10n, to: 5n }), /after --to/);
  const out = fresh('taken');
  const first = await backtestRecordings([inputA], { strategyPath: MA_JS, out });
  const e3 = await rejects(() => backtestRecordings([inputA], { strategyPath: MA_JS, seed: 2, out }), /not empty.*--force/);
  assert.is((e3 as TapedeckError).code, 'BAD_ARGUMENT');
  assert.is(digestRecording(out), first.digest);
  const again = await backtestRecordings([inputA], { strategyPath: MA_JS, seed: 2, out, force: true });
  assert.is(digestRecording(out), again.digest);
});

test('a strategy that throws: the error propagates and the output log is closed (no LOCK left)', async () => {
  const dir = fresh('throws');
  fs.mkdirSync(dir);
  const file = path.join(dir, 'boom.mjs');
  fs.writeFileSync(file, `export default { name: 'boom', onTick(t, ctx) { if (ctx.now() > ${String(events(inputA)[50]!.ts)}n) throw new Error('kaboom'); } };\n`);
  const out = fresh('throws-out');
  await rejects(() => backtestRecordings([inputA], { strategyPath: file, out }), /kaboom/);
  assert.not.ok(fs.existsSync(path.join(out, 'LOCK')));
});

test.run();
