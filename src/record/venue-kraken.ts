/**
 * Kraken WebSocket v1 (wss://ws.kraken.com): `book-N` snapshots (`as`/`bs`) and updates (`a`/`b`,
 * one or two objects, the last carrying the checksum `c`), `trade` and `spread` channels; the
 * `event` messages (heartbeat, systemStatus, subscriptionStatus, pong) are counted non-events.
 *
 * Every book update is checked against Kraken's CRC32 (kraken-book.ts), computed from the decimal
 * strings Kraken sent. A mismatch writes a `system` gap event (expected vs computed checksum) and
 * flags the pair's book events BOOK_FLAG_BAD_BOOK until the next snapshot. Kraken sends no delete
 * for a level pushed beyond the subscribed depth; the client must drop it, so the recorder writes
 * that drop as a `set` of size 0 (after the message's own levels), keeping the recorded book
 * equal to the venue's.
 */
import { ValidationError } from '../errors.js';
import { Decimal } from '../events/decimal.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT } from '../events/types.js';
import { KrakenBook } from './kraken-book.js';
import { isKrakenAssetPairs, krakenInstruments } from './venue-instruments.js';
import { BookTrust, isObj, parseExact, secondsTextToNs, symbolOf, type BookDraft, type EventDraft, type Mapper, type Obj, type TickDraft } from './venue-common.js';

export interface KrakenOptions {
  venue?: string;
}

type Entry = [string, string, string, ...unknown[]];

function entries(v: unknown, field: string, position?: string): Entry[] {
  if (!Array.isArray(v)) throw new ValidationError(field, 'must be an array of [price, volume, time] levels', v, position);
  return v.map((l, i) => {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string' || typeof l[2] !== 'string') {
      throw new ValidationError(`${field}[${i}]`, 'must be [price, volume, time] strings', l, position);
    }
    return l as Entry;
  });
}

const ZERO = new Decimal(0, 0);

