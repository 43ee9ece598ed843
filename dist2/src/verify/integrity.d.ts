import { type FileOps } from '../log/file-ops.js';
/** What kind of promise of the format a problem breaks. */
export type ProblemKind = 
/** A segment header, or the file name against it. */
'segment'
/** The chain of segments is broken: a segment is missing, duplicated, replaced or out of order. */
 | 'missing-segment'
/** A frame's structure or CRC, or an atomic batch cut short. */
 | 'frame'
/** Frames out of order: a seq gap or repeat, a timestamp going back. */
 | 'order'
/** The footer's trailer against the segment's contents, or its checksum. */
 | 'footer'
/** A sparse index entry that does not point at the frame it names. */
 | 'index'
/** A payload that does not decode, or does not re-encode to the same bytes. */
 | 'canonical';
export interface VerifyProblem {
    kind: ProblemKind;
    /** Segment file name (within the recording directory). */
    file: string;
    offsetBytes: number;
    /** The seq at (or expected at) the spot, when known. */
    seq?: number;
    reason: string;
}
/** A torn tail: the expected trace of a crash mid-write, not corruption. */
export interface TornTail {
    file: string;
    /** Where the last complete record ends: the next writer's open cuts the file here. */
    offsetBytes: number;
    /** Bytes the next writer will drop (and keep in a side file). */
    bytes: number;
    /** The seq the next record will get. */
    seq: number;
    reason: string;
}
export interface VerifyProgress {
    bytesDone: number;
    bytesTotal: number;
    file: string;
}
export interface VerifyOptions {
    /** Collect every problem instead of stopping at the first. */
    all?: boolean;
    onProgress?: (p: VerifyProgress) => void;
    fileOps?: FileOps;
}
export interface VerifyResult {
    ok: boolean;
    dir: string;
    segments: number;
    /** Records in the recording (a torn tail's are not). */
    records: number;
    /** Bytes of segment files on disk. */
    bytes: number;
    firstTs: bigint | null;
    lastTs: bigint | null;
    /** The recording's digest (see digest.ts); null when a problem was found. */
    digest: string | null;
    problems: VerifyProblem[];
    tornTail: TornTail | null;
    /** Records whose payloads could not be checked for canonical form (a type or schema version this tapedeck does not know). */
    uncheckedRecords: number;
}
/** Verifies a recording without modifying it. Throws only when `dir` is not a recording at all. */
export declare function verifyRecording(dir: string, opts?: VerifyOptions): VerifyResult;
