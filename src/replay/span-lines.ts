/**
 * The other thread's side of a shared line read (line-share.ts): a span of a sealed segment read
 * (log/handoff.ts readSpan: the walker, scanner and range rule every read uses) and written as JSON
 * lines (writeRecordJson: the one line layout) into a slot of a ring both threads share, with the
 * span's summary, or declined.
 *
 * Everything between the two threads after the start goes through shared memory (SpanRing), with
 * Atomics for waits and wake-ups; no message carries lines. Two measured reasons (1M-tick export):
 * transferring an ArrayBuffer detaches it, and the first detach in an isolate deoptimises all of its
 * typed-array code (V8's detaching protector: the transcoder and frame reader then run with detach
 * checks), and a message wakes the other thread, which on a busy machine the scheduler then often
 * runs in the sender's place (job posts measured at 1-7 ms each).
 */
import { JsonLineWriter } from '../events/json-line-writer.js';
import { transcodeLine } from '../events/json-transcode.js';
import { readSpan, type Span, type SpanFilter, type SpanScratch, type SpanSummary } from '../log/handoff.js';
import { FrameRun } from '../log/format.js';
import { realFileOps, type FileOps } from '../log/file-ops.js';

/**
 * The ring's cells (an Int32Array), read and written with Atomics:
 * - SPAN_CLAIM: the highest span id either thread has claimed (each id is read by the one that
 *   claims it: the worker before it starts a span, the main thread when it reaches one unclaimed);
 * - SPAN_DONE: the id of the span the worker finished last (its slot is filled);
 * - SPAN_FREE: the lowest span id whose slot the main thread may still read (the worker fills
 *   span id only when id < SPAN_FREE + slots);
 * - SPAN_WANT: while the worker waits for a slot, the SPAN_FREE it waits for (the main thread wakes
 *   it only then: a wake-up per span would cost a context switch per span on a busy machine);
 * - SPAN_CLOSED: 1 once the main thread is done.
 */
export const SPAN_CLAIM = 0;
export const SPAN_DONE = 1;
export const SPAN_FREE = 2;
export const SPAN_WANT = 3;
export const SPAN_CLOSED = 4;
const SPAN_CELLS = 5;

/** Claims span `id` (ids are claimed in rising order); false if it was claimed already (by the other thread). */
export function claimSpan(cells: Int32Array, id: number): boolean {
  for (;;) {
    const c = Atomics.load(cells, SPAN_CLAIM);
    if (c >= id) return false;
    if (Atomics.compareExchange(cells, SPAN_CLAIM, c, id) === c) return true;
  }
}

/** A slot's lines: 2 MiB (a 256 KiB span of ticks makes ~0.5 MiB); a span whose lines do not fit is declined. */
export const SLOT_BYTES = 2 << 20;
/** Lines a slot holds at most (a line is at least ~60 bytes). */
export const SLOT_LINES = 32 * 1024;
/** A slot's summary: id, n, bytes, frames, lastSeq, chain, unknownSkipped, ok (Float64Array), and lastTs (BigInt64Array). */
const META = 8;

/** The shared memory of a shared line read: cells, and `slots` slots of lines (span id lives in slot id % slots). */
export interface SpanRingData {
  slots: number;
  cells: SharedArrayBuffer;
  meta: SharedArrayBuffer;
  lastTs: SharedArrayBuffer;
  ends: SharedArrayBuffer;
  tags: SharedArrayBuffer;
  bytes: SharedArrayBuffer;
}

export function newSpanRing(slots: number): SpanRingData {
  return {
    slots,
    cells: new SharedArrayBuffer(4 * SPAN_CELLS),
    meta: new SharedArrayBuffer(8 * META * slots),
    lastTs: new SharedArrayBuffer(8 * slots),
    ends: new SharedArrayBuffer(4 * SLOT_LINES * slots),
    tags: new SharedArrayBuffer(SLOT_LINES * slots),
    bytes: new SharedArrayBuffer(SLOT_BYTES * slots),
  };
}

