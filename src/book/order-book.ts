/**
 * One venue's order book for one symbol, rebuilt from `book` events (docs/EVENTS.md §5): L2
 * levels (price → absolute size) and, for L3 feeds, the resting orders that make them up. Sizes
 * are exact Decimals; levels are kept sorted, best first, so best bid/ask and the top N are cheap.
 * Pure state: no I/O; the builder (book-builder.ts) decides when events are applied.
 */
import { addDecimals, compareDecimals, Decimal, toDecimal } from '../events/decimal.js';
import type { BookEvent, BookSide } from '../events/types.js';
import { CaptureRegistry } from '../events/lazy-capture.js';

export interface Level {
  readonly price: Decimal;
  readonly size: Decimal;
}

interface Order {
  side: BookSide;
  price: Decimal;
  size: Decimal;
  /** Insertion number (lazy-capture.ts): the book's order is ascending n. */
  readonly n: number;
}

type OrderRow = [string, BookSide, Decimal, Decimal];

/** A book's whole state, copied: what a snapshot holds (book-state.ts encodes it). */
export interface OrderBookState {
  trusted: boolean;
  venueSeq: number | undefined;
  checksum: number | undefined;
  ts: bigint;
  exchTs: bigint | undefined;
  messages: number;
  bids: Level[];
  asks: Level[];
  /** Resting orders (L3), in the book's order: [orderId, side, price, size] (an array, or read lazily). */
  orders: OrderList;
}

/** Resting orders of a state: an array, or a capture read lazily (its length known up front). */
export interface OrderList extends Iterable<[string, BookSide, Decimal, Decimal]> {
  readonly length: number;
}

const ZERO = new Decimal(0, 0);

/** The side's levels, best first: bids descending, asks ascending. */
class BookSide_ {
  readonly levels: Level[] = [];
  constructor(private readonly bid: boolean) {}

  /** Index of the level at price, or where it would go (-(i+1)). */
  find(price: Decimal): number {
    const arr = this.levels;
    const px = price.value;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = arr[mid]!.price;
      // Doubles order distinct venue prices; exact comparison only when the doubles tie.
      const c = m.value !== px ? (m.value < px ? -1 : 1) : compareDecimals(m, price);
      if (c === 0) return mid;
      if (this.bid ? c > 0 : c < 0) lo = mid + 1;
      else hi = mid;
    }
    return -(lo + 1);
  }

  /** The level's absolute size (0 removes it). */
  set(price: Decimal, size: Decimal): void {
    const i = this.find(price);
    if (size.isZero()) {
      if (i >= 0) this.levels.splice(i, 1);
    } else if (i >= 0) {
      this.levels[i] = { price, size };
    } else {
      this.levels.splice(-i - 1, 0, { price, size });
    }
  }

  add(price: Decimal, delta: Decimal, sign: 1 | -1): void {
    const i = this.find(price);
    const old = i >= 0 ? this.levels[i]!.size : ZERO;
    const next = addDecimals(old, delta, sign);
    this.set(i >= 0 ? this.levels[i]!.price : price, next.mantissa <= 0 ? ZERO : next);
  }

  sizeAt(price: Decimal): Decimal {
    const i = this.find(price);
    return i >= 0 ? this.levels[i]!.size : ZERO;
  }
}

export class OrderBook {
  readonly bids = new BookSide_(true);
  readonly asks = new BookSide_(false);
  private readonly orders = new Map<string, Order>();
  private orderN = 0;
  /** Snapshots still reading the orders (captureState). */
  private readonly captures = new CaptureRegistry<OrderRow>();
  /** False until a snapshot or clear, and after a gap or a bad-book flag until the next one. */
  trusted = false;
  /** The venueSeq of the last applied message, and its checksum if the venue sent one. */
  venueSeq: number | undefined;
  checksum: number | undefined;
  /** ts (recording) and exchTs of the last applied event. */
  ts = 0n;
  exchTs: bigint | undefined;
  /** Messages (LAST boundaries) applied. */
  messages = 0;

  constructor(
    readonly venue: string,
    readonly symbol: string,
  ) {}

  private side(s: BookSide): BookSide_ {
    return s === 'bid' ? this.bids : this.asks;
  }

