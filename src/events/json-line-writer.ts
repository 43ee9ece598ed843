/**
 * Canonical JSON lines written straight into bytes: the one implementation of the line layout
 * (docs/EVENTS.md §4; `eventToJson` in json.ts is this writer plus a string conversion).
 *
 * Why bytes: an export or `replay -o` of a million events built each line as a string of pieces
 * (one `'' + n` per number, concatenations), joined the lines into a chunk string and then had the
 * stream encode that string to UTF-8 again: string building, joining and encoding were ~45% of
 * the CLI's profile. Here each value is written once, as bytes, into a growing buffer:
 * - strings of printable ASCII (ids, venues, symbols, enum values) are copied char by char;
 *   anything else goes through JSON.stringify and a UTF-8 write (the same text as before);
 * - whole numbers in the safe range are written as digits (what ToString gives them);
 * - other numbers through `'' + n` (ECMA-262 ToString, the shortest round-trip text that
 *   JSON.stringify writes), remembered per value in a small cache: prices repeat line after line.
 */
import { Decimal } from './decimal.js';
import { sortedKeys, SPECS } from './schema.js';
import { formatTsIso } from './ts.js';
import type { FlatMap, TapeEvent } from './types.js';
import { ValidationError } from '../errors.js';

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** How a field is written: its `,"name":` prefix once per type, and one of the cases below. */
const NS = 0;
const MAP = 1;
const NUM = 2;
const OTHER = 3;
interface JsonField {
  readonly name: string;
  readonly prefix: Uint8Array;
  readonly how: number;
  /** Reads this field of an event (see fieldGetter). */
  readonly get: (ev: object) => unknown;
}
interface JsonType {
  /** `{"type":"<type>","ts":"` */
  readonly head: Uint8Array;
  readonly fields: readonly JsonField[];
}
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * A getter compiled once per schema field: `ev.bid` as a named property load. The loop over a
 * type's fields read them as `ev[f.name]`, a keyed load whose key changes at every step, which V8
 * serves from its megamorphic stub cache (slowest for the absent optional fields): measured ~1/3 of
 * the line writer's CPU on 1M ticks (2.1 → 1.4 µs per line in a loop, CPU time, same run).
 * The names are the schema's own identifiers, quoted by JSON.stringify.
 */
function fieldGetter(name: string): (ev: object) => unknown {
  return new Function('ev', `return ev[${JSON.stringify(name)}];`) as (ev: object) => unknown;
}
const JSON_TYPES = new Map<string, JsonType>(
  Object.entries(SPECS).map(([type, spec]) => [
    type,
    {
      head: ascii(`{"type":${JSON.stringify(type)},"ts":"`),
      fields: spec.fields.map((fs) => ({
        name: fs.name,
        prefix: ascii(`,${JSON.stringify(fs.name)}:`),
        how: fs.kind === 'ns' ? NS : fs.kind === 'map' ? MAP : fs.kind === 'num' || fs.kind === 'nonneg' || fs.kind === 'pos' || fs.kind === 'uint' ? NUM : OTHER,
        get: fieldGetter(fs.name),
      })),
    },
  ]),
);
const RUN_ID = ascii('","runId":');
/** What `string` copies as it is: printable ASCII without `"` or `\`. */
const PRINTABLE_NO_ESCAPE = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** POW10[k] = 10^k, k ≤ 16 (exact doubles). */
const POW10 = Array.from({ length: 17 }, (_, k) => 10 ** k);
const SEQ = ascii(',"seq":');
const CAUSE = ascii(',"cause":');

