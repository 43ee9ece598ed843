/**
 * Events → DBN (version 3): the inverse of the import mapping, so Databento's own tools read a
 * tapedeck recording, and a DBN file imported and exported again gives back its records byte for
 * byte for the schemas that map one to one (MBO, trades, OHLCV).
 *
 *   book with an orderId (L3)       → MBO record
 *   book `trade` without an orderId → trade record (schema trades)
 *   book `set` (L2)                 → MBP-10 record: the ten levels a side after the change
 *   tick with bid/ask               → MBP-1 record (a tick that also has last is a trade action, like TBBO)
 *   tick with only last             → trade record
 *   bar                             → OHLCV record of its interval
 *
 * Record headers take the instrument and publisher ids from the recording's `instrument` events
 * (an import writes them); a symbol without one gets the next free id from 1, publisher 0. A free
 * id is one no instrument event of the export claims, later ones included: the export's first pass
 * collects the claims (`declared`), and an encoder built with them never gives a symbol an id
 * another symbol's instrument event names further on (two symbols, one id, one merged book on
 * the way back in).
 * Other event types are counted and skipped.
 */
import { Decimal } from '../../events/decimal.js';
import type { BarEvent, BookEvent, TapeEvent, TickEvent } from '../../events/types.js';
import { FLAG, RTYPE, UNDEF_ORDER_SIZE, UNDEF_PRICE, type DbnSchema } from './layout.js';
import { decimalToPrice, INTERVAL_RTYPE } from './map.js';
import type { DbnMetadata } from './metadata.js';
import type { BidAskPair, DbnRecord } from './record.js';

const ACTION_CHAR: Readonly<Record<string, string>> = { add: 'A', modify: 'M', cancel: 'C', fill: 'F', trade: 'T', clear: 'R' };
const SIDE_CHAR = (side: string | undefined): string => (side === 'bid' ? 'B' : side === 'ask' ? 'A' : 'N');
const AGGRESSOR_CHAR = (a: string | undefined): string => (a === 'buy' ? 'B' : a === 'sell' ? 'A' : 'N');

function px(v: Decimal | number | undefined): bigint {
  return v === undefined ? UNDEF_PRICE : decimalToPrice(v);
}

function qty(v: Decimal | number | undefined, what: string): number {
  if (v === undefined) return UNDEF_ORDER_SIZE;
  const n = typeof v === 'number' ? v : v.value;
  if (!Number.isInteger(n) || n < 0 || n >= UNDEF_ORDER_SIZE) throw new RangeError(`${what} ${String(v)} is not a whole number of units DBN can hold (u32)`);
  return n;
}

/** Which schema a record kind belongs to (for the metadata's `schema`). */
function schemaOf(r: DbnRecord): DbnSchema {
  switch (r.kind) {
    case 'mbo':
      return 'mbo';
    case 'trade':
      return 'trades';
    case 'mbp1':
      return r.action === 'T' ? 'tbbo' : 'mbp-1';
    case 'mbp10':
      return 'mbp-10';
    default:
      return r.rtype === RTYPE.OHLCV_1S ? 'ohlcv-1s' : r.rtype === RTYPE.OHLCV_1M ? 'ohlcv-1m' : r.rtype === RTYPE.OHLCV_1H ? 'ohlcv-1h' : r.rtype === RTYPE.OHLCV_EOD ? 'ohlcv-eod' : 'ohlcv-1d';
  }
}

export interface Ids {
  instrumentId: number;
  publisherId: number;
}

/** Keeps an L2 book per instrument to write MBP-10 levels. */
class L2 {
  readonly bids = new Map<string, { p: bigint; s: number }>();
  readonly asks = new Map<string, { p: bigint; s: number }>();
  top(): BidAskPair[] {
    const b = [...this.bids.values()].sort((x, y) => (x.p > y.p ? -1 : x.p < y.p ? 1 : 0));
    const a = [...this.asks.values()].sort((x, y) => (x.p < y.p ? -1 : x.p > y.p ? 1 : 0));
    const out: BidAskPair[] = [];
    for (let i = 0; i < 10; i++) {
      out.push({
        bid_px: b[i]?.p ?? UNDEF_PRICE,
        ask_px: a[i]?.p ?? UNDEF_PRICE,
        bid_sz: b[i]?.s ?? 0,
        ask_sz: a[i]?.s ?? 0,
        bid_ct: b[i] ? 1 : 0,
        ask_ct: a[i] ? 1 : 0,
      });
    }
    return out;
  }
}

export interface DbnExportSummary {
  records: Record<string, number>;
  skipped: Record<string, number>;
}

