/**
 * Binance spot and USD-M futures public streams (raw or in the combined-stream wrapper
 * {stream, data}) and the REST depth snapshot {lastUpdateId, bids, asks}, kept in sync by Binance's
 * documented procedure ("How to manage a local order book correctly"):
 * - updates that end before the snapshot are stale: counted, not recorded (spot: u ≤ lastUpdateId;
 *   futures: u < lastUpdateId, Binance's "drop any event where u is < lastUpdateId");
 * - the first update applied after a snapshot must straddle it (spot: U ≤ lastUpdateId+1 ≤ u;
 *   futures: U ≤ lastUpdateId ≤ u);
 * - then each update continues the previous one (spot: U = previous u + 1; futures: pu = previous u).
 * A break writes a `system` gap event (expected vs received) and flags the symbol's book events
 * BOOK_FLAG_BAD_BOOK until the next snapshot. Updates received before any snapshot are recorded
 * when they arrive, flagged bad (the book is not known yet), and kept: Binance's procedure applies
 * the buffered updates with u > lastUpdateId on top of the snapshot, so the snapshot's batch ends
 * with their levels again (with their own update ids and exchTs), and continuity goes on from them.
 * The same holds for a snapshot that arrives while the book is synced: the updates recorded since
 * the last snapshot (the newest 1,000) that are newer than it are applied again on top of it.
 *
 * Spot and futures are distinct venues (`binance-spot`, `binance-futures`): futures is recognised
 * from `pu` in depth updates and `e:"bookTicker"` in book tickers, or chosen with the format.
 */
import { ValidationError } from '../errors.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT } from '../events/types.js';
import {
  BookTrust,
  isObj,
  levelsOf,
  msToNs,
  parseExact,
  seqOf,
  symbolOf,
  type BookDraft,
  type EventDraft,
  type Mapper,
  type Obj,
  type TickDraft,
} from './venue-common.js';
import { binanceInstruments, isBinanceExchangeInfo } from './venue-instruments.js';

export interface BinanceOptions {
  /** Force USD-M futures rules and venue name (else recognised from the messages). */
  futures?: boolean;
  /** The venue name to record (default binance-spot / binance-futures). */
  venue?: string;
  /** The symbol of REST snapshots (they carry none); default: the one symbol the depth stream named. */
  symbol?: string;
}

interface DepthMessage {
  U: number;
  u: number;
  pu: number | undefined;
  exchTs: bigint | undefined;
  bids: [string, string][];
  asks: [string, string][];
}

interface DepthState {
  /** The last update id applied (or the snapshot's). */
  lastU: number | null;
  snapshotId: number | null;
  /** A snapshot was applied and the straddling update found. */
  synced: boolean;
  /**
   * The newest BUFFER_MAX depth messages recorded since the last snapshot or break (before a
   * snapshot: Binance's buffer; after it: what a later snapshot, older than some of them, needs
   * applied again on top of it).
   */
  buffer: DepthMessage[];
}

/** Depth messages kept before a snapshot (Binance: buffer the stream while the snapshot is fetched). */
const BUFFER_MAX = 1000;

/** A partial book depth stream's name in the combined-stream wrapper: `btcusdt@depth20@100ms`. */
const PARTIAL_DEPTH_STREAM = /^([^@]+)@depth(?:5|10|20)(?:@\d+ms)?$/;

