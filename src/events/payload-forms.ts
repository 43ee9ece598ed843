/**
 * The MessagePack forms the hand-written payload readers take (fast-decode.ts and json-transcode.ts
 * share these definitions): the payload's array header, and the number forms read as a JS number
 * (positive and negative fixints, uint8/16/32, int8/16/32 and float64). Anything else (64-bit ints,
 * float32, array32, ...) is left to the msgpackr path.
 */

const F64 = new Float64Array(1);
/** F64's words, little-endian: [low, high]. */
const F64W = new Int32Array(F64.buffer);

/** Where the last readNumAt stopped (the byte after the number it read). */
export let numEnd = 0;

/**
 * The big-endian float64 at s[p, p + 8) (the caller has checked the bounds): two word stores into
 * the scratch instead of eight byte stores.
 */
export function f64At(s: Uint8Array, p: number): number {
  F64W[1] = (s[p]! << 24) | (s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!;
  F64W[0] = (s[p + 4]! << 24) | (s[p + 5]! << 16) | (s[p + 6]! << 8) | s[p + 7]!;
  return F64[0]!;
}

/**
 * The number at s[p] (valid bytes end at `end`), its end in `numEnd`; NaN for any other form or
 * a truncated one (numEnd unchanged then). Float64 goes through a little-endian scratch array: the
 * callers are off on big-endian hosts.
 */
export function readNumAt(s: Uint8Array, p: number, end: number): number {
  if (p >= end) return NaN;
  const b = s[p]!;
  if (b < 0x80) {
    numEnd = p + 1;
    return b;
  }
  if (b >= 0xe0) {
    numEnd = p + 1;
    return b - 0x100;
  }
  switch (b) {
    case 0xcb:
      if (p + 9 > end) return NaN;
      numEnd = p + 9;
      return f64At(s, p + 1);
    case 0xcc:
      if (p + 2 > end) return NaN;
      numEnd = p + 2;
      return s[p + 1]!;
    case 0xcd:
      if (p + 3 > end) return NaN;
      numEnd = p + 3;
      return (s[p + 1]! << 8) | s[p + 2]!;
    case 0xce:
      if (p + 5 > end) return NaN;
      numEnd = p + 5;
      return ((s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!) >>> 0;
    case 0xd0:
      if (p + 2 > end) return NaN;
      numEnd = p + 2;
      return (s[p + 1]! << 24) >> 24;
    case 0xd1:
      if (p + 3 > end) return NaN;
      numEnd = p + 3;
      return (((s[p + 1]! << 8) | s[p + 2]!) << 16) >> 16;
    case 0xd2:
      if (p + 5 > end) return NaN;
      numEnd = p + 5;
      return (s[p + 1]! << 24) | (s[p + 2]! << 16) | (s[p + 3]! << 8) | s[p + 4]!;
    default:
      return NaN;
  }
}

/** Where the first item of the array read by payloadItems starts. */
export let itemsStart = 0;

/**
 * The item count of the payload array at buf[start, stop), its first item at `itemsStart`: a
 * fixarray, or an array16 in its smallest form only (16+ items: a full book event). -1 for anything
 * else, or a payload under 3 bytes.
 */
export function payloadItems(buf: Uint8Array, start: number, stop: number): number {
  if (stop - start < 3) return -1;
  const h = buf[start]!;
  if (h >= 0x90 && h <= 0x9f) {
    itemsStart = start + 1;
    return h - 0x90;
  }
  if (h === 0xdc && buf[start + 1] === 0) {
    const n = buf[start + 2]!;
    if (n < 16) return -1;
    itemsStart = start + 3;
    return n;
  }
  return -1;
}