/** Turns events (in recording order) into DBN v3 records; collects what the metadata needs. */
export class DbnEventEncoder {
  private readonly ids = new Map<string, Ids>();
  private nextId = 1;
  private readonly books = new Map<string, L2>();
  /** L3: resting orders per instrument (orderId → size), the mirror of the import's tracking. */
  private readonly orders = new Map<string, Map<string, number>>();
  readonly schemas = new Set<DbnSchema>();
  readonly symbols = new Map<string, Ids>();
  firstTs: bigint | null = null;
  lastTs: bigint | null = null;
  tsOut: boolean | null = null;
  readonly summary: DbnExportSummary = { records: {}, skipped: {} };
  /** Each venue/symbol's ids as its first instrument event gives them (what a later pass is built with). */
  readonly declared = new Map<string, Ids>();
  /** Ids given to a venue/symbol that had no instrument event (yet). */
  private readonly fresh = new Map<string, Ids>();

  /** `declared`: the first pass's claims, so a free id is never one an instrument event names later. */
  constructor(declared?: ReadonlyMap<string, Ids>) {
    if (declared) for (const [k, v] of declared) this.ids.set(k, v);
  }

  /** True when a free id was given that an instrument event claimed afterwards (for that symbol or another): encode again with `declared`. */
  get idsClash(): boolean {
    const claimed = new Set([...this.declared.values()].map((x) => x.instrumentId));
    for (const [k, v] of this.fresh) if (this.declared.has(k) || claimed.has(v.instrumentId)) return true;
    return false;
  }

  private idsOf(venue: string, symbol: string): Ids {
    const key = `${venue}\u0000${symbol}`;
    let ids = this.ids.get(key);
    if (!ids) {
      while ([...this.ids.values()].some((x) => x.instrumentId === this.nextId)) this.nextId++;
      ids = { instrumentId: this.nextId++, publisherId: 0 };
      this.ids.set(key, ids);
      this.fresh.set(key, ids);
    }
    this.symbols.set(symbol, ids);
    return ids;
  }

  private header(kind: DbnRecord['kind'], rtype: number, e: { venue: string; symbol: string; exchTs?: bigint; ts: bigint; tsOut?: bigint }): DbnRecord {
    const ids = this.idsOf(e.venue, e.symbol);
    const r: DbnRecord = { kind, rtype, publisher_id: ids.publisherId, instrument_id: ids.instrumentId, ts_event: e.exchTs ?? e.ts };
    if (this.tsOut === null) this.tsOut = e.tsOut !== undefined;
    if (this.tsOut) r.ts_out = e.tsOut ?? e.ts;
    return r;
  }

  private count(r: DbnRecord, ts: bigint): DbnRecord {
    this.schemas.add(schemaOf(r));
    this.summary.records[r.kind] = (this.summary.records[r.kind] ?? 0) + 1;
    if (this.firstTs === null) this.firstTs = ts;
    this.lastTs = ts;
    return r;
  }

  private skip(what: string): [] {
    this.summary.skipped[what] = (this.summary.skipped[what] ?? 0) + 1;
    return [];
  }

  encode(e: TapeEvent): DbnRecord[] {
    switch (e.type) {
      case 'instrument':
        if (e.instrumentId !== undefined) {
          const key = `${e.venue}\u0000${e.symbol}`;
          const ids = { instrumentId: e.instrumentId, publisherId: e.publisherId ?? 0 };
          this.ids.set(key, ids);
          if (!this.declared.has(key)) this.declared.set(key, ids);
        }
        return this.skip('instrument');
      case 'book':
        return this.book(e);
      case 'tick':
        return this.tick(e);
      case 'bar':
        return this.bar(e);
      default:
        return this.skip(e.type);
    }
  }

  private book(e: BookEvent): DbnRecord[] {
    if (e.orderId !== undefined || (e.action !== 'set' && e.action !== 'trade' && e.action !== 'clear')) {
      const r = this.header('mbo', RTYPE.MBO, e);
      Object.assign(r, {
        order_id: BigInt(e.orderId ?? '0'),
        price: px(e.price),
        size: this.orderSize(e),
        flags: e.flags ?? 0,
        channel_id: e.channel ?? 0,
        action: ACTION_CHAR[e.action]!,
        side: SIDE_CHAR(e.side),
        ts_recv: e.ts,
        ts_in_delta: e.tsInDelta ?? 0,
        sequence: e.venueSeq ?? 0,
      });
      return [this.count(r, e.ts)];
    }
    if (e.action === 'trade') {
      const r = this.header('trade', RTYPE.MBP_0, e);
      Object.assign(r, {
        price: px(e.price),
        size: qty(e.size, 'size'),
        action: 'T',
        side: SIDE_CHAR(e.side),
        flags: e.flags ?? 0,
        depth: e.depth ?? 0,
        ts_recv: e.ts,
        ts_in_delta: e.tsInDelta ?? 0,
        sequence: e.venueSeq ?? 0,
      });
      return [this.count(r, e.ts)];
    }
    // L2: keep the book, write the top ten after the change.
    const key = `${e.venue}\u0000${e.symbol}`;
    let book = this.books.get(key);
    if (!book) this.books.set(key, (book = new L2()));
    let action = 'R';
    if (e.action === 'clear') {
      if (e.side !== 'ask') book.bids.clear();
      if (e.side !== 'bid') book.asks.clear();
    } else {
      const side = e.side === 'bid' ? book.bids : book.asks;
      const p = px(e.price);
      const s = qty(e.size, 'size');
      const k = p.toString();
      action = s === 0 ? 'C' : side.has(k) ? 'M' : 'A';
      if (s === 0) side.delete(k);
      else side.set(k, { p, s });
    }
    const r = this.header('mbp10', RTYPE.MBP_10, e);
    Object.assign(r, {
      price: e.action === 'clear' ? UNDEF_PRICE : px(e.price),
      size: e.action === 'clear' ? 0 : qty(e.size, 'size'),
      action,
      side: SIDE_CHAR(e.side),
      flags: e.flags ?? 0,
      depth: 0,
      ts_recv: e.ts,
      ts_in_delta: e.tsInDelta ?? 0,
      sequence: e.venueSeq ?? 0,
      levels: book.top(),
    });
    return [this.count(r, e.ts)];
  }

