/**
 * A replay from a LineFeed (JSON lines made ahead of the clock): in virtual time with the
 * producer on this thread, the same pacing as a replay of events (every item at exactly its
 * scaled time, the same lines in the same order, controls included), whatever the batch
 * boundaries; items that arrive late hold the replay and show as lateness. Then the worker thread
 * itself through the CLI: byte-identical output to the main-thread replay, failures reported with
 * their code and place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { TapedeckError } from '../src/errors.js';
import { eventToJson } from '../src/events/json.js';
import { openRecording } from '../src/events/recording.js';
import { Replayer, type ReplayStartOptions } from '../src/replay/index.js';
import { tsOffsetNs, type FeedItem } from '../src/replay/feed.js';
import { LineBatcher, type LineBatch } from '../src/replay/line-batch.js';
import { LineFeed } from '../src/replay/line-feed.js';
import { exportToStrings } from '../src/ops/export.js';
import { LocalLineProducer, workerLineProducer, type LineFormat, type LineProducerFactory, type ProducerMessage } from '../src/replay/line-producer.js';
import { BatchListProducer } from '../src/replay/rehearsal.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { MS, T0, makeRecording, tick, virtual, watchedBus } from './replay-fixtures.js';

let a = '';
let b = '';
const A_OFFS = Array.from({ length: 23 }, (_, i) => i * 40 + (i % 3));
const B_OFFS = [0, 40, 41, 300, 880, 2000];

test.before(async () => {
  a = await makeRecording(A_OFFS.map((o, i) => tick(o, { symbol: i % 2 === 0 ? 'AAPL' : 'MSFT', bid: 100 + i / 8 })));
  b = await makeRecording(B_OFFS.map((o) => tick(o, { venue: 'XLON', symbol: 'VOD', bid: 71.25 })));
});
test.after(() => [a, b].forEach(rm));

interface Run {
  /** [virtual time, ts offset ms, seq] of each item or event, in order. */
  seen: [number, number, number | undefined][];
  lines: string;
  lagMaxMs: number;
  lagCount: number;
  polls: number;
}

/**
 * Runs virtual time to the end. A hold (a feed waiting for its next batch) is released by a
 * promise, i.e. after the flush that reached it: flush again until nothing is scheduled.
 */
async function runOut(sched: ReturnType<typeof virtual>): Promise<void> {
  do {
    sched.flush();
    await new Promise((res) => setImmediate(res));
  } while (sched.actions.length > 0);
}

/** The reference: the replay of events on the bus, lines by eventToJson. */
async function eventRun(opts: ReplayStartOptions, controls: (r: Replayer, at: (ms: number, fn: () => void) => void) => void = () => {}, dirs = [a, b]): Promise<Run> {
  const sched = virtual();
  const { bus, seen } = watchedBus(sched);
  let lines = '';
  bus.events$.subscribe((e) => (lines += eventToJson(e) + '\n'));
  const r = new Replayer(dirs, bus, { scheduler: sched });
  controls(r, (ms, fn) => sched.schedule(fn, ms));
  r.start(opts);
  await runOut(sched);
  const p = r.progress();
  return { seen: seen.map((s) => [s.at, Number((s.ts - T0) / MS), s.seq]), lines, lagMaxMs: p.lag.maxMs, lagCount: p.lag.count, polls: r.metrics.counters.polls! };
}

