/**
 * The one scanner: turns the frames of one segment into whole units (a single record, or one
 * complete atomic batch) and ends with a typed ending. Writer recovery, every reader (cursor,
 * stream, follow), `verify` and `repair` are its clients; they differ only in what they do with
 * an ending (see recovery-table.ts), never in how it is found.
 *
 * Endings:
 * - `end`: the data ends right after a complete unit.
 * - `pause`: following a live tail, the data stops here for now (more may be appended).
 * - `torn{offsetBytes}`: the last, unsealed segment stops before its end (a partial or garbage
 *   frame, zeros, an open batch) and no CRC-valid frame with seq >= `goodSeq` follows anywhere
 *   after the stop. `offsetBytes` is `goodEnd`, the end of the last complete unit: a crash mid-write.
 * - `corrupt{offsetBytes, reason}`: anything else that stops the frames: a bad frame in a sealed
 *   or non-last segment, or one in the tail with a valid frame after it.
 *
 * The single definition of "may be torn": the segment is the tail (last and unsealed), the reader
 * is not following it, and no CRC-valid frame whose seq is at least `goodSeq` (the first seq of the
 * unit that did not complete) lies after the stop.
 */
import { chainUpdate } from './crc.js';
import { FLAG_BATCH_CONT, type FrameRun, type FrameView } from './format.js';
import type { SegmentWalker } from './walker.js';

export type ScanEnding =
  | { kind: 'end' }
  | { kind: 'pause' }
  | { kind: 'torn'; offsetBytes: number; bytes: number; seq: number; reason: string }
  | {
      kind: 'corrupt';
      offsetBytes: number;
      seq: number | undefined;
      reason: string;
      /** 'order': a well-formed frame with the wrong seq or a ts going back (the view holds it). */
      what: 'frame' | 'order' | 'batch';
    };

export interface ScannerStart {
  /** Where the frames being scanned start (64, or a sparse index entry's offset). */
  startOffset: number;
  /** The seq the first frame must have; null: take the first frame's seq (after a resync). */
  expectedSeq: number | null;
  /** Frames must not go back from this ts; null: no bound yet. */
  lastTs: bigint | null;
  /** The chain checksum before the first frame. */
  chain: number;
  /** The last segment, unsealed: a stop may be a torn tail. */
  tail: boolean;
  /** Following a live tail: a stop is a pause, unless a valid frame after it proves corruption. */
  follow: boolean;
}

/** One frame accepted, in the walker's view; `unitDone` says whether it completes its unit. */
export const FRAME = 'frame' as const;

export class UnitScanner {
  expectedSeq: number | null;
  lastTs: bigint | null;
  chain: number;
  /** Frames accepted (complete units and the open one). */
  frames = 0;
  /** End of the last complete unit, its seq after, chain and last ts: where a cut goes. */
  goodEnd: number;
  goodSeq: number | null;
  goodChain: number;
  goodLastTs: bigint | null;
  goodFrames = 0;
  /** Start offset and frame count of the open (incomplete) unit. */
  unitStart: number;
  unitFrames = 0;
  /** True right after a frame that completes a unit. */
  unitDone = false;
  /**
   * The open unit began before a resync: its first frames were lost to damage. When it completes
   * (unitDone) the caller must drop it whole, never deliver part of a batch.
   */
  partialUnit = false;
  /** File offset of the frame last returned. */
  frameOffset = 0;
  tail: boolean;
  follow: boolean;
  private resynced = false;

  constructor(
    readonly walker: SegmentWalker,
    start: ScannerStart,
  ) {
    this.expectedSeq = start.expectedSeq;
    this.lastTs = start.lastTs;
    this.chain = start.chain;
    this.goodEnd = start.startOffset;
    this.goodSeq = start.expectedSeq;
    this.goodChain = start.chain;
    this.goodLastTs = start.lastTs;
    this.unitStart = start.startOffset;
    this.tail = start.tail;
    this.follow = start.follow;
  }

  get view(): FrameView {
    return this.walker.view;
  }

  /** The next accepted frame (FRAME, read it from `view`), or an ending. */
  next(): typeof FRAME | ScanEnding {
    const w = this.walker;
    const at = w.offset;
    const out = w.next();
    if (out.kind === 'frame') {
      this.frameOffset = at;
      if (this.expectedSeq !== null && out.seq !== this.expectedSeq) {
        return this.stop(at, `seq ${out.seq} where ${this.expectedSeq} was expected`, 'order');
      }
      if (this.lastTs !== null && out.tsNs < this.lastTs) return this.stop(at, `timestamp ${out.tsNs} goes back from ${this.lastTs}`, 'order');
      this.take(out);
      return FRAME;
    }
    if (out.kind === 'end') {
      if (this.unitFrames > 0) {
        if (this.follow && this.tail) return { kind: 'pause' };
        return this.stop(at, this.tail ? 'an atomic batch never completed' : 'an atomic batch is cut by the end of the segment', 'batch');
      }
      return this.follow && this.tail ? { kind: 'pause' } : { kind: 'end' };
    }
    const reason = out.kind === 'zeros' ? 'zero bytes where a frame should be' : out.reason;
    return this.stop(at, reason, 'frame');
  }