// Number texts by value (non-integers only; see the module comment): two ways per set, the most
// recent first. `'' + n` costs ~160-210 ns per price here; the 1M-tick bench recording holds ~7.4K
// distinct prices, which this cache hits 93% of the time (one way of 4096 sets hit 22%).
// (A byte-copy cache tried before fewDecimals, 2026-11-30, was slower: 107 vs 82 ns a price.)
const NUM_SET_BITS = 14;
const numKeys0 = new Float64Array(1 << NUM_SET_BITS).fill(NaN);
const numKeys1 = new Float64Array(1 << NUM_SET_BITS).fill(NaN);
const numText0: string[] = new Array<string>(1 << NUM_SET_BITS).fill('');
const numText1: string[] = new Array<string>(1 << NUM_SET_BITS).fill('');
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** A ts through a scratch int64: its two u32 halves without BigInt arithmetic (little-endian hosts; see int64). */
const I64 = new BigInt64Array(1);
const I64_U32 = new Uint32Array(I64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The JSON text of a non-integer finite number, from the cache when it holds the value. */
function fractionText(n: number): string {
  F64[0] = n;
  const set = Math.imul(U32[0]! ^ Math.imul(U32[1]!, 0x9e3779b1), 0x85ebca6b) >>> (32 - NUM_SET_BITS);
  if (numKeys0[set] === n) return numText0[set]!;
  let s: string;
  if (numKeys1[set] === n) s = numText1[set]!;
  else s = '' + n;
  numKeys1[set] = numKeys0[set]!;
  numText1[set] = numText0[set]!;
  numKeys0[set] = n;
  numText0[set] = s;
  return s;
}

/** The JSON text of a number: ToString, as JSON.stringify writes a finite one. */
export function jsonNumber(n: number): string {
  // Validated events never hold these; refusing beats JSON.stringify's silent "null".
  if (!Number.isFinite(n)) throw new RangeError(`cannot write non-finite number ${n} as JSON`);
  return '' + n;
}

/** A flat map as canonical JSON: keys in code point order. */
export function jsonMap(m: FlatMap): string {
  let s = '{';
  let first = true;
  for (const k of sortedKeys(m)) {
    const v = m[k] as string | number;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + (typeof v === 'number' ? jsonNumber(v) : JSON.stringify(v));
    first = false;
  }
  return s + '}';
}

/**
 * The bytes of one event type's line: `{"type":"<type>","ts":"`, then per schema field its
 * `,"name":` (the transcoder in json-transcode.ts writes lines from payload bytes with these).
 */
export function jsonLayout(type: string): { readonly head: Uint8Array; readonly prefixes: readonly Uint8Array[] } | undefined {
  const t = JSON_TYPES.get(type);
  return t && { head: t.head, prefixes: t.fields.map((f) => f.prefix) };
}

/**
 * Canonical JSON lines appended to a growing byte buffer; `take` hands the bytes over. The
 * primitives marked "for the transcoder" are public for json-transcode.ts, which writes a line
 * straight from payload bytes with the same number and ts text as `event`.
 */
export class JsonLineWriter {
  buf: Buffer;
  /** Bytes written. */
  length = 0;
  /** False once a byte ≥ 0x80 was written (then the text is UTF-8, not plain ASCII). */
  asciiOnly = true;
  private lastRunId = '';
  /** The last ts written by int64 above 2^53 (its halves), its remainder mod 10^9 and its quotient's digits. */
  private tsHi = 0;
  private tsLo = 0;
  private tsRem = NaN;
  private tsQuotient: Uint8Array = new Uint8Array(0);
  private runIdBytes: Uint8Array | null = null;

  constructor(capacityBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(256, capacityBytes));
  }

  /** Appends one event's line; `newline` adds the '\n' after it. `ev` must be valid (validateEvent's output). */
  event(ev: TapeEvent, iso: boolean, newline: boolean): void {
    const t = JSON_TYPES.get(ev.type);
    if (!t) throw new ValidationError('type', 'is not a known event type', ev.type);
    const start = this.length;
    try {
      this.bytes(t.head);
      this.ns(ev.ts, iso);
      this.runId(ev.runId);
      if (ev.seq !== undefined) {
        this.bytes(SEQ);
        this.number(ev.seq);
      }
      if (ev.cause !== undefined) {
        this.bytes(CAUSE);
        this.number(ev.cause);
      }
      const fields = t.fields;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        const v = f.get(ev);
        if (v === undefined) continue;
        this.bytes(f.prefix);
        switch (f.how) {
          case NS:
            this.byte(QUOTE);
            this.ns(v as bigint, iso);
            this.byte(QUOTE);
            break;
          case MAP:
            this.text(jsonMap(v as FlatMap));
            break;
          case NUM:
            // An exact decimal is written as its canonical text, in a JSON string: a JSON number
            // would lose digits and scale in every parser that reads numbers as doubles.
            if (v instanceof Decimal) {
              this.byte(QUOTE);
              this.ascii(v.toString());
              this.byte(QUOTE);
            } else this.number(v as number);
            break;
          default:
            if (typeof v === 'string') this.string(v);
            else this.text(JSON.stringify(v));
        }
      }
      this.byte(0x7d); // }
      if (newline) this.byte(NEWLINE);
    } catch (e) {
      // Nothing of a line that failed stays in the buffer.
      this.length = start;
      throw e;
    }
  }

  /** The bytes written so far (a fresh buffer the caller owns); the writer starts over empty. */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.length);
    this.buf.copy(out, 0, 0, this.length);
    this.clear();
    return out;
  }

  /**
   * The bytes written so far, as a view of the writer's own buffer, which the caller now owns (a
   * batch transfers it to another thread whole: its own ArrayBuffer, never a pooled one); the
   * writer starts over empty in a fresh buffer of the same capacity (not zero-filled), or in
   * `next` when it is at least that large (a buffer handed back for reuse: see LineBatcher.recycle).
   * No copy.
   */
  detach(next?: ArrayBufferLike): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = next !== undefined && next.byteLength >= this.buf.length ? Buffer.from(next) : Buffer.allocUnsafeSlow(this.buf.length);
    this.clear();
    return out;
  }

  /** The text written so far; the writer starts over empty. */
  takeText(): string {
    const s = this.asciiOnly ? this.buf.toString('latin1', 0, this.length) : this.buf.toString('utf8', 0, this.length);
    this.clear();
    return s;
  }

  clear(): void {
    this.length = 0;
    this.asciiOnly = true;
  }

  /** Makes room for n more bytes (for the transcoder). */
  room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** One byte (for the transcoder). */
  byte(b: number): void {
    if (this.length === this.buf.length) this.room(1);
    this.buf[this.length++] = b;
  }

  /** `","runId":` and the run id as JSON: one copy of bytes kept for the last printable-ASCII id seen. */
  private runId(id: string): void {
    if (id !== this.lastRunId) {
      this.lastRunId = id;
      this.runIdBytes = PRINTABLE_NO_ESCAPE.test(id) ? ascii(`","runId":"${id}"`) : null;
    }
    if (this.runIdBytes !== null) return this.bytes(this.runIdBytes);
    this.bytes(RUN_ID);
    this.string(id);
  }

  /** Bytes as they are (for the transcoder). */
  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    if (n >= 16) {
      // A native copy beats the byte loop from ~16 bytes (~30 ns flat against ~2.5 ns a byte).
      buf.set(b, this.length);
      this.length += n;
      return;
    }
    let p = this.length;
    for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    this.length = p;
  }

  /** A string known to be ASCII (digits, decimals, ISO times). */
  private ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.length;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.length = p;
  }

  /** Appends any text as UTF-8 (separators, CSV rows). */
  raw(s: string): void {
    this.text(s);
  }

  /** Any JSON text, as UTF-8. */
  private text(s: string): void {
    this.room(Buffer.byteLength(s));
    const n = this.buf.write(s, this.length, 'utf8');
    for (let i = this.length; i < this.length + n; i++) {
      if (this.buf[i]! >= 0x80) {
        this.asciiOnly = false;
        break;
      }
    }
    this.length += n;
  }

  /** A string as JSON: quoted as is when it is printable ASCII without `"` or `\`, else JSON.stringify's text. */
  private string(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.length;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return this.text(JSON.stringify(s));
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    this.length = p;
  }

  /** A ts as its digits (or ISO text), unquoted (for the transcoder). */
  ns(v: bigint, iso: boolean): void {
    if (iso || !LITTLE_ENDIAN || v < 0n) return this.ascii(iso ? formatTsIso(v) : v.toString());
    // The digits from the two halves: v.toString() was ~7% of an export's profile (~250 ns a ts).
    I64[0] = v;
    this.int64(I64_U32[1]!, I64_U32[0]!);
  }

  /**
   * The decimal digits of the int64 hi * 2^32 + lo, for 0 <= hi < 2^31 and 0 <= lo < 2^32 (what
   * BigInt's toString writes for that value; for the transcoder too). Above 2^53 the value is
   * split into q * 10^9 + r by long division in base 2^16, every step exact in doubles.
   */
  int64(hi: number, lo: number): void {
    if (hi < 0x200000) return this.integer(hi * 0x100000000 + lo);
    // Timestamps come in order, close together: when this one has the quotient q of the last one
    // (same second), its remainder is the last remainder plus the difference (exact: both small)
    // and q's digits are copied from the last line.
    let r = (hi - this.tsHi) * 0x100000000 + (lo - this.tsLo) + this.tsRem;
    this.room(20);
    if (r >= 0 && r < 1e9) {
      const q = this.tsQuotient;
      const buf = this.buf;
      let o = this.length;
      for (let i = 0; i < q.length; i++) buf[o++] = q[i]!;
      this.length = o;
    } else {
      const a = hi * 0x10000 + (lo >>> 16); // < 2^47
      let qa = Math.floor(a / 1e9);
      let ra = a - qa * 1e9;
      if (ra < 0) {
        qa--;
        ra += 1e9;
      }
      const b = ra * 0x10000 + (lo & 0xffff); // < 1e9 * 2^16 < 2^53
      let qb = Math.floor(b / 1e9);
      r = b - qb * 1e9;
      if (r < 0) {
        qb--;
        r += 1e9;
      }
      const at = this.length;
      this.integer(qa * 0x10000 + qb); // >= 2^53 / 10^9, so never 0 and no leading zeros
      this.tsQuotient = new Uint8Array(this.buf.subarray(at, this.length)); // a copy (Buffer#slice is a view)
    }
    this.tsHi = hi;
    this.tsLo = lo;
    this.tsRem = r;
    const buf = this.buf;
    const p = this.length;
    for (let i = 8; i >= 0; i--) {
      const next = (r / 10) | 0;
      buf[p + i] = 0x30 + (r - next * 10);
      r = next;
    }
    this.length = p + 9;
  }

  /** A finite number as JSON.stringify writes it; RangeError for a non-finite one (for the transcoder). */
  number(n: number): void {
    if (!Number.isFinite(n)) jsonNumber(n); // throws the RangeError
    this.room(NUMBER_TEXT_MAX);
    this.length = putJsonNumber(this.buf, this.length, n);
  }

  /** A safe integer's digits. */
  private integer(n: number): void {
    this.room(NUMBER_TEXT_MAX);
    this.length = putJsonInteger(this.buf, this.length, n);
  }
}

