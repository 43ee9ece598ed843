/**
 * The CLI's argument layer and its one rule for recordings: a path that is not a recording is exit
 * 74 for every command that reads one; a flag value of the wrong type or unit, or flags that
 * contradict each other, are exit 2 before anything runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { durationArg, durationOrRangeArg, optionPairsArg, seedArg } from '../src/cli/args.js';
import type { TapeEvent } from '../src/events/types.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';
import { fixtureEvents, MS, T0, writeRecording } from './ops-fixtures.js';

const base = tmpDir('tapedeck-args-');
const good = path.join(base, 'good');
const MA = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'ma-crossover.js');

test.before(async () => {
  await writeRecording(good);
});
test.after(() => rm(base));

function notRecordings(): Record<string, string> {
  const missing = path.join(base, 'missing');
  const file = path.join(base, 'file.txt');
  fs.writeFileSync(file, 'hello\n');
  const other = path.join(base, 'etc-like');
  fs.mkdirSync(other, { recursive: true });
  fs.writeFileSync(path.join(other, 'passwd'), 'root:x:0:0\n');
  const empty = path.join(base, 'empty');
  fs.mkdirSync(empty, { recursive: true });
  return { missing, file, other, empty };
}

test('args - every command that reads a recording exits 74 on a path that is not one', async () => {
  const bad = notRecordings();
  for (const [what, p] of Object.entries(bad)) {
    const runs: string[][] = [
      ['info', p],
      ['export', p],
      ['replay', p, '--max'],
      ['stats', p],
      ['compact', p, '--before', '+1s'],
      ['keyframe', p],
      ['verify', p],
      ['verify', good, '--against', p],
      ['diff', p, good],
      ['diff', good, p],
      ['backtest', p, '--strategy', MA, '--out', path.join(base, `bt-${what}`)],
    ];
    for (const args of runs) {
      const r = await runCli(args);
      assert.is(r.code, 74, `${args.join(' ')} (${what}): ${r.stdout}${r.stderr}`);
      assert.ok(r.stderr.includes(p), `${args[0]} names the path: ${r.stderr}`);
      assert.match(r.stderr, /no such recording|not a recording/, args.join(' '));
      assert.is(r.stdout, '', `${args.join(' ')} prints no result`);
    }
  }
  assert.not.ok(fs.existsSync(path.join(base, 'bt-empty')), 'nothing written for a failed backtest');
});

test('args - diff /etc /usr is not "identical: 0 events"', async () => {
  if (!fs.existsSync('/etc') || !fs.existsSync('/usr')) {
    console.log('SKIPPED: diff /etc /usr (no /etc or /usr on this machine)');
    return;
  }
  const r = await runCli(['diff', '/etc', '/usr']);
  assert.is(r.code, 74, r.stdout + r.stderr);
  assert.match(r.stderr, /\/etc: not a recording/);
});

test('args - durations carry a unit; one parser with the +offset times', () => {
  assert.is(durationArg('--x', '5ms'), 5_000_000n);
  assert.is(durationArg('--x', '1.5s'), 1_500_000_000n);
  assert.is(durationArg('--x', '2m'), 120_000_000_000n);
  assert.is(durationArg('--x', '10us'), 10_000n);
  assert.is(durationArg('--x', '0'), 0n);
  for (const bad of ['5', '1.5', '-5ms', 'ms', '5 parsecs', '', '1.0000000001s', '+5ms']) {
    try {
      durationArg('--latency', bad);
      assert.unreachable(`"${bad}" accepted`);
    } catch (e) {
      assert.is((e as { code?: string }).code, 'BAD_ARGUMENT', bad);
      assert.match((e as Error).message, /^--latency: /, bad);
    }
  }
  assert.match(String(captured(() => durationArg('--latency', '5'))), /no unit.*5ms or 5s/);
  assert.equal(durationOrRangeArg('--latency', '1ms-5ms'), { minNs: 1_000_000n, maxNs: 5_000_000n });
  assert.is((captured(() => durationOrRangeArg('--latency', '5ms-1ms')) as { code: string }).code, 'BAD_ARGUMENT');
});

test('args - --option pairs and seeds', () => {
  assert.equal(optionPairsArg('--option', ['qty=0.5', 'mode=long-flat', 'on=true']), { qty: 0.5, mode: 'long-flat', on: true });
  for (const bad of [['novalue'], ['=1'], ['a b=1'], ['q=1', 'q=2']]) assert.is((captured(() => optionPairsArg('--option', bad)) as { code: string }).code, 'BAD_ARGUMENT', bad.join(' '));
  assert.is(seedArg('--seed', '42'), 42);
  assert.is(seedArg('--seed', 'abc-1.x'), 'abc-1.x');
  for (const bad of ['../../x', '..', '.', 'a/b', '', 'a\\b', 'x'.repeat(101)]) assert.is((captured(() => seedArg('--seed', bad)) as { code: string }).code, 'BAD_ARGUMENT', bad);
});

test('args - bad values and conflicting flags exit 2 before anything runs', async () => {
  const out = (n: string) => path.join(base, `u-${n}`);
  const cases: [string[], RegExp][] = [
    [['backtest', good, '--strategy', MA, '--latency', '5', '--out', out('1')], /--latency: "5" has no unit/],
    [['backtest', good, '--strategy', MA, '--option', 'qty=abc', '--out', out('2')], /option "qty" must be a number/],
    [['backtest', good, '--strategy', MA, '--option', 'qtty=1', '--out', out('3')], /unknown option "qtty"/],
    [['backtest', good, '--strategy', MA, '--taker-bps', 'abc', '--out', out('4')], /--taker-bps: needs a number, got "abc"/],
    [['backtest', good, '--strategy', MA, '--max-loss', '-1', '--out', out('5')], /--max-loss: needs a number > 0/],
    [['backtest', good, '--strategy', MA, '--seed', '../../x', '--out', out('6')], /--seed: "..\/..\/x" is not a seed/],
    [['replay', good, '--max', '--speed', '10'], /--max and --speed cannot be used together/],
    [['replay', good, '--speed', 'fast'], /--speed: needs a number > 0/],
    [['stats', good, '--interval', '5'], /--interval: "5" has no unit/],
    [['stats', good, '--interval', '1ms'], /too short/],
    [['record', path.join(base, 'r1'), '--segment-size', 'lots'], /--segment-size: size "lots"/],
    [['record', path.join(base, 'r2'), '--max-attempts', '0', '--ws', 'ws://127.0.0.1:9'], /--max-attempts: needs a whole number ≥ 1/],
    [['scenario', 'run', 'halt', '--seed', '../../../../escape'], /--seed: .* is not a seed/],
  ];
  for (const [args, msg] of cases) {
    const r = await runCli(args, { cwd: base });
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, msg, args.join(' '));
    assert.is(r.stdout, '', args.join(' '));
  }
  for (const n of ['1', '2', '3', '4', '5', '6']) assert.not.ok(fs.existsSync(out(n)), `nothing written for u-${n}`);
  assert.not.ok(fs.existsSync(path.join(base, 'r1')) || fs.existsSync(path.join(base, 'r2')), 'record created nothing');
  assert.not.ok(fs.existsSync(path.join(base, 'recordings')), 'scenario run wrote nothing');
  assert.not.ok(fs.existsSync(path.resolve(base, '..', '..', '..', '..', 'escape-0')), 'nothing outside');
});

test('args - verify --against with --from/--to: the digests compared are of the compared range', async () => {
  const evs = fixtureEvents();
  const a = path.join(base, 'va');
  const b = path.join(base, 'vb');
  await writeRecording(a, evs);
  // b differs only after +40ms.
  const changed: TapeEvent[] = evs.map((e) => (e.type === 'tick' && e.ts > T0 + 40n * MS ? { ...e, bid: 1 } : e));
  await writeRecording(b, changed);
  const inRange = await runCli(['verify', a, '--against', b, '--from', '+5ms', '--to', '+20ms']);
  assert.is(inRange.code, 0, inRange.stdout + inRange.stderr);
  assert.match(inRange.stdout, /identical: \d+ events/);
  assert.match(inRange.stdout, /digests of the compared range equal/);
  assert.not.match(inRange.stdout, /differ/);
  const j = JSON.parse((await runCli(['verify', a, '--against', b, '--from', '+5ms', '--to', '+20ms', '--json'])).stdout);
  assert.is(j.against.digestsEqual, true);
  assert.is(j.against.digestScope, 'filtered');
  const whole = await runCli(['verify', a, '--against', b]);
  assert.is(whole.code, 1);
  const late = await runCli(['verify', a, '--against', b, '--from', '+30ms']);
  assert.is(late.code, 1, late.stdout);
  const typed = await runCli(['verify', a, '--against', b, '--types', 'order', '--json']);
  assert.is(typed.code, 0, typed.stdout);
  assert.is(JSON.parse(typed.stdout).against.digestsEqual, null);
});

function captured(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

test.run();
