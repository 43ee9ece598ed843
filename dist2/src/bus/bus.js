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
import { Observable, Subject, Subscriber, Subscription } from 'rxjs';
import { TapedeckError } from '../errors.js';
/**
 * One delivery target of a stream: a plain subscriber's callback (guarded), or an operator
 * chain's Subscriber. `closed` is set when it unsubscribes, so a dispatch already under way
 * skips it (as RxJS's Subject does).
 */
class Sink {
    next;
    complete;
    closed = false;
    constructor(next, complete) {
        this.next = next;
        this.complete = complete;
    }
}
/**
 * The subscribers of one stream, in subscription order. Copy-on-write: a dispatch iterates the
 * array it started with, so subscribing during a dispatch takes effect from the next event (as
 * with RxJS's Subject).
 */
class SinkList {
    items = [];
    completed = false;
    add(s) {
        this.items = [...this.items, s];
    }
    remove(s) {
        const i = this.items.indexOf(s);
        if (i < 0)
            return;
        const next = this.items.slice();
        next.splice(i, 1);
        this.items = next;
    }
    complete() {
        if (this.completed)
            return;
        this.completed = true;
        const items = this.items;
        this.items = [];
        for (const s of items) {
            if (s.closed)
                continue;
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
class BusStream extends Observable {
    list;
    test;
    report;
    constructor(list, test, report) {
        super();
        this.list = list;
        this.test = test;
        this.report = report;
    }
    subscribe(observerOrNext, error, complete) {
        const list = this.list;
        const test = this.test;
        if (observerOrNext instanceof Subscriber) {
            const subscriber = observerOrNext;
            if (list.completed) {
                subscriber.complete();
                return subscriber;
            }
            const next = test
                ? (e) => {
                    if (test(e))
                        subscriber.next(e);
                }
                : (e) => subscriber.next(e);
            const sink = new Sink(next, () => subscriber.complete());
            list.add(sink);
            subscriber.add(() => {
                sink.closed = true;
                list.remove(sink);
            });
            return subscriber;
        }
        void error; // the bus's streams never error
        const observer = typeof observerOrNext === 'function' ? { next: observerOrNext, complete: complete ?? undefined } : (observerOrNext ?? {});
        const onNext = observer.next?.bind(observer);
        const onComplete = observer.complete?.bind(observer);
        if (list.completed) {
            onComplete?.();
            const closed = new Subscription();
            closed.unsubscribe();
            return closed;
        }
        const report = this.report;
        let next;
        if (!onNext)
            next = noop;
        else if (test) {
            next = (e) => {
                if (!test(e))
                    return;
                try {
                    onNext(e);
                }
                catch (err) {
                    report(err, e);
                }
            };
        }
        else {
            next = (e) => {
                try {
                    onNext(e);
                }
                catch (err) {
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
function noop() { }
export class EventBus {
    all = new SinkList();
    byType = new Map();
    errorsSubject = new Subject();
    onError;
    queue = [];
    dispatching = false;
    completing = false;
    completed = false;
    published = 0;
    errors = 0;
    /** Every event, in publish order. */
    events$;
    /** Subscriber exceptions; never errors itself. */
    errors$;
    constructor(options = {}) {
        this.onError = options.onError;
        this.events$ = new BusStream(this.all, undefined, this.report);
        this.errors$ = this.errorsSubject.asObservable();
    }
    /** Events published so far (delivered or queued). */
    get publishedCount() {
        return this.published;
    }
    /** Subscriber exceptions caught so far. */
    get errorCount() {
        return this.errors;
    }
    get isComplete() {
        return this.completed || this.completing;
    }
    /** Deliver an event to every subscriber (after the current one, if called from a subscriber). */
    publish(event) {
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
            if (this.queue.length > 0)
                this.drain();
        }
        finally {
            this.dispatching = false;
        }
        if (this.completing)
            this.finishComplete();
    }
    /** Events of one type, narrowed; optionally only one symbol and/or venue. */
    on(type, where = {}) {
        let list = this.byType.get(type);
        if (!list) {
            list = new SinkList();
            if (this.completed)
                list.completed = true;
            this.byType.set(type, list);
        }
        return new BusStream(list, matcher(where), this.report);
    }
    /** Every event (of any type) that has this symbol: ticks, orders, fills, signals, risk. */
    onSymbol(symbol) {
        return new BusStream(this.all, (e) => symbolOf(e) === symbol, this.report);
    }
    /** Every event that names this venue: ticks, orders, fills. */
    onVenue(venue) {
        return new BusStream(this.all, (e) => venueOf(e) === venue, this.report);
    }
    /**
     * A plain callback subscription, optionally filtered by type, symbol and venue. Exceptions
     * are reported on `errors$` and the handler stays subscribed.
     */
    subscribe(handler, where = {}) {
        const types = where.types ? new Set(where.types) : undefined;
        const test = matcher(where);
        if (!types && !test)
            return this.events$.subscribe(handler);
        const both = (e) => (!types || types.has(e.type)) && (!test || test(e));
        return new BusStream(this.all, both, this.report).subscribe(handler);
    }
    /** Complete every stream (after queued events are delivered). Idempotent. */
    complete() {
        if (this.completed || this.completing)
            return;
        if (this.dispatching) {
            this.completing = true; // finish the drain first, so queued events are not lost
            return;
        }
        this.completing = true;
        this.finishComplete();
    }
    finishComplete() {
        this.completed = true;
        this.completing = false;
        this.all.complete();
        for (const l of this.byType.values())
            l.complete();
        this.errorsSubject.complete();
    }
    /** Delivers the events published from inside subscribers, in order (the queue may grow meanwhile). */
    drain() {
        const q = this.queue;
        try {
            for (let i = 0; i < q.length; i++)
                this.deliver(q[i]);
        }
        finally {
            q.length = 0;
        }
    }
    deliver(event) {
        try {
            const all = this.all.items;
            for (let i = 0; i < all.length; i++) {
                const s = all[i];
                if (!s.closed)
                    s.next(event);
            }
            if (this.byType.size > 0) {
                const list = this.byType.get(event.type);
                if (list !== undefined) {
                    const typed = list.items;
                    for (let i = 0; i < typed.length; i++) {
                        const s = typed[i];
                        if (!s.closed)
                            s.next(event);
                    }
                }
            }
        }
        catch (e) {
            // Only reachable with RxJS's deprecated synchronous error handling; keep the bus alive.
            this.report(e, event);
        }
    }
    report = (error, event) => {
        this.errors++;
        try {
            this.onError?.(error, event);
        }
        catch {
            // An error handler that throws must not kill the bus either.
        }
        this.errorsSubject.next({ error, event });
    };
}
function symbolOf(e) {
    return e.type === 'system' ? undefined : e.symbol;
}
function venueOf(e) {
    return e.type === 'tick' || e.type === 'order' || e.type === 'fill' ? e.venue : undefined;
}
function matcher(where) {
    const { symbol, venue } = where;
    if (symbol === undefined && venue === undefined)
        return undefined;
    return (e) => (symbol === undefined || symbolOf(e) === symbol) && (venue === undefined || venueOf(e) === venue);
}
//# sourceMappingURL=bus.js.map