/** The same replay from a LineFeed whose producer runs here (LocalLineProducer, small batches). */
async function lineRun(
  opts: ReplayStartOptions,
  controls: (r: Replayer, at: (ms: number, fn: () => void) => void) => void = () => {},
  feedOpts: {
    format?: LineFormat;
    windowBatches?: number;
    wrap?: (f: LineProducerFactory, sched: ReturnType<typeof virtual>) => LineProducerFactory;
    onLines?: (r: Replayer) => void;
    dirs?: string[];
    /** Batches handed back for reuse, the output done with each piece at once or a turn later (read only then, as a stream writes). */
    recycle?: 'at-once' | 'late';
  } = {},
): Promise<Run & { r: Replayer }> {
  const sched = virtual();
  const seen: Run['seen'] = [];
  const chunks: Buffer[] = [];
  const format = feedOpts.format ?? { iso: false, batchItems: 4 };
  const dirs = feedOpts.dirs ?? [a, b];
  let factory = LocalLineProducer.factory(dirs.map((d) => openRecording(d)), format);
  if (feedOpts.wrap) factory = feedOpts.wrap(factory, sched);
  let r: Replayer | null = null;
  const late: [Buffer, () => void][] = [];
  const writeLate = (): void => {
    for (const [lines, done] of late.splice(0)) {
      chunks.push(Buffer.from(lines));
      done();
    }
  };
  const feed = new LineFeed(
    dirs.length,
    factory,
    (lines, done) => {
      if (feedOpts.recycle === 'late') {
        // Read after the pass that handed them over (a virtual turn later), while the replay goes on.
        if (late.push([lines, done]) === 1) sched.schedule(writeLate, 0);
      } else {
        chunks.push(Buffer.from(lines));
        done();
      }
      feedOpts.onLines?.(r!);
    },
    { windowBatches: feedOpts.windowBatches ?? 2, onItem: (it: FeedItem) => seen.push([sched.now(), Number((it.ts - T0) / MS), it.seq]), recycle: feedOpts.recycle !== undefined },
  );
  r = new Replayer(dirs, new EventBus(), { scheduler: sched, feed });
  controls(r, (ms, fn) => sched.schedule(fn, ms));
  r.start(opts);
  await runOut(sched);
  feed.flush();
  writeLate();
  const p = r.progress();
  return { r, seen, lines: Buffer.concat(chunks).toString('utf8'), lagMaxMs: p.lag.maxMs, lagCount: p.lag.count, polls: r.metrics.counters.polls! };
}

test('line feed: every item at exactly its scaled time, the same lines as the event replay, across batch boundaries', async () => {
  for (const speed of [1, 7, 1000, 'max'] as const) {
    const ref = await eventRun({ speed });
    assert.is(ref.seen.length, 29);
    for (const [batchItems, windowBatches] of [
      [1, 1],
      [4, 2],
      [5, 3],
      [64, 1],
    ] as const) {
      const got = await lineRun({ speed }, undefined, { format: { iso: false, batchItems }, windowBatches });
      assert.equal(got.seen, ref.seen, `speed ${speed}, batches of ${batchItems}, window ${windowBatches}`);
      assert.is(got.lines, ref.lines);
      assert.is(got.lagCount, ref.lagCount);
      assert.ok(got.lagMaxMs < 1e-5, 'no lag in virtual time');
      assert.is(got.r.state, 'done');
      assert.is(got.r.progress().percent, 100);
    }
  }
});

test('line feed: one recording is read through its cursor (lines straight from the payloads): the same lines at the same times', async () => {
  for (const opts of [{ speed: 1000 }, { speed: 3, from: T0 + 100n * MS, to: T0 + 500n * MS }, { speed: 'max' as const, symbols: ['MSFT'] }] as ReplayStartOptions[]) {
    const ref = await eventRun(opts, undefined, [a]);
    assert.ok(ref.seen.length > 5);
    for (const iso of [false, true]) {
      const got = await lineRun(opts, undefined, { dirs: [a], format: { iso, batchItems: 4 } });
      assert.equal(got.seen, ref.seen);
      if (!iso) assert.is(got.lines, ref.lines);
      else assert.is(got.lines.split('\n').length, ref.lines.split('\n').length);
    }
  }
});

