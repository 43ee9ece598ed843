/**
 * The batches a JSONL parse worker hands the main thread (see jsonl-split.ts): the lines of one
 * piece of the input, in order, each either a canonical tick already read, encoded and framed,
 * or a line left to the main thread. Items back to back in one slot of shared memory:
 *
 *   run:   u8 2 | u32 count | u32 frameBytes | u32 textsAt | u32 lineBytes | count frames
 *   other: u8 1 | u32 index into the batch's `lines` (the Line as the splitter made it)
 *
 * and from ITEMS_SHARE of the slot on, the texts of the runs' ticks in order, each
 * u32 lineNo | u32 textBytes | text; a run's first is at its textsAt.
 *
 * A run's frames are whole log frames (sealFrame) with seq 0 and non-decreasing ts: the main
 * thread gives them their seqs and copies them into the log in one call (Log.writeFrameRun),
 * nothing per tick but the seq, the CRC's correction and the log's bookkeeping. lineBytes is what
 * the run's lines count as input (text + end, per tick). lineNo counts from the piece's start
 * (1-based); the main thread adds the lines before it. A tick's text (printable ASCII, so latin1
 * is its exact text) travels with it because the main thread may still have to take the general
 * path for it: the worker does not know the ts the recording is at when the run's turn comes
 * (see Recorder.acceptsParsedTick).
 */
import { FRAME_OVERHEAD_BYTES, FRAME_PREFIX_BYTES, sealFrame } from '../log/format.js';
import { TYPE_TAG } from '../events/types.js';
import type { TsUnit } from '../events/ts.js';
import { NO_ROOM, NOT_CANONICAL, readCanonicalTick, type TickRead } from './canonical-tick.js';
import type { Line } from './input.js';

export const ITEM_LINE = 1;
export const ITEM_RUN = 2;
export const RUN_HEAD_BYTES = 1 + 4 + 4 + 4 + 4;
export const LINE_ITEM_BYTES = 1 + 4;
/** Bytes of a tick's text entry before its text. */
const TEXT_HEAD_BYTES = 8;
/** The share of a slot for items; the rest holds the ticks' texts (a frame is ~70 B, its text ~145 B). */
const ITEMS_SHARE = 1 / 3;
const TICK_TAG = TYPE_TAG.tick;
/** No ts floor: the worker does not know the ts the recording will be at (see the header). */
const NO_FLOOR = -(1n << 63n);

/** TickBatchWriter.tickLine: the line went in as a tick; it is not a canonical tick; no room for it. */
export const TICK = 0;
export const NOT_TICK = 1;
export const FULL = 2;

export interface TickBatch {
  /** The slot's bytes (a view of shared memory: the worker fills a slot, the main thread reads it). */
  buf: Buffer;
  /** Bytes of buf used. */
  bytes: number;
  lines: Line[];
}

/** Where the reader of a batch is and what the last item held. */
export class TickBatchReader {
  private readonly buf: Buffer;
  private readonly end: number;
  private readonly lines: Line[];
  pos = 0;
  /** The last run: its tick count, frames [framesStart, framesEnd), first text entry, input bytes. */
  count = 0;
  framesStart = 0;
  framesEnd = 0;
  textsAt = 0;
  lineBytes = 0;
  /** The line of the last `other` item. */
  line: Line | null = null;

  constructor(b: TickBatch) {
    this.buf = b.buf;
    this.end = b.bytes;
    this.lines = b.lines;
  }

  /** The next item's kind (ITEM_RUN, ITEM_LINE), or -1 at the end. */
  next(): number {
    const p = this.pos;
    if (p >= this.end) return -1;
    const b = this.buf;
    if (b[p] === ITEM_LINE) {
      this.line = this.lines[b.readUInt32LE(p + 1)]!;
      this.pos = p + LINE_ITEM_BYTES;
      return ITEM_LINE;
    }
    this.count = b.readUInt32LE(p + 1);
    this.framesStart = p + RUN_HEAD_BYTES;
    this.framesEnd = this.framesStart + b.readUInt32LE(p + 5);
    this.lineBytes = b.readUInt32LE(p + 13);
    this.textsAt = b.readUInt32LE(p + 9);
    this.pos = this.framesEnd;
    return ITEM_RUN;
  }
}

/** A run's ticks one by one (the main thread's slow path): frame offset, line number and text. */
export class RunTicks {
  frameAt: number;
  private textAt: number;
  constructor(
    private readonly buf: Buffer,
    r: TickBatchReader,
  ) {
    this.frameAt = r.framesStart;
    this.textAt = r.textsAt;
  }
  get lineNo(): number {
    return this.buf.readUInt32LE(this.textAt);
  }
  get textBytes(): number {
    return this.buf.readUInt32LE(this.textAt + 4);
  }
  text(): string {
    return this.buf.toString('latin1', this.textAt + TEXT_HEAD_BYTES, this.textAt + TEXT_HEAD_BYTES + this.textBytes);
  }
  /** Moves to the next tick. */
  skip(): void {
    this.frameAt += 8 + this.buf.readUInt32LE(this.frameAt);
    this.textAt += TEXT_HEAD_BYTES + this.textBytes;
  }
}

/**
 * Fills one slot at a time with items; the caller hands the slot over when full. Items grow from
 * the slot's start, the ticks' texts from ITEMS_SHARE of it: each written once, where it stays.
 */
