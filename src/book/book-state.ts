/**
 * The books' snapshot encoding (`books.bin` in a keyframe or snapshot; docs/FORMAT.md §20.4): the
 * binary state layout (events/state-binary.ts) with format `tapedeck-books/2`:
 *
 *   uvarint books, uvarint orders (all books), uvarint applied
 *   per book, in the order first seen:
 *     str venue, str symbol
 *     u8 flags: 1 trusted, 2 venueSeq follows, 4 checksum follows, 8 exchTs follows
 *     [f64 venueSeq] [f64 checksum] i64 ts [i64 exchTs] uvarint messages
 *     uvarint n, n × (decimal price, decimal size)       bids, best (highest) first
 *     uvarint n, n × (decimal price, decimal size)       asks, best (lowest) first
 *     uvarint n, n × (str orderId, u8 side 0 bid / 1 ask, decimal price, decimal size)
 *                                                        resting orders (L3), as the log added them
 *   uvarint held, per held message: str venue, str symbol, uvarint n, n × str canonical event JSON
 *                                                        without its seq (a log position, not book
 *                                                        state: the events a recorder holds have none)
 *
 * The JSON-lines encoding before it (`books.jsonl`, `tapedeck-books/1`) is still read
 * (decodeBooks tells them apart by the magic), so keyframes written before stay usable. Pure:
 * bytes in, states out.
 */
import { TapedeckError } from '../errors.js';
import { Decimal } from '../events/decimal.js';
import { eventToJson, parseJsonEvent } from '../events/json.js';
import { isBinaryState, StateReader, StateWriter } from '../events/state-binary.js';
import { readJsonLines } from '../events/state.js';
import type { BookEvent, BookSide } from '../events/types.js';
import type { Level, OrderBookState } from './order-book.js';

export const BOOKS_FORMAT = 'tapedeck-books/2';
export const BOOKS_FILE = 'books.bin';
/** The JSON-lines encoding before the binary one: read, never written. */
export const BOOKS_FORMAT_JSON = 'tapedeck-books/1';
export const BOOKS_FILE_JSON = 'books.jsonl';

/**
 * Bytes encoded per turn of the event loop: a capture reads resting orders lazily from the live
 * book (lazy-capture.ts) one chunk at a time, so a chunk bounds what one turn costs (32 KiB is
 * ~1,100 orders, well under a millisecond to encode).
 */
export const STATE_CHUNK_BYTES = 32 * 1024;

export interface BooksSnapshot {
  books: { venue: string; symbol: string; state: OrderBookState }[];
  held: { venue: string; symbol: string; events: BookEvent[] }[];
  applied: number;
}

const F_TRUSTED = 1;
const F_VENUE_SEQ = 2;
const F_CHECKSUM = 4;
const F_EXCH_TS = 8;

/** The chunks are produced lazily: the caller passes a BooksSnapshot it copied (or captured). */
export function encodeBooks(s: BooksSnapshot): Iterable<Uint8Array> {
  return (function* () {
    const w = new StateWriter(BOOKS_FORMAT);
    let orders = 0;
    for (const b of s.books) orders += b.state.orders.length;
    w.uvarint(s.books.length);
    w.uvarint(orders);
    w.uvarint(s.applied);
    for (const { venue, symbol, state: st } of s.books) {
      w.str(venue);
      w.str(symbol);
      w.u8((st.trusted ? F_TRUSTED : 0) | (st.venueSeq === undefined ? 0 : F_VENUE_SEQ) | (st.checksum === undefined ? 0 : F_CHECKSUM) | (st.exchTs === undefined ? 0 : F_EXCH_TS));
      if (st.venueSeq !== undefined) w.f64(st.venueSeq);
      if (st.checksum !== undefined) w.f64(st.checksum);
      w.i64(st.ts);
      if (st.exchTs !== undefined) w.i64(st.exchTs);
      w.uvarint(st.messages);
      for (const side of [st.bids, st.asks]) {
        w.uvarint(side.length);
        for (const l of side) {
          w.decimal(l.price);
          w.decimal(l.size);
        }
      }
      w.uvarint(st.orders.length);
      let n = 0;
      for (const [id, side, price, size] of st.orders) {
        w.str(id);
        w.u8(side === 'bid' ? 0 : 1);
        w.decimal(price);
        w.decimal(size);
        n++;
        if (w.pending >= STATE_CHUNK_BYTES) yield w.take();
      }
      if (n !== st.orders.length) throw new Error(`internal: a book capture of ${st.orders.length} orders gave ${n}`);
    }
    w.uvarint(s.held.length);
    for (const h of s.held) {
      w.str(h.venue);
      w.str(h.symbol);
      w.uvarint(h.events.length);
      // Without seq: a keyframe written as events are recorded (they have no seq yet) and one
      // written afterwards from the log (they do) must be the same bytes.
      for (const e of h.events) w.str(eventToJson(e.seq === undefined ? e : { ...e, seq: undefined }));
    }
    yield w.finish();
  })();
}

