/**
 * Replay controls in virtual time (every expectation an exact scheduler time): the replay clock
 * with filters, seeks clamped to the recording, seeking back without repeats, --max-gap.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { Replayer } from '../src/replay/index.js';
import { rm } from './helpers/tmp.js';
import { MS, T0, makeRecording, offsets, tick, times, virtual, watchedBus, type Seen } from './replay-fixtures.js';

// A at 0, 3000, 6000; B every 500 ms in between (0..6000).
const A = [0, 3000, 6000];
let dir = '';
let dirB = '';

test.before(async () => {
  const evs = [];
  for (let t = 0; t <= 6000; t += 500) evs.push(tick(t, { symbol: A.includes(t) ? 'A' : 'B' }));
  dir = await makeRecording(evs);
  dirB = await makeRecording([tick(1000, { symbol: 'C' }), tick(3000, { symbol: 'C' }), tick(3000, { symbol: 'D' })]);
});
test.after(() => {
  rm(dir);
  rm(dirB);
});

function setup(src: string | string[] = dir) {
  const sched = virtual();
  const { bus, seen } = watchedBus(sched);
  const r = new Replayer(src, bus, { scheduler: sched });
  return { sched, seen, r, at: (ms: number, fn: () => void) => sched.schedule(fn, ms) };
}

const sec = (ts: bigint) => Number((ts - T0) / MS);

test('filters change which events are published, never when: the same wall times as unfiltered', () => {
  const all = setup();
  all.r.start();
  all.sched.flush();
  const only = setup();
  only.r.start({ symbols: ['A'] });
  only.sched.flush();
  assert.equal(offsets(only.seen), A);
  const whenAll = new Map(all.seen.map((s) => [sec(s.ts), s.at]));
  assert.equal(times(only.seen), A.map((o) => whenAll.get(o)));
  // The B events before the second A took their time: the second A is due 3 s in, not at once.
  assert.equal(times(only.seen), [0, 3000, 6000]);
  // Before: the first event a filter let through was due at once, so a filtered replay ran early.
});

test('the replay clock advances with time while filters hold every event back', () => {
  const { sched, r, at } = setup();
  const clocks: [number, number, number][] = [];
  for (const t of [500, 1500, 2999, 4000]) at(t, () => clocks.push([t, sec(r.clock()), sec(r.progress().clock)]));
  at(4500, () => clocks.push([4500, r.progress().clockPercent, r.progress().percent]));
  r.start({ symbols: ['A'] });
  sched.flush();
  assert.equal(clocks.slice(0, 4), [
    [500, 500, 500],
    [1500, 1500, 1500],
    [2999, 2999, 2999],
    [4000, 4000, 4000],
  ]);
  // now() stays at the last event published (3000); the clock's percent moves on.
  assert.equal(clocks[4], [4500, 75, 50]);
  assert.is(r.progress().clockPercent, 100);
});

test('the clock stands still while paused and at max speed is the position', () => {
  const { sched, r, at } = setup();
  const seen: number[] = [];
  at(1200, () => r.pause());
  at(5000, () => seen.push(sec(r.clock())));
  at(5001, () => r.resume());
  at(5301, () => seen.push(sec(r.clock())));
  r.start({ symbols: ['A'] });
  sched.flush();
  assert.equal(seen, [1200, 1500]);
  const m = setup();
  m.r.start({ speed: 'max', paused: true });
  m.r.step(3);
  assert.equal(sec(m.r.clock()), 1000);
});

test('seek before the recording clamps to its start; the clock never shows a time outside it', () => {
  const { sched, seen, r, at } = setup();
  let clock = 0n;
  at(700, () => {
    r.seek(0n); // what `←` near the start used to ask for: 1970
    clock = r.clock();
  });
  r.start({ symbols: ['A'] });
  sched.flush();
  assert.is(sec(clock), 0);
  assert.equal(offsets(seen), [0, 0, 3000, 6000]);
  assert.equal(times(seen), [0, 700, 3700, 6700]);
});

test('seek past the end clamps the position to the end: done, the clock at the last ts', () => {
  const { sched, seen, r, at } = setup();
  at(1200, () => r.seek(T0 + 3_600_000n * MS));
  r.start();
  sched.flush();
  assert.equal(offsets(seen), [0, 500, 1000]);
  assert.is(r.state, 'done');
  assert.is(sec(r.now()), 6000);
  assert.is(sec(r.clock()), 6000);
});

function assertNoRepeatAfter(seen: Seen[], seekIndex: number, targetMs: number, expected: number[]): void {
  const after = seen.slice(seekIndex);
  assert.equal(offsets(after), expected);
  const keys = after.map((s) => `${s.symbol}@${sec(s.ts)}`);
  assert.is(new Set(keys).size, keys.length, `no event twice after the seek: ${keys.join(' ')}`);
  assert.ok(after.every((s) => sec(s.ts) >= targetMs), 'nothing before the target');
}

test('seeking back: every event from the target on exactly once, in order (also with equal ts across sources)', () => {
  const { sched, seen, r, at } = setup([dir, dirB]);
  let k = 0;
  at(3200, () => {
    k = seen.length;
    r.seek(T0 + 1000n * MS);
  });
  r.start();
  sched.flush();
  // Up to 3000 (both sources), then from 1000 again: dir's 1000, dirB's C@1000, ... each once.
  assert.equal(offsets(seen.slice(0, k)), [0, 500, 1000, 1000, 1500, 2000, 2500, 3000, 3000, 3000]);
  assertNoRepeatAfter(seen, k, 1000, [1000, 1000, 1500, 2000, 2500, 3000, 3000, 3000, 3500, 4000, 4500, 5000, 5500, 6000]);
  assert.equal(seen.slice(k, k + 2).map((s) => s.symbol), ['B', 'C'], 'ties: the order given');
});

test('seeking back from the clock with a filter: from the target, each event once', () => {
  const { sched, seen, r, at } = setup();
  let k = 0;
  at(5000, () => {
    k = seen.length;
    // The clock is at 5000 although the last event published was at 3000.
    r.seek(r.clock() - 2500n * MS);
  });
  r.start({ symbols: ['A'] });
  sched.flush();
  assertNoRepeatAfter(seen, k, 2500, [3000, 6000]);
  assert.equal(times(seen), [0, 3000, 5500, 8500]);
});

test('--max-gap: no wait between two events is longer than the cap; the timeline continues from the event', () => {
  const { sched, seen, r } = setup();
  r.start({ symbols: ['A'], maxGapMs: 200 });
  sched.flush();
  assert.equal(offsets(seen), A);
  assert.equal(times(seen), [0, 200, 400]);
  // Under the cap nothing changes.
  const b = setup();
  b.r.start({ maxGapMs: 500 });
  b.sched.flush();
  assert.equal(times(b.seen), [0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500, 6000]);
  // Scaled waits are what is capped (10x: 300 ms between As, capped at 100).
  const c = setup();
  c.r.start({ symbols: ['A'], maxGapMs: 100, speed: 10 });
  c.sched.flush();
  assert.equal(times(c.seen), [0, 100, 200]);
});

test('--max-gap counts from the last event and from a resume; the silence after `from` is capped too', () => {
  const { sched, seen, r, at } = setup();
  at(1500, () => r.pause());
  at(4000, () => r.resume());
  r.start({ symbols: ['A'], maxGapMs: 1000, from: T0 - 5000n * MS });
  sched.flush();
  // 5 s of silence after `from`: A@0 at 1000. The 3 s before A@3000 are cut to 1 s: the clock skips
  // to 2000 at once and runs on from there. Paused at 1500 (clock 2500, 500 ms of the wait left),
  // resumed at 4000: A@3000 at 4500; the 3 s before A@6000 are cut to 1 s again (5500).
  assert.equal(offsets(seen), A);
  assert.equal(times(seen), [1000, 4500, 5500]);
});

test('maxGapMs must be ≥ 0', () => {
  const { r } = setup();
  try {
    r.start({ maxGapMs: -1 });
    assert.unreachable('accepted');
  } catch (e) {
    assert.is((e as TapedeckError).code, 'BAD_ARGUMENT');
  }
});

test.run();