/** The symbol a REST URL asks for (`/api/v3/depth?symbol=BTCUSDT&limit=1000` → BTCUSDT), if any. */
function symbolOfUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const m = /[?&]symbol=([^&#]+)/.exec(url);
  return m ? decodeURIComponent(m[1]!).toUpperCase() : undefined;
}

export function binanceMapper(opts: BinanceOptions = {}): Mapper {
  let futures = opts.futures === true;
  const depth = new Map<string, DepthState>();
  const tradeStream = new Set<string>();
  const trust = new BookTrust();
  const venue = () => opts.venue ?? (futures ? 'binance-futures' : 'binance-spot');
  const stateOf = (s: string): DepthState => {
    let st = depth.get(s);
    if (!st) depth.set(s, (st = { lastU: null, snapshotId: null, synced: false, buffer: [] }));
    return st;
  };

  function gap(symbol: string, what: string, expected: number, received: number): EventDraft {
    trust.mark(symbol);
    return {
      type: 'system',
      kind: 'gap',
      message: `${venue()} ${symbol} depth: expected ${what} ${expected}, received ${received}; book untrusted until the next snapshot`,
      data: { venue: venue(), symbol, expected, received },
    };
  }

  function levels(out: EventDraft[], symbol: string, side: 'bid' | 'ask', raw: [string, string][], base: Partial<BookDraft>, field: string, position?: string): void {
    raw.forEach(([p, q], i) => {
      out.push({
        type: 'book',
        venue: venue(),
        symbol,
        action: 'set',
        side,
        price: parseExact(p, `${field}[${i}][0]`, position),
        size: parseExact(q, `${field}[${i}][1]`, position),
        ...base,
      } as BookDraft);
    });
  }

  /** Sets LAST on the last book event of a message. */
  function finish(out: EventDraft[]): void {
    for (let i = out.length - 1; i >= 0; i--) {
      const e = out[i]!;
      if (e.type === 'book') {
        e.flags = (e.flags ?? 0) | BOOK_FLAG_LAST;
        return;
      }
    }
  }

  function depthUpdate(d: Obj, prefix: string, position?: string): ReturnType<Mapper> {
    const symbol = symbolOf(d.s, `${prefix}s`, position);
    const U = seqOf(d.U, `${prefix}U`, position);
    const u = seqOf(d.u, `${prefix}u`, position);
    const pu = d.pu === undefined ? undefined : seqOf(d.pu, `${prefix}pu`, position);
    if (pu !== undefined) futures = true;
    const st = stateOf(symbol);
    const exchTs = d.T !== undefined ? msToNs(d.T, `${prefix}T`, position) : d.E !== undefined ? msToNs(d.E, `${prefix}E`, position) : undefined;
    const m: DepthMessage = { U, u, pu, exchTs, bids: levelsOf(d.b ?? [], `${prefix}b`, position), asks: levelsOf(d.a ?? [], `${prefix}a`, position) };
    const out: EventDraft[] = [];
    if (st.snapshotId === null) {
      trust.mark(symbol); // no snapshot yet: the book is not known
    } else if (!st.synced) {
      if (isStale(u, st.snapshotId)) return { unmapped: 'depthUpdate (older than the snapshot)' };
      const first = futures ? st.snapshotId : st.snapshotId + 1;
      if (U > first) {
        out.push(gap(symbol, 'a first update id ≤', first, U));
        resyncFrom(st);
      } else st.synced = true;
    } else {
      const before = out.length;
      continuity(out, symbol, st, m);
      if (out.length > before) resyncFrom(st);
    }
    remember(st, m);
    st.lastU = u;
    apply(out, symbol, m, position);
    if (out.length === 0) return { unmapped: 'depthUpdate (no levels)' };
    finish(out);
    return { events: out, kind: 'depthUpdate' };
  }

  /**
   * An update that ends before the snapshot: spot drops u ≤ lastUpdateId (the first kept one holds
   * lastUpdateId+1); futures drops only u < lastUpdateId, since its first update must have
   * U ≤ lastUpdateId ≤ u, so the one ending exactly at lastUpdateId is the straddling one.
   */
  function isStale(u: number, snapshotId: number): boolean {
    return futures ? u < snapshotId : u <= snapshotId;
  }

  /**
   * After a break the book needs a new snapshot: buffer again from the breaking update on (the
   * caller remembers it next), as before the first snapshot, so the next snapshot's batch applies
   * the updates newer than it (Binance's procedure; a live feed refetches the snapshot,
   * record/resync.ts).
   */
  function resyncFrom(st: DepthState): void {
    st.snapshotId = null;
    st.synced = false;
    st.buffer = [];
  }

  function remember(st: DepthState, m: DepthMessage): void {
    st.buffer.push(m);
    if (st.buffer.length > BUFFER_MAX) st.buffer.shift();
  }

  /** Checks that m continues the last applied update (a gap event into out if not). */
  function continuity(out: EventDraft[], symbol: string, st: DepthState, m: DepthMessage): void {
    if (st.lastU === null) return;
    if (futures && m.pu !== undefined) {
      if (m.pu !== st.lastU) out.push(gap(symbol, 'pu', st.lastU, m.pu));
    } else if (m.U !== st.lastU + 1) {
      out.push(gap(symbol, 'first update id', st.lastU + 1, m.U));
    }
  }

  /** The set events of one depth message. */
  function apply(out: EventDraft[], symbol: string, m: DepthMessage, position?: string): void {
    const base: Partial<BookDraft> = {
      flags: trust.isBad(symbol) ? BOOK_FLAG_BAD_BOOK : 0,
      ...(m.exchTs !== undefined ? { exchTs: m.exchTs } : {}),
      venueSeq: m.u,
      venueSeqFirst: m.U,
      ...(m.pu !== undefined ? { venueSeqPrev: m.pu } : {}),
    };
    levels(out, symbol, 'bid', m.bids, base, 'b', position);
    levels(out, symbol, 'ask', m.asks, base, 'a', position);
  }

  function snapshot(d: Obj, position?: string, url?: string): ReturnType<Mapper> {
    let symbol = opts.symbol ?? symbolOfUrl(url);
    if (symbol === undefined) {
      const named = [...depth.keys()];
      if (named.length !== 1) {
        throw new ValidationError(
          'lastUpdateId',
          `a REST depth snapshot names no symbol (nor does a URL with symbol=) and the depth stream has named ${named.length === 0 ? 'none yet' : named.join(', ')}: pass the symbol (--symbol)`,
          d.lastUpdateId,
          position,
        );
      }
      symbol = named[0]!;
    }
    const id = seqOf(d.lastUpdateId, 'lastUpdateId', position);
    const st = stateOf(symbol);
    st.snapshotId = id;
    st.lastU = id;
    st.synced = false;
    trust.clear(symbol);
    // Futures snapshots carry the venue's times (E, T); spot's carry none.
    const exchTs = d.T !== undefined ? msToNs(d.T, 'T', position) : d.E !== undefined ? msToNs(d.E, 'E', position) : undefined;
    const base: Partial<BookDraft> = { flags: BOOK_FLAG_SNAPSHOT, venueSeq: id, ...(exchTs !== undefined ? { exchTs } : {}) };
    const out: EventDraft[] = [{ type: 'book', venue: venue(), symbol, action: 'clear', ...base } as BookDraft];
    levels(out, symbol, 'bid', levelsOf(d.bids, 'bids', position), base, 'bids', position);
    levels(out, symbol, 'ask', levelsOf(d.asks, 'asks', position), base, 'asks', position);
    // The buffered updates newer than the snapshot, applied on top of it (Binance's procedure).
    // Also after a snapshot that comes while the book is synced (a capture's periodic or late
    // snapshot): the updates already recorded past its lastUpdateId are applied again, else the
    // book would fall back to the snapshot's older levels and the next update look like a gap.
    const newer = st.buffer.filter((m) => !isStale(m.u, id));
    st.buffer = [];
    for (const m of newer) {
      const before = out.length;
      // (After a break in this batch the rest is only remembered, for the next snapshot.)
      if (st.snapshotId !== null && !st.synced) {
        const first = futures ? id : id + 1;
        if (m.U > first) out.push(gap(symbol, 'a first update id ≤', first, m.U));
        else st.synced = true;
      } else if (st.snapshotId !== null) {
        continuity(out, symbol, st, m);
      }
      if (out.length > before) resyncFrom(st);
      remember(st, m);
      st.lastU = m.u;
      apply(out, symbol, m, position);
    }
    finish(out);
    return { events: out, kind: 'snapshot' };
  }

  /**
   * A partial book depth message (`<symbol>@depth5|10|20`): the top N levels of each side, whole,
   * every time. Spot sends {lastUpdateId, bids, asks} (the symbol is only in the stream name);
   * futures a depthUpdate whose U/u/pu are those of the diff stream. Either way a snapshot of the
   * book, never a diff to apply, so it takes no part in the diff stream's sync.
   */
  function partialDepth(d: Obj, streamSymbol: string, position?: string): ReturnType<Mapper> {
    const isFutures = d.e === 'depthUpdate';
    if (isFutures) futures = true;
    const symbol = isFutures ? symbolOf(d.s, 'data.s', position) : streamSymbol.toUpperCase();
    const exchTs = d.T !== undefined ? msToNs(d.T, 'data.T', position) : d.E !== undefined ? msToNs(d.E, 'data.E', position) : undefined;
    const id = isFutures ? seqOf(d.u, 'data.u', position) : seqOf(d.lastUpdateId, 'data.lastUpdateId', position);
    const base: Partial<BookDraft> = { flags: BOOK_FLAG_SNAPSHOT, venueSeq: id, ...(exchTs !== undefined ? { exchTs } : {}) };
    const [bidKey, askKey] = isFutures ? ['b', 'a'] : ['bids', 'asks'];
    const out: EventDraft[] = [{ type: 'book', venue: venue(), symbol, action: 'clear', ...base } as BookDraft];
    levels(out, symbol, 'bid', levelsOf(d[bidKey], `data.${bidKey}`, position), base, `data.${bidKey}`, position);
    levels(out, symbol, 'ask', levelsOf(d[askKey], `data.${askKey}`, position), base, `data.${askKey}`, position);
    finish(out);
    return { events: out, kind: 'partialDepth' };
  }

  return (msg, position, url) => {
    if (!isObj(msg)) throw new ValidationError('(message)', 'must be a JSON object', msg, position);
    let d: Obj = msg;
    let prefix = '';
    if (typeof msg.stream === 'string' && isObj(msg.data)) {
      d = msg.data;
      prefix = 'data.';
      const partial = PARTIAL_DEPTH_STREAM.exec(msg.stream);
      if (partial) return partialDepth(d, partial[1]!, position);
    }
    const e = d.e;
    if (e === 'trade' || e === 'aggTrade') {
      const symbol = symbolOf(d.s, `${prefix}s`, position);
      if (e === 'trade') tradeStream.add(symbol);
      else if (tradeStream.has(symbol)) return { unmapped: 'aggTrade (trades recorded from the trade stream)' };
      if (typeof d.m !== 'boolean') throw new ValidationError(`${prefix}m`, 'must be a boolean', d.m, position);
      const id = e === 'trade' ? d.t : d.a;
      if (typeof id !== 'number' && typeof id !== 'string') throw new ValidationError(`${prefix}${e === 'trade' ? 't' : 'a'}`, 'must be a trade id', id, position);
      const t: TickDraft = {
        type: 'tick',
        venue: venue(),
        symbol,
        last: parseExact(d.p, `${prefix}p`, position),
        lastSize: parseExact(d.q, `${prefix}q`, position),
        // m: the buyer is the maker, so the taker (aggressor) sold.
        aggressor: d.m ? 'sell' : 'buy',
        // aggTrade ids are their own sequence: prefixed so they never collide with trade ids.
        tradeId: e === 'trade' ? String(id) : `a${id}`,
      };
      if (d.T !== undefined) t.exchTs = msToNs(d.T, `${prefix}T`, position);
      else if (d.E !== undefined) t.exchTs = msToNs(d.E, `${prefix}E`, position);
      return { events: [t], kind: e };
    }
    if (e === 'depthUpdate') return depthUpdate(d, prefix, position);
    const isBookTicker = e === 'bookTicker' || (e === undefined && 'b' in d && 'a' in d && 'B' in d && 'A' in d && 's' in d);
    if (isBookTicker) {
      if (e === 'bookTicker') futures = true; // spot book tickers carry no event type
      const t: TickDraft = {
        type: 'tick',
        venue: venue(),
        symbol: symbolOf(d.s, `${prefix}s`, position),
        bid: parseExact(d.b, `${prefix}b`, position),
        bidSize: parseExact(d.B, `${prefix}B`, position),
        ask: parseExact(d.a, `${prefix}a`, position),
        askSize: parseExact(d.A, `${prefix}A`, position),
      };
      if (d.T !== undefined) t.exchTs = msToNs(d.T, `${prefix}T`, position);
      else if (d.E !== undefined) t.exchTs = msToNs(d.E, `${prefix}E`, position);
      if (d.u !== undefined) t.venueSeq = seqOf(d.u, `${prefix}u`, position);
      return { events: [t], kind: 'bookTicker' };
    }
    if ('lastUpdateId' in d && 'bids' in d && 'asks' in d) return snapshot(d, position, url);
    if (isBinanceExchangeInfo(d)) {
      if ((d.symbols as unknown[]).some((s) => isObj(s) && typeof s.contractType === 'string')) futures = true;
      const events = binanceInstruments(d, venue(), position);
      return events.length > 0 ? { events, kind: 'exchangeInfo' } : { unmapped: 'exchangeInfo (no symbols)' };
    }
    if (typeof e === 'string' && e.length > 0) return { unmapped: e };
    if ('result' in d && 'id' in d) return { unmapped: 'subscription' };
    if ('error' in d || 'code' in d) return { unmapped: 'error' };
    return { unmapped: 'unknown' };
  };
}
