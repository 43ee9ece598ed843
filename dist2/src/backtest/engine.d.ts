/**
 * The backtest engine: pure and synchronous, driven one input event at a time in replay order.
 *
 * Time. `onEvent(ev)` first runs every scheduled job (order or cancel reaching the venue, strategy
 * timer) due at or before ev.ts, in (ts, scheduling order); then sets the clock to ev.ts and
 * handles the event; then runs jobs that became due at that same instant (zero latency, timers
 * set in the past). Output events carry the clock's time, which never goes back.
 *
 * A tick goes to the venue (book update, fills of working orders), is marked to market, then goes
 * to the strategy (onFill for its fills first, then onTick). An input `risk` event of severity
 * `kill` (a scripted kill switch) trips the kill switch. Other input events only move the clock.
 *
 * Output seqs and causes (the convention the recorder relies on):
 * - The engine numbers its outputs seqBase, seqBase+1, ... in emission order and passes each
 *   number to `emit(event, seq)`. Record the outputs in exactly that order, after whatever the
 *   runner writes first (seqBase = the seq the first output will get in the output log; e.g.
 *   the log's first seq + 1 when a session-start is recorded first), and the numbers equal the
 *   log's seqs. Output events do not carry `seq` themselves; the log assigns it.
 * - `cause` of an event triggered by an input event is that input event's seq (from the input
 *   recording; absent when the input event had none). `cause` of an event triggered by an output
 *   event is that output's number as above. Timers carry the cause current when they were set.
 * - Chains: tick → signal → order new → (risk warn/block → order reject) → ack → fill; a fill on
 *   arrival is caused by the order's `new`, a fill of a working order by the tick that crossed.
 *   An order submitted after a signal in the same callback is caused by that signal, otherwise
 *   by the event being handled. A kill: trigger → risk kill → cancels and flatten orders.
 */
import { TapedeckError } from '../errors.js';
import type { TapeEvent } from '../events/types.js';
import { type PositionSummary } from './ledger.js';
import { type RiskOptions } from './risk.js';
import type { Strategy } from './strategy.js';
import { type VenueOptions } from './venue.js';
export interface BacktestOptions {
    strategy: Strategy;
    /** The output run's id, on every output event. */
    runId: string;
    /** The run's seeded source in [0, 1): latency draws and ctx.random(). */
    rng: () => number;
    venue?: VenueOptions;
    risk?: RiskOptions;
    /** The output seq of the first emitted event. Default 1. */
    seqBase?: number;
    /** Input `risk` events of severity `kill` trip the kill switch. Default true. */
    honorInputKill?: boolean;
}
/** Receives every output event with its output seq, in order. */
export type EmitFn = (event: TapeEvent, seq: number) => void;
export interface BacktestSummary {
    runId: string;
    strategy: string;
    /** Replay time of the first and last input events (and of the last output). */
    startTs: bigint | undefined;
    endTs: bigint;
    eventsProcessed: number;
    ticks: number;
    eventsEmitted: number;
    /** Output seq range [firstSeq, lastSeq]; lastSeq = firstSeq − 1 when nothing was emitted. */
    firstSeq: number;
    lastSeq: number;
    signals: number;
    orders: number;
    acks: number;
    rejects: number;
    cancels: number;
    expires: number;
    /** Fills. */
    trades: number;
    volume: number;
    fees: number;
    realizedPnl: number;
    unrealizedPnl: number;
    /** realized + unrealized − fees. */
    netPnl: number;
    maxDrawdown: number;
    /** Sharpe-like ratio of the per-second net PnL changes (see pnl-series.ts). */
    sharpe: number;
    /** Max gross notional held (Σ |position × mark|). */
    maxExposure: number;
    riskEvents: number;
    blocked: number;
    killed: boolean;
    killReason: string | undefined;
    /** gtc orders still working, and orders never answered, at the end. */
    openOrders: number;
    positions: Record<string, PositionSummary>;
}
/** A strategy hook threw. The original error is the `cause`. */
export declare class StrategyError extends TapedeckError {
    readonly strategy: string;
    readonly hook: string;
    constructor(strategy: string, hook: string, ts: bigint, seq: number | undefined, cause: unknown);
}
export declare class BacktestEngine {
    readonly runId: string;
    readonly seqBase: number;
    private readonly strategy;
    private readonly emitFn;
    private readonly rng;
    private readonly venue;
    private readonly risk;
    private readonly ledger;
    private readonly jobs;
    private readonly honorInputKill;
    private readonly ctx;
    private seq;
    private clock;
    private readonly pnlSeries;
    private started;
    private finished;
    /** No more strategy callbacks: after a kill, or after onEnd. */
    private stopped;
    private killed;
    private killReason;
    private jobCount;
    private orderCount;
    /** Live orders by id, plus the most recently closed ones (closed orders are forgotten after
     *  a while so that long runs stay in bounded memory). */
    private readonly orders;
    private readonly closed;
    private closedHead;
    /** Live (pending or open) orders per symbol, in submission order. */
    private readonly live;
    private readonly lastTicks;
    private readonly lastVenue;
    private dirty;
    /** Strategy notifications raised while the venue works; delivered at the end of the step. */
    private readonly notes;
    private flushing;
    /** The event behind the latest PnL change (a fill or a tick's mark): the kill's cause. */
    private pnlCause;
    /** Symbols the kill switch is flattening (an info event marks each one flat). */
    private readonly flattening;
    /** Cause for what the current callback produces, and its symbol. */
    private trigger;
    private triggerSymbol;
    private lastSignal;
    private currentInputSeq;
    private startTs;
    private stats;
    constructor(options: BacktestOptions, emit: EmitFn);
    /** The output seq the next emitted event will get. */
    get nextSeq(): number;
    /** The replay clock (0n before the first event). */
    now(): bigint;
    get isKilled(): boolean;
    /** Start the strategy at replay time ts (done implicitly at the first event). */
    start(ts?: bigint): void;
    /** Feed one input event, in replay order. */
    onEvent(ev: TapeEvent): void;
    /** Trip the kill switch by hand: cancel everything, flatten, stop the strategy. */
    killSwitch(detail: string, cause?: number): void;
    /**
     * End the run: onEnd, then messages still in flight reach the venue (meeting the last known
     * market; timers no longer fire), then `day` orders expire. Returns the summary.
     */
    finish(): BacktestSummary;
    private out;
    private handleTick;
    /** After a step: sample PnL, check the kill switch, deliver queued notifications. */
    private settle;
    /** Run jobs due at or before `until` (all of them when undefined). */
    private runDue;
    private schedule;
    private callStrategy;
    private onVenueOrder;
    private onVenueFill;
    private dropLive;
    private emitRisk;
    private kill;
    /** Keep a killed run's position in a symbol heading to flat: market orders for what is left. */
    private ensureFlat;
    private requestCancel;
    /** Why an order cannot even be written as an order event, if it cannot. */
    private unrepresentable;
    private sendOrder;
    private track;
    /** Pre-trade checks; emits their risk events; returns the block, if any. */
    private preTrade;
    private isPastOrderId;
    private makeContext;
}
