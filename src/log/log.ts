/**
 * The write-ahead log's writer: policy (append, buffer, when to rotate, sync, close, compact).
 * Byte layouts live in format.ts; reading lives in reader.ts; the segment lifecycle (create, seal,
 * resume) in active-segment.ts; recovery at open in writer-open.ts and recovery.ts.
 *
 * Writes fail stop: a short write, a write error or a failed fsync is never retried (the kernel
 * may already have dropped the dirty pages). The log truncates back to its last durable frame,
 * rejects that append and every later one, and must be reopened.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { IoError, TapedeckError } from '../errors.js';
import { summarize, type HistogramSummary } from '../util/metrics.js';
import { closeQuietly, createSegment, sealSegment, sealedEntry, segStats, type ActiveSegment, type RotationStep, type SegmentStats } from './active-segment.js';
import { compactHeld, type CompactResult } from './compaction.js';
import { chainUpdate } from './crc.js';
import { deferred, normalizeDurability, type Deferred, type Durability, type DurabilityMode } from './durability.js';
import { flushOnExitWhileOpen, forgetOnExit } from './exit-hook.js';
import { realFileOps, syncDir, writeFully, type FileOps } from './file-ops.js';
import { FLAG_BATCH_CONT, FRAME_MAX_PAYLOAD_BYTES, FRAME_OVERHEAD_BYTES, HEADER_BYTES, INDEX_ENTRY_BYTES, INT64_MAX, INT64_MIN, FRAME_PREFIX_BYTES, readI64, reseqFrame, sealFrame, TRAILER_BYTES } from './format.js';
import { acquireLock, realProcessProbe, type DirLock, type ProcessProbe } from './lock.js';
import { publishMetricsFile, writerMetrics } from './log-metrics.js';
import { writeManifest, type Manifest } from './manifest.js';
import type { RecoveryReport } from './recovery.js';
import { RECOVERY_POLICIES, type RecoveryPolicy } from './recovery-table.js';
import { checkRecordingId } from './recording-id.js';
import { openForWriter, type WriterStart } from './writer-open.js';

export type { CompactResult } from './compaction.js';
export type { RecoveryReport } from './recovery.js';

export type { Durability, DurabilityMode } from './durability.js';
export { normalizeDurability } from './durability.js';
export type { RotationStep, SegmentStats } from './active-segment.js';

export interface LogOptions {
  durability?: Durability;
  /** Rotate when a segment would grow past this many bytes (default 128 MiB). */
  segmentBytes?: number;
  /** The payload schema version of the layer above, stored in every segment header. */
  userVersion?: number;
  /** How open() treats a bad tail; see RecoveryPolicy. 'skip' recovers like 'point-in-time'. */
  policy?: RecoveryPolicy;
  /** A sparse index entry is added at least every this many bytes of frames (default 64 KiB). */
  indexEveryBytes?: number;
  fileOps?: FileOps;
  /** Record append latency in the HDR histogram (default true). */
  measureLatency?: boolean;
  /** Write metrics.json beside the segments every this many ms, for `tapedeck stats` (0: never). */
  publishMetricsMs?: number;
  /** Test seam: called at each step of rotation, so a test can crash the process between them. */
  onStep?: (step: RotationStep) => void;
  /** Who this process is, for the lock (a seam: tests simulate pid reuse and other processes). */
  processProbe?: ProcessProbe;
  /**
   * The recording's id (32 hex digits), stamped in every segment header and the MANIFEST, so a
   * segment from another recording is caught. Unset: a new recording gets a random id, an existing
   * one keeps its own. Deterministic producers pass one derived from their inputs
   * (deriveRecordingId) so that two runs stay byte-identical; null asks for none (zeros), as
   * recordings from before ids had. An id never changes once given.
   */
  recordingId?: string | null;
}

export interface AppendRecord {
  type: number;
  tsNs: bigint;
  payload: Uint8Array;
}

export interface LogStats {
  dir: string;
  segments: SegmentStats[];
  records: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  firstTs: bigint | null;
  lastTs: bigint | null;
  durableSeq: number;
  appendLatencyNs: HistogramSummary;
  fsyncLatencyNs: HistogramSummary;
}

const DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024;
const DEFAULT_INDEX_EVERY = 64 * 1024;
const BUFFER_BYTES = 1 << 20;
/**
 * Append latency is timed on one call in this many (a power of two); batches are always timed.
 * Timing one call (two performance.now() and a histogram update) costs ~0.3 µs: at 1 in 8 that
 * was ~10-15% of the CPU of an async write() (in one process, alternating chunks with 1 in 64).
 * 1 in 64 still gives 15,000 samples per million appends.
 */
