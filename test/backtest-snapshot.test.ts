/**
 * Backtest engine snapshots (issue 15): a run snapshotted after input event N and restored into a
 * fresh engine, then fed the rest, produces exactly the outputs and summary of the uninterrupted
 * run — a property test over random N, seeds, both fill models, random latency, risk limits, timers,
 * cancels and the strategy's own state. Same state → same bytes. Failure paths: a strategy without
 * hooks, a plain-function RNG, a snapshot of another run, a damaged state file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { BacktestEngine, SeededRandom, type BacktestOptions, type OrderRequest, type Strategy, type StrategyContext } from '../src/backtest/index.js';
import { TapedeckError } from '../src/errors.js';
import { Decimal } from '../src/events/decimal.js';
import { eventToJson } from '../src/events/json.js';
import type { BookEvent, TapeEvent, TickEvent } from '../src/events/types.js';
import type { Stateful } from '../src/events/state.js';

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;
const LAST = 128;
const SNAPSHOT = 32;
const dec = (n: number) => new Decimal(Math.round(n * 100), -2);

/** A seeded tape: ticks with quotes and trades ('top'), or L2 book messages plus trade ticks ('l2'). */
function tape(seed: number, n: number, l2: boolean): TapeEvent[] {
  const r = seedrandom.alea(`tape-${seed}`);
  const out: TapeEvent[] = [];
  let seq = 0;
  let ms = 0n;
  let mid = 100;
  /** The L2 book as the tape has built it: price in cents → size. */
  const levels = { bid: new Map<number, number>(), ask: new Map<number, number>() };
  const base = () => ({ ts: T0 + ms * MS, runId: 'in', venue: 'X', symbol: 'ABC' });
  if (l2) {
    const snap: BookEvent[] = [{ ...base(), type: 'book', seq: seq++, action: 'clear', flags: SNAPSHOT }];
    for (let k = 1; k <= 5; k++) {
      levels.bid.set(Math.round((mid - k * 0.01) * 100), 1 + k);
      levels.ask.set(Math.round((mid + k * 0.01) * 100), 1 + k);
      snap.push({ ...base(), type: 'book', seq: seq++, action: 'set', side: 'bid', price: dec(mid - k * 0.01), size: dec(1 + k), flags: SNAPSHOT });
      snap.push({ ...base(), type: 'book', seq: seq++, action: 'set', side: 'ask', price: dec(mid + k * 0.01), size: dec(1 + k), flags: SNAPSHOT });
    }
    snap[snap.length - 1]!.flags = SNAPSHOT | LAST;
    out.push(...snap);
  }
  while (out.length < n) {
    ms += 1n + BigInt(Math.floor(r() * 4));
    mid = Math.round((mid + (r() < 0.5 ? -0.01 : 0.01)) * 100) / 100;
    if (l2 && r() < 0.6) {
      const msg: BookEvent[] = [];
      for (const side of ['bid', 'ask'] as const) {
        // Levels that would cross the new mid go; one level near it changes size.
        const book = levels[side];
        for (const p of [...book.keys()]) {
          if (side === 'bid' ? p >= mid : p <= mid) {
            book.delete(p);
            msg.push({ ...base(), type: 'book', seq: seq++, action: 'set', side, price: dec(p / 100), size: dec(0) });
          }
        }
        const px = Math.round((side === 'bid' ? mid - 0.01 * (1 + Math.floor(r() * 3)) : mid + 0.01 * (1 + Math.floor(r() * 3))) * 100);
        const size = Math.floor(r() * 6);
        if (size === 0) book.delete(px);
        else book.set(px, size);
        msg.push({ ...base(), type: 'book', seq: seq++, action: 'set', side, price: dec(px / 100), size: dec(size) });
      }
      msg[msg.length - 1]!.flags = LAST;
      out.push(...msg);
    } else {
      const t: TickEvent = { ...base(), type: 'tick', seq: seq++, bid: dec(mid - 0.01), ask: dec(mid + 0.01), bidSize: dec(1 + Math.floor(r() * 5)), askSize: dec(1 + Math.floor(r() * 5)) };
      if (r() < 0.5) {
        t.last = dec(mid + (r() < 0.5 ? -0.01 : 0.01));
        t.lastSize = dec(1 + Math.floor(r() * 4));
        t.aggressor = r() < 0.5 ? 'buy' : 'sell';
      }
      out.push(t);
    }
  }
  return out;
}

