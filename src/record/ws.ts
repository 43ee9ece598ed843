/**
 * A WebSocket feed into a Recorder, reconnecting with capped exponential backoff. Every drop is
 * recorded as a system `gap` (at the moment it was noticed) and every reconnect as a system
 * `reconnect` carrying the gap's length (data.gapMs), so a replay shows where data is missing.
 *
 * Venue feeds resynchronise their books (resync.ts): when a message leaves a symbol's book
 * untrusted (a sequence break or a failed checksum: the mapping writes the gap event and flags the
 * book bad; or Binance updates before any snapshot), the feed refetches the REST snapshot
 * (`snapshotUrl`) or resubscribes, once per symbol until a snapshot of it arrives.
 */
import type WebSocket from 'ws';
import { IoError, ValidationError } from '../errors.js';
import { BOOK_FLAG_BAD_BOOK } from '../events/types.js';
import { parseJsonLine } from './json-line.js';
import type { Recorder } from './recorder.js';
import { gapSymbols, resyncAction, snapshotSymbols } from './resync.js';
import type { MapOutcome } from './venue-common.js';
import { mapperFor, type MapperOptions, type VenueFormat } from './venues.js';
import { wsClient } from '../util/lazy-deps.js';

export type WsFormat = 'canonical' | VenueFormat;

export interface BackoffOptions {
  /** First retry delay (default 250 ms). */
  initialMs?: number;
  /** Cap (default 30 s). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
}

export interface WsSourceOptions {
  url: string;
  /** 'canonical' (default): each message is one canonical JSON event. */
  format?: WsFormat;
  /** Messages sent after every (re)connect, e.g. a Coinbase subscribe request. */
  send?: readonly string[];
  backoff?: BackoffOptions;
  /** Give up after this many consecutive failed attempts (default: never). */
  maxAttempts?: number;
  /** Stops the feed: the socket is closed and the promise resolves. */
  signal?: AbortSignal;
  /** Connection status lines for a human (connected, lost, retrying). */
  onStatus?: (msg: string) => void;
  /** Venue formats: options of the mapping (venue name, the symbol of REST snapshots). */
  mapper?: MapperOptions;
  /**
   * Venue formats: a REST depth snapshot to fetch when a book needs one (Binance, e.g.
   * https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000); its body is mapped like a message.
   */
  snapshotUrl?: string;
  /**
   * Venue formats: instrument metadata to fetch after each connect (Binance exchangeInfo, Coinbase
   * products, Kraken AssetPairs); each body is mapped like a message into `instrument` events.
   */
  instrumentsUrls?: readonly string[];
  /** Venue formats: refetch or resubscribe after a book gap (default true). */
  resync?: boolean;
  /** HTTP GET for snapshots (default: the global fetch). */
  fetchText?: (url: string, signal: AbortSignal | undefined) => Promise<string>;
}

async function defaultFetchText(url: string, signal: AbortSignal | undefined): Promise<string> {
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return res.text();
}

/** Symbols whose book events in a mapped message are flagged bad (untrusted: gap, or no snapshot yet). */
function badBookSymbols(outcome: MapOutcome): string[] {
  if (!('events' in outcome)) return [];
  const out = new Set<string>(gapSymbols(outcome));
  for (const e of outcome.events) if (e.type === 'book' && ((e.flags ?? 0) & BOOK_FLAG_BAD_BOOK) !== 0) out.add(e.symbol);
  return [...out];
}

interface Attempt {
  opened: boolean;
  code?: number;
  reason: string;
}

