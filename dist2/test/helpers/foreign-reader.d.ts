export interface ForeignRecord {
    seq: number;
    ts: bigint;
    type: number;
    /** The payload decoded as a MessagePack value (§9: an array [runId, cause, f1, ...]). */
    payloadArray: unknown[];
    /** The raw payload bytes. */
    payload: Uint8Array;
}
export interface ForeignSegment {
    name: string;
    segmentNo: number;
    firstSeq: number;
    userVersion: number;
    sealed: boolean;
    records: number;
    /** Index entries from the footer (sealed segments only). */
    index: {
        seq: number;
        ts: bigint;
        offset: number;
    }[];
}
export interface ForeignResult {
    records: ForeignRecord[];
    segments: ForeignSegment[];
    /** A torn tail of the last unsealed segment (§11: tolerated unless `absolute`). */
    torn: {
        file: string;
        offset: number;
        bytes: number;
        reason: string;
    } | null;
    /** Records whose type tag this reader does not know (§9.1): skipped and counted. */
    unknownSkipped: number;
}
export declare class ForeignFormatError extends Error {
    readonly file: string;
    readonly offset: number;
    readonly reason: string;
    constructor(file: string, offset: number, reason: string);
}
/**
 * Reads a whole recording directory and checks everything §4-§8 lets a reader check.
 * `absolute`: a torn tail is an error too (§11); otherwise it ends the log and is reported.
 */
export declare function foreignRead(dir: string, opts?: {
    absolute?: boolean;
}): ForeignResult;
/**
 * §9.2: the field names of each type tag, in payload order (after runId and cause). Used to name
 * the positional array; a reader for a later schema version may find more trailing items.
 */
export declare const FIELD_ORDER: Record<number, {
    type: string;
    fields: string[];
}>;
/** A record as a named object: {type, ts, runId, seq, cause?, ...fields present}. */
export declare function foreignEvent(r: ForeignRecord): Record<string, unknown>;
