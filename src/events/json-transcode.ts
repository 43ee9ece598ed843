/**
 * A payload's canonical JSON line written straight from its MessagePack bytes: no event object,
 * no string per field. For export and `replay --max` to a file, where each event is read only to
 * be written out again.
 *
 * It is an accelerator of `JsonLineWriter.event(decodePayloadAt(...))`, not a second definition
 * of either format: `transcodeLine` writes exactly the line that path writes (same key order, the
 * writer's own number and ts text), or writes nothing and returns false, and then the caller takes
 * that path, which decides (decodes it or throws the PayloadError). It takes only the plain forms
 * of a subset of what the hand-written decoder (fast-decode.ts) accepts:
 * - strings (any str form) of printable ASCII without `"` or `\`, copied as they are;
 * - numbers in the decoder's forms (fixints, (u)int8/16/32, float64), written by the writer;
 * - decimals [mantissa, exponent] with a mantissa 0..2^32-1 (fixint or uint8/16/32) and a fixint
 *   exponent (what venue prices and sizes encode to);
 * - int64 ts fields (0xd3, ≥ 0); ts written as digits (no ISO: `iso` lines take the object path).
 * Anything else (a map, a string to escape or non-ASCII, other decimal forms, a malformed or
 * non-canonical payload) returns false. test/events-json-transcode.test.ts checks that the line
 * equals the object path's for arbitrary events of every type, and that mutated bytes either give
 * that line or false.
 *
 * Measured: see bench/README.md "Where the goals stand" (export -o and replay --max -o).
 */
import { itemsStart, numEnd, payloadItems, readNumAt } from './payload-forms.js';
import { jsonLayout, NUMBER_TEXT_MAX, putJsonInteger, putJsonNumber, type JsonLineWriter } from './json-line-writer.js';
import { INT64_MAX, SPECS } from './schema.js';
import { TAG_TYPE } from './types.js';

const QUOTE = 0x22;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// How a field's value is read and checked (the schema's kinds; PX_*: a price or size that may be a Decimal).
const ID = 0;
const TEXT = 1;
const ENUM = 2;
const NUM = 3;
const NONNEG = 4;
const POS = 5;
const PX_NUM = 6;
const PX_NONNEG = 7;
const PX_POS = 8;
const UINT = 9;
const NS = 10;
const MAP = 11;

/**
 * Constant bytes of a line (a type's head, a field's prefix): copied 4 at a time through a
 * DataView (unaligned little-endian stores, one machine store each in optimised code), then the
 * tail byte by byte. Measured: copying a line's ~100 constant bytes one at a time was ~40% of the
 * transcoder's CPU; 4 at a time ~3.5x faster (a 29-byte fragment: 39 → 11 ns in a loop).
 */
interface Frag {
  readonly bytes: Uint8Array;
  /** bytes[0, 4 * words.length) as little-endian int32 words. */
  readonly words: Int32Array;
}
function frag(bytes: Uint8Array): Frag {
  const words = new Int32Array(bytes.length >> 2);
  for (let k = 0; k < words.length; k++) words[k] = bytes[4 * k]! | (bytes[4 * k + 1]! << 8) | (bytes[4 * k + 2]! << 16) | (bytes[4 * k + 3]! << 24);
  return { bytes, words };
}

