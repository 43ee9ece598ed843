export interface MaCrossoverOptions {
    /** Fast window, in quotes. */
    fast: number;
    /** Slow window, in quotes. */
    slow: number;
    /** Position size held after a crossover. */
    qty: number;
    mode: 'long-short' | 'long-flat';
    /** Only trade this symbol ('' = every symbol, independently). */
    symbol: string;
    /** Time in force of the orders. */
    tif: 'ioc' | 'gtc' | 'day';
    /** Flatten when the mid moves this many percent within shockWindowMs (0: off). */
    shockPct: number;
    shockWindowMs: number;
    /** After a shock, hold no position for this long. */
    cooldownMs: number;
}
declare const _default: import("../../src/backtest/strategy.js").StrategyFactory<MaCrossoverOptions>;
export default _default;
