export declare const ZSTD_MAGIC: readonly [40, 181, 47, 253];
/** Skippable frames: magic 0x184D2A50..5F (little-endian). */
export declare function isZstd(b: Uint8Array): boolean;
/** A streaming decompressor: push compressed bytes, get the decompressed bytes they complete. */
export declare class ZstdDecompressor {
    private out;
    private readonly d;
    push(chunk: Uint8Array, final?: boolean): Uint8Array[];
}
/** Bytes per independent zstd frame written by `ZstdFrameWriter`. */
export declare const ZSTD_FRAME_BYTES: number;
/**
 * Buffers output and compresses it a frame at a time (bounded memory: one frame's input).
 * `write` returns compressed bytes ready to go out, possibly none.
 */
export declare class ZstdFrameWriter {
    private readonly z;
    private readonly level;
    private buf;
    private bytes;
    private constructor();
    static create(level?: number): Promise<ZstdFrameWriter>;
    write(chunk: Uint8Array): Uint8Array[];
    /** Compresses what is buffered into one frame (an empty frame when nothing is, so a file is never empty). */
    flush(): Uint8Array;
}
