/**
 * The parse worker of a parallel JSONL import (started by jsonl-split.ts): reads its pieces of the
 * file in order, each canonical tick line read (readCanonicalTick, with no ts floor), encoded
 * (encodeTickInto) and framed with seq 0 into TickBatches, every other line handed over as it is. A batch is a slot
 * of shared memory: the worker fills a free slot, posts its number, and the main thread gives it
 * back once written (transferring a buffer per batch instead cost ~0.1 µs per byte under load).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../errors.js';
import { encodeTickInto } from '../events/fast-encode.js';
import type { TickEvent } from '../events/types.js';
import { readCanonicalTick, scratchTick } from './canonical-tick.js';
import { isBlankLine, openInput, type InputSource } from './input.js';
import { TickBatchWriter } from './tick-batch.js';
import type { ParseWorkerCommand, ParseWorkerData, ParseWorkerMessage } from './jsonl-split.js';

const port = parentPort!;
const data = workerData as ParseWorkerData;
const NO_FLOOR = -(1n << 63n);

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

async function run(): Promise<void> {
  const tick = scratchTick();
  // The plain-tick encoder alone (what eventPayloadEncoder runs first for a tick): a tick it
  // declines (NOT_PLAIN, also for too little room) goes to the main thread as a line, so the
  // worker loads neither msgpackr nor the codec.
  const encode = (buf: Buffer, start: number, end: number): number => encodeTickInto(tick as unknown as TickEvent, buf, start, end);
  for (; piece < data.pieces.length; piece++) {
    const { startBytes, endBytes } = data.pieces[piece]!;
    src = openInput(data.file, undefined, { maxLineBytes: data.maxLineBytes, range: { startBytes, endBytes, linesBefore: 0 } });
    let lines = 0;
    try {
      for (let b = await src.nextLines(); b !== null; b = await src.nextLines()) {
        for (const l of b) {
          if (slot < 0) await nextSlot();
          if (l.problem === undefined) {
            if (isBlankLine(l)) continue;
            if (readCanonicalTick(l.text, tick, data.tsUnit, NO_FLOOR)) {
              if (out.tick(tick.ts, l.no, l.text, encode)) continue;
              if (!out.empty) {
                flush();
                await nextSlot();
                if (out.tick(tick.ts, l.no, l.text, encode)) continue;
              }
              // Too big for a whole slot: the main thread reads the line itself.
            }
          }
          if (!out.line(l)) {
            flush();
            await nextSlot();
            out.line(l);
          }
        }
        lines = b[b.length - 1]!.no;
        flush();
      }
    } finally {
      src.close();
    }
    port.postMessage({ kind: 'end', piece, lines } satisfies ParseWorkerMessage);
  }
}

run().catch((e: unknown) => port.postMessage({ kind: 'error', error: toWireError(e) } satisfies ParseWorkerMessage));
