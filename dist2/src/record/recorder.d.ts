import type { Observable } from 'rxjs';
import { ValidationError } from '../errors.js';
import { type EventType, type FlatMap, type SystemKind } from '../events/types.js';
import type { Durability } from '../log/index.js';
import { Metrics } from '../util/metrics.js';
import type { MapOutcome } from './venues.js';
export type ClockMode = 'receive' | 'source';
export interface RecordWarning {
    /** One line for a human: position, field and reason. */
    message: string;
    position: string | undefined;
    field: string | undefined;
    reason: string;
}
export interface RecorderOptions {
    /** The run's id (stamped on events that carry none). Generated when absent. */
    runId?: string;
    /** In deterministic mode without a runId, the runId is derived from this (default: source and args). */
    seed?: string;
    durability?: Durability;
    /** Rotate segments at about this many bytes. */
    segmentSize?: number;
    /** Default 'receive'. */
    clock?: ClockMode;
    /** What is being recorded, for session-start (e.g. "stdin", "ws:wss://…", "file:x.jsonl"). */
    source?: string;
    /** The arguments of the run, for session-start. */
    args?: readonly string[];
    /** No wall-clock, host or pid details in session-start; a reproducible runId. */
    deterministic?: boolean;
    /** ns since epoch; read once at open. Defaults to Date.now(). */
    wallClock?: () => bigint;
    /** Monotonic ns. Defaults to process.hrtime.bigint(). */
    monotonic?: () => bigint;
    /** The first bad input stops the run with a ValidationError instead of a reject event. */
    strict?: boolean;
    /** Called for every bad input stored as a reject (default: a line on stderr). */
    onWarning?: (w: RecordWarning) => void;
    /** Write metrics.json every this many ms, for `tapedeck stats` (0: never). */
    publishMetricsMs?: number;
    /** Characters of raw text a reject event keeps (default 1024). */
    rawLimit?: number;
    /**
     * Write the recorder's own session-start / session-end (default 'auto': yes, unless, under the
     * source clock, the input begins with its own session-start — a replay or an export being
     * re-recorded, whose events must come back exactly, with the same seqs and digest).
     */
    sessionEvents?: boolean | 'auto';
}
export interface WriteContext {
    /** Where the input came from, e.g. "line 12" (used in errors and rejects). */
    position?: string;
    /** The raw text, stored in a reject event if this input is bad. */
    raw?: string;
}
export interface RecordSummary {
    dir: string;
    runId: string;
    clock: ClockMode;
    /** Source events stored (ticks, orders, … and source system events; not rejects). */
    events: number;
    rejects: number;
    /** Input bytes seen by the recorder (lines and messages). */
    bytes: number;
    byType: Record<EventType, number>;
    /** Messages a venue mapping does not cover, by kind. */
    unmapped: Record<string, number>;
    /** Capture lines that are not messages (connect, sent), by kind. */
    control: Record<string, number>;
    gaps: number;
    reconnects: number;
    firstSeq: number;
    lastSeq: number;
    /** ns since epoch as decimal strings (JSON cannot hold int64). */
    firstTs: string | null;
    lastTs: string | null;
    durationMs: number;
    /** Set when the run stopped on an error (strict bad input, I/O). */
    error?: string;
}
export declare class Recorder {
    readonly dir: string;
    readonly runId: string;
    readonly clockMode: ClockMode;
    readonly metrics: Metrics;
    private readonly log;
    private readonly opts;
    private readonly clock;
    private readonly strict;
    private readonly rawLimit;
    private readonly onWarning;
    private readonly byType;
    private readonly unmapped;
    private readonly control;
    /** The last ts written (the log's, when appending to an existing recording). */
    private lastTs;
    private startTs;
    /** Under the source clock: session-start and early rejects, waiting for the first real ts. */
    private pending;
    private firstSeq;
    /** Re-recording: the input carries its own session events, so the recorder adds none. */
    private passthrough;
    private closed;
    private summaryValue;
    private constructor();
    /** Opens (creating if needed) the recording in `dir` and starts a session. */
    static open(dir: string, opts?: RecorderOptions): Promise<Recorder>;
    private start;
    /** Receive-clock now (ns since epoch), for measuring gaps and stamping live events. */
    now(): bigint;
    get closedOrFailed(): boolean;
    /**
     * Validates, stamps and buffers one event; returns its seq, or null when it was stored as a
     * reject. Durability follows the log's mode (see record / sync). In strict mode bad input
     * throws a ValidationError; call close() (or sync()) to make everything before it durable.
     */
    write(input: unknown, ctx?: WriteContext): number | null;
    /** One line of canonical JSON. */
    writeLine(text: string, position?: string): number | null;
    /**
     * The outcome of a venue mapping: ticks are written (with `ts` under the source clock),
     * unmapped kinds counted. Returns the number of events written.
     */
    writeMapped(outcome: MapOutcome, ts: bigint | undefined, ctx?: WriteContext): number;
    /** Like write(), resolving once the event is durable by the log's mode. Strict mode: bad input
     * rejects after everything before it is durable. */
    record(input: unknown, ctx?: WriteContext): Promise<number | null>;
    /** Writes a system event (gap, reconnect, note, …) stamped by the recorder's clock. */
    system(kind: SystemKind, message: string, data?: FlatMap): number | null;
    /**
     * Bad input: stored as a system reject (raw text truncated, reason, field, line) and reported
     * through onWarning; in strict mode, thrown instead.
     */
    badInput(err: ValidationError, raw: string, position?: string): null;
    countUnmapped(kind: string): void;
    countControl(kind: string, bytes?: number): void;
    /** Records every value an Observable emits (events, or canonical JSON strings) until it
     * completes (resolves) or errors (recorded as a system note, then rejected with the error). */
    attach(source: Observable<unknown>): Promise<void>;
    /** Makes everything written so far durable. */
    sync(): Promise<void>;
    /** Writes session-end (counts, rejects, duration), makes everything durable and seals. */
    close(opts?: {
        error?: unknown;
    }): Promise<RecordSummary>;
    private finishClose;
    /** The summary so far (final after close()). */
    summary(): RecordSummary;
    private checkOpen;
    /** Stamps runId and ts and validates; throws ValidationError for bad input. */
    private stamp;
    /** The ts for an event the recorder itself stamps: now (receive) or the time axis so far (source). */
    private stampNow;
    private queuePending;
    private flushPending;
    private writeSystem;
    private durationMs;
    private buildSummary;
}
