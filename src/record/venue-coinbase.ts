/**
 * Coinbase Exchange (Pro) ws-feed: ticker, match / last_match (trades), level2 snapshot and
 * l2update (book), subscriptions and heartbeats (counted non-events).
 *
 * Each trade is recorded once: a ticker and a match of the same trade carry the same trade_id; the
 * first to arrive records the trade (last, lastSize, aggressor, tradeId), a ticker seen after its
 * match records only its quote, and a match seen after its ticker is a counted duplicate. Sides: a
 * ticker's side is the taker's; a match's is the maker's, so its aggressor is the opposite.
 * level2 carries no sequence numbers, so it has no gap check (docs/VENUES.md).
 */
import { ValidationError } from '../errors.js';
import { parseTs } from '../events/ts.js';
import { BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type Side } from '../events/types.js';
import { isObj, levelsOf, parseExact, symbolOf, type BookDraft, type EventDraft, type Mapper, type TickDraft } from './venue-common.js';
import { coinbaseInstruments, isCoinbaseProduct } from './venue-instruments.js';

export interface CoinbaseOptions {
  venue?: string;
}

/** How many trade ids per product are remembered to drop the second report of a trade. */
const TRADE_IDS_KEPT = 4096;

function side(v: unknown, field: string, position?: string): Side {
  if (v !== 'buy' && v !== 'sell') throw new ValidationError(field, 'must be buy or sell', v, position);
  return v;
}

