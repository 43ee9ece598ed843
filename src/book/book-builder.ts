/**
 * Books for any number of venues and symbols, rebuilt from `book` events as a bus consumer (or
 * fed directly). A venue message's events are held until its LAST event and then applied
 * together, so a book is only ever seen between messages. A `system` gap event naming a venue
 * and symbol, or an event flagged BOOK_FLAG_BAD_BOOK, makes that book untrusted until the next
 * snapshot (or clear).
 */
import type { Subscription } from 'rxjs';
import type { EventBus } from '../bus/bus.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type BookEvent, type SystemEvent, type TapeEvent } from '../events/types.js';
import type { Stateful } from '../events/state.js';
import { BOOKS_FILE, BOOKS_FILE_JSON, decodeBooks, encodeBooks } from './book-state.js';
import { OrderBook } from './order-book.js';

export class BookBuilder implements Stateful {
  /** The snapshot contract (events/state.ts): every book, trusted or not, its venue seq, held messages. */
  readonly stateFile = BOOKS_FILE;
  readonly legacyStateFile = BOOKS_FILE_JSON;
  private readonly books = new Map<string, OrderBook>();
  private readonly pending = new Map<string, BookEvent[]>();
  /** Called after each message is applied, with the book and the message's events. */
  onMessage: ((book: OrderBook, events: readonly BookEvent[]) => void) | undefined;
  /** Called when a gap (system event or bad-book flag) makes a book untrusted. */
  onUntrusted: ((book: OrderBook, ev: TapeEvent) => void) | undefined;
  /** Book events applied. */
  applied = 0;

  private key(venue: string, symbol: string): string {
    return `${venue}\u0000${symbol}`;
  }

  book(venue: string, symbol: string): OrderBook | undefined {
    return this.books.get(this.key(venue, symbol));
  }

  /** Every book, in the order first seen. */
  all(): OrderBook[] {
    return [...this.books.values()];
  }

  private bookOf(venue: string, symbol: string): OrderBook {
    const k = this.key(venue, symbol);
    let b = this.books.get(k);
    if (!b) this.books.set(k, (b = new OrderBook(venue, symbol)));
    return b;
  }

  /** Feeds any event; book and system events are used, the rest ignored. */
  push(ev: TapeEvent): void {
    if (ev.type === 'book') this.onBook(ev);
    else if (ev.type === 'system' && ev.kind === 'gap') this.onGap(ev);
  }

  private onBook(e: BookEvent): void {
    const k = this.key(e.venue, e.symbol);
    const flags = e.flags ?? 0;
    let msg = this.pending.get(k);
    if ((flags & BOOK_FLAG_LAST) === 0) {
      if (!msg) this.pending.set(k, (msg = []));
      msg.push(e);
      return;
    }
    const events = msg ? (msg.push(e), msg) : [e];
    this.pending.delete(k);
    const b = this.bookOf(e.venue, e.symbol);
    let bad = false;
    for (const x of events) {
      b.apply(x);
      if (((x.flags ?? 0) & BOOK_FLAG_BAD_BOOK) !== 0) bad = true;
    }
    this.applied += events.length;
    b.messages++;
    if (bad) {
      if (b.trusted) this.onUntrusted?.(b, e);
      b.trusted = false;
    } else if ((events[0]!.flags ?? 0) & BOOK_FLAG_SNAPSHOT) {
      b.trusted = true;
    }
    this.onMessage?.(b, events);
  }

  private onGap(ev: SystemEvent): void {
    const venue = ev.data?.venue;
    const symbol = ev.data?.symbol;
    if (typeof venue !== 'string' || typeof symbol !== 'string') return;
    const b = this.bookOf(venue, symbol);
    if (b.trusted) this.onUntrusted?.(b, ev);
    b.trusted = false;
  }

  /** Forgets every book (the state before the first event). */
  reset(): void {
    this.books.clear();
    this.pending.clear();
    this.applied = 0;
  }

  captureState(): Iterable<Uint8Array> {
    // Each book's orders are read lazily as the chunks are written (OrderBook.captureState).
    const books = this.all().map((b) => ({ venue: b.venue, symbol: b.symbol, state: b.captureState() }));
    const held = [...this.pending.values()].filter((evs) => evs.length > 0).map((evs) => ({ venue: evs[0]!.venue, symbol: evs[0]!.symbol, events: evs.slice() }));
    return encodeBooks({ books, held, applied: this.applied });
  }

  restoreState(bytes: Uint8Array): void {
    const s = decodeBooks(bytes);
    this.books.clear();
    this.pending.clear();
    for (const b of s.books) this.bookOf(b.venue, b.symbol).restoreState(b.state);
    for (const h of s.held) this.pending.set(this.key(h.venue, h.symbol), h.events);
    this.applied = s.applied;
  }

  /** Consumes a bus's book and system events until the subscription is closed. */
  attach(bus: EventBus): Subscription {
    return bus.events$.subscribe((ev) => this.push(ev));
  }
}
