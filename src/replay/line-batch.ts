/**
 * A batch of replay items as JSON lines: what a line producer (line-worker.ts) hands to a LineFeed
 * (line-feed.ts). Plain typed arrays and one byte buffer, all in shared memory (SharedArrayBuffer),
 * so a batch crosses to another thread by reference, without a copy, a structured clone of objects
 * or a transfer. Not by transfer: detaching an ArrayBuffer (what a transfer does to the sender's
 * copy) invalidates V8's "no buffer was ever detached" assumption in that thread for good, and every
 * optimised function that reads a typed array is thrown away and compiled again (`--trace-deopt`:
 * "code dependencies"). The feed's first recycle did that on the main thread ~20 ms into a 1000x
 * replay (passPaced, take, hold, peek and the lag tally, ~15 ms of TurboFan work on a helper
 * thread), and the worker's first batch did it to the whole transcoder; on 2 cores those compiles
 * took the core the replay's next pass was waiting for (bench/README.md, the pacing row).
 * - `ts[i]`, `seq[i]`, `source[i]`: item i's ts (ns), seq, and the index of its recording;
 * - `tsBase` and `tsOffsetNs[i]`: item i's ts again, as `tsBase + BigInt(tsOffsetNs[i])` with the
 *   offset a safe integer (within ±2^53 ns, ±104 days, of the base: the batch's first ts), or NaN
 *   where it is not (then only `ts[i]` has it). What the main thread paces by: a number, read and
 *   subtracted without a BigInt. Reading `ts[i]` makes a BigInt on the heap, and with the feed's
 *   item and one BigInt subtraction that was three objects per item on the main thread, ~30
 *   scavenges in a 1000x replay of the hour, each waiting for V8's helper threads to join;
 * - `bytes`: the lines, one after the other, each ending in '\n' (a view from the start of its own
 *   ArrayBuffer, which may be longer); line i is
 *   `bytes[ends[i - 1] ?? 0 .. ends[i])`, written by JsonLineWriter (the one line layout).
 * A batch belongs to one `gen`: the feed's position (each open/seek starts a new one), so batches
 * made for a position the feed has left are recognised and dropped.
 */
import { JsonLineWriter } from '../events/json-line-writer.js';
import type { EventCursor } from '../events/recording.js';
import type { TapeEvent } from '../events/types.js';
import { tsOffsetNs } from './feed.js';

export interface LineBatch {
  gen: number;
  /** Items in the batch. */
  n: number;
  ts: BigInt64Array;
  /** The base of tsOffsetNs: the first item's ts (0n in an empty batch). */
  tsBase: bigint;
  tsOffsetNs: Float64Array;
  seq: Float64Array;
  source: Uint16Array;
  ends: Uint32Array;
  bytes: Uint8Array;
  /** Nothing comes after this batch at this gen: the range is exhausted. */
  last: boolean;
}

/**
 * A used batch's buffers, handed back to the batcher that made them (LineBatcher.recycle) so the
 * next batches are made in them. Why: every fresh batch buffer a worker sends is new external
 * memory to the receiving thread, and V8 counts external memory allocated since the last full GC
 * against the old generation's limit: ~48 MB/s of new batch buffers (a 1000x replay of ~300
 * ticks/s) made the main thread run a mark-compact every ~250 ms (2-4 ms pauses, the late passes
 * that set a paced replay's lateness p99). Buffers that come back are not new (measured in a
 * worker → main thread loop of 1 MiB buffers at 50/s: 3 mark-compacts in 4 s fresh, none reused).
 */
export interface BatchBuffers {
  ts: BigInt64Array;
  tsOffsetNs: Float64Array;
  seq: Float64Array;
  source: Uint16Array;
  ends: Uint32Array;
  /** The lines' whole buffer (a batch's `bytes` is a view from its start): shared, or a copy's own (see sharedBytes). */
  bytes: ArrayBufferLike;
}

/** The buffers of a used batch, for LineBatcher.recycle. */
export function batchBuffers(b: LineBatch): BatchBuffers {
  return { ts: b.ts, tsOffsetNs: b.tsOffsetNs, seq: b.seq, source: b.source, ends: b.ends, bytes: b.bytes.buffer };
}

/** Spare buffer sets a batcher keeps (more are dropped: the feed's window bounds what is in use). */
const SPARES_MAX = 4;

/** The most recordings a batch can name (its `source` is a Uint16Array). */
export const LINE_SOURCES_MAX = 0xffff;

