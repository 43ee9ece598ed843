/**
 * The on-disk byte layout of a tapedeck log, all integers little-endian. docs/FORMAT.md is the
 * normative description; this module is its only implementation (pure encode/decode, no I/O).
 *
 * Segment file = header (64 bytes) | frames ... | [footer: index entries (24 bytes each) | trailer (72 bytes)]
 *
 * Header:  0 magic "TDSG" | 4 formatVersion u16 | 6 headerBytes u16 (64) | 8 userVersion u32
 *         12 reserved u32 | 16 segmentNo u64 | 24 firstSeq u64 | 32 prevLastTs i64 | 40 prevChain u32
 *         44 recordingId (16 bytes; zeros: none) | 60 headerCrc u32 (CRC-32 of bytes 0..59)
 * Frame:   0 length u32 (bytes from type through payload = 18 + n) | 4 type u8 | 5 flags u8
 *          6 seq u64 | 14 ts i64 | 22 payload (n bytes) | 22+n crc u32 (CRC-32 of bytes 4..22+n)
 * Index entry: 0 seq u64 | 8 ts i64 | 16 offsetBytes u64 (frame start within the file)
 * Trailer: 0 magic "TDFT" | 4 formatVersion u16 | 6 reserved u16 | 8 recordCount u64 | 16 firstSeq u64
 *          24 lastSeq i64 | 32 firstTs i64 | 40 lastTs i64 | 48 dataEnd u64 | 56 indexCount u32
 *          60 chain u32 | 64 reserved u32 | 68 footerCrc u32 (CRC-32 of the index entries and trailer bytes 0..67)
 */
import { endianness } from 'node:os';
import { crc32, crc32Native, crc32Range, crc32U32Delta, FRAME_STEP_BYTES_MAX, frameStep } from './crc.js';

/**
 * int64 through a scratch BigInt64Array: ~4x cheaper than Buffer's read/writeBigInt64LE, which
 * split the value with BigInt arithmetic (measured 62 ns vs 14 ns per write). The typed array
 * uses the platform's byte order, so big-endian hosts keep Buffer's methods.
 */
const I64 = new BigInt64Array(1);
const I64_BYTES = new Uint8Array(I64.buffer);
const LITTLE_ENDIAN = endianness() === 'LE';

export function writeI64(b: Buffer, offset: number, v: bigint): void {
  if (!LITTLE_ENDIAN) {
    b.writeBigInt64LE(v, offset);
    return;
  }
  I64[0] = v;
  for (let k = 0; k < 8; k++) b[offset + k] = I64_BYTES[k]!;
}

export function readI64(b: Buffer, offset: number): bigint {
  if (!LITTLE_ENDIAN) return b.readBigInt64LE(offset);
  for (let k = 0; k < 8; k++) I64_BYTES[k] = b[offset + k]!;
  return I64[0]!;
}

export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 64;
export const FRAME_PREFIX_BYTES = 22; // length + type + flags + seq + ts
export const FRAME_OVERHEAD_BYTES = 26; // prefix + crc
export const FRAME_MIN_LENGTH = 18; // type + flags + seq + ts with an empty payload
/** A length above this is never trusted, so a flipped length can never make a reader allocate gigabytes. */
export const FRAME_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
export const INDEX_ENTRY_BYTES = 24;
export const TRAILER_BYTES = 72;
export const HEADER_MAGIC = 0x47534454; // "TDSG" read as u32 LE
export const TRAILER_MAGIC = 0x54464454; // "TDFT" read as u32 LE
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Frame flag: more frames of the same atomic batch follow this one. */
export const FLAG_BATCH_CONT = 0x01;

export interface SegmentHeader {
  formatVersion: number;
  userVersion: number;
  segmentNo: number;
  firstSeq: number;
  /** ts of the previous segment's last record, INT64_MIN for the first segment of a log. */
  prevLastTs: bigint;
  /** The running chain checksum at the end of the previous segment (0 for the first). */
  prevChain: number;
  /** The recording id (32 hex digits, bytes 44..59); all zeros when the writer was given none. */
  recordingId?: string;
}

export interface IndexEntry {
  seq: number;
  tsNs: bigint;
  offsetBytes: number;
}