const LATENCY_SAMPLE = 64;

/** Encodes a value's payload for writeEncoded: straight into the log's buffer, or as a Buffer. */
export interface PayloadEncoder<T> {
  /**
   * Writes the payload of `value` into buf[start, end) and returns where it ends, or -1 (nothing
   * else negative) when it needs more room; bytes in that range may be changed either way.
   */
  encodeInto(value: T, buf: Buffer, start: number, end: number): number;
  /** The same payload bytes as a Buffer of their own. */
  encode(value: T): Uint8Array;
}

/**
 * Reads a record from its input straight into the log's buffer (Log.writeRead): the payload and
 * the ts, known only once read (a canonical tick line: record/canonical-tick.ts).
 */
export interface RecordReader {
  /**
   * Writes the payload into buf[start, end), sets tsNs and returns where the payload ends; -2
   * when it needs more room (nothing is known yet), -1 (or any other negative) when its input is
   * not a record it reads. Bytes in that range may be changed either way.
   */
  readInto(buf: Buffer, start: number, end: number): number;
  readonly tsNs: bigint;
}

/** RecordReader.readInto: more room needed. */
export const READ_NO_ROOM = -2;

export class Log {
  readonly dir: string;
  readonly metrics = writerMetrics();
  /** What open() cut from a torn tail (empty after a clean close). */
  readonly recovered: RecoveryReport[] = [];

  private readonly ops: FileOps;
  private readonly mode: DurabilityMode;
  private readonly intervalMs: number;
  private readonly batchSize: number;
  private readonly segmentBytes: number;
  private readonly indexEvery: number;
  private readonly userVersion: number;
  private readonly measure: boolean;
  private readonly onStep: ((step: RotationStep) => void) | undefined;
  private readonly lock: DirLock;
  private readonly sealed: SegmentStats[] = [];
  private firstSeqOfLog = 0;
  private manifest!: Manifest;
  private firstTsOfLog: bigint | null = null;

  private seg!: ActiveSegment;
  private buf = Buffer.allocUnsafe(BUFFER_BYTES);
  private bufUsed = 0;
  private nextSeqValue = 0;
  private lastTsValue: bigint = INT64_MIN;
  private durableSeqValue = -1;
  private pendingRecords = 0;
  private commit: Deferred | null = null;
  private flushing: Promise<void> | null = null;
  private flushAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private retiredFds: number[] = [];
  private failure: TapedeckError | null = null;
  private closed = false;
  private metricsTimer: NodeJS.Timeout | null = null;

  private constructor(dir: string, opts: LogOptions, lock: DirLock) {
    this.dir = dir;
    this.ops = opts.fileOps ?? realFileOps;
    const d = normalizeDurability(opts.durability ?? 'batched');
    this.mode = d.mode;
    this.intervalMs = d.intervalMs;
    this.batchSize = d.batchSize;
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.indexEvery = opts.indexEveryBytes ?? DEFAULT_INDEX_EVERY;
    this.userVersion = opts.userVersion ?? 0;
    this.measure = opts.measureLatency ?? true;
    this.onStep = opts.onStep;
    this.lock = lock;
  }

  /** Opens (creating if needed) the log in `dir`, recovering a crashed tail. */
  static async open(dir: string, opts: LogOptions = {}): Promise<Log> {
    const ops = opts.fileOps ?? realFileOps;
    if (opts.policy && !RECOVERY_POLICIES.includes(opts.policy)) {
      throw new TapedeckError('BAD_ARGUMENT', `unknown recovery policy "${opts.policy}" (expected ${RECOVERY_POLICIES.join(', ')})`);
    }
    if (opts.segmentBytes !== undefined && !(opts.segmentBytes >= HEADER_BYTES + TRAILER_BYTES + 64)) {
      throw new TapedeckError('BAD_ARGUMENT', `segment size ${opts.segmentBytes} is too small (minimum ${HEADER_BYTES + TRAILER_BYTES + 64} bytes)`);
    }
    normalizeDurability(opts.durability ?? 'batched');
    if (typeof dir !== 'string' || dir === '') throw new TapedeckError('BAD_ARGUMENT', `the recording directory must be a non-empty path (got ${typeof dir})`);
    checkRecordingId(opts.recordingId);
    const created = !ops.existsSync(dir);
    try {
      ops.mkdirSync(dir);
      // A new recording's directory entry must survive a power loss too.
      if (created) syncDir(ops, path.dirname(path.resolve(dir)));
    } catch (err) {
      throw new IoError(dir, 'cannot create the recording directory', err);
    }
    const lock = acquireLock(ops, dir, opts.processProbe ?? realProcessProbe);
    const log = new Log(dir, opts, lock);
    try {
      log.start(openForWriter(ops, dir, { policy: opts.policy ?? 'tolerate-tail', recordingId: opts.recordingId, userVersion: log.userVersion, indexEveryBytes: log.indexEvery }));
    } catch (err) {
      lock.release();
      // Every failure of open names its path and errno: never a bare errno or a TypeError.
      if (err instanceof TapedeckError) throw err;
      throw new IoError(dir, 'opening the recording failed', err);
    }
    flushOnExitWhileOpen(log);
    if (opts.publishMetricsMs) {
      log.metricsTimer = setInterval(() => log.publishMetrics(), opts.publishMetricsMs);
      log.metricsTimer.unref();
    }
    return log;
  }

