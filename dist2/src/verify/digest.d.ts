export declare const DIGEST_VERSION = 1;
/** An incremental digest: feed records in log order, then read `hex()`. */
export declare class StreamDigest {
    private readonly hash;
    private readonly head;
    private finished;
    records: number;
    constructor();
    update(tsNs: bigint, type: number, payload: Uint8Array): void;
    /** The digest as 64 lowercase hex digits; the digest cannot be updated afterwards. */
    hex(): string;
}
export interface DigestOptions {
    fromSeq?: number;
    /** Inclusive. */
    toSeq?: number;
    fromTs?: bigint;
    /** Inclusive. */
    toTs?: bigint;
    /** Only events of this run (records of unknown types, which cannot be decoded, are left out). */
    runId?: string;
}
export interface DigestResult {
    digest: string;
    records: number;
}
/**
 * The digest of a recording, or of a range of it. Reads through a tolerant reader: a torn tail is
 * not part of the recording (the next writer drops it), corruption anywhere else throws
 * CorruptionError. Records of types this version does not know are included unless filtering by
 * runId: the digest covers the log, not only what this version can decode.
 */
export declare function digestRecordingDetailed(dir: string, opts?: DigestOptions): DigestResult;
/** The digest of a recording (or a range of it) as 64 lowercase hex digits. */
export declare function digestRecording(dir: string, opts?: DigestOptions): string;
/** Normalizes a user-supplied digest ("sha256:" prefix, upper case allowed); null if malformed. */
export declare function normalizeDigest(text: string): string | null;
