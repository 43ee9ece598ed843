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
 */
import { Observable, Subject, Subscriber, filter, type Observer, type Subscription } from 'rxjs';
import { TapedeckError } from '../errors.js';
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

type NextFn<T> = (value: T) => void;
type ObserverArg<T> = Partial<Observer<T>> | NextFn<T> | null | undefined;

/**
 * An Observable whose direct subscribers are shielded: a throwing `next` is reported to the bus
 * instead of RxJS's unhandled-error path (which rethrows on a timer and would crash Node).
 */
class GuardedObservable<T> extends Observable<T> {
  constructor(
    private readonly inner: Observable<T>,
    private readonly report: (error: unknown, value: T | undefined) => void,
  ) {
    super();
  }

  override subscribe(
    observerOrNext?: ObserverArg<T>,
    error?: ((err: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // Operators subscribe with a Subscriber: pass it through so teardown stays linked.
    if (observerOrNext instanceof Subscriber) return this.inner.subscribe(observerOrNext);
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function'
        ? { next: observerOrNext, error: error ?? undefined, complete: complete ?? undefined }
        : (observerOrNext ?? {});
    const next = observer.next?.bind(observer);
    const report = this.report;
    return this.inner.subscribe({
      next: next
        ? (v: T) => {
            try {
              next(v);
            } catch (e) {
              report(e, v);
            }
          }
        : undefined,
      error: observer.error?.bind(observer),
      complete: observer.complete?.bind(observer),
    });
  }
}

export class EventBus {
  private readonly all = new Subject<TapeEvent>();
  private readonly byType = new Map<EventType, Subject<TapeEvent>>();
  private readonly errorsSubject = new Subject<BusError>();
  private readonly onError: EventBusOptions['onError'];
  private readonly queue: TapeEvent[] = [];
  private dispatching = false;
  private completing = false;
  private completed = false;
  private published = 0;
  private errors = 0;

  /** Every event, in publish order. */
  readonly events$: Observable<TapeEvent>;
  /** Subscriber exceptions; never errors itself. */
  readonly errors$: Observable<BusError>;

  constructor(options: EventBusOptions = {}) {
    this.onError = options.onError;
    this.events$ = this.guard(this.all.asObservable());
    this.errors$ = this.errorsSubject.asObservable();
  }

  /** Events published so far (delivered or queued). */
  get publishedCount(): number {
    return this.published;
  }

  /** Subscriber exceptions caught so far. */
  get errorCount(): number {
    return this.errors;
  }

  get isComplete(): boolean {
    return this.completed || this.completing;
  }

  /** Deliver an event to every subscriber (after the current one, if called from a subscriber). */
  publish(event: TapeEvent): void {
    if (this.completed || this.completing) {
      throw new TapedeckError('BAD_ARGUMENT', 'publish on a completed bus', { type: event.type, seq: event.seq });
    }
    this.published++;
    if (this.dispatching) {
      this.queue.push(event);
      return;
    }
    this.dispatching = true;
    try {
      this.deliver(event);
      // Index walk: the queue may grow while we drain it.
      for (let i = 0; i < this.queue.length; i++) this.deliver(this.queue[i]!);
    } finally {
      this.queue.length = 0;
      this.dispatching = false;
    }
    if (this.completing) this.finishComplete();
  }

  /** Events of one type, narrowed; optionally only one symbol and/or venue. */
  on<T extends EventType>(type: T, where: BusFilter = {}): Observable<EventOf<T>> {
    let subject = this.byType.get(type);
    if (!subject) {
      subject = new Subject<TapeEvent>();
      if (this.completed) subject.complete();
      this.byType.set(type, subject);
    }
    let src = subject.asObservable() as unknown as Observable<EventOf<T>>;
    const test = matcher<EventOf<T>>(where);
    if (test) src = src.pipe(filter(test));
    return this.guard(src);
  }

  /** Every event (of any type) that has this symbol: ticks, orders, fills, signals, risk. */
  onSymbol(symbol: string): Observable<TapeEvent> {
    return this.guard(this.all.pipe(filter((e) => symbolOf(e) === symbol)));
  }

  /** Every event that names this venue: ticks, orders, fills. */
  onVenue(venue: string): Observable<TapeEvent> {
    return this.guard(this.all.pipe(filter((e) => venueOf(e) === venue)));
  }

  /**
   * A plain callback subscription, optionally filtered by type, symbol and venue. Exceptions
   * are reported on `errors$` and the handler stays subscribed.
   */
  subscribe(handler: (event: TapeEvent) => void, where: BusFilter & { types?: readonly EventType[] } = {}): Subscription {
    const types = where.types ? new Set<EventType>(where.types) : undefined;
    const test = matcher<TapeEvent>(where);
    return this.events$.subscribe((e) => {
      if (types && !types.has(e.type)) return;
      if (test && !test(e)) return;
      handler(e);
    });
  }

  /** Complete every stream (after queued events are delivered). Idempotent. */
  complete(): void {
    if (this.completed || this.completing) return;
    if (this.dispatching) {
      this.completing = true; // finish the drain first, so queued events are not lost
      return;
    }
    this.completing = true;
    this.finishComplete();
  }

  private finishComplete(): void {
    this.completed = true;
    this.completing = false;
    this.all.complete();
    for (const s of this.byType.values()) s.complete();
    this.errorsSubject.complete();
  }

  private deliver(event: TapeEvent): void {
    try {
      this.all.next(event);
      this.byType.get(event.type)?.next(event);
    } catch (e) {
      // Only reachable with RxJS's deprecated synchronous error handling; keep the bus alive.
      this.report(e, event);
    }
  }

  private readonly report = (error: unknown, event: TapeEvent | undefined): void => {
    this.errors++;
    try {
      this.onError?.(error, event);
    } catch {
      // An error handler that throws must not kill the bus either.
    }
    this.errorsSubject.next({ error, event });
  };

  private guard<T extends TapeEvent>(src: Observable<T>): Observable<T> {
    return new GuardedObservable<T>(src, this.report as (e: unknown, v: T | undefined) => void);
  }
}

function symbolOf(e: TapeEvent): string | undefined {
  return e.type === 'system' ? undefined : e.symbol;
}

function venueOf(e: TapeEvent): string | undefined {
  return e.type === 'tick' || e.type === 'order' || e.type === 'fill' ? e.venue : undefined;
}

function matcher<T extends TapeEvent>(where: BusFilter): ((e: T) => boolean) | undefined {
  const { symbol, venue } = where;
  if (symbol === undefined && venue === undefined) return undefined;
  return (e) => (symbol === undefined || symbolOf(e) === symbol) && (venue === undefined || venueOf(e) === venue);
}
