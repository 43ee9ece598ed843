/**
 * Reading input: a file or stdin ('-'), gzip detected by its magic bytes (not the name), split into
 * lines with 1-based line numbers. Lines are split on the byte 0x0A (never inside a UTF-8
 * sequence) and handed over a chunk at a time, so reading costs no promise per line.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { IoError } from '../errors.js';

export interface Line {
  text: string;
  /** 1-based. */
  no: number;
}

export interface InputSource {
  /** The path, or '-' for stdin. */
  readonly name: string;
  /** Size of the (possibly compressed) file; undefined for stdin and pipes. */
  readonly totalBytes: number | undefined;
  /** Bytes read so far of the (possibly compressed) input. */
  readonly bytesRead: number;
  /** Known after the first read. */
  readonly gzip: boolean;
  /** The next batch of complete lines, or null at the end. */
  nextLines(): Promise<Line[] | null>;
  /** Up to `n` non-blank lines from the start, without consuming them. */
  peek(n: number): Promise<string[]>;
  /** Stops reading (e.g. on SIGINT): pending and later nextLines() return null. */
  close(): void;
}

const GZIP_MAGIC0 = 0x1f;
const GZIP_MAGIC1 = 0x8b;

class LineSplitter implements InputSource {
  readonly name: string;
  readonly totalBytes: number | undefined;
  gzip = false;
  private rawRead = 0;
  private gunzip: zlib.Gunzip | null = null;
  private rest: Buffer = Buffer.alloc(0);
  private lineNo = 0;
  private queue: Line[][] = [];
  private ended = false;
  private closed = false;
  private iter: AsyncIterator<Buffer> | null = null;
  private initing: Promise<void> | null = null;
  private readonly raw: Readable;

  constructor(name: string, raw: Readable, totalBytes: number | undefined) {
    this.name = name;
    this.raw = raw;
    this.totalBytes = totalBytes;
  }

  /** Reads the first bytes to detect gzip, then sets up the (decompressed) chunk iterator. Lazy:
   * a live source is not waited on before the recording starts. */
  private init(): Promise<void> {
    return (this.initing ??= this.doInit());
  }

  private async doInit(): Promise<void> {
    const rawIter = this.raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let headLen = 0;
    while (headLen < 2) {
      const r = await this.nextRaw(rawIter);
      if (r === null) break;
      head.push(r);
      headLen += r.length;
    }
    const first = Buffer.concat(head);
    this.gzip = first.length >= 2 && first[0] === GZIP_MAGIC0 && first[1] === GZIP_MAGIC1;
    const self = this;
    async function* rawChunks(): AsyncGenerator<Buffer> {
      if (first.length > 0) yield first;
      for (;;) {
        const r = await self.nextRaw(rawIter);
        if (r === null) return;
        yield r;
      }
    }
    if (this.gzip) {
      const gunzip = (this.gunzip = zlib.createGunzip());
      const src = Readable.from(rawChunks(), { objectMode: false });
      src.on('error', (e) => gunzip.destroy(e));
      src.pipe(gunzip);
      this.iter = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    } else {
      this.iter = rawChunks();
    }
  }

  private async nextRaw(it: AsyncIterator<Buffer>): Promise<Buffer | null> {
    if (this.closed) return null;
    let r: IteratorResult<Buffer>;
    try {
      r = await it.next();
    } catch (err) {
      // Destroyed by close() (SIGINT): a premature close is the end, not an error.
      if (this.closed) return null;
      throw new IoError(this.name === '-' ? 'stdin' : this.name, 'reading the input failed', err);
    }
    if (r.done) return null;
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    this.rawRead += b.length;
    return b;
  }

  private async readBatch(): Promise<Line[] | null> {
    if (!this.iter) await this.init();
    for (;;) {
      if (this.ended || this.closed) return null;
      let r: IteratorResult<Buffer>;
      try {
        r = await this.iter!.next();
      } catch (err) {
        if (this.closed) return null;
        if (err instanceof IoError) throw err;
        throw new IoError(this.name === '-' ? 'stdin' : this.name, this.gzip ? 'decompressing the input failed' : 'reading the input failed', err);
      }
      if (r.done) {
        this.ended = true;
        if (this.rest.length === 0) return null;
        const last = this.decode(this.rest, 0, this.rest.length);
        this.rest = Buffer.alloc(0);
        return [{ text: last, no: ++this.lineNo }];
      }
      const chunk = this.rest.length > 0 ? Buffer.concat([this.rest, r.value]) : r.value;
      const lines: Line[] = [];
      let start = 0;
      for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
        lines.push({ text: this.decode(chunk, start, nl), no: ++this.lineNo });
        start = nl + 1;
      }
      this.rest = start < chunk.length ? chunk.subarray(start) : Buffer.alloc(0);
      if (lines.length > 0) return lines;
    }
  }

  private decode(b: Buffer, start: number, end: number): string {
    if (end > start && b[end - 1] === 0x0d) end--; // CRLF
    return b.toString('utf8', start, end);
  }

  /** Compressed bytes the decompressor has consumed (reading runs ahead of it), else bytes read. */
  get bytesRead(): number {
    return this.gunzip ? this.gunzip.bytesWritten : this.rawRead;
  }

  async nextLines(): Promise<Line[] | null> {
    if (this.queue.length > 0) return this.queue.shift()!;
    return this.readBatch();
  }

  async peek(n: number): Promise<string[]> {
    const out: string[] = [];
    let qi = 0;
    for (;;) {
      while (qi < this.queue.length) {
        for (const l of this.queue[qi]!) {
          if (l.text.trim() !== '') out.push(l.text);
          if (out.length >= n) return out;
        }
        qi++;
      }
      const b = await this.readBatch();
      if (b === null) return out;
      this.queue.push(b);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.raw.destroy();
  }
}

/** Opens `name` ('-': stdin) for reading lines; a missing or unreadable file is an IoError naming it. */
export function openInput(name: string, stdin: Readable = process.stdin): InputSource {
  let raw: Readable;
  let total: number | undefined;
  if (name === '-') {
    raw = stdin;
  } else {
    let fd: number;
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
    raw = fs.createReadStream('', { fd, highWaterMark: 256 * 1024 });
  }
  return new LineSplitter(name, raw, total);
}

/** Lines of an already-open stream (e.g. bytes a caller has looked ahead into), named for errors. */
export function openInputStream(name: string, raw: Readable, totalBytes?: number): InputSource {
  return new LineSplitter(name, raw, totalBytes);
}
