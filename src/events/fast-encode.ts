/**
 * A hand-written encoder for the payloads of docs/EVENTS.md §3: `[runId, cause|nil, f1..fn]` with
 * str / int / float64 / int64 / decimal / flat-map values, written straight into a caller's buffer
 * (the log's write buffer), so appending an event allocates nothing.
 *
 * It is an accelerator, not a second definition of the format: for every value it takes it emits
 * exactly the bytes msgpackr (codec.ts, PACKR_OPTIONS) writes for the positional array encodePayload
 * builds — the same integer forms (fixint for 0..127, float64 for integers outside int32/uint32,
 * -0 as 0), strings with the smallest header for their UTF-8 length (lone surrogates encoded the
 * way msgpackr does: its own loop under 64 UTF-16 units, Buffer's UTF-8 writer from 64 on), maps
 * in canonical key order with the smallest map header. Anything else (a value of a type no field
 * holds, a bigint outside uint64/int64) returns OUT_OF_SUBSET and the caller uses msgpackr, which
 * decides. test/events-fast-encode.test.ts checks identical bytes on random events of every type.
 *
 * Encoding assumes a validated event (validateEvent), like encodePayload.
 */
import { endianness } from 'node:os';
import { TapedeckError } from '../errors.js';
import { Decimal } from './decimal.js';
import { compareCodePoints, SPECS, type TypeSpec } from './schema.js';
import type { TapeEvent, TickEvent } from './types.js';

/** encodeInto: the payload does not fit in buf[start, end). */
export const NO_ROOM = -1;
/** encodeInto: a value this encoder does not write; encode through msgpackr instead. */
export const OUT_OF_SUBSET = -2;

/** Buffer's own UTF-8 writer, the one msgpackr calls (Buffer.write without the argument parsing). */
type Utf8Writable = Buffer & { utf8Write(s: string, offset: number, length: number): number };

const INT64_MIN_BIG = -0x8000000000000000n;
const INT64_END_BIG = 0x8000000000000000n;
const UINT64_END_BIG = 0x10000000000000000n;

// Encoder state for one payload (nothing here calls user code, so it cannot be re-entered).
let out: Buffer = Buffer.alloc(0);
let pos = 0;
let lim = 0;

/** The spec of an event's type; an unknown type is refused as encodePayload refuses it. */
export function specFor(ev: TapeEvent): TypeSpec {
  const spec: TypeSpec | undefined = SPECS[ev.type];
  if (!spec) throw new TapedeckError('BAD_INPUT', `cannot encode unknown event type ${String(ev.type)}`, { type: ev.type });
  return spec;
}

/**
 * Writes the payload of `ev` into buf[start, end) and returns where it ends; NO_ROOM when it
 * needs more than end - start bytes, OUT_OF_SUBSET when msgpackr must encode it. Bytes in
 * buf[start, end) may be changed in either failure case.
 */
export function encodePayloadInto(ev: TapeEvent, buf: Buffer, start: number, end: number): number {
  if (ev.type === 'tick') {
    const r = encodeTickInto(ev, buf, start, end);
    if (r !== NOT_PLAIN) return r;
  }
  const spec = specFor(ev);
  const fields = spec.fields;
  let n = valuesOf(ev, fields);
  const count = n;
  // A tick here has already been declined by the plain path.
  let r = ev.type === 'tick' ? NOT_PLAIN : encodePlainValues(ev, fields, n, buf, start, end);
  if (r === NOT_PLAIN) {
    // Trailing absent fields are trimmed: the array ends at the last present one.
    while (n > 0 && vals[n - 1] === undefined) n--;
    out = buf;
    pos = start;
    lim = end;
    r = encodeValues(ev, fields, n);
    out = EMPTY;
  }
  vals.fill(undefined, 0, count); // don't keep the event's strings alive
  return r;
}