export interface SegmentTrailer {
  recordCount: number;
  firstSeq: number;
  /** firstSeq - 1 when the segment holds no records. */
  lastSeq: number;
  firstTs: bigint;
  lastTs: bigint;
  dataEnd: number;
  chain: number;
  index: IndexEntry[];
}

export function encodeHeader(h: SegmentHeader): Buffer {
  const b = Buffer.alloc(HEADER_BYTES);
  b.writeUInt32LE(HEADER_MAGIC, 0);
  b.writeUInt16LE(FORMAT_VERSION, 4);
  b.writeUInt16LE(HEADER_BYTES, 6);
  b.writeUInt32LE(h.userVersion >>> 0, 8);
  b.writeBigUInt64LE(BigInt(h.segmentNo), 16);
  b.writeBigUInt64LE(BigInt(h.firstSeq), 24);
  b.writeBigInt64LE(h.prevLastTs, 32);
  b.writeUInt32LE(h.prevChain >>> 0, 40);
  if (h.recordingId !== undefined) Buffer.from(h.recordingId, 'hex').copy(b, 44, 0, 16);
  b.writeUInt32LE(crc32(b.subarray(0, 60)), 60);
  return b;
}

/** Returns the header, or a reason string when the bytes are not a valid header. */
export function decodeHeader(b: Buffer): SegmentHeader | string {
  if (b.length < HEADER_BYTES) return `header is ${b.length} bytes, expected ${HEADER_BYTES}`;
  if (b.readUInt32LE(0) !== HEADER_MAGIC) return 'bad header magic';
  if (b.readUInt32LE(60) !== crc32(b.subarray(0, 60))) return 'header checksum mismatch';
  const formatVersion = b.readUInt16LE(4);
  if (formatVersion !== FORMAT_VERSION) return `unsupported format version ${formatVersion}`;
  return {
    formatVersion,
    userVersion: b.readUInt32LE(8),
    segmentNo: Number(b.readBigUInt64LE(16)),
    firstSeq: Number(b.readBigUInt64LE(24)),
    prevLastTs: b.readBigInt64LE(32),
    prevChain: b.readUInt32LE(40),
    recordingId: b.toString('hex', 44, 60),
  };
}

/** Writes one frame at `offset` in `target` (which must have room) and returns its CRC. */
export function writeFrame(
  target: Buffer,
  offset: number,
  type: number,
  flags: number,
  seq: number,
  tsNs: bigint,
  payload: Uint8Array,
): number {
  target.set(payload, offset + FRAME_PREFIX_BYTES);
  return sealFrame(target, offset, type, flags, seq, tsNs, payload.length);
}

/**
 * Completes a frame whose n payload bytes are already in place at offset + FRAME_PREFIX_BYTES
 * (an encoder wrote them there): writes the prefix and the CRC, returns the CRC.
 */
export function sealFrame(target: Buffer, offset: number, type: number, flags: number, seq: number, tsNs: bigint, n: number): number {
  // Byte stores rather than Buffer's range-checked writers: this runs once per record.
  putU32(target, offset, FRAME_MIN_LENGTH + n);
  target[offset + 4] = type;
  target[offset + 5] = flags;
  // seq < 2^53: split into two u32 writes, cheaper than a BigInt conversion per record.
  putU32(target, offset + 6, seq % 0x100000000);
  putU32(target, offset + 10, Math.floor(seq / 0x100000000));
  writeI64(target, offset + 14, tsNs);
  const end = offset + FRAME_PREFIX_BYTES + n;
  const c = crc32Range(target, offset + 4, end);
  putU32(target, end, c);
  return c;
}

/**
 * Gives a frame sealed with seq 0 (sealFrame) its seq: writes it and corrects the CRC by the
 * seq's share of it (crc32U32Delta: four table loads, not a pass over the frame), so the frame
 * is byte for byte the one sealFrame would make with that seq. Returns the new CRC. Lets another
 * thread frame and checksum records before their seqs are known (Log.writeFrameRun).
 */
