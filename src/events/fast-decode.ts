/**
 * A hand-written decoder for exactly the payloads of docs/EVENTS.md §3 (docs/FORMAT.md §15): a
 * fixarray `[runId, cause|nil, f1..fn]` of str / int / float64 / int64 (exchTs) / map values.
 *
 * It is an accelerator, not a second definition of the format: `fastDecodePayload` returns the
 * very event the msgpackr-based `decodePayload` path would build (same keys, same insertion order,
 * same values), or `undefined` whenever the bytes are anything but a payload that path accepts in
 * the obvious way. Then the caller runs the msgpackr path, which either decodes it (non-canonical
 * but decodable forms: str8 for a short string, float32, uint64 exchTs, …) or throws the
 * PayloadError. So accept/reject behaviour and error codes/messages are those of the msgpackr
 * path by construction; this file only has to never accept what that path rejects and never
 * return a different value (test/events-fast-decode.test.ts checks both, also on mutated bytes).
 *
 * Like the msgpackr path it does not check NFC, lone surrogates or "__proto__" keys beyond what
 * msgpackr does (isCanonicalPayload runs full validation); strings must be valid UTF-8 here (else
 * fallback, so msgpackr's own handling of invalid UTF-8 decides), and a map key "__proto__" (which
 * msgpackr renames) or a non-ASCII string starting with a BOM (which TextDecoder-based readers may
 * strip) also falls back.
 */
import { f64At, itemsStart, numEnd, payloadItems, readNumAt } from './payload-forms.js';
import { Decimal, DECIMAL_EXPONENT_MAX, DECIMAL_EXPONENT_MIN } from './decimal.js';
import { INT64_MAX, SPECS } from './schema.js';
import { TAG_TYPE, type EventType, type FlatMap, type TapeEvent } from './types.js';

// Big-endian float64 / int64 through little-endian scratch arrays (much cheaper than a DataView
// per payload). On a big-endian host the fast path is simply off.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const I64 = new BigInt64Array(1);
const I64B = new Uint8Array(I64.buffer);

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const fromCharCode = String.fromCharCode;

// -- decoder state (one payload at a time; nothing here calls out to user code) ----------------

const EMPTY = new Uint8Array(0);
let src: Uint8Array = EMPTY;
let pos = 0;
let end = 0;

// -- short ASCII string cache --------------------------------------------------------------------
// runId, venue, symbol, enum values and most ids repeat in every event: a hit returns the same
// string object without allocating. The slot comes from the length and the first, middle and last
// bytes (no pass over the bytes); a hit is verified byte for byte against the cached string's
// bytes, kept beside it (ASCII, so a verified hit is ASCII too). A miss checks for ASCII, builds
// the string and overwrites the slot. The bytes are compared four at a time against the table's
// little-endian words rather than with charCodeAt on the string: ~15% less decode CPU on v1 quote
// ticks (three strings each). On a big-endian host the words never match and every lookup takes
// the miss path: slower, still right.

const CACHE_BITS = 12;
const CACHE_MASK = (1 << CACHE_BITS) - 1;
const CACHE_MAX_LEN = 48; // ≥ 31, the longest fixstr (readStr relies on it)
const cache: string[] = new Array<string>(1 << CACHE_BITS).fill('');
/** Slot k's string bytes at [k * CACHE_MAX_LEN, + its length). */
const cacheBytes = new Uint8Array((1 << CACHE_BITS) * CACHE_MAX_LEN);
/** Slot k's string length; 0: empty (the empty string is never looked up). */
const cacheLen = new Uint8Array(1 << CACHE_BITS);
/** The same bytes as little-endian words (cacheBytes' buffer). */
const cacheWords = new Int32Array(cacheBytes.buffer);

/** Whether slot `slot` holds the `len` bytes at src[start] (len ≥ 1). */
function cacheHolds(slot: number, start: number, len: number): boolean {
  if (cacheLen[slot] !== len) return false;
  const s = src;
  const cw = cacheWords;
  let w = slot * (CACHE_MAX_LEN >> 2);
  let i = start;
  const stop = start + len;
  for (; i + 4 <= stop; i += 4) if (cw[w++] !== (s[i]! | (s[i + 1]! << 8) | (s[i + 2]! << 16) | (s[i + 3]! << 24))) return false;
  const cb = cacheBytes;
  const o = slot * CACHE_MAX_LEN - start;
  for (; i < stop; i++) if (cb[o + i] !== s[i]) return false;
  return true;
}

