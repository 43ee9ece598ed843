/**
 * A fast path for the commonest line an import reads: a tick exactly as eventToJson writes it
 * (docs/EVENTS.md §4), e.g.
 *
 *   {"type":"tick","ts":"1700000000000000000","runId":"r1","venue":"XNAS","symbol":"AAPL","bid":121.05,"ask":121.1,"bidSize":503,"askSize":727}
 *
 * read in one pass over the text into one reused tick object, without JSON.parse's object, the
 * stamped copy and validateEvent's normalised copy. It is an accelerator, not a second definition
 * of any rule: it accepts only lines on which the general path (parseJsonLine, the recorder's
 * stamp, validateEvent) is known to succeed with the same event, and says "not mine" for anything
 * else (another key order, a key it does not take, an escape, non-ASCII text, an exponent or more
 * than 15 digits in a number, a negative size, a ts the time axis would refuse, …); the caller then
 * takes the general path, which decides. test/record-canonical-tick.test.ts checks identical
 * recordings both ways on random lines, canonical and not.
 *
 * Numbers: the text must be a JSON number (the grammar is checked here). One with at most 15
 * digits and no exponent is its digits as an integer m (< 2^53, exact) divided by 10^k (k ≤ 15,
 * exact): one IEEE division, correctly rounded, which is the double JSON.parse returns (Clinger's
 * fast path); any other is read by Number(), which gives JSON.parse's double for JSON number text.
 * Keys and fixed text are compared a character at a time (a call to startsWith per key cost more
 * than the rest of the line).
 */
import { parseTs, type TsUnit } from '../events/ts.js';
import type { TickEvent } from '../events/types.js';

/** The reused tick: every tick field present (undefined when absent), so its shape never changes. */
export interface ScratchTick {
  type: 'tick';
  ts: bigint;
  runId: string;
  venue: string;
  symbol: string;
  bid: number | undefined;
  ask: number | undefined;
  bidSize: number | undefined;
  askSize: number | undefined;
  last: number | undefined;
  lastSize: number | undefined;
  aggressor: undefined;
  volume: number | undefined;
  exchTs: undefined;
  tradeId: undefined;
  venueSeq: undefined;
}

export function scratchTick(): ScratchTick {
  return {
    type: 'tick',
    ts: 0n,
    runId: '',
    venue: '',
    symbol: '',
    bid: undefined,
    ask: undefined,
    bidSize: undefined,
    askSize: undefined,
    last: undefined,
    lastSize: undefined,
    aggressor: undefined,
    volume: undefined,
    exchTs: undefined,
    tradeId: undefined,
    venueSeq: undefined,
  };
}

/** The event a filled scratch tick stands for (absent fields as absent keys): for tests. */
export function tickOf(t: ScratchTick): TickEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (v !== undefined) out[k] = v;
  return out as unknown as TickEvent;
}

const HEAD = '{"type":"tick","ts":"';
/** The numeric fields this path takes, in canonical order, and whether each must be ≥ 0. */
const NUM_FIELDS = ['bid', 'ask', 'bidSize', 'askSize', 'last', 'lastSize', 'volume'] as const;
const NONNEG = [false, false, true, true, false, true, true];
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_DIGITS = 15;
/** Strings longer than this take the general path (validate.ts checks only short ASCII inline). */
const MAX_STRING = 63;

/** State of one read (nothing here calls user code, so it cannot be re-entered). */
let pos = 0;
let num = 0;

/**
 * Reads `text` into `into` when it is a canonical tick this path takes, with its ts parsed under
 * `unit` and not before `minTs`; returns false (with `into` in an undefined state) otherwise.
 * A string equal to the one `into` holds from the line before is reused, not sliced again.
 */
export function readCanonicalTick(text: string, into: ScratchTick, unit: TsUnit | undefined, minTs: bigint): boolean {
  pos = 0;
  if (!key(text, HEAD)) return false;
  // ts: decimal digits in a string; parseTs applies the unit and its rules.
  let i = HEAD.length;
  const tsStart = i;
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i));
  if (i === tsStart || i - tsStart > 19 || text.charCodeAt(i) !== 0x22) return false;
  let ts: bigint;
  const lead = text.charCodeAt(tsStart);
  if (i - tsStart === 19 && lead >= 0x31 && lead <= 0x38 && (unit === undefined || unit === 'ns')) {
    ts = ns19(text, tsStart);
  } else {
    try {
      ts = parseTs(text.slice(tsStart, i), 'ts', undefined, unit);
    } catch {
      return false;
    }
  }
  if (ts < minTs) return false;
  into.ts = ts;
  pos = i + 1;
  if (!key(text, ',"runId":')) return false;
  const runId = str(text, into.runId);
  if (runId === null) return false;
  into.runId = runId;
  if (!key(text, ',"venue":')) return false;
  const venue = str(text, into.venue);
  if (venue === null) return false;
  into.venue = venue;
  if (!key(text, ',"symbol":')) return false;
  const symbol = str(text, into.symbol);
  if (symbol === null) return false;
  into.symbol = symbol;
  // The numeric fields, each optional, in canonical order.
  let f = 0;
  into.bid = into.ask = into.bidSize = into.askSize = into.last = into.lastSize = into.volume = undefined;
  while (text.charCodeAt(pos) === 0x2c) {
    // ,"name": — the name one of the fields after the last one read
    if (text.charCodeAt(pos + 1) !== 0x22) return false;
    const nameStart = pos + 2;
    let e = nameStart;
    while (e - nameStart < 9 && text.charCodeAt(e) !== 0x22) e++;
    while (f < NUM_FIELDS.length && !nameIs(text, nameStart, e, NUM_FIELDS[f]!)) f++;
    if (f === NUM_FIELDS.length || text.charCodeAt(e) !== 0x22 || text.charCodeAt(e + 1) !== 0x3a) return false;
    pos = e + 2;
    if (!number(text)) return false;
    if (NONNEG[f] && num < 0) return false;
    setNum(into, f, num);
    f++;
  }
  return pos === text.length - 1 && text.charCodeAt(pos) === 0x7d;
}

