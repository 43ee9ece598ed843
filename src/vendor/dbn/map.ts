/**
 * DBN records → tapedeck events (schema v2). `ts` is the receive time (`ts_recv`; OHLCV has none:
 * a bar's ts is its close), the venue's `ts_event` is `exchTs`, and `ts_in_delta`, `channel_id`,
 * `depth` and `ts_out` are kept where the record has them. Fixed-point prices (1e-9) become exact
 * decimals with integer arithmetic only; undefined-value sentinels become absent fields.
 *
 *   MBO              → book (L3): add, modify, cancel, fill, trade, clear; flags, sequence, order id.
 *                      A top-of-book add (F_TOB: IEXG, XCIS…, not an order) replaces its whole side:
 *                      a `clear` of the side and a `set` of the level (none when its price is UNDEF).
 *                      A None action changes nothing: counted, its LAST flag still ends the message.
 *   trades           → book `trade` (the aggressor's side), sequence and flags kept
 *   MBP-1, TBBO, BBO → tick (top of book; a trade action also fills last/lastSize/aggressor); a
 *                      tick has no flags: F_BAD_TS_RECV / F_MAYBE_BAD_BOOK are counted
 *                      (tickFlagsDropped, in the import summary), not kept
 *   MBP-10           → book (L2): the ten levels a side as `set`s of what changed (a level that
 *                      left the ten is set to 0), flags kept; a trade action adds a book `trade`
 *   OHLCV            → bar
 *   definition       → instrument (tick size, lot size, kind, currency, DBN instrument id)
 *   status, imbalance, statistics, error, system → system `note` with the record's fields as data
 *   symbol mapping   → updates the symbology (counted, not stored)
 *
 * The venue is the record's publisher's (publisher 1 → GLBX; a DBEQ.BASIC file holds IEXG, XCHI,
 * XCIS and EPRL records: four books), else the dataset's (GLBX.MDP3 → GLBX), unless given; the
 * symbol comes from the symbology, else the instrument id. The first record of each instrument is preceded by an
 * `instrument` event carrying the DBN instrument and publisher ids, so an export can write the
 * same record headers back.
 */
import { Decimal } from '../../events/decimal.js';
import { FLAG, PRICE_SCALE_DIGITS, RTYPE, UNDEF_ORDER_SIZE, UNDEF_PRICE, UNDEF_STAT_QUANTITY_V1, UNDEF_STAT_QUANTITY_V3, UNDEF_TIMESTAMP } from './layout.js';
import type { DbnMetadata } from './metadata.js';
import type { BidAskPair, DbnRecord } from './record.js';
import { publisherVenue } from './publishers.js';
import { SymbolMap } from './symbology.js';

export type Draft = Record<string, unknown> & { type: string; ts: bigint };

/**
 * `last`: the record ends a venue message. `unmapped`: the record itself became no event (counted
 * under this name); `drafts` may still announce its instrument, and `closes` names the book whose
 * message its LAST flag ends.
 */
export interface MapResult {
  drafts: Draft[];
  last: boolean;
  unmapped?: string;
  closes?: { venue: string; symbol: string };
}

