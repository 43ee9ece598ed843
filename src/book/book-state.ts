/**
 * The books' snapshot encoding (`books.jsonl` in a keyframe or snapshot; docs/FORMAT.md §20.4):
 * JSON lines, a header then one row per book, per resting order and per held message.
 *
 *   {"format":"tapedeck-books/1","books":B,"orders":O,"applied":N}
 *   ["book",venue,symbol,trusted,venueSeq|null,checksum|null,"ts","exchTs"|null,messages,[[price,size]…bids best first],[[price,size]…asks best first]]
 *   ["order",bookIndex,orderId,side,price,size]          (in the book's order: as the log added them)
 *   ["held",venue,symbol,[event JSON…]]                  (a message's events before its LAST)
 *
 * Prices and sizes are exact decimal text. Pure: bytes in, states out.
 */
import { TapedeckError } from '../errors.js';
import { Decimal } from '../events/decimal.js';
import { eventToJson, parseJsonEvent } from '../events/json.js';
import { jsonLines, readJsonLines, ROWS_PER_CHUNK } from '../events/state.js';
import type { BookEvent, BookSide } from '../events/types.js';
import type { Level, OrderBookState } from './order-book.js';

export const BOOKS_FORMAT = 'tapedeck-books/1';
export const BOOKS_FILE = 'books.jsonl';

export interface BooksSnapshot {
  books: { venue: string; symbol: string; state: OrderBookState }[];
  held: { venue: string; symbol: string; events: BookEvent[] }[];
  applied: number;
}

const levelRow = (l: Level): [string, string] => [l.price.toString(), l.size.toString()];

/** The rows are built lazily from copies: the caller passes a BooksSnapshot it copied. */
export function encodeBooks(s: BooksSnapshot): Iterable<Uint8Array> {
  const rows: unknown[] = [];
  let orders = 0;
  s.books.forEach((b) => (orders += b.state.orders.length));
  return (function* () {
    yield* jsonLines({ format: BOOKS_FORMAT, books: s.books.length, orders, applied: s.applied }, rows, 1);
    const chunk: unknown[] = [];
    for (let i = 0; i < s.books.length; i++) {
      const { venue, symbol, state: st } = s.books[i]!;
      chunk.push(['book', venue, symbol, st.trusted, st.venueSeq ?? null, st.checksum ?? null, st.ts.toString(), st.exchTs === undefined ? null : st.exchTs.toString(), st.messages, st.bids.map(levelRow), st.asks.map(levelRow)]);
      for (const [id, side, price, size] of st.orders) {
        chunk.push(['order', i, id, side, price.toString(), size.toString()]);
        if (chunk.length >= ROWS_PER_CHUNK) yield rowsChunk(chunk.splice(0));
      }
    }
    for (const h of s.held) chunk.push(['held', h.venue, h.symbol, h.events.map((e) => eventToJson(e))]);
    if (chunk.length > 0) yield rowsChunk(chunk);
  })();
}

function rowsChunk(rows: readonly unknown[]): Uint8Array {
  let t = '';
  for (const r of rows) t += JSON.stringify(r) + '\n';
  return Buffer.from(t);
}

export function decodeBooks(bytes: Uint8Array, what = BOOKS_FILE): BooksSnapshot {
  const { header, rows } = readJsonLines(bytes, what, BOOKS_FORMAT);
  const bad = (i: number, why: string): never => {
    throw new TapedeckError('CORRUPT_SNAPSHOT', `${what}: row ${i + 2}: ${why}`, { file: what, line: i + 2 });
  };
  const dec = (i: number, t: unknown): Decimal => {
    if (typeof t !== 'string') return bad(i, `${JSON.stringify(t)} is not a decimal string`);
    try {
      return Decimal.parse(t);
    } catch (e) {
      return bad(i, e instanceof Error ? e.message : String(e));
    }
  };
  const levels = (i: number, x: unknown): Level[] => {
    if (!Array.isArray(x)) return bad(i, 'levels are not a list');
    return x.map((l: unknown) => (Array.isArray(l) && l.length === 2 ? { price: dec(i, l[0]), size: dec(i, l[1]) } : bad(i, 'a level is not [price, size]')));
  };
  const out: BooksSnapshot = { books: [], held: [], applied: typeof header.applied === 'number' ? header.applied : 0 };
  rows.forEach((r, i) => {
    if (!Array.isArray(r)) return bad(i, 'not a list');
    switch (r[0]) {
      case 'book': {
        const [, venue, symbol, trusted, venueSeq, checksum, ts, exchTs, messages, bids, asks] = r as unknown[];
        if (typeof venue !== 'string' || typeof symbol !== 'string' || typeof trusted !== 'boolean' || typeof ts !== 'string' || typeof messages !== 'number') return bad(i, 'not a book row');
        out.books.push({
          venue,
          symbol,
          state: {
            trusted,
            venueSeq: typeof venueSeq === 'number' ? venueSeq : undefined,
            checksum: typeof checksum === 'number' ? checksum : undefined,
            ts: BigInt(ts),
            exchTs: typeof exchTs === 'string' ? BigInt(exchTs) : undefined,
            messages,
            bids: levels(i, bids),
            asks: levels(i, asks),
            orders: [],
          },
        });
        return;
      }
      case 'order': {
        const [, bi, id, side, price, size] = r as unknown[];
        const b = typeof bi === 'number' ? out.books[bi] : undefined;
        if (!b || typeof id !== 'string' || (side !== 'bid' && side !== 'ask')) return bad(i, 'not an order row of a book before it');
        (b.state.orders as [string, BookSide, Decimal, Decimal][]).push([id, side as BookSide, dec(i, price), dec(i, size)]);
        return;
      }
      case 'held': {
        const [, venue, symbol, evs] = r as unknown[];
        if (typeof venue !== 'string' || typeof symbol !== 'string' || !Array.isArray(evs)) return bad(i, 'not a held row');
        const events = evs.map((j: unknown) => {
          try {
            const e = parseJsonEvent(String(j));
            return e.type === 'book' ? e : bad(i, 'a held event is not a book event');
          } catch (e) {
            if (e instanceof TapedeckError && e.code === 'CORRUPT_SNAPSHOT') throw e;
            return bad(i, e instanceof Error ? e.message : String(e));
          }
        });
        out.held.push({ venue, symbol, events });
        return;
      }
      default:
        return bad(i, `unknown row kind ${JSON.stringify(r[0])}`);
    }
  });
  return out;
}