interface Field {
  readonly prefix: Frag;
  readonly kind: number;
  readonly optional: boolean;
  /** ENUM: the allowed values as bytes. */
  readonly values: readonly Uint8Array[];
}
interface LineType {
  readonly head: Frag;
  readonly minLen: number;
  readonly maxLen: number;
  readonly fields: readonly Field[];
  /** Bytes a line of this type takes at most, less its payload's length (see lineBytesMax). */
  readonly roomBytes: number;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const RUN_ID = ascii('","runId":');
const SEQ = ascii(',"seq":');
const CAUSE = ascii(',"cause":');
const CAUSE_FRAG = frag(CAUSE);
/** A ts's digits (at most 19, and the writer's int64 asks room for 20). */
const TS_TEXT_MAX = 20;
/**
 * A value's text at most, less the payload bytes it came from: a number NUMBER_TEXT_MAX, a decimal
 * in quotes ("0." then up to 31 zeros and 10 digits, or 10 digits, "e" and 3), a ts in quotes; a
 * string's text is its bytes and two quotes.
 */
const VALUE_TEXT_MAX = 48;

function kindOf(kind: string, dec: boolean): number {
  switch (kind) {
    case 'id':
      return ID;
    case 'text':
      return TEXT;
    case 'enum':
      return ENUM;
    case 'num':
      return dec ? PX_NUM : NUM;
    case 'nonneg':
      return dec ? PX_NONNEG : NONNEG;
    case 'pos':
      return dec ? PX_POS : POS;
    case 'uint':
      return UINT;
    case 'ns':
      return NS;
    default:
      return MAP;
  }
}

/** Indexed by tag; undefined for unknown tags (and everywhere on a big-endian host: off there). */
const BY_TAG: (LineType | undefined)[] = new Array<LineType | undefined>(256).fill(undefined);
for (const [tag, type] of TAG_TYPE) {
  const layout = jsonLayout(type);
  if (!LITTLE_ENDIAN || !layout) continue;
  const spec = SPECS[type];
  const fields = spec.fields.map((f, i) => ({
    prefix: frag(layout.prefixes[i]!),
    kind: kindOf(f.kind, f.dec === true),
    optional: f.optional,
    values: f.values ? [...f.values].map(ascii) : [],
  }));
  BY_TAG[tag] = {
    head: frag(layout.head),
    minLen: spec.minLen,
    maxLen: spec.maxLen,
    fields,
    // head, ts, `","runId":` and the id's quotes, seq, cause, every field's prefix and value, "}\n"
    roomBytes: layout.head.length + TS_TEXT_MAX + RUN_ID.length + 2 + SEQ.length + NUMBER_TEXT_MAX + CAUSE.length + NUMBER_TEXT_MAX + fields.reduce((n, f) => n + f.prefix.bytes.length + VALUE_TEXT_MAX, 0) + 2,
  };
}

// -- reader and line state (one payload at a time) ------------------------------------------------
// The line is written at out[o..] in place: transcodeLine makes room for the longest line its
// payload can give once (LineType.roomBytes), so no write below checks room or goes through the
// writer's length (measured: the per-value room checks and length loads and stores were ~1/3 of
// the transcoder's CPU).
const EMPTY = new Uint8Array(0);
let src: Uint8Array = EMPTY;
let pos = 0;
let end = 0;
let out: Uint8Array = EMPTY;
let o = 0;
/** A DataView of `out` (made again only when the writer's buffer is another one). */
let outView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
let outViewOf: Uint8Array = EMPTY;

/** The last run id's payload bytes and its `","runId":"<id>","seq":` (ids are printable ASCII without escapes). */
let runIdRaw: Uint8Array = EMPTY;
let runIdText: Frag = frag(EMPTY);

/** readNumAt (msgpack-num.ts) at pos, moving pos past it; NaN (pos unchanged) for anything else. */
function readNum(): number {
  const x = readNumAt(src, pos, end);
  if (x === x) pos = numEnd;
  return x;
}

/** The length of a str at pos, moving pos to its bytes; -1 if it is not a whole str. */
function strLength(): number {
  const s = src;
  const p = pos;
  if (p >= end) return -1;
  const b = s[p]!;
  let len: number;
  let start: number;
  if (b >= 0xa0 && b <= 0xbf) {
    len = b - 0xa0;
    start = p + 1;
  } else if (b === 0xd9) {
    if (p + 2 > end) return -1;
    len = s[p + 1]!;
    start = p + 2;
  } else if (b === 0xda) {
    if (p + 3 > end) return -1;
    len = (s[p + 1]! << 8) | s[p + 2]!;
    start = p + 3;
  } else if (b === 0xdb) {
    if (p + 5 > end) return -1;
    len = ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
    start = p + 5;
  } else return -1;
  if (start + len > end) return -1;
  pos = start;
  return len;
}

/** Constant bytes as they are, at o. */
function put(f: Frag): void {
  const words = f.words;
  const view = outView;
  let q = o;
  for (let k = 0; k < words.length; k++) {
    view.setInt32(q, words[k]!, true);
    q += 4;
  }
  const b = f.bytes;
  const buf = out;
  for (let i = words.length << 2; i < b.length; i++) buf[q++] = b[i]!;
  o = q;
}

/**
 * Copies the str at pos between quotes when every byte is printable ASCII other than `"` and `\`
 * (JSON.stringify's text of that string); false otherwise. `nonEmpty`: an id.
 */
function copyStr(nonEmpty: boolean): boolean {
  const len = strLength();
  if (len < 0 || (nonEmpty && len === 0)) return false;
  const s = src;
  const buf = out;
  let q = o;
  buf[q++] = QUOTE;
  const stop = pos + len;
  for (let i = pos; i < stop; i++) {
    const c = s[i]!;
    if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
    buf[q++] = c;
  }
  buf[q++] = QUOTE;
  o = q;
  pos = stop;
  return true;
}

/**
 * The run id at pos with what surrounds it: `","runId":"<id>","seq":`, copied whole when the id's
 * bytes are the last id's (a recording has one or a few), else checked as copyStr checks an id
 * and remembered. False when it is not an id copyStr takes.
 */
function copyRunId(): boolean {
  const len = strLength();
  if (len <= 0) return false;
  const s = src;
  const p = pos;
  const raw = runIdRaw;
  let same = raw.length === len;
  for (let i = 0; same && i < len; i++) same = raw[i] === s[p + i];
  if (!same) {
    for (let i = p; i < p + len; i++) {
      const c = s[i]!;
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c) return false;
    }
    runIdRaw = s.slice(p, p + len);
    const text = new Uint8Array(RUN_ID.length + 1 + len + 1 + SEQ.length);
    text.set(RUN_ID, 0);
    text[RUN_ID.length] = QUOTE;
    text.set(runIdRaw, RUN_ID.length + 1);
    text[RUN_ID.length + 1 + len] = QUOTE;
    text.set(SEQ, RUN_ID.length + len + 2);
    runIdText = frag(text);
  }
  put(runIdText);
  pos = p + len;
  return true;
}

