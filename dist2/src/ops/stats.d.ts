import { type HistogramSummary } from '../util/metrics.js';
/** metrics.json as Log.publishMetrics writes it. */
export interface PublishedMetrics {
    pid: number;
    records: number;
    bytes: number;
    segments: number;
    lastSeq: number;
    durableSeq: number;
    counters: Record<string, number>;
    /** HdrHistogram compressed base64 ('' when absent). */
    appendLatencyNs: string;
    fsyncLatencyNs: string;
}
export interface WriterMetrics {
    pid: number;
    records: number;
    bytes: number;
    lastSeq: number;
    durableSeq: number;
    counters: Record<string, number>;
    appendLatencyNs: HistogramSummary;
    fsyncLatencyNs: HistogramSummary;
    /** When the writer last published (the file's mtime, ms since epoch). */
    updatedMs: number;
}
export interface StatsSample {
    dir: string;
    /** Wall-clock ms since epoch when sampled. */
    atMs: number;
    /** null when there is no (readable) metrics.json: no writer ever published here. */
    metrics: WriterMetrics | null;
    /** The pid holding the directory's write lock, and whether it is alive. */
    writer: {
        pid: number | null;
        alive: boolean;
    };
    segments: number;
    /** Bytes of the segment files. */
    segmentBytes: number;
    /** Bytes of every file in the directory (segments, torn-tail evidence, metrics, lock). */
    diskBytes: number;
}
export interface StatsView extends StatsSample {
    /** null until two samples a publication apart are available. */
    eventsPerSec: number | null;
    bytesPerSec: number | null;
}
/** Parses metrics.json text; null when it is not what a writer publishes. */
export declare function parseMetrics(text: string, updatedMs: number): WriterMetrics | null;
/** One sample: metrics.json, the lock holder and the files' sizes. */
export declare function readStats(dir: string): StatsSample;
/**
 * Rates between two samples: from the writer's own counts over the time between its two
 * publications when it published in between, else from the segment bytes over wall time (events/s
 * then unknown unless the writer is gone, when both are 0).
 */
export declare function statsView(prev: StatsSample | null, cur: StatsSample): StatsView;
/** Two samples `intervalMs` apart (one, when no writer is alive): a view with rates. */
export declare function sampleStats(dir: string, opts?: {
    intervalMs?: number;
    signal?: AbortSignal;
}): Promise<StatsView>;
/**
 * Turns a series of samples into views with rates. Rates are measured against the last sample
 * that saw a new publication of the writer; in between, the last known rates are kept (the writer
 * publishes every `publishMetricsMs`; sampling faster must not read as a rate of zero).
 */
export declare class StatsTracker {
    private base;
    private last;
    next(cur: StatsSample): StatsView;
}
/** Calls `onView` every `intervalMs` until the signal aborts (rates: see StatsTracker). */
export declare function watchStats(dir: string, opts: {
    intervalMs?: number;
    signal?: AbortSignal;
}, onView: (v: StatsView) => void): Promise<void>;
/** Plain-data view for --json. */
export declare function statsJson(v: StatsView): Record<string, unknown>;
/** One line (for a refreshing TTY view, or a line per interval when piped). */
export declare function formatStatsLine(v: StatsView): string;
/** The multi-line report of one sample. */
export declare function formatStats(v: StatsView): string;
