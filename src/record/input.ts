/**
 * Reading input: a file or stdin ('-'), gzip detected by its magic bytes (not the name), split into
 * lines with 1-based line numbers. Lines are split on the byte 0x0A (never inside a UTF-8
 * sequence) and handed over a chunk at a time, so reading costs no promise per line.
 *
 * Splitting is linear in the input, whatever the line lengths. A line is never decoded loosely:
 * one that is not valid UTF-8, or longer than maxLineBytes (default 1 MiB), comes back as a
 * problem line carrying its exact bytes, which the sources store as a reject (or, --strict, stop
 * on: exit 65). A UTF-8 byte order mark at the start of the input is dropped; CRLF ends a line.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { isAscii, isUtf8 } from 'node:buffer';
import { IoError, TapedeckError } from '../errors.js';

/** The default cap on one input line (--max-line-bytes): far above any real event, far below memory. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface Line {
  /** The line as text (UTF-8, without its line end and, on line 1, without a BOM); '' when `problem` is set. */
  text: string;
  /** 1-based. */
  no: number;
  /** Set when the line cannot be read as text: it is then bad input, kept as a reject. */
  problem?: LineProblem;
}

/** A line of nothing but white space (not a problem line): the line sources skip it. */
export function isBlankLine(l: Line): boolean {
  return l.problem === undefined && (l.text.length === 0 || l.text.trim() === '');
}

/**
 * Where InputSource.nextInto hands lines, in order. A line whose bytes are all ASCII (and within
 * maxLineBytes) comes as asciiLine: src[start, stop) is its text as bytes (line end and CR
 * excluded; the caller may read but not keep src past the call), and `{ text: latin1 of those
 * bytes, no }` is the Line nextLines would have made of it (asciiText). Every other line comes
 * as a Line.
 */
export interface LineSink {
  asciiLine(src: Buffer, start: number, stop: number, no: number): void;
  line(l: Line): void;
}

/** The text of an asciiLine (ASCII is valid UTF-8 with one byte per character, so latin1 is exact). */
export function asciiText(src: Buffer, start: number, stop: number): string {
  return (src as Latin1Sliceable).latin1Slice(start, stop);
}

/** The lines a sink is handed, as nextLines makes them. */
class LineCollector implements LineSink {
  lines: Line[] = [];
  asciiLine(src: Buffer, start: number, stop: number, no: number): void {
    this.lines.push({ text: asciiText(src, start, stop), no });
  }
  line(l: Line): void {
    this.lines.push(l);
  }
}

export interface LineProblem {
  kind: 'invalid-utf8' | 'too-long';
  /** What is wrong, for the reject's reason (names the byte offset of invalid UTF-8). */
  message: string;
  /** The line's exact bytes (the first maxLineBytes of them when it is too long). */
  raw: Buffer;
  /** The line's whole length in bytes. */
  bytes: number;
}

export interface InputOptions {
  /** Lines longer than this many bytes become a `too-long` problem line (default 1 MiB). */
  maxLineBytes?: number;
  /**
   * Only bytes [startBytes, endBytes) of a regular file, whose lines are numbered after
   * `linesBefore` (the parallel JSONL import's pieces, split at line starts: see jsonl-split.ts).
   * A piece that does not start the file is plain text: no gzip detection, no BOM.
   */
  range?: ByteRange;
}

/** A piece of a file: bytes [startBytes, endBytes), after `linesBefore` lines. */
export interface ByteRange {
  startBytes: number;
  endBytes: number;
  linesBefore: number;
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
  /**
   * The next batch of complete lines handed to `sink` in order (the same lines nextLines makes,
   * a line of ASCII as its bytes, with no string made for it); false at the end.
   */
  nextInto(sink: LineSink): Promise<boolean>;
  /** Up to `n` non-blank lines from the start, without consuming them. */
  peek(n: number): Promise<string[]>;
  /** Stops reading (e.g. on SIGINT): pending and later nextLines() return null. */
  close(): void;
}

const GZIP_MAGIC0 = 0x1f;
const GZIP_MAGIC1 = 0x8b;
const NL = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** The most bytes of ASCII lines checked at once: a non-ASCII byte sends the rest of its run and chunk line by line. */
const ASCII_RUN_BYTES = 64 * 1024;

/** Buffer's own latin1 decoder (what toString('latin1', …) calls, without the argument parsing). */
type Latin1Sliceable = Buffer & { latin1Slice(start: number, end: number): string };

