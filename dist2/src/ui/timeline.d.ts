import type { EventType } from '../events/types.js';
import { type Downsampled } from './downsample.js';
export interface SymbolSeries {
    symbol: string;
    venue: string;
    /** ns offsets from the timeline's origin, ascending. */
    x: Float64Array;
    bid: Float64Array;
    ask: Float64Array;
    last: Float64Array;
}
export interface Marker {
    /** ns offset from the origin. */
    off: number;
    seq: number;
    type: Exclude<EventType, 'tick'>;
    symbol?: string;
    side?: 'buy' | 'sell';
    price?: number;
    /** A short description (order action, fill qty@price, system kind and message, risk rule). */
    text: string;
}
export interface Quote {
    symbol: string;
    bid: number | null;
    ask: number | null;
    /** The last trade at or before the point, if any. */
    last: number | null;
}
export declare class Timeline {
    readonly dir: string;
    /** The first event's ts (0n when empty): offsets count from here. */
    readonly originNs: bigint;
    /** Every event's offset, in log order. */
    readonly offs: Float64Array;
    /** Every event's seq, in log order. */
    readonly seqs: Float64Array;
    readonly symbols: ReadonlyMap<string, SymbolSeries>;
    readonly markers: readonly Marker[];
    private constructor();
    get events(): number;
    /** The last event's ts (originNs when empty). */
    get lastNs(): bigint;
    /** Reads every event of `dir` once. */
    static build(dir: string): Timeline;
    /** ns offset of an absolute ts (may be negative or past the end). */
    offsetOf(tsNs: bigint): number;
    /** bid/ask/last of the chart for one symbol over [fromOff, toOff], at most 2 points per bucket. */
    series(symbol: string, fromOff: number, toOff: number, buckets: number): Downsampled | null;
    /**
     * Markers in [fromOff, toOff]: all of them when at most `max`, else the first of each type (and
     * symbol) per bucket, so a dense run of orders still shows where it happened.
     */
    markersIn(fromOff: number, toOff: number, buckets: number, max: number): {
        markers: Marker[];
        total: number;
    };
    /** The quote of every symbol at an offset (the latest at or before it). */
    quotesAt(off: number): Quote[];
    /** Position (index in log order) of the first event at or after an offset. */
    positionAt(off: number): number;
}
