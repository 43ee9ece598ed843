/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial 0xEDB88320, init and final xor 0xFFFFFFFF).
 * Node 20's native zlib.crc32 is several times faster than a JS table on frame-sized input.
 */
import * as zlib from 'node:zlib';
import CRC32 from 'crc-32';

type Crc32Fn = (data: Uint8Array, seed?: number) => number;
const native = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

export const crc32: (data: Uint8Array) => number = native
  ? (data) => native(data)
  : (data) => CRC32.buf(data) >>> 0;

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
