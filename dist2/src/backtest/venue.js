/**
 * A simulated venue with top-of-book matching, driven by the engine in replay order.
 *
 * - Orders and cancels reach the venue after a latency (fixed, or drawn from the run's seeded
 *   source), first in first out: a message never overtakes an earlier one, as on one session.
 * - On arrival an order is rejected (unsupported kind or tif, limit without price, price off the
 *   tick grid, no market for the symbol) or acknowledged. A market order, or a limit order that
 *   crosses, takes liquidity at the touch (ask for buys, bid for sells) up to the quoted size;
 *   the rest expires for ioc, or keeps working otherwise.
 * - Working limit orders fill as maker at their limit price when a later tick quotes through
 *   them (ask < buy limit, bid > sell limit) or trades at or through them (tick.last), up to the
 *   quoted or traded size. Working market orders fill at each new quote on their side.
 * - Liquidity is shared: fills against a quote consume its displayed size until the next quote
 *   on that side; a trade print's size is shared by the orders it fills (best price, then
 *   arrival). A size missing from a tick means unlimited.
 * - `day` orders expire at the end of the session; `gtc` orders stay working.
 *
 * Event causes: ack, reject, ioc expiry and fills on arrival point at the order's `new` event;
 * fills from a tick point at the tick; cancel confirmations at the event that led the strategy
 * to cancel; end-of-session expiries have none.
 */
