import type { FileOps } from './file-ops.js';
import { type SegmentHeader, type SegmentTrailer } from './format.js';
export interface SegmentMeta {
    name: string;
    path: string;
    segmentNo: number;
    firstSeq: number;
    sizeBytes: number;
    header: SegmentHeader;
    /** The footer, when the segment was sealed at rotation or clean close. */
    footer: SegmentTrailer | null;
}
/** Segment file names in log order. */
export declare function listSegmentNames(ops: FileOps, dir: string): string[];
export declare function inspectSegment(ops: FileOps, dir: string, name: string): SegmentMeta;
export declare function readFooter(ops: FileOps, fd: number, sizeBytes: number): SegmentTrailer | null;
