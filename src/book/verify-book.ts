/**
 * `verify --book`: every venue check replayed over a recording, per venue and symbol.
 * - continuity: Binance update ids (spot: U = previous u + 1; futures: pu = previous u; the first
 *   update after a snapshot straddles it), from the book events' venueSeq fields;
 * - checksum: the checksum the venue sent (Kraken CRC32, on a message's LAST event) against the
 *   rebuilt book's top 10 levels, computed from the exact decimals' text (the venue's strings);
 * - top-of-book: a quote tick carrying the venue's update id (Binance bookTicker `u`) against the
 *   rebuilt best bid/ask (price and size, exactly) after the book message with the same update id.
 * Pure over an event iterable: the CLI opens the recording.
 */
import { compareDecimals, toDecimal, type Decimal } from '../events/decimal.js';
import { BOOK_FLAG_SNAPSHOT, type BookEvent, type TapeEvent, type TickEvent } from '../events/types.js';
import { krakenChecksum } from '../record/kraken-book.js';
import { BookBuilder } from './book-builder.js';
import type { OrderBook } from './order-book.js';

export type BookCheckName = 'continuity' | 'checksum' | 'top-of-book';

export interface BookCheck {
  checked: number;
  passed: number;
  failed: number;
}

export interface BookCheckReport {
  venue: string;
  symbol: string;
  checks: Record<BookCheckName, BookCheck>;
  firstFailure: { check: BookCheckName; seq: number | undefined; ts: bigint; detail: string } | null;
  messages: number;
  /**
   * Messages that left the book untrusted (before its first snapshot, or after a gap until the
   * next): nothing about them can be checked, so a book with every message untrusted passes
   * having been checked against nothing (e.g. a capture that starts without a snapshot).
   */
  untrusted: number;
}

interface Top {
  bid?: { price: Decimal; size: Decimal };
  ask?: { price: Decimal; size: Decimal };
}

/** How many book states by update id (and quotes waiting for one) are kept per book. */
const KEEP = 100_000;

interface State {
  report: BookCheckReport;
  lastU: number | undefined;
  synced: boolean;
  tops: Map<number, Top>;
  waiting: Map<number, TickEvent>;
}