/** The cache slot of the (1..CACHE_MAX_LEN) bytes at start: from the length, first, middle and last byte. */
function slotOf(start: number, len: number): number {
  const s = src;
  return (len * 0x9e5 + s[start]! * 0x3b + s[start + (len >> 1)]! * 0x107 + s[start + len - 1]!) & CACHE_MASK;
}

/** The string of bytes src[start, start+len) if they are ASCII, else undefined. */
function asciiString(start: number, len: number): string | undefined {
  if (len <= CACHE_MAX_LEN) {
    if (len === 0) return '';
    const s = src;
    const last = start + len - 1;
    const slot = slotOf(start, len);
    if (cacheHolds(slot, start, len)) return cache[slot]!;
    for (let i = start; i <= last; i++) if (s[i]! >= 0x80) return undefined;
    const str = makeAscii(start, len);
    cache[slot] = str;
    cacheLen[slot] = len;
    cacheBytes.set(s.subarray(start, start + len), slot * CACHE_MAX_LEN);
    return str;
  }
  const stop = start + len;
  for (let i = start; i < stop; i++) if (src[i]! >= 0x80) return undefined;
  return makeAscii(start, len);
}

/** A fresh string from ASCII bytes. */
function makeAscii(start: number, len: number): string {
  const s = src;
  const p = start;
  switch (len) {
    case 0:
      return '';
    case 1:
      return fromCharCode(s[p]!);
    case 2:
      return fromCharCode(s[p]!, s[p + 1]!);
    case 3:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!);
    case 4:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!, s[p + 3]!);
    case 5:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!, s[p + 3]!, s[p + 4]!);
    case 6:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!, s[p + 3]!, s[p + 4]!, s[p + 5]!);
    case 7:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!, s[p + 3]!, s[p + 4]!, s[p + 5]!, s[p + 6]!);
    case 8:
      return fromCharCode(s[p]!, s[p + 1]!, s[p + 2]!, s[p + 3]!, s[p + 4]!, s[p + 5]!, s[p + 6]!, s[p + 7]!);
    default:
      // Chunked: fromCharCode.apply has an argument-count limit.
      if (len <= 4096) return fromCharCode.apply(null, s.subarray(p, p + len) as unknown as number[]);
      {
        let out = '';
        for (let i = 0; i < len; i += 4096) {
          out += fromCharCode.apply(null, s.subarray(p + i, p + Math.min(len, i + 4096)) as unknown as number[]);
        }
        return out;
      }
  }
}

/**
 * Reads a str value at pos (header included); undefined if it is not a valid-UTF-8 str. The common
 * case (a fixstr already in the cache) is kept small enough to be inlined into the field readers.
 */
function readStr(): string | undefined {
  const s = src;
  const p = pos;
  const b = p < end ? s[p]! : 0;
  if (b > 0xa0 && b < 0xc0) {
    // fixstr of 1..31 bytes (≤ CACHE_MAX_LEN)
    const len = b - 0xa0;
    const start = p + 1;
    if (start + len <= end) {
      const slot = slotOf(start, len);
      if (cacheHolds(slot, start, len)) {
        pos = start + len;
        return cache[slot]!;
      }
    }
  }
  return readStrSlow();
}

/** readStr for everything but a cache hit. */
function readStrSlow(): string | undefined {
  if (pos >= end) return undefined;
  const b = src[pos]!;
  let len: number;
  let start: number;
  if (b >= 0xa0 && b <= 0xbf) {
    len = b - 0xa0;
    start = pos + 1;
  } else if (b === 0xd9) {
    if (pos + 2 > end) return undefined;
    len = src[pos + 1]!;
    start = pos + 2;
  } else if (b === 0xda) {
    if (pos + 3 > end) return undefined;
    len = (src[pos + 1]! << 8) | src[pos + 2]!;
    start = pos + 3;
  } else if (b === 0xdb) {
    if (pos + 5 > end) return undefined;
    len = ((src[pos + 1]! << 24) | (src[pos + 2]! << 16) | (src[pos + 3]! << 8) | src[pos + 4]!) >>> 0;
    start = pos + 5;
  } else {
    return undefined;
  }
  if (start + len > end) return undefined;
  let s = asciiString(start, len);
  if (s === undefined) {
    // Non-ASCII: strict UTF-8 only (no overlongs, surrogates or > U+10FFFF); a leading BOM is
    // left to the msgpackr path (TextDecoder-based readers strip it, others keep it).
    if (len >= 3 && src[start] === 0xef && src[start + 1] === 0xbb && src[start + 2] === 0xbf) return undefined;
    try {
      s = UTF8.decode(src.subarray(start, start + len));
    } catch {
      return undefined;
    }
  }
  pos = start + len;
  return s;
}