function setNum(into: ScratchTick, f: number, v: number): void {
  switch (f) {
    case 0:
      into.bid = v;
      break;
    case 1:
      into.ask = v;
      break;
    case 2:
      into.bidSize = v;
      break;
    case 3:
      into.askSize = v;
      break;
    case 4:
      into.last = v;
      break;
    case 5:
      into.lastSize = v;
      break;
    default:
      into.volume = v;
  }
}

/** The seconds digits of the last ns19 and their value in ns, reused while they stay the same. */
let secsPrev = -1;
let secsNsPrev = 0n;

/**
 * Nineteen digits of integer ns, the first 1-8 (every time from 2001-09-09 to 2255): what parseTs
 * returns for them (BigInt of the text, in int64, not negative, and above every recent-date
 * window it refuses as seconds, ms or µs), read as 10 + 9 digits without the slice, the regex, the
 * BigInt parse of the text and five BigInt comparisons: consecutive ticks share their seconds, so
 * a line costs one small BigInt and one add. ~85 vs ~115 ns for the conversion alone (1M lines,
 * one process); the property test of the reader checks it against the general path.
 */
function ns19(text: string, at: number): bigint {
  let secs = 0;
  for (let j = at; j < at + 10; j++) secs = secs * 10 + (text.charCodeAt(j) - 0x30);
  let frac = 0;
  for (let j = at + 10; j < at + 19; j++) frac = frac * 10 + (text.charCodeAt(j) - 0x30);
  if (secs !== secsPrev) {
    secsPrev = secs;
    secsNsPrev = BigInt(secs) * 1_000_000_000n;
  }
  return secsNsPrev + BigInt(frac);
}

/** Whether text[pos, …) is `k`; moves past it if so. */
function key(text: string, k: string): boolean {
  const n = k.length;
  for (let j = 0; j < n; j++) if (text.charCodeAt(pos + j) !== k.charCodeAt(j)) return false;
  pos += n;
  return true;
}

function nameIs(text: string, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let j = 0; j < name.length; j++) if (text.charCodeAt(start + j) !== name.charCodeAt(j)) return false;
  return true;
}

/**
 * A non-empty JSON string of printable ASCII without escapes at pos (the `"` included); the
 * previous value when the text is equal to it (no new string). null when it is anything else.
 */
function str(text: string, prev: string): string | null {
  if (text.charCodeAt(pos) !== 0x22) return null;
  const start = pos + 1;
  const n = prev.length;
  if (n > 0 && text.charCodeAt(start + n) === 0x22) {
    let j = 0;
    while (j < n && text.charCodeAt(start + j) === prev.charCodeAt(j)) j++;
    if (j === n) {
      pos = start + n + 1;
      return prev;
    }
  }
  let i = start;
  for (let c = text.charCodeAt(i); c !== 0x22; c = text.charCodeAt(++i)) {
    // Printable ASCII only: no escape, no control character, no end of text (NaN).
    if (!(c >= 0x20 && c <= 0x7e) || c === 0x5c) return null;
  }
  if (i === start || i - start > MAX_STRING) return null;
  pos = i + 1;
  return text.slice(start, i);
}

/** A JSON number `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` at pos, into `num` (-0 read as 0). */
function number(text: string): boolean {
  let i = pos;
  const negative = text.charCodeAt(i) === 0x2d;
  if (negative) i++;
  let m = 0;
  let digits = 0;
  let c = text.charCodeAt(i);
  if (c === 0x30) {
    i++;
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) return false; // a leading zero: not JSON
  } else if (c >= 0x31 && c <= 0x39) {
    for (; c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i)) {
      m = m * 10 + (c - 0x30);
      digits++;
    }
  } else return false;
  let scale = 0;
  if (c === 0x2e) {
    c = text.charCodeAt(++i);
    const fracStart = i;
    for (; c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i)) {
      m = m * 10 + (c - 0x30);
      digits++;
    }
    scale = i - fracStart;
    if (scale === 0) return false;
  }
  let simple = digits <= MAX_DIGITS;
  if (c === 0x65 || c === 0x45) {
    c = text.charCodeAt(++i);
    if (c === 0x2b || c === 0x2d) c = text.charCodeAt(++i);
    const expStart = i;
    for (; c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i));
    if (i === expStart) return false;
    simple = false;
  }
  let v: number;
  if (simple) {
    v = scale === 0 ? m : m / POW10[scale]!;
    if (negative) v = -v;
  } else {
    v = Number(text.slice(pos, i));
    if (!Number.isFinite(v)) return false; // 1e400: the general path's reject
  }
  num = v === 0 ? 0 : v;
  pos = i;
  return true;
}