  /**
   * Accepts a run of whole single-frame units from the chunk the walker holds (walker.runInto):
   * what `next()` would accept one FRAME at a time, each completing its unit, with the same
   * bookkeeping. Only between units and with seq continuity established (not right after a
   * resync); 0 otherwise, or when the next frame is for `next()` to judge.
   */
  run(run: FrameRun): number {
    if (this.unitFrames !== 0 || this.resynced || this.expectedSeq === null) return 0;
    const w = this.walker;
    const k = w.runInto(run, this.expectedSeq, this.lastTs);
    if (k === 0) return 0;
    let chain = this.chain;
    const crcs = run.crc;
    for (let i = 0; i < k; i++) chain = chainUpdate(chain, crcs[i]!);
    this.chain = this.goodChain = chain;
    this.expectedSeq = this.goodSeq = this.expectedSeq + k;
    this.lastTs = this.goodLastTs = run.tsNs[k - 1]!;
    this.frames += k;
    this.goodFrames = this.frames;
    this.frameOffset = this.unitStart = w.fileOffsetOf(run.lastFrameAt);
    this.goodEnd = w.offset;
    this.unitDone = true;
    this.partialUnit = false;
    return k;
  }

  /**
   * Steps over `frames` whole single-frame units, from the current position (between units) to
   * `endOffset`, that another reader checked with the same rules (log/handoff.ts): the bookkeeping
   * reading them here would have done, from what that reader found (their last seq and ts, and
   * `chain`, the running chain after them). The walker reads on from `endOffset`.
   */
  skipChecked(endOffset: number, frames: number, lastSeq: number, lastTs: bigint, chain: number): void {
    this.walker.seek(endOffset);
    this.expectedSeq = this.goodSeq = lastSeq + 1;
    this.lastTs = this.goodLastTs = lastTs;
    this.chain = this.goodChain = chain;
    this.frames += frames;
    this.goodFrames = this.frames;
    this.goodEnd = this.unitStart = endOffset;
    this.unitDone = true;
    this.partialUnit = false;
  }

  /** Takes a well-formed frame that an 'order' ending stopped at (verify reads on from it). */
  acceptOutOfOrder(): void {
    this.take(this.walker.view);
  }

  private take(out: FrameView): void {
    if (this.unitFrames === 0) {
      this.unitStart = this.frameOffset;
      // After a resync, the first frame starts a unit only if it is exactly where the last complete
      // unit ended; otherwise frames before it were lost and it may continue a damaged batch.
      this.partialUnit = this.resynced && out.seq !== this.goodSeq;
      this.resynced = false;
    }
    this.expectedSeq = out.seq + 1;
    this.lastTs = out.tsNs;
    this.chain = chainUpdate(this.chain, out.crc);
    this.frames++;
    this.unitFrames++;
    this.unitDone = (out.flags & FLAG_BATCH_CONT) === 0;
    if (this.unitDone) {
      this.goodEnd = this.walker.offset;
      this.goodSeq = this.expectedSeq;
      this.goodChain = this.chain;
      this.goodLastTs = this.lastTs;
      this.goodFrames = this.frames;
      this.unitFrames = 0;
    }
  }

  /** The one place that tells a torn tail from corruption. */
  private stop(at: number, reason: string, what: 'frame' | 'order' | 'batch'): ScanEnding {
    const minSeq = this.goodSeq ?? 0;
    const laterValid = this.walker.findNextValidFrame(at + 1, minSeq) >= 0;
    if (this.tail && !laterValid) {
      // A following reader waits: the writer may still be completing this frame or batch.
      if (this.follow) return { kind: 'pause' };
      return { kind: 'torn', offsetBytes: this.goodEnd, bytes: this.walker.dataEnd() - this.goodEnd, seq: minSeq, reason };
    }
    const seq = what === 'order' ? this.walker.view.seq : this.expectedSeq ?? undefined;
    return { kind: 'corrupt', offsetBytes: what === 'batch' ? this.unitStart : at, seq, reason, what };
  }

  /**
   * After corruption, moves to the next CRC-valid frame past `fromOffset` and re-establishes seq
   * continuity from it. The open unit is dropped. Returns the resume offset, or -1 when nothing
   * valid follows in this segment. Whether the resumed frame starts a unit is the caller's call
   * (see `skipUntilUnitStart`).
   */
  resync(fromOffset: number): number {
    const resume = this.walker.findNextValidFrame(fromOffset + 1, this.goodSeq ?? 0);
    this.unitFrames = 0;
    this.expectedSeq = null;
    this.resynced = true;
    if (resume < 0) return -1;
    this.walker.seek(resume);
    this.goodEnd = resume;
    return resume;
  }

}