import { TapedeckError } from '../errors.js';
const EPS = 1e-9;
const TIFS = new Set(['gtc', 'day', 'ioc']);
export function remainingOf(o) {
    const r = o.qty - o.filled;
    return r <= Math.abs(o.qty) * EPS ? 0 : r;
}
function toNs(v, what) {
    if (typeof v === 'bigint') {
        if (v < 0n)
            throw new TapedeckError('BAD_ARGUMENT', `${what} must be ≥ 0 ns`, { value: String(v) });
        return v;
    }
    if (!Number.isFinite(v) || v < 0)
        throw new TapedeckError('BAD_ARGUMENT', `${what} must be a finite number ≥ 0 ns`, { value: v });
    return BigInt(Math.round(v));
}
/** A latency function over the seeded source. Random draws are uniform integers in [min, max]. */
export function latencyFn(spec, rng) {
    if (spec === undefined)
        return () => 0n;
    if (typeof spec === 'function') {
        return () => {
            const v = spec(rng);
            if (typeof v !== 'bigint' || v < 0n)
                throw new TapedeckError('BAD_ARGUMENT', 'latency function must return a bigint ≥ 0 ns', { value: String(v) });
            return v;
        };
    }
    if (typeof spec === 'object') {
        const min = toNs(spec.minNs, 'latency.minNs');
        const max = toNs(spec.maxNs, 'latency.maxNs');
        if (max < min)
            throw new TapedeckError('BAD_ARGUMENT', 'latency.maxNs must be ≥ latency.minNs', { min: String(min), max: String(max) });
        const span = Number(max - min) + 1;
        return () => min + BigInt(Math.min(span - 1, Math.floor(rng() * span)));
    }
    const fixed = toNs(spec, 'latency');
    return () => fixed;
}
export class SimVenue {
    name;
    host;
    fees;
    tickSize;
    tradeAtPrice;
    drawLatency;
    /** venue → symbol → slot (nested maps: no key string built per tick). */
    slots = new Map();
    lastArrival = 0n;
    arrivals = 0;
    fillCount = 0;
    constructor(options, host, rng) {
        this.name = options.name ?? 'sim';
        if (this.name.length === 0)
            throw new TapedeckError('BAD_ARGUMENT', 'venue name must not be empty', {});
        this.host = host;
        const f = options.fees ?? {};
        this.fees = { makerBps: f.makerBps ?? 0, takerBps: f.takerBps ?? 0, makerPerUnit: f.makerPerUnit ?? 0, takerPerUnit: f.takerPerUnit ?? 0 };
        for (const [k, v] of Object.entries(this.fees)) {
            if (!Number.isFinite(v))
                throw new TapedeckError('BAD_ARGUMENT', `fees.${k} must be a finite number`, { value: v });
        }
        if (options.tickSize !== undefined && !(options.tickSize > 0 && Number.isFinite(options.tickSize))) {
            throw new TapedeckError('BAD_ARGUMENT', 'tickSize must be a finite number > 0', { value: options.tickSize });
        }
        this.tickSize = options.tickSize;
        this.tradeAtPrice = (options.tradeFill ?? 'at-or-through') === 'at-or-through';
        this.drawLatency = latencyFn(options.latency, rng);
    }
    /** When a message sent now reaches the venue: now + latency, never before an earlier one. */
    arrivalTime(now) {
        let t = now + this.drawLatency();
        if (t < this.lastArrival)
            t = this.lastArrival;
        this.lastArrival = t;
        return t;
    }
    slot(venue, symbol, ts) {
        let bySymbol = this.slots.get(venue);
        if (!bySymbol) {
            bySymbol = new Map();
            this.slots.set(venue, bySymbol);
        }
        let slot = bySymbol.get(symbol);
        if (!slot) {
            slot = { book: { bid: undefined, ask: undefined, bidAvail: 0, askAvail: 0, last: undefined, ts }, buys: [], sells: [] };
            bySymbol.set(symbol, slot);
        }
        return slot;
    }
    book(venue, symbol) {
        return this.slots.get(venue)?.get(symbol)?.book;
    }
    /** Update the book from a tick, then match working orders against it. Returns the book. */
    onTick(tick) {
        const w = this.slot(tick.venue, tick.symbol, tick.ts);
        const book = w.book;
        book.ts = tick.ts;
        if (tick.bid !== undefined) {
            book.bid = tick.bid;
            book.bidAvail = tick.bidSize ?? Infinity;
        }
        if (tick.ask !== undefined) {
            book.ask = tick.ask;
            book.askAvail = tick.askSize ?? Infinity;
        }
        if (tick.last !== undefined)
            book.last = tick.last;
        if (w.buys.length > 0)
            w.buys = this.matchSide(w.buys, 'buy', tick, book, tick.seq);
        if (w.sells.length > 0)
            w.sells = this.matchSide(w.sells, 'sell', tick, book, tick.seq);
        return book;
    }
    matchSide(orders, side, tick, book, cause) {
        const buy = side === 'buy';
        const quote = buy ? tick.ask : tick.bid;
        let tradeAvail = tick.last !== undefined ? (tick.lastSize ?? Infinity) : 0;
        let anyDone = false;
        for (const o of orders) {
            const rem = remainingOf(o);
            if (rem <= 0)
                continue;
            let qty = 0;
            let price = 0;
            let liquidity = 'maker';
            let fromQuote = false;
            let fromTrade = false;
            if (o.kind === 'market') {
                const avail = buy ? book.askAvail : book.bidAvail;
                if (quote === undefined || avail <= 0)
                    continue;
                qty = Math.min(rem, avail);
                price = quote;
                liquidity = 'taker';
                fromQuote = true;
            }
            else {
                const limit = o.price;
                const quoteAvail = buy ? book.askAvail : book.bidAvail;
                fromQuote = quote !== undefined && quoteAvail > 0 && (buy ? quote < limit : quote > limit);
                const last = tick.last;
                fromTrade =
                    last !== undefined &&
                        tradeAvail > 0 &&
                        (buy ? last < limit || (this.tradeAtPrice && last === limit) : last > limit || (this.tradeAtPrice && last === limit));
                if (!fromQuote && !fromTrade)
                    continue;
                qty = Math.min(rem, Math.max(fromQuote ? quoteAvail : 0, fromTrade ? tradeAvail : 0));
                price = limit;
            }
            if (fromQuote) {
                if (buy)
                    book.askAvail = Math.max(0, book.askAvail - qty);
                else
                    book.bidAvail = Math.max(0, book.bidAvail - qty);
            }
            if (fromTrade)
                tradeAvail = Math.max(0, tradeAvail - qty);
            this.fill(o, price, qty, liquidity, cause);
            if (remainingOf(o) <= 0)
                anyDone = true;
        }
        return anyDone ? orders.filter((o) => o.status === 'open') : orders;
    }
    /** An order reaches the venue. */
    arrive(o) {
        o.arrival = ++this.arrivals;
        const problem = this.validate(o);
        if (problem) {
            o.status = 'rejected';
            this.orderEvent(o, 'reject', o.qty, problem, o.newSeq);
            return;
        }
        const book = this.book(o.venue, o.symbol);
        const buy = o.side === 'buy';
        const touch = book ? (buy ? book.ask : book.bid) : undefined;
        const hasMarket = book !== undefined && (book.bid !== undefined || book.ask !== undefined || book.last !== undefined);
        if (!hasMarket || (o.kind === 'market' && touch === undefined)) {
            o.status = 'rejected';
            this.orderEvent(o, 'reject', o.qty, `no market for ${o.symbol} on ${o.venue}`, o.newSeq);
            return;
        }
        o.status = 'open';
        this.orderEvent(o, 'ack', o.qty, undefined, o.newSeq);
        // Take liquidity at the touch if the order crosses.
        const crosses = touch !== undefined && (o.kind === 'market' || (buy ? o.price >= touch : o.price <= touch));
        if (crosses && book) {
            // book is the slot's own (mutable) book; Readonly is for outside callers.
            const live = book;
            const avail = buy ? live.askAvail : live.bidAvail;
            const qty = Math.min(o.qty, avail);
            if (qty > 0) {
                if (buy)
                    live.askAvail -= qty;
                else
                    live.bidAvail -= qty;
                this.fill(o, touch, qty, 'taker', o.newSeq);
            }
        }
        const rem = remainingOf(o);
        if (rem <= 0)
            return;
        if (o.tif === 'ioc') {
            o.status = 'expired';
            this.orderEvent(o, 'expire', rem, 'ioc: unfilled remainder', o.newSeq);
            return;
        }
        this.rest(o);
    }
    validate(o) {
        if (o.kind !== 'market' && o.kind !== 'limit')
            return `unsupported order kind ${o.kind}`;
        if (!TIFS.has(o.tif))
            return `unsupported time in force ${o.tif}`;
        if (o.kind === 'limit') {
            if (o.price === undefined)
                return 'limit order without a price';
            if (this.tickSize !== undefined) {
                const steps = o.price / this.tickSize;
                if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
                    return `price ${o.price} is not a multiple of the tick size ${this.tickSize}`;
                }
            }
        }
        return undefined;
    }
    rest(o) {
        const w = this.slot(o.venue, o.symbol, 0n);
        const list = o.side === 'buy' ? w.buys : w.sells;
        // Priority: market orders, then better price, then earlier arrival.
        const better = (a, b) => {
            if (a.kind !== b.kind)
                return a.kind === 'market';
            if (a.kind === 'limit' && a.price !== b.price)
                return o.side === 'buy' ? a.price > b.price : a.price < b.price;
            return a.arrival < b.arrival;
        };
        let i = list.length;
        while (i > 0 && better(o, list[i - 1]))
            i--;
        list.splice(i, 0, o);
    }
    /** A cancel reaches the venue. */
    cancel(o, cause) {
        o.cancelRequested = false;
        if (o.status !== 'open') {
            this.orderEvent(o, 'reject', o.qty, `cancel rejected: order is ${o.status}`, cause);
            return;
        }
        this.unrest(o);
        o.status = 'canceled';
        this.orderEvent(o, 'cancel', remainingOf(o), 'canceled', cause);
    }
    /** The session ends: working `day` orders expire. Returns how many orders stay working. */
    endSession() {
        let left = 0;
        for (const bySymbol of this.slots.values())
            for (const w of bySymbol.values()) {
                for (const list of [w.buys, w.sells]) {
                    for (const o of list) {
                        if (o.status !== 'open')
                            continue;
                        if (o.tif === 'day') {
                            o.status = 'expired';
                            this.orderEvent(o, 'expire', remainingOf(o), 'end of day', undefined);
                        }
                        else
                            left++;
                    }
                }
                w.buys = w.buys.filter((o) => o.status === 'open');
                w.sells = w.sells.filter((o) => o.status === 'open');
            }
        return left;
    }
    unrest(o) {
        const w = this.slots.get(o.venue)?.get(o.symbol);
        if (!w)
            return;
        const list = o.side === 'buy' ? w.buys : w.sells;
        const i = list.indexOf(o);
        if (i >= 0)
            list.splice(i, 1);
    }
    fill(o, price, qty, liquidity, cause) {
        o.filled += qty;
        if (remainingOf(o) <= 0) {
            o.filled = o.qty; // absorb float dust so the order closes exactly
            o.status = 'filled';
        }
        const f = this.fees;
        const fee = liquidity === 'maker'
            ? (price * qty * f.makerBps) / 10_000 + qty * f.makerPerUnit
            : (price * qty * f.takerBps) / 10_000 + qty * f.takerPerUnit;
        const ev = {
            type: 'fill',
            ts: this.host.now(),
            runId: this.host.runId,
            fillId: `F${++this.fillCount}`,
            orderId: o.orderId,
            venue: o.venue,
            symbol: o.symbol,
            side: o.side,
            price,
            qty,
            fee: fee === 0 ? 0 : fee,
            liquidity,
        };
        if (cause !== undefined)
            ev.cause = cause;
        const seq = this.host.emit(ev);
        this.host.filled(o, ev, seq);
    }
    orderEvent(o, action, qty, reason, cause) {
        const ev = {
            type: 'order',
            ts: this.host.now(),
            runId: this.host.runId,
            orderId: o.orderId,
            venue: o.venue,
            symbol: o.symbol,
            side: o.side,
            kind: o.kind,
            action,
            qty,
            tif: o.tif,
        };
        if (cause !== undefined)
            ev.cause = cause;
        if (o.price !== undefined)
            ev.price = o.price;
        if (o.strategy !== undefined)
            ev.strategy = o.strategy;
        if (reason !== undefined)
            ev.reason = reason;
        const seq = this.host.emit(ev);
        this.host.orderUpdated(o, ev, seq);
    }
}
//# sourceMappingURL=venue.js.map