function encodeValues(ev: TapeEvent, fields: TypeSpec['fields'], n: number): number {
  const items = n + 2;
  if (pos + 3 > lim) return NO_ROOM;
  if (items < 0x10) out[pos++] = 0x90 | items;
  else {
    out[pos++] = 0xdc;
    out[pos++] = items >> 8;
    out[pos++] = items & 0xff;
  }
  if (!putString(ev.runId)) return fail();
  const cause = ev.cause;
  if (cause === undefined || cause === null) {
    if (!room(1)) return fail();
    out[pos++] = 0xc0;
  } else if (!(typeof cause === 'number' ? putNumber(cause) : subset())) return fail();
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    let ok: boolean;
    if (v === undefined) {
      ok = room(1);
      if (ok) out[pos++] = 0xc0;
    } else if (fields[i]!.kind === 'map') ok = putMap(v);
    else if (typeof v === 'string') ok = putString(v);
    else if (typeof v === 'number') ok = putNumber(v);
    else if (v instanceof Decimal) ok = putDecimal(v);
    else if (typeof v === 'bigint') ok = putBigInt(v);
    else ok = putOther(v);
    if (!ok) return fail();
  }
  return pos;
}

/** The field values of one event in declared order (reused: one payload at a time). */
const vals: unknown[] = new Array(64).fill(undefined);

function fieldValues(ev: TapeEvent, fields: TypeSpec['fields']): number {
  const rec = ev as unknown as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) vals[i] = rec[fields[i]!.name];
  return fields.length;
}

/**
 * Ticks, the most common event, read with plain property loads (a keyed load by field name is
 * megamorphic across the event types). The order is the spec's: checked when this module loads.
 */
const TICK_FIELDS = ['venue', 'symbol', 'bid', 'ask', 'bidSize', 'askSize', 'last', 'lastSize', 'aggressor', 'volume', 'exchTs', 'tradeId', 'venueSeq'];
if (SPECS.tick.fields.map((f) => f.name).join() !== TICK_FIELDS.join()) throw new Error('fast-encode: the tick fields differ from schema.ts');

/**
 * The field values of the types a backtest writes (orders, fills, signals), read with plain
 * property loads like ticks: through fieldValues' keyed loads, extracting an order's 11 fields cost
 * about as much as encoding them. The orders are the spec's: checked when this module loads.
 */
const ORDER_FIELDS = ['orderId', 'venue', 'symbol', 'side', 'kind', 'action', 'price', 'qty', 'tif', 'strategy', 'reason'];
const FILL_FIELDS = ['fillId', 'orderId', 'venue', 'symbol', 'side', 'price', 'qty', 'fee', 'liquidity'];
const SIGNAL_FIELDS = ['strategy', 'symbol', 'name', 'value', 'meta'];
for (const [type, names] of [['order', ORDER_FIELDS], ['fill', FILL_FIELDS], ['signal', SIGNAL_FIELDS]] as const) {
  if (SPECS[type].fields.map((f) => f.name).join() !== names.join()) throw new Error(`fast-encode: the ${type} fields differ from schema.ts`);
}

function valuesOf(ev: TapeEvent, fields: TypeSpec['fields']): number {
  switch (ev.type) {
    case 'tick':
      return tickValues(ev);
    case 'order':
      vals[0] = ev.orderId;
      vals[1] = ev.venue;
      vals[2] = ev.symbol;
      vals[3] = ev.side;
      vals[4] = ev.kind;
      vals[5] = ev.action;
      vals[6] = ev.price;
      vals[7] = ev.qty;
      vals[8] = ev.tif;
      vals[9] = ev.strategy;
      vals[10] = ev.reason;
      return 11;
    case 'fill':
      vals[0] = ev.fillId;
      vals[1] = ev.orderId;
      vals[2] = ev.venue;
      vals[3] = ev.symbol;
      vals[4] = ev.side;
      vals[5] = ev.price;
      vals[6] = ev.qty;
      vals[7] = ev.fee;
      vals[8] = ev.liquidity;
      return 9;
    case 'signal':
      vals[0] = ev.strategy;
      vals[1] = ev.symbol;
      vals[2] = ev.name;
      vals[3] = ev.value;
      vals[4] = ev.meta;
      return 5;
    default:
      return fieldValues(ev, fields);
  }
}

