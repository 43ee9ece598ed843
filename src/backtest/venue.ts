/**
 * A simulated venue, driven by the engine in replay order, with two fill models (`fillModel`):
 * 'top' (the default, below) matches against the top of book of the ticks; 'l2' matches against
 * the recorded L2 book with queue positions (l2-queue.ts; docs/BACKTEST.md "Fill models").
 *
 * The 'top' model:
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
 * The 'l2' model: the market is the book rebuilt from the input's `book` events (src/book), per
 * venue and symbol, applied a whole venue message at a time; ticks contribute only their trades.
 * - An order arriving while its book is missing or untrusted (a gap since the last snapshot) is
 *   rejected. A market order, or a limit order that crosses, walks the other side's levels best
 *   first, filling at each level's price up to its displayed size (liquidity our orders took stays
 *   taken until the venue reports that level again).
 * - A resting limit order joins the queue behind the size displayed at its price when it arrives.
 *   A trade print at its price (a tick with last/lastSize, or a book `trade`) consumes the queue
 *   ahead first and fills the order only with what trades beyond it; a print through its price
 *   fills it; a level that shrinks caps the queue ahead (cancels are assumed behind the order:
 *   hftbacktest's RiskAdverseQueueModel). When the other side's book moves to or through its
 *   price, it fills as maker at its price up to the size displayed there.
 * - The top of book used for marks and risk checks is the L2 book's best bid and ask.
 *
 * Event causes: ack, reject, ioc expiry and fills on arrival point at the order's `new` event;
 * fills from a tick or a book message point at the tick or the message's last event; cancel
 * confirmations at the event that led the strategy to cancel; end-of-session expiries have none.
 */
import { BookBuilder } from '../book/book-builder.js';
import type { Level, OrderBook } from '../book/order-book.js';
import { TapedeckError } from '../errors.js';
import { toDecimal, toNumber } from '../events/decimal.js';
import type { BookEvent, FillEvent, OrderAction, OrderEvent, Side, SystemEvent, TapeEvent, TickEvent } from '../events/types.js';
import { restsOn, TakenLiquidity, takesFrom, tradeFills, walkLevels, type QueueSlot } from './l2-queue.js';
import type { SlotRow, VenueState } from './engine-state.js';
import type { BookLevels, OrderIdentity, OrderStatus } from './strategy.js';

/** A side's levels, best first (the book's own array: read, never kept). */
const levelsOf = (ob: OrderBook, side: 'bid' | 'ask'): readonly Level[] => (side === 'bid' ? ob.bids.levels : ob.asks.levels);

/** 'top': match against the ticks' top of book; 'l2': against the recorded L2 book, with queues. */
export type FillModel = 'top' | 'l2';
export const FILL_MODELS: readonly FillModel[] = ['top', 'l2'];

export type LatencySpec =
  | bigint
  | number
  | { minNs: bigint | number; maxNs: bigint | number }
  | ((rng: () => number) => bigint);

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
  /** Default 'top'. 'l2' needs `book` events in the input for every symbol traded. */
  fillModel?: FillModel;
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

const EPS = 1e-9;
const TIFS: ReadonlySet<string> = new Set(['gtc', 'day', 'ioc']);

export function remainingOf(o: OrderState): number {
  const r = o.qty - o.filled;
  return r <= Math.abs(o.qty) * EPS ? 0 : r;
}

/**
 * A handle on one symbol's slot on one venue (slotRef), for onTickAt: the engine keeps it per
 * symbol instead of finding the slot with two map lookups per tick. Valid until loadState (which
 * only a fresh engine calls, before any tick).
 */
export type VenueSlot = { readonly book: Readonly<Book> };

/** One symbol on one venue: its book and its working orders in priority order. */
interface Slot {
  book: Book;
  buys: OrderState[];
  sells: OrderState[];
  /** 'l2': displayed size our orders took, per level, until the venue reports the level again. */
  taken: TakenLiquidity | undefined;
}

