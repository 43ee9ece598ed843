/**
 * A recording: a log directory whose records are events. This is where the payload-agnostic log
 * meets the event codec; everything above (recorder, replayer, verification) goes through here.
 */
import { Log, type LogCursor, type LogOptions, type LogReader, type ReadProblem, type ReaderOptions, type RecoveryPolicy } from '../log/index.js';
import { type EventType, type TapeEvent } from './types.js';
export interface EventReadOptions {
    fromSeq?: number;
    fromTs?: bigint;
    /** Inclusive. */
    toSeq?: number;
    /** Inclusive. */
    toTs?: bigint;
    types?: readonly EventType[];
    runId?: string;
    symbols?: readonly string[];
    venues?: readonly string[];
    follow?: boolean;
}
/** Pulls decoded events, filtered; null when nothing is available now (see `done`). */
export declare class EventCursor {
    private readonly cursor;
    private readonly symbols;
    private readonly venues;
    private readonly runId;
    /** Some filter beyond type and range applies (those two are the log cursor's). */
    private readonly filtered;
    constructor(cursor: LogCursor, opts: EventReadOptions);
    get done(): boolean;
    get problems(): ReadProblem[];
    /** Records of types this version does not know: skipped, never a failure. */
    get unknownSkipped(): number;
    /**
     * The next matching event. Nothing of the record is kept once it is decoded (the schema has no binary fields, so the event.s
     * fields are copies), so the read chunk its payload pointed into can be freed.
     */
    next(): TapeEvent | null;
    close(): void;
}
export interface Recording {
    readonly dir: string;
    readonly reader: LogReader;
    cursor(opts?: EventReadOptions): EventCursor;
    /** Every matching event, synchronously; stop by breaking out of the loop. */
    events(opts?: Omit<EventReadOptions, 'follow'>): Generator<TapeEvent>;
}
export declare function openRecording(dir: string, opts?: {
    policy?: RecoveryPolicy;
    fileOps?: ReaderOptions['fileOps'];
    chunkBytes?: ReaderOptions['chunkBytes'];
}): Recording;
/** Opens a log for writing events (its segments say which schema version wrote them). */
export declare function openEventLog(dir: string, opts?: Omit<LogOptions, 'userVersion'>): Promise<Log>;
/** Buffers one event in the log (validation is the caller's: see validateEvent); returns its seq. */
export declare function writeEvent(log: Log, ev: TapeEvent): number;
