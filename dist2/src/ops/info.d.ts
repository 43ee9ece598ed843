import { type EventType } from '../events/types.js';
export interface SegmentInfo {
    name: string;
    bytes: number;
    /** Sealed (footer written) or still the active segment of a writer (or of a crashed one). */
    sealed: boolean;
    records: number;
    firstSeq: number;
    /** null when the segment holds no records. */
    lastSeq: number | null;
    firstTs: bigint | null;
    lastTs: bigint | null;
}
export interface RunInfo {
    runId: string;
    events: number;
    firstTs: bigint;
    lastTs: bigint;
}
export interface SymbolInfo {
    symbol: string;
    events: number;
}
export interface SystemMark {
    seq: number;
    ts: bigint;
    tsIso: string;
    runId: string;
    message: string;
    data?: Record<string, string | number>;
}
export interface TornTailInfo {
    file: string;
    offsetBytes: number;
    bytes: number | null;
    seq: number | null;
    reason: string;
}
export interface RecordingInfo {
    dir: string;
    segmentCount: number;
    segments: SegmentInfo[];
    /** Records on disk (every type; a torn tail is not counted). */
    records: number;
    /** Records this version decodes as events. */
    events: number;
    /** Total bytes of the segment files. */
    bytes: number;
    firstSeq: number | null;
    /** The durable position: the last seq on disk (a torn tail excluded); null when empty. */
    durableSeq: number | null;
    firstTs: bigint | null;
    lastTs: bigint | null;
    firstTsIso: string | null;
    lastTsIso: string | null;
    durationNs: bigint | null;
    byType: Record<EventType, number>;
    /** In order of first appearance. */
    byRun: RunInfo[];
    /** Most events first (ties by name). */
    bySymbol: SymbolInfo[];
    /** Bytes of the same events as canonical JSONL (one line each, newline included). */
    jsonlBytes: number;
    /** jsonlBytes ÷ bytes; null for an empty log. */
    compressionRatio: number | null;
    /** The recording digest (see verify/digest.ts). */
    digest: string;
    /** System events of kind 'reject' (bad input kept) and 'gap' (a feed gap): counts and the first few. */
    rejects: {
        count: number;
        first: SystemMark[];
    };
    gaps: {
        count: number;
        first: SystemMark[];
    };
    /** Records of types this version does not know: skipped (they are still in the digest). */
    unknownSkipped: number;
    tornTail: TornTailInfo | null;
}
export interface InfoOptions {
    /** How many rejects and gaps to list (default 10). */
    listMax?: number;
}
/** Reads the whole recording once (tolerating a torn tail, like every reader) and describes it. */
export declare function recordingInfo(dir: string, opts?: InfoOptions): RecordingInfo;
/** The human report: aligned, short; lists are cut at `maxRows` lines (default 10). */
export declare function formatInfo(info: RecordingInfo, opts?: {
    maxRows?: number;
}): string;