/** readNumAt (msgpack-num.ts) at pos, moving pos past it; NaN (pos unchanged) for anything else. */
function readNum(): number {
  const x = readNumAt(src, pos, end);
  if (x === x) pos = numEnd;
  return x;
}

/** Reads an int64 (0xd3) at pos as a bigint in 0..2^63-1; undefined for anything else. */
function readNs(): bigint | undefined {
  const s = src;
  const p = pos;
  if (s[p] !== 0xd3 || p + 9 > end || s[p + 1]! >= 0x80) return undefined;
  I64B[7] = s[p + 1]!;
  I64B[6] = s[p + 2]!;
  I64B[5] = s[p + 3]!;
  I64B[4] = s[p + 4]!;
  I64B[3] = s[p + 5]!;
  I64B[2] = s[p + 6]!;
  I64B[1] = s[p + 7]!;
  I64B[0] = s[p + 8]!;
  pos = p + 9;
  return I64[0]!;
}

const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Reads a price or size at pos: a number (readNum's forms) or a Decimal fixarray(2) [mantissa,
 * exponent] with the mantissa an int (≤ 32-bit form) or int64 0xd3 and the exponent a fixint or
 * int8. undefined for anything else (a float64 or uint64 mantissa is msgpackr's to judge).
 * `min`: -1 any finite value, 0 must be ≥ 0, 1 must be > 0.
 */
function readPx(min: number): number | Decimal | undefined {
  if (pos >= end) return undefined;
  if (src[pos] !== 0x92) {
    const x = readNum();
    if (!(x < Infinity && x > -Infinity)) return undefined;
    if (min === 0 ? x < 0 : min === 1 ? !(x > 0) : false) return undefined;
    return x;
  }
  pos++;
  {
    // The common forms inline (what a venue's prices and sizes encode to): a mantissa ≥ 0 as a
    // positive fixint or uint8/16/32 and a fixint exponent. Anything else takes the general path
    // below, which accepts and refuses exactly as before.
    const s = src;
    const p = pos;
    const b = s[p]!;
    let m = -1;
    let q = p;
    if (b < 0x80) {
      m = b;
      q = p + 1;
    } else if (b === 0xcd) {
      if (p + 3 <= end) {
        m = (s[p + 1]! << 8) | s[p + 2]!;
        q = p + 3;
      }
    } else if (b === 0xce) {
      if (p + 5 <= end) {
        m = ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
        q = p + 5;
      }
    } else if (b === 0xcc) {
      if (p + 2 <= end) {
        m = s[p + 1]!;
        q = p + 2;
      }
    }
    if (m >= 0 && q < end) {
      const eb = s[q]!;
      if (eb >= 0xe0 || eb < 0x80) {
        if (min === 1 && m === 0) return undefined;
        pos = q + 1;
        return new Decimal(m, eb >= 0xe0 ? eb - 0x100 : eb);
      }
    }
  }
  let m: number | bigint;
  if (src[pos] === 0xd3) {
    const s = src;
    const p = pos;
    if (p + 9 > end) return undefined;
    const hi = ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
    const lo = ((s[p + 5]! << 24) | (s[p + 6]! << 16) | (s[p + 7]! << 8) | s[p + 8]!) >>> 0;
    pos = p + 9;
    if (hi < 0x200000) {
      // 0 ≤ m < 2^53: exact as a double, no BigInt (a BigInt per price costs more than the rest of the read).
      m = hi * 0x100000000 + lo;
    } else {
      I64B[7] = s[p + 1]!;
      I64B[6] = s[p + 2]!;
      I64B[5] = s[p + 3]!;
      I64B[4] = s[p + 4]!;
      I64B[3] = s[p + 5]!;
      I64B[2] = s[p + 6]!;
      I64B[1] = s[p + 7]!;
      I64B[0] = s[p + 8]!;
      const big = I64[0]!;
      m = big <= SAFE_MAX && big >= -SAFE_MAX ? Number(big) : big;
    }
  } else {
    if (src[pos] === 0xcb) return undefined;
    m = readNum();
    if (m !== m) return undefined; // NaN: not an int form
  }
  if (pos >= end || src[pos] === 0xcb) return undefined;
  const e = readNum();
  if (!(e >= DECIMAL_EXPONENT_MIN && e <= DECIMAL_EXPONENT_MAX)) return undefined;
  if (min === 0 ? m < 0 : min === 1 ? m <= 0 : false) return undefined;
  return new Decimal(m, e);
}

/** Reads a non-negative safe integer (a uint field) at pos; -1 for anything else. */
function readUint(): number {
  const x = readNum();
  return x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x ? x : -1;
}

/** Reads a flat map (str keys; str or finite number values) at pos; undefined otherwise. */
function readMap(): FlatMap | undefined {
  if (pos >= end) return undefined;
  const b = src[pos]!;
  let n: number;
  if (b >= 0x80 && b <= 0x8f) {
    n = b - 0x80;
    pos++;
  } else if (b === 0xde) {
    if (pos + 3 > end) return undefined;
    n = (src[pos + 1]! << 8) | src[pos + 2]!;
    pos += 3;
  } else if (b === 0xdf) {
    if (pos + 5 > end) return undefined;
    n = ((src[pos + 1]! << 24) | (src[pos + 2]! << 16) | (src[pos + 3]! << 8) | src[pos + 4]!) >>> 0;
    pos += 5;
  } else {
    return undefined;
  }
  // Every entry takes at least 2 bytes: a count the bytes cannot hold is msgpackr's to refuse.
  if (n * 2 > end - pos) return undefined;
  const out: FlatMap = {};
  for (let i = 0; i < n; i++) {
    const k = readStr();
    // msgpackr renames a "__proto__" key; leave that to it.
    if (k === undefined || k === '__proto__' || pos >= end) return undefined;
    const vb = src[pos]!;
    if ((vb >= 0xa0 && vb <= 0xbf) || vb === 0xd9 || vb === 0xda || vb === 0xdb) {
      const v = readStr();
      if (v === undefined) return undefined;
      out[k] = v;
    } else {
      const v = readNum();
      if (!Number.isFinite(v)) return undefined;
      out[k] = v;
    }
  }
  return out;
}

/** Consumes a nil at pos; false (nothing consumed) for any other byte or at the end. */
function nil(): boolean {
  if (pos < end && src[pos] === 0xc0) {
    pos++;
    return true;
  }
  return false;
}

// -- per-type field readers -----------------------------------------------------------------------
// Written out per type so every store is a named property store (one hidden-class chain per type)
// rather than a megamorphic keyed store. Each reads fields f1..f(n-2) in declared order, refuses
// nil in a required slot and a nil in the last slot (trailing nils are trimmed; at the minimum
// length the last slot is a required field anyway), and returns false on anything it does not
// accept. The layouts are checked against schema.ts when this module loads (FIELD_LAYOUT below): a
// type whose schema changed without this code is left to the msgpackr path.

type Ev = Record<string, unknown>;

function valuesOf(type: EventType, name: string): ReadonlySet<string> {
  const fs = SPECS[type].fields.find((f) => f.name === name);
  return fs?.values ?? new Set<string>();
}

const E_TICK_AGGRESSOR = valuesOf('tick', 'aggressor');
const E_ORDER_SIDE = valuesOf('order', 'side');
const E_ORDER_KIND = valuesOf('order', 'kind');
const E_ORDER_ACTION = valuesOf('order', 'action');
const E_FILL_SIDE = valuesOf('fill', 'side');
const E_FILL_LIQUIDITY = valuesOf('fill', 'liquidity');
const E_RISK_SEVERITY = valuesOf('risk', 'severity');
const E_SYSTEM_KIND = valuesOf('system', 'kind');
const E_BOOK_ACTION = valuesOf('book', 'action');
const E_BOOK_SIDE = valuesOf('book', 'side');

/** tick: venue, symbol, bid?, ask?, bidSize?, askSize?, last?, lastSize?, aggressor?, volume?, exchTs?, tradeId?, venueSeq?. */
function tickFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number | Decimal | undefined;
  let b: bigint | undefined;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.venue = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  if (n === 4) return true;
  if (nil()) {
    if (n === 5) return false; // trailing nil
  } else {
    if ((x = readPx(-1)) === undefined) return false;
    o.bid = x;
  }
  if (n === 5) return true;
  if (nil()) {
    if (n === 6) return false; // trailing nil
  } else {
    if ((x = readPx(-1)) === undefined) return false;
    o.ask = x;
  }
  if (n === 6) return true;
  if (nil()) {
    if (n === 7) return false; // trailing nil
  } else {
    if ((x = readPx(0)) === undefined) return false;
    o.bidSize = x;
  }
  if (n === 7) return true;
  if (nil()) {
    if (n === 8) return false; // trailing nil
  } else {
    if ((x = readPx(0)) === undefined) return false;
    o.askSize = x;
  }
  if (n === 8) return true;
  if (nil()) {
    if (n === 9) return false; // trailing nil
  } else {
    if ((x = readPx(-1)) === undefined) return false;
    o.last = x;
  }
  if (n === 9) return true;
  if (nil()) {
    if (n === 10) return false; // trailing nil
  } else {
    if ((x = readPx(0)) === undefined) return false;
    o.lastSize = x;
  }
  if (n === 10) return true;
  if (nil()) {
    if (n === 11) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined || !E_TICK_AGGRESSOR.has(s)) return false;
    o.aggressor = s;
  }
  if (n === 11) return true;
  if (nil()) {
    if (n === 12) return false; // trailing nil
  } else {
    if ((x = readPx(0)) === undefined) return false;
    o.volume = x;
  }
  if (n === 12) return true;
  if (nil()) {
    if (n === 13) return false; // trailing nil
  } else {
    if ((b = readNs()) === undefined) return false;
    o.exchTs = b;
  }
  if (n === 13) return true;
  if (nil()) {
    if (n === 14) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o.tradeId = s;
  }
  if (n === 14) return true;
  if (nil()) {
    if (n === 15) return false; // trailing nil
  } else {
    const u = readUint();
    if (u < 0) return false;
    o.venueSeq = u;
  }
  return true;
}

