/**
 * A fast path for the commonest line an import reads: a tick exactly as eventToJson writes it
 * (docs/EVENTS.md §4), e.g.
 *
 *   {"type":"tick","ts":"1700000000000000000","runId":"r1","venue":"XNAS","symbol":"AAPL","bid":121.05,"ask":121.1,"bidSize":503,"askSize":727}
 *
 * read from the line's bytes in one pass and written, as it is read, as the tick's payload (the
 * bytes encodeTickInto writes for it: docs/FORMAT.md), with no string, no event object and no
 * number text in between: keys and fixed text are matched four bytes at a time, ids copied byte for byte
 * into their msgpack fixstr, numbers accumulated as integers from their digits, the ts read as
 * 19 digits into a BigInt. It is an accelerator, not a second definition of any rule: it takes
 * only lines on which the general path (parseJsonLine, the recorder's stamp, validateEvent, the
 * payload encoder) is known to succeed with the same bytes, and says "not mine" for anything else
 * (another key order, a key it does not take, an escape, a byte outside printable ASCII, an id of
 * 32 characters or more, a negative size, a ts the time axis would refuse, …); the caller then
 * takes the general path for that line, which
 * decides. test/record-canonical-tick.test.ts checks identical payloads and recordings both ways
 * on random lines, canonical and near-canonical.
 *
 * Numbers: the text must be a JSON number (the grammar is checked here). One with at most 15
 * digits and no exponent is its digits as an integer m (< 2^53, exact) divided by 10^k (k ≤ 15,
 * exact): one IEEE division, correctly rounded, which is the double JSON.parse returns (Clinger's
 * fast path); any other is read by Number() of its text. -0 is read as 0, as the general path
 * stores it.
 *
 * Measured (280k bench lines in one process, CPU per line, load ~10): ~460 ns, against ~1,500 ns
 * for what it replaced (a latin1 string per line, a reader over the string into a reused tick
 * object, then encodeTickInto from it); the whole one-thread CLI import of 1M ticks ~0.63× the
 * CPU (see the commits).
 */
import { parseTs, type TsUnit } from '../events/ts.js';
import { putNum } from '../events/fast-encode.js';
import { READ_NO_ROOM } from '../log/log.js';

/** readCanonicalTick: the line is not one this path takes (the general path decides). */
export const NOT_CANONICAL = -1;
/** readCanonicalTick: fewer than TICK_PAYLOAD_BYTES_MAX bytes of room (nothing is known of the line). */
export const NO_ROOM = READ_NO_ROOM;

/** The longest id this path copies: a msgpack fixstr (longer ones take the general path). */
const ID_BYTES_MAX = 31;
/**
 * The most bytes a payload of this path takes: fixarray header, three fixstr ids, cause (nil),
 * the seven numbers (≤ 9 bytes each) and the aggressor's nil between them.
 */
export const TICK_PAYLOAD_BYTES_MAX = 1 + 3 * (1 + ID_BYTES_MAX) + 1 + 7 * 9 + 1;

/** What a read found besides the payload. */
export interface TickRead {
  tsNs: bigint;
}

/**
 * Fixed text to match: its 4-byte groups as little-endian int32 (compared a group at a time
 * through a DataView: byte by byte, the keys were ~25% of the reader's time) and the bytes left.
 */
class Key {
  readonly length: number;
  readonly words: Int32Array;
  readonly tail: Uint8Array;
  constructor(text: string) {
    const b = Buffer.from(text, 'latin1');
    this.length = b.length;
    this.words = new Int32Array(b.length >> 2).map((_, j) => b.readInt32LE(4 * j));
    this.tail = b.subarray(b.length & ~3);
  }
}
const HEAD = new Key('{"type":"tick","ts":"');
const RUN_ID = new Key('","runId":"');
const VENUE = new Key(',"venue":"');
const SYMBOL = new Key(',"symbol":"');
/** The numeric fields this path takes, in canonical order, as `"name":`; whether each must be ≥ 0;
 * and each one's place in the payload's field list (after venue and symbol: see encodeTickInto). */
const NUM_KEYS = ['bid', 'ask', 'bidSize', 'askSize', 'last', 'lastSize', 'volume'].map((k) => new Key(`"${k}":`));
const NONNEG = [false, false, true, true, false, true, true];
const NUM_SLOT = [2, 3, 4, 5, 6, 7, 9];
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
const MAX_DIGITS = 15;
const NIL = 0xc0;
const QUOTE = 0x22;