/** A busy strategy with its own state (counters, working ids, a timer schedule) and the two hooks. */
function busy(): Strategy {
  let n = 0;
  let ids: string[] = [];
  let nextTimer: bigint | undefined;
  let fills = 0;
  const act = (ctx: StrategyContext) => {
    const x = ctx.random();
    const t = ctx.lastTick('ABC');
    const mid = t?.bid !== undefined && t.ask !== undefined ? (Number(t.bid.toString()) + Number(t.ask.toString())) / 2 : 100;
    const book = ctx.book('ABC', 3);
    const side = ctx.random() < 0.5 ? 'buy' : 'sell';
    if (x < 0.3) {
      const o: OrderRequest = { symbol: 'ABC', side, kind: 'limit', qty: 1 + Math.floor(x * 10), price: Math.round((mid + (side === 'buy' ? -0.01 : 0.01) * (1 + Math.floor(x * 10))) * 100) / 100, tif: x < 0.1 ? 'day' : 'gtc' };
      ids.push(ctx.submit(o));
    } else if (x < 0.4) ids.push(ctx.submit({ symbol: 'ABC', side, kind: 'market', qty: 1 + (book?.bids.length ?? 0) }));
    else if (x < 0.6 && ids.length > 0) ctx.cancel(ids.shift()!);
    else if (x < 0.65) ctx.signal('n', n + fills, undefined, 'ABC');
    if (ids.length > 6) ids = ids.slice(-6);
  };
  return {
    name: 'busy',
    onTick(_t, ctx) {
      n++;
      act(ctx);
      if (nextTimer === undefined && n % 7 === 0) {
        nextTimer = ctx.now() + 3n * MS;
        ctx.setTimer(nextTimer);
      }
    },
    onTimer(_ts, ctx) {
      nextTimer = undefined;
      act(ctx);
    },
    onFill(_f, ctx) {
      fills++;
      if (fills % 3 === 0) ctx.signal('fills', fills);
    },
    snapshot: () => ({ n, ids: [...ids], nextTimer, fills }),
    restore(s) {
      const v = s as { n: number; ids: string[]; nextTimer?: bigint; fills: number };
      n = v.n;
      ids = [...v.ids];
      nextTimer = v.nextTimer;
      fills = v.fills;
    },
  };
}

interface Setup {
  seed: number;
  l2: boolean;
  latency: { minNs: bigint; maxNs: bigint } | bigint;
  maxLoss: number | undefined;
}

function options(s: Setup, strategy: Strategy = busy()): BacktestOptions {
  return {
    strategy,
    runId: 'bt',
    rng: new SeededRandom(s.seed),
    venue: { fillModel: s.l2 ? 'l2' : 'top', latency: s.latency, fees: { takerBps: 2, makerBps: -1 } },
    risk: { maxPosition: 30, maxOrdersPerSecond: 400, ...(s.maxLoss !== undefined ? { maxLoss: s.maxLoss } : {}) },
  };
}

function capture(parts: readonly Stateful[]): Map<string, Buffer> {
  return new Map(parts.map((p) => [p.stateFile, Buffer.concat([...p.captureState()])]));
}
function restore(parts: readonly Stateful[], files: Map<string, Buffer>): void {
  for (const p of parts) p.restoreState(files.get(p.stateFile)!);
}

const lines = (out: [TapeEvent, number][]) => out.map(([e, seq]) => `${seq} ${eventToJson(e)}`);
const summaryText = (s: unknown) => JSON.stringify(s, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));

function uninterrupted(input: TapeEvent[], s: Setup) {
  const out: [TapeEvent, number][] = [];
  const e = new BacktestEngine(options(s), (ev, seq) => out.push([ev, seq]));
  for (const ev of input) e.onEvent(ev);
  return { out: lines(out), summary: summaryText(e.finish()) };
}

