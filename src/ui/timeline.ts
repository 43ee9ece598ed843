/**
 * A recording's timeline in columns, built by one read of every event, so charts of any visible
 * range are answered from memory (binary search + min/max downsampling) instead of re-reading
 * the log per request. About 40 bytes per tick (ts, bid, ask, last as float64; seq), and one
 * small object per non-tick event (orders, fills, signals, risk and system events: markers).
 *
 * Time inside is a float64 offset in ns from the recording's first ts: exact for any recording
 * shorter than 104 days (2^53 ns), where an absolute ns ts would not fit a double.
 * bid and ask are carried forward (a quote stands until it changes); last is a trade, NaN where
 * a tick has none.
 */
import { openRecording } from '../events/recording.js';
import { toNumber } from '../events/decimal.js';
import type { EventType, TapeEvent } from '../events/types.js';
import { downsampleMinMax, lowerBound, upperBound, type Downsampled } from './downsample.js';

/** A growable float64 column. */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export interface SymbolSeries {
  symbol: string;
  venue: string;
  /** ns offsets from the timeline's origin, ascending. */
  x: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  last: Float64Array;
}

export interface Marker {
  /** ns offset from the origin. */
  off: number;
  seq: number;
  type: Exclude<EventType, 'tick' | 'book'>;
  symbol?: string;
  side?: 'buy' | 'sell';
  price?: number;
  /** A short description (order action, fill qty@price, system kind and message, risk rule). */
  text: string;
}

export interface Quote {
  symbol: string;
  bid: number | null;
  ask: number | null;
  /** The last trade at or before the point, if any. */
  last: number | null;
}

export interface TimelineParts {
  dir: string;
  originNs: bigint;
  offs: Float64Array;
  seqs: Float64Array;
  symbols: Map<string, SymbolSeries>;
  markers: Marker[];
  bookEvents: number;
  bookSymbols: string[];
}

export class Timeline {
  private constructor(
    readonly dir: string,
    /** The first event's ts (0n when empty): offsets count from here. */
    readonly originNs: bigint,
    /** Every event's offset, in log order. */
    readonly offs: Float64Array,
    /** Every event's seq, in log order. */
    readonly seqs: Float64Array,
    readonly symbols: ReadonlyMap<string, SymbolSeries>,
    readonly markers: readonly Marker[],
    /** How many book (depth) events the recording holds: the deck shows a ladder when any. */
    readonly bookEvents: number,
    /** Symbols with book events, in order of first appearance. */
    readonly bookSymbols: readonly string[],
  ) {}

  get events(): number {
    return this.offs.length;
  }

  /** The last event's ts (originNs when empty). */
  get lastNs(): bigint {
    return this.offs.length === 0 ? this.originNs : this.originNs + BigInt(this.offs[this.offs.length - 1]!);
  }

  /** Reads every event of `dir` once. */
  static build(dir: string): Timeline {
    const rec = openRecording(dir);
    const offs = new Column();
    const seqs = new Column();
    const cols = new Map<string, { venue: string; x: Column; bid: Column; ask: Column; last: Column; lb: number; la: number }>();
    const markers: Marker[] = [];
    let bookEvents = 0;
    const bookSymbols = new Set<string>();
    let origin: bigint | null = null;
    for (const ev of rec.events()) {
      origin ??= ev.ts;
      const off = Number(ev.ts - origin);
      offs.push(off);
      seqs.push(ev.seq ?? -1);
      if (ev.type === 'tick') {
        let c = cols.get(ev.symbol);
        if (!c) {
          c = { venue: ev.venue, x: new Column(), bid: new Column(), ask: new Column(), last: new Column(), lb: NaN, la: NaN };
          cols.set(ev.symbol, c);
        }
        if (ev.bid !== undefined) c.lb = toNumber(ev.bid);
        if (ev.ask !== undefined) c.la = toNumber(ev.ask);
        c.x.push(off);
        c.bid.push(c.lb);
        c.ask.push(c.la);
        c.last.push(toNumber(ev.last) ?? NaN);
      } else if (ev.type === 'book') {
        bookEvents++;
        bookSymbols.add(ev.symbol);
      } else {
        // Book events are level changes (thousands per second on a busy symbol), not markers.
        markers.push(marker(ev, off));
      }
    }
    const symbols = new Map<string, SymbolSeries>();
    for (const [symbol, c] of cols) symbols.set(symbol, { symbol, venue: c.venue, x: c.x.done(), bid: c.bid.done(), ask: c.ask.done(), last: c.last.done() });
    return new Timeline(dir, origin ?? 0n, offs.done(), seqs.done(), symbols, markers, bookEvents, [...bookSymbols]);
  }

