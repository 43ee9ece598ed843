import type { FillEvent, OrderEvent, TapeEvent, TickEvent } from '../events/types.js';
import type { OrderIdentity, OrderStatus } from './strategy.js';
export type LatencySpec = bigint | number | {
    minNs: bigint | number;
    maxNs: bigint | number;
} | ((rng: () => number) => bigint);
export interface FeeSchedule {
    /** Fee in basis points of notional for resting (maker) fills; negative for a rebate. */
    makerBps?: number;
    /** Fee in basis points of notional for taking (taker) fills. */
    takerBps?: number;
    /** Fee per unit of quantity, maker fills. */
    makerPerUnit?: number;
    /** Fee per unit of quantity, taker fills. */
    takerPerUnit?: number;
}
export interface VenueOptions {
    /** The venue name orders carry when neither the order nor a tick names one. Default 'sim'. */
    name?: string;
    /** One-way latency strategy → venue, ns. Default 0. */
    latency?: LatencySpec;
    fees?: FeeSchedule;
    /** Limit prices must be multiples of this (within 1e-9 of a step). */
    tickSize?: number;
    /** Whether a trade exactly at a resting limit fills it ('at-or-through', default) or only a
     *  trade through it ('through': assumes the order is at the back of the queue). */
    tradeFill?: 'at-or-through' | 'through';
}
/** An order's full state, shared by the engine and the venue. */
export interface OrderState extends OrderIdentity {
    readonly tif: string;
    readonly strategy: string | undefined;
    /** Sent by the kill switch to flatten a position. */
    readonly flatten: boolean;
    /** Seq of the order's `new` event. */
    readonly newSeq: number | undefined;
    filled: number;
    status: OrderStatus;
    cancelRequested: boolean;
    /** Arrival order at the venue: time priority. */
    arrival: number;
}
/** What the venue needs from its host (the engine). */
export interface VenueHost {
    readonly runId: string;
    now(): bigint;
    /** Record an event; returns its output seq. */
    emit(event: TapeEvent): number;
    /** Called after an order event about `order` has been emitted. */
    orderUpdated(order: OrderState, event: OrderEvent, seq: number): void;
    /** Called after a fill has been emitted (order.filled already includes it). */
    filled(order: OrderState, event: FillEvent, seq: number): void;
}
export interface Book {
    bid: number | undefined;
    ask: number | undefined;
    /** Displayed size left at the bid / ask after fills against the current quote. */
    bidAvail: number;
    askAvail: number;
    last: number | undefined;
    ts: bigint;
}
export declare function remainingOf(o: OrderState): number;
/** A latency function over the seeded source. Random draws are uniform integers in [min, max]. */
export declare function latencyFn(spec: LatencySpec | undefined, rng: () => number): () => bigint;
export declare class SimVenue {
    readonly name: string;
    private readonly host;
    private readonly fees;
    private readonly tickSize;
    private readonly tradeAtPrice;
    private readonly drawLatency;
    /** venue → symbol → slot (nested maps: no key string built per tick). */
    private readonly slots;
    private lastArrival;
    private arrivals;
    private fillCount;
    constructor(options: VenueOptions, host: VenueHost, rng: () => number);
    /** When a message sent now reaches the venue: now + latency, never before an earlier one. */
    arrivalTime(now: bigint): bigint;
    private slot;
    book(venue: string, symbol: string): Readonly<Book> | undefined;
    /** Update the book from a tick, then match working orders against it. Returns the book. */
    onTick(tick: TickEvent): Readonly<Book>;
    private matchSide;
    /** An order reaches the venue. */
    arrive(o: OrderState): void;
    private validate;
    private rest;
    /** A cancel reaches the venue. */
    cancel(o: OrderState, cause: number | undefined): void;
    /** The session ends: working `day` orders expire. Returns how many orders stay working. */
    endSession(): number;
    private unrest;
    private fill;
    private orderEvent;
}
