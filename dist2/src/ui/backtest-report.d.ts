import type { FlatMap } from '../events/types.js';
export interface BacktestManifest {
    runId: string;
    manifest: FlatMap;
    summary: FlatMap | null;
    /** input.N.digest values, in order. */
    inputDigests: string[];
}
export interface CurvePoint {
    /** ns (decimal string). */
    ts: string;
}
export interface BacktestReport extends BacktestManifest {
    /** How positions were marked: 'inputs' (input ticks found), 'fills' (fill prices only). */
    marks: 'inputs' | 'fills';
    /** Dirs of the inputs used for marks. */
    inputsUsed: string[];
    /** Seconds since epoch, downsampled (min/max per bucket). */
    x: number[];
    equity: (number | null)[];
    drawdown: (number | null)[];
    /** Net position per symbol, aligned with x. */
    positions: Record<string, (number | null)[]>;
    /** Every fill, for the price chart (seconds since epoch). */
    fills: {
        x: number;
        ts: string;
        seq: number;
        symbol: string;
        side: 'buy' | 'sell';
        price: number;
        qty: number;
    }[];
    finalNetPnl: number;
    maxDrawdown: number;
    points: number;
}
/** The manifest of a backtest output, or null when `dir` is not one (no session-start with a strategy digest first). */
export declare function readBacktestManifest(dir: string): BacktestManifest | null;
/**
 * Builds the report. `inputsByDigest` maps a recording digest to a served directory holding it;
 * `buckets` bounds the curve's size (two points per bucket).
 */
export declare function backtestReport(dir: string, inputsByDigest: ReadonlyMap<string, string>, buckets?: number): BacktestReport | null;
