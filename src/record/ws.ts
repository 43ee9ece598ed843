/**
 * A WebSocket feed into a Recorder, reconnecting with capped exponential backoff. Every drop is
 * recorded as a system `gap` (at the moment it was noticed) and every reconnect as a system
 * `reconnect` carrying the gap's length (data.gapMs), so a replay shows where data is missing.
 */
import WebSocket from 'ws';
import { IoError, ValidationError } from '../errors.js';
import { parseJsonLine } from './json-line.js';
import type { Recorder } from './recorder.js';
import { mapperFor, type VenueFormat } from './venues.js';

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
  const map = format === 'canonical' ? null : mapperFor(format);
  const status = opts.onStatus ?? (() => {});
  let messageNo = 0;
  let fatal: unknown = null;
  let dropAt: bigint | null = null;
  let failures = 0;
  let attemptsInGap = 0;

  const onMessage = (data: WebSocket.RawData): void => {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    const pos = `message ${++messageNo}`;
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
      outcome = map(msg, pos);
    } catch (err) {
      if (err instanceof ValidationError) {
        rec.badInput(err, text, pos);
        return;
      }
      throw err;
    }
    rec.writeMapped(outcome, undefined, { position: pos, raw: text });
  };

  const connectOnce = (): Promise<Attempt> =>
    new Promise<Attempt>((resolve) => {
      let opened = false;
      let settled = false;
      const ws = new WebSocket(opts.url, { perMessageDeflate: false });
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
          const gapMs = Number(rec.now() - dropAt) / 1e6;
          rec.system('reconnect', `reconnected to ${opts.url} after ${gapMs.toFixed(1)} ms`, { url: opts.url, gapMs, attempts: attemptsInGap });
          dropAt = null;
          attemptsInGap = 0;
        }
        status(`connected to ${opts.url}`);
        for (const m of opts.send ?? []) ws.send(m);
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
      rec.system('gap', a.opened ? `connection to ${opts.url} lost: ${a.reason}` : `cannot connect to ${opts.url}: ${a.reason}`, data);
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
