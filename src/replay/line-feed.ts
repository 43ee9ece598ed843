/**
 * A replay feed of JSON lines made ahead of the clock (see feed.ts): a producer (normally a worker
 * thread, line-producer.ts) reads, merges, decodes and formats the events into batches of lines;
 * the Replayer paces the items by their ts and, as it takes each one, its line becomes output.
 * Taken lines are handed to `onLines` as runs of whole lines, views into the batch's buffer
 * (no copy): once per pass (a microtask after the first line taken), when a batch is used up, and
 * at close. The bytes are exactly what JsonLineWriter writes for each event, in the merged order
 * an EventMerge gives.
 *
 * The feed holds at most `windowBatches` batches (made or on their way): the producer runs ahead
 * of the replay by that much and no further. When the replay reaches the end of what has arrived,
 * `waiting()` gives the replayer a promise to hold on until the next batch comes.
 *
 * With `recycle`, each onLines call comes with a `done` the consumer calls once it no longer
 * needs those bytes (an output stream's write callback); a batch used up whose lines are all done
 * goes back to the producer (LineProducer.recycle) to be made again: no fresh buffers per batch,
 * which is what kept the main thread in mark-compacts (line-batch.ts BatchBuffers).
 */
import { fromWireError, TapedeckError } from '../errors.js';
import type { EventReadOptions } from '../events/recording.js';
import type { ReadProblem } from '../log/index.js';
import type { EmittingFeed, FeedItem, FeedSource } from './feed.js';
import { batchBuffers, type LineBatch } from './line-batch.js';
import type { LineProducer, LineProducerFactory, ProducerMessage } from './line-producer.js';

export interface LineFeedOptions {
  /** Batches the producer may run ahead (default 8: ~52K tick lines, ~8 MiB, of the producer's 1 MiB batches). */
  windowBatches?: number;
  /** Called with each item the replay takes, after its line (a counter, a --limit). */
  onItem?: (item: FeedItem) => void;
  /**
   * onLines' consumer calls its `done` once per call, when it no longer reads those bytes; used
   * batches then go back to the producer for reuse (see the module comment). Default false. A
   * stream's write callback is that moment only for a stream that does not keep the chunk (a file
   * or socket stream; a PassThrough keeps it until read).
   */
  recycle?: boolean;
}

/**
 * An item of the feed: its ts as the batch's base and an exact offset (line-batch.ts), so holding,
 * pacing and publishing one makes no BigInt; `ts` is made only when read. Items are the feed's own
 * and reused (see LineFeedSource): one is valid until the next take() from its source returns.
 */
class Item implements FeedItem {
  tsBase = 0n;
  /**
   * NaN where the offset is not exact: then `exact` holds the ts. NaN to start with, not 0, so the
   * field holds a double from the start: one made with a small integer would change the items'
   * map at the first offset past 2^31, the items of a feed made before the rehearsal left with
   * the old one.
   */
  tsOffsetNs = NaN;
  exact = 0n;
  seq: number | undefined = undefined;

  get ts(): bigint {
    const off = this.tsOffsetNs;
    if (off !== off) return this.exact;
    return off === 0 ? this.tsBase : this.tsBase + BigInt(off);
  }
}

/**
 * A source with two items it holds in turn: the replayer still reads the item it took while the
 * next is held. Made with the feed and reused, not one per item: fresh items were a third of the
 * main thread's garbage in a paced replay, and made the item's map die in the full GC before the
 * clock (no item alive then), which threw away every function optimised for it in the rehearsal
 * (`--trace-deopt`: "weak objects": passPaced, take, hold, emit, publish), compiled again in the
 * replay's first milliseconds.
 */
class LineFeedSource implements FeedSource {
  head: Item | null = null;
  problems: ReadProblem[] = [];
  private readonly items: [Item, Item] = [new Item(), new Item()];
  private turn = 0;
  constructor(readonly index: number) {}

  /** The item to hold next: not the one held before it. */
  nextItem(): Item {
    this.turn ^= 1;
    return this.items[this.turn]!;
  }
}

export class LineFeed implements EmittingFeed {
  readonly sources: LineFeedSource[];
  /** Made by the first open (a worker thread starts only when the replay does). */
  private producer: LineProducer | null = null;
  private readonly windowBatches: number;
  private readonly onItem: ((item: FeedItem) => void) | null;