/**
 * A quote tick, the hot case of a replay: no cause, and venue, symbol, then bid, ask, bidSize,
 * askSize as far as the payload goes (4..8 items, no nil). Built by one object literal per item
 * count (every property in-object, one allocation) instead of a property at a time (a map
 * transition each, and a property array once past the first four); decode of the bench ticks
 * ~0.87x the CPU. undefined for anything else, `pos` then wherever it stopped: the caller goes
 * back and the general reader (tickFields) decides.
 */
function quoteTick(ts: bigint, runId: string, seq: number, n: number): Ev | undefined {
  const venue = readStr();
  if (venue === undefined || venue.length === 0) return undefined;
  const symbol = readStr();
  if (symbol === undefined || symbol.length === 0) return undefined;
  const type = 'tick';
  if (n === 4) return { type, ts, runId, seq, venue, symbol };
  // A nil is refused by readPx too (as any non-number); the quote form's fields are never nil.
  const bid = quotePx(-1);
  if (bid === undefined) return undefined;
  if (n === 5) return { type, ts, runId, seq, venue, symbol, bid };
  const ask = quotePx(-1);
  if (ask === undefined) return undefined;
  if (n === 6) return { type, ts, runId, seq, venue, symbol, bid, ask };
  const bidSize = quotePx(0);
  if (bidSize === undefined) return undefined;
  if (n === 7) return { type, ts, runId, seq, venue, symbol, bid, ask, bidSize };
  const askSize = quotePx(0);
  if (askSize === undefined) return undefined;
  return { type, ts, runId, seq, venue, symbol, bid, ask, bidSize, askSize };
}

