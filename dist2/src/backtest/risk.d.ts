import type { RiskSeverity, Side } from '../events/types.js';
export interface RiskOptions {
    /** Max absolute position per symbol, counting open orders as if filled. A number for every
     *  symbol, or a map by symbol ('*' for the rest). */
    maxPosition?: number | Readonly<Record<string, number>>;
    /** Max orders accepted per second of replay time (a trailing 1 s window). */
    maxOrdersPerSecond?: number;
    /** Max notional (qty × price) of one order; market orders are priced at the touch. */
    maxNotional?: number;
    /** Kill when net PnL (realized + unrealized − fees) ≤ −maxLoss. */
    maxLoss?: number;
    /** Kill when net PnL has fallen this far from its peak. */
    maxDrawdown?: number;
    /** A passing order that brings a position (per symbol and side) or order notional (per
     *  symbol) to at least this fraction of its limit gets a `warn` event, once until an order
     *  for the same key passes below the fraction again. Default 0.9; 0 turns warnings off. */
    warnAt?: number;
}
export interface RiskDecision {
    rule: string;
    severity: RiskSeverity;
    symbol?: string;
    detail: string;
    value?: number;
    limit?: number;
}
/** What the risk checks need to know about an order and its symbol. */
export interface OrderRiskInput {
    symbol: string;
    side: Side;
    qty: number;
    /** The price used for notional: the limit price, or the touch for market orders. */
    refPrice: number | undefined;
    position: number;
    /** Remaining qty of the strategy's live buy / sell orders in this symbol. */
    openBuy: number;
    openSell: number;
    now: bigint;
}
export declare class RiskManager {
    private readonly opts;
    private readonly warnAt;
    /** Accept times of recent orders, oldest first; `head` skips the expired ones. */
    private readonly accepted;
    private head;
    /** Warning keys currently in the warn zone: each warns once on the way in. */
    private readonly warned;
    constructor(options?: RiskOptions);
    maxPositionFor(symbol: string): number | undefined;
    /**
     * Decisions for one order: warnings first, then at most one block (the order stops there).
     * An order that passes is counted for the rate limit.
     */
    checkOrder(o: OrderRiskInput): RiskDecision[];
    private positionRule;
    private notionalRule;
    /** True when `key` enters the warn zone now (not when it was already there). */
    private zone;
    private rateRule;
    /** The kill decision for the current PnL, if a kill limit is breached. */
    checkKill(netPnl: number, drawdown: number): RiskDecision | undefined;
}