  /** The position's generation: every open starts one; older batches are dropped. */
  private gen = 0;
  /** The options of the last open, as text, and whether anything was taken since (see open). */
  private openKey: string | null = null;
  private takenSinceOpen = false;
  /** Batches arrived and not yet started. */
  private readonly queue: LineBatch[] = [];
  private cur: LineBatch | null = null;
  /** The next item of `cur`. */
  private i = 0;
  /** The first taken line of `cur` not yet handed to onLines. */
  private flushFrom = 0;
  /** The last batch of this generation has arrived. */
  private ended = false;
  private failure: unknown = null;
  private waiters: (() => void)[] = [];
  private flushQueued = false;
  private closed = false;
  private readonly recycling: boolean;
  /**
   * With recycling: per batch started and not yet handed back, 1 while it is the current batch
   * plus its lines handed to onLines and not yet done. At 0 it goes back to the producer.
   */
  private readonly refs = new Map<LineBatch, number>();

  constructor(
    sourceCount: number,
    private readonly makeProducer: LineProducerFactory,
    private readonly onLines: (lines: Buffer, done: () => void) => void,
    options: LineFeedOptions = {},
  ) {
    this.sources = Array.from({ length: sourceCount }, (_, i) => new LineFeedSource(i));
    this.windowBatches = options.windowBatches ?? 8;
    if (!Number.isInteger(this.windowBatches) || this.windowBatches < 1) throw new TapedeckError('BAD_ARGUMENT', `windowBatches must be a whole number ≥ 1, got ${this.windowBatches}`);
    this.onItem = options.onItem ?? null;
    this.recycling = options.recycle === true;
  }

  open(opts: EventReadOptions): void {
    if (this.closed) throw new TapedeckError('BAD_ARGUMENT', 'this line feed is closed');
    // Opening where the feed already stands, with nothing taken (start() after lead()), keeps what arrived.
    const key = optionsKey(opts);
    if (key === this.openKey && !this.takenSinceOpen && this.failure === null) return;
    this.flush();
    this.openKey = key;
    this.takenSinceOpen = false;
    this.gen++;
    this.queue.length = 0;
    if (this.cur !== null) this.unref(this.cur);
    this.cur = null;
    this.i = 0;
    this.flushFrom = 0;
    this.ended = false;
    this.failure = null;
    for (const s of this.sources) s.head = null;
    this.producer ??= this.makeProducer((m) => this.receive(m));
    this.producer.open(this.gen, opts, this.windowBatches);
  }

  lead(opts: EventReadOptions, items: number): Promise<number> {
    this.open(opts);
    return new Promise((resolve) => {
      const check = (): void => {
        const held = this.held();
        // The whole window arrived (the producer can make no more until the replay takes some).
        if (held >= items || this.ended || this.failure !== null || this.closed || this.queue.length + (this.cur ? 1 : 0) >= this.windowBatches) resolve(held);
        else this.waiters.push(check);
      };
      check();
    });
  }

  /** Items arrived and not yet taken. */
  held(): number {
    let n = this.cur ? this.cur.n - this.i : 0;
    for (const b of this.queue) n += b.n;
    return n;
  }

  /**
   * The batches arrived and not yet started (after lead(): the lead), for a rehearsal
   * (rehearsal.ts), which only reads them: it never writes, recycles or keeps them.
   */
  heldBatches(): readonly LineBatch[] {
    return this.cur !== null && this.i === 0 ? [this.cur, ...this.queue] : [...this.queue];
  }

  /** Bytes of the lines arrived and not yet taken. */
  heldBytes(): number {
    const cur = this.cur;
    let n = cur !== null && this.i < cur.n ? cur.bytes.length - (this.i === 0 ? 0 : cur.ends[this.i - 1]!) : 0;
    for (const b of this.queue) n += b.bytes.length;
    return n;
  }

  refill(): void {}

  peek(): FeedSource | null {
    const cur = this.cur;
    if (cur !== null && this.i < cur.n) return this.sources[cur.source[this.i]!]!;
    return this.next();
  }

