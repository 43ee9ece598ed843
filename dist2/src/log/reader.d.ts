import { Metrics } from '../util/metrics.js';
import { type FileOps } from './file-ops.js';
import { type ManifestProblem } from './manifest.js';
import { type RecoveryPolicy } from './recovery-table.js';
import { type SegmentMeta } from './segment-file.js';
export { RECOVERY_POLICIES, type RecoveryPolicy } from './recovery-table.js';
/**
 * One record read back. The payload is a view into the reader's chunk, made only when asked for:
 * a scan that looks at seq and ts, or a decoder that reads the chunk at payloadStart..payloadEnd
 * directly, never pays for the view. The chunk is never reused, so views stay valid.
 */
export declare class LogRecord {
    readonly seq: number;
    readonly tsNs: bigint;
    readonly type: number;
    /** The chunk holding the payload bytes. */
    readonly chunk: Buffer;
    readonly payloadStart: number;
    readonly payloadEnd: number;
    private view;
    constructor(seq: number, tsNs: bigint, type: number, 
    /** The chunk holding the payload bytes. */
    chunk: Buffer, payloadStart: number, payloadEnd: number);
    get payload(): Buffer;
}
export interface ReadOptions {
    fromSeq?: number;
    fromTs?: bigint;
    /** Inclusive. */
    toSeq?: number;
    /** Inclusive. */
    toTs?: bigint;
    types?: Iterable<number>;
    /** Keep waiting for records appended after the current end. */
    follow?: boolean;
}
export interface ReaderOptions {
    policy?: RecoveryPolicy;
    fileOps?: FileOps;
    /** Record types this reader understands; others are skipped and counted, never a failure. */
    knownTypes?: Iterable<number>;
    chunkBytes?: number;
}
export interface ReadProblem {
    /** 'writer-gone': a follow ended because the writer died (stale LOCK) rather than waiting forever. */
    kind: 'torn' | 'corrupt' | 'skipped' | 'writer-gone';
    file: string;
    offsetBytes: number;
    seq?: number;
    reason: string;
    /** For a torn tail: the bytes a writer's next open will cut. */
    bytes?: number;
    /** Whole records dropped with this problem (a skipped unit, or an incomplete batch at a torn tail). */
    records?: number;
    /** A unit skipped only because of the damage just before it (not counted again as a corruption). */
    collateral?: boolean;
}
/** A cursor: reads units through the scanner and acts on each ending by the reader decision table. */
export declare class LogCursor {
    private readonly reader;
    private opts;
    private readonly fds;
    private segs;
    private segIdx;
    private scanner;
    private walkedWhole;
    private segCount;
    private readonly pending;
    private queue;
    private qi;
    private finished;
    private closed;
    private readonly types;
    private readonly known;
    /** Problems met so far: a torn tail, the corruptions a lenient policy stepped over, a follow whose writer died. */
    readonly problems: ReadProblem[];
    unknownSkipped: number;
    recordsRead: number;
    bytesRead: number;
    constructor(reader: LogReader, opts: ReadOptions);
    get done(): boolean;
    /** The next record, or null when none is available (check `done` to tell the end from a pause). */
    next(): LogRecord | null;
    close(): void;
    private position;
    private entryFor;
    private openSegment;
    private readonly manifestProblems;
    private manifestProblem;
    private checkChainOfNames;
    /** Reads at least one frame or reaches a stopping point; false when nothing more is available now. */
    private advance;
    private accept;
    private finish;
    private endOfSealed;
    private nextSegment;
    /**
     * Nothing more to read now while following. If the writer is gone (its LOCK names a dead
     * process, or an unsealed tail has no LOCK at all), the follow ends with a `writer-gone` problem
     * instead of waiting forever; what the dead writer left is then read like any tail.
     */
    private paused;
    /**
     * Did a writer seal this segment since we listed it? Then its footer now follows exactly the data
     * we read, and the bytes we just met are the footer, not a frame.
     */
    private sealedSince;
    /** Corruption: what happens depends on the policy (reader decision table). */
    private bad;
    private nextSegmentAfterSkip;
    private fail;
}
export interface ScanResult {
    records: number;
    stoppedEarly: boolean;
    problems: ReadProblem[];
    unknownSkipped: number;
}
export declare class LogReader {
    readonly dir: string;
    readonly ops: FileOps;
    readonly policy: RecoveryPolicy;
    readonly knownTypes: Set<number> | null;
    readonly chunkBytes: number;
    /** What this reader's cursors read (counted when each cursor closes). */
    readonly metrics: Metrics;
    private constructor();
    static open(dir: string, opts?: ReaderOptions): LogReader;
    /**
     * Sealed segments never change, so their header, footer and index are read once per reader:
     * a seek then costs a directory listing and two binary searches, not a footer read per segment.
     */
    private readonly sealedCache;
    /** The segments as they are on disk now, in log order. */
    segments(): SegmentMeta[];
    /**
     * The segments, checked against the MANIFEST when there is one (segments a compaction left
     * below its horizon are dropped). A writer may rotate, compact or reopen between reading the
     * manifest and listing the directory, so a disagreement is looked at again before it counts.
     */
    checkedSegments(): {
        segments: SegmentMeta[];
        problems: ManifestProblem[];
    };
    /** One segment's header and footer, as on disk now. */
    inspect(name: string): SegmentMeta;
    /** Opens a segment file for reading; a failure is an IoError naming the file and errno. */
    openFile(p: string): number;
    cursor(opts?: ReadOptions): LogCursor;
    /** Synchronous scan; the callback returns false to stop early. */
    scan(opts: Omit<ReadOptions, 'follow'>, onRecord: (rec: LogRecord) => boolean | void): ScanResult;
    /** Records in batches (one chunk's worth at a time): the fast way to consume a log asynchronously. */
    batches(opts?: ReadOptions & {
        pollMs?: number;
        batchMax?: number;
        signal?: AbortSignal;
    }): AsyncGenerator<LogRecord[]>;
    /** Records one at a time, as an async iterator. */
    stream(opts?: ReadOptions & {
        pollMs?: number;
        signal?: AbortSignal;
    }): AsyncGenerator<LogRecord>;
}
export declare function openReader(dir: string, opts?: ReaderOptions): LogReader;
