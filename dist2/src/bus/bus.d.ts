/**
 * The event bus: a typed, hot RxJS stream of tape events. The replayer publishes to it; a
 * recorder, a dashboard or a strategy subscribes (or publishes too).
 *
 * Delivery rules, chosen so every subscriber sees the same order in every run:
 * - Synchronous: `publish` returns after every current subscriber has seen the event.
 * - Re-entrant publishes are queued, not nested: an event published from inside a subscriber is
 *   delivered to everybody after the current event has reached everybody. (A nested
 *   `Subject.next` would give subscribers after the publisher the events in a different order.)
 * - Within one event: `events$` subscribers first, then `on(type)` subscribers, each group in
 *   subscription order.
 * - A subscriber that throws never reaches the others: direct subscriptions to `events$`,
 *   `on()`, `onSymbol()`, `onVenue()` and `subscribe()` are wrapped, the error is reported on
 *   `errors$` (and `onError`) and the subscriber stays subscribed. Errors thrown inside a piped
 *   operator chain follow RxJS: they end that chain's subscription only; the bus and the other
 *   subscribers carry on.
 *
 * Delivery is a plain loop over each stream's subscribers (no Subject, no Subscriber layers for
 * a plain callback): the bus is on the replayer's hot path, once per event.
 */
import { Observable, Subscription } from 'rxjs';
import type { EventOf, EventType, TapeEvent } from '../events/types.js';
export interface BusFilter {
    symbol?: string;
    venue?: string;
}
/** A subscriber's exception, with the event it was handling. */
export interface BusError {
    error: unknown;
    event: TapeEvent | undefined;
}
export interface EventBusOptions {
    /** Called with each subscriber exception (in addition to `errors$`). */
    onError?: (error: unknown, event: TapeEvent | undefined) => void;
}
export declare class EventBus {
    private readonly all;
    private readonly byType;
    private readonly errorsSubject;
    private readonly onError;
    private readonly queue;
    private dispatching;
    private completing;
    private completed;
    private published;
    private errors;
    /** Every event, in publish order. */
    readonly events$: Observable<TapeEvent>;
    /** Subscriber exceptions; never errors itself. */
    readonly errors$: Observable<BusError>;
    constructor(options?: EventBusOptions);
    /** Events published so far (delivered or queued). */
    get publishedCount(): number;
    /** Subscriber exceptions caught so far. */
    get errorCount(): number;
    get isComplete(): boolean;
    /** Deliver an event to every subscriber (after the current one, if called from a subscriber). */
    publish(event: TapeEvent): void;
    /** Events of one type, narrowed; optionally only one symbol and/or venue. */
    on<T extends EventType>(type: T, where?: BusFilter): Observable<EventOf<T>>;
    /** Every event (of any type) that has this symbol: ticks, orders, fills, signals, risk. */
    onSymbol(symbol: string): Observable<TapeEvent>;
    /** Every event that names this venue: ticks, orders, fills. */
    onVenue(venue: string): Observable<TapeEvent>;
    /**
     * A plain callback subscription, optionally filtered by type, symbol and venue. Exceptions
     * are reported on `errors$` and the handler stays subscribed.
     */
    subscribe(handler: (event: TapeEvent) => void, where?: BusFilter & {
        types?: readonly EventType[];
    }): Subscription;
    /** Complete every stream (after queued events are delivered). Idempotent. */
    complete(): void;
    private finishComplete;
    /** Delivers the events published from inside subscribers, in order (the queue may grow meanwhile). */
    private drain;
    private deliver;
    private readonly report;
}
