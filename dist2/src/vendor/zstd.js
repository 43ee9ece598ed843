/**
 * Zstandard without a native build. Measured on this machine (56 MB of synthetic MBO records,
 * zstd -3, 2 cores shared): decoding, fzstd (pure JS, streaming) ~100 MB/s out in 64–256 KiB
 * pushes, @bokuweb/zstd-wasm ~156 MB/s but single-shot only (the whole frame in memory),
 * @hpcc-js/wasm-zstd 6 MB/s; encoding, @bokuweb/zstd-wasm ~96 MB/s at level 3 in 1 MiB frames,
 * @hpcc-js/wasm-zstd streaming ~29 MB/s. So: fzstd streams the input with bounded memory, and
 * the writer compresses each 1 MiB of output as its own frame with @bokuweb/zstd-wasm
 * (concatenated frames are one valid zstd stream for every decoder, Databento's and `zstd -d`).
 */
import { createRequire } from 'node:module';
import * as fzstd from 'fzstd';
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
/** Skippable frames: magic 0x184D2A50..5F (little-endian). */
export function isZstd(b) {
    if (b.length < 4)
        return false;
    if (b[0] === ZSTD_MAGIC[0] && b[1] === ZSTD_MAGIC[1] && b[2] === ZSTD_MAGIC[2] && b[3] === ZSTD_MAGIC[3])
        return true;
    return (b[0] & 0xf0) === 0x50 && b[1] === 0x2a && b[2] === 0x4d && b[3] === 0x18;
}
/** A streaming decompressor: push compressed bytes, get the decompressed bytes they complete. */
export class ZstdDecompressor {
    out = [];
    d = new fzstd.Decompress((chunk) => {
        this.out.push(chunk);
    });
    push(chunk, final = false) {
        this.d.push(chunk, final);
        const o = this.out;
        this.out = [];
        return o;
    }
}
let wasm = null;
/** Loads the wasm encoder once (lazily: only `export --zstd` pays for it). */
function loadEncoder() {
    return (wasm ??= (async () => {
        const req = createRequire(import.meta.url);
        const m = req('@bokuweb/zstd-wasm');
        await m.init();
        return m;
    })());
}
/** Bytes per independent zstd frame written by `ZstdFrameWriter`. */
export const ZSTD_FRAME_BYTES = 1 << 20;
/**
 * Buffers output and compresses it a frame at a time (bounded memory: one frame's input).
 * `write` returns compressed bytes ready to go out, possibly none.
 */
export class ZstdFrameWriter {
    z;
    level;
    buf = [];
    bytes = 0;
    constructor(z, level) {
        this.z = z;
        this.level = level;
    }
    static async create(level = 3) {
        return new ZstdFrameWriter(await loadEncoder(), level);
    }
    write(chunk) {
        this.buf.push(chunk);
        this.bytes += chunk.length;
        return this.bytes >= ZSTD_FRAME_BYTES ? [this.flush()] : [];
    }
    /** Compresses what is buffered into one frame (an empty frame when nothing is, so a file is never empty). */
    flush() {
        const input = this.buf.length === 1 ? this.buf[0] : Buffer.concat(this.buf);
        this.buf = [];
        this.bytes = 0;
        return Buffer.from(this.z.compress(input, this.level));
    }
}
//# sourceMappingURL=zstd.js.map