/**
 * readPx(min) for min -1 or 0, with a v1 quote's forms inline (a float64 price, a positive fixint
 * size); the same values accepted and refused.
 */
function quotePx(min: number): number | Decimal | undefined {
  const p = pos;
  const b = p < end ? src[p]! : 0xc0;
  if (b < 0x80) {
    pos = p + 1;
    return b;
  }
  if (b === 0xcb && p + 9 <= end) {
    const x = f64At(src, p + 1);
    if (!(x < Infinity && x > -Infinity) || (min === 0 && x < 0)) return undefined;
    pos = p + 9;
    return x;
  }
  return b === 0xc0 ? undefined : readPx(min);
}

/** order: orderId, venue, symbol, side, kind, action, price?, qty, tif?, strategy?, reason?. */
function orderFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.orderId = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.venue = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  if ((s = readStr()) === undefined || !E_ORDER_SIDE.has(s)) return false;
  o.side = s;
  if ((s = readStr()) === undefined || !E_ORDER_KIND.has(s)) return false;
  o.kind = s;
  if ((s = readStr()) === undefined || !E_ORDER_ACTION.has(s)) return false;
  o.action = s;
  if (nil()) {
    // price absent
  } else {
    if (!((x = readNum()) > 0 && x < Infinity)) return false;
    o.price = x;
  }
  if (!((x = readNum()) > 0 && x < Infinity)) return false;
  o.qty = x;
  if (n === 10) return true;
  if (nil()) {
    if (n === 11) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o.tif = s;
  }
  if (n === 11) return true;
  if (nil()) {
    if (n === 12) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o.strategy = s;
  }
  if (n === 12) return true;
  if (nil()) {
    if (n === 13) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined) return false;
    o.reason = s;
  }
  return true;
}

