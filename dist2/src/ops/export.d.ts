import { type EventType } from '../events/types.js';
import type { ReadProblem } from '../log/index.js';
export type ExportFormat = 'jsonl' | 'csv' | 'json';
export declare const EXPORT_FORMATS: readonly ExportFormat[];
export interface ExportOptions {
    /** Default 'jsonl'. */
    format?: ExportFormat;
    /** Only these event types (default: all). */
    types?: readonly EventType[];
    /** Inclusive; ns, or a string for parseTimeArg (ISO, decimal ns, or "+5m" from the first record). */
    from?: bigint | string;
    /** Inclusive; same forms as `from`. */
    to?: bigint | string;
    runId?: string;
    symbols?: readonly string[];
    /** ts and exchTs as ISO-8601 UTC instead of decimal ns. */
    iso?: boolean;
    /** Chunk size handed to the sink (default 64 KiB). */
    chunkBytes?: number;
}
/** 'all' for JSONL and JSON; the event type of a CSV stream. */
export type ExportStream = 'all' | EventType;
/** Receives the output; a returned promise pauses the export until it settles (backpressure). */
export type ExportSink = (stream: ExportStream, text: string) => void | Promise<void>;
export interface ExportChunk {
    stream: ExportStream;
    text: string;
}
export interface ExportSummary {
    format: ExportFormat;
    events: number;
    byType: Record<EventType, number>;
    /** UTF-8 bytes handed to the sink, per stream. */
    bytes: Partial<Record<ExportStream, number>>;
    /** Records of types this version does not know, left out. */
    unknownSkipped: number;
    /** A torn tail met at the end (not exported: the next writer drops it). */
    problems: ReadProblem[];
    /** Set when the sink stopped the export early (see ExportHandle.stop). */
    stopped: boolean;
}
/** The first record's ts, or undefined for an empty recording. */
export declare function firstTsOf(dir: string): bigint | undefined;
/** Resolves --from/--to style values (offsets count from the recording's first record). */
export declare function resolveTimeRange(dir: string, from?: bigint | string, to?: bigint | string): {
    from?: bigint;
    to?: bigint;
};
/** Checks names against the event types; throws BAD_ARGUMENT naming the bad one. */
export declare function parseEventTypes(names: readonly string[], option?: string): EventType[];
/**
 * The export as a pull-based sequence of chunks (pull one, write it, pull the next: natural
 * backpressure). `summary` is filled in as it goes and complete when the generator ends.
 */
export declare function exportChunks(dir: string, opts?: ExportOptions): {
    chunks: Generator<ExportChunk>;
    summary: ExportSummary;
};
/** Exports into `sink`, awaiting it whenever it returns a promise. */
export declare function exportRecording(dir: string, opts: ExportOptions, sink: ExportSink): Promise<ExportSummary>;
/** The whole export as strings per stream (small recordings, tests). */
export declare function exportToStrings(dir: string, opts?: ExportOptions): {
    streams: Partial<Record<ExportStream, string>>;
    summary: ExportSummary;
};
