/**
 * Positions and PnL, average-cost method. Realized PnL is gross of fees; net = realized +
 * unrealized − fees. Unrealized marks each position to the symbol's last mid (or last trade when
 * a side of the quote is missing). Drawdown and exposure are sampled by `update()`, which the
 * engine calls after every step (a tick, an order arriving, a cancel).
 */
import type { Side } from '../events/types.js';
export interface PositionSummary {
    qty: number;
    avgPrice: number;
    mark: number | undefined;
    realizedPnl: number;
    unrealizedPnl: number;
    fees: number;
    trades: number;
    volume: number;
}
/** The price a position is marked at: the mid of the quote, or the last trade when a side is missing. */
export declare function markPrice(q: {
    bid?: number | undefined;
    ask?: number | undefined;
    last?: number | undefined;
}): number | undefined;
export declare class Ledger {
    private readonly pos;
    private realized;
    private feeTotal;
    private peak;
    private maxDd;
    private maxExp;
    private fillCount;
    private volumeTotal;
    private get;
    position(symbol: string): number;
    hasPosition(symbol: string): boolean;
    symbols(): string[];
    mark(symbol: string, price: number): void;
    markOf(symbol: string): number | undefined;
    fill(symbol: string, side: Side, qty: number, price: number, fee: number): void;
    unrealized(): number;
    exposure(): number;
    netPnl(): number;
    /** Sample equity for drawdown and exposure; returns the current drawdown. */
    update(): number;
    get realizedPnl(): number;
    get fees(): number;
    get maxDrawdown(): number;
    get maxExposure(): number;
    get trades(): number;
    get volume(): number;
    summary(): Record<string, PositionSummary>;
}