test('line feed: filters, a range and ISO times select and write what the event replay does', async () => {
  const opts: ReplayStartOptions = { speed: 10, from: T0 + 100n * MS, to: T0 + 700n * MS, symbols: ['MSFT', 'VOD'] };
  const ref = await eventRun(opts);
  const got = await lineRun(opts);
  assert.ok(ref.seen.length > 3);
  assert.equal(got.seen, ref.seen);
  assert.is(got.lines, ref.lines);
  const iso = await lineRun({ speed: 'max' }, undefined, { format: { iso: true, batchItems: 3 } });
  const isoLines = [...openRecording(a).events()].length;
  assert.ok(iso.lines.startsWith('{"type":"tick","ts":"2023-11-14T22:13:20.000000000Z"'), iso.lines.slice(0, 80));
  assert.is(iso.lines.split('\n').length - 1, isoLines + B_OFFS.length);
});

test('line feed: pause, seek back and forth and speed changes pace as the event replay does', async () => {
  const controls = (r: Replayer, at: (ms: number, fn: () => void) => void): void => {
    at(130, () => r.pause());
    at(400, () => r.resume());
    at(500, () => r.seek(T0 + 50n * MS));
    at(650, () => r.speed(4));
    at(700, () => r.seek(T0 + 1500n * MS));
    at(701, () => r.seek(T0 + 600n * MS));
  };
  const ref = await eventRun({ speed: 1 }, controls);
  const got = await lineRun({ speed: 1 }, controls);
  const backs = ref.seen.filter((x, i) => i > 0 && x[1] < ref.seen[i - 1]![1]).length;
  assert.is(backs, 1, 'the seek back replays events again');
  assert.equal(got.seen, ref.seen);
  assert.is(got.lines, ref.lines);
});

test('line feed: an output that pauses the replay while lines are handed over loses nothing (re-entry at a batch end)', async () => {
  let pauses = 0;
  const ref = await eventRun({ speed: 1000 });
  const got = await lineRun({ speed: 1000 }, undefined, {
    format: { iso: false, batchItems: 2 },
    onLines: (r) => {
      // As the CLI's sink does when the stream's buffer is full: pause now, resume later.
      if (r.state !== 'playing') return;
      pauses++;
      r.pause();
      r.progress();
      queueMicrotask(() => r.resume());
    },
  });
  assert.ok(pauses > 0);
  assert.equal(
    got.seen.map((s) => s[2]),
    ref.seen.map((s) => s[2]),
  );
  assert.is(got.lines, ref.lines);
});

/** A factory that counts the batches handed back to it. */
/** Takes every item of an opened feed, waiting for batches on their way, with `after` after each (it may yield); how many. */
async function drain(feed: LineFeed, after: (taken: number) => Promise<unknown> | undefined = () => undefined): Promise<number> {
  let n = 0;
  for (;;) {
    const src = feed.peek();
    if (src === null) {
      if (feed.exhausted) return n;
      await feed.waiting();
      continue;
    }
    feed.take(src);
    n++;
    await after(n);
  }
}

function countingRecycles(f: LineProducerFactory, counter: { n: number }): LineProducerFactory {
  return (receive) => {
    const p = f(receive);
    return {
      open: (gen, opts, credits) => p.open(gen, opts, credits),
      credit: (gen, n) => p.credit(gen, n),
      poll: p.poll === undefined ? undefined : () => p.poll!(),
      recycle: (b) => {
        counter.n++;
        p.recycle!(b);
      },
      close: () => p.close(),
    };
  };
}

test('line feed: used batches go back to the producer once their lines are written, and are made again: the same lines and times (output done at once or late, seeks)', async () => {
  const controls = (r: Replayer, at: (ms: number, fn: () => void) => void): void => {
    at(300, () => r.seek(T0 + 50n * MS));
    at(420, () => r.seek(T0 + 700n * MS));
  };
  for (const [speed, ctl] of [[1000, undefined], [1, controls]] as const) {
    const ref = await eventRun({ speed }, ctl);
    for (const recycle of ['at-once', 'late'] as const) {
      const counter = { n: 0 };
      const got = await lineRun({ speed }, ctl, { format: { iso: false, batchItems: 2 }, windowBatches: 2, recycle, wrap: (f) => countingRecycles(f, counter) });
      assert.equal(got.seen, ref.seen, `${recycle}, speed ${speed}`);
      assert.is(got.lines, ref.lines, `${recycle}, speed ${speed}`);
      assert.ok(counter.n >= 5, `batches handed back: ${counter.n}`);
    }
  }
});