function interrupted(input: TapeEvent[], s: Setup, n: number) {
  const out: [TapeEvent, number][] = [];
  const a = new BacktestEngine(options(s), (ev, seq) => out.push([ev, seq]));
  for (const ev of input.slice(0, n)) a.onEvent(ev);
  const files = capture(a.stateParts());
  assert.equal([...capture(a.stateParts())], [...files], 'same state → same bytes');
  const b = new BacktestEngine(options(s), (ev, seq) => out.push([ev, seq]));
  restore(b.stateParts(), files);
  assert.equal([...capture(b.stateParts())], [...files], 'a restored engine captures the bytes it was restored from');
  for (const ev of input.slice(n)) b.onEvent(ev);
  return { out: lines(out), summary: summaryText(b.finish()), files };
}

const setupArb = fc.record({
  seed: fc.integer({ min: 0, max: 1_000_000 }),
  l2: fc.boolean(),
  latency: fc.oneof(fc.constant(0n), fc.constant(2n * MS), fc.constant({ minNs: 0n, maxNs: 5n * MS })),
  maxLoss: fc.option(fc.constantFrom(5, 20), { nil: undefined }),
});

test('a run snapshotted at a random input event and restored into a fresh engine ends exactly as the uninterrupted run (both fill models, latency, risk)', () => {
  let withJobs = 0;
  let withQueues = 0;
  fc.assert(
    fc.property(setupArb, fc.double({ min: 0, max: 1, noNaN: true }), (s, at) => {
      const input = tape(s.seed, 200, s.l2);
      const n = Math.floor(at * input.length);
      const whole = uninterrupted(input, s);
      const split = interrupted(input, s, n);
      assert.equal(split.out, whole.out);
      assert.is(split.summary, whole.summary);
      const core = split.files.get('backtest.jsonl')!.toString();
      if (!/"jobs":0,/.test(core)) withJobs++;
      if (/"queues":\[\[/.test(core)) withQueues++;
      assert.is(split.files.has('books.bin'), s.l2);
    }),
    { numRuns: 40, seed: 15 },
  );
  // The property meant something: snapshots caught messages in flight and orders queued at a level.
  assert.ok(withJobs > 5, `snapshots with jobs in flight: ${withJobs}`);
  assert.ok(withQueues > 0, `snapshots with L2 queue positions: ${withQueues}`);
});

test('a snapshot lists the last ticks and venues in the order the symbols first had them, and a restored engine keeps that order', () => {
  const strategy: Strategy = { name: 'idle', onTick() {}, snapshot: () => null, restore() {} };
  const opts = (): BacktestOptions => ({ strategy, runId: 'bt', rng: new SeededRandom(1), venue: { fillModel: 'l2' } });
  const a = new BacktestEngine(opts(), () => {});
  const tick = (symbol: string, venue: string, ts: bigint): TickEvent => ({ type: 'tick', ts, runId: 'in', venue, symbol, bid: 1, ask: 2 });
  // A book message makes C's venue known before any tick of C; B ticks first, A's venue changes.
  a.onEvent({ type: 'book', ts: 1n, runId: 'in', venue: 'V3', symbol: 'C', action: 'set', side: 'bid', price: new Decimal(1n, 0), size: new Decimal(1n, 0), flags: LAST } as BookEvent);
  a.onEvent(tick('B', 'V1', 2n));
  a.onEvent(tick('A', 'V1', 3n));
  a.onEvent(tick('C', 'V4', 4n));
  a.onEvent(tick('A', 'V2', 5n));
  const header = (files: Map<string, Buffer>) => JSON.parse(files.get('backtest.jsonl')!.toString().split('\n')[0]!) as { lastTicks: string[]; lastVenue: [string, string][] };
  const files = capture(a.stateParts());
  const h = header(files);
  assert.equal(h.lastTicks.map((t) => (JSON.parse(t) as { symbol: string; venue: string }).symbol + '@' + (JSON.parse(t) as { venue: string }).venue), ['B@V1', 'A@V2', 'C@V4']);
  assert.equal(h.lastVenue, [['C', 'V4'], ['B', 'V1'], ['A', 'V2']]);
  const b = new BacktestEngine(opts(), () => {});
  restore(b.stateParts(), files);
  assert.equal([...capture(b.stateParts())], [...files]);
});

test('L2 queue positions, taken liquidity and the books survive a snapshot: orders resting in the queue fill as they would have', () => {
  const s: Setup = { seed: 7, l2: true, latency: 0n, maxLoss: undefined };
  const input = tape(7, 200, true);
  const whole = uninterrupted(input, s);
  const split = interrupted(input, s, 120);
  const venue = JSON.parse(split.files.get('backtest.jsonl')!.toString().split('\n')[0]!).venue;
  assert.ok(venue.queues.length >= 3, `orders queued at the split: ${JSON.stringify(venue.queues)}`);
  assert.ok(venue.queues.some((q: [string, number, number]) => q[2] === 0) , 'queue ahead recorded');
  assert.ok(split.files.get('books.bin')!.length > 0);
  assert.equal(split.out, whole.out);
  assert.is(split.summary, whole.summary);
});

test('a restored run resumes the random sequence where it stood (latency draws and ctx.random)', () => {
  const s: Setup = { seed: 3, l2: false, latency: { minNs: 0n, maxNs: 9n * MS }, maxLoss: undefined };
  const input = tape(3, 200, false);
  const whole = uninterrupted(input, s);
  const split = interrupted(input, s, 100);
  assert.equal(split.out, whole.out);
  const rng = JSON.parse(split.files.get('backtest.jsonl')!.toString().split('\n')[0]!).rng;
  assert.ok(typeof rng.c === 'number' && typeof rng.s0 === 'number', 'the RNG state is in the snapshot');
});

test('a strategy without snapshot()/restore() makes the engine refuse to snapshot, saying why', () => {
  const s: Setup = { seed: 1, l2: false, latency: 0n, maxLoss: undefined };
  const plain: Strategy = { name: 'plain', onTick() {} };
  const e = new BacktestEngine(options(s, plain), () => {});
  assert.match(e.snapshotProblem() ?? '', /strategy plain has no snapshot\(\)\/restore\(\) hooks/);
  try {
    capture(e.stateParts());
    assert.unreachable('captured');
  } catch (err) {
    assert.instance(err, TapedeckError);
    assert.is((err as TapedeckError).code, 'BAD_ARGUMENT');
    assert.match((err as Error).message, /cannot snapshot the backtest: strategy plain/);
  }
  const fn = new BacktestEngine({ ...options(s), rng: () => 0.5 }, () => {});
  assert.match(fn.snapshotProblem() ?? '', /random source is a plain function/);
});

test('restoring refuses a snapshot of another run, an engine that has already run, and a damaged state file', () => {
  const s: Setup = { seed: 2, l2: true, latency: 2n * MS, maxLoss: undefined };
  const input = tape(2, 120, true);
  const a = new BacktestEngine(options(s), () => {});
  for (const ev of input.slice(0, 60)) a.onEvent(ev);
  const files = capture(a.stateParts());
  const code = (f: () => void): [string, string] => {
    try {
      f();
    } catch (e) {
      return [(e as TapedeckError).code, (e as Error).message];
    }
    return ['none', ''];
  };
  const top = new BacktestEngine(options({ ...s, l2: false }), () => {});
  const [c1, m1] = code(() => top.stateParts()[0]!.restoreState(files.get('backtest.jsonl')!));
  assert.is(c1, 'BAD_ARGUMENT');
  assert.match(m1, /another run: fill model l2 \(this engine: top\)/);
  const [c2] = code(() => a.stateParts()[0]!.restoreState(files.get('backtest.jsonl')!));
  assert.is(c2, 'BAD_ARGUMENT');
  const damaged = Buffer.from(files.get('backtest.jsonl')!.toString().replace(/\["o","O1"/, '["o",17'));
  const [c3, m3] = code(() => new BacktestEngine(options(s), () => {}).stateParts()[0]!.restoreState(damaged));
  assert.is(c3, 'CORRUPT_SNAPSHOT');
  assert.match(m3, /backtest\.jsonl: line \d+ orderId is not a string/);
  const cut = files.get('backtest.jsonl')!.subarray(0, 40);
  assert.is(code(() => new BacktestEngine(options(s), () => {}).stateParts()[0]!.restoreState(cut))[0], 'CORRUPT_SNAPSHOT');
});

test.run();