/** An enum value at pos: its quoted text when it is one of `values`. */
function copyEnum(values: readonly Uint8Array[]): boolean {
  const at = pos;
  const len = strLength();
  if (len < 0) return false;
  const s = src;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (v.length !== len) continue;
    let i = 0;
    while (i < len && v[i] === s[pos + i]) i++;
    if (i === len) {
      pos = at;
      return copyStr(false);
    }
  }
  return false;
}

/** Digits of 0 <= m < 2^32. */
function digitCount(m: number): number {
  let d = 1;
  for (let p = 10; d < 10 && m >= p; p *= 10) d++;
  return d;
}

const ZERO = 0x30;

/**
 * A Decimal [m, e] at pos in the inline forms of fast-decode.ts readPx (0 <= m < 2^32 as a fixint
 * or uint8/16/32, e a fixint), written as its canonical text in quotes (decimal.ts decimalText).
 * `min` 1: m must be > 0. False for any other form.
 */
function copyDecimal(min: number): boolean {
  const s = src;
  const p = pos + 1; // past the fixarray(2) header
  if (p >= end) return false;
  const b = s[p]!;
  let m: number;
  let q: number;
  if (b < 0x80) {
    m = b;
    q = p + 1;
  } else if (b === 0xcd) {
    if (p + 3 > end) return false;
    m = (s[p + 1]! << 8) | s[p + 2]!;
    q = p + 3;
  } else if (b === 0xce) {
    if (p + 5 > end) return false;
    m = ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
    q = p + 5;
  } else if (b === 0xcc) {
    if (p + 2 > end) return false;
    m = s[p + 1]!;
    q = p + 2;
  } else return false;
  if (q >= end) return false;
  const eb = s[q]!;
  if (!(eb >= 0xe0 || eb < 0x80)) return false;
  if (min === 1 && m === 0) return false;
  const e = eb >= 0xe0 ? eb - 0x100 : eb;
  pos = q + 1;
  const buf = out;
  let w = o;
  buf[w++] = QUOTE;
  if (e >= 0) {
    w = putJsonInteger(buf, w, m);
    if (e > 0) {
      buf[w++] = 0x65; // e
      w = putJsonInteger(buf, w, e);
    }
  } else {
    const places = -e;
    const digits = digitCount(m);
    if (digits <= places) {
      // 0.000ddd
      buf[w++] = ZERO;
      buf[w++] = 0x2e;
      for (let i = digits; i < places; i++) buf[w++] = ZERO;
      w = putJsonInteger(buf, w, m);
    } else {
      // places ≤ 9 here (m has at most 10 digits): exact in doubles.
      const scale = 10 ** places;
      const whole = Math.floor(m / scale);
      let frac = m - whole * scale;
      w = putJsonInteger(buf, w, whole);
      buf[w] = 0x2e;
      for (let i = places; i > 0; i--) {
        const next = Math.floor(frac / 10);
        buf[w + i] = ZERO + (frac - next * 10);
        frac = next;
      }
      w += places + 1;
    }
  }
  buf[w++] = QUOTE;
  o = w;
  return true;
}

