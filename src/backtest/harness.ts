/**
 * An in-memory backtest run: feed events, collect every output with its seq. For tests, for
 * scenario expectations, and as the reference for what a recorded run must contain.
 */
import type { TapeEvent } from '../events/types.js';
import { BacktestEngine, type BacktestOptions, type BacktestSummary } from './engine.js';

export interface BacktestRun {
  /** Outputs in emission order; `seqs[i]` is the output seq of `events[i]`. */
  events: TapeEvent[];
  seqs: number[];
  summary: BacktestSummary;
}

export function runBacktest(input: Iterable<TapeEvent>, options: BacktestOptions): BacktestRun {
  const events: TapeEvent[] = [];
  const seqs: number[] = [];
  const engine = new BacktestEngine(options, (ev, seq) => {
    events.push(ev);
    seqs.push(seq);
  });
  for (const ev of input) engine.onEvent(ev);
  const summary = engine.finish();
  return { events, seqs, summary };
}
