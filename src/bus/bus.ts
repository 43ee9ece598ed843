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
import { Observable, Subject, Subscriber, Subscription, type Observer } from 'rxjs';
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
type Report = (error: unknown, event: TapeEvent | undefined) => void;

/**
 * One delivery target of a stream: a plain subscriber's callback (guarded), or an operator
 * chain's Subscriber. `closed` is set when it unsubscribes, so a dispatch already under way
 * skips it (as RxJS's Subject does).
 */
class Sink {
  closed = false;
  constructor(
    readonly next: (event: TapeEvent) => void,
    readonly complete: () => void,
  ) {}
}

/**
 * The subscribers of one stream, in subscription order. Copy-on-write: a dispatch iterates the
 * array it started with, so subscribing during a dispatch takes effect from the next event (as
 * with RxJS's Subject).
 */
class SinkList {
  items: readonly Sink[] = [];
  completed = false;

  add(s: Sink): void {
    this.items = [...this.items, s];
  }

  remove(s: Sink): void {
    const i = this.items.indexOf(s);
    if (i < 0) return;
    const next = this.items.slice();
    next.splice(i, 1);
    this.items = next;
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    const items = this.items;
    this.items = [];
    for (const s of items) {
      if (s.closed) continue;
      s.closed = true;
      s.complete();
    }
  }
}

/**
 * A hot stream of the bus: what subscribes is registered in a SinkList and called directly by
 * the bus, without a Subject in between. A plain subscriber (a function or a partial observer)
 * is shielded: a throwing `next` is reported to the bus instead of RxJS's unhandled-error path
 * (which rethrows on a timer and would crash Node). An operator chain (pipe) subscribes with a
 * Subscriber, which is called as it is, so errors in the chain follow RxJS.
 */
class BusStream<T extends TapeEvent> extends Observable<T> {
  constructor(
    private readonly list: SinkList,
    private readonly test: ((e: TapeEvent) => boolean) | undefined,
    private readonly report: Report,
  ) {
    super();
  }

  override subscribe(
    observerOrNext?: ObserverArg<T>,
    error?: ((err: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    const list = this.list;
    const test = this.test;
    if (observerOrNext instanceof Subscriber) {
      const subscriber = observerOrNext as Subscriber<T>;
      if (list.completed) {
        subscriber.complete();
        return subscriber;
      }
      const next = test
        ? (e: TapeEvent) => {
            if (test(e)) subscriber.next(e as T);
          }
        : (e: TapeEvent) => subscriber.next(e as T);
      const sink = new Sink(next, () => subscriber.complete());
      list.add(sink);
      subscriber.add(() => {
        sink.closed = true;
        list.remove(sink);
      });
      return subscriber;
    }
    void error; // the bus's streams never error
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' ? { next: observerOrNext, complete: complete ?? undefined } : (observerOrNext ?? {});
    const onNext = observer.next?.bind(observer);
    const onComplete = observer.complete?.bind(observer);
    if (list.completed) {
      onComplete?.();
      const closed = new Subscription();
      closed.unsubscribe();
      return closed;
    }
    const report = this.report;
    let next: (e: TapeEvent) => void;
    if (!onNext) next = noop;
    else if (test) {
      next = (e) => {
        if (!test(e)) return;
        try {
          onNext(e as T);
        } catch (err) {
          report(err, e);
        }
      };
    } else {
      next = (e) => {
        try {
          onNext(e as T);
        } catch (err) {
          report(err, e);
        }
      };
    }
    const subscription = new Subscription(() => {
      sink.closed = true;
      list.remove(sink);
    });
    const sink = new Sink(next, () => {
      onComplete?.();
      subscription.unsubscribe();
    });
    list.add(sink);
    return subscription;
  }
}

function noop(): void {}

export class EventBus {
  private readonly all = new SinkList();
  private readonly byType = new Map<EventType, SinkList>();
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
    this.events$ = new BusStream<TapeEvent>(this.all, undefined, this.report);
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
      if (this.queue.length > 0) this.drain();
    } finally {
      this.dispatching = false;
    }
    if (this.completing) this.finishComplete();
  }

  /** Events of one type, narrowed; optionally only one symbol and/or venue. */
  on<T extends EventType>(type: T, where: BusFilter = {}): Observable<EventOf<T>> {
    let list = this.byType.get(type);
    if (!list) {
      list = new SinkList();
      if (this.completed) list.completed = true;
      this.byType.set(type, list);
    }
    return new BusStream<EventOf<T>>(list, matcher<TapeEvent>(where), this.report);
  }

  /** Every event (of any type) that has this symbol: ticks, orders, fills, signals, risk. */
  onSymbol(symbol: string): Observable<TapeEvent> {
    return new BusStream<TapeEvent>(this.all, (e) => symbolOf(e) === symbol, this.report);
  }

  /** Every event that names this venue: ticks, orders, fills. */
  onVenue(venue: string): Observable<TapeEvent> {
    return new BusStream<TapeEvent>(this.all, (e) => venueOf(e) === venue, this.report);
  }

  /**
   * A plain callback subscription, optionally filtered by type, symbol and venue. Exceptions
   * are reported on `errors$` and the handler stays subscribed.
   */
  subscribe(handler: (event: TapeEvent) => void, where: BusFilter & { types?: readonly EventType[] } = {}): Subscription {
    const types = where.types ? new Set<EventType>(where.types) : undefined;
    const test = matcher<TapeEvent>(where);
    if (!types && !test) return this.events$.subscribe(handler);
    const both = (e: TapeEvent): boolean => (!types || types.has(e.type)) && (!test || test(e));
    return new BusStream<TapeEvent>(this.all, both, this.report).subscribe(handler);
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
    for (const l of this.byType.values()) l.complete();
    this.errorsSubject.complete();
  }

  /** Delivers the events published from inside subscribers, in order (the queue may grow meanwhile). */
  private drain(): void {
    const q = this.queue;
    try {
      for (let i = 0; i < q.length; i++) this.deliver(q[i]!);
    } finally {
      q.length = 0;
    }
  }

  private deliver(event: TapeEvent): void {
    try {
      const all = this.all.items;
      for (let i = 0; i < all.length; i++) {
        const s = all[i]!;
        if (!s.closed) s.next(event);
      }
      if (this.byType.size > 0) {
        const list = this.byType.get(event.type);
        if (list !== undefined) {
          const typed = list.items;
          for (let i = 0; i < typed.length; i++) {
            const s = typed[i]!;
            if (!s.closed) s.next(event);
          }
        }
      }
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
