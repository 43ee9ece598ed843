/**
 * The between-segments rule (docs/FORMAT.md §9.3), written once: segment B continues segment A
 * when its number is A's plus one and its header carries on A's seq, chain checksum and last ts.
 * Writer recovery, readers and verify all ask this function.
 */
import { type SegmentHeader } from './format.js';
import type { SegmentMeta } from './segment-file.js';
/** How a segment ended, as the next one must continue it. */
export interface SegmentEnd {
    name: string;
    segmentNo: number;
    /** The seq after its last record. */
    nextSeq: number;
    /** Its last record's ts (or the ts carried into it, INT64_MIN for none). */
    lastTs: bigint;
    chain: number;
    /** False when its frames were damaged and no intact footer says how it ended: only the number is checked. */
    trusted: boolean;
}
/** A sealed segment's end from its footer; null when it is not sealed. */
export declare function endOf(meta: SegmentMeta): SegmentEnd | null;
export interface LinkProblem {
    /** The field of B's header that breaks the link. */
    offsetBytes: number;
    reason: string;
    code: 'MISSING_SEGMENT' | 'CORRUPT_SEGMENT';
}
/** Why `b` does not continue `a`, or null. An unsealed `a` followed by anything is a problem too. */
export declare function linkProblemAt(a: SegmentEnd | {
    name: string;
    segmentNo: number;
    unsealed: true;
}, segmentNo: number, firstSeq: number, header: SegmentHeader | null): LinkProblem | null;
/**
 * The link between two inspected segments: the reason it is broken, or null. An unsealed `a` is
 * only checked by number here: readers report it when they reach its end (so every unit before
 * the damage is delivered), the writer refuses it up front.
 */
export declare function linkProblem(a: SegmentMeta, b: SegmentMeta): string | null;