/** A fixed-point price (1e-9 units) as an exact decimal with trailing zeros dropped; UNDEF → undefined. */
export function priceToDecimal(p: bigint): Decimal | undefined {
  if (p === UNDEF_PRICE) return undefined;
  let m = p;
  let e = -PRICE_SCALE_DIGITS;
  while (e < 0 && m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return new Decimal(m, e);
}

/** The exact fixed-point integer of a decimal price (throws if it has more than 9 fraction digits). */
export function decimalToPrice(d: Decimal | number): bigint {
  const dec = typeof d === 'number' ? Decimal.fromNumber(d) : d;
  const m = BigInt(dec.mantissa);
  const shift = dec.exponent + PRICE_SCALE_DIGITS;
  if (shift >= 0) return m * 10n ** BigInt(shift);
  const div = 10n ** BigInt(-shift);
  if (m % div !== 0n) throw new RangeError(`price ${dec.toString()} has more than ${PRICE_SCALE_DIGITS} decimal places`);
  return m / div;
}

const MBO_ACTION: Readonly<Record<string, string>> = { A: 'add', M: 'modify', C: 'cancel', F: 'fill', T: 'trade', R: 'clear' };
const BOOK_SIDE: Readonly<Record<string, 'bid' | 'ask'>> = { B: 'bid', A: 'ask' };
/** In trades, the side is the aggressor's: 'B' a buyer lifted the ask, 'A' a seller hit the bid. */
const AGGRESSOR: Readonly<Record<string, 'buy' | 'sell'>> = { B: 'buy', A: 'sell' };

const OHLCV_INTERVAL: ReadonlyMap<number, { name: string; ns: bigint }> = new Map([
  [RTYPE.OHLCV_1S, { name: '1s', ns: 1_000_000_000n }],
  [RTYPE.OHLCV_1M, { name: '1m', ns: 60_000_000_000n }],
  [RTYPE.OHLCV_1H, { name: '1h', ns: 3_600_000_000_000n }],
  [RTYPE.OHLCV_1D, { name: '1d', ns: 86_400_000_000_000n }],
  [RTYPE.OHLCV_EOD, { name: 'eod', ns: 86_400_000_000_000n }],
  [RTYPE.OHLCV_DEPRECATED, { name: '1d', ns: 86_400_000_000_000n }],
]);
export const INTERVAL_RTYPE: ReadonlyMap<string, number> = new Map([
  ['1s', RTYPE.OHLCV_1S],
  ['1m', RTYPE.OHLCV_1M],
  ['1h', RTYPE.OHLCV_1H],
  ['1d', RTYPE.OHLCV_1D],
  ['eod', RTYPE.OHLCV_EOD],
]);
export function intervalNs(name: string): bigint | undefined {
  for (const v of OHLCV_INTERVAL.values()) if (v.name === name) return v.ns;
  return undefined;
}

const INSTRUMENT_CLASS: Readonly<Record<string, string>> = {
  B: 'bond',
  C: 'call',
  F: 'future',
  K: 'stock',
  M: 'mixed-spread',
  P: 'put',
  S: 'future-spread',
  T: 'option-spread',
  X: 'fx-spot',
  Y: 'commodity-spot',
};

export interface DbnMapOptions {
  /** The venue of every event (default: the record's publisher's, else the dataset's prefix, GLBX.MDP3 → GLBX). */
  venue?: string;
}

export class DbnMapper {
  /** The venue of a record whose publisher id is not in the table (or of every record when given). */
  readonly venue: string;
  private readonly venueGiven: boolean;
  readonly symbols: SymbolMap;
  /** instrument ids already announced with an instrument event. */
  private readonly announced = new Set<string>();
  /** MBP-10: the last ten levels a side per publisher/instrument, to emit only what changed. */
  private readonly levels = new Map<string, BidAskPair[]>();
  /** Symbol mapping records seen (not stored). */
  symbolMappings = 0;
  /**
   * MBP-1/TBBO/BBO records whose data-quality flags a tick has no field for (F_BAD_TS_RECV,
   * F_MAYBE_BAD_BOOK), counted by flag name: the import summary reports them (book events keep
   * their flags as they are).
   */
  readonly tickFlagsDropped: Record<string, number> = {};
  /** L3: each instrument's resting orders (DBN order id → size), to turn DBN's canceled amount into
   * tapedeck's remaining size. Fills do not change it: in DBN a cancel or modify follows a fill. */
  private readonly orders = new Map<string, Map<bigint, number>>();

  constructor(
    readonly metadata: DbnMetadata,
    opts: DbnMapOptions = {},
  ) {
    this.venue = opts.venue ?? (metadata.dataset.split('.')[0] || 'DBN');
    this.venueGiven = opts.venue !== undefined;
    this.symbols = SymbolMap.fromMetadata(metadata);
  }

  private venueOf(r: DbnRecord): string {
    return this.venueGiven ? this.venue : (publisherVenue(r.publisher_id) ?? this.venue);
  }

  private symbolOf(r: DbnRecord, indexTs: bigint): string {
    return this.symbols.get(r.instrument_id, indexTs) ?? String(r.instrument_id);
  }

  /** Maps one record. `last` tells whether it ends a venue message (DBN's LAST flag, or no flags). */
  map(r: DbnRecord): MapResult {
    const tsRecv = typeof r.ts_recv === 'bigint' ? r.ts_recv : undefined;
    const indexTs = tsRecv ?? r.ts_event;
    const symbol = this.symbolOf(r, indexTs);
    const venue = this.venueOf(r);
    const base: Record<string, unknown> = { venue, symbol };
    const pre: Draft[] = [];
    const key = `${r.publisher_id}/${r.instrument_id}/${symbol}`;
    if (r.kind !== 'symbol_mapping' && r.kind !== 'error' && r.kind !== 'system' && r.kind !== 'definition' && !this.announced.has(key)) {
      this.announced.add(key);
      pre.push({ type: 'instrument', ts: r.kind === 'ohlcv' ? this.barTs(r) : indexTs, ...base, instrumentId: r.instrument_id, publisherId: r.publisher_id });
    }
    const extra = (d: Draft): Draft => {
      if (typeof r.ts_in_delta === 'number' && r.ts_in_delta !== 0) d.tsInDelta = r.ts_in_delta;
      if (r.ts_out !== undefined && r.ts_out !== UNDEF_TIMESTAMP) d.tsOut = r.ts_out;
      return d;
    };
    const flagsOf = (): number | undefined => ((r.flags as number) === 0 ? undefined : (r.flags as number));
    const last = r.flags === undefined || ((r.flags as number) & FLAG.LAST) !== 0;
    switch (r.kind) {
      case 'mbo': {
        const action = MBO_ACTION[r.action as string];
        if (action === undefined) {
          const unmapped = r.action === 'N' ? 'mbo action None' : `mbo action ${JSON.stringify(r.action)}`;
          return { drafts: pre, last, unmapped, ...(last ? { closes: { venue, symbol } } : {}) };
        }
        const side = BOOK_SIDE[r.side as string];
        if (action === 'add' && ((r.flags as number) & FLAG.TOB) !== 0 && side) return { drafts: [...pre, ...this.topOfBook(r, base, side, tsRecv!)], last };
        const d: Draft = { type: 'book', ts: tsRecv!, ...base, action };
        if (side) d.side = side;
        const price = priceToDecimal(r.price as bigint);
        if (price !== undefined) d.price = price;
        if ((r.size as number) !== UNDEF_ORDER_SIZE) d.size = new Decimal(this.trackOrder(r), 0);
        const flags = flagsOf();
        if (flags !== undefined) d.flags = flags;
        d.exchTs = r.ts_event;
        d.venueSeq = r.sequence;
        d.orderId = String(r.order_id);
        if ((r.channel_id as number) !== 0) d.channel = r.channel_id;
        return { drafts: [...pre, extra(d)], last };
      }
      case 'trade':
        return { drafts: [...pre, this.trade(r, base, tsRecv!, extra)], last };
      case 'mbp1':
      case 'bbo':
      case 'cmbp1':
      case 'cbbo': {
        const l = (r.levels as BidAskPair[])[0]!;
        const t: Draft = { type: 'tick', ts: tsRecv!, ...base };
        const f = r.flags as number;
        if ((f & FLAG.BAD_TS_RECV) !== 0) this.tickFlagsDropped.F_BAD_TS_RECV = (this.tickFlagsDropped.F_BAD_TS_RECV ?? 0) + 1;
        if ((f & FLAG.MAYBE_BAD_BOOK) !== 0) this.tickFlagsDropped.F_MAYBE_BAD_BOOK = (this.tickFlagsDropped.F_MAYBE_BAD_BOOK ?? 0) + 1;
        const bid = priceToDecimal(l.bid_px);
        const ask = priceToDecimal(l.ask_px);
        if (bid !== undefined) {
          t.bid = bid;
          t.bidSize = new Decimal(l.bid_sz, 0);
        }
        if (ask !== undefined) {
          t.ask = ask;
          t.askSize = new Decimal(l.ask_sz, 0);
        }
        if (r.action === 'T' || r.kind === 'bbo' || r.kind === 'cbbo') {
          const p = priceToDecimal(r.price as bigint);
          if (p !== undefined && (r.size as number) !== UNDEF_ORDER_SIZE && (r.size as number) > 0) {
            t.last = p;
            t.lastSize = new Decimal(r.size as number, 0);
            const ag = AGGRESSOR[r.side as string];
            if (ag) t.aggressor = ag;
          }
        }
        t.exchTs = r.ts_event;
        return { drafts: [...pre, t], last };
      }
      case 'mbp10': {
        const out: Draft[] = [...pre];
        const now = r.levels as BidAskPair[];
        const prev = this.levels.get(`${r.publisher_id}/${r.instrument_id}`);
        const flags = (r.flags as number) & ~FLAG.LAST;
        const mk = (side: 'bid' | 'ask', price: Decimal, size: number, snapshot: boolean): Draft => {
          const d: Draft = { type: 'book', ts: tsRecv!, ...base, action: 'set', side, price, size: new Decimal(size, 0) };
          const f = flags | (snapshot ? FLAG.SNAPSHOT : 0);
          if (f !== 0) d.flags = f;
          d.exchTs = r.ts_event;
          d.venueSeq = r.sequence;
          return d;
        };
        const first = prev === undefined;
        if (first) out.push({ type: 'book', ts: tsRecv!, ...base, action: 'clear', flags: FLAG.SNAPSHOT, exchTs: r.ts_event, venueSeq: r.sequence });
        for (const side of ['bid', 'ask'] as const) {
          const px = (l: BidAskPair) => (side === 'bid' ? l.bid_px : l.ask_px);
          const sz = (l: BidAskPair) => (side === 'bid' ? l.bid_sz : l.ask_sz);
          const before = new Map<bigint, number>();
          for (const l of prev ?? []) if (px(l) !== UNDEF_PRICE) before.set(px(l), sz(l));
          const after = new Map<bigint, number>();
          for (const l of now) if (px(l) !== UNDEF_PRICE) after.set(px(l), sz(l));
          for (const [p] of before) if (!after.has(p)) out.push(mk(side, priceToDecimal(p)!, 0, false));
          for (const [p, s] of after) if (before.get(p) !== s) out.push(mk(side, priceToDecimal(p)!, s, first));
        }
        this.levels.set(`${r.publisher_id}/${r.instrument_id}`, now);
        if (r.action === 'T') out.push(this.trade(r, base, tsRecv!, extra));
        // The record's own update is implied by the levels; a record that changed nothing still
        // marks its message boundary.
        if (out.length > pre.length) {
          const tail = out[out.length - 1]!;
          if (last) tail.flags = ((tail.flags as number | undefined) ?? 0) | FLAG.LAST;
        }
        return { drafts: out, last };
      }
      case 'ohlcv': {
        const iv = OHLCV_INTERVAL.get(r.rtype)!;
        const d: Draft = {
          type: 'bar',
          ts: this.barTs(r),
          ...base,
          interval: iv.name,
          open: priceToDecimal(r.open as bigint),
          high: priceToDecimal(r.high as bigint),
          low: priceToDecimal(r.low as bigint),
          close: priceToDecimal(r.close as bigint),
          volume: new Decimal(r.volume as bigint, 0),
          start: r.ts_event,
        };
        return { drafts: [...pre, d], last: true };
      }
      case 'definition': {
        const sym = (r.raw_symbol as string) || symbol;
        const d: Draft = { type: 'instrument', ts: tsRecv!, venue, symbol: sym };
        const kind = INSTRUMENT_CLASS[r.instrument_class as string];
        if (kind) d.kind = kind;
        if (r.asset) d.base = r.asset;
        if (r.currency) d.quote = r.currency;
        const tick = priceToDecimal(r.min_price_increment as bigint);
        if (tick !== undefined && tick.value > 0) d.tickSize = tick;
        const lot = r.min_lot_size_round_lot as number;
        if (lot > 0 && lot !== 0x7fffffff) d.lotSize = new Decimal(lot, 0);
        const min = r.min_lot_size as number;
        if (min >= 0 && min !== 0x7fffffff) d.minSize = new Decimal(min, 0);
        d.instrumentId = r.instrument_id;
        d.publisherId = r.publisher_id;
        this.announced.add(`${r.publisher_id}/${r.instrument_id}/${sym}`);
        return { drafts: [d], last: true };
      }
      case 'symbol_mapping': {
        this.symbolMappings++;
        const out = r.stype_out_symbol as string;
        const inSym = r.stype_in_symbol as string;
        this.symbols.setLive(r.instrument_id, /^\d+$/.test(out) && !/^\d+$/.test(inSym) ? inSym : out);
        return { drafts: [], last: false, unmapped: 'symbol_mapping' };
      }
      default: {
        const data: Record<string, string | number> = { dbn: r.kind, instrument_id: r.instrument_id, publisher_id: r.publisher_id, ts_event: r.ts_event.toString() };
        for (const [k, v] of Object.entries(r)) {
          if (k === 'kind' || k === 'rtype' || k.startsWith('_') || k in data) continue;
          const text = noteValue(k, v, r);
          if (text !== undefined) data[k] = text;
        }
        const message = r.kind === 'error' ? `DBN error: ${String(r.err)}` : r.kind === 'system' ? `DBN system: ${String(r.msg)}` : `DBN ${r.kind} for ${symbol}`;
        return { drafts: [...pre, { type: 'system', ts: indexTs, kind: 'note', message, data }], last: true };
      }
    }
  }

  /**
   * Tracks resting orders and returns the size tapedeck stores: for a cancel, what remains of the
   * order (DBN gives the amount canceled); for a cancel of an order not seen before, DBN's amount
   * as is (a book ignores a cancel of an unknown order, and an export gives the amount back).
   */
  private trackOrder(r: DbnRecord): number {
    const size = r.size as number;
    const key = `${r.publisher_id}/${r.instrument_id}`;
    let book = this.orders.get(key);
    if (!book) this.orders.set(key, (book = new Map()));
    const id = r.order_id as bigint;
    switch (r.action) {
      case 'A':
      case 'M':
        book.set(id, size);
        return size;
      case 'C': {
        const had = book.get(id);
        if (had === undefined) return size;
        const left = had > size ? had - size : 0;
        if (left === 0) book.delete(id);
        else book.set(id, left);
        return left;
      }
      case 'R':
        book.clear();
        return size;
      default:
        return size;
    }
  }

  /**
   * A top-of-book add (Databento's F_TOB: the venue sends its best level, not orders): the new
   * level replaces every level of its side; an UNDEF price means the side is empty.
   */
  private topOfBook(r: DbnRecord, base: Record<string, unknown>, side: 'bid' | 'ask', ts: bigint): Draft[] {
    const flags = r.flags as number;
    const d = (x: Record<string, unknown>): Draft => ({ type: 'book', ts, ...base, ...x, exchTs: r.ts_event, venueSeq: r.sequence });
    const price = priceToDecimal(r.price as bigint);
    const size = r.size as number;
    if (price === undefined || size === UNDEF_ORDER_SIZE) return [d({ action: 'clear', side, flags })];
    return [d({ action: 'clear', side, flags: flags & ~FLAG.LAST }), d({ action: 'set', side, price, size: new Decimal(size, 0), flags })];
  }

  private barTs(r: DbnRecord): bigint {
    return r.ts_event + OHLCV_INTERVAL.get(r.rtype)!.ns;
  }

  private trade(r: DbnRecord, base: Record<string, unknown>, ts: bigint, extra: (d: Draft) => Draft): Draft {
    const d: Draft = { type: 'book', ts, ...base, action: 'trade' };
    const side = BOOK_SIDE[r.side as string];
    if (side) d.side = side;
    const price = priceToDecimal(r.price as bigint);
    if (price !== undefined) d.price = price;
    if ((r.size as number) !== UNDEF_ORDER_SIZE) d.size = new Decimal(r.size as number, 0);
    if ((r.flags as number) !== 0) d.flags = r.flags;
    d.exchTs = r.ts_event;
    d.venueSeq = r.sequence;
    if ((r.depth as number) !== 0) d.depth = r.depth;
    return extra(d);
  }
}

/** A field of a status/imbalance/statistics record as note data: prices as decimal text, sentinels dropped. */
function noteValue(k: string, v: unknown, r: DbnRecord): string | number | undefined {
  if (typeof v === 'bigint') {
    if (v === UNDEF_TIMESTAMP && (k.startsWith('ts') || k.endsWith('_time'))) return undefined;
    if (k === 'quantity' && (v === UNDEF_STAT_QUANTITY_V3 || v === BigInt(UNDEF_STAT_QUANTITY_V1))) return undefined;
    if (v === UNDEF_PRICE) return undefined;
    if (k.endsWith('price') || k.endsWith('collar')) return priceToDecimal(v)!.toString();
    return v.toString();
  }
  if (typeof v === 'number') {
    if (k === 'quantity' && v === UNDEF_STAT_QUANTITY_V1 && r.kind === 'statistics') return undefined;
    return v;
  }
  if (typeof v === 'string') return v === '\u0000' ? undefined : v;
  return undefined;
}