export function checkBooks(events: Iterable<TapeEvent>): BookCheckReport[] {
  const builder = new BookBuilder();
  const states = new Map<string, State>();
  const stateOf = (venue: string, symbol: string): State => {
    const k = `${venue}\u0000${symbol}`;
    let s = states.get(k);
    if (!s) {
      const c = (): BookCheck => ({ checked: 0, passed: 0, failed: 0 });
      s = {
        report: { venue, symbol, checks: { continuity: c(), checksum: c(), 'top-of-book': c() }, firstFailure: null, messages: 0, untrusted: 0 },
        lastU: undefined,
        synced: false,
        tops: new Map(),
        waiting: new Map(),
      };
      states.set(k, s);
    }
    return s;
  };
  const record = (s: State, check: BookCheckName, ok: boolean, at: TapeEvent, detail: () => string): void => {
    const c = s.report.checks[check];
    c.checked++;
    if (ok) c.passed++;
    else {
      c.failed++;
      s.report.firstFailure ??= { check, seq: at.seq, ts: at.ts, detail: detail() };
    }
  };
  const sameLevel = (a: { price: Decimal; size: Decimal } | undefined, price: Decimal | undefined, size: Decimal | undefined): boolean =>
    a === undefined || price === undefined ? a === undefined && price === undefined : compareDecimals(a.price, price) === 0 && (size === undefined || compareDecimals(a.size, size) === 0);
  const text = (l: { price: Decimal; size: Decimal } | undefined) => (l ? `${l.size}@${l.price}` : '-');

  function compareQuote(s: State, t: TickEvent, top: Top): void {
    const bid = t.bid === undefined ? undefined : toDecimal(t.bid);
    const ask = t.ask === undefined ? undefined : toDecimal(t.ask);
    const bidSize = t.bidSize === undefined ? undefined : toDecimal(t.bidSize);
    const askSize = t.askSize === undefined ? undefined : toDecimal(t.askSize);
    const ok = (bid === undefined || sameLevel(top.bid, bid, bidSize)) && (ask === undefined || sameLevel(top.ask, ask, askSize));
    record(s, 'top-of-book', ok, t, () => `update id ${t.venueSeq}: quote ${bidSize ?? '?'}@${bid ?? '-'} / ${askSize ?? '?'}@${ask ?? '-'}, rebuilt book ${text(top.bid)} / ${text(top.ask)}`);
  }

  function continuity(s: State, events: readonly BookEvent[]): void {
    let i = 0;
    while (i < events.length) {
      const e = events[i]!;
      let j = i + 1;
      while (j < events.length && events[j]!.venueSeq === e.venueSeq && events[j]!.venueSeqFirst === e.venueSeqFirst) j++;
      i = j;
      if (e.venueSeq === undefined) continue;
      if (((e.flags ?? 0) & BOOK_FLAG_SNAPSHOT) !== 0) {
        s.lastU = e.venueSeq;
        s.synced = false;
        continue;
      }
      if (s.lastU === undefined || (e.venueSeqFirst === undefined && e.venueSeqPrev === undefined)) continue;
      const last = s.lastU;
      let ok: boolean;
      let want: string;
      if (!s.synced) {
        const futures = e.venueSeqPrev !== undefined;
        const first = futures ? last : last + 1;
        ok = e.venueSeqFirst !== undefined && e.venueSeqFirst <= first && e.venueSeq >= first;
        want = `an update straddling ${first}, got ${e.venueSeqFirst}..${e.venueSeq}`;
        s.synced = true;
      } else if (e.venueSeqPrev !== undefined) {
        ok = e.venueSeqPrev === last;
        want = `pu ${last}, got ${e.venueSeqPrev}`;
      } else {
        ok = e.venueSeqFirst === last + 1;
        want = `first update id ${last + 1}, got ${e.venueSeqFirst}`;
      }
      record(s, 'continuity', ok, e, () => `expected ${want}`);
      s.lastU = e.venueSeq;
    }
  }

  builder.onMessage = (b: OrderBook, evs) => {
    const s = stateOf(b.venue, b.symbol);
    s.report.messages++;
    if (!b.trusted) s.report.untrusted++;
    continuity(s, evs);
    const lastEv = evs[evs.length - 1]!;
    if (lastEv.checksum !== undefined) {
      const lv = (side: 'bid' | 'ask') => b.top(side, 10).map((l) => ({ price: l.price.toString(), volume: l.size.toString() }));
      const computed = krakenChecksum(lv('ask'), lv('bid'));
      record(s, 'checksum', computed === lastEv.checksum, lastEv, () => `venue checksum ${lastEv.checksum}, rebuilt book ${computed}`);
    }
    if (b.venueSeq !== undefined && b.trusted) {
      const top: Top = { bid: b.bestBid(), ask: b.bestAsk() };
      s.tops.set(b.venueSeq, top);
      if (s.tops.size > KEEP) s.tops.delete(s.tops.keys().next().value as number);
      const t = s.waiting.get(b.venueSeq);
      if (t) {
        s.waiting.delete(b.venueSeq);
        compareQuote(s, t, top);
      }
    }
  };

  for (const ev of events) {
    builder.push(ev);
    if (ev.type === 'tick' && ev.venueSeq !== undefined && (ev.bid !== undefined || ev.ask !== undefined)) {
      const s = states.get(`${ev.venue}\u0000${ev.symbol}`);
      if (!s) continue; // no book for this symbol
      const top = s.tops.get(ev.venueSeq);
      if (top) compareQuote(s, ev, top);
      else {
        s.waiting.set(ev.venueSeq, ev);
        if (s.waiting.size > KEEP) s.waiting.delete(s.waiting.keys().next().value as number);
      }
    }
  }
  return [...states.values()].map((s) => s.report);
}