/** Where the first invalid UTF-8 sequence starts (a byte offset), for the reject's reason. Only
 * called on a line isUtf8 refused. RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n + 1;
  }
  return b.length;
}

class LineSplitter implements InputSource {
  readonly name: string;
  readonly totalBytes: number | undefined;
  gzip = false;
  private rawRead = 0;
  private gunzip: zlib.Gunzip | null = null;
  /** The pieces of the line in progress (only the first maxLineBytes of a long one are kept). */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** The line in progress's whole length, kept or not. */
  private lineBytes = 0;
  private lineNo = 0;
  private queue: Line[][] = [];
  private ended = false;
  private closed = false;
  private iter: AsyncIterator<Buffer> | null = null;
  private initing: Promise<void> | null = null;
  private readonly raw: Readable;
  private readonly maxLineBytes: number;
  /** The first byte read is the file's first: gzip and a BOM are looked for. */
  private readonly atFileStart: boolean;

  constructor(name: string, raw: Readable, totalBytes: number | undefined, opts: InputOptions = {}) {
    this.name = name;
    this.raw = raw;
    this.totalBytes = totalBytes;
    this.atFileStart = (opts.range?.startBytes ?? 0) === 0;
    this.lineNo = opts.range?.linesBefore ?? 0;
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) throw new TapedeckError('BAD_ARGUMENT', `maxLineBytes must be a whole number ≥ 1, got ${max}`, { maxLineBytes: max });
    this.maxLineBytes = max;
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
    this.gzip = this.atFileStart && first.length >= 2 && first[0] === GZIP_MAGIC0 && first[1] === GZIP_MAGIC1;
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

  /**
   * Splits on 0x0A in linear time: each byte is scanned once, a line that spans chunks is kept as
   * a list of pieces and joined once, and a line past maxLineBytes keeps only its first
   * maxLineBytes (the rest is counted, not held), so one huge line costs neither time nor memory.
   */
  private async readInto(sink: LineSink): Promise<boolean> {
    if (!this.iter) await this.init();
    for (;;) {
      if (this.ended || this.closed) return false;
      let r: IteratorResult<Buffer>;
      try {
        r = await this.iter!.next();
      } catch (err) {
        if (this.closed) return false;
        if (err instanceof IoError) throw err;
        throw new IoError(this.name === '-' ? 'stdin' : this.name, this.gzip ? this.gzipFailure(err) : 'reading the input failed', err);
      }
      if (r.done) {
        this.ended = true;
        if (this.lineBytes === 0) return false;
        sink.line(this.finishLine(Buffer.alloc(0)));
        return true;
      }
      const chunk = r.value;
      const noBefore = this.lineNo;
      let start = 0;
      // The line in progress (or line 1, which may start with a BOM) ends the usual way.
      let nl = chunk.indexOf(NL);
      if (nl >= 0 && (this.lineBytes > 0 || this.lineNo === 0)) {
        sink.line(this.finishLine(chunk.subarray(0, nl)));
        start = nl + 1;
      }
      // Runs of whole lines checked for ASCII at once; the rest (a run with a non-ASCII byte, a
      // line longer than a run) line by line.
      const last = chunk.lastIndexOf(NL);
      while (last >= start) {
        const to = last - start <= ASCII_RUN_BYTES ? last : chunk.lastIndexOf(NL, start + ASCII_RUN_BYTES);
        if (to < start || !isAscii(chunk.subarray(start, to))) break;
        this.asciiLines(chunk, start, to, sink);
        start = to + 1;
      }
      for (nl = chunk.indexOf(NL, start); nl >= 0; nl = chunk.indexOf(NL, start)) {
        sink.line(this.finishLine(chunk.subarray(start, nl)));
        start = nl + 1;
      }
      if (start < chunk.length) this.keep(chunk.subarray(start));
      if (this.lineNo > noBefore) return true;
    }
  }

  /**
   * What a failed gunzip means, and where: the compressed data ending before the gzip trailer (a
   * cut file, or a capture still being written) or damaged, at a compressed byte offset, after the
   * whole lines already handed over (a line in progress is not among them).
   */
  private gzipFailure(err: unknown): string {
    const n = this.lineNo;
    const at = `at compressed byte ${this.gunzip?.bytesWritten ?? this.rawRead}, ${n === 0 ? 'before any whole line' : `after line ${n} (every whole line up to it was read)`}`;
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'Z_BUF_ERROR') return `the gzip data ends early (a cut file, or one still being written) ${at}`;
    return `the gzip data is damaged ${at}`;
  }

  private async readBatch(): Promise<Line[] | null> {
    const c = new LineCollector();
    return (await this.readInto(c)) ? c.lines : null;
  }

  /**
   * The whole lines of chunk[start, last] (last is a newline) when those bytes are all ASCII: one
   * isAscii check for the run, then per line the newline's position and a latin1 decode (a flat
   * string), instead of a view, a UTF-8 check and a UTF-8 decode. ASCII is valid UTF-8 with one
   * byte per character, so each line is what finishLine makes of its bytes (CR stripped, no BOM
   * possible); a line over maxLineBytes goes through finishLine for its problem. The sink gets
   * the line's bytes and makes a string only if it needs one (the canonical tick reader reads
   * bytes); test/record-input.test.ts checks the lines against a reference split for random
   * inputs in random chunks.
   */
  private asciiLines(chunk: Buffer, start: number, last: number, sink: LineSink): void {
    const max = this.maxLineBytes;
    for (let a = start; ; ) {
      const e = chunk.indexOf(NL, a);
      const stop = e > a && chunk[e - 1] === CR ? e - 1 : e;
      if (stop - a > max) sink.line(this.finishLine(chunk.subarray(a, e)));
      else sink.asciiLine(chunk, a, stop, ++this.lineNo);
      if (e >= last) return;
      a = e + 1;
    }
  }

  /** Adds a piece of the line in progress, holding at most maxLineBytes + 1 of it. */
  private keep(piece: Buffer): void {
    this.lineBytes += piece.length;
    const room = this.maxLineBytes + 1 - this.partsBytes;
    if (room <= 0) return;
    const kept = piece.length > room ? piece.subarray(0, room) : piece;
    this.parts.push(kept);
    this.partsBytes += kept.length;
  }

  /** The line in progress plus its last piece, as a Line. */
  private finishLine(last: Buffer): Line {
    this.keep(last);
    const total = this.lineBytes;
    let b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    this.parts = [];
    this.partsBytes = 0;
    this.lineBytes = 0;
    const no = ++this.lineNo;
    let bytes = total;
    if (bytes > 0 && b.length === bytes && b[b.length - 1] === CR) {
      b = b.subarray(0, b.length - 1); // CRLF
      bytes--;
    }
    if (no === 1 && this.atFileStart && b.length >= 3 && b[0] === BOM[0] && b[1] === BOM[1] && b[2] === BOM[2]) {
      b = b.subarray(3); // a UTF-8 BOM starts the input: not part of the first line
      bytes -= 3;
    }
    if (bytes > this.maxLineBytes) {
      const raw = Buffer.from(b.subarray(0, this.maxLineBytes));
      return {
        text: '',
        no,
        problem: { kind: 'too-long', raw, bytes, message: `is ${bytes} bytes long, over the limit of ${this.maxLineBytes} (--max-line-bytes)` },
      };
    }
    if (!isUtf8(b)) {
      const at = firstInvalidUtf8(b);
      return { text: '', no, problem: { kind: 'invalid-utf8', raw: Buffer.from(b), bytes, message: `is not valid UTF-8 (byte ${at} of the line)` } };
    }
    return { text: b.toString('utf8'), no };
  }

  /** Compressed bytes the decompressor has consumed (reading runs ahead of it), else bytes read. */
  get bytesRead(): number {
    return this.gunzip ? this.gunzip.bytesWritten : this.rawRead;
  }

  async nextLines(): Promise<Line[] | null> {
    if (this.queue.length > 0) return this.queue.shift()!;
    return this.readBatch();
  }

  async nextInto(sink: LineSink): Promise<boolean> {
    const queued = this.queue.shift();
    if (queued === undefined) return this.readInto(sink);
    for (const l of queued) sink.line(l);
    return true;
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
export function openInput(name: string, stdin: Readable = process.stdin, opts: InputOptions = {}): InputSource {
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
    const r = opts.range;
    if (r !== undefined && total === undefined) {
      fs.closeSync(fd);
      throw new TapedeckError('BAD_ARGUMENT', `${name}: a byte range is read only from a regular file`, { path: name });
    }
    raw = fs.createReadStream('', { fd, highWaterMark: 256 * 1024, ...(r !== undefined ? { start: r.startBytes, end: r.endBytes - 1 } : {}) });
  }
  return new LineSplitter(name, raw, total, opts);
}

/** Lines of an already-open stream (e.g. bytes a caller has looked ahead into), named for errors. */
export function openInputStream(name: string, raw: Readable, totalBytes?: number): InputSource {
  return new LineSplitter(name, raw, totalBytes);
}