export function backoffDelay(attempt: number, b: BackoffOptions = {}): number {
  const initial = b.initialMs ?? 250;
  const max = b.maxMs ?? 30_000;
  const factor = b.factor ?? 2;
  return Math.min(max, initial * factor ** Math.max(0, attempt - 1));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Records the feed until `signal` aborts or the recorder is closed (resolves), or strict bad
 * input / an I/O error (rejects). */
export async function recordWebSocket(rec: Recorder, options: WsSourceOptions): Promise<void> {
  // Closing the recorder stops the feed too: without it a feed nobody stops would reconnect forever.
  const signal = options.signal ? AbortSignal.any([options.signal, rec.closedSignal]) : rec.closedSignal;
  const opts: WsSourceOptions = { ...options, signal };
  const format = opts.format ?? 'canonical';
  const map = format === 'canonical' ? null : mapperFor(format, opts.mapper);
  const resync = map && opts.resync !== false ? resyncAction({ snapshotUrl: opts.snapshotUrl, send: opts.send }) : null;
  const fetchText = opts.fetchText ?? defaultFetchText;
  /** Symbols with a resync asked for and no snapshot since. */
  const pending = new Set<string>();
  let current: WebSocket | null = null;
  let snapshotNo = 0;
  /** After failed snapshot fetches: no new fetch before this (recorder clock, ns), backing off. */
  let fetchFailures = 0;
  let fetchNotBeforeNs = 0n;
  const status = opts.onStatus ?? (() => {});
  let messageNo = 0;
  let fatal: unknown = null;
  let dropAt: bigint | null = null;
  let failures = 0;
  let attemptsInGap = 0;

  const onMessage = (data: WebSocket.RawData): void => {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    onText(text, `message ${++messageNo}`);
  };

  /** Asks the venue for a fresh book of `symbols` (those without a resync under way). */
  const startResync = (symbols: readonly string[]): void => {
    const fresh = symbols.filter((s) => !pending.has(s));
    if (fresh.length === 0 || !resync) return;
    if (resync.kind === 'refetch' && fetchFailures > 0 && rec.now() < fetchNotBeforeNs) return;
    for (const s of fresh) pending.add(s);
    if (resync.kind === 'none') {
      status(`book of ${fresh.join(', ')} untrusted and cannot resynchronise (${resync.why}); it stays flagged until the venue sends a snapshot`);
    } else if (resync.kind === 'resubscribe') {
      status(`book of ${fresh.join(', ')} untrusted: resubscribing for a new snapshot`);
      for (const m of resync.messages) current?.send(m);
    } else {
      status(`book of ${fresh.join(', ')} untrusted: fetching the REST snapshot`);
      const pos = `snapshot ${++snapshotNo}`;
      // Strict bad input or a failed log while writing: stop the feed and report it.
      const stop = (err: unknown) => {
        fatal = err;
        current?.terminate();
      };
      fetchText(resync.url, opts.signal).then(
        (body) => {
          if (fatal || opts.signal?.aborted) return;
          fetchFailures = 0;
          try {
            onText(body, pos, resync.url);
          } catch (err) {
            stop(err);
          }
        },
        (err: unknown) => {
          if (fatal || opts.signal?.aborted) return;
          for (const s of fresh) pending.delete(s); // a bad message after the backoff asks again
          fetchFailures++;
          fetchNotBeforeNs = rec.now() + BigInt(backoffDelay(fetchFailures, opts.backoff)) * 1_000_000n;
          const why = err instanceof Error ? err.message : String(err);
          status(`snapshot ${resync.url} failed: ${why}`);
          try {
            rec.system('note', `snapshot refetch from ${resync.url} failed: ${why}`, { url: resync.url, reason: why });
          } catch (e) {
            stop(e);
          }
        },
      );
    }
  };

  let instrumentsNo = 0;
  /** Venue metadata into instrument events; a failure is a note event (the feed goes on). */
  const fetchInstruments = (url: string): void => {
    const pos = `instruments ${++instrumentsNo}`;
    fetchText(url, opts.signal).then(
      (body) => {
        if (fatal || opts.signal?.aborted) return;
        try {
          onText(body, pos, url);
        } catch (err) {
          fatal = err;
          current?.terminate();
        }
      },
      (err: unknown) => {
        if (fatal || opts.signal?.aborted) return;
        const why = err instanceof Error ? err.message : String(err);
        status(`instruments ${url} failed: ${why}`);
        try {
          rec.system('note', `instrument metadata from ${url} failed: ${why}`, { url, reason: why });
        } catch (e) {
          fatal = e;
          current?.terminate();
        }
      },
    );
  };

  /** A message, or a REST body with the URL it came from (the mapping reads a snapshot's symbol from it, as for a capture's HTTP lines). */
  const onText = (text: string, pos: string, url?: string): void => {
    if (!map) {
      rec.writeLine(text, pos);
      return;
    }
    let msg: unknown;
    try {
      msg = parseJsonLine(text, pos);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      rec.badInput(e, text, pos);
      return;
    }
    let outcome;
    try {
      outcome = map(msg, pos, url);
    } catch (err) {
      if (err instanceof ValidationError) {
        rec.badInput(err, text, pos);
        return;
      }
      throw err;
    }
    rec.writeMapped(outcome, undefined, { position: pos, raw: text });
    if (resync) {
      for (const s of snapshotSymbols(outcome)) pending.delete(s);
      const bad = badBookSymbols(outcome);
      if (bad.length > 0) startResync(bad);
    }
  };

  const connectOnce = (): Promise<Attempt> =>
    new Promise<Attempt>((resolve) => {
      let opened = false;
      let settled = false;
      const ws = new (wsClient())(opts.url, { perMessageDeflate: false });
      current = ws;
      // A new connection starts over: its subscriptions bring (or its updates ask for) new snapshots.
      pending.clear();
      const onAbort = () => ws.close(1000, 'recorder stopping');
      const finish = (a: Attempt) => {
        if (settled) return;
        settled = true;
        opts.signal?.removeEventListener('abort', onAbort);
        resolve(a);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      ws.on('open', () => {
        opened = true;
        failures = 0;
        if (dropAt !== null) {
          // One clock read: the event's ts and the end of its gapMs (a second read could be ms later under load).
          const at = rec.now();
          const gapMs = Number(at - dropAt) / 1e6;
          rec.system('reconnect', `reconnected to ${opts.url} after ${gapMs.toFixed(1)} ms`, { url: opts.url, gapMs, attempts: attemptsInGap }, at);
          dropAt = null;
          attemptsInGap = 0;
        }
        status(`connected to ${opts.url}`);
        for (const m of opts.send ?? []) ws.send(m);
        if (map) for (const url of opts.instrumentsUrls ?? []) fetchInstruments(url);
      });
      ws.on('message', (data) => {
        if (fatal || opts.signal?.aborted) return;
        try {
          onMessage(data);
        } catch (err) {
          // Strict bad input or a failed log: stop the feed and report it.
          fatal = err;
          ws.terminate();
        }
      });
      let reasonText = '';
      ws.on('error', (err) => {
        // 'close' follows; remember why.
        reasonText = err.message;
      });
      ws.on('close', (code, reason) => {
        const r = reason.toString() || reasonText || (opened ? 'connection closed' : 'connection failed');
        finish({ opened, code, reason: r });
      });
      if (opts.signal?.aborted) onAbort();
    });

  while (!opts.signal?.aborted) {
    const a = await connectOnce();
    if (fatal) throw fatal;
    if (opts.signal?.aborted) break;
    if (dropAt === null) {
      dropAt = rec.now();
      const data: Record<string, string | number> = { url: opts.url, reason: a.reason };
      if (a.code !== undefined) data.code = a.code;
      rec.system('gap', a.opened ? `connection to ${opts.url} lost: ${a.reason}` : `cannot connect to ${opts.url}: ${a.reason}`, data, dropAt);
    }
    if (!a.opened) failures++;
    attemptsInGap++;
    if (opts.maxAttempts !== undefined && failures >= opts.maxAttempts) {
      throw new IoError(opts.url, `gave up after ${failures} failed connection attempts (${a.reason})`);
    }
    const delay = backoffDelay(failures + 1, opts.backoff);
    status(`${a.opened ? 'connection lost' : 'connection failed'} (${a.reason}); retrying in ${delay} ms`);
    await sleep(delay, opts.signal);
  }
}
