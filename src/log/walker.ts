/**
 * Walks the frames of one segment file in bounded chunks. Each refill allocates a fresh chunk, so
 * payload views handed out earlier stay valid; memory is bounded by the chunk size plus what the
 * caller keeps. With `reuse` set (the caller holds no view into the chunk), a refill reads into
 * the same chunk again: a long scan then touches one buffer instead of leaving a trail of dead
 * ones for the garbage collector (a 4 GiB digest scan peaked ~40 MiB higher that way).
 */
import type { CrcAheadJob } from './crc-ahead.js';
import type { FileOps } from './file-ops.js';
import { readFully } from './file-ops.js';
import { FRAME_MAX_PAYLOAD_BYTES, FRAME_MIN_LENGTH, FrameRun, FrameView, readFrame, readFrameInto, readRunInto, readSeq } from './format.js';

export const DEFAULT_CHUNK_BYTES = 1 << 20;
const FIRST_READ_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

export class SegmentWalker {
  buf: Buffer = EMPTY;
  private bufStart: number;
  private bufLen = 0;
  private pos = 0;
  private reads = 0;

  constructor(
    private readonly ops: FileOps,
    private readonly fd: number,
    startOffset: number,
    /** Where frame data ends (a sealed segment's dataEnd); null: the file's current size. */
    private limit: number | null,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
    /**
     * A chunk the caller is done with (the previous segment's), read into when `reuse` allows:
     * otherwise every segment of a long read leaves its last chunk for a full GC to free.
     */
    private spare: Buffer | null = null,
  ) {
    this.bufStart = startOffset;
  }

  /** File offset of the next frame. */
  get offset(): number {
    return this.bufStart + this.pos;
  }

  /**
   * Sets where frame data ends. Bytes already buffered past the new limit are forgotten: when a
   * writer seals the segment being followed, the footer bytes a follower already read must never
   * be parsed as frames.
   */
  setLimit(limit: number | null): void {
    this.limit = limit;
    if (limit !== null && this.bufStart + this.bufLen > limit) this.bufLen = Math.max(this.pos, limit - this.bufStart);
  }

  dataEnd(): number {
    return this.limit ?? this.ops.fstatSizeSync(this.fd);
  }

  /**
   * The caller keeps nothing that points into the current chunk (no payload view, no record not
   * yet consumed), so the next refill may read into it again. Set before each `next()`.
   */
  reuse = false;

  /** The CRC-ahead worker's job for this walk (crc-ahead.ts), read by runInto; null: none. */
  ahead: CrcAheadJob | null = null;

  /** The frame (or ending) at the current position, decoded into `this.view`, which is reused. */
  readonly view = new FrameView();

  /** The next outcome, in `this.view`; frame offsets (payloadStart/End, next) index into `this.buf`. */
  next(): FrameView {
    const v = this.view;
    for (;;) {
      const kind = readFrameInto(v, this.buf, this.pos, this.bufLen);
      if (kind === 'frame') {
        this.pos = v.next;
        return v;
      }
      if (kind === 'corrupt') return v;
      // end, incomplete or zeros within the chunk: more of the file may follow.
      let need = 0;
      if (kind === 'incomplete' && this.bufLen - this.pos >= 4) need = 8 + this.buf.readUInt32LE(this.pos);
      if (!this.refill(need)) return v;
    }
  }

  /**
   * The single-record frames of the chunk already read, from the current position on (readRunInto:
   * seq from `seq0`, ts from `lastTs`), without reading more of the file; moves past them. 0: the
   * next frame is for `next()` to read (or there is none in this chunk).
   */
  runInto(run: FrameRun, seq0: number, lastTs: bigint | null): number {
    const checkedTo = this.ahead === null ? 0 : this.ahead.verifiedTo() - this.bufStart;
    const k = readRunInto(run, this.buf, this.pos, this.bufLen, seq0, lastTs, checkedTo);
    if (k > 0) this.pos = run.next;
    return k;
  }

  /** File offset of a position in the current chunk. */
  fileOffsetOf(bufPos: number): number {
    return this.bufStart + bufPos;
  }

  /** Moves to a file offset (after a resync); the next frame is read from there. */
  seek(offsetBytes: number): void {
    // Off the walk the worker checked (its frame grid): every CRC is computed here from now on.
    this.ahead = null;
    this.reads = 0;
    if (this.buf.length > 0) this.spare = this.buf;
    this.buf = EMPTY;
    this.bufStart = offsetBytes;
    this.bufLen = 0;
    this.pos = 0;
  }

  /**
   * Searches forward from `fromOffset` for the next offset holding a whole frame whose CRC is valid
   * and whose seq is at least `minSeq`. Used to tell a torn tail from mid-log corruption, and by
   * the skip policy to salvage what follows a bad record. Returns -1 when there is none.
   */
  findNextValidFrame(fromOffset: number, minSeq: number): number {
    const end = this.dataEnd();
    if (fromOffset >= end) return -1;
    // Rare path: read the rest of the segment at once (segments are bounded by their rotation size).
    const rest = readFully(this.ops, this.fd, end - fromOffset, fromOffset);
    const maxSeq = minSeq + 2 ** 32;
    for (let p = 0; p + 26 <= rest.length; p++) {
      const length = rest.readUInt32LE(p);
      if (length < FRAME_MIN_LENGTH || length > FRAME_MIN_LENGTH + FRAME_MAX_PAYLOAD_BYTES) continue;
      if (p + 8 + length > rest.length) continue;
      const seq = readSeq(rest, p + 6);
      if (seq < minSeq || seq > maxSeq) continue;
      if (readFrame(rest, p, rest.length).kind === 'frame') return fromOffset + p;
    }
    return -1;
  }

  private refill(need: number): boolean {
    const fileEnd = this.dataEnd();
    const haveFileEnd = this.bufStart + this.bufLen;
    if (fileEnd <= haveFileEnd) return false;
    const keep = this.bufLen - this.pos;
    // The first read after a seek is small (the sparse index puts the target within ~64 KiB);
    // a reader that keeps going grows to full chunks.
    const chunk = this.reads++ === 0 ? Math.min(this.chunkBytes, FIRST_READ_BYTES) : this.chunkBytes;
    const want = Math.min(keep + (fileEnd - haveFileEnd), Math.max(chunk, need, keep + 1));
    let nb: Buffer;
    const reusable = this.reuse ? (this.buf.length > 0 ? this.buf : this.spare) : null;
    if (reusable !== null && want <= reusable.length) {
      // Nothing of the current chunk is referenced any more: read into it (or into the spare,
      // when this walker has no chunk yet), after moving the unread bytes to its front.
      nb = reusable;
      nb.copyWithin(0, this.pos, this.bufLen);
      this.spare = null;
    } else {
      nb = Buffer.allocUnsafe(want);
      this.buf.copy(nb, 0, this.pos, this.bufLen);
    }
    let got = keep;
    while (got < want) {
      const n = this.ops.readSync(this.fd, nb, got, want - got, this.bufStart + this.pos + got);
      if (n === 0) break;
      got += n;
    }
    this.bufStart += this.pos;
    this.buf = nb;
    this.bufLen = got;
    this.pos = 0;
    return got > keep;
  }
}