  get nextSeq(): number {
    return this.nextSeqValue;
  }

  /** The last timestamp appended (INT64_MIN when the log is empty). */
  get lastTs(): bigint {
    return this.lastTsValue;
  }

  /** Every record up to this seq is on disk. */
  get durableSeq(): number {
    return this.durableSeqValue;
  }

  get durability(): DurabilityMode {
    return this.mode;
  }

  // -- appending ---------------------------------------------------------------------------------

  /** Buffers one record and returns its seq; durability follows the mode (see append / sync). */
  write(type: number, tsNs: bigint, payload: Uint8Array): number {
    // Latency is sampled (1 in LATENCY_SAMPLE): see there.
    const timed = this.measure && (this.nextSeqValue & (LATENCY_SAMPLE - 1)) === 0;
    const t0 = timed ? performance.now() : 0;
    this.checkWritable();
    this.checkRecord(type, tsNs, payload, this.lastTsValue);
    const n = payload.length;
    this.makeRoom(FRAME_OVERHEAD_BYTES + n);
    this.buf.set(payload, this.bufUsed + FRAME_PREFIX_BYTES);
    const seq = this.commitFrame(type, 0, tsNs, n);
    this.pendingRecords++;
    this.metrics.counters.records!++;
    this.afterWrite();
    if (timed) this.metrics.record('appendLatencyNs', (performance.now() - t0) * 1e6);
    return seq;
  }

  /**
   * write() of the payload `enc` makes of `value`, encoded straight into the write buffer after
   * a reserved frame prefix (no payload Buffer per record). Same checks, errors and bytes as
   * write(type, tsNs, enc.encode(value)), which is what a payload too large for the buffer gets.
   */
  writeEncoded<T>(type: number, tsNs: bigint, value: T, enc: PayloadEncoder<T>): number {
    const timed = this.measure && (this.nextSeqValue & (LATENCY_SAMPLE - 1)) === 0;
    const t0 = timed ? performance.now() : 0;
    this.checkWritable();
    this.checkFrameFields(type, tsNs, this.lastTsValue);
    let at = this.bufUsed;
    let stop = enc.encodeInto(value, this.buf, at + FRAME_PREFIX_BYTES, this.payloadLimit(at));
    if (stop < 0 && at > 0) {
      this.writeOut();
      at = 0;
      stop = enc.encodeInto(value, this.buf, FRAME_PREFIX_BYTES, this.payloadLimit(0));
    }
    if (stop < 0) return this.write(type, tsNs, enc.encode(value));
    return this.commitPayload(type, tsNs, at, stop, t0, timed);
  }

  /**
   * A record `r` reads straight into the write buffer, its ts checked once read (a line's bytes
   * to a tick's payload without a copy in between: Recorder.writeTickLine): its seq, or -1 when
   * r does not take its input (nothing written; the buffer may have been written out to make
   * room). Same checks, errors and bytes as writeEncoded of the same payload and ts.
   */
  writeRead(type: number, r: RecordReader): number {
    const timed = this.measure && (this.nextSeqValue & (LATENCY_SAMPLE - 1)) === 0;
    const t0 = timed ? performance.now() : 0;
    this.checkWritable();
    let at = this.bufUsed;
    let stop = r.readInto(this.buf, at + FRAME_PREFIX_BYTES, this.payloadLimit(at));
    if (stop === READ_NO_ROOM && at > 0) {
      this.writeOut();
      at = 0;
      stop = r.readInto(this.buf, FRAME_PREFIX_BYTES, this.payloadLimit(0));
    }
    if (stop < 0) return -1;
    this.checkFrameFields(type, r.tsNs, this.lastTsValue);
    return this.commitPayload(type, r.tsNs, at, stop, t0, timed);
  }

