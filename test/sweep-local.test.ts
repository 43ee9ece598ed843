/**
 * Sweeps on local worker threads: the same sweep with 1 and 2 workers gives byte-identical tables
 * and output recordings; --resume reruns exactly the jobs without an intact result; failures
 * (a throwing strategy, a thread out of memory) are rows, not crashes; refusals name the problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { openRecording } from '../src/events/recording.js';
import type { SystemEvent } from '../src/events/types.js';
import { completeSpec, gridPoints, parseGridArg, parseSeedsArg, sweepFromObject, type SweepSpec } from '../src/sweep/spec.js';
import { WorkerPool } from '../src/sweep/pool.js';
import { runSweep, type SweepProgress } from '../src/sweep/sweep.js';
import { digestRecording } from '../src/verify/digest.js';
import { rejects } from './helpers/assert.js';
import { filesOf, MA_JS, writeFaultyStrategy, writeRecording, writeScenarioFile } from './helpers/sweep-fixtures.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-sweep-');
/**
 * One pool of 2 threads for the sweeps whose thread count is not the point: each new thread
 * loads the library (about 0.5 s of CPU). The 1-vs-2-workers test and the memory-capped one make
 * their own pools, as runSweep does by default.
 */
const pool = new WorkerPool({ workers: 2 });
test.after(async () => {
  await pool.close();
  rm(root);
});

let scenarioFile = '';
let recording = '';
test.before(async () => {
  scenarioFile = writeScenarioFile(root, 'mini');
  recording = await writeRecording(root, 'rec');
});

const spec = (over: Partial<SweepSpec> = {}): SweepSpec =>
  completeSpec({
    strategy: MA_JS,
    inputs: [scenarioFile, recording],
    grid: [parseGridArg('fast=3,5'), parseGridArg('slow=12')],
    options: { qty: 1 },
    seeds: [1, 2],
    ...over,
  });

test('spec - grid and seeds parse, with errors that name the argument', () => {
  assert.equal(parseGridArg('fast=5,10,20'), { key: 'fast', values: [5, 10, 20] });
  assert.equal(parseGridArg('mode=long-short,long-flat'), { key: 'mode', values: ['long-short', 'long-flat'] });
  assert.equal(parseGridArg('on=true,false'), { key: 'on', values: [true, false] });
  assert.equal(parseSeedsArg('1..4'), [1, 2, 3, 4]);
  assert.equal(parseSeedsArg('1..3,7,blue'), [1, 2, 3, 7, 'blue']);
  for (const [bad, re] of [
    ['fast', /expected key=value/],
    ['fast=5,,10', /empty value/],
    ['fast=5,5', /listed twice/],
    ['=5', /expected key=value/],
  ] as const) {
    const e = (() => {
      try {
        parseGridArg(bad);
      } catch (err) {
        return err as TapedeckError;
      }
      return undefined;
    })();
    assert.ok(e instanceof TapedeckError && e.code === 'BAD_ARGUMENT' && re.test(e.message), `${bad}: ${e?.message}`);
  }
  assert.throws(() => parseSeedsArg('5..1'), /runs backwards/);
  assert.throws(() => parseSeedsArg('1..3,2'), /listed twice/);
  assert.equal(
    gridPoints([parseGridArg('a=1,2'), parseGridArg('b=x,y')]),
    [{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }],
  );
  const file = sweepFromObject({ strategy: 's.ts', inputs: ['a'], grid: { fast: [5, 10] }, seeds: '1..2', venue: { latency: '1000' }, from: '5' }, 'x.json');
  assert.equal(file.seeds, [1, 2]);
  assert.is((file.venue as { latency: bigint }).latency, 1000n);
  assert.is(file.from, 5n);
  // Times follow the one time rule: ISO-8601 accepted; an integer that reads as seconds is refused, naming the unit.
  assert.is(sweepFromObject({ strategy: 's.ts', inputs: ['a'], to: '2024-03-01T14:31:00Z' }, 'x.json').to, 1709303460000000000n);
  assert.throws(() => sweepFromObject({ strategy: 's.ts', inputs: ['a'], from: '1709303460' }, 'x.json'), /x\.json: from: .*looks like seconds since the epoch/);
  // A latency is a duration in ns: any size, no time-of-day rule.
  assert.is((sweepFromObject({ strategy: 's.ts', inputs: ['a'], venue: { latency: '1709303460' } }, 'x.json').venue as { latency: bigint }).latency, 1709303460n);
  assert.throws(() => sweepFromObject({ strategy: 's', grids: {} }, 'x.json'), /x\.json: unknown key "grids"/);
  assert.throws(() => sweepFromObject({ grid: { fast: 5 } }, 'x.json'), /grid\.fast must be a list/);
  assert.throws(() => completeSpec({ strategy: 's' }), /at least one recording or scenario/);
});