function tickValues(ev: TapeEvent): number {
  const t = ev as TickEvent;
  vals[0] = t.venue;
  vals[1] = t.symbol;
  vals[2] = t.bid;
  vals[3] = t.ask;
  vals[4] = t.bidSize;
  vals[5] = t.askSize;
  vals[6] = t.last;
  vals[7] = t.lastSize;
  vals[8] = t.aggressor;
  vals[9] = t.volume;
  vals[10] = t.exchTs;
  vals[11] = t.tradeId;
  vals[12] = t.venueSeq;
  return 13;
}

const EMPTY = Buffer.alloc(0);
/** Set by a put* that met a value outside the subset (as opposed to running out of room). */
let outOfSubset = false;

function fail(): number {
  out = EMPTY;
  const r = outOfSubset ? OUT_OF_SUBSET : NO_ROOM;
  outOfSubset = false;
  return r;
}

function room(k: number): boolean {
  return pos + k <= lim;
}

function subset(): boolean {
  outOfSubset = true;
  return false;
}

/** A string as msgpackr writes it (see its `pack` for type 'string'). */
function putString(s: string): boolean {
  const len = s.length;
  const headerSize = len < 0x20 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 5;
  if (!room(headerSize + len * 3)) return false;
  const b = out;
  const at = pos;
  let n: number;
  if (len < 0x40) {
    let p = at + headerSize;
    for (let i = 0; i < len; i++) {
      let c1 = s.charCodeAt(i);
      if (c1 < 0x80) b[p++] = c1;
      else if (c1 < 0x800) {
        b[p++] = (c1 >> 6) | 0xc0;
        b[p++] = (c1 & 0x3f) | 0x80;
      } else {
        let c2: number;
        if ((c1 & 0xfc00) === 0xd800 && ((c2 = s.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
          c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
          i++;
          b[p++] = (c1 >> 18) | 0xf0;
          b[p++] = ((c1 >> 12) & 0x3f) | 0x80;
          b[p++] = ((c1 >> 6) & 0x3f) | 0x80;
          b[p++] = (c1 & 0x3f) | 0x80;
        } else {
          b[p++] = (c1 >> 12) | 0xe0;
          b[p++] = ((c1 >> 6) & 0x3f) | 0x80;
          b[p++] = (c1 & 0x3f) | 0x80;
        }
      }
    }
    n = p - at - headerSize;
  } else {
    n = (b as Utf8Writable).utf8Write(s, at + headerSize, lim - at - headerSize);
  }
  // The header by the UTF-8 length, moving the bytes when the estimate was too small.
  let p = at;
  if (n < 0x20) b[p++] = 0xa0 | n;
  else if (n < 0x100) {
    if (headerSize < 2) b.copyWithin(at + 2, at + 1, at + 1 + n);
    b[p++] = 0xd9;
    b[p++] = n;
  } else if (n < 0x10000) {
    if (headerSize < 3) b.copyWithin(at + 3, at + headerSize, at + headerSize + n);
    b[p++] = 0xda;
    b[p++] = n >> 8;
    b[p++] = n & 0xff;
  } else {
    if (headerSize < 5) b.copyWithin(at + 5, at + headerSize, at + headerSize + n);
    b[p++] = 0xdb;
    b.writeUInt32BE(n, p);
    p += 4;
  }
  pos = p + n;
  return true;
}

/** A number as msgpackr writes it with useRecords false and float32 never. */
function putNumber(v: number): boolean {
  if (!room(9)) return false;
  const b = out;
  if (v >>> 0 === v) {
    if (v < 0x80) b[pos++] = v;
    else if (v < 0x100) {
      b[pos++] = 0xcc;
      b[pos++] = v;
    } else if (v < 0x10000) {
      b[pos++] = 0xcd;
      b[pos++] = v >> 8;
      b[pos++] = v & 0xff;
    } else {
      b[pos++] = 0xce;
      b[pos++] = v >>> 24;
      b[pos++] = (v >> 16) & 0xff;
      b[pos++] = (v >> 8) & 0xff;
      b[pos++] = v & 0xff;
    }
  } else if (v >> 0 === v) {
    if (v >= -0x20) b[pos++] = 0x100 + v;
    else if (v >= -0x80) {
      b[pos++] = 0xd0;
      b[pos++] = v + 0x100;
    } else if (v >= -0x8000) {
      b[pos++] = 0xd1;
      b[pos++] = (v >> 8) & 0xff;
      b[pos++] = v & 0xff;
    } else {
      b[pos++] = 0xd2;
      b[pos++] = (v >> 24) & 0xff;
      b[pos++] = (v >> 16) & 0xff;
      b[pos++] = (v >> 8) & 0xff;
      b[pos++] = v & 0xff;
    }
  } else {
    b[pos++] = 0xcb;
    b.writeDoubleBE(v, pos);
    pos += 8;
  }
  return true;
}

function putBigInt(v: bigint): boolean {
  if (!room(9)) return false;
  if (v < INT64_END_BIG && v >= INT64_MIN_BIG) {
    out[pos++] = 0xd3;
    out.writeBigInt64BE(v, pos);
  } else if (v < UINT64_END_BIG && v > 0n) {
    out[pos++] = 0xcf;
    out.writeBigUInt64BE(v, pos);
  } else return subset(); // msgpackr's RangeError (or whatever it does) is the answer
  pos += 8;
  return true;
}

/** fixarray(2) [mantissa, exponent]: codec.ts decimalItem, packed. */
function putDecimal(x: Decimal): boolean {
  if (!room(1)) return false;
  out[pos++] = 0x92;
  const m = x.mantissa;
  const ok = typeof m === 'number' && m >= -0x80000000 && m <= 0xffffffff ? putNumber(m) : putBigInt(BigInt(m));
  return ok && putNumber(x.exponent);
}

/** A flat map in code point key order (codec.ts canonicalMap), values string or number. */
function putMap(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return subset();
  const m = v as Record<string, unknown>;
  let keys = Object.keys(m);
  const k = keys.length;
  let sorted = true;
  for (let i = 1; i < k; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) >= 0) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keys = keys.sort(compareCodePoints);
  if (!room(3)) return false;
  if (k < 0x10) out[pos++] = 0x80 | k;
  else if (k < 0x10000) {
    out[pos++] = 0xde;
    out[pos++] = k >> 8;
    out[pos++] = k & 0xff;
  } else return subset();
  for (let i = 0; i < k; i++) {
    const key = keys[i]!;
    const x = m[key];
    if (!putString(key)) return false;
    if (typeof x === 'string') {
      if (!putString(x)) return false;
    } else if (typeof x === 'number') {
      if (!putNumber(x)) return false;
    } else return subset();
  }
  return true;
}

function putOther(v: unknown): boolean {
  if (v === null) {
    if (!room(1)) return false;
    out[pos++] = 0xc0;
    return true;
  }
  if (typeof v === 'boolean') {
    if (!room(1)) return false;
    out[pos++] = v ? 0xc3 : 0xc2;
    return true;
  }
  return subset();
}

// -- ticks of plain values ---------------------------------------------------------------------

/** encodeTickInto: this tick holds a value the plain-tick path does not write; use the general one. */
export const NOT_PLAIN = -3;

/**
 * The most room a plain tick can take: fixarray header, runId and four more fixstr fields (≤ 32
 * bytes each), cause and eight numbers (≤ 9 bytes each). With less room the general path runs,
 * which checks room value by value and says NO_ROOM exactly.
 */
const PLAIN_TICK_BYTES_MAX = 1 + 5 * 32 + 9 * 9;

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const I64 = new BigInt64Array(1);
const I64_BYTES = new Uint8Array(I64.buffer);
const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A tick whose strings are ASCII shorter than 32 characters and whose other values are numbers
 * (exchTs an int64 bigint), encoded with the position in a local and one room check for the
 * whole payload instead of one per value: what nearly every tick is (recorded feeds, imports).
 * The bytes are the general path's (the same integer and float forms, fixstr headers, trailing
 * absent fields trimmed), checked against msgpackr by test/events-fast-encode.test.ts. Returns
 * NOT_PLAIN (having maybe written into buf[start, end)) for anything else, and on big-endian
 * hosts, where the scratch arrays' bytes come in the other order.
 *
 * Measured (1M bench ticks in one process, CPU, alternating rounds): see the commit message.
 */