  /** Frames the payload buf[at + FRAME_PREFIX_BYTES, stop) as the next record (rotating first if it must). */
  private commitPayload(type: number, tsNs: bigint, at: number, stop: number, t0: number, timed: boolean): number {
    const n = stop - at - FRAME_PREFIX_BYTES;
    if (this.needsRotation(26 + n)) {
      // Rotation writes out the buffer before the payload and empties it: move the payload down.
      this.rotate();
      this.buf.copyWithin(FRAME_PREFIX_BYTES, at + FRAME_PREFIX_BYTES, stop);
    }
    const seq = this.commitFrame(type, 0, tsNs, n);
    this.pendingRecords++;
    this.metrics.counters.records!++;
    this.afterWrite();
    if (timed) this.metrics.record('appendLatencyNs', (performance.now() - t0) * 1e6);
    return seq;
  }

  /** Where a payload starting at frame offset `at` of the buffer must end (its CRC and the frame limit). */
  private payloadLimit(at: number): number {
    return Math.min(this.buf.length - 4, at + FRAME_PREFIX_BYTES + FRAME_MAX_PAYLOAD_BYTES);
  }

  /** Buffers an all-or-nothing batch; returns the first seq. Nobody ever sees part of it. */
  writeBatch(records: readonly AppendRecord[]): number {
    const t0 = this.measure ? performance.now() : 0;
    this.checkWritable();
    if (!Array.isArray(records)) throw new TapedeckError('BAD_ARGUMENT', `appendBatch takes an array of records (got ${records === null ? 'null' : typeof records})`);
    if (records.length === 0) throw new TapedeckError('BAD_ARGUMENT', 'appendBatch needs at least one record');
    let prevTs = this.lastTsValue;
    let size = 0;
    // Validate the whole batch before framing any of it, so a bad record leaves nothing behind.
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      try {
        if (r === null || typeof r !== 'object') throw new TapedeckError('BAD_ARGUMENT', `batch record ${i} is not an object (got ${r === null ? 'null' : typeof r})`);
        this.checkRecord(r.type, r.tsNs, r.payload, prevTs);
      } catch (err) {
        if (err instanceof TapedeckError) err.details.batchIndex = i;
        throw err;
      }
      prevTs = r.tsNs;
      size += 26 + r.payload.length;
    }
    this.makeRoom(size);
    const first = this.nextSeqValue;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      this.frame(r.type, i < records.length - 1 ? FLAG_BATCH_CONT : 0, r.tsNs, r.payload);
    }
    this.pendingRecords += records.length;
    this.metrics.counters.records! += records.length;
    this.metrics.counters.batches!++;
    this.afterWrite();
    if (this.measure) this.metrics.record('appendLatencyNs', (performance.now() - t0) * 1e6);
    return first;
  }

  /**
   * Appends frames another thread built: src[start, end) holds whole frames back to back, each
   * sealed (sealFrame) with seq 0 and flags 0, their ts never going back. Each gets its seq
   * (reseqFrame patches seq and CRC in src) and the bookkeeping commitFrame does, and they are
   * copied into the write buffer in runs: the file is byte for byte what write() of the same
   * records one by one makes, rotations and index entries included. Returns the first seq.
   * A frame that breaks these rules (or a ts before the log's last) is refused with a
   * BAD_ARGUMENT or TS_BACKWARDS error naming its offset in src; the frames before it stay
   * written, as with successive write() calls.
   */
  writeFrameRun(src: Buffer, start: number, end: number): number {
    this.checkWritable();
    const first = this.nextSeqValue;
    const seg0 = this.seg;
    let seg = seg0;
    // ts compared as (signed high, unsigned low) words: no BigInt per frame.
    let prevHi = Number(this.lastTsValue >> 32n);
    let prevLo = Number(this.lastTsValue & 0xffffffffn);
    let p = start;
    let copyFrom = start; // frames [copyFrom, p) are sealed but not yet in buf
    let lastAt = -1;
    let count = 0;
    while (p < end) {
      const length = u32(src, p);
      const size = 8 + length;
      if (length < 18 || p + size > end || length - 18 > FRAME_MAX_PAYLOAD_BYTES || src[p + 4] === 0 || src[p + 5] !== 0 || u32(src, p + 6) !== 0 || u32(src, p + 10) !== 0) {
        this.endFrameRun(src, copyFrom, p, lastAt, count);
        throw new TapedeckError('BAD_ARGUMENT', `writeFrameRun: no seq-0 frame at byte ${p} of the run [${start}, ${end})`, { offset: p });
      }
      const lo = u32(src, p + 14);
      const hi = (src[p + 18]! | (src[p + 19]! << 8) | (src[p + 20]! << 16) | (src[p + 21]! << 24)) | 0;
      if (hi < prevHi || (hi === prevHi && lo < prevLo)) {
        this.endFrameRun(src, copyFrom, p, lastAt, count);
        this.checkFrameFields(src[p + 4]!, readI64(src, p + 14), this.lastTsValue);
      }
      const pending = p - copyFrom;
      if (this.bufUsed + pending + size > this.buf.length || this.needsRotation(pending + size)) {
        // The same rotation and write-out points as commitFrame's callers.
        this.endFrameRun(src, copyFrom, p, lastAt, 0);
        copyFrom = p;
        this.makeRoom(size);
        seg = this.seg;
      }
      const seq = this.nextSeqValue;
      const fileOffset = seg.fileEnd + this.bufUsed + (p - copyFrom);
      const crc = reseqFrame(src, p, seq);
      if (this.indexesAt(seg, fileOffset)) {
        seg.index.push({ seq, tsNs: readI64(src, p + 14), offsetBytes: fileOffset });
        seg.lastIndexedOffset = fileOffset;
      }
      this.pendingContinuation = false;
      seg.chain = chainUpdate(seg.chain, crc);
      if (seg.count === 0) seg.firstTs = readI64(src, p + 14);
      seg.count++;
      if (this.firstTsOfLog === null) this.firstTsOfLog = readI64(src, p + 14);
      this.nextSeqValue = seq + 1;
      prevHi = hi;
      prevLo = lo;
      lastAt = p;
      count++;
      p += size;
    }
    this.endFrameRun(src, copyFrom, p, lastAt, count);
    return first;
  }

  /** Copies the sealed frames [from, to) of a run into buf and sets the last ts from the frame at lastAt. */
  private endFrameRun(src: Buffer, from: number, to: number, lastAt: number, count: number): void {
    if (to > from) {
      this.buf.set(src.subarray(from, to), this.bufUsed);
      this.bufUsed += to - from;
    }
    if (lastAt >= 0) {
      const ts = readI64(src, lastAt + 14);
      this.seg.lastTs = ts;
      this.lastTsValue = ts;
    }
    if (count > 0) {
      this.pendingRecords += count;
      this.metrics.counters.records! += count;
      this.afterWrite();
    }
  }

  /** Appends one record; resolves with its seq once durable by the log's mode. */
  append(type: number, tsNs: bigint, payload: Uint8Array): Promise<number> {
    let seq: number;
    try {
      seq = this.write(type, tsNs, payload);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.waitDurable(seq);
  }

  appendBatch(records: readonly AppendRecord[]): Promise<number> {
    let first: number;
    try {
      first = this.writeBatch(records);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.waitDurable(first);
  }

  /** Writes out and fdatasyncs everything buffered so far. */
  sync(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve();
    const c = (this.commit ??= deferred());
    this.scheduleFlush(true);
    return c.promise;
  }

  private waitDurable(seq: number): Promise<number> {
    if (this.mode === 'async') return Promise.resolve(seq);
    const c = (this.commit ??= deferred());
    return c.promise.then(() => seq);
  }

  private checkWritable(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new TapedeckError('LOG_CLOSED', `${this.dir}: the log is closed`, { path: this.dir });
  }

  private checkRecord(type: number, tsNs: bigint, payload: Uint8Array, prevTs: bigint): void {
    // Checked first: a string would be stored as zero bytes, a number would fail inside the write
    // and blame the disk, null would be a TypeError.
    if (!(payload instanceof Uint8Array)) {
      const got = payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload;
      throw new TapedeckError('BAD_ARGUMENT', `payload must be a Uint8Array or Buffer (got ${got})`, { got });
    }
    this.checkFrameFields(type, tsNs, prevTs);
    if (payload.length > FRAME_MAX_PAYLOAD_BYTES) {
      throw new TapedeckError('RECORD_TOO_LARGE', `payload of ${payload.length} bytes exceeds the maximum of ${FRAME_MAX_PAYLOAD_BYTES}`);
    }
  }

  private checkFrameFields(type: number, tsNs: bigint, prevTs: bigint): void {
    if (!Number.isInteger(type) || type < 1 || type > 255) {
      throw new TapedeckError('BAD_ARGUMENT', `record type ${type} is not an integer from 1 to 255`, { type });
    }
    if (typeof tsNs !== 'bigint' || tsNs < INT64_MIN || tsNs > INT64_MAX) {
      throw new TapedeckError('BAD_ARGUMENT', `timestamp ${String(tsNs)} is not an int64 of nanoseconds`, { tsNs: String(tsNs) });
    }
    if (tsNs < prevTs) {
      throw new TapedeckError('TS_BACKWARDS', `${this.dir}: timestamp ${tsNs} is earlier than the previous record's ${prevTs}; the log's time axis never goes back`, {
        tsNs: String(tsNs),
        prevTsNs: String(prevTs),
      });
    }
  }

  /** Rotates first if `size` more bytes would overflow the segment, and makes buffer room. */
  private makeRoom(size: number): void {
    if (this.needsRotation(size)) this.rotate();
    if (this.bufUsed + size > this.buf.length) {
      this.writeOut();
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    }
  }

  /** Whether `size` more bytes would overflow the active segment (with its footer). */
  private needsRotation(size: number): boolean {
    const seg = this.seg;
    const footerBytes = (seg.index.length + 2) * INDEX_ENTRY_BYTES + TRAILER_BYTES;
    return seg.count > 0 && seg.fileEnd + this.bufUsed + size + footerBytes > this.segmentBytes;
  }

  /** Frames one record into the buffer and updates the segment's bookkeeping. */
  private frame(type: number, flags: number, tsNs: bigint, payload: Uint8Array): number {
    this.buf.set(payload, this.bufUsed + FRAME_PREFIX_BYTES);
    return this.commitFrame(type, flags, tsNs, payload.length);
  }

  /** Frames the n payload bytes already at bufUsed + FRAME_PREFIX_BYTES and does the bookkeeping. */
  private commitFrame(type: number, flags: number, tsNs: bigint, n: number): number {
    const seg = this.seg;
    const seq = this.nextSeqValue;
    const fileOffset = seg.fileEnd + this.bufUsed;
    const crc = sealFrame(this.buf, this.bufUsed, type, flags, seq, tsNs, n);
    this.bufUsed += 26 + n;
    if (this.indexesAt(seg, fileOffset)) {
      seg.index.push({ seq, tsNs, offsetBytes: fileOffset });
      seg.lastIndexedOffset = fileOffset;
    }
    this.pendingContinuation = (flags & FLAG_BATCH_CONT) !== 0;
    seg.chain = chainUpdate(seg.chain, crc);
    if (seg.count === 0) seg.firstTs = tsNs;
    seg.count++;
    seg.lastTs = tsNs;
    if (this.firstTsOfLog === null) this.firstTsOfLog = tsNs;
    this.nextSeqValue = seq + 1;
    this.lastTsValue = tsNs;
    return seq;
  }

  private pendingContinuation = false;

  /**
   * Whether the record starting at fileOffset gets an index entry: the segment's first, then one
   * every `indexEvery` bytes, and only where a reader may start (never inside a batch).
   */
  private indexesAt(seg: { index: readonly unknown[]; lastIndexedOffset: number }, fileOffset: number): boolean {
    return !this.pendingContinuation && (seg.index.length === 0 || fileOffset - seg.lastIndexedOffset >= this.indexEvery);
  }

  private afterWrite(): void {
    if (this.mode === 'strict') {
      this.scheduleFlush(true);
    } else if (this.mode === 'batched' && this.pendingRecords >= this.batchSize) {
      this.scheduleFlush(true);
    } else if (!this.timer && !this.immediate) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.runFlush();
      }, this.intervalMs);
      // An async log never holds the process open: the exit hook makes its tail durable.
      if (this.mode === 'async') this.timer.unref();
    }
  }

  /** Schedules a flush after the current turn, so concurrent appends share one fdatasync. */
  private scheduleFlush(soon: boolean): void {
    if (!soon || this.immediate) return;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.immediate = setImmediate(() => {
      this.immediate = null;
      void this.runFlush();
    });
  }

  private runFlush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      for (const fd of this.retiredFds.splice(0)) closeQuietly(this.ops, fd);
      if (this.flushAgain || this.commit) {
        this.flushAgain = false;
        if (!this.failure && !this.closed) this.scheduleFlush(true);
      }
    });
    return this.flushing;
  }

  private async flushLoop(): Promise<void> {
    do {
      this.flushAgain = false;
      const commit = this.commit;
      this.commit = null;
      const upTo = this.nextSeqValue - 1;
      this.pendingRecords = 0;
      try {
        this.checkWritable();
        this.writeOut();
        const seg = this.seg;
        const end = seg.fileEnd;
        const t0 = performance.now();
        try {
          await this.ops.fdatasync(seg.fd);
        } catch (err) {
          throw this.failWith(err, 'fdatasync failed');
        }
        this.metrics.counters.fsyncs!++;
        this.metrics.record('fsyncLatencyNs', (performance.now() - t0) * 1e6);
        if (this.seg === seg) seg.syncedEnd = Math.max(seg.syncedEnd, end);
        if (upTo > this.durableSeqValue) this.durableSeqValue = upTo;
        commit?.resolve();
      } catch (err) {
        commit?.reject(err);
        const later = this.commit as Deferred | null;
        later?.reject(err);
        this.commit = null;
        return;
      }
    } while (this.flushAgain);
  }

  /** Hands the buffered frames to the OS (no fsync). */
  private writeOut(): void {
    if (this.bufUsed === 0) return;
    const seg = this.seg;
    try {
      writeFully(this.ops, seg.fd, this.buf, 0, this.bufUsed, seg.fileEnd);
    } catch (err) {
      throw this.failWith(err, 'write failed');
    }
    seg.fileEnd += this.bufUsed;
    this.metrics.counters.bytesWritten! += this.bufUsed;
    this.bufUsed = 0;
  }

  /** Enters the failed state: truncate back to the durable prefix, refuse everything after. */
  private failWith(cause: unknown, what: string): TapedeckError {
    if (this.failure) return this.failure;
    const seg = this.seg as ActiveSegment | undefined;
    // During open there is no active segment yet: the open fails with a plain I/O error.
    if (!seg) return new IoError(this.dir, what, cause);
    const err = new IoError(seg.path, `${what}; the log stopped and must be reopened`, cause, 'LOG_FAILED');
    this.failure = err;
    this.metrics.inc('writeFailures');
    this.bufUsed = 0;
    try {
      this.ops.ftruncateSync(seg.fd, seg.syncedEnd);
    } catch {
      // Recovery at the next open cuts any torn tail the truncate could not.
    }
    if (this.timer) clearTimeout(this.timer);
    if (this.commit) {
      this.commit.reject(err);
      this.commit = null;
    }
    return err;
  }

  // -- segments ----------------------------------------------------------------------------------

  /** Seal the active segment, then create its successor: write tmp, fsync, rename, fsync dir. */
  private rotate(): void {
    this.writeOut();
    const old = this.seg;
    this.seal(old);
    this.onStep?.('sealed');
    this.retire(old.fd);
    this.sealed.push(segStats(old, true));
    this.metrics.counters.rotations!++;
    this.recordSealed(old);
    this.seg = createSegment(
      this.ops,
      this.dir,
      { no: old.no + 1, firstSeq: this.nextSeqValue, prevLastTs: old.count > 0 ? old.lastTs : old.prevLastTs, prevChain: old.chain, userVersion: this.userVersion, recordingId: this.manifest.recordingId },
      this.fail,
      this.onStep,
    );
    if (this.nextSeqValue - 1 > this.durableSeqValue) this.durableSeqValue = this.nextSeqValue - 1;
  }

  /** Lists a freshly sealed segment in the manifest (before its successor exists). */
  private recordSealed(seg: ActiveSegment): void {
    this.manifest.sealed.push(sealedEntry(seg));
    this.manifest.cleanClose = false;
    try {
      writeManifest(this.ops, this.dir, this.manifest);
    } catch (err) {
      throw this.failWith(err, 'updating the manifest failed');
    }
  }

  private seal(seg: ActiveSegment): void {
    sealSegment(this.ops, seg, this.fail);
    this.metrics.counters.fsyncs!++;
  }

  private readonly fail = (cause: unknown, what: string): TapedeckError => this.failWith(cause, what);

  private retire(fd: number): void {
    // A flush may still be fdatasync-ing this fd on the thread pool: close it once that is done.
    if (this.flushing) this.retiredFds.push(fd);
    else closeQuietly(this.ops, fd);
  }

  /** Takes over where open's recovery (writer-open.ts) left the log. */
  private start(s: WriterStart): void {
    this.manifest = s.manifest;
    this.sealed.push(...s.sealed);
    this.seg = s.seg;
    this.nextSeqValue = s.nextSeq;
    this.lastTsValue = s.lastTs;
    this.durableSeqValue = s.durableSeq;
    this.firstSeqOfLog = s.firstSeqOfLog;
    this.firstTsOfLog = s.firstTsOfLog;
    this.recovered.push(...s.recovered);
    for (let i = 0; i < s.recovered.length; i++) this.metrics.inc('tornTailsRecovered');
  }

  // -- closing, compaction, stats ----------------------------------------------------------------

  /** Makes everything durable, seals the active segment and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failure) {
      if (this.flushing) await this.flushing.catch(() => {});
      closeQuietly(this.ops, this.seg.fd);
      for (const fd of this.retiredFds.splice(0)) closeQuietly(this.ops, fd);
      this.release();
      throw this.failure;
    }
    await this.sync();
    if (this.flushing) await this.flushing;
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    this.closed = true;
    try {
      this.writeOut();
      const seg = this.seg;
      if (seg.count === 0 && this.sealed.length > 0) {
        // An empty trailing segment carries nothing a reader needs.
        closeQuietly(this.ops, seg.fd);
        this.ops.unlinkSync(seg.path);
        syncDir(this.ops, this.dir);
      } else {
        this.seal(seg);
        closeQuietly(this.ops, seg.fd);
        this.manifest.sealed.push(sealedEntry(seg));
      }
      this.manifest.cleanClose = true;
      try {
        writeManifest(this.ops, this.dir, this.manifest);
      } catch {
        // Everything is sealed and durable; the manifest keeps saying "not closed cleanly", which is
        // what a crash here would leave, and the next open brings it up to date. A full disk must not
        // fail a close whose data is safe.
        this.metrics.inc('writeFailures');
      }
    } finally {
      // Only a log asked to publish metrics leaves metrics.json: deterministic recordings must hold
      // nothing that changes from run to run.
      if (this.metricsTimer) this.publishMetrics();
      this.release();
    }
  }

  private release(): void {
    this.closed = true;
    forgetOnExit(this);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.lock.release();
  }

  /**
   * Simulation seam: drops this writer as a power loss or SIGKILL would — no write, no sync, no
   * unlock; its lock is only forgotten by this process (the LOCK file stays, naming a dead holder).
   */
  abandon(): void {
    if (this.immediate) clearImmediate(this.immediate);
    if (this.timer) clearTimeout(this.timer);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.immediate = null;
    this.timer = null;
    this.closed = true;
    this.failure ??= new TapedeckError('LOG_CLOSED', `${this.dir}: the writer was abandoned (simulated crash)`, { path: this.dir });
    if (this.commit) {
      this.commit.reject(this.failure);
      this.commit = null;
    }
    forgetOnExit(this);
    this.lock.forget();
  }

  /** Called from the process exit hook: write out and fdatasync synchronously, do not seal. */
  flushOnExit(): void {
    if (this.closed || this.failure) return;
    try {
      this.writeOut();
      this.ops.fdatasyncSync(this.seg.fd);
      this.durableSeqValue = this.nextSeqValue - 1;
    } catch {
      // The process is exiting: recovery at the next open handles whatever did not make it.
    }
    this.lock.release();
  }

  /** Removes whole sealed segments that end before `beforeTs`; never the active one. */
  compact(opts: { beforeTs: bigint; dryRun?: boolean }): CompactResult {
    this.checkWritable();
    const result = compactHeld(this.dir, { ...opts, fileOps: this.ops, manifest: this.manifest });
    const removed = new Set(result.removed.map((r) => r.name));
    for (let i = this.sealed.length - 1; i >= 0; i--) if (removed.has(this.sealed[i]!.name)) this.sealed.splice(i, 1);
    if (this.sealed.length > 0) this.firstSeqOfLog = this.sealed[0]!.firstSeq;
    else this.firstSeqOfLog = this.seg.firstSeq;
    return result;
  }

  stats(): LogStats {
    const active = segStats(this.seg, false);
    active.bytes += this.bufUsed;
    const segments = [...this.sealed, active];
    const records = segments.reduce((n, s) => n + s.records, 0);
    return {
      dir: this.dir,
      segments,
      records,
      bytes: segments.reduce((n, s) => n + s.bytes, 0),
      firstSeq: this.firstSeqOfLog,
      lastSeq: this.nextSeqValue - 1,
      firstTs: records > 0 ? this.firstTsOfLog : null,
      lastTs: records > 0 ? this.lastTsValue : null,
      durableSeq: this.durableSeqValue,
      appendLatencyNs: summarize(this.metrics.histograms.appendLatencyNs!),
      fsyncLatencyNs: summarize(this.metrics.histograms.fsyncLatencyNs!),
    };
  }

  /** Writes metrics.json beside the segments (atomically), for a second process to read. */
  publishMetrics(): void {
    const s = this.stats();
    publishMetricsFile(this.ops, this.dir, this.metrics, {
      records: s.records,
      bytes: s.bytes,
      segments: s.segments.length,
      lastSeq: s.lastSeq,
      durableSeq: s.durableSeq,
    });
  }
}

/** A u32 (LE) from bytes the caller has bounds-checked. */
function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