/** Gathers items into a batch of at most `itemsMax` items, ending early once the lines pass `bytesMax`. */
export class LineBatcher {
  private readonly lines: JsonLineWriter;
  private ts: BigInt64Array;
  private tsOffsetNs: Float64Array;
  /** The first item's ts (the base of tsOffsetNs) once the batch has one. */
  private tsBase = 0n;
  private seq: Float64Array;
  private source: Uint16Array;
  private ends: Uint32Array;
  /** Items gathered. */
  n = 0;
  /** Buffers handed back (recycle), used by the next takes. */
  private readonly spares: BatchBuffers[] = [];

  constructor(
    private readonly iso: boolean,
    private readonly itemsMax: number,
    private readonly bytesMax: number,
  ) {
    this.lines = new JsonLineWriter(bytesMax + 4096);
    this.lines.detach(sharedBytes(bytesMax + 4096));
    this.ts = new BigInt64Array(sharedBytes(8 * itemsMax));
    this.tsOffsetNs = new Float64Array(sharedBytes(8 * itemsMax));
    this.seq = new Float64Array(sharedBytes(8 * itemsMax));
    this.source = new Uint16Array(sharedBytes(2 * itemsMax));
    this.ends = new Uint32Array(sharedBytes(4 * itemsMax));
  }

  /** Appends one event's line; true when the batch is full. */
  add(ev: TapeEvent, source: number): boolean {
    this.lines.event(ev, this.iso, true);
    return this.item(ev.ts, ev.seq ?? -1, source);
  }

  /**
   * Appends the cursor's next line (EventCursor.nextJson: straight from the payload bytes where it
   * can, the same line); null at the end of the cursor, else true when the batch is full.
   */
  addNext(cursor: EventCursor, source: number): boolean | null {
    if (cursor.nextJson(this.lines, this.iso, true) === null) return null;
    return this.item(cursor.lastTs, cursor.lastSeq, source);
  }

  private item(ts: bigint, seq: number, source: number): boolean {
    const i = this.n;
    if (i === 0) this.tsBase = ts;
    this.ts[i] = ts;
    this.tsOffsetNs[i] = tsOffsetNs(ts, this.tsBase);
    this.seq[i] = seq;
    this.source[i] = source;
    this.ends[i] = this.lines.length;
    this.n = i + 1;
    return this.n >= this.itemsMax || this.lines.length >= this.bytesMax;
  }

  /** Drops what was gathered. */
  reset(): void {
    this.lines.clear();
    this.n = 0;
  }

  /** The batch gathered so far (its arrays are the batch's own: the batcher does not touch them until recycled); the batcher starts over. */
  take(gen: number, last: boolean): LineBatch {
    const n = this.n;
    const spare = this.spares.pop();
    const m = this.itemsMax;
    // The writer's own buffer (not copied; the writer goes on in a spare or a fresh one).
    const bytes: Uint8Array = this.lines.detach(spare?.bytes ?? sharedBytes(this.bytesMax + 4096));
    const out: LineBatch = { gen, n, ts: this.ts, tsBase: n > 0 ? this.tsBase : 0n, tsOffsetNs: this.tsOffsetNs, seq: this.seq, source: this.source, ends: this.ends, bytes, last };
    this.ts = spare?.ts ?? new BigInt64Array(sharedBytes(8 * m));
    this.tsOffsetNs = spare?.tsOffsetNs ?? new Float64Array(sharedBytes(8 * m));
    this.seq = spare?.seq ?? new Float64Array(sharedBytes(8 * m));
    this.source = spare?.source ?? new Uint16Array(sharedBytes(2 * m));
    this.ends = spare?.ends ?? new Uint32Array(sharedBytes(4 * m));
    this.n = 0;
    return out;
  }

  /**
   * Takes back the buffers of a batch this batcher made, once nothing reads them any more (the
   * consumer's last use of its lines is over): later takes use them instead of fresh ones.
   */
  recycle(b: BatchBuffers): void {
    const m = this.itemsMax;
    if (this.spares.length >= SPARES_MAX || b.ts.length !== m || b.tsOffsetNs.length !== m || b.seq.length !== m || b.source.length !== m || b.ends.length !== m) return;
    this.spares.push(b);
  }
}

/**
 * Shared memory for a batch's buffers, so a batch is posted to the other thread without a transfer
 * (see the module comment). A buffer that is not shared (the writer grew past the batch's bytes for
 * one very long line: JsonLineWriter.room) still works: postMessage copies it.
 */
export function sharedBytes(n: number): SharedArrayBuffer {
  return new SharedArrayBuffer(n);
}