test('line batcher: buffers handed back are the next batches\' (of the same size only)', () => {
  const batcher = new LineBatcher(false, 4, 1 << 16);
  const ev = { type: 'tick', ts: T0, runId: 'r', seq: 0, venue: 'X', symbol: 'S', bid: 1, ask: 2 } as const;
  batcher.add(ev as never, 0);
  const first = batcher.take(1, false);
  batcher.add(ev as never, 0);
  const second = batcher.take(1, false);
  assert.is(first.bytes.toString(), second.bytes.toString());
  batcher.recycle({ ts: first.ts, tsOffsetNs: first.tsOffsetNs, seq: first.seq, source: first.source, ends: first.ends, bytes: first.bytes.buffer as ArrayBuffer });
  batcher.add({ ...ev, seq: 1 } as never, 0);
  const third = batcher.take(1, false);
  // The batcher gathers into the set after the one it hands out: the set handed back is the one after next.
  batcher.add({ ...ev, seq: 2 } as never, 0);
  const fourth = batcher.take(1, false);
  assert.ok(third.ts !== first.ts && third.bytes.buffer !== first.bytes.buffer);
  assert.ok(fourth.ts === first.ts && fourth.tsOffsetNs === first.tsOffsetNs && fourth.ends === first.ends && fourth.seq === first.seq && fourth.source === first.source, 'the arrays are reused');
  assert.ok(fourth.bytes.buffer === first.bytes.buffer, 'the line buffer is reused');
  assert.match(Buffer.from(third.bytes).toString(), /"seq":1/);
  assert.match(Buffer.from(fourth.bytes).toString(), /"seq":2/);
  assert.is(fourth.seq[0], 2);
  // A set of another size is not taken.
  batcher.recycle({ ts: new BigInt64Array(3), tsOffsetNs: new Float64Array(3), seq: new Float64Array(3), source: new Uint16Array(3), ends: new Uint32Array(3), bytes: new ArrayBuffer(8) });
  batcher.add(ev as never, 0);
  assert.is(batcher.take(1, false).ts.length, 4);
});

test('line batcher: batches are made in shared memory (posted to the other thread without a transfer); a line past the batch buffer still comes out whole', () => {
  const batcher = new LineBatcher(false, 4, 64);
  const ev = { type: 'tick', ts: T0, runId: 'r', seq: 0, venue: 'X', symbol: 'S', bid: 1, ask: 2 } as const;
  batcher.add(ev as never, 0);
  const first = batcher.take(1, false);
  for (const arr of [first.ts, first.seq, first.source, first.ends, first.bytes]) assert.ok(arr.buffer instanceof SharedArrayBuffer, arr.constructor.name);
  // The next set is fresh shared memory too.
  batcher.add(ev as never, 0);
  const second = batcher.take(1, false);
  assert.ok(second.bytes.buffer instanceof SharedArrayBuffer && second.bytes.buffer !== first.bytes.buffer);
  assert.ok(second.ts.buffer instanceof SharedArrayBuffer && second.ts.buffer !== first.ts.buffer);
  // One line longer than the writer's buffer (64 + 4096 bytes): the writer grows into memory of its own, and the line is whole.
  const long = { ...ev, seq: 1, symbol: 'L'.repeat(6000) };
  assert.is(batcher.add(long as never, 0), true, 'full');
  const third = batcher.take(1, false);
  assert.is(Buffer.from(third.bytes).toString(), eventToJson(long as never) + '\n');
});

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const I64_MAX = 2n ** 63n - 1n;

