/**
 * The parse worker of a parallel JSONL import (started by jsonl-split.ts): reads its pieces of the
 * file in order, each canonical tick line read from its bytes and encoded straight into its frame
 * (TickBatchWriter.tickLine: readCanonicalTick with no ts floor), framed with seq 0 into
 * TickBatches, every other line handed over as it is. A batch is a slot
 * of shared memory: the worker fills a free slot, posts its number, and the main thread gives it
 * back once written (transferring a buffer per batch instead cost ~0.1 µs per byte under load).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../errors.js';
import { asciiText, isBlankLine, openInput, type InputSource, type Line, type LineSink } from './input.js';
import { FULL, TICK, TickBatchWriter } from './tick-batch.js';
import type { ParseWorkerCommand, ParseWorkerData, ParseWorkerMessage } from './jsonl-split.js';

const port = parentPort!;
const data = workerData as ParseWorkerData;
/** Text lines longer than this are not tried as ticks (no canonical tick is near it); their UTF-8 fits the scratch. */
const LINE_TEXT_MAX = 1024;
const lineScratch = Buffer.allocUnsafe(3 * LINE_TEXT_MAX);

/** Buffer's own UTF-8 encoder (what write(text, at) calls, without the argument parsing). */
type Utf8Writable = Buffer & { utf8Write(text: string, at: number): number };

/** The slots free to fill (all of them at the start); the main thread gives each back once written. */
const free: number[] = Array.from({ length: data.slotCount }, (_, i) => i);
let wake: (() => void) | null = null;
port.on('message', (c: ParseWorkerCommand) => {
  free.push(c.slot);
  wake?.();
  wake = null;
});

const out = new TickBatchWriter();
let slot = -1;
let piece = 0;
let src: InputSource | null = null;

async function nextSlot(): Promise<void> {
  while (free.length === 0) await new Promise<void>((r) => (wake = r));
  slot = free.shift()!;
  out.begin(Buffer.from(data.slots, slot * data.slotBytes, data.slotBytes));
}

/** Hands the slot being filled over (nothing when it is empty). */
function flush(): void {
  if (slot < 0 || out.empty) return;
  const { bytes, lines } = out.take();
  port.postMessage({ kind: 'batch', piece, slot, bytes, lines, bytesRead: src!.bytesRead } satisfies ParseWorkerMessage);
  slot = -1;
}

/**
 * A line's bytes into the slot being filled: a canonical tick as its frame, a blank line nowhere,
 * any other as a line item (`l`, or one made from the bytes). False when the slot has no room.
 */
function placeBytes(b: Buffer, start: number, stop: number, no: number, l: Line | null): boolean {
  const r = out.tickLine(b, start, stop, no, data.tsUnit);
  if (r === TICK) return true;
  if (r === FULL) return false;
  const line = l ?? { text: asciiText(b, start, stop), no };
  return isBlankLine(line) || out.line(line);
}

/** A line as a Line: its text as bytes to placeBytes; a problem line as a line item. */
function placeLine(l: Line): boolean {
  if (l.problem === undefined && l.text.length <= LINE_TEXT_MAX) {
    return placeBytes(lineScratch, 0, (lineScratch as Utf8Writable).utf8Write(l.text, 0), l.no, l);
  }
  return (l.problem === undefined && isBlankLine(l)) || out.line(l);
}

/**
 * The lines of a batch, placed as they come while the slot has room; from the first that does
 * not fit on, kept (`spill`) for run() to place once it has a new slot.
 */
class WorkerSink implements LineSink {
  lastNo = 0;
  spill: Line[] = [];
  asciiLine(b: Buffer, start: number, stop: number, no: number): void {
    this.lastNo = no;
    if (this.spill.length === 0 && placeBytes(b, start, stop, no, null)) return;
    this.spill.push({ text: asciiText(b, start, stop), no });
  }
  line(l: Line): void {
    this.lastNo = l.no;
    if (this.spill.length === 0 && placeLine(l)) return;
    this.spill.push(l);
  }
}

async function run(): Promise<void> {
  const sink = new WorkerSink();
  for (; piece < data.pieces.length; piece++) {
    const { startBytes, endBytes } = data.pieces[piece]!;
    src = openInput(data.file, undefined, { maxLineBytes: data.maxLineBytes, range: { startBytes, endBytes, linesBefore: 0 } });
    sink.lastNo = 0;
    try {
      for (;;) {
        if (slot < 0) await nextSlot();
        const more = await src.nextInto(sink);
        for (const l of sink.spill) {
          if (placeLine(l)) continue;
          flush();
          await nextSlot();
          // Too big for a whole slot as a tick: the main thread reads the line itself.
          if (!placeLine(l)) out.line(l);
        }
        sink.spill = [];
        flush();
        if (!more) break;
      }
    } finally {
      src.close();
    }
    port.postMessage({ kind: 'end', piece, lines: sink.lastNo } satisfies ParseWorkerMessage);
  }
}

run().catch((e: unknown) => port.postMessage({ kind: 'error', error: toWireError(e) } satisfies ParseWorkerMessage));
