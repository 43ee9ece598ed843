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
import { FLAG_BATCH_CONT } from './format.js';
/** One frame accepted, in the walker's view; `unitDone` says whether it completes its unit. */
export const FRAME = 'frame';
export class UnitScanner {
    walker;
    expectedSeq;
    lastTs;
    chain;
    /** Frames accepted (complete units and the open one). */
    frames = 0;
    /** End of the last complete unit, its seq after, chain and last ts: where a cut goes. */
    goodEnd;
    goodSeq;
    goodChain;
    goodLastTs;
    goodFrames = 0;
    /** Start offset and frame count of the open (incomplete) unit. */
    unitStart;
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
    tail;
    follow;
    resynced = false;
    constructor(walker, start) {
        this.walker = walker;
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
    get view() {
        return this.walker.view;
    }
    /** The next accepted frame (FRAME, read it from `view`), or an ending. */
    next() {
        const w = this.walker;
        const at = w.offset;
        const out = w.next();
        if (out.kind === 'frame') {
            this.frameOffset = at;
            if (this.expectedSeq !== null && out.seq !== this.expectedSeq) {
                return this.stop(at, `seq ${out.seq} where ${this.expectedSeq} was expected`, 'order');
            }
            if (this.lastTs !== null && out.tsNs < this.lastTs)
                return this.stop(at, `timestamp ${out.tsNs} goes back from ${this.lastTs}`, 'order');
            this.take(out);
            return FRAME;
        }
        if (out.kind === 'end') {
            if (this.unitFrames > 0) {
                if (this.follow && this.tail)
                    return { kind: 'pause' };
                return this.stop(at, this.tail ? 'an atomic batch never completed' : 'an atomic batch is cut by the end of the segment', 'batch');
            }
            return this.follow && this.tail ? { kind: 'pause' } : { kind: 'end' };
        }
        const reason = out.kind === 'zeros' ? 'zero bytes where a frame should be' : out.reason;
        return this.stop(at, reason, 'frame');
    }
    /** Takes a well-formed frame that an 'order' ending stopped at (verify reads on from it). */
    acceptOutOfOrder() {
        this.take(this.walker.view);
    }
    take(out) {
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
    stop(at, reason, what) {
        const minSeq = this.goodSeq ?? 0;
        const laterValid = this.walker.findNextValidFrame(at + 1, minSeq) >= 0;
        if (this.tail && !laterValid) {
            // A following reader waits: the writer may still be completing this frame or batch.
            if (this.follow)
                return { kind: 'pause' };
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
    resync(fromOffset) {
        const resume = this.walker.findNextValidFrame(fromOffset + 1, this.goodSeq ?? 0);
        this.unitFrames = 0;
        this.expectedSeq = null;
        this.resynced = true;
        if (resume < 0)
            return -1;
        this.walker.seek(resume);
        this.goodEnd = resume;
        return resume;
    }
}
//# sourceMappingURL=scanner.js.map