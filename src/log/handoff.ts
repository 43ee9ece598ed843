/**
 * Handing spans of a sealed segment to another reader, so that two threads share one read with
 * each record read, CRC-checked and used by exactly one of them (replay/line-share.ts: export and
 * `replay --max -o` on two cores).
 *
 * The split is decided by offsets up front: `planSpans` cuts a sealed segment at entries of its
 * footer's sparse index (each the start of a unit, with its seq and ts: FORMAT.md §10) into blocks
 * of at least `spanBytes`, and every other block, the cursor's first excepted, is a span the other
 * reader may take. It reads a span with `readSpan`: the walker and scanner every read uses, the
 * same range and type rule (verdict.ts), from the entry's seq and ts, and vouches for it only if
 * the span is plainly good: whole single-frame units that end exactly at the span's end, no record
 * past the read's range. Anything else (damage, a torn or cut unit, an atomic batch, the range's
 * end) and it declines: the cursor then reads the span itself, so errors, problems and their
 * offsets and seqs are always the cursor's own, exactly as in a one-thread read.
 *
 * The cursor (LogCursor with ReadOptions.handoff) stops at each span's start; when it is there
 * between units with the span's seq next and no problem met, it asks `take`, and steps over a span
 * taken with the summary (frames, last seq and ts, the chain over its frames from 0, unknown types
 * skipped): its bookkeeping, the footer's count and chain checks included, is what reading the
 * span would have made of it.
 */
import type { FileOps } from './file-ops.js';
import type { FrameRun } from './format.js';
import { FRAME, UnitScanner } from './scanner.js';
import type { SegmentMeta } from './segment-file.js';
import { ACCEPT, FINISH, recordVerdict, SKIP_UNKNOWN, type RecordRange } from './verdict.js';
import { SegmentWalker } from './walker.js';

/** A span of a sealed segment: file offsets [start, end), its first record's seq and ts (an index entry's). */
export interface Span {
  start: number;
  end: number;
  seq: number;
  tsNs: bigint;
}

/** What a span held, as the reader that read it found it. */
export interface SpanSummary {
  /** Frames (= records: single-frame units) in the span, in range or not. */
  frames: number;
  lastSeq: number;
  lastTs: bigint;
  /** The segment chain (§5.2) over the span's frames, started from 0 (crc32Combine continues it). */
  chain: number;
  /** Records of types the reader does not know, skipped. */
  unknownSkipped: number;
}

/** What a cursor asks of whoever shares its read (ReadOptions.handoff). */
export interface SpanHandoff {
  /** The spans of a sealed segment the cursor reads from `startOffset` (ascending, disjoint, none at `startOffset`). */
  spans(seg: SegmentMeta, startOffset: number): readonly Span[];
  /** The cursor is at `span`'s start: the span's summary if the other reader vouches for it, else null (the cursor reads it). */
  take(span: Span): SpanSummary | null;
}

/**
 * The spans of `seg` for the other reader, reading from `startOffset`: blocks of at least
 * `spanBytes` cut at index entries, every other one from the second on. None for an unsealed
 * segment (no index).
 */
export function planSpans(seg: SegmentMeta, startOffset: number, spanBytes: number): Span[] {
  const f = seg.footer;
  if (!f) return [];
  const cuts: { offsetBytes: number; seq: number; tsNs: bigint }[] = [];
  let last = startOffset;
  for (const e of f.index) {
    if (e.offsetBytes >= last + spanBytes && e.offsetBytes < f.dataEnd) {
      cuts.push(e);
      last = e.offsetBytes;
    }
  }
  const out: Span[] = [];
  // Block k runs from cut k-1 (startOffset for k = 0) to cut k; odd blocks are the other reader's.
  for (let k = 1; k <= cuts.length; k += 2) {
    const c = cuts[k - 1]!;
    out.push({ start: c.offsetBytes, end: k < cuts.length ? cuts[k]!.offsetBytes : f.dataEnd, seq: c.seq, tsNs: c.tsNs });
  }
  return out;
}

/** A read's filters, as readSpan applies them (LogCursor's: known types, range, types). */
export interface SpanFilter extends RecordRange {
  known: ReadonlySet<number> | null;
  types: ReadonlySet<number> | null;
}

/** Receives each record of a span in the read's range (its payload is chunk[payloadStart, payloadEnd), valid during the call). */
export type SpanSink = (type: number, chunk: Buffer, payloadStart: number, payloadEnd: number, seq: number, tsNs: bigint) => void;

/** What readSpan reads with, kept from span to span: a run, and the chunk of the last span (read into again). */
export interface SpanScratch {
  run: FrameRun;
  chunk: Buffer | null;
}

/**
 * Reads `span` of the segment open as `fd`, handing each record in range to `sink`; its summary,
 * or null when the span is not plainly good (see the module comment: the cursor reads it then,
 * and `sink` may have had some of its records: drop them).
 */
export function readSpan(ops: FileOps, fd: number, span: Span, filter: SpanFilter, sink: SpanSink, scratch: SpanScratch, chunkBytes: number): SpanSummary | null {
  const walker = new SegmentWalker(ops, fd, span.start, span.end, chunkBytes, scratch.chunk);
  walker.reuse = true; // sink is done with each payload when it returns
  try {
    return walkSpan(walker, span, filter, sink, scratch.run);
  } finally {
    if (walker.buf.length > 0) scratch.chunk = walker.buf;
  }
}

function walkSpan(walker: SegmentWalker, span: Span, filter: SpanFilter, sink: SpanSink, run: FrameRun): SpanSummary | null {
  const sc = new UnitScanner(walker, { startOffset: span.start, expectedSeq: span.seq, lastTs: span.tsNs, chain: 0, tail: false, follow: false });
  let unknown = 0;
  const one = (type: number, chunk: Buffer, ps: number, pe: number, seq: number, ts: bigint): boolean => {
    const v = recordVerdict(filter, filter.known, filter.types, seq, ts, type);
    if (v === ACCEPT) sink(type, chunk, ps, pe, seq, ts);
    else if (v === SKIP_UNKNOWN) unknown++;
    return v !== FINISH;
  };
  for (;;) {
    const k = sc.run(run);
    if (k > 0) {
      for (let i = 0; i < k; i++) if (!one(run.type[i]!, run.chunk, run.payloadStart[i]!, run.payloadEnd[i]!, run.seq[i]!, run.tsNs[i]!)) return null;
      continue;
    }
    const r = sc.next();
    if (r === FRAME) {
      // A frame of an atomic batch: the cursor reads batches (they are delivered whole or not at all).
      if (!sc.unitDone) return null;
      const v = walker.view;
      if (!one(v.type, walker.buf, v.payloadStart, v.payloadEnd, v.seq, v.tsNs)) return null;
      continue;
    }
    if (r.kind === 'end' && walker.offset === span.end && sc.frames > 0) break;
    return null;
  }
  return { frames: sc.frames, lastSeq: sc.expectedSeq! - 1, lastTs: sc.lastTs!, chain: sc.chain, unknownSkipped: unknown };
}