/** fill: fillId, orderId, venue, symbol, side, price, qty, fee?, liquidity?. */
function fillFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.fillId = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.orderId = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.venue = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  if ((s = readStr()) === undefined || !E_FILL_SIDE.has(s)) return false;
  o.side = s;
  if (!((x = readNum()) > 0 && x < Infinity)) return false;
  o.price = x;
  if (!((x = readNum()) > 0 && x < Infinity)) return false;
  o.qty = x;
  if (n === 9) return true;
  if (nil()) {
    if (n === 10) return false; // trailing nil
  } else {
    if (!Number.isFinite((x = readNum()))) return false;
    o.fee = x;
  }
  if (n === 10) return true;
  if (nil()) {
    if (n === 11) return false; // trailing nil
  } else {
    if ((s = readStr()) === undefined || !E_FILL_LIQUIDITY.has(s)) return false;
    o.liquidity = s;
  }
  return true;
}

/** signal: strategy, symbol, name, value, meta?. */
function signalFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number;
  let m: FlatMap | undefined;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.strategy = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.name = s;
  if (!Number.isFinite((x = readNum()))) return false;
  o.value = x;
  if (n === 6) return true;
  if (nil()) {
    if (n === 7) return false; // trailing nil
  } else {
    if ((m = readMap()) === undefined) return false;
    o.meta = m;
  }
  return true;
}

/** risk: rule, severity, symbol?, detail, value?, limit?. */
function riskFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.rule = s;
  if ((s = readStr()) === undefined || !E_RISK_SEVERITY.has(s)) return false;
  o.severity = s;
  if (nil()) {
    // symbol absent
  } else {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o.symbol = s;
  }
  if ((s = readStr()) === undefined) return false;
  o.detail = s;
  if (n === 6) return true;
  if (nil()) {
    if (n === 7) return false; // trailing nil
  } else {
    if (!Number.isFinite((x = readNum()))) return false;
    o.value = x;
  }
  if (n === 7) return true;
  if (nil()) {
    if (n === 8) return false; // trailing nil
  } else {
    if (!Number.isFinite((x = readNum()))) return false;
    o.limit = x;
  }
  return true;
}

/** system: kind, message, data?. */
function systemFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let m: FlatMap | undefined;
  if ((s = readStr()) === undefined || !E_SYSTEM_KIND.has(s)) return false;
  o.kind = s;
  if ((s = readStr()) === undefined) return false;
  o.message = s;
  if (n === 4) return true;
  if (nil()) {
    if (n === 5) return false; // trailing nil
  } else {
    if ((m = readMap()) === undefined) return false;
    o.data = m;
  }
  return true;
}