  /** The current batch is used up (or there is none): move to the next one that has arrived. */
  private next(): FeedSource | null {
    const done = this.cur;
    if (done !== null) {
      this.cur = null;
      this.producer!.credit(this.gen, 1);
      // Handing lines over can re-enter (a full output pauses the replay, and pausing reads the
      // clock, which peeks): the batch is detached first, and a peek from in there may have
      // moved on already.
      this.hand(done, this.flushFrom, this.i);
      this.unref(done);
      if (this.cur !== null) return this.peek();
    }
    for (;;) {
      const b = this.queue.shift();
      if (b === undefined) break;
      if (b.n === 0) {
        this.producer!.credit(this.gen, 1);
        continue;
      }
      this.cur = b;
      this.i = 0;
      this.flushFrom = 0;
      if (this.recycling) this.refs.set(b, 1);
      return this.hold();
    }
    if (this.failure !== null) throw this.failure;
    return null;
  }

  /** Makes item `i` of the current batch the head of its source. */
  private hold(): LineFeedSource {
    const b = this.cur!;
    const i = this.i;
    const src = this.sources[b.source[i]!]!;
    const seq = b.seq[i]!;
    const item = src.nextItem();
    const off = b.tsOffsetNs[i]!;
    item.tsBase = b.tsBase;
    item.tsOffsetNs = off;
    if (off !== off) item.exact = b.ts[i]!;
    item.seq = seq >= 0 ? seq : undefined;
    src.head = item;
    return src;
  }

  take(src: FeedSource): FeedItem {
    const s = src as LineFeedSource;
    const it = s.head!;
    s.head = null;
    this.takenSinceOpen = true;
    if (++this.i < this.cur!.n) this.hold();
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
    return it;
  }

  emit(item: FeedItem): void {
    this.onItem?.(item);
  }

  get exhausted(): boolean {
    return this.ended && this.failure === null && this.queue.length === 0 && (this.cur === null || this.i >= this.cur.n);
  }

  waiting(): PromiseLike<void> | null {
    if (this.exhausted || this.failure !== null || this.closed) return null;
    if (this.cur !== null && this.i < this.cur.n) return null;
    if (this.queue.length > 0) return null;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Hands the taken lines of the current batch not yet handed over to onLines. */
  flush(): void {
    const b = this.cur;
    if (b === null) return;
    const from = this.flushFrom;
    this.flushFrom = this.i;
    this.hand(b, from, this.i);
  }

  /** Hands lines [from, to) of batch `b` to onLines. */
  private hand(b: LineBatch, from: number, to: number): void {
    if (to <= from) return;
    const start = from === 0 ? 0 : b.ends[from - 1]!;
    const end = b.ends[to - 1]!;
    if (this.recycling) this.refs.set(b, this.refs.get(b)! + 1);
    let once = false;
    this.onLines(Buffer.from(b.bytes.buffer, b.bytes.byteOffset + start, end - start), () => {
      if (once) return;
      once = true;
      this.unref(b);
    });
  }

  /** One use of batch `b` is over; the last one hands its buffers back to the producer. */
  private unref(b: LineBatch): void {
    const n = this.refs.get(b);
    if (n === undefined) return; // not recycling
    if (n > 1) {
      this.refs.set(b, n - 1);
      return;
    }
    this.refs.delete(b);
    if (!this.closed) this.producer?.recycle?.(batchBuffers(b));
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.queue.length = 0;
    this.cur = null;
    this.refs.clear();
    for (const s of this.sources) s.head = null;
    this.producer?.close();
    this.wake();
  }

  private receive(m: ProducerMessage): void {
    if (this.closed) return;
    if (m.kind === 'batch') {
      if (m.batch.gen !== this.gen) return;
      this.queue.push(m.batch);
      if (m.batch.last) this.ended = true;
    } else {
      if (m.gen !== this.gen && m.gen !== -1) return;
      this.failure = fromWireError(m.error);
      this.ended = true;
    }
    if (m.problems) for (let k = 0; k < m.problems.length && k < this.sources.length; k++) this.sources[k]!.problems.push(...m.problems[k]!);
    this.wake();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

/** The read options as text, to tell whether an open is where the feed already stands. */
function optionsKey(o: EventReadOptions): string {
  return JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
