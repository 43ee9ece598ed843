/**
 * Getting a fresh book after a gap in a live venue feed (docs/VENUES.md "Resynchronising"). The
 * mapping writes the `system` gap event and flags the book bad (venue-binance.ts, venue-kraken.ts);
 * this module decides what the feed does about it, once per symbol until a snapshot of that symbol
 * arrives:
 * - `refetch`: fetch the venue's REST depth snapshot again (Binance; its URL is given, since it
 *   names the symbol and depth) and put its body through the feed's mapping like any message;
 * - `resubscribe`: send the feed's subscribe requests again, each preceded by its unsubscribe twin,
 *   so the venue sends a new snapshot (Kraken `{"event":"subscribe"}`, Coinbase `{"type":"subscribe"}`).
 * Pure: what to send and which symbols need it; ws.ts does the I/O.
 */
import { BOOK_FLAG_SNAPSHOT } from '../events/types.js';
import type { MapOutcome } from './venue-common.js';

export type ResyncAction = { kind: 'refetch'; url: string } | { kind: 'resubscribe'; messages: string[] } | { kind: 'none'; why: string };

/**
 * The unsubscribe twin of a subscribe request (`"event":"subscribe"` or `"type":"subscribe"` →
 * `unsubscribe`), or null when the message is not a JSON subscribe request.
 */
export function unsubscribeOf(message: string): string | null {
  let m: unknown;
  try {
    m = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return null;
  const o = m as Record<string, unknown>;
  for (const key of ['event', 'type', 'method']) {
    if (o[key] === 'subscribe' || o[key] === 'SUBSCRIBE') {
      return JSON.stringify({ ...o, [key]: o[key] === 'SUBSCRIBE' ? 'UNSUBSCRIBE' : 'unsubscribe' });
    }
  }
  return null;
}

/** What a feed does after a book gap: refetch when a snapshot URL is known, else resubscribe when it can. */
export function resyncAction(opts: { snapshotUrl?: string; send?: readonly string[] }): ResyncAction {
  if (opts.snapshotUrl !== undefined) return { kind: 'refetch', url: opts.snapshotUrl };
  const messages: string[] = [];
  for (const s of opts.send ?? []) {
    const un = unsubscribeOf(s);
    if (un !== null) messages.push(un, s);
  }
  if (messages.length > 0) return { kind: 'resubscribe', messages };
  return { kind: 'none', why: 'no snapshot URL and no subscribe request to repeat' };
}

/** Symbols whose book a mapped message reports a gap for (system gap events naming a symbol). */
export function gapSymbols(outcome: MapOutcome): string[] {
  if (!('events' in outcome)) return [];
  const out: string[] = [];
  for (const e of outcome.events) {
    if (e.type === 'system' && e.kind === 'gap' && typeof e.data?.symbol === 'string') out.push(e.data.symbol);
  }
  return out;
}

/** Symbols a mapped message brings a snapshot for (a book event flagged SNAPSHOT). */
export function snapshotSymbols(outcome: MapOutcome): string[] {
  if (!('events' in outcome)) return [];
  const out = new Set<string>();
  for (const e of outcome.events) if (e.type === 'book' && ((e.flags ?? 0) & BOOK_FLAG_SNAPSHOT) !== 0) out.add(e.symbol);
  return [...out];
}