export function encodeTickInto(t: TickEvent, b: Buffer, start: number, end: number): number {
  if (!LITTLE_ENDIAN || end - start < PLAIN_TICK_BYTES_MAX) return NOT_PLAIN;
  let p = putAscii(b, start + 1, t.runId);
  if (p < 0) return NOT_PLAIN;
  const cause = t.cause;
  if (cause === undefined || cause === null) b[p++] = 0xc0;
  else if (typeof cause === 'number') p = putNum(b, p, cause);
  else return NOT_PLAIN;
  // Each present field moves `last` (fields seen) and `stop` (where the payload ends): trailing
  // absent fields are written as nil and then trimmed, as the general path trims them.
  let last = 0;
  let stop = p;
  let v: unknown;
  for (let i = 0; i < 13; i++) {
    switch (i) {
      case 0: v = t.venue; break;
      case 1: v = t.symbol; break;
      case 2: v = t.bid; break;
      case 3: v = t.ask; break;
      case 4: v = t.bidSize; break;
      case 5: v = t.askSize; break;
      case 6: v = t.last; break;
      case 7: v = t.lastSize; break;
      case 8: v = t.aggressor; break;
      case 9: v = t.volume; break;
      case 10: v = t.exchTs; break;
      case 11: v = t.tradeId; break;
      default: v = t.venueSeq;
    }
    if (v === undefined) {
      b[p++] = 0xc0;
      continue;
    }
    if (typeof v === 'number') p = putNum(b, p, v);
    else if (typeof v === 'string') {
      p = putAscii(b, p, v);
      if (p < 0) return NOT_PLAIN;
    } else if (typeof v === 'bigint' && v < INT64_END_BIG && v >= INT64_MIN_BIG) {
      b[p] = 0xd3;
      I64[0] = v;
      for (let k = 0; k < 8; k++) b[p + 1 + k] = I64_BYTES[7 - k]!;
      p += 9;
    } else return NOT_PLAIN;
    last = i + 1;
    stop = p;
  }
  b[start] = 0x90 | (last + 2);
  return stop;
}

