import { type FrameView } from './format.js';
import type { SegmentWalker } from './walker.js';
export type ScanEnding = {
    kind: 'end';
} | {
    kind: 'pause';
} | {
    kind: 'torn';
    offsetBytes: number;
    bytes: number;
    seq: number;
    reason: string;
} | {
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
export declare const FRAME: "frame";
export declare class UnitScanner {
    readonly walker: SegmentWalker;
    expectedSeq: number | null;
    lastTs: bigint | null;
    chain: number;
    /** Frames accepted (complete units and the open one). */
    frames: number;
    /** End of the last complete unit, its seq after, chain and last ts: where a cut goes. */
    goodEnd: number;
    goodSeq: number | null;
    goodChain: number;
    goodLastTs: bigint | null;
    goodFrames: number;
    /** Start offset and frame count of the open (incomplete) unit. */
    unitStart: number;
    unitFrames: number;
    /** True right after a frame that completes a unit. */
    unitDone: boolean;
    /**
     * The open unit began before a resync: its first frames were lost to damage. When it completes
     * (unitDone) the caller must drop it whole, never deliver part of a batch.
     */
    partialUnit: boolean;
    /** File offset of the frame last returned. */
    frameOffset: number;
    tail: boolean;
    follow: boolean;
    private resynced;
    constructor(walker: SegmentWalker, start: ScannerStart);
    get view(): FrameView;
    /** The next accepted frame (FRAME, read it from `view`), or an ending. */
    next(): typeof FRAME | ScanEnding;
    /** Takes a well-formed frame that an 'order' ending stopped at (verify reads on from it). */
    acceptOutOfOrder(): void;
    private take;
    /** The one place that tells a torn tail from corruption. */
    private stop;
    /**
     * After corruption, moves to the next CRC-valid frame past `fromOffset` and re-establishes seq
     * continuity from it. The open unit is dropped. Returns the resume offset, or -1 when nothing
     * valid follows in this segment. Whether the resumed frame starts a unit is the caller's call
     * (see `skipUntilUnitStart`).
     */
    resync(fromOffset: number): number;
}
