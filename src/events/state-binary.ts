/**
 * The binary state encoding (docs/FORMAT.md §20.4): how a stateful part's data file is laid out
 * when its rows are many (a book's resting orders, a ledger's positions). Pure: bytes in, values
 * out; what the fields mean is the owner's (book/book-state.ts, backtest/ledger.ts).
 *
 *   magic     4 bytes  "TDSB"
 *   format    str      the owner's format and version, e.g. "tapedeck-books/2"
 *   body      …        the owner's fields, in the primitives below
 *   crc32     u32      CRC-32 of every byte before it
 *
 * Primitives (little-endian):
 *   u8        one byte
 *   uvarint   LEB128, at most 8 bytes, ≤ 2^53 - 1
 *   f64       IEEE 754 double, 8 bytes (every double round-trips, -0 and NaN included)
 *   i64       two's complement, 8 bytes (ns timestamps)
 *   str       uvarint byte length, then UTF-8
 *   decimal   uvarint head = ((zigzag(exponent) × 2 + negative) × 2 + wide), then the magnitude of
 *             the mantissa as uvarint (wide = 0), or the mantissa as i64 (wide = 1, negative = 0):
 *             "6183763.00" is 2 bytes of head+exponent and 5 of mantissa
 *
 * Why binary: restoring 100K resting orders + 100K positions from JSON lines spent its time in
 * JSON.parse, one array per row, Decimal.parse per price and size, and the GC behind them
 * (bench/keyframes.ts); this layout is read field by field straight into the owner's objects.
 *
 * The reader trusts nothing: every read is bounds-checked, a length is checked against the bytes
 * left before anything is allocated, and a decode that ends anywhere but exactly before the CRC,
 * or a CRC that does not match, is CORRUPT_SNAPSHOT naming the file and the byte offset. So a
 * file cut at any length never decodes into a wrong state.
 */
import { TapedeckError } from '../errors.js';
import { crc32, crc32Continue } from '../log/crc.js';
import { Decimal } from './decimal.js';

export const STATE_MAGIC = Buffer.from('TDSB', 'latin1');

/** Whether a data file is in the binary encoding (the JSON-lines one starts with "{"). */
export function isBinaryState(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x54 && b[1] === 0x44 && b[2] === 0x53 && b[3] === 0x42;
}

const INITIAL_BYTES = 1 << 16;

/**
 * Writes one binary state file as chunks: take() hands over the bytes written since the last
 * take (the owner yields them one chunk per turn), finish() appends the CRC and hands over the rest.
 */
export class StateWriter {
  private buf = Buffer.allocUnsafe(INITIAL_BYTES);
  /** DataView's f64/i64 accessors are inlined by V8; Buffer's are several times slower here. */
  private view = viewOf(this.buf);
  private pos = 0;
  private crc = 0;

  constructor(format: string) {
    this.room(4);
    STATE_MAGIC.copy(this.buf, 0);
    this.pos = 4;
    this.str(format);
  }

  /** Bytes waiting to be taken. */
  get pending(): number {
    return this.pos;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = viewOf(next);
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  uvarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`uvarint ${v} is not a whole number in 0..2^53-1`);
    this.room(8);
    const b = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      b[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    b[p++] = v;
    this.pos = p;
  }

  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  i64(v: bigint): void {
    this.room(8);
    this.view.setBigInt64(this.pos, v, true);
    this.pos += 8;
  }

  str(s: string): void {
    this.room(s.length * 3 + 8);
    if (s.length < 43) {
      // At most 126 UTF-8 bytes: a one-byte length, filled in once the bytes are written.
      const n = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = n;
      this.pos += 1 + n;
      return;
    }
    this.uvarint(Buffer.byteLength(s, 'utf8'));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  decimal(d: Decimal): void {
    const e = d.exponent;
    const ze = e >= 0 ? e * 2 : -e * 2 - 1;
    const m = d.mantissa;
    if (typeof m === 'number') {
      this.uvarint(ze * 4 + (m < 0 ? 2 : 0));
      this.uvarint(m < 0 ? -m : m);
    } else {
      this.uvarint(ze * 4 + 1);
      this.i64(m);
    }
  }

  /** The bytes written since the last take (ownership passes to the caller). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.crc = crc32Continue(this.crc, out);
    this.buf = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, out.length));
    this.view = viewOf(this.buf);
    this.pos = 0;
    return out;
  }

  /** The last bytes, the CRC-32 of the whole file included. */
  finish(): Buffer {
    const last = this.take();
    const out = Buffer.allocUnsafe(last.length + 4);
    last.copy(out, 0);
    out.writeUInt32LE(this.crc >>> 0, last.length);
    return out;
  }
}

/** Reads one binary state file; every failure is CORRUPT_SNAPSHOT naming `file` and the offset. */
export class StateReader {
  private pos: number;
  private readonly view: DataView;
  /** The end of the body (the CRC follows it). */
  private readonly end: number;
  readonly format: string;