export function krakenMapper(opts: KrakenOptions = {}): Mapper {
  const venue = opts.venue ?? 'kraken';
  const books = new Map<string, KrakenBook>();
  const trust = new BookTrust();

  function book(pair: string, channel: string, position?: string): KrakenBook {
    let b = books.get(pair);
    if (!b) {
      const m = /^book-(\d+)$/.exec(channel);
      if (!m) throw new ValidationError('(channel)', 'must be book-<depth>', channel, position);
      books.set(pair, (b = new KrakenBook(Number(m[1]))));
    }
    return b;
  }

  function bookMessage(arr: unknown[], channel: string, pair: string, position?: string): ReturnType<Mapper> {
    const payloads = arr.slice(1, -2);
    if (payloads.length === 0 || !payloads.every(isObj)) throw new ValidationError('(book)', 'must hold one or two objects', arr, position);
    const objs = payloads as Obj[];
    const b = book(pair, channel, position);
    const out: EventDraft[] = [];
    if ('as' in objs[0]! || 'bs' in objs[0]!) {
      b.clear();
      trust.clear(pair);
      out.push({ type: 'book', venue, symbol: pair, action: 'clear', flags: BOOK_FLAG_SNAPSHOT });
      for (const [key, side] of [['bs', 'bid'], ['as', 'ask']] as const) {
        entries(objs[0]![key] ?? [], key, position).forEach(([p, v], i) => {
          b.set(side, p, v);
          out.push({ type: 'book', venue, symbol: pair, action: 'set', side, price: parseExact(p, `${key}[${i}][0]`, position), size: parseExact(v, `${key}[${i}][1]`, position), flags: BOOK_FLAG_SNAPSHOT });
        });
      }
      (out[out.length - 1] as BookDraft).flags! |= BOOK_FLAG_LAST;
      return { events: out, kind: 'book snapshot' };
    }
    let checksum: string | undefined;
    for (const o of objs) {
      for (const [key, side] of [['b', 'bid'], ['a', 'ask']] as const) {
        if (o[key] === undefined) continue;
        entries(o[key], key, position).forEach(([p, v, t], i) => {
          b.set(side, p, v);
          out.push({
            type: 'book',
            venue,
            symbol: pair,
            action: 'set',
            side,
            price: parseExact(p, `${key}[${i}][0]`, position),
            size: parseExact(v, `${key}[${i}][1]`, position),
            flags: 0,
            exchTs: secondsTextToNs(t, `${key}[${i}][2]`, position),
          });
        });
      }
      if (o.c !== undefined) {
        if (typeof o.c !== 'string' || !/^\d{1,10}$/.test(o.c)) throw new ValidationError('c', 'must be a CRC32 in decimal text', o.c, position);
        checksum = o.c;
      }
    }
    for (const { side, price } of b.truncate()) {
      out.push({ type: 'book', venue, symbol: pair, action: 'set', side, price: parseExact(price, '(truncated level)', position), size: ZERO, flags: 0 });
    }
    if (out.length === 0) return { unmapped: 'book update (no levels)' };
    if (checksum !== undefined) {
      const computed = b.checksum();
      if (computed !== Number(checksum)) {
        trust.mark(pair);
        out.push({
          type: 'system',
          kind: 'gap',
          message: `${venue} ${pair} book checksum: expected ${checksum}, computed ${computed}; book untrusted until the next snapshot`,
          data: { venue, symbol: pair, expected: Number(checksum), received: computed },
        });
      }
    }
    const bad = trust.isBad(pair) ? BOOK_FLAG_BAD_BOOK : 0;
    let last: BookDraft | undefined;
    for (const e of out) {
      if (e.type !== 'book') continue;
      e.flags = (e.flags ?? 0) | bad;
      last = e;
    }
    last!.flags! |= BOOK_FLAG_LAST;
    if (checksum !== undefined) last!.checksum = Number(checksum);
    return { events: out, kind: 'book update' };
  }

  return (msg, position) => {
    if (isObj(msg)) {
      if (typeof msg.event === 'string' && msg.event.length > 0) return { unmapped: msg.event };
      if (isKrakenAssetPairs(msg)) return { events: krakenInstruments(msg, venue, position), kind: 'AssetPairs' };
      // WebSocket v2 (wss://ws.kraken.com/v2): {channel, type, data} and {method, success}; not mapped, but named.
      if (typeof msg.channel === 'string' && msg.channel.length > 0) return { unmapped: `${msg.channel} (WebSocket v2: only v1 is mapped)` };
      if (typeof msg.method === 'string' && msg.method.length > 0) return { unmapped: `${msg.method} (WebSocket v2: only v1 is mapped)` };
      return { unmapped: 'unknown' };
    }
    if (!Array.isArray(msg) || msg.length < 4) throw new ValidationError('(message)', 'must be an event object or a [channelID, …, channelName, pair] array', msg, position);
    const channel = msg[msg.length - 2];
    const pair = symbolOf(msg[msg.length - 1], '(pair)', position);
    if (typeof channel !== 'string') throw new ValidationError('(channel)', 'must be a channel name', channel, position);
    if (channel.startsWith('book-')) return bookMessage(msg, channel, pair, position);
    if (channel === 'trade') {
      const trades = msg[1];
      if (!Array.isArray(trades)) throw new ValidationError('(trade)', 'must be an array of trades', trades, position);
      const events = trades.map((tr: unknown, i: number): TickDraft => {
        if (!Array.isArray(tr) || typeof tr[2] !== 'string' || (tr[3] !== 'b' && tr[3] !== 's')) {
          throw new ValidationError(`(trade)[${i}]`, 'must be [price, volume, time, side, type, misc]', tr, position);
        }
        return {
          type: 'tick',
          venue,
          symbol: pair,
          last: parseExact(tr[0], `(trade)[${i}][0]`, position),
          lastSize: parseExact(tr[1], `(trade)[${i}][1]`, position),
          aggressor: tr[3] === 'b' ? 'buy' : 'sell',
          exchTs: secondsTextToNs(tr[2], `(trade)[${i}][2]`, position),
        };
      });
      return events.length > 0 ? { events, kind: 'trade' } : { unmapped: 'trade (empty)' };
    }
    if (channel === 'spread') {
      const s = msg[1];
      if (!Array.isArray(s) || s.length < 3) throw new ValidationError('(spread)', 'must be [bid, ask, time, bidVolume, askVolume]', s, position);
      const t: TickDraft = { type: 'tick', venue, symbol: pair, bid: parseExact(s[0], '(spread)[0]', position), ask: parseExact(s[1], '(spread)[1]', position), exchTs: secondsTextToNs(s[2], '(spread)[2]', position) };
      if (s[3] !== undefined) t.bidSize = parseExact(s[3], '(spread)[3]', position);
      if (s[4] !== undefined) t.askSize = parseExact(s[4], '(spread)[4]', position);
      return { events: [t], kind: 'spread' };
    }
    return { unmapped: channel };
  };
}
