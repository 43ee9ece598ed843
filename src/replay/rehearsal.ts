/**
 * A rehearsal of a paced line replay, before its clock starts: the lines a feed already holds (its
 * lead, made by the read-ahead worker) are paced once by a throwaway Replayer, on the real
 * scheduler at the replay's own speed, and handed to a consumer that discards them. Nothing is read
 * or decoded again, and the real feed keeps its batches (they are only read here).
 *
 * Why: lead() warms the worker's code, but the main thread's own share of a paced replay (the
 * Replayer's pass, the feed's take/hold/peek, the lag tally, the scheduler's timers, the output's
 * write path) was cold when the clock started. V8 then optimised those functions in the replay's
 * first second: `--trace-opt` of the 1000x hour showed ~70 TurboFan jobs after the clock start
 * (~240 ms of a helper thread's CPU), passPaced alone 4 times (11-22 ms each) and the stream's
 * writeOrBuffer 25 ms. On 2 cores those jobs and the worker held both cores while the main thread's
 * next pass waited for one (/proc/self/task/<tid>/schedstat: the main thread runnable, not
 * running). A rehearsal runs the same functions over the same kind of data first, so the hottest
 * (per event) are optimised before the clock starts. What runs once per pass (timers, the stream's
 * write) is called only ~100 times in a rehearsal and is still optimised in the replay: ~160-190 ms
 * of compiling after the clock start remain.
 *
 * Deterministic in itself (the scheduler is the caller's); it only adds time before the replay.
 */
import { lastValueFrom, type SchedulerLike } from 'rxjs';
import { EventBus } from '../bus/index.js';
import type { Recording } from '../events/recording.js';
import type { FeedItem } from './feed.js';
import type { LineBatch } from './line-batch.js';
import { LineFeed } from './line-feed.js';
import type { LineProducer, LineProducerFactory, ProducerMessage } from './line-producer.js';
import { Replayer, type ReplayStartOptions } from './replayer.js';

/**
 * A producer that serves the given batches (another feed's: they are not copied, and never written
 * to or recycled), in order, as credits allow; the last is marked as the end of the range.
 */
export class BatchListProducer implements LineProducer {
  private gen = -1;
  private next = 0;

  constructor(
    private readonly batches: readonly LineBatch[],
    private readonly receive: (m: ProducerMessage) => void,
  ) {}

  static factory(batches: readonly LineBatch[]): LineProducerFactory {
    return (receive) => new BatchListProducer(batches, receive);
  }

  open(gen: number, _opts: unknown, credits: number): void {
    this.gen = gen;
    this.next = 0;
    this.send(credits);
  }

  credit(gen: number, n: number): void {
    if (gen === this.gen) this.send(n);
  }

  private send(credits: number): void {
    const gen = this.gen;
    const list = this.batches;
    if (list.length === 0 && this.next === 0) {
      this.next = 1;
      const none: LineBatch = { gen, n: 0, ts: new BigInt64Array(0), tsBase: 0n, tsOffsetNs: new Float64Array(0), seq: new Float64Array(0), source: new Uint16Array(0), ends: new Uint32Array(0), bytes: new Uint8Array(0), last: true };
      this.receive({ kind: 'batch', batch: none, problems: null });
      return;
    }
    for (; credits > 0 && this.next < list.length && gen === this.gen; credits--) {
      const k = this.next++;
      this.receive({ kind: 'batch', batch: { ...list[k]!, gen, last: k === list.length - 1 }, problems: null });
    }
  }

  /** The batches are another feed's: nothing is handed back to be written again. */
  recycle(): void {}

  close(): void {
    this.gen = -1;
  }
}

export interface RehearsalOptions {
  /** The clock of the rehearsal (default: the Replayer's, the real one). */
  scheduler?: SchedulerLike;
  /** As the replay's LineFeed (the same code paths: default true). */
  recycle?: boolean;
  /**
   * The replay's own LineFeed onItem, if it has one (it must tell a rehearsal's items from the
   * replay's). Pass the replay's callbacks themselves, here and as `onLines`, not wrappers: V8
   * optimises the rehearsal's calls for the functions it sees, and those must be the replay's for
   * its code to stay optimised (a rehearsal whose callbacks die with it has its callers thrown away
   * by the next GC: `--trace-deopt` "weak objects").
   */
  onItem?: (item: FeedItem) => void;
  /**
   * The longest the rehearsal may take, in ms of scheduler time (default 100): a slow replay's lead
   * (30,000 events at 1x are minutes) is rehearsed faster, at the speed that plays it in this time.
   */
  maxMs?: number;
}

/** The speed a rehearsal of `batches` runs at: the replay's, or faster so it lasts at most `maxMs`. */
export function rehearsalSpeed(batches: readonly LineBatch[], speed: number, maxMs: number): number {
  const full = batches.filter((b) => b.n > 0);
  const first = full[0];
  const last = full[full.length - 1];
  if (first === undefined || last === undefined) return speed;
  const spanMs = Number(last.ts[last.n - 1]! - first.ts[0]!) / 1e6;
  return Math.max(speed, spanMs / maxMs);
}

/**
 * Paces `batches` (a feed's lead: LineFeed.heldBatches) as a replay of `recordings` with `start`
 * (its range and speed) would, handing the lines to `onLines` (which must call `done` once per
 * call, as a LineFeed consumer does). Resolves once the rehearsal is over with its Replayer (done:
 * `progress().emitted` items were paced). Keep a reference to it until the replay ends: V8's code
 * optimised during the rehearsal refers to the rehearsal's objects, and the first GC after they
 * die throws that code away (`--trace-deopt`: "weak objects"), to be compiled again in the replay.
 */
export async function rehearse(recordings: readonly Recording[], batches: readonly LineBatch[], start: ReplayStartOptions, onLines: (lines: Buffer, done: () => void) => void, options: RehearsalOptions = {}): Promise<Replayer> {
  const feed = new LineFeed(recordings.length, BatchListProducer.factory(batches), onLines, {
    recycle: options.recycle ?? true,
    onItem: options.onItem,
  });
  const replayer = new Replayer(recordings, new EventBus(), { feed, scheduler: options.scheduler });
  const speed = start.speed === undefined ? 1 : start.speed === 'max' ? Infinity : start.speed;
  try {
    await lastValueFrom(replayer.start({ ...start, speed: rehearsalSpeed(batches, speed, options.maxMs ?? 100), paused: false, follow: false }));
  } finally {
    feed.close();
  }
  return replayer;
}