test('ts offsets: a safe integer is exact (base + offset is ts), anything past ±(2^53 − 1) ns is NaN', () => {
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: I64_MAX }), fc.bigInt({ min: 0n, max: I64_MAX }), (ts, base) => {
      const off = tsOffsetNs(ts, base);
      const d = ts - base;
      if (d >= -SAFE && d <= SAFE) return Number.isSafeInteger(off) && base + BigInt(off) === ts;
      return Number.isNaN(off);
    }),
    { numRuns: 2000 },
  );
  // The edges, and the range a 64-bit ts spans (offsets near ±2^63 from a base).
  for (const d of [SAFE, -SAFE, SAFE + 1n, -SAFE - 1n, SAFE + 2n, 0n, 1n, -1n]) {
    const off = tsOffsetNs(2n ** 62n + d, 2n ** 62n);
    if (d >= -SAFE && d <= SAFE) assert.is(BigInt(off), d);
    else assert.ok(Number.isNaN(off), `${d}`);
  }
  assert.ok(Number.isNaN(tsOffsetNs(I64_MAX, 0n)));
});

/** A feed over the given batches (on this thread), its first item held. */
function feedOver(batches: LineBatch[], sources: number): LineFeed {
  const feed = new LineFeed(sources, (receive) => new BatchListProducer(batches, receive), () => {}, { windowBatches: batches.length + 1 });
  feed.open({});
  return feed;
}

test('line feed: each item\'s ts is exact whatever its distance from the batch\'s base (offsets as numbers, or the ts itself past 2^53 ns), and an item taken keeps its ts and seq while the next ones are held (items are reused)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.bigInt({ min: 0n, max: I64_MAX }), fc.integer({ min: 0, max: 2 })), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 8 }),
      (items, perBatch) => {
        const batcher = new LineBatcher(false, perBatch, 1 << 20);
        const batches: LineBatch[] = [];
        items.forEach(([ts, source], i) => {
          if (batcher.add({ type: 'tick', ts, runId: 'r', seq: i, venue: 'X', symbol: 'S', bid: 1, ask: 2 } as never, source)) batches.push(batcher.take(1, false));
        });
        if (batcher.n > 0) batches.push(batcher.take(1, false));
        for (const b of batches) {
          for (let i = 0; i < b.n; i++) {
            const off = b.tsOffsetNs[i]!;
            // The offset is the ts exactly, or NaN and the ts stands alone.
            if (!Number.isNaN(off)) assert.is(b.tsBase + BigInt(off), b.ts[i]);
            else assert.ok(b.ts[i]! - b.tsBase > SAFE || b.ts[i]! - b.tsBase < -SAFE);
          }
        }
        const feed = feedOver(batches, 3);
        const taken: [bigint, number | undefined][] = [];
        for (let src = feed.peek(); src !== null; ) {
          const item = feed.take(src);
          // Read as the replayer does: after the next item is held (by take, or by peek at a batch's end).
          src = feed.peek();
          taken.push([item.ts, item.seq]);
        }
        assert.equal(
          taken,
          items.map(([ts], i) => [ts, i]),
        );
        feed.close();
      },
    ),
    { numRuns: 300 },
  );
});