export class TickBatchWriter {
  private buf: Buffer = Buffer.alloc(0);
  private used = 0;
  private lines: Line[] = [];
  private textsFrom = 0;
  private textsUsed = 0;
  /** The open run: where its head is (-1: none), its ticks, where its next frame goes, its last ts. */
  private runAt = -1;
  private runCount = 0;
  private runLineBytes = 0;
  private runTextsAt = 0;
  private framesEnd = 0;
  private lastTs = 0n;
  private readonly got: TickRead = { tsNs: 0n };

  /** Starts filling `buf` (a slot). */
  begin(buf: Buffer): void {
    this.buf = buf;
    this.used = 0;
    this.lines = [];
    this.runAt = -1;
    this.textsFrom = Math.floor(buf.length * ITEMS_SHARE);
    this.textsUsed = this.textsFrom;
  }

  get empty(): boolean {
    return this.used === 0 && this.runAt < 0;
  }

  /**
   * A line's bytes src[start, stop) (its end excluded), numbered `lineNo`: when it is a canonical
   * tick (readCanonicalTick with no ts floor, under `unit`), read and encoded straight into its
   * frame in the slot, its text copied after: TICK. NOT_TICK when it is not one, FULL when the
   * slot has no room for it; nothing is added either way.
   */
  tickLine(src: Buffer, start: number, stop: number, lineNo: number, unit: TsUnit | undefined): number {
    const b = this.buf;
    const opening = this.runAt < 0;
    let frameAt = opening ? this.used + RUN_HEAD_BYTES : this.framesEnd;
    // Room for the frame: prefix, payload, CRC (and a run head, should the frame open a run).
    const limit = this.textsFrom - 4 - RUN_HEAD_BYTES;
    const payloadStart = frameAt + FRAME_PREFIX_BYTES;
    const got = this.got;
    const stopAt = readCanonicalTick(src, start, stop, b, payloadStart, limit, unit, NO_FLOOR, got);
    if (stopAt === NOT_CANONICAL) return NOT_TICK;
    if (stopAt === NO_ROOM) return FULL;
    const t = this.textsUsed;
    const textBytes = stop - start;
    if (t + TEXT_HEAD_BYTES + textBytes > b.length) return FULL;
    const tsNs = got.tsNs;
    const n = stopAt - payloadStart;
    if (!opening && tsNs < this.lastTs) {
      // A ts going back ends the run (the main thread checks only a run's first ts): the frame
      // opens the next one, a run head further on.
      this.endRun();
      frameAt = this.used + RUN_HEAD_BYTES;
      b.copyWithin(frameAt + FRAME_PREFIX_BYTES, payloadStart, stopAt);
    }
    sealFrame(b, frameAt, TICK_TAG, 0, 0, tsNs, n);
    if (this.runAt < 0) {
      this.runAt = this.used;
      this.runCount = 0;
      this.runLineBytes = 0;
      this.runTextsAt = t;
    }
    this.framesEnd = frameAt + FRAME_OVERHEAD_BYTES + n;
    this.runCount++;
    this.runLineBytes += textBytes + 1;
    this.lastTs = tsNs;
    b.writeUInt32LE(lineNo, t);
    b.writeUInt32LE(textBytes, t + 4);
    copyBytes(src, start, stop, b, t + TEXT_HEAD_BYTES);
    this.textsUsed = t + TEXT_HEAD_BYTES + textBytes;
    return TICK;
  }

  /** A line the main thread reads itself; false when the slot is full. */
  line(l: Line): boolean {
    this.endRun();
    if (this.textsFrom - this.used < LINE_ITEM_BYTES) return false;
    this.buf[this.used] = ITEM_LINE;
    this.buf.writeUInt32LE(this.lines.length, this.used + 1);
    this.used += LINE_ITEM_BYTES;
    this.lines.push(l);
    return true;
  }

  /** What the slot holds (the slot is then the reader's until it is given back). */
  take(): { bytes: number; lines: Line[] } {
    this.endRun();
    const out = { bytes: this.used, lines: this.lines };
    this.used = 0;
    this.lines = [];
    this.textsUsed = this.textsFrom;
    return out;
  }

  /** Closes the open run: writes its head. */
  private endRun(): void {
    if (this.runAt < 0) return;
    const b = this.buf;
    const at = this.runAt;
    b[at] = ITEM_RUN;
    b.writeUInt32LE(this.runCount, at + 1);
    b.writeUInt32LE(this.framesEnd - at - RUN_HEAD_BYTES, at + 5);
    b.writeUInt32LE(this.runTextsAt, at + 9);
    b.writeUInt32LE(this.runLineBytes, at + 13);
    this.used = this.framesEnd;
    this.runAt = -1;
  }
}

/** DataViews over the last source and target of copyBytes (a chunk and a slot: made once for thousands of lines). */
let srcView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let srcOf: Uint8Array | null = null;
let dstView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let dstOf: Uint8Array | null = null;

/**
 * src[start, stop) to dst at `to`, four bytes at a time through DataViews: for a line of ~150
 * bytes ~115 ns, against ~140 for set(subarray), ~175 for Buffer.copy and ~250 byte by byte
 * (1M-line loop, same process, under load).
 */
function copyBytes(src: Uint8Array, start: number, stop: number, dst: Uint8Array, to: number): void {
  if (src !== srcOf) {
    srcView = new DataView(src.buffer, src.byteOffset, src.byteLength);
    srcOf = src;
  }
  if (dst !== dstOf) {
    dstView = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
    dstOf = dst;
  }
  const s = srcView;
  const d = dstView;
  let i = start;
  let o = to;
  for (; i + 4 <= stop; i += 4, o += 4) d.setInt32(o, s.getInt32(i, true), true);
  for (; i < stop; i++, o++) dst[o] = src[i]!;
}