  constructor(
    private readonly b: Buffer,
    readonly file: string,
  ) {
    if (!isBinaryState(b)) throw this.fail(0, 'not a binary state file (no TDSB magic)');
    if (b.length < 9) throw this.fail(b.length, `${b.length} bytes is too short for a binary state file`);
    this.end = b.length - 4;
    this.view = viewOf(b);
    const want = b.readUInt32LE(this.end);
    const got = crc32(b.subarray(0, this.end));
    if (got !== want) throw this.fail(this.end, `CRC-32 ${hex8(got)}, the file says ${hex8(want)}`);
    this.pos = 4;
    this.format = this.str('format');
  }

  /** A CORRUPT_SNAPSHOT error at `offset` (for the owner's own checks too). */
  fail(offset: number, why: string): TapedeckError {
    return new TapedeckError('CORRUPT_SNAPSHOT', `${this.file}: byte ${offset}: ${why}`, { file: this.file, offsetBytes: offset });
  }

  /** Where the next read starts. */
  get offset(): number {
    return this.pos;
  }

  /** Throws unless the format is `format` (after the header, before the owner's fields). */
  expectFormat(format: string): void {
    if (this.format !== format) throw this.fail(4, `format ${JSON.stringify(this.format)}, expected ${format}`);
  }

  /** Throws unless every byte of the body was read. */
  done(): void {
    if (this.pos !== this.end) throw this.fail(this.pos, `${this.end - this.pos} bytes left over after the state`);
  }

  private need(n: number, what: string): number {
    const p = this.pos;
    if (p + n > this.end) throw this.fail(p, `the file ends inside ${what}`);
    this.pos = p + n;
    return p;
  }

  u8(what = 'a byte'): number {
    return this.b[this.need(1, what)]!;
  }

  bool(what = 'a flag'): boolean {
    const p = this.pos;
    const v = this.u8(what);
    if (v > 1) throw this.fail(p, `${what}: ${v} is not 0 or 1`);
    return v === 1;
  }

  uvarint(what = 'a number'): number {
    const b = this.b;
    const start = this.pos;
    let p = start;
    let v = 0;
    let mul = 1;
    for (;;) {
      if (p >= this.end) throw this.fail(start, `the file ends inside ${what}`);
      const x = b[p++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) break;
      mul *= 0x80;
      if (p - start === 8) throw this.fail(start, `${what}: a varint longer than 8 bytes`);
    }
    if (v > Number.MAX_SAFE_INTEGER) throw this.fail(start, `${what}: ${v} is above 2^53-1`);
    this.pos = p;
    return v;
  }

  /** A count of items at least `minBytes` each: checked against the bytes left before any allocation. */
  count(what: string, minBytes = 1): number {
    const start = this.pos;
    const n = this.uvarint(what);
    if (n * minBytes > this.end - this.pos) throw this.fail(start, `${what}: ${n} items cannot fit in the ${this.end - this.pos} bytes left`);
    return n;
  }

  f64(what = 'a double'): number {
    return this.view.getFloat64(this.need(8, what), true);
  }

  i64(what = 'a 64-bit integer'): bigint {
    return this.view.getBigInt64(this.need(8, what), true);
  }

  str(what = 'a string'): string {
    const n = this.uvarint(what);
    const p = this.need(n, what);
    return this.b.toString('utf8', p, p + n);
  }

  decimal(what = 'a decimal'): Decimal {
    const start = this.pos;
    const head = this.uvarint(what);
    if (head >= 1028) throw this.fail(start, `${what}: exponent out of range`);
    const ze = Math.floor(head / 4);
    const exponent = ze % 2 === 0 ? ze / 2 : -(ze + 1) / 2;
    try {
      if (head % 2 === 1) {
        if ((head & 2) !== 0) throw new RangeError('a wide mantissa carries its own sign');
        return new Decimal(this.i64(what), exponent);
      }
      const m = this.uvarint(what);
      return new Decimal((head & 2) !== 0 ? -m : m, exponent);
    } catch (e) {
      if (e instanceof TapedeckError) throw e;
      throw this.fail(start, `${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