test('line feed: a paced replay reads no item\'s ts (no BigInt made per item): pacing, the position and the count go by the items\' exact offsets', async () => {
  const sched = virtual();
  let n = 0;
  const feed = new LineFeed(2, LocalLineProducer.factory([openRecording(a), openRecording(b)], { iso: false, batchItems: 4 }), () => {}, { windowBatches: 2, onItem: () => n++ });
  const r = new Replayer([a, b], new EventBus(), { scheduler: sched, feed });
  r.start({ speed: 7 });
  // Every read of an item's ts from here on is counted.
  const proto = Object.getPrototypeOf(feed.peek()!.head!) as object;
  const desc = Object.getOwnPropertyDescriptor(proto, 'ts');
  assert.ok(desc?.get !== undefined, 'ts is made when read');
  let reads = 0;
  Object.defineProperty(proto, 'ts', {
    ...desc,
    get(this: FeedItem) {
      reads++;
      return desc.get!.call(this) as bigint;
    },
  });
  try {
    await runOut(sched);
  } finally {
    Object.defineProperty(proto, 'ts', desc);
  }
  assert.is(n, 29);
  // Only progress reports read one (the clock stops at the next item), a few times a replay.
  assert.ok(reads < 10, `${reads} reads of an item's ts for ${n} items`);
  assert.is(r.now(), T0 + 2000n * MS, 'the position is the last item\'s ts');
});

test('line feed: ts far apart (past 2^53 ns from a batch\'s base, and 1 ns apart next to that): every item at exactly the event replay\'s time, the same lines', async () => {
  const big = 2n ** 53n;
  const tss = [0n, 1n, big - 1n, big, big + 1n, 3n * big + 7n, 3n * big + 8n, 5n * big, 5n * big + 999_999n].map((d) => T0 + d);
  const far = await makeRecording(tss.map((ts) => tick(0, { ts })));
  try {
    for (const speed of [1e6, 1e9, 'max'] as const) {
      const ref = await eventRun({ speed }, undefined, [far]);
      assert.is(ref.seen.length, tss.length);
      for (const batchItems of [64, 2]) {
        const got = await lineRun({ speed }, undefined, { dirs: [far], format: { iso: false, batchItems } });
        assert.equal(got.seen, ref.seen, `speed ${speed}, batches of ${batchItems}`);
        assert.is(got.lines, ref.lines);
        assert.is(got.r.now(), tss[tss.length - 1]);
      }
    }
  } finally {
    rm(far);
  }
});

test('line feed: a worker thread\'s batches with a line longer than a batch buffer (posted as a copy, not shared): the bytes of export', async () => {
  const dir = tmpDir('tapedeck-linefeed-long-');
  try {
    await makeRecording(
      Array.from({ length: 40 }, (_, i) => tick(i, { symbol: i % 9 === 4 ? `LONG${'x'.repeat(9000 + i)}` : `S${i % 7}` })),
      dir,
    );
    const chunks: Buffer[] = [];
    const feed = new LineFeed(1, workerLineProducer([dir], { iso: false, batchItems: 8, batchBytes: 512 }), (lines, done) => {
      chunks.push(Buffer.from(lines));
      done();
    }, { windowBatches: 2, recycle: true });
    feed.open({});
    const n = await drain(feed);
    feed.flush();
    feed.close();
    assert.is(n, 40);
    assert.ok(Buffer.concat(chunks).equals(Buffer.from(exportToStrings(dir).streams.all!)), 'the same bytes as export');
  } finally {
    rm(dir);
  }
});

test('line feed: a worker thread\'s batches handed back after a late write are made again: the bytes of export', async () => {
  const dir = tmpDir('tapedeck-linefeed-recycle-');
  try {
    await makeRecording(
      Array.from({ length: 3000 }, (_, i) => tick(i, { symbol: `S${i % 7}`, bid: 100 + (i % 50) / 8 })),
      dir,
    );
    const counter = { n: 0 };
    const chunks: Buffer[] = [];
    let writes: Promise<void> = Promise.resolve();
    const feed = new LineFeed(
      1,
      countingRecycles(workerLineProducer([dir], { iso: false, batchItems: 50 }), counter),
      // Read only a turn later, as an output stream writes (a buffer handed back early would be detached or overwritten by then).
      (lines, done) => {
        writes = writes.then(() => new Promise<void>((res) => setImmediate(() => {
          chunks.push(Buffer.from(lines));
          done();
          res();
        })));
      },
      { windowBatches: 3, recycle: true },
    );
    feed.open({});
    const n = await drain(feed, (k) => (k % 40 === 0 ? new Promise((res) => setImmediate(res)) : undefined));
    feed.flush();
    await writes;
    feed.close();
    assert.is(n, 3000);
    assert.ok(Buffer.concat(chunks).equals(Buffer.from(exportToStrings(dir).streams.all!)), 'the same bytes as export');
    assert.ok(counter.n >= 30, `batches handed back: ${counter.n}`);
  } finally {
    rm(dir);
  }
});