  /** ns offset of an absolute ts (may be negative or past the end). */
  offsetOf(tsNs: bigint): number {
    return Number(tsNs - this.originNs);
  }

  /** bid/ask/last of the chart for one symbol over [fromOff, toOff], at most 2 points per bucket. */
  series(symbol: string, fromOff: number, toOff: number, buckets: number): Downsampled | null {
    const s = this.symbols.get(symbol);
    if (!s) return null;
    return downsampleMinMax(s.x, [s.bid, s.ask, s.last], fromOff, toOff, buckets);
  }

  /**
   * Markers in [fromOff, toOff]: all of them when at most `max`, else the first of each type (and
   * symbol) per bucket, so a dense run of orders still shows where it happened.
   */
  markersIn(fromOff: number, toOff: number, buckets: number, max: number): { markers: Marker[]; total: number } {
    const lo = lowerMarker(this.markers, fromOff);
    let hi = lo;
    while (hi < this.markers.length && this.markers[hi]!.off <= toOff) hi++;
    const total = hi - lo;
    if (total <= max) return { markers: this.markers.slice(lo, hi), total };
    const width = (toOff - fromOff) / buckets || 1;
    const seen = new Set<string>();
    const out: Marker[] = [];
    for (let i = lo; i < hi; i++) {
      const m = this.markers[i]!;
      const key = `${Math.floor((m.off - fromOff) / width)}|${m.type}|${m.side ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(m);
    }
    return { markers: out, total };
  }

  /** The quote of every symbol at an offset (the latest at or before it). */
  quotesAt(off: number): Quote[] {
    const out: Quote[] = [];
    for (const s of this.symbols.values()) {
      const i = upperBound(s.x, off) - 1;
      if (i < 0) {
        out.push({ symbol: s.symbol, bid: null, ask: null, last: null });
        continue;
      }
      let last: number | null = null;
      for (let k = i; k >= 0 && k > i - 10_000; k--) {
        if (!Number.isNaN(s.last[k]!)) {
          last = s.last[k]!;
          break;
        }
      }
      out.push({ symbol: s.symbol, bid: nanNull(s.bid[i]!), ask: nanNull(s.ask[i]!), last });
    }
    return out;
  }

  /** The columns as plain data (what a worker thread posts back; see restore). */
  parts(): TimelineParts {
    return { dir: this.dir, originNs: this.originNs, offs: this.offs, seqs: this.seqs, symbols: new Map(this.symbols), markers: [...this.markers], bookEvents: this.bookEvents, bookSymbols: [...this.bookSymbols] };
  }

  static restore(p: TimelineParts): Timeline {
    return new Timeline(p.dir, p.originNs, p.offs, p.seqs, p.symbols, p.markers, p.bookEvents, p.bookSymbols);
  }

  /** Position (index in log order) of the first event at or after an offset. */
  positionAt(off: number): number {
    return lowerBound(this.offs, off);
  }
}

function nanNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}

function lowerMarker(ms: readonly Marker[], off: number): number {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ms[mid]!.off < off) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function marker(ev: Exclude<TapeEvent, { type: 'tick' | 'book' }>, off: number): Marker {
  const seq = ev.seq ?? -1;
  switch (ev.type) {
    case 'order':
      return { off, seq, type: 'order', symbol: ev.symbol, side: ev.side, ...(ev.price !== undefined ? { price: ev.price } : {}), text: `${ev.action} ${ev.side} ${ev.qty} ${ev.symbol}${ev.price !== undefined ? ` @ ${ev.price}` : ''} (${ev.orderId})` };
    case 'fill':
      return { off, seq, type: 'fill', symbol: ev.symbol, side: ev.side, price: ev.price, text: `fill ${ev.side} ${ev.qty} ${ev.symbol} @ ${ev.price}` };
    case 'signal':
      return { off, seq, type: 'signal', symbol: ev.symbol, text: `${ev.strategy} ${ev.name} = ${ev.value}` };
    case 'risk':
      return { off, seq, type: 'risk', ...(ev.symbol !== undefined ? { symbol: ev.symbol } : {}), text: `${ev.severity} ${ev.rule}: ${ev.detail}` };
    case 'system':
      return { off, seq, type: 'system', text: `${ev.kind}: ${ev.message}` };
    case 'instrument':
      return { off, seq, type: 'instrument', symbol: ev.symbol, text: `instrument ${ev.venue} ${ev.symbol}` };
    case 'bar':
      return { off, seq, type: 'bar', symbol: ev.symbol, text: `bar ${ev.interval} ${ev.symbol} O ${String(ev.open)} H ${String(ev.high)} L ${String(ev.low)} C ${String(ev.close)} V ${String(ev.volume)}` };
  }
}
