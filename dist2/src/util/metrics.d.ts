/**
 * Counters and HDR histograms, readable at any time and printable as a short report. Used by the
 * log, the recorder and the replayer (each owns its own Metrics).
 */
import * as hdr from 'hdr-histogram-js';
export interface HistogramSummary {
    count: number;
    p50: number;
    p99: number;
    p999: number;
    max: number;
    mean: number;
}
export type Histogram = hdr.Histogram;
/** A histogram of non-negative integer values (nanoseconds, say) from 1 up to one hour in ns. */
export declare function newHistogram(): Histogram;
export declare function summarize(h: Histogram): HistogramSummary;
export declare class Metrics {
    readonly counters: Record<string, number>;
    readonly histograms: Record<string, Histogram>;
    constructor(counterNames?: readonly string[], histogramNames?: readonly string[]);
    inc(name: string, by?: number): void;
    /** Records a value (clamped to the histogram's range: a lag is never negative). */
    record(name: string, value: number): void;
    snapshot(): {
        counters: Record<string, number>;
        histograms: Record<string, HistogramSummary>;
    };
    /** Encodes a histogram so another process can read it (HdrHistogram's compressed base64 form). */
    encodeHistogram(name: string): string;
    /** A short human report; histogram values are taken to be nanoseconds. */
    report(): string;
}
export declare function decodeHistogram(base64: string): Histogram;
export declare function fmtNs(ns: number): string;