export function reseqFrame(b: Buffer, offset: number, seq: number): number {
  const length = getU32(b, offset);
  const end = offset + 4 + length;
  let c: number;
  if (seq <= 0xffffffff) {
    // seq's low u32 is followed by its high u32 (0), ts and the payload: length - 6 bytes.
    c = (getU32(b, end) ^ crc32U32Delta(seq, length - 6)) >>> 0;
    putU32(b, offset + 6, seq);
  } else {
    putU32(b, offset + 6, seq % 0x100000000);
    putU32(b, offset + 10, Math.floor(seq / 0x100000000));
    c = crc32Range(b, offset + 4, end);
  }
  putU32(b, end, c);
  return c;
}

function putU32(b: Buffer, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

export function frameBytes(payloadBytes: number): number {
  return FRAME_OVERHEAD_BYTES + payloadBytes;
}

export function readSeq(b: Buffer, offset: number): number {
  return getU32(b, offset) + getU32(b, offset + 4) * 0x100000000;
}

/** A u32 from bytes the caller has bounds-checked (Buffer's readers check again, per call). */
function getU32(b: Buffer, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/**
 * What the bytes at a position hold. Expected endings are values, not exceptions:
 * a whole frame, the clean end of the data, an incomplete frame cut by the end of the data
 * (torn, when it is the tail), or a frame that cannot be right (corrupt).
 */
export type FrameOutcome =
  | { kind: 'frame'; type: number; flags: number; seq: number; tsNs: bigint; payloadStart: number; payloadEnd: number; crc: number; next: number }
  | { kind: 'end' }
  | { kind: 'incomplete'; reason: string }
  | { kind: 'zeros' }
  | { kind: 'corrupt'; reason: string };

/**
 * A frame's fields, filled in place by readFrameInto: the scan loop reads millions of frames, and
 * one reused view instead of an object per frame is what keeps the garbage collector out of it.
 */
export class FrameView {
  kind: FrameOutcome['kind'] = 'end';
  reason = '';
  type = 0;
  flags = 0;
  seq = 0;
  tsNs = 0n;
  /** false: readFrameInto leaves tsNs unread (a BigInt per frame), for a walk that never looks at it (the CRC-ahead worker). */
  tsWanted = true;
  payloadStart = 0;
  payloadEnd = 0;
  crc = 0;
  next = 0;
}

/**
 * Decodes the frame at `pos` in `b` (valid bytes end at `end`) into `v`; returns its kind. A frame
 * ending at or before `checkedTo` is one the CRC-ahead worker has already checked, on this very
 * walk (crc-ahead.ts): its CRC is not computed again (0: check every frame).
 */
export function readFrameInto(v: FrameView, b: Buffer, pos: number, end: number, checkedTo = 0): FrameOutcome['kind'] {
  const avail = end - pos;
  if (avail === 0) return (v.kind = 'end');
  if (avail < 4) return allZero(b, pos, end) ? (v.kind = 'zeros') : bad(v, 'incomplete', 'partial length field');
  const length = getU32(b, pos);
  if (length === 0) return allZero(b, pos, end) ? (v.kind = 'zeros') : bad(v, 'corrupt', 'zero frame length');
  if (length < FRAME_MIN_LENGTH) return bad(v, 'corrupt', `frame length ${length} below minimum ${FRAME_MIN_LENGTH}`);
  if (length > FRAME_MIN_LENGTH + FRAME_MAX_PAYLOAD_BYTES) {
    return bad(v, 'corrupt', `frame length ${length} exceeds maximum ${FRAME_MIN_LENGTH + FRAME_MAX_PAYLOAD_BYTES}`);
  }
  const total = 8 + length;
  if (total > avail) return bad(v, 'incomplete', `frame of ${total} bytes extends past the end of data (${avail} bytes left)`);
  const crcAt = pos + 4 + length;
  const crc = getU32(b, crcAt);
  if (pos + total > checkedTo && crc32Range(b, pos + 4, crcAt) !== crc) return bad(v, 'corrupt', 'frame checksum mismatch');
  const type = b[pos + 4]!;
  if (type === 0) return bad(v, 'corrupt', 'frame type 0 is invalid');
  v.type = type;
  v.flags = b[pos + 5]!;
  v.seq = readSeq(b, pos + 6);
  if (v.tsWanted) v.tsNs = readI64(b, pos + 14);
  v.payloadStart = pos + FRAME_PREFIX_BYTES;
  v.payloadEnd = crcAt;
  v.crc = crc;
  v.next = pos + total;
  return (v.kind = 'frame');
}

/**
 * Several frames of one chunk at once: each a whole, CRC-valid frame that is a unit on its own (no
 * batch flag), its seq the one before's + 1 and its ts not going back. Filled by readRunInto and
 * handed up to a decoder as arrays, so reading a chunk is one loop instead of a call chain per record.
 */
export class FrameRun {
  count = 0;
  /** The buffer the payload offsets index into. */
  chunk: Buffer = Buffer.alloc(0);
  readonly type: Uint8Array;
  readonly seq: Float64Array;
  readonly tsNs: bigint[];
  readonly payloadStart: Int32Array;
  readonly payloadEnd: Int32Array;
  readonly crc: Uint32Array;
  /** Where the last frame read starts and where the run ends (offsets in `chunk`). */
  lastFrameAt = 0;
  next = 0;

  constructor(readonly capacity: number) {
    this.type = new Uint8Array(capacity);
    this.seq = new Float64Array(capacity);
    this.tsNs = new Array<bigint>(capacity).fill(0n);
    this.payloadStart = new Int32Array(capacity);
    this.payloadEnd = new Int32Array(capacity);
    this.crc = new Uint32Array(capacity);
  }

  /** Makes the run the one record given (a record the per-frame path read). */
  setOne(type: number, chunk: Buffer, payloadStart: number, payloadEnd: number, seq: number, tsNs: bigint): void {
    this.count = 1;
    this.chunk = chunk;
    this.type[0] = type;
    this.payloadStart[0] = payloadStart;
    this.payloadEnd[0] = payloadEnd;
    this.seq[0] = seq;
    this.tsNs[0] = tsNs;
  }
}

/**
 * Reads whole frames from `pos` into `run` while each is one readFrameInto accepts as a frame, has
 * no batch flag, carries seq `seq0` + i and a ts not below the one before (`lastTs` before the
 * first; null: any). Stops at the first frame that is anything else, at the end of the data or
 * when the run is full, and returns the count: whatever stopped it is left for the per-frame path
 * (readFrameInto and the scanner), which decides what it is. `checkedTo` as for readFrameInto.
 *
 * The walk reads each frame's fields inline rather than through readFrameInto and a FrameView
 * (~25 -> ~10 ns a frame): it accepts only what readFrameInto accepts (a length within bounds, the
 * whole frame within the data, a non-zero type) and stops at anything else, even a frame
 * readFrameInto would take, which the per-frame path then reads. The CRCs are checked after the
 * walk, all at once (runCrcsOk); the run is cut before the first bad one, where a walk checking
 * each frame in turn would have stopped.
 */
export function readRunInto(run: FrameRun, b: Buffer, pos: number, end: number, seq0: number, lastTs: bigint | null, checkedTo = 0): number {
  const cap = run.capacity;
  const types = run.type;
  const seqs = run.seq;
  const tss = run.tsNs;
  const starts = run.payloadStart;
  const ends = run.payloadEnd;
  const crcs = run.crc;
  let p = pos;
  let last = pos;
  let k = 0;
  let prev = lastTs;
  run.chunk = b;
  for (; k < cap; k++) {
    if (end - p < FRAME_OVERHEAD_BYTES) break;
    const length = getU32(b, p);
    if (length < FRAME_MIN_LENGTH || length > FRAME_MIN_LENGTH + FRAME_MAX_PAYLOAD_BYTES || length + 8 > end - p) break;
    const type = b[p + 4]!;
    const seq = seq0 + k;
    if (type === 0 || b[p + 5] !== 0 || readSeq(b, p + 6) !== seq) break;
    const ts = readI64(b, p + 14);
    if (prev !== null && ts < prev) break;
    prev = ts;
    const crcAt = p + 4 + length;
    types[k] = type;
    seqs[k] = seq;
    tss[k] = ts;
    starts[k] = p + FRAME_PREFIX_BYTES;
    ends[k] = crcAt;
    crcs[k] = getU32(b, crcAt);
    last = p;
    p = crcAt + 4;
  }
  if (k > 0) {
    const good = runCrcsOk(run, b, k, checkedTo);
    if (good < k) {
      k = good;
      p = good === 0 ? pos : ends[good - 1]! + 4;
      last = good === 0 ? pos : starts[good - 1]! - FRAME_PREFIX_BYTES;
    }
  }
  run.lastFrameAt = last;
  run.count = k;
  run.next = p;
  return k;
}

/** Stretches of frames shorter than this are checked a frame at a time: a native call costs ~0.4 µs. */
const RUN_NATIVE_FROM_BYTES = 2048;

/**
 * How many of the run's first k frames (contiguous in b, as readRunInto read them) are right
 * before the first whose CRC is wrong (k: all). Frames ending at or before checkedTo are trusted.
 * One native CRC over a stretch of frames (~0.2 ns a byte) is compared with the CRC their lengths
 * predict when every frame is right (crc.ts frameStep: eight table loads a frame), instead of a
 * JS CRC over each frame (~60 ns for a 68-byte frame). Only on a mismatch is each frame of the
 * stretch checked on its own, to find the first bad one. A frame too large for a step ends a
 * stretch and is checked on its own (crc32Range goes native at that size). Like any CRC, the two
 * can agree although frames are damaged only if the damage happens to cancel out (the chance a
 * 32-bit check leaves).
 */
function runCrcsOk(run: FrameRun, b: Buffer, k: number, checkedTo: number): number {
  const ps = run.payloadStart;
  const pe = run.payloadEnd;
  const crcs = run.crc;
  let i = 0;
  while (i < k && pe[i]! + 4 <= checkedTo) i++;
  while (i < k) {
    const from = ps[i]! - FRAME_PREFIX_BYTES;
    let s = -1;
    let j = i;
    for (; j < k; j++) {
      const length = pe[j]! - ps[j]! + FRAME_MIN_LENGTH;
      if (length + 8 > FRAME_STEP_BYTES_MAX) break;
      s = frameStep(s, length);
    }
    const to = j === i ? from : pe[j - 1]! + 4;
    if (to - from < RUN_NATIVE_FROM_BYTES || crc32Native(b, from, to) !== ~s >>> 0) {
      for (; i < j; i++) if (crc32Range(b, ps[i]! - FRAME_PREFIX_BYTES + 4, pe[i]!) !== crcs[i]) return i;
    }
    i = j;
    if (i < k) {
      if (crc32Range(b, ps[i]! - FRAME_PREFIX_BYTES + 4, pe[i]!) !== crcs[i]) return i;
      i++;
    }
  }
  return k;
}

function bad(v: FrameView, kind: 'incomplete' | 'corrupt', reason: string): FrameOutcome['kind'] {
  v.reason = reason;
  return (v.kind = kind);
}

/** Decodes the frame at `pos` in `b`, whose valid bytes end at `end`. Checks structure and CRC only. */
export function readFrame(b: Buffer, pos: number, end: number): FrameOutcome {
  const v = new FrameView();
  switch (readFrameInto(v, b, pos, end)) {
    case 'frame':
      return { kind: 'frame', type: v.type, flags: v.flags, seq: v.seq, tsNs: v.tsNs, payloadStart: v.payloadStart, payloadEnd: v.payloadEnd, crc: v.crc, next: v.next };
    case 'incomplete':
      return { kind: 'incomplete', reason: v.reason };
    case 'corrupt':
      return { kind: 'corrupt', reason: v.reason };
    case 'zeros':
      return { kind: 'zeros' };
    default:
      return { kind: 'end' };
  }
}

function allZero(b: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (b[i] !== 0) return false;
  return true;
}

export function encodeFooter(t: SegmentTrailer): Buffer {
  const indexBytes = t.index.length * INDEX_ENTRY_BYTES;
  const b = Buffer.alloc(indexBytes + TRAILER_BYTES);
  let o = 0;
  for (const e of t.index) {
    b.writeBigUInt64LE(BigInt(e.seq), o);
    b.writeBigInt64LE(e.tsNs, o + 8);
    b.writeBigUInt64LE(BigInt(e.offsetBytes), o + 16);
    o += INDEX_ENTRY_BYTES;
  }
  b.writeUInt32LE(TRAILER_MAGIC, o);
  b.writeUInt16LE(FORMAT_VERSION, o + 4);
  b.writeBigUInt64LE(BigInt(t.recordCount), o + 8);
  b.writeBigUInt64LE(BigInt(t.firstSeq), o + 16);
  b.writeBigInt64LE(BigInt(t.lastSeq), o + 24);
  b.writeBigInt64LE(t.firstTs, o + 32);
  b.writeBigInt64LE(t.lastTs, o + 40);
  b.writeBigUInt64LE(BigInt(t.dataEnd), o + 48);
  b.writeUInt32LE(t.index.length, o + 56);
  b.writeUInt32LE(t.chain >>> 0, o + 60);
  b.writeUInt32LE(crc32(b.subarray(0, o + 68)), o + 68);
  return b;
}

/** Parses the trailer from the last TRAILER_BYTES of a file; null when there is no valid one. */
export function decodeTrailerFixed(tail: Buffer, fileBytes: number): Omit<SegmentTrailer, 'index'> & { indexCount: number } | null {
  if (tail.length !== TRAILER_BYTES || tail.readUInt32LE(0) !== TRAILER_MAGIC) return null;
  if (tail.readUInt16LE(4) !== FORMAT_VERSION) return null;
  const indexCount = tail.readUInt32LE(56);
  const dataEnd = Number(tail.readBigUInt64LE(48));
  if (dataEnd + indexCount * INDEX_ENTRY_BYTES + TRAILER_BYTES !== fileBytes) return null;
  return {
    recordCount: Number(tail.readBigUInt64LE(8)),
    firstSeq: Number(tail.readBigUInt64LE(16)),
    lastSeq: Number(tail.readBigInt64LE(24)),
    firstTs: tail.readBigInt64LE(32),
    lastTs: tail.readBigInt64LE(40),
    dataEnd,
    indexCount,
    chain: tail.readUInt32LE(60),
  };
}

/** Parses and checks a whole footer (index + trailer); null when it is absent or its checksum fails. */
export function decodeFooter(footer: Buffer, fileBytes: number): SegmentTrailer | null {
  if (footer.length < TRAILER_BYTES) return null;
  const fixed = decodeTrailerFixed(footer.subarray(footer.length - TRAILER_BYTES), fileBytes);
  if (!fixed) return null;
  if (footer.length !== fixed.indexCount * INDEX_ENTRY_BYTES + TRAILER_BYTES) return null;
  if (footer.readUInt32LE(footer.length - 4) !== crc32(footer.subarray(0, footer.length - 4))) return null;
  const { indexCount, ...rest } = fixed;
  // The index entries are decoded when first read (a seek), from the checked bytes: a reader that
  // reads a segment from its start never needs them. Decoded up front, a 128 MiB segment's 2,048
  // entry objects (and their BigInts) survived the young-generation collections while the segment
  // was read, and those survivors made V8 grow its young generation from 16 to 32 MiB: peak RSS of
  // the 4 GiB digest scan 97 -> 69 MiB, max-speed replay 99 -> 79 MiB with the lazy index.
  let index: IndexEntry[] | null = null;
  const out = { ...rest } as SegmentTrailer;
  Object.defineProperty(out, 'index', {
    enumerable: true,
    configurable: true,
    get: (): IndexEntry[] => (index ??= decodeIndex(footer, indexCount)),
    set: (v: IndexEntry[]) => {
      index = v;
    },
  });
  return out;
}

function decodeIndex(footer: Buffer, count: number): IndexEntry[] {
  const index: IndexEntry[] = [];
  for (let i = 0, o = 0; i < count; i++, o += INDEX_ENTRY_BYTES) {
    index.push({ seq: Number(footer.readBigUInt64LE(o)), tsNs: footer.readBigInt64LE(o + 8), offsetBytes: Number(footer.readBigUInt64LE(o + 16)) });
  }
  return index;
}
