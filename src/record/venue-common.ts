/**
 * What every venue mapping shares: the outcome of one venue message, and the parsers for the
 * decimal strings, epoch times and symbols venues send. One venue message maps to the events of
 * one atomic log batch (or to a counted non-event: acks, heartbeats, duplicates, stale updates).
 */
import { ValidationError } from '../errors.js';
import { Decimal } from '../events/decimal.js';
import type { BookEvent, InstrumentEvent, SystemEvent, TickEvent } from '../events/types.js';

type Draft<T> = Omit<T, 'ts' | 'runId' | 'seq' | 'cause'>;
/** A tick without ts and runId (the recorder stamps both). */
export type TickDraft = Omit<Draft<TickEvent>, 'volume'>;
export type BookDraft = Draft<BookEvent>;
export type InstrumentDraft = Draft<InstrumentEvent>;
export type SystemDraft = Draft<SystemEvent>;
export type EventDraft = TickDraft | BookDraft | InstrumentDraft | SystemDraft;

/**
 * `events`: what one message becomes, written as one atomic batch (in this order). `unmapped`: a
 * message that is counted by kind and not recorded (documented per venue in docs/VENUES.md).
 */
export type MapOutcome = { events: EventDraft[]; kind: string } | { unmapped: string };

/**
 * A venue mapping. Stateful (sequence checks, books for checksums, trade ids): one per feed.
 * `url`: the URL a message was fetched from when it is an HTTP response (a REST snapshot in a
 * capture), which may name what the body does not (Binance's `depth?symbol=BTCUSDT`).
 */
export type Mapper = (msg: unknown, position?: string, url?: string) => MapOutcome;

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** "61837.63000000" → 61837.63 (a double). Refuses anything that is not a plain decimal (or a finite number). */
export function parseDecimal(v: unknown, field: string, position?: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v !== 'string' || !DECIMAL.test(v)) throw new ValidationError(field, 'must be a decimal string', v, position);
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ValidationError(field, 'is out of range', v, position);
  return n;
}

/** "61837.63000000" → the exact Decimal (scale kept). A JSON number is taken by its shortest text. */
export function parseExact(v: unknown, field: string, position?: string): Decimal {
  try {
    if (typeof v === 'string') return Decimal.parse(v);
    if (typeof v === 'number' && Number.isFinite(v)) return Decimal.fromNumber(v);
  } catch (e) {
    throw new ValidationError(field, e instanceof Error ? e.message : String(e), v, position);
  }
  throw new ValidationError(field, 'must be a decimal string', v, position);
}

/** Epoch milliseconds (an integer) → ns, exactly. */
export function msToNs(v: unknown, field: string, position?: string): bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v) * 1_000_000n;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return BigInt(v) * 1_000_000n;
  throw new ValidationError(field, 'must be epoch milliseconds (a non-negative integer)', v, position);
}

/** Epoch seconds as decimal text ("1618678133.365913") → ns, exactly (digits past 9 truncated). */
export function secondsTextToNs(v: unknown, field: string, position?: string): bigint {
  if (typeof v !== 'string' || !/^\d{1,12}(\.\d+)?$/.test(v)) throw new ValidationError(field, 'must be epoch seconds as decimal text', v, position);
  const [w, f = ''] = v.split('.');
  return BigInt(w!) * 1_000_000_000n + BigInt(f.slice(0, 9).padEnd(9, '0'));
}

export function symbolOf(v: unknown, field: string, position?: string): string {
  if (typeof v !== 'string' || v.length === 0) throw new ValidationError(field, 'must be a non-empty symbol', v, position);
  return v;
}

/** A non-negative safe integer (a venue sequence number). */
export function seqOf(v: unknown, field: string, position?: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new ValidationError(field, 'must be a non-negative integer', v, position);
}

/** [[price, size, ...], ...] of decimal strings, as the venues send levels. */
export function levelsOf(v: unknown, field: string, position?: string): [string, string][] {
  if (!Array.isArray(v)) throw new ValidationError(field, 'must be an array of [price, size] levels', v, position);
  return v.map((l, i) => {
    if (!Array.isArray(l) || typeof l[0] !== 'string' || typeof l[1] !== 'string') {
      throw new ValidationError(`${field}[${i}]`, 'must be [price, size] decimal strings', l, position);
    }
    return [l[0], l[1]];
  });
}

/** Per symbol, whether the book is trusted (false after a gap until the next snapshot). */
export class BookTrust {
  private readonly bad = new Set<string>();
  mark(symbol: string): void {
    this.bad.add(symbol);
  }
  clear(symbol: string): void {
    this.bad.delete(symbol);
  }
  isBad(symbol: string): boolean {
    return this.bad.has(symbol);
  }
}
