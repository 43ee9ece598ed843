/**
 * `tapedeck sweep` from the command line (in-process): flags, a JSON sweep file and a TS sweep
 * module describing the same sweep give byte-identical tables; a TS strategy loads in the worker
 * threads and trades exactly as its compiled JS; exit codes 0 / 1 (a failed job) / 2 (usage).
 *
 * The three-way table comparison uses the compiled ma-crossover.js: each worker thread that loads
 * a `.ts` strategy pays about 1 s of CPU for tsx (it re-evaluates the library through its hooks),
 * and that comparison is about the three ways of describing a sweep. The `.ts` strategy in the
 * threads has its own sweep below, on one thread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderSweepProgress } from '../src/cli/commands/sweep.js';
import { runCli } from './helpers/cli.js';
import { MA_JS, MA_TS, writeFaultyStrategy, writeRecording, writeScenarioFile } from './helpers/sweep-fixtures.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-sweepcli-');
test.after(() => rm(root));

let scenarioFile = '';
let recording = '';
test.before(async () => {
  scenarioFile = writeScenarioFile(root, 'mini');
  recording = await writeRecording(root, 'rec');
});

test('flags, a JSON sweep file and a TS sweep module: the same table', async () => {
  const flags = await runCli(['sweep', scenarioFile, recording, '--strategy', MA_JS, '--grid', 'fast=3,5', '--option', 'slow=12', '--seeds', '1..2', '--workers', '2', '--out', path.join(root, 'flags')]);
  assert.is(flags.code, 0, flags.stderr);
  assert.match(flags.stdout, /^#\s+input\s+seed\s+fast\s+trades\s+net pnl\s+fees\s+max dd\s+sharpe\s+output$/m);
  assert.match(flags.stdout, /^8 jobs: 8 ok, 0 failed; ran 8 in/m);
  const json = path.join(root, 'sweep.json');
  fs.writeFileSync(json, JSON.stringify({ strategy: MA_JS, inputs: [scenarioFile, recording], grid: { fast: [3, 5] }, options: { slow: 12 }, seeds: '1..2' }));
  const fromJson = await runCli(['sweep', '--file', json, '--workers', '1', '--out', path.join(root, 'json')]);
  assert.is(fromJson.code, 0, fromJson.stderr);
  const mod = path.join(root, 'sweep.mts');
  fs.writeFileSync(
    mod,
    `import { defineSweep } from ${JSON.stringify(pathToFileURL(path.join(repoRoot, 'dist', 'src', 'sweep', 'index.js')).href)};\n` +
      `export default defineSweep({ strategy: ${JSON.stringify(MA_JS)}, inputs: ${JSON.stringify([scenarioFile, recording])},\n` +
      `  grid: { fast: [3, 5].map((x) => x) }, options: { slow: 12 }, seeds: [1, 2] });\n`,
  );
  const fromTs = await runCli(['sweep', '--file', mod, '--workers', '1', '--out', path.join(root, 'ts')]);
  assert.is(fromTs.code, 0, fromTs.stderr);
  const csv = fs.readFileSync(path.join(root, 'flags', 'results.csv'));
  assert.ok(fs.readFileSync(path.join(root, 'json', 'results.csv')).equals(csv));
  assert.ok(fs.readFileSync(path.join(root, 'ts', 'results.csv')).equals(csv));
  assert.ok(fs.readFileSync(path.join(root, 'ts', 'results.json')).equals(fs.readFileSync(path.join(root, 'flags', 'results.json'))));
  // --json: results.json itself, with where it is.
  const j = await runCli(['sweep', '--file', json, '--out', path.join(root, 'json'), '--resume', '--json']);
  assert.is(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout);
  assert.is(doc.skipped, 8);
  assert.is(doc.ran, 0);
  assert.is(doc.results.rows.length, 8);
  assert.is(doc.results.strategy.name, 'ma-crossover');
});

test('a .ts strategy runs in the worker threads (through tsx) and trades exactly as its compiled .js', async () => {
  type Row = Record<string, unknown> & { input: string; seed: number; params: { fast: number } };
  const r = await runCli(['sweep', recording, '--strategy', MA_TS, '--grid', 'fast=3,5', '--option', 'slow=12', '--seeds', '2', '--workers', '1', '--out', path.join(root, 'ts-strategy'), '--json']);
  assert.is(r.code, 0, r.stderr);
  const ts = JSON.parse(r.stdout) as { ran: number; results: { strategy: { name: string }; rows: Row[] } };
  assert.is(ts.ran, 2);
  assert.is(ts.results.strategy.name, 'ma-crossover');
  // The compiled .js ran the same jobs in the first test (the recording, seed 2, fast 3 and 5).
  const js = (JSON.parse(fs.readFileSync(path.join(root, 'flags', 'results.json'), 'utf8')) as { rows: Row[] }).rows.filter((row) => row.input === ts.results.rows[0]!.input && row.seed === 2);
  assert.is(js.length, 2, 'the first test ran the .js on the same jobs');
  // The same jobs' numbers; the job ids and output digests differ, as they name the strategy file.
  const numbers = (row: Row) => ({ fast: row.params.fast, status: row.status, trades: row.trades, netPnl: row.netPnl, fees: row.fees, maxDrawdown: row.maxDrawdown, sharpe: row.sharpe, events: row.events });
  assert.ok(ts.results.rows.every((row) => row.status === 'ok' && (row.trades as number) > 0), JSON.stringify(ts.results.rows));
  assert.equal(ts.results.rows.map(numbers), js.map(numbers));
});

test('exit 1 when a job fails (named), exit 2 for usage errors', async () => {
  const faulty = writeFaultyStrategy(root);
  const r = await runCli(['sweep', recording, '--strategy', faulty, '--grid', 'boom=false,true', '--out', path.join(root, 'faulty'), '--workers', '1'], {
    tty: { stderr: true },
    columns: 100,
  });
  assert.is(r.code, 1, r.stderr);
  // On a terminal: the progress line, redrawn in place, up to 2 of 2 jobs, then cleared.
  assert.match(r.stderr, /\rsweep\s+\[#+\]\s+100%\s+2\/2 jobs\s+1 failed\s+[\d.]+ jobs\/s\s+ETA 0s\x1b\[K/);
  assert.match(r.stderr, /\r\x1b\[K/);
  assert.match(r.stdout, /FAILED BAD_INPUT: strategy faulty failed in onTick/);
  assert.match(r.stderr, /1 of 2 jobs failed \(first: #1 BAD_INPUT: strategy faulty failed in onTick/);
  for (const [args, re] of [
    [[recording, '--strategy', faulty, '--grid', 'boom'], /--grid "boom": expected key=value/],
    [[recording, '--strategy', faulty, '--seeds', '3..1'], /--seeds "3\.\.1": the range runs backwards/],
    [[recording], /name a strategy/],
    [['--strategy', faulty], /at least one recording or scenario/],
    [[recording, '--strategy', faulty, '--workers', '0'], /--workers must be an integer ≥ 1/],
  ] as const) {
    const u = await runCli(['sweep', ...args, '--out', path.join(root, 'usage')]);
    assert.is(u.code, 2, `${args.join(' ')}: ${u.stderr}`);
    assert.match(u.stderr, re);
  }
  const again = await runCli(['sweep', recording, '--strategy', faulty, '--out', path.join(root, 'faulty')]);
  assert.is(again.code, 2);
  assert.match(again.stderr, /already holds a sweep; pass --resume/);
});

test('progress line: bar, jobs, failures, rate and ETA', () => {
  const line = renderSweepProgress({ phase: 'jobs', done: 5, total: 20, skipped: 0, failed: 1 }, 5, 10, 100);
  assert.match(line, /^sweep\s+\[#+\.+\]\s+25%\s+5\/20 jobs\s+1 failed\s+0\.50 jobs\/s\s+ETA 30s$/);
  assert.match(renderSweepProgress({ phase: 'inputs', done: 1, total: 4, skipped: 0, failed: 0 }, 0, 1, 100), /^inputs\s+\[.*\]\s+25%\s+1\/4$/);
  assert.match(renderSweepProgress({ phase: 'jobs', done: 0, total: 4, skipped: 0, failed: 0 }, 0, 1, 100), /ETA \?$/);
});

test.run();