/** The longest JSON text of a finite number (`-2.2250738585072014e-308`: 24 bytes), and then some. */
export const NUMBER_TEXT_MAX = 25;

/**
 * Writes the JSON text of the finite number n (ToString, as JSON.stringify writes it) at buf[p..]
 * and returns where it ends; the caller has made room for NUMBER_TEXT_MAX bytes. The one number
 * writer of JsonLineWriter.number and the transcoder (json-transcode.ts), as a plain function over
 * the buffer and an offset: no writer state to load and store per digit.
 */
export function putJsonNumber(buf: Uint8Array, p: number, n: number): number {
  if (Number.isInteger(n) && n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER) return putJsonInteger(buf, p, n);
  const q = putJsonFewDecimals(buf, p, n);
  if (q >= 0) return q;
  const s = fractionText(n);
  for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
  return p;
}

/**
 * A number below 1e9 in magnitude that is exactly k / 10^d for d ≤ 4 (the usual price or size),
 * written from k in integer arithmetic, no string; returns its end, or -1 (nothing written) for
 * anything else. Its ToString is that decimal: k / 10^d === n means the decimal rounds to n, the
 * smallest such d gives the fewest digits, and below 1e9 an ulp is far under 10^-4, so no other
 * decimal of as few digits rounds to n. d = 2 is tried first (most prices): when k2 / 100 === n
 * and k2 ends in 0, d = 1 with k2 / 10 (the same real number, so the same rounded double), and
 * whenever d = 1 holds so does d = 2 (n * 100 is within far less than 0.5 of 10 * k1 below 1e9).
 * Measured: number text was ~20% of `replay --max -o` (the cache's misses at ~200 ns each, and the
 * copy of the cached text).
 */