/** A span's lines (views into its slot): line i is bytes[ends[i - 1] ?? 0 .. ends[i]), of type tag tags[i]; summary null: declined. */
export interface SpanLines {
  id: number;
  n: number;
  bytes: Buffer;
  ends: Uint32Array;
  tags: Uint8Array;
  summary: SpanSummary | null;
}

/** Views of a ring, on either thread. */
export class SpanRing {
  readonly cells: Int32Array;
  private readonly meta: Float64Array;
  private readonly lastTs: BigInt64Array;
  private readonly ends: Uint32Array;
  private readonly tags: Uint8Array;
  private readonly bytes: Buffer;
  readonly slots: number;

  constructor(readonly data: SpanRingData) {
    this.slots = data.slots;
    this.cells = new Int32Array(data.cells);
    this.meta = new Float64Array(data.meta);
    this.lastTs = new BigInt64Array(data.lastTs);
    this.ends = new Uint32Array(data.ends);
    this.tags = new Uint8Array(data.tags);
    this.bytes = Buffer.from(data.bytes);
  }

  /** Slot `s`'s bytes, ends and tags (for the writer). */
  slotBytes(s: number): Buffer {
    return this.bytes.subarray(s * SLOT_BYTES, (s + 1) * SLOT_BYTES);
  }

  slotEnds(s: number): Uint32Array {
    return this.ends.subarray(s * SLOT_LINES, (s + 1) * SLOT_LINES);
  }

  slotTags(s: number): Uint8Array {
    return this.tags.subarray(s * SLOT_LINES, (s + 1) * SLOT_LINES);
  }

  /** Records span `id`'s outcome in its slot (before SPAN_DONE moves to it). */
  fill(id: number, n: number, length: number, summary: SpanSummary | null): void {
    const s = id % this.slots;
    const m = this.meta;
    const o = s * META;
    m[o] = id;
    m[o + 1] = n;
    m[o + 2] = length;
    m[o + 7] = summary === null ? 0 : 1;
    if (summary !== null) {
      m[o + 3] = summary.frames;
      m[o + 4] = summary.lastSeq;
      m[o + 5] = summary.chain;
      m[o + 6] = summary.unknownSkipped;
      this.lastTs[s] = summary.lastTs;
    }
  }

  /** Span `id`'s lines (its slot must hold it: after SPAN_DONE reached it); null if the slot holds another span. */
  lines(id: number): SpanLines | null {
    const s = id % this.slots;
    const m = this.meta;
    const o = s * META;
    if (m[o] !== id) return null;
    const n = m[o + 1]!;
    const summary: SpanSummary | null = m[o + 7] === 1 ? { frames: m[o + 3]!, lastSeq: m[o + 4]!, lastTs: this.lastTs[s]!, chain: m[o + 5]!, unknownSkipped: m[o + 6]! } : null;
    return { id, n, bytes: this.slotBytes(s).subarray(0, m[o + 2]!), ends: this.slotEnds(s).subarray(0, n), tags: this.slotTags(s).subarray(0, n), summary };
  }
}

/** What span-worker.ts is started with. */
export interface SpanWorkerData {
  ring: SpanRingData;
  filter: SpanFilterData;
  iso: boolean;
  chunkBytes: number;
}

/** What the main thread sends its span worker. */
export type SpanWorkerCommand = { kind: 'jobs'; jobs: SpanJob[] } | { kind: 'close' };

/** One span to read: its segment file and offsets; `id`s rise through a read (they order claims and name slots). */
export interface SpanJob {
  id: number;
  file: string;
  span: Span;
}

/** A read's filters as they cross to a worker (plain arrays): SpanFilter's sets rebuilt by spanFilterOf. */
export interface SpanFilterData {
  fromSeq?: number;
  fromTs?: bigint;
  toSeq?: number;
  toTs?: bigint;
  known: number[] | null;
  types: number[] | null;
}