function toNs(v: bigint | number, what: string): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n) throw new TapedeckError('BAD_ARGUMENT', `${what} must be ≥ 0 ns`, { value: String(v) });
    return v;
  }
  if (!Number.isFinite(v) || v < 0) throw new TapedeckError('BAD_ARGUMENT', `${what} must be a finite number ≥ 0 ns`, { value: v });
  return BigInt(Math.round(v));
}

/** A latency function over the seeded source. Random draws are uniform integers in [min, max]. */
export function latencyFn(spec: LatencySpec | undefined, rng: () => number): () => bigint {
  if (spec === undefined) return () => 0n;
  if (typeof spec === 'function') {
    return () => {
      const v = spec(rng);
      if (typeof v !== 'bigint' || v < 0n) throw new TapedeckError('BAD_ARGUMENT', 'latency function must return a bigint ≥ 0 ns', { value: String(v) });
      return v;
    };
  }
  if (typeof spec === 'object') {
    const min = toNs(spec.minNs, 'latency.minNs');
    const max = toNs(spec.maxNs, 'latency.maxNs');
    if (max < min) throw new TapedeckError('BAD_ARGUMENT', 'latency.maxNs must be ≥ latency.minNs', { min: String(min), max: String(max) });
    const span = Number(max - min) + 1;
    return () => min + BigInt(Math.min(span - 1, Math.floor(rng() * span)));
  }
  const fixed = toNs(spec, 'latency');
  return () => fixed;
}

export class SimVenue {
  readonly name: string;
  private readonly host: VenueHost;
  private readonly fees: Required<FeeSchedule>;
  private readonly tickSize: number | undefined;
  private readonly tradeAtPrice: boolean;
  private readonly drawLatency: () => bigint;
  /** venue → symbol → slot (nested maps: no key string built per tick). */
  private readonly slots = new Map<string, Map<string, Slot>>();
  private lastArrival = 0n;
  private arrivals = 0;
  private fillCount = 0;
  readonly fillModel: FillModel;
  /** 'l2': the books rebuilt from the input, and each resting limit order's queue position. */
  private readonly l2: BookBuilder | undefined;
  private readonly queues = new Map<OrderState, QueueSlot>();
  private message: { book: OrderBook; events: readonly BookEvent[] } | undefined;

  constructor(options: VenueOptions, host: VenueHost, rng: () => number) {
    this.name = options.name ?? 'sim';
    if (this.name.length === 0) throw new TapedeckError('BAD_ARGUMENT', 'venue name must not be empty', {});
    this.host = host;
    const f = options.fees ?? {};
    this.fees = { makerBps: f.makerBps ?? 0, takerBps: f.takerBps ?? 0, makerPerUnit: f.makerPerUnit ?? 0, takerPerUnit: f.takerPerUnit ?? 0 };
    for (const [k, v] of Object.entries(this.fees)) {
      if (!Number.isFinite(v)) throw new TapedeckError('BAD_ARGUMENT', `fees.${k} must be a finite number`, { value: v });
    }
    if (options.tickSize !== undefined && !(options.tickSize > 0 && Number.isFinite(options.tickSize))) {
      throw new TapedeckError('BAD_ARGUMENT', 'tickSize must be a finite number > 0', { value: options.tickSize });
    }
    this.tickSize = options.tickSize;
    this.tradeAtPrice = (options.tradeFill ?? 'at-or-through') === 'at-or-through';
    this.drawLatency = latencyFn(options.latency, rng);
    this.fillModel = options.fillModel ?? 'top';
    if (!FILL_MODELS.includes(this.fillModel)) {
      throw new TapedeckError('BAD_ARGUMENT', `fillModel must be one of ${FILL_MODELS.join(', ')}`, { value: String(this.fillModel) });
    }
    if (this.fillModel === 'l2') {
      this.l2 = new BookBuilder();
      this.l2.onMessage = (book, events) => {
        this.message = { book, events };
      };
    }
  }

