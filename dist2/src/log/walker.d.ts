/**
 * Walks the frames of one segment file in bounded chunks. Each refill allocates a fresh chunk, so
 * payload views handed out earlier stay valid; memory is bounded by the chunk size plus what the
 * caller keeps.
 */
import type { FileOps } from './file-ops.js';
import { FrameView } from './format.js';
export declare const DEFAULT_CHUNK_BYTES: number;
export declare class SegmentWalker {
    private readonly ops;
    private readonly fd;
    /** Where frame data ends (a sealed segment's dataEnd); null: the file's current size. */
    private limit;
    private readonly chunkBytes;
    buf: Buffer;
    private bufStart;
    private bufLen;
    private pos;
    private reads;
    constructor(ops: FileOps, fd: number, startOffset: number, 
    /** Where frame data ends (a sealed segment's dataEnd); null: the file's current size. */
    limit: number | null, chunkBytes?: number);
    /** File offset of the next frame. */
    get offset(): number;
    /**
     * Sets where frame data ends. Bytes already buffered past the new limit are forgotten: when a
     * writer seals the segment being followed, the footer bytes a follower already read must never
     * be parsed as frames.
     */
    setLimit(limit: number | null): void;
    dataEnd(): number;
    /** The frame (or ending) at the current position, decoded into `this.view`, which is reused. */
    readonly view: FrameView;
    /** The next outcome, in `this.view`; frame offsets (payloadStart/End, next) index into `this.buf`. */
    next(): FrameView;
    /** Moves to a file offset (after a resync); the next frame is read from there. */
    seek(offsetBytes: number): void;
    /**
     * Searches forward from `fromOffset` for the next offset holding a whole frame whose CRC is valid
     * and whose seq is at least `minSeq`. Used to tell a torn tail from mid-log corruption, and by
     * the skip policy to salvage what follows a bad record. Returns -1 when there is none.
     */
    findNextValidFrame(fromOffset: number, minSeq: number): number;
    private refill;
}