/** An int64 ts field (0xd3, ≥ 0) at pos, as its digits in quotes (the writer's int64: its ts cache). */
function copyNs(w: JsonLineWriter): boolean {
  const s = src;
  const p = pos;
  if (p + 9 > end || s[p] !== 0xd3 || s[p + 1]! >= 0x80) return false;
  const hi = ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
  const lo = ((s[p + 5]! << 24) | (s[p + 6]! << 16) | (s[p + 7]! << 8) | s[p + 8]!) >>> 0;
  pos = p + 9;
  out[o++] = QUOTE;
  w.length = o;
  w.int64(hi, lo);
  o = w.length;
  out[o++] = QUOTE;
  return true;
}

/** One field's value at pos (not nil), written after its prefix; false when it is outside the subset. */
function copyValue(w: JsonLineWriter, f: Field): boolean {
  let x: number;
  switch (f.kind) {
    case ID:
      return copyStr(true);
    case TEXT:
      return copyStr(false);
    case ENUM:
      return copyEnum(f.values);
    case PX_NUM:
    case PX_NONNEG:
    case PX_POS:
      if (src[pos] === 0x92) return copyDecimal(f.kind === PX_POS ? 1 : 0);
      x = readNum();
      break;
    case NUM:
    case NONNEG:
    case POS:
      x = readNum();
      break;
    case UINT:
      x = readNum();
      if (!(x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x)) return false;
      o = putJsonInteger(out, o, x);
      return true;
    case NS:
      return copyNs(w);
    default:
      return false; // maps: the object path
  }
  if (!(x < Infinity && x > -Infinity)) return false;
  const k = f.kind;
  if ((k === NONNEG || k === PX_NONNEG) && !(x >= 0)) return false;
  if ((k === POS || k === PX_POS) && !(x > 0)) return false;
  o = putJsonNumber(out, o, x);
  return true;
}

/**
 * Appends the canonical JSON line of the event stored as payload buf[start, stop) under `tag`,
 * `seq` and `ts` (with '\n' when `newline`), as `w.event(decodePayloadAt(...), false, newline)`
 * writes it. False, with nothing written, when the payload is outside this subset: then that path
 * must decide.
 */
export function transcodeLine(w: JsonLineWriter, tag: number, buf: Uint8Array, start: number, stop: number, seq: number, ts: bigint, newline: boolean): boolean {
  const t = BY_TAG[tag & 0xff];
  if (t === undefined || tag !== (tag & 0xff)) return false;
  if (ts < 0n || ts > INT64_MAX) return false;
  const n = payloadItems(buf, start, stop);
  if (n < 0) return false;
  const first = itemsStart;
  if (n < t.minLen || n > t.maxLen) return false;
  // Only ASCII is written here, so the writer's asciiOnly stays as it is.
  w.room(t.roomBytes + (stop - start));
  const mark = w.length;
  src = buf;
  pos = first;
  end = stop;
  out = w.buf;
  o = mark;
  if (outViewOf !== out) {
    outViewOf = out;
    outView = new DataView(out.buffer, out.byteOffset, out.byteLength);
  }
  try {
    put(t.head);
    w.length = o;
    w.ns(ts, false); // within the room made above: w.buf stays `out`
    o = w.length;
    if (!copyRunId()) return fail(w, mark);
    o = putJsonNumber(out, o, seq);
    if (pos < end && src[pos] === 0xc0) pos++;
    else {
      const cause = readNum();
      if (!Number.isSafeInteger(cause) || cause < 0) return fail(w, mark);
      put(CAUSE_FRAG);
      o = putJsonInteger(out, o, cause);
    }
    const fields = t.fields;
    for (let i = 2; i < n; i++) {
      const f = fields[i - 2]!;
      if (pos < end && src[pos] === 0xc0) {
        // nil: an absent optional field; never in a required slot, never the last (trimmed)
        if (!f.optional || i === n - 1) return fail(w, mark);
        pos++;
        continue;
      }
      put(f.prefix);
      if (!copyValue(w, f)) return fail(w, mark);
    }
    if (pos !== end) return fail(w, mark);
    out[o++] = 0x7d; // }
    if (newline) out[o++] = 0x0a;
    w.length = o;
    return true;
  } finally {
    src = EMPTY; // don't keep the caller's buffer alive (outView: the writer's own, kept for the next line)
    out = EMPTY;
  }
}

function fail(w: JsonLineWriter, mark: number): false {
  w.length = mark;
  return false;
}