test('line feed: items that arrive late hold the replay (no polling) and their wait is lateness', async () => {
  const DELAY_MS = 3;
  // Each batch reaches the feed DELAY_MS of virtual time after it was made.
  const late =
    (f: LineProducerFactory, sched: ReturnType<typeof virtual>): LineProducerFactory =>
    (receive) =>
      f((m: ProducerMessage) => sched.schedule(() => receive(m), DELAY_MS));
  const ref = await eventRun({ speed: 1 });
  const got = await lineRun({ speed: 1 }, undefined, { wrap: late, windowBatches: 1, format: { iso: false, batchItems: 5 } });
  assert.equal(
    got.seen.map((s) => s[1]),
    ref.seen.map((s) => s[1]),
  );
  assert.is(got.lines, ref.lines);
  assert.is(got.polls, 0, 'held, not polled');
  // The first batch comes 3 ms after the clock started; later ones are asked for as a batch is used up.
  assert.is(got.seen[0]![0], DELAY_MS);
  assert.ok(Math.abs(got.lagMaxMs - DELAY_MS) < 1e-3, `max lag ${got.lagMaxMs}`);
});

test('line feed: lead() fills the feed before the clock and start() begins from it', async () => {
  const sched = virtual();
  let opens = 0;
  const base = LocalLineProducer.factory([openRecording(a), openRecording(b)], { iso: false, batchItems: 4 });
  const counting: LineProducerFactory = (receive) => {
    const p = base(receive);
    return { ...p, open: (...args) => (opens++, p.open(...args)), credit: p.credit.bind(p), close: p.close.bind(p) };
  };
  const items: bigint[] = [];
  const feed = new LineFeed(2, counting, () => {}, { windowBatches: 3, onItem: (it) => items.push(it.ts) });
  const r = new Replayer([a, b], new EventBus(), { scheduler: sched, feed });
  assert.throws(
    () => r.warmUp({}, 5),
    (e: unknown) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT',
  );
  // Three batches of four: the window is full before 100 items.
  assert.is(await r.lead({ speed: 1000 }, 100), 12);
  assert.is(feed.held(), 12);
  assert.ok(feed.heldBytes() > 12 * 100);
  assert.is(items.length, 0, 'nothing is emitted before start');
  assert.is(sched.now(), 0);
  const done = lastValueFrom(r.start({ speed: 1000 }), { defaultValue: undefined });
  sched.flush();
  await done;
  assert.is(opens, 1, 'start() took the lead as it stood');
  assert.is(items.length, 29);
  // A lead still waiting when the feed is closed resolves (with nothing held).
  const never: LineProducerFactory = () => ({ open: () => {}, credit: () => {}, close: () => {} });
  const idle = new LineFeed(1, never, () => {});
  const pending = idle.lead({}, 10);
  idle.close();
  assert.is(await pending, 0);
  // A replay of events has no lead; a feed cannot follow.
  const plain = new Replayer(a, new EventBus(), { scheduler: virtual() });
  assert.throws(
    () => void plain.lead({}, 5),
    (e: unknown) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT',
  );
  const feed2 = new LineFeed(1, LocalLineProducer.factory([openRecording(a)], { iso: false }), () => {});
  const following = new Replayer(a, new EventBus(), { scheduler: virtual(), feed: feed2 });
  assert.throws(
    () => following.start({ follow: true }),
    (e: unknown) => e instanceof TapedeckError && e.code === 'BAD_ARGUMENT',
  );
});