test('1 vs 2 workers: byte-identical results.csv, results.json and every output recording', async () => {
  const a = path.join(root, 'w1');
  const b = path.join(root, 'w2');
  const progress: SweepProgress[] = [];
  const ra = await runSweep(spec(), { out: a, workers: 1 });
  const rb = await runSweep(spec(), { out: b, pool, onProgress: (p) => progress.push(p) });
  assert.is(ra.rows.length, 2 * 2 * 2);
  assert.is(ra.failed, 0);
  assert.ok(ra.rows.every((r) => r.trades! > 0), 'every job traded');
  // Different seeds give different scenario inputs, and different points different outputs.
  assert.is(new Set(ra.rows.map((r) => r.outputDigest)).size, 8);
  assert.is(new Set(ra.rows.filter((r) => r.input === recording).map((r) => r.inputDigest)).size, 1);
  const fa = filesOf(a);
  const fb = filesOf(b);
  assert.equal([...fa.keys()].sort(), [...fb.keys()].sort());
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs between 1 and 2 workers`);
  assert.ok([...fa.keys()].filter((k) => k.endsWith('.tdseg')).length >= 8 + 2);
  // The table: job order, and each row's digest is its output recording's.
  assert.equal(rb.rows.map((r) => r.index), [0, 1, 2, 3, 4, 5, 6, 7]);
  for (const r of rb.rows) assert.is(digestRecording(path.join(b, 'jobs', r.job)), r.outputDigest);
  const csv = fs.readFileSync(rb.csvFile, 'utf8').split('\n');
  assert.is(csv[0], 'index,job,input,seed,fast,slow,status,trades,net_pnl,fees,max_drawdown,sharpe,events,output_digest,error');
  assert.is(csv.length, 1 + 8 + 1);
  // Each job is a normal backtest: its manifest names its options and seed; its summary the sharpe.
  const out = [...openRecording(path.join(b, 'jobs', rb.rows[1]!.job)).events()];
  const start = out[0] as SystemEvent;
  assert.is(start.data!['option.fast'], 5);
  assert.is(start.data!['option.slow'], 12);
  assert.is(start.data!.seed, 1);
  assert.is((out[out.length - 1] as SystemEvent).data!.sharpe, rb.rows[1]!.sharpe!);
  // Progress: inputs first, then jobs up to 8 of 8.
  assert.is(progress[0]!.phase, 'inputs');
  assert.equal(progress[progress.length - 1], { phase: 'jobs', done: 8, total: 8, skipped: 0, failed: 0 });
});

test('--resume: reruns exactly the jobs without an intact result (missing outcome, corrupted output), same table', async () => {
  const dir = path.join(root, 'resume');
  const first = await runSweep(spec(), { out: dir, pool });
  const csv = fs.readFileSync(first.csvFile);
  const gone = first.rows[2]!.job;
  const broken = first.rows[5]!.job;
  fs.rmSync(path.join(dir, 'results', `${gone}.json`));
  const seg = path.join(dir, 'jobs', broken, segmentFiles(path.join(dir, 'jobs', broken))[0]!);
  flipByte(seg, fs.statSync(seg).size - 40);
  fs.rmSync(first.csvFile);
  // Without --resume the directory is refused.
  await rejects(() => runSweep(spec(), { out: dir, pool }), (e) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT' && /already holds a sweep.*--resume/.test(e.message));
  const again = await runSweep(spec(), { out: dir, pool, resume: true });
  assert.is(again.ran, 2);
  assert.is(again.skipped, 6);
  assert.ok(fs.readFileSync(again.csvFile).equals(csv), 'the resumed table is the same bytes');
  assert.is(digestRecording(path.join(dir, 'jobs', broken)), first.rows[5]!.outputDigest);
  // A resume with another grid is another sweep: refused.
  await rejects(
    () => runSweep(spec({ grid: [parseGridArg('fast=4')] }), { out: dir, pool, resume: true }),
    (e) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT' && /holds a different sweep/.test(e.message),
  );
  // --force starts over.
  const forced = await runSweep(spec(), { out: dir, pool, force: true });
  assert.is(forced.ran, 8);
  assert.ok(fs.readFileSync(forced.csvFile).equals(csv));
  // The pool given is the caller's: its size and heap cap are its own, and it stays open.
  const both = path.join(root, 'pool-and-workers');
  await rejects(() => runSweep(spec(), { out: both, pool, workers: 1 }), (e) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT' && /belong to the pool given/.test(e.message));
  assert.not.ok(fs.existsSync(both), 'refused before anything is written');
  assert.is((await pool.run({ kind: 'digest', dir: recording })).kind, 'input');
});

test('a throwing strategy and a thread out of memory are failed rows; the other jobs finish', async () => {
  const faulty = writeFaultyStrategy(root);
  const dir = path.join(root, 'faulty');
  const r = await runSweep(
    completeSpec({ strategy: faulty, inputs: [recording], grid: [parseGridArg('boom=false,true'), parseGridArg('hog=false,true')], seeds: [1] }),
    { out: dir, workers: 2, memoryMbMax: 64 },
  );
  const byParams = (boom: boolean, hog: boolean) => r.rows.find((x) => x.params.boom === boom && x.params.hog === hog)!;
  assert.is(r.failed, 3);
  assert.is(byParams(false, false).status, 'ok');
  assert.match(byParams(true, false).error!, /^BAD_INPUT: strategy faulty failed in onTick .*boom at tick 50/);
  assert.match(byParams(false, true).error!, /^WORKER_DIED: .*ERR_WORKER_OUT_OF_MEMORY.*\(2 attempts\)/);
  // boom fires at tick 50, before hog's first allocation at tick 1? No: hog runs at tick 1, so this one dies too.
  assert.is(byParams(true, true).status, 'failed');
  assert.not.ok(fs.existsSync(path.join(dir, 'jobs', byParams(true, false).job)), 'no half-written output of a failed job');
  const csv = fs.readFileSync(r.csvFile, 'utf8');
  assert.match(csv, /,failed,,,,,,,,"?BAD_INPUT: strategy faulty failed in onTick/);
});

test('refusals: a directory that is not a recording, an unknown scenario, two inputs with the same events', async () => {
  const empty = path.join(root, 'empty-dir');
  fs.mkdirSync(empty, { recursive: true });
  await rejects(() => runSweep(spec({ inputs: [empty] }), { out: path.join(root, 'r1') }), (e) => e instanceof TapedeckError && e.code === 'NOT_FOUND' && /not a recording/.test(e.message));
  await rejects(() => runSweep(spec({ inputs: ['no-such-scenario'] }), { out: path.join(root, 'r2') }), (e) => e instanceof TapedeckError && e.code === 'NOT_FOUND' && /no bundled scenario "no-such-scenario"/.test(e.message));
  const copy = path.join(root, 'rec-copy');
  fs.cpSync(recording, copy, { recursive: true });
  await rejects(
    () => runSweep(spec({ inputs: [recording, copy] }), { out: path.join(root, 'r3'), pool }),
    (e) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT' && /hold the same events/.test(e.message),
  );
});

test.run();
