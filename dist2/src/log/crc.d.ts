/** CRC-32 of b[start, end) without allocating a view for small ranges. */
export declare function crc32Range(b: Uint8Array, start: number, end: number): number;
export declare function crc32(data: Uint8Array): number;
/**
 * The segment chain: a running CRC-32 over the little-endian bytes of every frame's CRC, in log
 * order, carried from segment to segment. Equal to crc32(concat(frameCrcs as u32 LE)) seeded with
 * the previous value; inlined because it runs once per record.
 */
export declare function chainUpdate(chain: number, frameCrc: number): number;