/** Buffer's own latin1 decoder (what toString('latin1', …) calls, without the argument parsing). */
type Latin1Sliceable = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * Reads src[start, stop) (one line, its end excluded) and, when it is a canonical tick this path
 * takes whose ts (under `unit`) is not before `minTs`, writes its payload into out[outStart, …),
 * sets got.tsNs and returns where the payload ends. Otherwise NOT_CANONICAL (out's bytes from
 * outStart may have changed), or NO_ROOM when out[outStart, outEnd) is shorter than
 * TICK_PAYLOAD_BYTES_MAX. Never reads src outside [start, stop). One function with its state in
 * locals (module-level state cost ~20% more here).
 */
export function readCanonicalTick(
  src: Buffer,
  start: number,
  stop: number,
  out: Uint8Array,
  outStart: number,
  outEnd: number,
  unit: TsUnit | undefined,
  minTs: bigint,
  got: TickRead,
): number {
  if (outEnd - outStart < TICK_PAYLOAD_BYTES_MAX) return NO_ROOM;
  if (src !== viewOf) {
    view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    viewOf = src;
  }
  const dv = view;
  if (!keyAt(dv, src, stop, start, HEAD)) return NOT_CANONICAL;
  // ts: decimal digits in a string; parseTs applies the unit and its rules.
  const tsStart = start + HEAD.length;
  let i = tsStart;
  while (i < stop && isDigit(src[i]!)) i++;
  const tsDigits = i - tsStart;
  if (tsDigits === 0 || tsDigits > 19) return NOT_CANONICAL;
  let ts: bigint;
  const lead = src[tsStart]!;
  if (tsDigits === 19 && lead >= 0x31 && lead <= 0x38 && (unit === undefined || unit === 'ns')) {
    ts = ns19(src, tsStart);
  } else {
    try {
      ts = parseTs((src as Latin1Sliceable).latin1Slice(tsStart, i), 'ts', undefined, unit);
    } catch {
      return NOT_CANONICAL;
    }
  }
  if (ts < minTs) return NOT_CANONICAL;
  // runId, cause (nil), venue, symbol: each id's text copied as a fixstr of its length.
  let o = outStart + 1;
  if (!keyAt(dv, src, stop, i, RUN_ID)) return NOT_CANONICAL;
  i += RUN_ID.length;
  let e = idEnd(src, i, stop, out, o + 1);
  if (e < 0) return NOT_CANONICAL;
  out[o] = 0xa0 | (e - i);
  o += 1 + e - i;
  out[o++] = NIL;
  i = e + 1;
  if (!keyAt(dv, src, stop, i, VENUE)) return NOT_CANONICAL;
  i += VENUE.length;
  e = idEnd(src, i, stop, out, o + 1);
  if (e < 0) return NOT_CANONICAL;
  out[o] = 0xa0 | (e - i);
  o += 1 + e - i;
  i = e + 1;
  if (!keyAt(dv, src, stop, i, SYMBOL)) return NOT_CANONICAL;
  i += SYMBOL.length;
  e = idEnd(src, i, stop, out, o + 1);
  if (e < 0) return NOT_CANONICAL;
  out[o] = 0xa0 | (e - i);
  o += 1 + e - i;
  i = e + 1;
  // The numeric fields, each optional, in canonical order; an absent one before a present one is
  // a nil, absent ones at the end are left out (the array ends at the last present field).
  let f = 0;
  let slot = 2;
  while (i < stop && src[i] === 0x2c) {
    i++;
    while (f < NUM_KEYS.length && !keyAt(dv, src, stop, i, NUM_KEYS[f]!)) f++;
    if (f === NUM_KEYS.length) return NOT_CANONICAL;
    i += NUM_KEYS[f]!.length;
    // A JSON number `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`: at most 15 digits and no
    // exponent from its digits (see the header), any other by Number() of its text, which gives
    // JSON.parse's double for JSON number text (float noise such as 268.34000000000003 is ~10% of
    // the bench's lines). -0 is read as 0.
    const numStart = i;
    const negative = i < stop && src[i] === 0x2d;
    if (negative) i++;
    if (i >= stop) return NOT_CANONICAL;
    let c = src[i]!;
    let m = 0;
    let digits = 0; // significant: a lone leading 0 is not one
    if (c === 0x30) {
      i++;
      if (i < stop && isDigit(src[i]!)) return NOT_CANONICAL; // a leading zero: not JSON
    } else if (c >= 0x31 && c <= 0x39) {
      const intStart = i;
      for (; i < stop && isDigit((c = src[i]!)); i++) m = m * 10 + (c - 0x30);
      digits = i - intStart;
    } else return NOT_CANONICAL;
    let scale = 0;
    if (i < stop && src[i] === 0x2e) {
      const fracStart = ++i;
      for (; i < stop && isDigit((c = src[i]!)); i++) m = m * 10 + (c - 0x30);
      scale = i - fracStart;
      if (scale === 0) return NOT_CANONICAL;
      digits += scale;
    }
    let simple = digits <= MAX_DIGITS;
    if (i < stop && (src[i] === 0x65 || src[i] === 0x45)) {
      i++;
      if (i < stop && (src[i] === 0x2b || src[i] === 0x2d)) i++;
      const expStart = i;
      while (i < stop && isDigit(src[i]!)) i++;
      if (i === expStart) return NOT_CANONICAL;
      simple = false;
    }
    let v: number;
    if (simple) {
      v = scale === 0 ? m : m / POW10[scale]!;
      if (negative) v = -v;
    } else {
      v = Number((src as Latin1Sliceable).latin1Slice(numStart, i));
      if (!Number.isFinite(v)) return NOT_CANONICAL; // 1e400: the general path's reject
    }
    if (v === 0) v = 0;
    else if (v < 0 && NONNEG[f]) return NOT_CANONICAL;
    const s = NUM_SLOT[f]!;
    for (; slot < s; slot++) out[o++] = NIL;
    o = putNum(out, o, v);
    slot = s + 1;
    f++;
  }
  if (i !== stop - 1 || src[i] !== 0x7d) return NOT_CANONICAL;
  out[outStart] = 0x90 | (slot + 2);
  got.tsNs = ts;
  return o;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The seconds digits of the last ns19 and their value in ns, reused while they stay the same. */
let secsPrev = -1;
let secsNsPrev = 0n;

/**
 * Nineteen digits of integer ns, the first 1-8 (every time from 2001-09-09 to 2255): what parseTs
 * returns for them (BigInt of the text, in int64, not negative, and above every recent-date
 * window it refuses as seconds, ms or µs), read as 10 + 9 digits without the text, the regex, the
 * BigInt parse of the text and five BigInt comparisons: consecutive ticks share their seconds, so
 * a line costs one small BigInt and one add. The reader's tests check it against parseTs.
 */
function ns19(src: Uint8Array, from: number): bigint {
  let secs = 0;
  for (let j = from; j < from + 10; j++) secs = secs * 10 + (src[j]! - 0x30);
  let frac = 0;
  for (let j = from + 10; j < from + 19; j++) frac = frac * 10 + (src[j]! - 0x30);
  if (secs !== secsPrev) {
    secsPrev = secs;
    secsNsPrev = BigInt(secs) * 1_000_000_000n;
  }
  return secsNsPrev + BigInt(frac);
}

/** The DataView over the last src read (a chunk holds thousands of lines: made once per chunk). */
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let viewOf: Uint8Array | null = null;

/** Whether src[from, stop) starts with `k` (dv: src's view). */
function keyAt(dv: DataView, src: Uint8Array, stop: number, from: number, k: Key): boolean {
  if (stop - from < k.length) return false;
  const w = k.words;
  for (let j = 0; j < w.length; j++) if (dv.getInt32(from + 4 * j, true) !== w[j]) return false;
  const t = k.tail;
  const at = from + 4 * w.length;
  for (let j = 0; j < t.length; j++) if (src[at + j] !== t[j]) return false;
  return true;
}

/**
 * Where the text of a JSON string starting at `from` (just after its opening quote) ends, at its
 * closing quote, when it is 1 to ID_BYTES_MAX bytes of printable ASCII without a backslash,
 * copying it to out at `to` as it goes; -1 for anything else.
 */
function idEnd(src: Uint8Array, from: number, stop: number, out: Uint8Array, to: number): number {
  const end = Math.min(stop, from + ID_BYTES_MAX + 1);
  for (let i = from; i < end; i++) {
    const c = src[i]!;
    if (c === QUOTE) return i === from ? -1 : i;
    // Printable ASCII only: no escape, no control character.
    if (c < 0x20 || c > 0x7e || c === 0x5c) return -1;
    out[to + i - from] = c;
  }
  return -1;
}
