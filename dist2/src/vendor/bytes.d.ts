import type { Readable } from 'node:stream';
export type Compression = 'none' | 'gzip' | 'zstd';
export interface ByteInput {
    readonly name: string;
    readonly totalBytes: number | undefined;
    /** Bytes of the (possibly compressed) input read so far. */
    readonly bytesRead: number;
    /** Known after the first chunk. */
    readonly compression: Compression;
    /** The decompressed bytes, a chunk at a time. */
    chunks(): AsyncGenerator<Uint8Array>;
    close(): void;
}
/** Opens `name` ('-': stdin) for binary reading; a missing or unreadable file is an IoError naming it. */
export declare function openBytes(name: string, stdin?: Readable): ByteInput;