// -- the worker thread, through the CLI ---------------------------------------------------------

const cli = (...args: string[]) => runCli(['replay', ...args]);

test('replay: read ahead by the worker, the output is byte-identical to the main-thread replay', async () => {
  for (const args of [
    [a, b, '--speed', '1e6'],
    [a, '--speed', '100', '--iso'],
    [a, b, '--speed', '1e5', '--symbols', 'AAPL,VOD', '--from', '+100ms', '--to', '+900ms'],
    [a, b, '--speed', '1e6', '--limit', '7'],
  ]) {
    const ahead = await cli(...args);
    const main = await cli(...args, '--no-read-ahead');
    assert.is(ahead.code, 0, ahead.stderr);
    assert.is(main.code, 0, main.stderr);
    assert.ok(ahead.stdout.length > 0);
    assert.is(ahead.stdout, main.stdout, args.join(' '));
  }
});

test('replay: more than one worker batch, to stdout (a stream that keeps its chunks: no reuse) and to a file (batches reused), the bytes of the main-thread replay', async () => {
  const dir = tmpDir('tapedeck-linefeed-batches-');
  const out = tmpDir('tapedeck-linefeed-batches-out-');
  try {
    await makeRecording(
      Array.from({ length: 20000 }, (_, i) => tick(i, { symbol: `S${i % 7}` })),
      dir,
    );
    const main = await cli(dir, '--speed', '1e9', '--no-read-ahead');
    const ahead = await cli(dir, '--speed', '1e9');
    assert.is(main.code, 0, main.stderr);
    assert.is(ahead.code, 0, ahead.stderr);
    assert.is(ahead.stdout.split("\n").length, 20001);
    assert.is(ahead.stdout, main.stdout);
    const file = path.join(out, 'a.jsonl');
    const toFile = await cli(dir, '--speed', '1e9', '-o', file);
    assert.is(toFile.code, 0, toFile.stderr);
    assert.is(fs.readFileSync(file, 'utf8'), main.stdout);
  } finally {
    rm(dir);
    rm(out);
  }
});

test('replay: a corrupt frame read by the worker fails the replay with its code and place, after every line before it (exit 1)', async () => {
  const dir = tmpDir('tapedeck-linefeed-corrupt-');
  try {
    await makeRecording(
      Array.from({ length: 3000 }, (_, i) => tick(i, { symbol: `S${i % 7}` })),
      dir,
    );
    const seg = fs.readdirSync(dir).find((f) => f.endsWith('.tdseg'))!;
    const file = path.join(dir, seg);
    const bytes = fs.readFileSync(file);
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const ahead = await cli(dir, '--speed', '1e6');
    const main = await cli(dir, '--speed', '1e6', '--no-read-ahead');
    const max = await cli(dir, '--max');
    assert.is(max.code, 1, max.stderr);
    assert.is(max.stdout, main.stdout);
    assert.is(main.code, 1, main.stderr);
    assert.is(ahead.code, 1, ahead.stderr);
    assert.match(ahead.stderr, new RegExp(`${seg}: corrupt at byte \\d+`));
    assert.is(ahead.stderr, main.stderr);
    assert.ok(main.stdout.length > 0);
    assert.is(ahead.stdout, main.stdout);
  } finally {
    rm(dir);
  }
});

test('line feed: a worker that cannot start fails the replay with its error', async () => {
  const missing = path.join(tmpDir('tapedeck-linefeed-missing-'), 'gone');
  const feed = new LineFeed(1, workerLineProducer([missing], { iso: false }), () => {});
  const r = new Replayer(a, new EventBus(), { feed });
  const err = await lastValueFrom(r.start({ speed: 1000 })).then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(err instanceof TapedeckError, String(err));
  assert.ok(err.message.length > 0);
  assert.is(r.state, 'done');
});

test.run();
