/**
 * An in-memory backtest run: feed events, collect every output with its seq. For tests, for
 * scenario expectations, and as the reference for what a recorded run must contain.
 */
import type { TapeEvent } from '../events/types.js';
import { type BacktestOptions, type BacktestSummary } from './engine.js';
export interface BacktestRun {
    /** Outputs in emission order; `seqs[i]` is the output seq of `events[i]`. */
    events: TapeEvent[];
    seqs: number[];
    summary: BacktestSummary;
}
export declare function runBacktest(input: Iterable<TapeEvent>, options: BacktestOptions): BacktestRun;