/**
 * The one-check path alone: a tick through encodeTickInto, any other type through
 * encodePlainValues; NOT_PLAIN where encodePayloadInto would take the general path.
 */
export function encodePlainInto(ev: TapeEvent, buf: Buffer, start: number, end: number): number {
  if (ev.type === 'tick') return encodeTickInto(ev, buf, start, end);
  const fields = specFor(ev).fields;
  const count = valuesOf(ev, fields);
  const r = encodePlainValues(ev, fields, count, buf, start, end);
  vals.fill(undefined, 0, count);
  return r;
}

/** The most a plain value takes: a fixstr of up to 31 ASCII characters (a number takes ≤ 9). */
const PLAIN_VALUE_BYTES_MAX = 32;

/**
 * The plain path of any other type: vals[0, n) (valuesOf) written with the position in a local and
 * one room check for the whole payload (a flat map checks its own), when every string is ASCII
 * shorter than 32 characters (map keys included), every other value a number, and the one map in
 * a map field; NOT_PLAIN (having maybe written into buf[start, end)) for anything else, for less
 * room than the largest such payload, and on big-endian hosts. The bytes are encodeValues' (the
 * same forms, maps in code point key order, trailing absent fields trimmed), checked against
 * msgpackr by test/events-fast-encode.test.ts. This is what a backtest's orders, fills and
 * signals are: see the commit message for what it buys.
 */
function encodePlainValues(ev: TapeEvent, fields: TypeSpec['fields'], n: number, b: Buffer, start: number, end: number): number {
  if (!LITTLE_ENDIAN || end - start < 1 + (n + 1) * PLAIN_VALUE_BYTES_MAX + 9) return NOT_PLAIN;
  let p = putAscii(b, start + 1, ev.runId);
  if (p < 0) return NOT_PLAIN;
  const cause = ev.cause;
  if (cause === undefined || cause === null) b[p++] = 0xc0;
  else if (typeof cause === 'number') p = putNum(b, p, cause);
  else return NOT_PLAIN;
  let last = 0;
  let stop = p;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (v === undefined) {
      b[p++] = 0xc0;
      continue;
    }
    // A map field first, whatever the value (as encodeValues: a string there is msgpackr's to judge).
    // A map may take more than a value's share: it checks its room, leaving the later values theirs.
    if (fields[i]!.kind === 'map') p = putPlainMap(b, p, end - (n - 1 - i) * PLAIN_VALUE_BYTES_MAX, v);
    else if (typeof v === 'number') p = putNum(b, p, v);
    else if (typeof v === 'string') p = putAscii(b, p, v);
    else return NOT_PLAIN;
    if (p < 0) return NOT_PLAIN;
    last = i + 1;
    stop = p;
  }
  const items = last + 2;
  if (items >= 0x10) return NOT_PLAIN; // a fixarray header only (no type has 14 fields)
  b[start] = 0x90 | items;
  return stop;
}

