/**
 * `tapedeck book <dir> --at <time>`: the books of a recording as of an instant (every book
 * message with ts ≤ at applied), optionally one venue / symbol, top N levels per side.
 */
import { TapedeckError } from '../errors.js';
import { formatTsIso } from '../events/ts.js';
import type { SnapshotWarning } from '../log/index.js';
import { booksStateAt } from './keyframes.js';
import type { OrderBook } from './order-book.js';

export interface BookAtOptions {
  at: bigint;
  venue?: string;
  symbol?: string;
  depth?: number;
  /** Rebuild from the start of the log, ignoring keyframes. */
  noKeyframes?: boolean;
  /** A damaged keyframe skipped. */
  onWarning?: (w: SnapshotWarning) => void;
}

export interface BookView {
  venue: string;
  symbol: string;
  trusted: boolean;
  /** ts of the last message applied, and the venue's update id then (if it sends one). */
  ts: bigint;
  venueSeq: number | undefined;
  messages: number;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
}

export function viewOf(b: OrderBook, depth: number): BookView {
  const side = (s: 'bid' | 'ask') => b.top(s, depth).map((l) => ({ price: l.price.toString(), size: l.size.toString() }));
  return { venue: b.venue, symbol: b.symbol, trusted: b.trusted, ts: b.ts, venueSeq: b.venueSeq, messages: b.messages, bids: side('bid'), asks: side('ask') };
}

export function booksAt(dir: string, opts: BookAtOptions): BookView[] {
  const depth = opts.depth ?? 10;
  if (!Number.isSafeInteger(depth) || depth < 1) throw new TapedeckError('BAD_ARGUMENT', `--depth ${opts.depth} must be a positive integer`);
  // Every book is rebuilt (the newest keyframe at or before `at` plus the tail), then the asked
  // ones shown: a gap event names its venue and symbol in its data, which a symbol filter on
  // the read would drop.
  const { builder } = booksStateAt(dir, opts.at, { inclusive: true, noKeyframes: opts.noKeyframes, onWarning: opts.onWarning });
  return builder
    .all()
    .filter((b) => (opts.venue === undefined || b.venue === opts.venue) && (opts.symbol === undefined || b.symbol === opts.symbol) && b.messages > 0)
    .map((b) => viewOf(b, depth));
}

/** Two columns, bids left (best first), asks right, exact decimals. */
export function formatBooks(views: readonly BookView[], at: bigint): string {
  if (views.length === 0) return `no book as of ${at} (${formatTsIso(at)})\n`;
  const out: string[] = [];
  for (const v of views) {
    out.push(`${v.venue} ${v.symbol} as of ${formatTsIso(at)}  ${v.trusted ? 'trusted' : 'UNTRUSTED (gap or bad-book flag since the last snapshot)'}`);
    out.push(`  last message ${formatTsIso(v.ts)}${v.venueSeq === undefined ? '' : `  update id ${v.venueSeq}`}  (${v.messages} messages)`);
    const w = (xs: { price: string; size: string }[], k: 'price' | 'size') => Math.max(k.length, ...xs.map((x) => x[k].length));
    const bp = w(v.bids, 'price');
    const bs = w(v.bids, 'size');
    const ap = w(v.asks, 'price');
    out.push(`  ${'bid size'.padStart(bs + 4)}  ${'bid'.padStart(bp)}  |  ${'ask'.padEnd(ap)}  ask size`);
    for (let i = 0; i < Math.max(v.bids.length, v.asks.length); i++) {
      const b = v.bids[i];
      const a = v.asks[i];
      out.push(`  ${(b ? b.size : '').padStart(bs + 4)}  ${(b ? b.price : '').padStart(bp)}  |  ${(a ? a.price : '').padEnd(ap)}  ${a ? a.size : ''}`.trimEnd());
    }
  }
  return out.join('\n') + '\n';
}