function putJsonFewDecimals(buf: Uint8Array, p: number, n: number): number {
  const a = n < 0 ? -n : n;
  if (!(a < 1e9)) return -1;
  let scale = 100;
  let d = 2;
  let k = Math.round(a * 100);
  if (k / 100 === a) {
    const k1 = Math.floor(k / 10);
    if (k1 * 10 === k) {
      k = k1;
      scale = 10;
      d = 1;
    }
  } else {
    do {
      if (d === 4) return -1;
      d++;
      scale *= 10;
      k = Math.round(a * scale);
    } while (k / scale !== a);
  }
  if (n < 0) buf[p++] = 0x2d;
  const whole = Math.floor(k / scale);
  if (whole === 0) buf[p++] = 0x30;
  else p = putJsonInteger(buf, p, whole);
  buf[p] = 0x2e; // .
  let frac = (k - whole * scale) | 0; // < 10^4
  for (let i = d; i > 0; i--) {
    const next = (frac / 10) | 0;
    buf[p + i] = 0x30 + (frac - next * 10);
    frac = next;
  }
  return p + d + 1;
}

/** Writes a safe integer's digits at buf[p..] (-0 is "0", as ToString writes it); returns the end. */
export function putJsonInteger(buf: Uint8Array, p: number, n: number): number {
  if (n < 0) {
    buf[p++] = 0x2d;
    n = -n;
  }
  if (n < 10) {
    buf[p++] = 0x30 + n;
    return p;
  }
  // The digit count by comparisons (a float division per digit cost ~10% of the writer).
  let digits = 2;
  while (digits < 16 && n >= POW10[digits]!) digits++;
  const stop = p + digits;
  let q = stop;
  // Above 2^31 by float division (exact for safe integers); below it in int32 arithmetic, which
  // avoids the floating-point modulo (a C call) per digit.
  while (n > 0x7fffffff) {
    const next = Math.floor(n / 10);
    buf[--q] = 0x30 + (n - next * 10);
    n = next;
  }
  let m = n | 0;
  while (q > p) {
    const next = (m / 10) | 0;
    buf[--q] = 0x30 + (m - next * 10);
    m = next;
  }
  return stop;
}
