/** The default real-time scheduler, and the replayer's fast paths (max speed, one source). */
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { TapedeckError } from '../src/errors.js';
import { Replayer, realtimeScheduler } from '../src/replay/index.js';
import { rm } from './helpers/tmp.js';
import { makeRecording, offsets, tick, virtual, watchedBus } from './replay-fixtures.js';

const dirs: string[] = [];
const track = (d: string) => (dirs.push(d), d);
test.after(() => dirs.forEach(rm));

test('realtimeScheduler: epoch ms with sub-ms precision, never going back', () => {
  const a = realtimeScheduler.now();
  assert.ok(Math.abs(a - Date.now()) < 1000, 'epoch milliseconds');
  let fractional = false;
  let prev = a;
  for (let i = 0; i < 1000; i++) {
    const t = realtimeScheduler.now();
    assert.ok(t >= prev);
    if (t !== Math.floor(t)) fractional = true;
    prev = t;
  }
  assert.ok(fractional, 'not whole milliseconds');
});

/**
 * Counts the timers armed through the global setTimeout while `run` is pending: the scheduler looks
 * setTimeout up on the global at call time, so a wrapper sees every timer it arms. This checks the
 * mechanism (no ≥ 1 ms timer per yield) without timing anything on a shared, noisy machine.
 */
async function timersArmedDuring(run: () => Promise<void>): Promise<number> {
  const real = globalThis.setTimeout;
  let armed = 0;
  const counting = ((...args: Parameters<typeof setTimeout>) => {
    armed++;
    return real(...args);
  }) as typeof setTimeout;
  globalThis.setTimeout = counting;
  try {
    await run();
  } finally {
    globalThis.setTimeout = real;
  }
  return armed;
}

test('realtimeScheduler: a zero delay is an immediate, not a ≥ 1 ms timer', async () => {
  // 200 hops through schedule(…, 0): with a 1 ms timer floor (asyncScheduler) each hop would arm a timer.
  const hops = 200;
  let n = 0;
  const armed = await timersArmedDuring(
    () =>
      new Promise<void>((resolve) => {
        realtimeScheduler.schedule(function (this: { schedule(s?: unknown, d?: number): unknown }) {
          if (++n < hops) this.schedule(undefined, 0);
          else resolve();
        }, 0);
      }),
  );
  assert.is(n, hops);
  assert.is(armed, 0, `${hops} zero-delay hops armed ${armed} timers`);
  // The counter itself can fail: a positive delay does arm one.
  assert.is(await timersArmedDuring(() => new Promise<void>((resolve) => realtimeScheduler.schedule(() => resolve(), 1))), 1);
});

test('realtimeScheduler: never synchronous; delays wait; state is passed; unsubscribe cancels', async () => {
  let ran = false;
  const sub = realtimeScheduler.schedule(() => {
    ran = true;
  }, 0);
  assert.not.ok(ran, 'not run synchronously');
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(ran);
  assert.ok(sub.closed === false || sub.closed === true);

  let cancelled = false;
  realtimeScheduler.schedule(() => (cancelled = true), 0).unsubscribe();
  realtimeScheduler.schedule(() => (cancelled = true), 2).unsubscribe();
  await new Promise((r) => setTimeout(r, 10));
  assert.not.ok(cancelled, 'an unsubscribed action never runs');

  const t0 = realtimeScheduler.now();
  const got = await new Promise<{ state: number | undefined; at: number }>((resolve) => {
    realtimeScheduler.schedule((state?: number) => resolve({ state, at: realtimeScheduler.now() }), 20, 42);
  });
  assert.is(got.state, 42);
  // Node's timers may round the loop time by up to a millisecond.
  assert.ok(got.at - t0 >= 19, `waited ${(got.at - t0).toFixed(2)} ms for 20`);
});

test('the Replayer defaults to realtimeScheduler: a max-speed replay does not sleep between slices', async () => {
  const N = 20_000;
  const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i))));
  const bus = new EventBus();
  let n = 0;
  bus.subscribe(() => n++);
  // 200 slices of 100: none of the yields between slices may wait for a timer.
  const r = new Replayer(d, bus, { sliceMax: 100 });
  const armed = await timersArmedDuring(async () => {
    await lastValueFrom(r.start({ speed: 'max' }), { defaultValue: undefined });
  });
  assert.is(n, N);
  assert.ok(r.metrics.counters.passes! >= N / 100);
  assert.is(r.metrics.counters.events, N);
  assert.is(armed, 0, `a max-speed replay of ${r.metrics.counters.passes} passes armed ${armed} timers`);
});

test('chunkBytes: any read size replays the same events; a bad one is a typed error', async () => {
  const N = 3000;
  const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i, { symbol: `S${i % 7}` }))));
  for (const chunkBytes of [64, 4096, 1 << 20]) {
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(d, bus, { scheduler: sched, chunkBytes });
    r.start({ speed: 'max' });
    sched.flush();
    assert.is(seen.length, N, `chunkBytes ${chunkBytes}`);
    assert.equal(offsets(seen), Array.from({ length: N }, (_, i) => i));
    assert.equal(seen.map((s) => s.seq), Array.from({ length: N }, (_, i) => i));
    assert.is(r.progress().emitted, N);
    assert.is(r.progress().percent, 100);
  }
  for (const bad of [0, -1, 1.5]) {
    try {
      new Replayer(d, new EventBus(), { chunkBytes: bad });
      assert.unreachable(`chunkBytes ${bad} accepted`);
    } catch (e) {
      assert.instance(e, TapedeckError);
      assert.is((e as TapedeckError).code, 'BAD_ARGUMENT');
    }
  }
});

test('max speed: a subscriber pausing mid-slice stops the slice there; counters and position agree', async () => {
  const N = 500;
  const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i))));
  const sched = virtual();
  const bus = new EventBus();
  const r = new Replayer(d, bus, { scheduler: sched });
  let n = 0;
  bus.subscribe((e) => {
    n++;
    assert.is(r.now(), e.ts, 'now() is the event being handled');
    if (n === 123) r.pause();
  });
  r.start({ speed: 'max' });
  sched.flush();
  assert.is(r.state, 'paused');
  assert.is(n, 123);
  assert.is(r.metrics.counters.events, 123);
  assert.is(r.progress().emitted, 123);
  assert.is(r.progress().seq, 122);
  assert.is(r.step(7), 7);
  assert.is(r.metrics.counters.events, 130);
  r.resume();
  sched.flush();
  assert.is(n, N);
  assert.is(r.metrics.counters.events, N);
  assert.is(r.state, 'done');
});

test('paced: the lag summary is read from the histogram (count, percentiles, max)', async () => {
  const d = track(await makeRecording(Array.from({ length: 50 }, (_, i) => tick(i * 10))));
  const sched = virtual();
  const bus = new EventBus();
  const r = new Replayer(d, bus, { scheduler: sched });
  r.start({ speed: 10 });
  sched.flush();
  const lag = r.progress().lag;
  assert.is(lag.count, 50);
  assert.ok(lag.p50Ms >= 0 && lag.p50Ms < 1e-5 && lag.p99Ms < 1e-5 && lag.maxMs < 1e-5, 'no lag in virtual time');
  assert.is(r.progress$.value.lag.count, 50);
});

test.run();
