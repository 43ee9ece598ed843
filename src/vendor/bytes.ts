/**
 * Binary input: a file or stdin ('-') as a stream of decompressed byte chunks. zstd and gzip are
 * detected by their magic bytes (not the name). Memory is bounded by the read chunk and what one
 * compressed chunk expands to.
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { IoError, TapedeckError } from '../errors.js';
import { isZstd, ZstdDecompressor } from './zstd.js';

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

const READ_CHUNK_BYTES = 256 * 1024;

class FileBytes implements ByteInput {
  bytesRead = 0;
  compression: Compression = 'none';
  private closed = false;
  constructor(
    readonly name: string,
    private readonly raw: Readable,
    readonly totalBytes: number | undefined,
  ) {}

  private async *rawChunks(): AsyncGenerator<Uint8Array> {
    try {
      for await (const c of this.raw) {
        if (this.closed) return;
        const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
        this.bytesRead += b.length;
        yield b;
      }
    } catch (err) {
      if (this.closed) return;
      throw new IoError(this.name === '-' ? 'stdin' : this.name, 'reading the input failed', err);
    }
  }

  async *chunks(): AsyncGenerator<Uint8Array> {
    const it = this.rawChunks();
    // The first 4 bytes tell the compression.
    let head: Uint8Array = new Uint8Array(0);
    while (head.length < 4) {
      const r = await it.next();
      if (r.done) break;
      head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
    }
    if (isZstd(head)) {
      this.compression = 'zstd';
      const z = new ZstdDecompressor();
      const unz = (b: Uint8Array, final: boolean): Uint8Array[] => {
        try {
          return z.push(b, final);
        } catch (err) {
          throw new TapedeckError('BAD_INPUT', `${this.name}: zstd data is corrupt near compressed byte ${this.bytesRead}: ${(err as Error).message}`, {
            path: this.name,
            offsetBytes: this.bytesRead,
          });
        }
      };
      let prev: Uint8Array | null = head;
      for (;;) {
        const r = await it.next();
        const last = r.done === true;
        if (prev) for (const o of unz(prev, last)) yield o;
        if (last) return;
        prev = r.value;
      }
    }
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      this.compression = 'gzip';
      const gunzip = zlib.createGunzip();
      const feed = (async () => {
        try {
          if (!gunzip.write(head)) await new Promise((r) => gunzip.once('drain', r));
          for (;;) {
            const r = await it.next();
            if (r.done) break;
            if (!gunzip.write(r.value)) await new Promise((res) => gunzip.once('drain', res));
          }
          gunzip.end();
        } catch (err) {
          gunzip.destroy(err as Error);
        }
      })();
      try {
        for await (const c of gunzip) yield c as Buffer;
      } catch (err) {
        if (err instanceof TapedeckError) throw err;
        throw new TapedeckError('BAD_INPUT', `${this.name}: gzip data is corrupt: ${(err as Error).message}`, { path: this.name });
      }
      await feed;
      return;
    }
    if (head.length > 0) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.destroy();
  }
}

/** Opens `name` ('-': stdin) for binary reading; a missing or unreadable file is an IoError naming it. */
export function openBytes(name: string, stdin: Readable = process.stdin): ByteInput {
  if (name === '-') return new FileBytes(name, stdin, undefined);
  let fd: number;
  let total: number | undefined;
  try {
    fd = fs.openSync(name, 'r');
    const st = fs.fstatSync(fd);
    if (st.isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    total = st.isFile() ? st.size : undefined;
  } catch (err) {
    throw new IoError(name, 'cannot open the input', err);
  }
  return new FileBytes(name, fs.createReadStream('', { fd, highWaterMark: READ_CHUNK_BYTES }), total);
}