  /** Applies one event (the builder calls this for a whole message at its LAST). */
  apply(e: BookEvent): void {
    this.ts = e.ts;
    if (e.exchTs !== undefined) this.exchTs = e.exchTs;
    const price = e.price === undefined ? undefined : toDecimal(e.price);
    const size = e.size === undefined ? undefined : toDecimal(e.size);
    switch (e.action) {
      case 'clear':
        if (e.side === undefined || e.side === 'bid') this.bids.levels.length = 0;
        if (e.side === undefined || e.side === 'ask') this.asks.levels.length = 0;
        for (const [id, o] of this.orders) if (e.side === undefined || o.side === e.side) this.dropOrder(id, o);
        this.trusted = true;
        break;
      case 'set':
        if (e.side !== undefined && price !== undefined && size !== undefined) this.side(e.side).set(price, size);
        break;
      case 'add':
        if (e.orderId !== undefined && e.side !== undefined && price !== undefined && size !== undefined) {
          this.remove(e.orderId);
          this.orders.set(e.orderId, { side: e.side, price, size, n: ++this.orderN });
          this.side(e.side).add(price, size, 1);
        }
        break;
      case 'modify':
        if (e.orderId !== undefined && price !== undefined && size !== undefined) {
          const had = this.orders.get(e.orderId);
          const side = e.side ?? had?.side;
          // Price-time priority, as Databento's MBO books apply it: a modify that keeps the price
          // and does not raise the size keeps the order's place in its queue; a new price or a
          // larger size sends it to the back (a new insertion number).
          if (had && side === had.side && !size.isZero() && compareDecimals(price, had.price) === 0 && compareDecimals(size, had.size) <= 0) {
            this.side(had.side).add(had.price, addDecimals(had.size, size, -1), -1);
            if (this.captures.active) this.beforeChange(e.orderId, had, false);
            had.size = size;
            break;
          }
          this.remove(e.orderId);
          if (side !== undefined && !size.isZero()) {
            this.orders.set(e.orderId, { side, price, size, n: ++this.orderN });
            this.side(side).add(price, size, 1);
          }
        }
        break;
      case 'cancel': {
        // size: what remains of the order.
        const o = e.orderId === undefined ? undefined : this.orders.get(e.orderId);
        if (o && size !== undefined) {
          this.side(o.side).add(o.price, addDecimals(o.size, size, -1), -1);
          if (size.isZero()) this.dropOrder(e.orderId!, o);
          else {
            if (this.captures.active) this.beforeChange(e.orderId!, o, false);
            o.size = size;
          }
        }
        break;
      }
      case 'fill': {
        const o = e.orderId === undefined ? undefined : this.orders.get(e.orderId);
        if (o && size !== undefined) {
          this.side(o.side).add(o.price, size, -1);
          const left = addDecimals(o.size, size, -1);
          if (left.mantissa <= 0) this.dropOrder(e.orderId!, o);
          else {
            if (this.captures.active) this.beforeChange(e.orderId!, o, false);
            o.size = left;
          }
        }
        break;
      }
      case 'trade':
        break; // informational: the book changes through fills and cancels
    }
    if (e.venueSeq !== undefined) this.venueSeq = e.venueSeq;
    if (e.checksum !== undefined) this.checksum = e.checksum;
  }

  private remove(orderId: string): void {
    const o = this.orders.get(orderId);
    if (!o) return;
    this.side(o.side).add(o.price, o.size, -1);
    this.dropOrder(orderId, o);
  }

  private dropOrder(orderId: string, o: Order): void {
    if (this.captures.active) this.beforeChange(orderId, o, true);
    this.orders.delete(orderId);
  }

  private beforeChange(orderId: string, o: Order, removing: boolean): void {
    this.captures.beforeChange(orderId, o.n, () => [orderId, o.side, o.price, o.size], removing);
  }

  bestBid(): Level | undefined {
    return this.bids.levels[0];
  }

  bestAsk(): Level | undefined {
    return this.asks.levels[0];
  }

  /** The top n levels of a side, best first. */
  top(side: BookSide, n: number): readonly Level[] {
    return this.side(side).levels.slice(0, n);
  }

  /** The displayed size at a price (0 when there is no level). */
  depthAt(side: BookSide, price: Decimal): Decimal {
    return this.side(side).sizeAt(price);
  }

  /**
   * A consistent copy of the whole state (levels are immutable objects, so copying the arrays is
   * enough; orders change in place, so each is copied). Orders in the book's own order (the order
   * they were added, which the log determines): sorting 100k ids would stall the caller for tens
   * of ms, and restore keeps that order, so restore → copy is the identity.
   */
  copyState(withOrders = true): OrderBookState {
    const orders: OrderRow[] = new Array(withOrders ? this.orders.size : 0);
    let i = 0;
    if (withOrders) for (const [id, o] of this.orders) orders[i++] = [id, o.side, o.price, o.size];
    return {
      trusted: this.trusted,
      venueSeq: this.venueSeq,
      checksum: this.checksum,
      ts: this.ts,
      exchTs: this.exchTs,
      messages: this.messages,
      bids: this.bids.levels.slice(),
      asks: this.asks.levels.slice(),
      orders,
    };
  }

  /**
   * The state as of now, at no cost now: levels are immutable objects, so the level arrays are
   * copied (a few thousand entries at most); the resting orders are read lazily as the snapshot is
   * written, through a capture that keeps the before-image of every order changed or removed before
   * it is read (lazy-capture.ts). The rows and their order are those copyState() gives now.
   */
  captureState(): OrderBookState {
    const c = this.captures.start(this.orderN, this.orders.size);
    const live = this.orders;
    const orders: OrderList = {
      length: c.count,
      [Symbol.iterator]: () => c.rows(live, (id, o: Order): OrderRow => [id, o.side, o.price, o.size]),
    };
    return { ...this.copyState(false), orders };
  }

  /** Replaces the whole state with a copy (see copyState). */
  restoreState(s: OrderBookState): void {
    if (this.captures.active) for (const [id, o] of this.orders) this.beforeChange(id, o, true);
    this.trusted = s.trusted;
    this.venueSeq = s.venueSeq;
    this.checksum = s.checksum;
    this.ts = s.ts;
    this.exchTs = s.exchTs;
    this.messages = s.messages;
    // Assigned one by one: a spread of 100k levels would overflow the call stack.
    this.bids.levels.length = 0;
    for (const l of s.bids) this.bids.levels.push(l);
    this.asks.levels.length = 0;
    for (const l of s.asks) this.asks.levels.push(l);
    this.orders.clear();
    for (const [id, side, price, size] of s.orders) this.orders.set(id, { side, price, size, n: ++this.orderN });
  }

  /** Number of resting orders (L3 feeds). */
  get orderCount(): number {
    return this.orders.size;
  }
}
