/**
 * A Sharpe-like summary of a backtest: net PnL is sampled once per interval of replay time (1 s by
 * default), and the ratio is the mean of the per-interval changes over their sample standard
 * deviation, scaled by √(intervals):
 *
 *   sharpe = mean(ΔPnL) / sd(ΔPnL) × √n      (0 when n < 2 or sd = 0)
 *
 * which equals total PnL / (sd(ΔPnL) × √n): the session's PnL in units of its own per-interval
 * noise. There is no capital base (PnL changes are not returns), no risk-free rate and no
 * annualisation, hence "Sharpe-like": it ranks runs of one sweep, it is not a fund's Sharpe ratio.
 *
 * Sampling: the interval that ends at boundary B is closed by the first input event at or after B,
 * with the PnL as it stands just before that event; intervals with no events at all count as
 * unchanged (a halt is time with no PnL change). The statistics are Welford's running mean and
 * M2, so memory is constant whatever the length of the run.
 */
import type { PnlSeriesState } from './engine-state.js';

export const PNL_INTERVAL_NS = 1_000_000_000n;

export class PnlSeries {
  private boundary: bigint | undefined;
  private lastPnl = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;

  constructor(readonly intervalNs: bigint = PNL_INTERVAL_NS) {
    if (intervalNs <= 0n) throw new RangeError(`PnlSeries: interval must be > 0 ns (got ${intervalNs})`);
  }

  /** Call before the state changes at `ts` (replay time, never decreasing); `pnl` is read only when an interval closes. */
  advance(ts: bigint, pnl: () => number): void {
    if (this.boundary === undefined) {
      this.boundary = ts + this.intervalNs;
      return;
    }
    if (ts < this.boundary) return;
    const p = pnl();
    this.add(p - this.lastPnl, 1);
    this.lastPnl = p;
    const idle = (ts - this.boundary) / this.intervalNs;
    if (idle > 0n) this.add(0, Number(idle));
    this.boundary += (idle + 1n) * this.intervalNs;
  }

  /** Closes the last (partial) interval with the final PnL. */
  finish(pnl: number): void {
    if (this.boundary === undefined) return;
    this.add(pnl - this.lastPnl, 1);
    this.lastPnl = pnl;
    this.boundary = undefined;
  }

  /** Intervals counted so far. */
  get intervals(): number {
    return this.n;
  }

  sharpe(): number {
    if (this.n < 2) return 0;
    const sd = Math.sqrt(this.m2 / (this.n - 1));
    return sd > 0 ? (this.mean / sd) * Math.sqrt(this.n) : 0;
  }

  /** The running statistics, for an engine snapshot (engine-state.ts). */
  saveState(): PnlSeriesState {
    return { boundary: this.boundary, lastPnl: this.lastPnl, n: this.n, mean: this.mean, m2: this.m2 };
  }

  loadState(s: PnlSeriesState): void {
    ({ boundary: this.boundary, lastPnl: this.lastPnl, n: this.n, mean: this.mean, m2: this.m2 } = s);
  }

  /** Welford's update with `count` copies of `x` (Chan et al.'s merge of a constant batch). */
  private add(x: number, count: number): void {
    const total = this.n + count;
    const delta = x - this.mean;
    this.mean += (delta * count) / total;
    this.m2 += (delta * delta * this.n * count) / total;
    this.n = total;
  }
}
