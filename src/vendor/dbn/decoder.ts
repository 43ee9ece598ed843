/**
 * A streaming DBN decoder: bytes in (any chunking), the metadata and then records out. Memory is
 * bounded: it holds the metadata and at most one partial record (≤ 255 words) between chunks.
 *
 * Records of an rtype tapedeck has no layout for are skipped by their length and counted; a record
 * shorter than its layout, a length of 0, or bytes left over at the end are errors naming the
 * byte offset. A bad record met after good ones in the same chunk does not lose them: `push`
 * returns the good records, and the error is thrown by the next `push` or by `end`.
 */
import { TapedeckError } from '../../errors.js';
import { HEADER_BYTES, type DbnVersion } from './layout.js';
import { decodeMetadata, decodePrelude, PRELUDE_BYTES, type DbnMetadata } from './metadata.js';
import { decodeRecord, kindOfRtype, layoutOf, type DbnRecord } from './record.js';

export class DbnDecoder {
  readonly source: string;
  metadata: DbnMetadata | null = null;
  /** Records skipped because tapedeck has no layout for their rtype, by rtype. */
  readonly skipped = new Map<number, number>();
  /** Bytes consumed so far (decompressed). */
  offsetBytes = 0;
  private pending: Uint8Array = new Uint8Array(0);
  private metadataBytes = -1;
  private version: DbnVersion = 3;
  /** A bad record found after good ones in one push: thrown by the next push or end. */
  private failure: TapedeckError | null = null;

  constructor(source = 'input') {
    this.source = source;
  }

  private bad(offsetBytes: number, reason: string): TapedeckError {
    return new TapedeckError('BAD_INPUT', `${this.source}: DBN at byte ${offsetBytes}: ${reason}`, { path: this.source, offsetBytes, reason });
  }

  /** Decodes what `chunk` completes; returns the records (the metadata is then in `metadata`). */
  push(chunk: Uint8Array): DbnRecord[] {
    if (this.failure) throw this.failure;
    let b: Uint8Array;
    if (this.pending.length === 0) b = chunk;
    else {
      b = new Uint8Array(this.pending.length + chunk.length);
      b.set(this.pending, 0);
      b.set(chunk, this.pending.length);
    }
    let pos = 0;
    if (this.metadata === null) {
      if (this.metadataBytes < 0) {
        if (b.length < PRELUDE_BYTES) {
          this.pending = new Uint8Array(b);
          return [];
        }
        const p = decodePrelude(b, this.source);
        this.version = p.version;
        this.metadataBytes = p.lengthBytes;
      }
      if (b.length < PRELUDE_BYTES + this.metadataBytes) {
        this.pending = new Uint8Array(b);
        return [];
      }
      this.metadata = decodeMetadata(this.version, b.subarray(PRELUDE_BYTES, PRELUDE_BYTES + this.metadataBytes), this.source);
      pos = PRELUDE_BYTES + this.metadataBytes;
      this.offsetBytes = pos;
    }
    const out: DbnRecord[] = [];
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const tsOut = this.metadata.tsOut;
    const version = this.version;
    // The good records before a bad one are returned; the error waits for the next call.
    const fail = (err: TapedeckError): DbnRecord[] => {
      if (out.length === 0) throw err;
      this.failure = err;
      this.pending = new Uint8Array(0);
      return out;
    };
    while (pos + HEADER_BYTES <= b.length) {
      const len = b[pos]! * 4;
      if (len < HEADER_BYTES) return fail(this.bad(this.offsetBytes, `record length ${len} is shorter than the 16-byte header`));
      if (pos + len > b.length) break;
      const rtype = b[pos + 1]!;
      const kind = kindOfRtype(rtype);
      if (kind === undefined) {
        this.skipped.set(rtype, (this.skipped.get(rtype) ?? 0) + 1);
      } else {
        const want = layoutOf(kind, version).bytes + (tsOut ? 8 : 0);
        if (len < want) return fail(this.bad(this.offsetBytes, `${kind} record (rtype 0x${rtype.toString(16)}) of ${len} bytes; DBN v${version} needs ${want}`));
        out.push(decodeRecord(b, v, pos, kind, version, tsOut));
      }
      pos += len;
      this.offsetBytes += len;
    }
    this.pending = pos < b.length ? new Uint8Array(b.subarray(pos)) : new Uint8Array(0);
    return out;
  }

  /** Call at the end of the input: an incomplete header or record left over is an error. */
  end(): void {
    if (this.failure) throw this.failure;
    if (this.metadata === null) {
      throw this.bad(this.offsetBytes + this.pending.length, this.pending.length === 0 ? 'empty input' : 'the input ends inside the metadata header');
    }
    if (this.pending.length > 0) {
      throw this.bad(this.offsetBytes, `the input ends inside a record (${this.pending.length} bytes of it present): truncated file`);
    }
  }
}
