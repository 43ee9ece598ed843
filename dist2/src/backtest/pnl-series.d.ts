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
export declare const PNL_INTERVAL_NS = 1000000000n;
export declare class PnlSeries {
    readonly intervalNs: bigint;
    private boundary;
    private lastPnl;
    private n;
    private mean;
    private m2;
    constructor(intervalNs?: bigint);
    /** Call before the state changes at `ts` (replay time, never decreasing); `pnl` is read only when an interval closes. */
    advance(ts: bigint, pnl: () => number): void;
    /** Closes the last (partial) interval with the final PnL. */
    finish(pnl: number): void;
    /** Intervals counted so far. */
    get intervals(): number;
    sharpe(): number;
    /** Welford's update with `count` copies of `x` (Chan et al.'s merge of a constant batch). */
    private add;
}