export function coinbaseMapper(opts: CoinbaseOptions = {}): Mapper {
  const venue = opts.venue ?? 'coinbase';
  const seen = new Map<string, Set<string>>();
  /** True the first time a product's trade id is seen. */
  const firstReport = (product: string, id: string): boolean => {
    let s = seen.get(product);
    if (!s) seen.set(product, (s = new Set()));
    if (s.has(id)) return false;
    s.add(id);
    if (s.size > TRADE_IDS_KEPT) s.delete(s.values().next().value as string);
    return true;
  };
  const tradeIdOf = (v: unknown, position?: string): string | undefined => {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
    if (typeof v === 'string' && v.length > 0) return v;
    throw new ValidationError('trade_id', 'must be a trade id', v, position);
  };

  return (msg, position) => {
    // REST /products: an array of products.
    if (Array.isArray(msg) && msg.length > 0 && msg.every(isCoinbaseProduct)) return { events: coinbaseInstruments(msg, venue, '(products)', position), kind: 'products' };
    if (!isObj(msg)) throw new ValidationError('(message)', 'must be a JSON object', msg, position);
    const type = msg.type;
    // REST /products/<id>, or the status channel's product list.
    if (type === undefined && isCoinbaseProduct(msg)) return { events: coinbaseInstruments([msg], venue, '(product)', position), kind: 'product' };
    if (type === 'status' && Array.isArray(msg.products) && msg.products.length > 0) {
      return { events: coinbaseInstruments(msg.products, venue, 'products', position), kind: 'status' };
    }
    if (type === 'ticker') {
      const product = symbolOf(msg.product_id, 'product_id', position);
      const t: TickDraft = { type: 'tick', venue, symbol: product };
      if (msg.best_bid !== undefined && msg.best_bid !== null) t.bid = parseExact(msg.best_bid, 'best_bid', position);
      if (msg.best_ask !== undefined && msg.best_ask !== null) t.ask = parseExact(msg.best_ask, 'best_ask', position);
      if (msg.best_bid_size !== undefined && msg.best_bid_size !== null) t.bidSize = parseExact(msg.best_bid_size, 'best_bid_size', position);
      if (msg.best_ask_size !== undefined && msg.best_ask_size !== null) t.askSize = parseExact(msg.best_ask_size, 'best_ask_size', position);
      const tradeId = tradeIdOf(msg.trade_id, position);
      // The ticker's trade part, unless its match already recorded that trade.
      if (msg.price !== undefined && msg.last_size !== undefined && (tradeId === undefined || firstReport(product, tradeId))) {
        t.last = parseExact(msg.price, 'price', position);
        t.lastSize = parseExact(msg.last_size, 'last_size', position);
        if (msg.side !== undefined) t.aggressor = side(msg.side, 'side', position);
        if (tradeId !== undefined) t.tradeId = tradeId;
      }
      if (msg.time !== undefined) t.exchTs = parseTs(msg.time, 'time', position);
      if (typeof msg.sequence === 'number' && Number.isSafeInteger(msg.sequence) && msg.sequence >= 0) t.venueSeq = msg.sequence;
      return { events: [t], kind: 'ticker' };
    }
    if (type === 'match' || type === 'last_match') {
      const product = symbolOf(msg.product_id, 'product_id', position);
      const tradeId = tradeIdOf(msg.trade_id, position);
      if (tradeId !== undefined && !firstReport(product, tradeId)) return { unmapped: `${type} (trade already recorded from its ticker)` };
      const t: TickDraft = {
        type: 'tick',
        venue,
        symbol: product,
        last: parseExact(msg.price, 'price', position),
        lastSize: parseExact(msg.size, 'size', position),
        aggressor: side(msg.side, 'side', position) === 'buy' ? 'sell' : 'buy',
      };
      if (msg.time !== undefined) t.exchTs = parseTs(msg.time, 'time', position);
      if (tradeId !== undefined) t.tradeId = tradeId;
      return { events: [t], kind: type };
    }
    if (type === 'snapshot') {
      const symbol = symbolOf(msg.product_id, 'product_id', position);
      const out: EventDraft[] = [{ type: 'book', venue, symbol, action: 'clear', flags: BOOK_FLAG_SNAPSHOT }];
      for (const [key, bookSide] of [['bids', 'bid'], ['asks', 'ask']] as const) {
        levelsOf(msg[key], key, position).forEach(([p, q], i) => {
          out.push({ type: 'book', venue, symbol, action: 'set', side: bookSide, price: parseExact(p, `${key}[${i}][0]`, position), size: parseExact(q, `${key}[${i}][1]`, position), flags: BOOK_FLAG_SNAPSHOT });
        });
      }
      (out[out.length - 1] as BookDraft).flags! |= BOOK_FLAG_LAST;
      return { events: out, kind: 'snapshot' };
    }
    if (type === 'l2update') {
      const symbol = symbolOf(msg.product_id, 'product_id', position);
      if (!Array.isArray(msg.changes)) throw new ValidationError('changes', 'must be an array of [side, price, size]', msg.changes, position);
      const exchTs = msg.time !== undefined ? parseTs(msg.time, 'time', position) : undefined;
      const out: EventDraft[] = msg.changes.map((c: unknown, i: number): BookDraft => {
        if (!Array.isArray(c) || c.length < 3) throw new ValidationError(`changes[${i}]`, 'must be [side, price, size]', c, position);
        const s = side(c[0], `changes[${i}][0]`, position);
        return {
          type: 'book',
          venue,
          symbol,
          action: 'set',
          side: s === 'buy' ? 'bid' : 'ask',
          price: parseExact(c[1], `changes[${i}][1]`, position),
          size: parseExact(c[2], `changes[${i}][2]`, position),
          flags: 0,
          ...(exchTs !== undefined ? { exchTs } : {}),
        };
      });
      if (out.length === 0) return { unmapped: 'l2update (no changes)' };
      (out[out.length - 1] as BookDraft).flags = BOOK_FLAG_LAST;
      return { events: out, kind: 'l2update' };
    }
    if (typeof type === 'string' && type.length > 0) return { unmapped: type };
    // Advanced Trade (wss://advanced-trade-ws.coinbase.com): {channel, events}; not mapped, but named.
    if (typeof msg.channel === 'string' && msg.channel.length > 0) return { unmapped: `${msg.channel} (Advanced Trade: only the Exchange ws-feed is mapped)` };
    return { unmapped: 'unknown' };
  };
}
