/**
 * Time arguments are one rule on every command that takes one (events/ts.ts parseTimeArg through
 * ops/time-range.ts): ns, ISO-8601, +5m after the first record, -5s before the last (also written
 * with a space: --from -5s), and a bare integer in --ts-unit; a seconds-looking integer without
 * --ts-unit is refused naming the unit, with exit 2.
 */
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { joinSignedTimeArgs } from '../src/cli/args.js';
import { Decimal } from '../src/events/decimal.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import type { TapeEvent } from '../src/events/types.js';
import { resolveTimeRange, timeArgResolver } from '../src/ops/time-range.js';
import { cli, MS, T0, writeRecording } from './ops-fixtures.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-time-args-');
test.after(() => rm(root));
const rec = path.join(root, 'a');
const END = T0 + 60n * MS; // the fixture's last tick
const MA_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'ma-crossover.js');

test.before(async () => {
  await writeRecording(rec);
});

test('joinSignedTimeArgs: only a time option followed by a signed relative time is joined', () => {
  assert.equal(joinSignedTimeArgs(['replay', 'd', '--from', '-5s', '--to', '-1ms']), ['replay', 'd', '--from=-5s', '--to=-1ms']);
  assert.equal(joinSignedTimeArgs(['book', 'd', '--at', '-1.5m', '--json']), ['book', 'd', '--at=-1.5m', '--json']);
  assert.equal(joinSignedTimeArgs(['x', '--from', '-v']), ['x', '--from', '-v'], 'a flag is not a time');
  assert.equal(joinSignedTimeArgs(['x', '--speed', '-5s']), ['x', '--speed', '-5s'], 'not a time option');
  assert.equal(joinSignedTimeArgs(['x', '--', '--from', '-5s']), ['x', '--', '--from', '-5s'], 'after --, nothing changes');
});

test('library: one resolver for relative, unit and absolute times over one or several recordings', () => {
  const t = timeArgResolver(rec, 'ms');
  assert.is(t('+30ms'), T0 + 30n * MS);
  assert.is(t('-10ms'), END - 10n * MS);
  assert.is(t(String((T0 + 7n * MS) / MS)), T0 + 7n * MS);
  assert.is(t(5n), 5n);
  assert.equal(resolveTimeRange([rec, rec], '+1ms', '-1ms'), { from: T0 + MS, to: END - MS });
  assert.throws(() => resolveTimeRange(rec, '-1ms', '+1ms'), /after its end/);
  assert.throws(() => timeArgResolver(rec)(String(T0 / 1_000_000_000n)), /looks like seconds.*--ts-unit s/);
});

test('compact --before: --ts-unit and -Ns from the end, the same instant as the ns form', async () => {
  const want = (T0 + 30n * MS).toString();
  for (const args of [['--before', want], ['--before', String((T0 + 30n * MS) / MS), '--ts-unit', 'ms'], ['--before', '-30ms']]) {
    const r = await cli(['compact', rec, ...args, '--dry-run', '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).beforeTs, want, args.join(' '));
  }
  const r = await cli(['compact', rec, '--before', String(T0 / 1_000_000_000n), '--dry-run']);
  assert.is(r.code, 2);
  assert.match(r.stderr, /looks like seconds since the epoch.*--ts-unit s/);
});

test('diff and verify --against: --from/--to with --ts-unit and from the end', async () => {
  let r = await cli(['diff', rec, rec, '--from', '-10ms', '--json']);
  assert.is(r.code, 0, r.stderr);
  const counted = (s: string) => (JSON.parse(s) as { counts: { a: number } }).counts.a;
  const last10 = counted(r.stdout);
  assert.ok(last10 > 0 && last10 < 20, `${last10} events in the last 10 ms`);
  r = await cli(['diff', rec, rec, '--from', String((END - 10n * MS) / 1000n), '--ts-unit', 'us', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(counted(r.stdout), last10);
  r = await cli(['diff', rec, rec, '--to', String(T0 / 1_000_000n)]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /looks like milliseconds.*--ts-unit ms/);
  r = await cli(['verify', rec, '--against', rec, '--from', '-10ms', '--ts-unit', 'ms']);
  assert.is(r.code, 0, r.stderr);
});

test('backtest --from/--to: -Ns from the end and --ts-unit pick the same input range', async () => {
  const run = async (name: string, ...args: string[]) => {
    const r = await cli(['backtest', rec, '--strategy', MA_JS, '--out', path.join(root, name), '--json', ...args]);
    assert.is(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { summary: { startTs: string; eventsProcessed: number } }).summary;
  };
  const a = await run('bt-a', '--from', '-20ms');
  const b = await run('bt-b', '--from', String((END - 20n * MS) / MS), '--ts-unit', 'ms');
  assert.is(String(a.startTs), String(END - 20n * MS));
  assert.equal(b, { ...b, startTs: a.startTs, eventsProcessed: a.eventsProcessed });
  const r = await cli(['backtest', rec, '--strategy', MA_JS, '--from', String(T0 / 1_000_000_000n)]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--ts-unit s/);
});

test('book --at: --ts-unit and -Ns from the end', async () => {
  const dir = path.join(root, 'book');
  const log = await openEventLog(dir, { durability: 'async' });
  const ev = (i: number): TapeEvent => ({
    type: 'book', ts: T0 + BigInt(i) * 1_000_000_000n, runId: 'r', venue: 'v', symbol: 's', action: 'set', side: 'bid', price: new Decimal(100, 0), size: new Decimal(i, 0), flags: 128,
  });
  writeEvent(log, { type: 'book', ts: T0, runId: 'r', venue: 'v', symbol: 's', action: 'clear', flags: 128 + 32 });
  for (let i = 1; i <= 3; i++) writeEvent(log, ev(i));
  await log.close();
  const size = async (...args: string[]) => {
    const r = await cli(['book', dir, ...args, '--json']);
    assert.is(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { bids: { size: string }[] }).bids[0]!.size;
  };
  assert.is(await size('--at', '-1s'), '2');
  assert.is(await size('--at', String(T0 / 1_000_000_000n + 1n), '--ts-unit', 's'), '1');
  assert.is(await size('--at', '+3s'), '3');
  const r = await cli(['book', dir, '--at', String(T0 / 1_000_000_000n)]);
  assert.is(r.code, 2);
  assert.match(r.stderr, /--ts-unit s/);
});

test.run();