  /** When a message sent now reaches the venue: now + latency, never before an earlier one. */
  arrivalTime(now: bigint): bigint {
    let t = now + this.drawLatency();
    if (t < this.lastArrival) t = this.lastArrival;
    this.lastArrival = t;
    return t;
  }

  private slot(venue: string, symbol: string, ts: bigint): Slot {
    let bySymbol = this.slots.get(venue);
    if (!bySymbol) {
      bySymbol = new Map();
      this.slots.set(venue, bySymbol);
    }
    let slot = bySymbol.get(symbol);
    if (!slot) {
      slot = { book: { bid: undefined, ask: undefined, bidAvail: 0, askAvail: 0, last: undefined, ts }, buys: [], sells: [], taken: undefined };
      bySymbol.set(symbol, slot);
    }
    return slot;
  }

  book(venue: string, symbol: string): Readonly<Book> | undefined {
    return this.slots.get(venue)?.get(symbol)?.book;
  }

  /** The slot of a venue and symbol (made, with a book at ts, if it is new): see VenueSlot. */
  slotRef(venue: string, symbol: string, ts: bigint): VenueSlot {
    return this.slot(venue, symbol, ts);
  }

  /** Update the book from a tick, then match working orders against it. Returns the book. */
  onTick(tick: TickEvent): Readonly<Book> {
    return this.onTickAt(this.slot(tick.venue, tick.symbol, tick.ts), tick);
  }

  /** onTick with the slot of the tick's venue and symbol already found (slotRef). */
  onTickAt(ref: VenueSlot, tick: TickEvent): Readonly<Book> {
    const w = ref as Slot;
    const book = w.book;
    book.ts = tick.ts;
    if (this.l2) {
      // The L2 book is the market; a tick contributes its trade print.
      if (tick.last !== undefined) {
        book.last = toNumber(tick.last);
        const size = toNumber(tick.lastSize);
        if (size !== undefined && size > 0) this.l2Trade(w, book.last, size, tick.aggressor, tick.seq);
      }
      return book;
    }
    if (tick.bid !== undefined) {
      book.bid = toNumber(tick.bid);
      book.bidAvail = toNumber(tick.bidSize) ?? Infinity;
    }
    if (tick.ask !== undefined) {
      book.ask = toNumber(tick.ask);
      book.askAvail = toNumber(tick.askSize) ?? Infinity;
    }
    if (tick.last !== undefined) book.last = toNumber(tick.last);
    if (w.buys.length > 0) w.buys = this.matchSide(w.buys, 'buy', tick, book, tick.seq);
    if (w.sells.length > 0) w.sells = this.matchSide(w.sells, 'sell', tick, book, tick.seq);
    return book;
  }

  private matchSide(orders: OrderState[], side: Side, tick: TickEvent, book: Book, cause: number | undefined): OrderState[] {
    const buy = side === 'buy';
    const quote = toNumber(buy ? tick.ask : tick.bid);
    let tradeAvail = tick.last !== undefined ? (toNumber(tick.lastSize) ?? Infinity) : 0;
    let anyDone = false;
    for (const o of orders) {
      const rem = remainingOf(o);
      if (rem <= 0) continue;
      let qty = 0;
      let price = 0;
      let liquidity: 'maker' | 'taker' = 'maker';
      let fromQuote = false;
      let fromTrade = false;
      if (o.kind === 'market') {
        const avail = buy ? book.askAvail : book.bidAvail;
        if (quote === undefined || avail <= 0) continue;
        qty = Math.min(rem, avail);
        price = quote;
        liquidity = 'taker';
        fromQuote = true;
      } else {
        const limit = o.price!;
        const quoteAvail = buy ? book.askAvail : book.bidAvail;
        fromQuote = quote !== undefined && quoteAvail > 0 && (buy ? quote < limit : quote > limit);
        const last = toNumber(tick.last);
        fromTrade =
          last !== undefined &&
          tradeAvail > 0 &&
          (buy ? last < limit || (this.tradeAtPrice && last === limit) : last > limit || (this.tradeAtPrice && last === limit));
        if (!fromQuote && !fromTrade) continue;
        qty = Math.min(rem, Math.max(fromQuote ? quoteAvail : 0, fromTrade ? tradeAvail : 0));
        price = limit;
      }
      if (fromQuote) {
        if (buy) book.askAvail = Math.max(0, book.askAvail - qty);
        else book.bidAvail = Math.max(0, book.bidAvail - qty);
      }
      if (fromTrade) tradeAvail = Math.max(0, tradeAvail - qty);
      this.fill(o, price, qty, liquidity, cause);
      if (remainingOf(o) <= 0) anyDone = true;
    }
    return anyDone ? orders.filter((o) => o.status === 'open') : orders;
  }

