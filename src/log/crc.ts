/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial 0xEDB88320, init and final xor 0xFFFFFFFF).
 * Node 20's native zlib.crc32 is many times faster than the JS table per byte, but each call costs
 * ~0.35-0.55 µs (re-measured 2026-11-29 on a 68-byte frame: ~370 ns native with its subarray
 * against ~100 ns for crc32Range), so frames use the JS loop and only ranges from
 * NATIVE_FROM_BYTES up go native.
 */
import * as zlib from 'node:zlib';
import CRC32 from 'crc-32';

type Crc32Fn = (data: Uint8Array, seed?: number) => number;
const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

const nativeOrLib: (data: Uint8Array) => number = native ? (data) => native(data) : (data) => CRC32.buf(data) >>> 0;

/** Slicing-by-16 tables: T[k*256 + n] is the CRC of byte n followed by k zero bytes. */
const T16 = (() => {
  const t = new Int32Array(256 * 16);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * Below this many bytes the JS loop wins: a native call costs ~0.5 µs here, which dominates a
 * 60-byte frame (measured 126 ns JS vs 665 ns native at 80 bytes; native wins from ~500 bytes).
 */
const NATIVE_FROM_BYTES = 512;

/** The little-endian words of the last range's bytes: one DataView per buffer, not per call. */
let viewOf: Uint8Array | null = null;
let view: DataView = new DataView(new ArrayBuffer(0));

/**
 * CRC-32 of b[start, end) without allocating a view for small ranges. Slicing-by-16 over words
 * read through a DataView (one bounds-checked load per 4 bytes instead of four byte loads):
 * ~55-65 ns against ~85-100 ns for slicing-by-8 over byte loads on 64 bytes (2M ranges at
 * rotating offsets of a 1 MiB buffer, one process, CPU, 5 alternating rounds, load ~12). The
 * log's write buffer and a reader's chunk are each one buffer for millions of frames, so the
 * view is made once per buffer.
 */
export function crc32Range(b: Uint8Array, start: number, end: number): number {
  if (end - start >= NATIVE_FROM_BYTES) return nativeOrLib(b.subarray(start, end));
  if (b !== viewOf) {
    view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    viewOf = b;
  }
  const d = view;
  const t = T16;
  let c = -1;
  let i = start;
  for (; i + 16 <= end; i += 16) {
    c ^= d.getInt32(i, true);
    const w1 = d.getInt32(i + 4, true);
    const w2 = d.getInt32(i + 8, true);
    const w3 = d.getInt32(i + 12, true);
    c =
      t[3840 + (c & 0xff)]! ^
      t[3584 + ((c >>> 8) & 0xff)]! ^
      t[3328 + ((c >>> 16) & 0xff)]! ^
      t[3072 + (c >>> 24)]! ^
      t[2816 + (w1 & 0xff)]! ^
      t[2560 + ((w1 >>> 8) & 0xff)]! ^
      t[2304 + ((w1 >>> 16) & 0xff)]! ^
      t[2048 + (w1 >>> 24)]! ^
      t[1792 + (w2 & 0xff)]! ^
      t[1536 + ((w2 >>> 8) & 0xff)]! ^
      t[1280 + ((w2 >>> 16) & 0xff)]! ^
      t[1024 + (w2 >>> 24)]! ^
      t[768 + (w3 & 0xff)]! ^
      t[512 + ((w3 >>> 8) & 0xff)]! ^
      t[256 + ((w3 >>> 16) & 0xff)]! ^
      t[w3 >>> 24]!;
  }
  for (; i + 4 <= end; i += 4) {
    c ^= d.getInt32(i, true);
    c = t[768 + (c & 0xff)]! ^ t[512 + ((c >>> 8) & 0xff)]! ^ t[256 + ((c >>> 16) & 0xff)]! ^ t[c >>> 24]!;
  }
  for (; i < end; i++) c = t[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of b[start, end) by zlib's native code whatever the length (a call costs ~0.4 µs: for long ranges). */
export function crc32Native(b: Uint8Array, start: number, end: number): number {
  return nativeOrLib(b.subarray(start, end));
}

/** CRC-32 of the bytes before (whose CRC is `crc`) followed by `data`: crc32Continue(0, d) = crc32(d). */
export function crc32Continue(crc: number, data: Uint8Array): number {
  return native ? native(data, crc) >>> 0 : CRC32.buf(data, crc | 0) >>> 0;
}

export function crc32(data: Uint8Array): number {
  return crc32Range(data, 0, data.length);
}

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * The segment chain: a running CRC-32 over the little-endian bytes of every frame's CRC, in log
 * order, carried from segment to segment. Equal to crc32(concat(frameCrcs as u32 LE)) seeded with
 * the previous value; inlined because it runs once per record.
 */
export function chainUpdate(chain: number, frameCrc: number): number {
  let c = ~chain >>> 0;
  c = TABLE[(c ^ frameCrc) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ (frameCrc >>> 8)) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ (frameCrc >>> 16)) & 0xff]! ^ (c >>> 8);
  c = TABLE[(c ^ (frameCrc >>> 24)) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The GF(2) 32x32 matrix `mat` (one u32 per column) times the vector `vec`. */
function gf2Times(mat: Uint32Array, vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function gf2Square(square: Uint32Array, mat: Uint32Array): void {
  for (let n = 0; n < 32; n++) square[n] = gf2Times(mat, mat[n]!);
}

/**
 * The CRC-32 of A followed by B from crc1 = CRC-32 of A, crc2 = CRC-32 of B and B's length (zlib's
 * crc32_combine: the register is carried across `bytes2` zero bytes by squaring the one-zero-bit
 * operator, O(log bytes2)). A running chain continued over a span read elsewhere (line-share's
 * worker: the segment chain of its span from 0) is crc32Combine(chain, spanChain, 4 * frames).
 */
export function crc32Combine(crc1: number, crc2: number, bytes2: number): number {
  if (bytes2 <= 0) return crc1 >>> 0;
  const odd = new Uint32Array(32);
  const even = new Uint32Array(32);
  odd[0] = 0xedb88320;
  for (let n = 1, row = 1; n < 32; n++, row <<= 1) odd[n] = row;
  gf2Square(even, odd); // two zero bits
  gf2Square(odd, even); // four zero bits
  let c = crc1 >>> 0;
  let len = bytes2;
  for (;;) {
    gf2Square(even, odd);
    if (len & 1) c = gf2Times(even, c);
    len = Math.floor(len / 2);
    if (len === 0) break;
    gf2Square(odd, even);
    if (len & 1) c = gf2Times(odd, c);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (c ^ crc2) >>> 0;
}

/** Per count of bytes after the u32, the 4 × 256 table of crc32U32Delta (built on first use). */
const DELTA_TABLES: (Int32Array | undefined)[] = [];
/** Counts of bytes after the u32 up to this get a table; longer ones are shifted a byte at a time. */
const DELTA_TABLE_MAX = 4096;

/** The raw CRC register (init 0, no final xor) after the u32 `x` (LE) and then `after` zero bytes. */
function rawU32Then(x: number, after: number): number {
  let c = 0;
  for (let k = 0; k < 4; k++) c = TABLE[(c ^ (x >>> (8 * k))) & 0xff]! ^ (c >>> 8);
  for (let k = 0; k < after; k++) c = TABLE[c & 0xff]! ^ (c >>> 8);
  return c;
}

/**
 * The raw register after a message followed by its own CRC-32 (LE), from the usual init: the same
 * for every message (CRC-32's residue, 0xdebb20e3), computed here rather than quoted.
 */
const RESIDUE = (() => {
  const m = Uint8Array.of(0x54, 0x44);
  const c = crc32Range(m, 0, 2);
  let r = -1;
  for (const byte of [...m, c & 0xff, (c >>> 8) & 0xff, (c >>> 16) & 0xff, c >>> 24]) r = TABLE[(r ^ byte) & 0xff]! ^ (r >>> 8);
  return r | 0;
})();

/** Frames up to this many bytes have a step (frameStep); a larger one is checked on its own. */
export const FRAME_STEP_BYTES_MAX = 64 * 64 + 63;
/**
 * Shifts of the register over 64·h zero bytes (STEP_HI[h]) and over l < 64 more (STEP_LO[l]), as
 * 4 × 256 tables, built when first needed: any frame size up to FRAME_STEP_BYTES_MAX is two of
 * them, so the memory is bounded (128 tables of 4 KiB at most) and no mix of sizes can make a
 * reader rebuild tables. STEP_K[t] is a t-byte frame's constant (frameStep), 0 until computed
 * (it is never 0 once computed but for one chance in 2^32: recomputed then, still right).
 */
const STEP_HI: (Int32Array | undefined)[] = [];
const STEP_LO: (Int32Array | undefined)[] = [];
const STEP_K = new Int32Array(FRAME_STEP_BYTES_MAX + 1);

/**
 * The 4 × 256 table of the register's shift over n zero bytes (n ≥ 0; rawU32Then(x, n - 4) for
 * n ≥ 4). Linear in x: each byte position's 256 entries are xors of its 8 single-bit images.
 */
function shiftTable(n: number): Int32Array {
  const t = new Int32Array(1024);
  for (let j = 0; j < 4; j++) {
    for (let v = 1; v < 256; v++) {
      const low = v & -v;
      if (low !== v) {
        t[j * 256 + v] = t[j * 256 + (v ^ low)]! ^ t[j * 256 + low]!;
        continue;
      }
      let c = (low << (8 * j)) >>> 0;
      for (let k = 0; k < n; k++) c = TABLE[c & 0xff]! ^ (c >>> 8);
      t[j * 256 + v] = c;
    }
  }
  return t;
}

/** The register x shifted over n ≤ FRAME_STEP_BYTES_MAX zero bytes, by two table lookups of four. */
function shift(x: number, n: number): number {
  const lo = STEP_LO[n & 63] ?? (STEP_LO[n & 63] = shiftTable(n & 63));
  const y = lo[x & 0xff]! ^ lo[256 + ((x >>> 8) & 0xff)]! ^ lo[512 + ((x >>> 16) & 0xff)]! ^ lo[768 + (x >>> 24)]!;
  const hi = STEP_HI[n >>> 6] ?? (STEP_HI[n >>> 6] = shiftTable(n & ~63));
  return hi[y & 0xff]! ^ hi[256 + ((y >>> 8) & 0xff)]! ^ hi[512 + ((y >>> 16) & 0xff)]! ^ hi[768 + (y >>> 24)]!;
}

/**
 * The raw CRC register `reg` after a whole log frame whose u32 length is `length` (its bytes: the
 * length, `length` bytes, then their CRC-32), assuming that CRC is right; `length` + 8 must be at
 * most FRAME_STEP_BYTES_MAX. The CRC is affine: the frame's bytes take the register, its length's
 * bytes xored in, over length + 8 zero bytes' worth of shifts, plus what they contribute from
 * zero; a body followed by its own CRC contributes the same from the usual init whatever the body
 * (RESIDUE). So the CRC of a run of frames whose CRCs are all right follows from their lengths
 * alone, and one native CRC over the run checks them all (format.ts readRunInto).
 */
export function frameStep(reg: number, length: number): number {
  const t = length + 8;
  let k = STEP_K[t]!;
  // What the body and its CRC add: RESIDUE ^ (the init's shift over them).
  if (k === 0) k = STEP_K[t] = RESIDUE ^ shift(-1, length + 4);
  return shift(reg ^ length, t) ^ k;
}

/**
 * How the CRC-32 of a message changes when a u32 (little-endian) in it, followed by `after` more
 * bytes, is xored with `x`: crc32(m with that u32 ^ x) = crc32(m) ^ crc32U32Delta(x, after) for
 * any m (the CRC is linear; the init and final xor cancel). A frame sealed with seq 0 thus gets
 * its seq's CRC from four table loads instead of a pass over the frame (Log.writeFrameRun).
 */
export function crc32U32Delta(x: number, after: number): number {
  if (after > DELTA_TABLE_MAX) return rawU32Then(x, after) >>> 0;
  let t = DELTA_TABLES[after];
  if (t === undefined) {
    // x's 4 bytes then `after` zero bytes: x shifted over after + 4 zero bytes.
    t = shiftTable(after + 4);
    DELTA_TABLES[after] = t;
  }
  return (t[x & 0xff]! ^ t[256 + ((x >>> 8) & 0xff)]! ^ t[512 + ((x >>> 16) & 0xff)]! ^ t[768 + (x >>> 24)]!) >>> 0;
}
