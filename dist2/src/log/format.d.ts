export declare function writeI64(b: Buffer, offset: number, v: bigint): void;
export declare function readI64(b: Buffer, offset: number): bigint;
export declare const FORMAT_VERSION = 1;
export declare const HEADER_BYTES = 64;
export declare const FRAME_PREFIX_BYTES = 22;
export declare const FRAME_OVERHEAD_BYTES = 26;
export declare const FRAME_MIN_LENGTH = 18;
/** A length above this is never trusted, so a flipped length can never make a reader allocate gigabytes. */
export declare const FRAME_MAX_PAYLOAD_BYTES: number;
export declare const INDEX_ENTRY_BYTES = 24;
export declare const TRAILER_BYTES = 72;
export declare const HEADER_MAGIC = 1196639316;
export declare const TRAILER_MAGIC = 1413891156;
export declare const INT64_MIN: bigint;
export declare const INT64_MAX: bigint;
/** Frame flag: more frames of the same atomic batch follow this one. */
export declare const FLAG_BATCH_CONT = 1;
export interface SegmentHeader {
    formatVersion: number;
    userVersion: number;
    segmentNo: number;
    firstSeq: number;
    /** ts of the previous segment's last record, INT64_MIN for the first segment of a log. */
    prevLastTs: bigint;
    /** The running chain checksum at the end of the previous segment (0 for the first). */
    prevChain: number;
    /** The recording id (32 hex digits, bytes 44..59); all zeros when the writer was given none. */
    recordingId?: string;
}
export interface IndexEntry {
    seq: number;
    tsNs: bigint;
    offsetBytes: number;
}
export interface SegmentTrailer {
    recordCount: number;
    firstSeq: number;
    /** firstSeq - 1 when the segment holds no records. */
    lastSeq: number;
    firstTs: bigint;
    lastTs: bigint;
    dataEnd: number;
    chain: number;
    index: IndexEntry[];
}
export declare function encodeHeader(h: SegmentHeader): Buffer;
/** Returns the header, or a reason string when the bytes are not a valid header. */
export declare function decodeHeader(b: Buffer): SegmentHeader | string;
/** Writes one frame at `offset` in `target` (which must have room) and returns its CRC. */
export declare function writeFrame(target: Buffer, offset: number, type: number, flags: number, seq: number, tsNs: bigint, payload: Uint8Array): number;
export declare function frameBytes(payloadBytes: number): number;
export declare function readSeq(b: Buffer, offset: number): number;
/**
 * What the bytes at a position hold. Expected endings are values, not exceptions:
 * a whole frame, the clean end of the data, an incomplete frame cut by the end of the data
 * (torn, when it is the tail), or a frame that cannot be right (corrupt).
 */
export type FrameOutcome = {
    kind: 'frame';
    type: number;
    flags: number;
    seq: number;
    tsNs: bigint;
    payloadStart: number;
    payloadEnd: number;
    crc: number;
    next: number;
} | {
    kind: 'end';
} | {
    kind: 'incomplete';
    reason: string;
} | {
    kind: 'zeros';
} | {
    kind: 'corrupt';
    reason: string;
};
/**
 * A frame's fields, filled in place by readFrameInto: the scan loop reads millions of frames, and
 * one reused view instead of an object per frame is what keeps the garbage collector out of it.
 */
export declare class FrameView {
    kind: FrameOutcome['kind'];
    reason: string;
    type: number;
    flags: number;
    seq: number;
    tsNs: bigint;
    payloadStart: number;
    payloadEnd: number;
    crc: number;
    next: number;
}
/** Decodes the frame at `pos` in `b` (valid bytes end at `end`) into `v`; returns its kind. */
export declare function readFrameInto(v: FrameView, b: Buffer, pos: number, end: number): FrameOutcome['kind'];
/** Decodes the frame at `pos` in `b`, whose valid bytes end at `end`. Checks structure and CRC only. */
export declare function readFrame(b: Buffer, pos: number, end: number): FrameOutcome;
export declare function encodeFooter(t: SegmentTrailer): Buffer;
/** Parses the trailer from the last TRAILER_BYTES of a file; null when there is no valid one. */
export declare function decodeTrailerFixed(tail: Buffer, fileBytes: number): Omit<SegmentTrailer, 'index'> & {
    indexCount: number;
} | null;
/** Parses and checks a whole footer (index + trailer); null when it is absent or its checksum fails. */
export declare function decodeFooter(footer: Buffer, fileBytes: number): SegmentTrailer | null;