  /** DBN's size of an L3 event: for a cancel, the amount canceled (tapedeck stores what remains). */
  private orderSize(e: BookEvent): number {
    const size = qty(e.size, 'size');
    if (e.size === undefined) return size;
    const key = `${e.venue}\u0000${e.symbol}`;
    let book = this.orders.get(key);
    if (!book) this.orders.set(key, (book = new Map()));
    const id = e.orderId ?? '0';
    switch (e.action) {
      case 'add':
      case 'modify':
        book.set(id, size);
        return size;
      case 'cancel': {
        const had = book.get(id);
        if (had === undefined) return size;
        if (size === 0) book.delete(id);
        else book.set(id, size);
        return had - size;
      }
      case 'clear':
        book.clear();
        return size;
      default:
        return size;
    }
  }

  private tick(e: TickEvent): DbnRecord[] {
    const hasQuote = e.bid !== undefined || e.ask !== undefined;
    const hasTrade = e.last !== undefined;
    if (!hasQuote && !hasTrade) return this.skip('tick without bid, ask or last');
    if (!hasQuote) {
      const r = this.header('trade', RTYPE.MBP_0, e);
      Object.assign(r, {
        price: px(e.last),
        size: qty(e.lastSize, 'lastSize'),
        action: 'T',
        side: AGGRESSOR_CHAR(e.aggressor),
        flags: FLAG.LAST,
        depth: 0,
        ts_recv: e.ts,
        ts_in_delta: 0,
        sequence: 0,
      });
      return [this.count(r, e.ts)];
    }
    const r = this.header('mbp1', RTYPE.MBP_1, e);
    Object.assign(r, {
      price: hasTrade ? px(e.last) : UNDEF_PRICE,
      size: hasTrade ? qty(e.lastSize, 'lastSize') : 0,
      action: hasTrade ? 'T' : 'M',
      side: hasTrade ? AGGRESSOR_CHAR(e.aggressor) : 'N',
      flags: FLAG.LAST,
      depth: 0,
      ts_recv: e.ts,
      ts_in_delta: 0,
      sequence: 0,
      levels: [
        {
          bid_px: px(e.bid),
          ask_px: px(e.ask),
          bid_sz: e.bidSize === undefined ? 0 : qty(e.bidSize, 'bidSize'),
          ask_sz: e.askSize === undefined ? 0 : qty(e.askSize, 'askSize'),
          bid_ct: 0,
          ask_ct: 0,
        },
      ],
    });
    return [this.count(r, e.ts)];
  }

  private bar(e: BarEvent): DbnRecord[] {
    const rtype = INTERVAL_RTYPE.get(e.interval);
    if (rtype === undefined) return this.skip(`bar interval ${e.interval}`);
    const r = this.header('ohlcv', rtype, { ...e, exchTs: e.start });
    const vol = typeof e.volume === 'number' ? BigInt(e.volume) : BigInt((e.volume as Decimal).mantissa) * 10n ** BigInt(Math.max(0, (e.volume as Decimal).exponent));
    Object.assign(r, { open: px(e.open), high: px(e.high), low: px(e.low), close: px(e.close), volume: vol });
    return [this.count(r, e.start)];
  }

  /** The metadata for what was encoded (call after the last event). */
  metadata(dataset: string): DbnMetadata {
    const schema = this.schemas.size === 1 ? [...this.schemas][0]! : null;
    const first = this.firstTs ?? 0n;
    const last = this.lastTs ?? 0n;
    const day = (ns: bigint) => {
      const d = new Date(Number(ns / 1_000_000n));
      return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    };
    const nextDay = (ns: bigint) => day(ns + 86_400_000_000_000n);
    return {
      version: 3,
      dataset,
      schema,
      start: first,
      end: last + 1n,
      limit: null,
      stypeIn: 'raw_symbol',
      stypeOut: 'instrument_id',
      tsOut: this.tsOut ?? false,
      symbolCstrLen: 71,
      symbols: [...this.symbols.keys()].sort(),
      partial: [],
      notFound: [],
      mappings: [...this.symbols.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([sym, ids]) => ({ rawSymbol: sym, intervals: [{ startDate: day(first), endDate: nextDay(last), symbol: String(ids.instrumentId) }] })),
    };
  }
}