/** putMap's bytes for a map of under 16 ASCII keys with number or ASCII values; -1 for anything else or too little room. */
function putPlainMap(b: Buffer, p: number, end: number, v: unknown): number {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return -1;
  const m = v as Record<string, unknown>;
  let keys = Object.keys(m);
  const k = keys.length;
  if (k >= 0x10 || p + 1 + k * (PLAIN_VALUE_BYTES_MAX + PLAIN_VALUE_BYTES_MAX) > end) return -1;
  for (let i = 1; i < k; i++) {
    if (compareCodePoints(keys[i - 1]!, keys[i]!) >= 0) {
      keys = keys.sort(compareCodePoints);
      break;
    }
  }
  b[p++] = 0x80 | k;
  for (let i = 0; i < k; i++) {
    const key = keys[i]!;
    p = putAscii(b, p, key);
    if (p < 0) return -1;
    const x = m[key];
    if (typeof x === 'number') p = putNum(b, p, x);
    else if (typeof x === 'string') {
      p = putAscii(b, p, x);
      if (p < 0) return -1;
    } else return -1;
  }
  return p;
}

/** A fixstr of ASCII text at p; returns where it ends, or -1 for 32 characters or more or a non-ASCII one. */
function putAscii(b: Buffer, p: number, s: string): number {
  const len = s.length;
  if (len >= 0x20) return -1;
  b[p] = 0xa0 | len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    b[p + 1 + i] = c;
  }
  return p + 1 + len;
}

/**
 * putNumber's forms at p (the caller has checked room for 9 bytes); returns where it ends. Also
 * the number writer of the canonical tick line reader (record/canonical-tick.ts).
 */
export function putNum(b: Uint8Array, p: number, v: number): number {
  if (v >>> 0 === v) {
    if (v < 0x80) {
      b[p] = v;
      return p + 1;
    }
    if (v < 0x100) {
      b[p] = 0xcc;
      b[p + 1] = v;
      return p + 2;
    }
    if (v < 0x10000) {
      b[p] = 0xcd;
      b[p + 1] = v >> 8;
      b[p + 2] = v & 0xff;
      return p + 3;
    }
    b[p] = 0xce;
    b[p + 1] = v >>> 24;
    b[p + 2] = (v >> 16) & 0xff;
    b[p + 3] = (v >> 8) & 0xff;
    b[p + 4] = v & 0xff;
    return p + 5;
  }
  if (v >> 0 === v) {
    if (v >= -0x20) {
      b[p] = 0x100 + v;
      return p + 1;
    }
    if (v >= -0x80) {
      b[p] = 0xd0;
      b[p + 1] = v + 0x100;
      return p + 2;
    }
    if (v >= -0x8000) {
      b[p] = 0xd1;
      b[p + 1] = (v >> 8) & 0xff;
      b[p + 2] = v & 0xff;
      return p + 3;
    }
    b[p] = 0xd2;
    b[p + 1] = (v >> 24) & 0xff;
    b[p + 2] = (v >> 16) & 0xff;
    b[p + 3] = (v >> 8) & 0xff;
    b[p + 4] = v & 0xff;
    return p + 5;
  }
  b[p] = 0xcb;
  F64[0] = v;
  b[p + 1] = F64_BYTES[7]!;
  b[p + 2] = F64_BYTES[6]!;
  b[p + 3] = F64_BYTES[5]!;
  b[p + 4] = F64_BYTES[4]!;
  b[p + 5] = F64_BYTES[3]!;
  b[p + 6] = F64_BYTES[2]!;
  b[p + 7] = F64_BYTES[1]!;
  b[p + 8] = F64_BYTES[0]!;
  return p + 9;
}
