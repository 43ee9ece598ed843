export interface CompactOptions {
    /** ns, or a string: decimal ns, ISO-8601 UTC, or an offset such as "+5m" from the first record. */
    before: bigint | string;
    dryRun?: boolean;
}
export interface CompactedSegment {
    name: string;
    bytes: number;
    records: number;
    lastTs: bigint;
    lastTsIso: string | null;
}
export interface CompactReport {
    dir: string;
    dryRun: boolean;
    beforeTs: bigint;
    beforeIso: string | null;
    removed: CompactedSegment[];
    records: number;
    reclaimedBytes: number;
    segmentsBefore: number;
    segmentsAfter: number;
}
export declare function compactRecording(dir: string, opts: CompactOptions): CompactReport;
export declare function formatCompact(r: CompactReport): string;
