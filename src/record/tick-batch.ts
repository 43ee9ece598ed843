/**
 * The batches a JSONL parse worker hands the main thread (see jsonl-split.ts): the lines of one
 * piece of the input, in order, each either a canonical tick already read and encoded, or a line
 * left to the main thread. Items back to back in one transferable buffer:
 *
 *   tick:  u8 0 | i64 tsNs (LE) | u32 lineNo | u16 payloadBytes | u32 textBytes | payload | text
 *   other: u8 1 | u32 index into the batch's `lines` (the Line as the splitter made it)
 *
 * lineNo counts from the piece's start (1-based); the main thread adds the lines before it. A
 * tick's text (printable ASCII, so latin1 is its exact text) travels with it because the main
 * thread may still have to take the general path for it: the worker does not know the ts the
 * recording is at when the line's turn comes (see Recorder.acceptsParsedTick).
 */
import type { Line } from './input.js';

/** Buffer's own latin1 encoder (what write(text, at, 'latin1') calls, without the argument parsing). */
type Latin1Writable = Buffer & { latin1Write(text: string, at: number): number };

export const ITEM_TICK = 0;
export const ITEM_LINE = 1;
/** Bytes of a tick item before its payload. */
export const TICK_HEAD_BYTES = 1 + 8 + 4 + 2 + 4;
export const LINE_ITEM_BYTES = 1 + 4;

export interface TickBatch {
  /** The slot's bytes (a view of shared memory: the worker fills a slot, the main thread reads it). */
  buf: Uint8Array;
  /** Bytes of buf used. */
  bytes: number;
  lines: Line[];
}

/** Where the reader of a batch is and what the last tick item held. */
export class TickBatchReader {
  private view: DataView;
  private u8: Uint8Array;
  private end: number;
  private lines: Line[];
  pos = 0;
  tsNs = 0n;
  lineNo = 0;
  payloadStart = 0;
  payloadEnd = 0;
  textBytes = 0;
  /** The line of the last `other` item. */
  line: Line | null = null;

  constructor(b: TickBatch) {
    this.view = new DataView(b.buf.buffer, b.buf.byteOffset, b.bytes);
    this.u8 = b.buf;
    this.end = b.bytes;
    this.lines = b.lines;
  }

  /** The next item's kind (ITEM_TICK, ITEM_LINE), or -1 at the end. */
  next(): number {
    const p = this.pos;
    if (p >= this.end) return -1;
    const v = this.view;
    if (this.u8[p] === ITEM_LINE) {
      this.line = this.lines[v.getUint32(p + 1, true)]!;
      this.pos = p + LINE_ITEM_BYTES;
      return ITEM_LINE;
    }
    this.tsNs = v.getBigInt64(p + 1, true);
    this.lineNo = v.getUint32(p + 9, true);
    const n = v.getUint16(p + 13, true);
    this.textBytes = v.getUint32(p + 15, true);
    this.payloadStart = p + TICK_HEAD_BYTES;
    this.payloadEnd = this.payloadStart + n;
    this.pos = this.payloadEnd + this.textBytes;
    return ITEM_TICK;
  }

  /** The bytes of the batch (payloads are copied out of it). */
  get bytes(): Uint8Array {
    return this.u8;
  }

  /** The last tick item's line text. */
  text(): string {
    return Buffer.from(this.u8.buffer, this.u8.byteOffset + this.payloadEnd, this.textBytes).toString('latin1');
  }
}

/** Fills one slot at a time with items; the caller hands the slot over when full. */
export class TickBatchWriter {
  private buf: Buffer = Buffer.alloc(0);
  private view = new DataView(this.buf.buffer, 0, 0);
  private used = 0;
  private lines: Line[] = [];

  /** Starts filling `buf` (a slot). */
  begin(buf: Buffer): void {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    this.used = 0;
    this.lines = [];
  }

  get empty(): boolean {
    return this.used === 0;
  }

  /**
   * A tick: `encode` writes its payload into buf[start, end) and returns where it ends or -1 (no
   * room). False when it does not fit in what is left of the slot.
   */
  tick(tsNs: bigint, lineNo: number, text: string, encode: (buf: Buffer, start: number, end: number) => number): boolean {
    const at = this.used;
    const payloadStart = at + TICK_HEAD_BYTES;
    // The text must fit after the payload: keep its room out of the payload's.
    const limit = this.buf.length - text.length;
    if (limit <= payloadStart) return false;
    const stop = encode(this.buf, payloadStart, Math.min(limit, payloadStart + 0xffff));
    if (stop < 0) return false;
    const v = this.view;
    this.buf[at] = ITEM_TICK;
    v.setBigInt64(at + 1, tsNs, true);
    v.setUint32(at + 9, lineNo, true);
    v.setUint16(at + 13, stop - payloadStart, true);
    v.setUint32(at + 15, text.length, true);
    this.used = stop + (this.buf as Latin1Writable).latin1Write(text, stop);
    return true;
  }

  /** A line the main thread reads itself; false when the slot is full. */
  line(l: Line): boolean {
    if (this.buf.length - this.used < LINE_ITEM_BYTES) return false;
    this.buf[this.used] = ITEM_LINE;
    this.view.setUint32(this.used + 1, this.lines.length, true);
    this.used += LINE_ITEM_BYTES;
    this.lines.push(l);
    return true;
  }

  /** What the slot holds (the slot is then the reader's until it is given back). */
  take(): { bytes: number; lines: Line[] } {
    const out = { bytes: this.used, lines: this.lines };
    this.used = 0;
    this.lines = [];
    return out;
  }
}
