import { type HistogramSummary } from '../util/metrics.js';
import { type CompactResult } from './compaction.js';
import { type FileOps } from './file-ops.js';
import { type ProcessProbe } from './lock.js';
import { type RecoveryReport } from './recovery.js';
import { type RecoveryPolicy } from './recovery-table.js';
export type { CompactResult } from './compaction.js';
export type { RecoveryReport } from './recovery.js';
export type DurabilityMode = 'strict' | 'batched' | 'async';
export type Durability = DurabilityMode | {
    mode: 'strict';
} | {
    mode: 'batched';
    intervalMs?: number;
    batchSize?: number;
} | {
    mode: 'async';
    intervalMs?: number;
};
export interface LogOptions {
    durability?: Durability;
    /** Rotate when a segment would grow past this many bytes (default 128 MiB). */
    segmentBytes?: number;
    /** The payload schema version of the layer above, stored in every segment header. */
    userVersion?: number;
    /** How open() treats a bad tail; see RecoveryPolicy. 'skip' recovers like 'point-in-time'. */
    policy?: RecoveryPolicy;
    /** A sparse index entry is added at least every this many bytes of frames (default 64 KiB). */
    indexEveryBytes?: number;
    fileOps?: FileOps;
    /** Record append latency in the HDR histogram (default true). */
    measureLatency?: boolean;
    /** Write metrics.json beside the segments every this many ms, for `tapedeck stats` (0: never). */
    publishMetricsMs?: number;
    /** Test seam: called at each step of rotation, so a test can crash the process between them. */
    onStep?: (step: RotationStep) => void;
    /** Who this process is, for the lock (a seam: tests simulate pid reuse and other processes). */
    processProbe?: ProcessProbe;
    /**
     * The recording's id (32 hex digits), stamped in every segment header and the MANIFEST, so a
     * segment from another recording is caught. Unset: no id (zeros); the manifest's per-segment
     * checksums still catch foreign sealed segments, and deterministic runs stay byte-identical.
     */
    recordingId?: string;
}
export type RotationStep = 'sealed' | 'tmp-created' | 'renamed' | 'dir-synced';
export interface AppendRecord {
    type: number;
    tsNs: bigint;
    payload: Uint8Array;
}
export interface SegmentStats {
    name: string;
    bytes: number;
    sealed: boolean;
    records: number;
    firstSeq: number;
    lastSeq: number;
}
export interface LogStats {
    dir: string;
    segments: SegmentStats[];
    records: number;
    bytes: number;
    firstSeq: number;
    lastSeq: number;
    firstTs: bigint | null;
    lastTs: bigint | null;
    durableSeq: number;
    appendLatencyNs: HistogramSummary;
    fsyncLatencyNs: HistogramSummary;
}
export declare class Log {
    readonly dir: string;
    readonly metrics: import("../util/metrics.js").Metrics;
    /** What open() cut from a torn tail (empty after a clean close). */
    readonly recovered: RecoveryReport[];
    private readonly ops;
    private readonly mode;
    private readonly intervalMs;
    private readonly batchSize;
    private readonly segmentBytes;
    private readonly indexEvery;
    private readonly userVersion;
    private readonly measure;
    private readonly onStep;
    private readonly lock;
    private readonly sealed;
    private firstSeqOfLog;
    private manifest;
    private firstTsOfLog;
    private seg;
    private buf;
    private bufUsed;
    private nextSeqValue;
    private lastTsValue;
    private durableSeqValue;
    private pendingRecords;
    private commit;
    private flushing;
    private flushAgain;
    private timer;
    private immediate;
    private retiredFds;
    private failure;
    private closed;
    private metricsTimer;
    private constructor();
    /** Opens (creating if needed) the log in `dir`, recovering a crashed tail. */
    static open(dir: string, opts?: LogOptions): Promise<Log>;
    get nextSeq(): number;
    /** The last timestamp appended (INT64_MIN when the log is empty). */
    get lastTs(): bigint;
    /** Every record up to this seq is on disk. */
    get durableSeq(): number;
    get durability(): DurabilityMode;
    /** Buffers one record and returns its seq; durability follows the mode (see append / sync). */
    write(type: number, tsNs: bigint, payload: Uint8Array): number;
    /** Buffers an all-or-nothing batch; returns the first seq. Nobody ever sees part of it. */
    writeBatch(records: readonly AppendRecord[]): number;
    /** Appends one record; resolves with its seq once durable by the log's mode. */
    append(type: number, tsNs: bigint, payload: Uint8Array): Promise<number>;
    appendBatch(records: readonly AppendRecord[]): Promise<number>;
    /** Writes out and fdatasyncs everything buffered so far. */
    sync(): Promise<void>;
    private waitDurable;
    private checkWritable;
    private checkRecord;
    /** Rotates first if `size` more bytes would overflow the segment, and makes buffer room. */
    private makeRoom;
    /** Frames one record into the buffer and updates the segment's bookkeeping. */
    private frame;
    private pendingContinuation;
    private afterWrite;
    /** Schedules a flush after the current turn, so concurrent appends share one fdatasync. */
    private scheduleFlush;
    private runFlush;
    private flushLoop;
    /** Hands the buffered frames to the OS (no fsync). */
    private writeOut;
    /** Enters the failed state: truncate back to the durable prefix, refuse everything after. */
    private failWith;
    /** Seal the active segment, then create its successor: write tmp, fsync, rename, fsync dir. */
    private rotate;
    /** Lists a freshly sealed segment in the manifest (before its successor exists). */
    private recordSealed;
    private seal;
    private createSegment;
    private step;
    private retire;
    private closeQuietly;
    /** Recovery (recovery.ts) finds the state; the writer decides what to append to next. */
    private recover;
    private resumeTail;
    /** Makes everything durable, seals the active segment and releases the lock. */
    close(): Promise<void>;
    private release;
    /**
     * Simulation seam: drops this writer as a power loss or SIGKILL would — no write, no sync, no
     * unlock; its lock is only forgotten by this process (the LOCK file stays, naming a dead holder).
     */
    abandon(): void;
    /** Called from the process exit hook: write out and fdatasync synchronously, do not seal. */
    flushOnExit(): void;
    /** Removes whole sealed segments that end before `beforeTs`; never the active one. */
    compact(opts: {
        beforeTs: bigint;
        dryRun?: boolean;
    }): CompactResult;
    stats(): LogStats;
    /** Writes metrics.json beside the segments (atomically), for a second process to read. */
    publishMetrics(): void;
}
export declare function normalizeDurability(d: Durability): {
    mode: DurabilityMode;
    intervalMs: number;
    batchSize: number;
};