/** Reads either encoding (binary `tapedeck-books/2`, or JSON lines `tapedeck-books/1`). */
export function decodeBooks(bytes: Uint8Array, what?: string): BooksSnapshot {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return isBinaryState(b) ? decodeBooksBinary(b, what ?? BOOKS_FILE) : decodeBooksJson(b, what ?? BOOKS_FILE_JSON);
}

function decodeBooksBinary(b: Buffer, what: string): BooksSnapshot {
  const r = new StateReader(b, what);
  r.expectFormat(BOOKS_FORMAT);
  const nBooks = r.count('the book count', 4);
  const nOrders = r.count('the order count', 0);
  const applied = r.uvarint('applied');
  const out: BooksSnapshot = { books: [], held: [], applied };
  let orders = 0;
  for (let i = 0; i < nBooks; i++) {
    const venue = r.str('a venue');
    const symbol = r.str('a symbol');
    const at = r.offset;
    const flags = r.u8('book flags');
    if (flags > 15) throw r.fail(at, `book flags ${flags}: unknown bits`);
    const venueSeq = flags & F_VENUE_SEQ ? r.f64('venueSeq') : undefined;
    const checksum = flags & F_CHECKSUM ? r.f64('checksum') : undefined;
    const ts = r.i64('ts');
    const exchTs = flags & F_EXCH_TS ? r.i64('exchTs') : undefined;
    const messages = r.uvarint('messages');
    const levels = (side: string): Level[] => {
      const n = r.count(`the ${side} count`, 4);
      const out: Level[] = new Array(n);
      for (let k = 0; k < n; k++) out[k] = { price: r.decimal(`a ${side} price`), size: r.decimal(`a ${side} size`) };
      return out;
    };
    const bids = levels('bid');
    const asks = levels('ask');
    const n = r.count('the resting order count', 6);
    const list: [string, BookSide, Decimal, Decimal][] = new Array(n);
    for (let k = 0; k < n; k++) {
      const id = r.str('an order id');
      const sp = r.offset;
      const side = r.u8('an order side');
      if (side > 1) throw r.fail(sp, `order side ${side} is not 0 (bid) or 1 (ask)`);
      list[k] = [id, side === 0 ? 'bid' : 'ask', r.decimal('an order price'), r.decimal('an order size')];
    }
    orders += n;
    out.books.push({ venue, symbol, state: { trusted: (flags & F_TRUSTED) !== 0, venueSeq, checksum, ts, exchTs, messages, bids, asks, orders: list } });
  }
  if (orders !== nOrders) throw r.fail(r.offset, `the header says ${nOrders} resting orders, the books hold ${orders}`);
  const nHeld = r.count('the held message count', 3);
  for (let i = 0; i < nHeld; i++) {
    const venue = r.str('a venue');
    const symbol = r.str('a symbol');
    const n = r.count('the held event count', 1);
    const events: BookEvent[] = [];
    for (let k = 0; k < n; k++) {
      const at = r.offset;
      const text = r.str('a held event');
      let e;
      try {
        e = parseJsonEvent(text);
      } catch (err) {
        throw r.fail(at, `a held event: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (e.type !== 'book') throw r.fail(at, 'a held event is not a book event');
      events.push(e);
    }
    out.held.push({ venue, symbol, events });
  }
  r.done();
  return out;
}

function decodeBooksJson(bytes: Uint8Array, what: string): BooksSnapshot {
  const { header, rows } = readJsonLines(bytes, what, BOOKS_FORMAT_JSON);
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