export function spanFilterOf(d: SpanFilterData): SpanFilter {
  return { fromSeq: d.fromSeq, fromTs: d.fromTs, toSeq: d.toSeq, toTs: d.toTs, known: d.known ? new Set(d.known) : null, types: d.types ? new Set(d.types) : null };
}

/**
 * Writes a record's line into `out` (newline-ended); false if it cannot (the span is then declined,
 * and the main thread writes it its own way). `transcodeOnly` is the worker's for decimal-ns lines:
 * the transcoder alone, so the worker never loads the event codec and msgpackr (~40 ms of its start);
 * the rare payload outside the transcoder's subset declines its span. ISO lines need the decoder:
 * EventCursor's writeRecordJson (events/recording.ts).
 */
export type LineMaker = (out: JsonLineWriter, type: number, chunk: Buffer, payloadStart: number, payloadEnd: number, seq: number, tsNs: bigint) => boolean;

export const transcodeOnly: LineMaker = (out, type, chunk, ps, pe, seq, ts) => transcodeLine(out, type, chunk, ps, pe, seq, ts, true);

/** ISO lines through `write` (writeRecordJson, passed in so this module does not load the codec). */
export function isoLine(write: (out: JsonLineWriter, type: number, chunk: Buffer, ps: number, pe: number, seq: number, ts: bigint, iso: boolean, newline: boolean) => unknown): LineMaker {
  return (out, type, chunk, ps, pe, seq, ts) => {
    write(out, type, chunk, ps, pe, seq, ts, true, true);
    return true;
  };
}

/** Reads spans into the slots of a ring; keeps each segment file it read open until close(). */
export class SpanLineReader {
  private readonly fds = new Map<string, number>();
  private readonly scratch: SpanScratch = { run: new FrameRun(1024), chunk: null };
  private readonly filter: SpanFilter;
  /** One writer per slot, over the slot's bytes (it grows out of them only when a span's lines do not fit). */
  private readonly writers: JsonLineWriter[] = [];

  constructor(
    private readonly ring: SpanRing,
    filter: SpanFilterData,
    private readonly line: LineMaker,
    private readonly chunkBytes = 1 << 20,
    private readonly ops: FileOps = realFileOps,
  ) {
    this.filter = spanFilterOf(filter);
  }

  /** Reads `job` into its slot: its lines, or its refusal (damage, a batch, the range's end, a line it cannot make, lines that do not fit, a file that cannot be read). */
  read(job: SpanJob): void {
    const ring = this.ring;
    const s = job.id % ring.slots;
    const slot = ring.slotBytes(s);
    const out = (this.writers[s] ??= new JsonLineWriter(0));
    out.buf = slot;
    out.clear();
    const ends = ring.slotEnds(s);
    const tags = ring.slotTags(s);
    const line = this.line;
    let n = 0;
    let fits = true;
    const sink = (type: number, chunk: Buffer, ps: number, pe: number, seq: number, ts: bigint): void => {
      if (!fits) return;
      if (!line(out, type, chunk, ps, pe, seq, ts) || n === SLOT_LINES || out.buf !== slot) {
        fits = false;
        return;
      }
      ends[n] = out.length;
      tags[n] = type; // a record's type is its event type's tag
      n++;
    };
    let summary: SpanSummary | null = null;
    try {
      summary = readSpan(this.ops, this.fdOf(job.file), job.span, this.filter, sink, this.scratch, this.chunkBytes);
    } catch {
      summary = null; // the cursor reads it, and meets (and reports) whatever this was
    }
    if (!fits) summary = null;
    ring.fill(job.id, summary === null ? 0 : n, summary === null ? 0 : out.length, summary);
    out.buf = slot;
    out.clear();
  }

  private fdOf(file: string): number {
    let fd = this.fds.get(file);
    if (fd === undefined) {
      fd = this.ops.openSync(file, 'r');
      this.fds.set(file, fd);
    }
    return fd;
  }

  close(): void {
    for (const fd of this.fds.values()) this.ops.closeSync(fd);
    this.fds.clear();
  }
}