  /** An order reaches the venue. */
  arrive(o: OrderState): void {
    o.arrival = ++this.arrivals;
    const problem = this.validate(o);
    if (problem) {
      o.status = 'rejected';
      this.orderEvent(o, 'reject', o.qty, problem, o.newSeq);
      return;
    }
    if (this.l2) {
      this.arriveL2(o);
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
    const crosses = touch !== undefined && (o.kind === 'market' || (buy ? o.price! >= touch : o.price! <= touch));
    if (crosses && book) {
      // book is the slot's own (mutable) book; Readonly is for outside callers.
      const live = book as Book;
      const avail = buy ? live.askAvail : live.bidAvail;
      const qty = Math.min(o.qty, avail);
      if (qty > 0) {
        if (buy) live.askAvail -= qty;
        else live.bidAvail -= qty;
        this.fill(o, touch, qty, 'taker', o.newSeq);
      }
    }
    if (this.keepsWorking(o)) this.rest(o);
  }

  /** After an arriving order took what it could: false when it is done or its ioc remainder expired. */
  private keepsWorking(o: OrderState): boolean {
    const rem = remainingOf(o);
    if (rem <= 0) return false;
    if (o.tif === 'ioc') {
      o.status = 'expired';
      this.orderEvent(o, 'expire', rem, 'ioc: unfilled remainder', o.newSeq);
      return false;
    }
    return true;
  }

  // ---- the 'l2' model --------------------------------------------------------------------------

  /**
   * A book event from the input. Returns the top-of-book view when it completed a venue message
   * (and matched working orders against the new book), else undefined; always undefined for 'top'.
   */
  onBook(ev: BookEvent): Readonly<Book> | undefined {
    if (!this.l2) return undefined;
    this.l2.push(ev);
    const m = this.message;
    if (!m) return undefined;
    this.message = undefined;
    return this.afterMessage(m.book, m.events, ev.seq);
  }

  /** A recorded gap (system event naming a venue and symbol): under 'l2' that book is untrusted until its next snapshot. */
  onGap(ev: SystemEvent): void {
    this.l2?.push(ev);
  }

  private afterMessage(ob: OrderBook, events: readonly BookEvent[], cause: number | undefined): Book {
    const w = this.slot(ob.venue, ob.symbol, ob.ts);
    const taken = (w.taken ??= new TakenLiquidity());
    for (const e of events) {
      if (e.action === 'trade' && e.price !== undefined && e.size !== undefined) {
        const aggressor: Side | undefined = e.side === 'bid' ? 'buy' : e.side === 'ask' ? 'sell' : undefined;
        this.l2Trade(w, toNumber(e.price), toNumber(e.size), aggressor, cause);
      }
    }
    for (const e of events) {
      if (e.action === 'clear') taken.clear(e.side);
      else if (e.price !== undefined) {
        const px = toNumber(e.price);
        if (e.side !== 'ask') taken.reset('bid', px);
        if (e.side !== 'bid') taken.reset('ask', px);
      }
    }
    const book = w.book;
    book.ts = ob.ts;
    const bid = ob.bestBid();
    const ask = ob.bestAsk();
    book.bid = bid?.price.value;
    book.bidAvail = bid ? bid.size.value : 0;
    book.ask = ask?.price.value;
    book.askAvail = ask ? ask.size.value : 0;
    // A level that shrank caps the queue ahead of the orders resting there.
    for (const list of [w.buys, w.sells]) {
      for (const o of list) {
        const q = this.queues.get(o);
        if (q) q.aheadQty = Math.min(q.aheadQty, ob.depthAt(restsOn(o.side), toDecimal(q.price)).value);
      }
    }
    // The other side at or through a resting limit fills it (as maker, at its price); working
    // market orders take what the new book shows. Never against a book that is not trusted.
    if (ob.trusted) {
      if (w.buys.length > 0) w.buys = this.crossWorking(w.buys, ob, taken, cause);
      if (w.sells.length > 0) w.sells = this.crossWorking(w.sells, ob, taken, cause);
    }
    return book;
  }

  private crossWorking(orders: OrderState[], ob: OrderBook, taken: TakenLiquidity, cause: number | undefined): OrderState[] {
    let anyDone = false;
    for (const o of orders) {
      const rem = remainingOf(o);
      if (rem <= 0) continue;
      const levels = levelsOf(ob, takesFrom(o.side));
      if (o.kind === 'market') walkLevels(levels, o.side, undefined, rem, taken, (px, qty) => this.fill(o, px, qty, 'taker', cause));
      else walkLevels(levels, o.side, o.price!, rem, taken, (_px, qty) => this.fill(o, o.price!, qty, 'maker', cause));
      if (remainingOf(o) <= 0) anyDone = true;
    }
    return anyDone ? orders.filter((o) => o.status === 'open') : orders;
  }

  /** A trade print: resting limits of the side it traded against, through or at their price. */
  private l2Trade(w: Slot, price: number, size: number, aggressor: Side | undefined, cause: number | undefined): void {
    const left = { qty: size };
    // A seller's print meets the resting buys, a buyer's the sells; an unknown aggressor either
    // (bids first), sharing the one print's size.
    if (aggressor !== 'buy' && w.buys.length > 0) w.buys = this.tradeSide(w.buys, price, size, left, cause);
    if (aggressor !== 'sell' && w.sells.length > 0 && left.qty > 0) w.sells = this.tradeSide(w.sells, price, size, left, cause);
  }

  private tradeSide(orders: OrderState[], price: number, size: number, left: { qty: number }, cause: number | undefined): OrderState[] {
    const resting = orders.filter((o) => this.queues.has(o) && remainingOf(o) > 0);
    if (resting.length === 0) return orders;
    const fills = tradeFills(
      resting.map((o) => this.queues.get(o)!),
      resting.map(remainingOf),
      price,
      size,
      left,
    );
    let anyDone = false;
    for (let i = 0; i < resting.length; i++) {
      if (fills[i]! <= 0) continue;
      const o = resting[i]!;
      this.fill(o, o.price!, fills[i]!, 'maker', cause);
      if (remainingOf(o) <= 0) anyDone = true;
    }
    return anyDone ? orders.filter((o) => o.status === 'open') : orders;
  }

  private arriveL2(o: OrderState): void {
    const ob = this.l2!.book(o.venue, o.symbol);
    if (!ob || !ob.trusted || (ob.bestBid() === undefined && ob.bestAsk() === undefined)) {
      o.status = 'rejected';
      const why = !ob || (ob.bestBid() === undefined && ob.bestAsk() === undefined) ? 'no L2 book' : 'the L2 book is not trusted (a gap since its last snapshot)';
      this.orderEvent(o, 'reject', o.qty, `${why} for ${o.symbol} on ${o.venue}`, o.newSeq);
      return;
    }
    const levels = levelsOf(ob, takesFrom(o.side));
    if (o.kind === 'market' && levels.length === 0) {
      o.status = 'rejected';
      this.orderEvent(o, 'reject', o.qty, `no market for ${o.symbol} on ${o.venue}`, o.newSeq);
      return;
    }
    o.status = 'open';
    this.orderEvent(o, 'ack', o.qty, undefined, o.newSeq);
    const w = this.slot(o.venue, o.symbol, 0n);
    const taken = (w.taken ??= new TakenLiquidity());
    walkLevels(levels, o.side, o.kind === 'market' ? undefined : o.price!, o.qty, taken, (px, qty) => this.fill(o, px, qty, 'taker', o.newSeq));
    if (!this.keepsWorking(o)) return;
    if (o.kind === 'limit') {
      // Behind everything displayed at its price now.
      this.queues.set(o, { side: o.side, price: o.price!, aheadQty: ob.depthAt(restsOn(o.side), toDecimal(o.price!)).value });
    }
    this.rest(o);
  }

  /** Under 'l2': the books rebuilt from the input (their own snapshot part, books.bin). */
  get books(): BookBuilder | undefined {
    return this.l2;
  }

  /**
   * The venue's state for an engine snapshot (engine-state.ts): every slot's book, priority lists
   * (as order ids) and taken liquidity, and the queue positions. Called between input events only
   * (no venue message is half applied then).
   */
  saveState(): VenueState {
    const slots: SlotRow[] = [];
    for (const [venue, bySymbol] of this.slots) {
      for (const [symbol, w] of bySymbol) {
        slots.push({
          venue,
          symbol,
          book: { ...w.book },
          buys: w.buys.map((o) => o.orderId),
          sells: w.sells.map((o) => o.orderId),
          taken: w.taken?.saveState(),
        });
      }
    }
    const queues: [string, number, number][] = [];
    for (const [o, q] of this.queues) queues.push([o.orderId, q.price, q.aheadQty]);
    return { lastArrival: this.lastArrival, arrivals: this.arrivals, fillCount: this.fillCount, slots, queues };
  }

  /** Restores what saveState gave; `order` resolves an id to the engine's (restored) order object. */
  loadState(s: VenueState, order: (orderId: string) => OrderState): void {
    this.slots.clear();
    for (const r of s.slots) {
      let bySymbol = this.slots.get(r.venue);
      if (!bySymbol) {
        bySymbol = new Map();
        this.slots.set(r.venue, bySymbol);
      }
      let taken: TakenLiquidity | undefined;
      if (r.taken) {
        taken = new TakenLiquidity();
        taken.loadState(r.taken);
      }
      bySymbol.set(r.symbol, { book: { ...r.book }, buys: r.buys.map(order), sells: r.sells.map(order), taken });
    }
    this.queues.clear();
    for (const [id, price, aheadQty] of s.queues) {
      const o = order(id);
      this.queues.set(o, { side: o.side, price, aheadQty });
    }
    this.lastArrival = s.lastArrival;
    this.arrivals = s.arrivals;
    this.fillCount = s.fillCount;
    this.message = undefined;
  }

  /** Under 'l2': a copy of a book's top levels (for the strategy's ctx.book). */
  bookLevels(venue: string, symbol: string, depth: number): BookLevels | undefined {
    const ob = this.l2?.book(venue, symbol);
    if (!ob || ob.messages === 0) return undefined;
    const side = (s: 'bid' | 'ask') => ob.top(s, depth).map((l) => ({ price: l.price.value, size: l.size.value }));
    return { venue, symbol, trusted: ob.trusted, bids: side('bid'), asks: side('ask') };
  }

  private validate(o: OrderState): string | undefined {
    if (o.kind !== 'market' && o.kind !== 'limit') return `unsupported order kind ${o.kind}`;
    if (!TIFS.has(o.tif)) return `unsupported time in force ${o.tif}`;
    if (o.kind === 'limit') {
      if (o.price === undefined) return 'limit order without a price';
      if (this.tickSize !== undefined) {
        const steps = o.price / this.tickSize;
        if (Math.abs(steps - Math.round(steps)) > 1e-9 * Math.max(1, Math.abs(steps))) {
          return `price ${o.price} is not a multiple of the tick size ${this.tickSize}`;
        }
      }
    }
    return undefined;
  }

  private rest(o: OrderState): void {
    const w = this.slot(o.venue, o.symbol, 0n);
    const list = o.side === 'buy' ? w.buys : w.sells;
    // Priority: market orders, then better price, then earlier arrival.
    const better = (a: OrderState, b: OrderState): boolean => {
      if (a.kind !== b.kind) return a.kind === 'market';
      if (a.kind === 'limit' && a.price !== b.price) return o.side === 'buy' ? a.price! > b.price! : a.price! < b.price!;
      return a.arrival < b.arrival;
    };
    let i = list.length;
    while (i > 0 && better(o, list[i - 1]!)) i--;
    list.splice(i, 0, o);
  }

  /** A cancel reaches the venue. */
  cancel(o: OrderState, cause: number | undefined): void {
    o.cancelRequested = false;
    if (o.status !== 'open') {
      this.orderEvent(o, 'reject', o.qty, `cancel rejected: order is ${o.status}`, cause);
      return;
    }
    this.unrest(o);
    this.queues.delete(o);
    o.status = 'canceled';
    this.orderEvent(o, 'cancel', remainingOf(o), 'canceled', cause);
  }

  /** The session ends: working `day` orders expire. Returns how many orders stay working. */
  endSession(): number {
    let left = 0;
    for (const bySymbol of this.slots.values()) for (const w of bySymbol.values()) {
      for (const list of [w.buys, w.sells]) {
        for (const o of list) {
          if (o.status !== 'open') continue;
          if (o.tif === 'day') {
            o.status = 'expired';
            this.queues.delete(o);
            this.orderEvent(o, 'expire', remainingOf(o), 'end of day', undefined);
          } else left++;
        }
      }
      w.buys = w.buys.filter((o) => o.status === 'open');
      w.sells = w.sells.filter((o) => o.status === 'open');
    }
    return left;
  }

  private unrest(o: OrderState): void {
    const w = this.slots.get(o.venue)?.get(o.symbol);
    if (!w) return;
    const list = o.side === 'buy' ? w.buys : w.sells;
    const i = list.indexOf(o);
    if (i >= 0) list.splice(i, 1);
  }

  private fill(o: OrderState, price: number, qty: number, liquidity: 'maker' | 'taker', cause: number | undefined): void {
    o.filled += qty;
    if (remainingOf(o) <= 0) {
      o.filled = o.qty; // absorb float dust so the order closes exactly
      o.status = 'filled';
      this.queues.delete(o);
    }
    const f = this.fees;
    const fee =
      liquidity === 'maker'
        ? (price * qty * f.makerBps) / 10_000 + qty * f.makerPerUnit
        : (price * qty * f.takerBps) / 10_000 + qty * f.takerPerUnit;
    const ev: FillEvent = {
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
    if (cause !== undefined) ev.cause = cause;
    const seq = this.host.emit(ev);
    this.host.filled(o, ev, seq);
  }

  private orderEvent(o: OrderState, action: OrderAction, qty: number, reason: string | undefined, cause: number | undefined): void {
    const ev: OrderEvent = {
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
    if (cause !== undefined) ev.cause = cause;
    if (o.price !== undefined) ev.price = o.price;
    if (o.strategy !== undefined) ev.strategy = o.strategy;
    if (reason !== undefined) ev.reason = reason;
    const seq = this.host.emit(ev);
    this.host.orderUpdated(o, ev, seq);
  }
}