/** book: venue, symbol, action, side?, price?, size?, flags?, exchTs?, venueSeq?, venueSeqFirst?, venueSeqPrev?, orderId?, checksum?, tsInDelta?, channel?, depth?, tsOut?. */
function bookFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number | Decimal | undefined;
  let u: number;
  let b: bigint | undefined;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.venue = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  if ((s = readStr()) === undefined || !E_BOOK_ACTION.has(s)) return false;
  o.action = s;
  if (n === 5) return true;
  if (nil()) {
    if (n === 6) return false;
  } else {
    if ((s = readStr()) === undefined || !E_BOOK_SIDE.has(s)) return false;
    o.side = s;
  }
  if (n === 6) return true;
  if (nil()) {
    if (n === 7) return false;
  } else {
    if ((x = readPx(-1)) === undefined) return false;
    o.price = x;
  }
  if (n === 7) return true;
  if (nil()) {
    if (n === 8) return false;
  } else {
    if ((x = readPx(0)) === undefined) return false;
    o.size = x;
  }
  if (n === 8) return true;
  if (nil()) {
    if (n === 9) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.flags = u;
  }
  if (n === 9) return true;
  if (nil()) {
    if (n === 10) return false;
  } else {
    if ((b = readNs()) === undefined) return false;
    o.exchTs = b;
  }
  if (n === 10) return true;
  if (nil()) {
    if (n === 11) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.venueSeq = u;
  }
  if (n === 11) return true;
  if (nil()) {
    if (n === 12) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.venueSeqFirst = u;
  }
  if (n === 12) return true;
  if (nil()) {
    if (n === 13) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.venueSeqPrev = u;
  }
  if (n === 13) return true;
  if (nil()) {
    if (n === 14) return false;
  } else {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o.orderId = s;
  }
  if (n === 14) return true;
  if (nil()) {
    if (n === 15) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.checksum = u;
  }
  if (n === 15) return true;
  if (nil()) {
    if (n === 16) return false;
  } else {
    const d = readNum();
    if (!(d < Infinity && d > -Infinity)) return false;
    o.tsInDelta = d;
  }
  if (n === 16) return true;
  if (nil()) {
    if (n === 17) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.channel = u;
  }
  if (n === 17) return true;
  if (nil()) {
    if (n === 18) return false;
  } else {
    if ((u = readUint()) < 0) return false;
    o.depth = u;
  }
  if (n === 18) return true;
  if (nil()) {
    if (n === 19) return false;
  } else {
    if ((b = readNs()) === undefined) return false;
    o.tsOut = b;
  }
  return true;
}

/** bar: venue, symbol, interval, open, high, low, close, volume, start (all required). */
function barFields(o: Ev, _n: number): boolean {
  let s: string | undefined;
  let x: number | Decimal | undefined;
  let b: bigint | undefined;
  for (const k of ['venue', 'symbol', 'interval'] as const) {
    if ((s = readStr()) === undefined || s.length === 0) return false;
    o[k] = s;
  }
  for (const k of ['open', 'high', 'low', 'close'] as const) {
    if ((x = readPx(-1)) === undefined) return false;
    o[k] = x;
  }
  if ((x = readPx(0)) === undefined) return false;
  o.volume = x;
  if ((b = readNs()) === undefined) return false;
  o.start = b;
  return true;
}

/** instrument: venue, symbol, kind?, base?, quote?, tickSize?, lotSize?, minSize?, priceScale?, sizeScale?, instrumentId?, publisherId?. */
function instrumentFields(o: Ev, n: number): boolean {
  let s: string | undefined;
  let x: number | Decimal | undefined;
  let u: number;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.venue = s;
  if ((s = readStr()) === undefined || s.length === 0) return false;
  o.symbol = s;
  const ids = ['kind', 'base', 'quote'] as const;
  const pxs = [
    ['tickSize', 1],
    ['lotSize', 1],
    ['minSize', 0],
  ] as const;
  const uints = ['priceScale', 'sizeScale', 'instrumentId', 'publisherId'] as const;
  let i = 4;
  for (const k of ids) {
    if (n === i) return true;
    if (nil()) {
      if (n === i + 1) return false;
    } else {
      if ((s = readStr()) === undefined || s.length === 0) return false;
      o[k] = s;
    }
    i++;
  }
  for (const [k, min] of pxs) {
    if (n === i) return true;
    if (nil()) {
      if (n === i + 1) return false;
    } else {
      if ((x = readPx(min)) === undefined) return false;
      o[k] = x;
    }
    i++;
  }
  for (const k of uints) {
    if (n === i) return true;
    if (nil()) {
      if (n === i + 1) return false;
    } else {
      if ((u = readUint()) < 0) return false;
      o[k] = u;
    }
    i++;
  }
  return true;
}

