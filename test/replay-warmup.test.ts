/**
 * Warm-up before a paced replay starts its clock (Replayer.warmUp, `replay --warm-up`): the
 * consumer's path runs on the first events, nothing is published, no clock is read, and the
 * replay that follows is exactly the one without it (virtual time; no wall-clock assertion).
 */
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { eventToJson } from '../src/events/json.js';
import type { TapeEvent } from '../src/events/types.js';
import { Replayer } from '../src/replay/index.js';
import { runCli } from './helpers/cli.js';
import { rm } from './helpers/tmp.js';
import { MS, T0, makeRecording, tick, virtual, watchedBus } from './replay-fixtures.js';

let dir = '';
let other = '';
const OFFS = Array.from({ length: 40 }, (_, i) => i * 25);

test.before(async () => {
  dir = await makeRecording(OFFS.map((o, i) => tick(o, { symbol: i % 2 === 0 ? 'AAPL' : 'MSFT' })));
  other = await makeRecording([tick(10, { venue: 'XLON', symbol: 'VOD' }), tick(610, { venue: 'XLON', symbol: 'VOD' })]);
});
test.after(() => [dir, other].forEach(rm));

/** A virtual scheduler that counts its clock readings. */
function countingVirtual() {
  const sched = virtual();
  let reads = 0;
  const now = sched.now.bind(sched);
  sched.now = () => {
    reads++;
    return now();
  };
  return { sched, reads: () => reads };
}

function run(warm: number, opts: { from?: bigint; symbols?: string[] } = {}) {
  const { sched, reads } = countingVirtual();
  const { bus, seen } = watchedBus(sched);
  const r = new Replayer([dir, other], bus, { scheduler: sched });
  const consumed: TapeEvent[] = [];
  const before = reads();
  const n = r.warmUp({ speed: 1000, ...opts }, warm, (ev) => consumed.push(ev));
  const readsDuringWarmUp = reads() - before;
  assert.is(seen.length, 0, 'the warm-up publishes nothing');
  r.start({ speed: 1000, ...opts });
  sched.flush();
  return { n, consumed, readsDuringWarmUp, seen: seen.map((s) => [s.at, s.ts, s.symbol]), lag: r.progress().lag };
}

test('warm-up: consumes events without publishing or reading the clock; the replay is unchanged', () => {
  const cold = run(0);
  assert.is(cold.n, 0);
  // At most `warm` events, shared between the two recordings (40 and 2 events).
  for (const [warm, consumed] of [
    [1, 1],
    [10, 7],
    [41, 23],
    [1000, 42],
  ] as const) {
    const w = run(warm);
    assert.is(w.readsDuringWarmUp, 0, 'no clock read while warming up');
    assert.is(w.n, consumed);
    assert.is(w.consumed.length, w.n);
    // Events from the start of each recording, decoded as the replay would publish them.
    assert.equal(w.consumed[0], { ...tick(0, { symbol: 'AAPL' }), seq: 0 });
    assert.equal(w.seen, cold.seen, `warm-up ${warm}: same events at the same virtual times`);
    assert.is(w.lag.count, 42);
    assert.ok(w.lag.maxMs < 1e-5, 'no lag in virtual time');
  }
  assert.is(cold.seen.length, 42);
  assert.equal(cold.seen[1], [0.01, T0 + 10n * MS, 'VOD']);
});

test('warm-up: reads what start(opts) would publish (from, filters)', () => {
  const w = run(5, { from: T0 + 500n * MS, symbols: ['MSFT'] });
  assert.ok(w.consumed.every((e) => e.ts >= T0 + 500n * MS && e.type === 'tick' && e.symbol === 'MSFT'), JSON.stringify(w.consumed.map((e) => String(e.ts))));
  assert.is(w.seen.length, 10);
});

test('warm-up: only before start', async () => {
  const { sched } = countingVirtual();
  const { bus } = watchedBus(sched);
  const r = new Replayer(dir, bus, { scheduler: sched });
  const done = lastValueFrom(r.start({ speed: 'max' }), { defaultValue: undefined });
  assert.throws(
    () => r.warmUp({}, 10),
    (e: unknown) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT',
  );
  sched.flush();
  await done;
});

test('replay --warm-up: same output, said in --stats, on the main thread and read ahead; a bad count is a usage error (exit 2)', async () => {
  const expected = [...(await import('../src/events/recording.js')).openRecording(dir).events()].map((e) => eventToJson(e) + '\n').join('');
  for (const where of ['--no-read-ahead', '--read-ahead']) {
    const plain = await runCli(['replay', dir, '--speed', '1000', '--stats', '--warm-up', '0', where]);
    const warm = await runCli(['replay', dir, '--speed', '1000', '--stats', '--warm-up', '25', where]);
    const byDefault = await runCli(['replay', dir, '--speed', '1000', '--stats', where]);
    for (const r of [plain, warm, byDefault]) {
      assert.is(r.code, 0, r.stderr);
      assert.is(r.stdout, expected);
    }
    assert.not.match(plain.stderr, /warm-up/);
    const said = /warm-up (\d+) events \(\d+ B each as JSON\) in [\d.]+ ms before the clock started(, read ahead by a worker thread(?: and its pacing rehearsed on this thread)?)?/.exec(warm.stderr);
    assert.ok(said, warm.stderr);
    // On the main thread exactly the count; read ahead, at least it (the worker makes whole batches).
    if (where === '--no-read-ahead') {
      assert.is(said[1], '25');
      assert.is(said[2], undefined);
    } else {
      assert.ok(Number(said[1]) >= 25, said[0]);
      assert.is(said[2], ', read ahead by a worker thread and its pacing rehearsed on this thread');
    }
    assert.match(byDefault.stderr, /warm-up 40 events/);
  }
  const bad = await runCli(['replay', dir, '--speed', '10', '--warm-up', '-3']);
  assert.is(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /--warm-up/);
});

test('replay read ahead: the lead rehearsed before the clock is neither counted nor written, and a --limit below the lead still stops the replay itself', async () => {
  const all = [...(await import('../src/events/recording.js')).openRecording(dir).events()].map((e) => eventToJson(e) + '\n');
  const full = await runCli(['replay', dir, '--speed', '1000', '--stats', '--read-ahead']);
  assert.is(full.code, 0, full.stderr);
  assert.is(full.stdout, all.join(''));
  assert.match(full.stderr, new RegExp(`^replay: ${all.length} events, .*and its pacing rehearsed on this thread`));
  const cut = await runCli(['replay', dir, '--speed', '1000', '--stats', '--read-ahead', '--limit', '3']);
  assert.is(cut.code, 0, cut.stderr);
  assert.is(cut.stdout, all.slice(0, 3).join(''));
  assert.match(cut.stderr, /^replay: 3 events, /);
  // No rehearsal without a lead.
  const none = await runCli(['replay', dir, '--speed', '1000', '--stats', '--read-ahead', '--warm-up', '0']);
  assert.is(none.stdout, all.join(''));
  assert.not.match(none.stderr, /rehearsed/);
});

test.run();