/** What the readers above implement, per type: name:kind, `?` when optional. */
const FIELD_LAYOUT: Readonly<Record<EventType, string>> = {
  tick: 'venue:id symbol:id bid:num*? ask:num*? bidSize:nonneg*? askSize:nonneg*? last:num*? lastSize:nonneg*? aggressor:enum? volume:nonneg*? exchTs:ns? tradeId:id? venueSeq:uint?',
  order: 'orderId:id venue:id symbol:id side:enum kind:enum action:enum price:pos? qty:pos tif:id? strategy:id? reason:text?',
  fill: 'fillId:id orderId:id venue:id symbol:id side:enum price:pos qty:pos fee:num? liquidity:enum?',
  signal: 'strategy:id symbol:id name:id value:num meta:map?',
  risk: 'rule:id severity:enum symbol:id? detail:text value:num? limit:num?',
  system: 'kind:enum message:text data:map?',
  book: 'venue:id symbol:id action:enum side:enum? price:num*? size:nonneg*? flags:uint? exchTs:ns? venueSeq:uint? venueSeqFirst:uint? venueSeqPrev:uint? orderId:id? checksum:uint? tsInDelta:num? channel:uint? depth:uint? tsOut:ns?',
  instrument: 'venue:id symbol:id kind:id? base:id? quote:id? tickSize:pos*? lotSize:pos*? minSize:nonneg*? priceScale:uint? sizeScale:uint? instrumentId:uint? publisherId:uint?',
  bar: 'venue:id symbol:id interval:id open:num* high:num* low:num* close:num* volume:nonneg* start:ns',
};

const READERS: Readonly<Record<EventType, (o: Ev, n: number) => boolean>> = {
  tick: tickFields,
  order: orderFields,
  fill: fillFields,
  signal: signalFields,
  risk: riskFields,
  system: systemFields,
  book: bookFields,
  instrument: instrumentFields,
  bar: barFields,
};

/** The schema's layout of a type in FIELD_LAYOUT's notation. */
export function schemaLayout(type: EventType): string {
  return SPECS[type].fields.map((f) => `${f.name}:${f.kind}${f.dec ? '*' : ''}${f.optional ? '?' : ''}`).join(' ');
}

interface FastType {
  readonly type: EventType;
  readonly minLen: number;
  readonly maxLen: number;
  readonly fields: (o: Ev, n: number) => boolean;
}

/** Indexed by tag (a u8); undefined for unknown tags and for types left to the msgpackr path. */
const BY_TAG: (FastType | undefined)[] = new Array<FastType | undefined>(256).fill(undefined);
for (const [tag, type] of TAG_TYPE) {
  if (!LITTLE_ENDIAN || FIELD_LAYOUT[type] !== schemaLayout(type)) continue;
  BY_TAG[tag] = { type, minLen: SPECS[type].minLen, maxLen: SPECS[type].maxLen, fields: READERS[type] };
}

/** The event types this module decodes (all of them unless the schema moved on without it). */
export function fastDecodedTypes(): EventType[] {
  return BY_TAG.filter((t): t is FastType => t !== undefined).map((t) => t.type);
}

/**
 * The event the msgpackr-based decodePayload would return for these arguments, or undefined when
 * that path must decide (unknown tag, bad ts, any malformed or non-fast-path payload).
 */
export function fastDecodePayload(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent | undefined {
  return fastDecodeRange(tag, payload, 0, payload.length, seq, ts);
}

/**
 * The same, for a payload at buf[start, stop): a reader hands over its chunk and the payload's
 * bounds, and no view is made per record.
 */
export function fastDecodeRange(tag: number, buf: Uint8Array, start: number, stop: number, seq: number, ts: bigint): TapeEvent | undefined {
  const ft = BY_TAG[tag & 0xff];
  if (ft === undefined || tag !== (tag & 0xff)) return undefined;
  if (typeof ts !== 'bigint' || ts < 0n || ts > INT64_MAX) return undefined;
  const n = payloadItems(buf, start, stop);
  if (n < 0) return undefined;
  const first = itemsStart;
  if (n < ft.minLen || n > ft.maxLen) return undefined;
  src = buf;
  pos = first;
  end = stop;
  try {
    // runId, a non-empty str
    const runId = readStr();
    if (runId === undefined || runId.length === 0) return undefined;
    if (n <= 8 && ft.type === 'tick' && src[pos] === 0xc0) {
      const at = pos;
      pos++;
      const ev = quoteTick(ts, runId, seq, n);
      if (ev !== undefined && pos === end) return ev as unknown as TapeEvent;
      pos = at;
    }
    const o: Ev = { type: ft.type, ts, runId, seq };
    // cause: nil or a non-negative safe integer (in any number form msgpackr reads as a number)
    if (!nil()) {
      const cause = readNum();
      if (!Number.isSafeInteger(cause) || cause < 0) return undefined;
      o.cause = cause;
    }
    // the fields; then the payload must be exactly one value
    if (!ft.fields(o, n) || pos !== end) return undefined;
    return o as unknown as TapeEvent;
  } finally {
    src = EMPTY; // don't keep the caller's buffer alive
  }
}
