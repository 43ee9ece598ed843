/**
 * The write-ahead log's writer: policy (open and recover, append, rotate, sync, seal, compact).
 * Byte layouts live in format.ts; reading lives in reader.ts.
 *
 * Writes fail stop: a short write, a write error or a failed fsync is never retried (the kernel
 * may already have dropped the dirty pages). The log truncates back to its last durable frame,
 * rejects that append and every later one, and must be reopened.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CorruptionError, IoError, TapedeckError } from '../errors.js';
import { Metrics, summarize, type HistogramSummary } from '../util/metrics.js';
import { chainUpdate } from './crc.js';
import { realFileOps, syncDir, writeFully, type FileOps } from './file-ops.js';
import {
  FLAG_BATCH_CONT,
  FRAME_MAX_PAYLOAD_BYTES,
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  INT64_MAX,
  INT64_MIN,
  TRAILER_BYTES,
  encodeFooter,
  encodeHeader,
  writeFrame,
  type IndexEntry,
} from './format.js';
import { acquireLock, pidIsAlive, type DirLock } from './lock.js';
import { METRICS_NAME, TMP_SUFFIX, segmentName, tornSideName } from './names.js';
import { RECOVERY_POLICIES, type RecoveryPolicy } from './reader.js';
import { inspectSegment, listSegmentNames, type SegmentMeta } from './segment-file.js';
import { SegmentWalker } from './walker.js';

export type DurabilityMode = 'strict' | 'batched' | 'async';
export type Durability =
  | DurabilityMode
  | { mode: 'strict' }
  | { mode: 'batched'; intervalMs?: number; batchSize?: number }
  | { mode: 'async'; intervalMs?: number };

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
  pid?: number;
}

export type RotationStep = 'sealed' | 'tmp-created' | 'renamed' | 'dir-synced';

export interface AppendRecord {
  type: number;
  tsNs: bigint;
  payload: Uint8Array;
}

/** What open() cut from a torn tail, and where it kept the bytes. */
export interface RecoveryReport {
  file: string;
  offsetBytes: number;
  bytes: number;
  reason: string;
  sideFile: string;
}

export interface SegmentStats {
  name: string;
  bytes: number;
  sealed: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
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

export interface CompactResult {
  removed: { name: string; bytes: number; lastTs: bigint; records: number }[];
  reclaimedBytes: number;
  dryRun: boolean;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejected commit nobody awaits must not crash the process: the log's failure is re-raised
  // by every later call anyway.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const DEFAULT_SEGMENT_BYTES = 128 * 1024 * 1024;
const DEFAULT_INDEX_EVERY = 64 * 1024;
const BUFFER_BYTES = 1 << 20;
/** Append latency is timed on one call in this many (a power of two); batches are always timed. */
const LATENCY_SAMPLE = 8;

const openLogs = new Set<Log>();
let exitHookInstalled = false;

/** Exit paths make everything written durable (a sync write and fdatasync; no sealing). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const log of openLogs) log.flushOnExit();
  });
}

/** One live segment's bookkeeping. */
interface ActiveSegment {
  no: number;
  name: string;
  path: string;
  fd: number;
  firstSeq: number;
  count: number;
  firstTs: bigint | null;
  lastTs: bigint;
  prevLastTs: bigint;
  chain: number;
  index: IndexEntry[];
  lastIndexedOffset: number;
  /** Bytes on file (header and frames written out). */
  fileEnd: number;
  /** The durable prefix of the file: where a failure truncates back to. */
  syncedEnd: number;
}

export class Log {
  readonly dir: string;
  readonly metrics = new Metrics(
    ['records', 'bytesWritten', 'fsyncs', 'rotations', 'batches', 'tornTailsRecovered', 'writeFailures'],
    ['appendLatencyNs', 'fsyncLatencyNs'],
  );
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
    try {
      ops.mkdirSync(dir);
    } catch (err) {
      throw new IoError(dir, 'cannot create the recording directory', err);
    }
    const lock = acquireLock(ops, dir, opts.pid ?? process.pid, pidIsAlive);
    const log = new Log(dir, opts, lock);
    try {
      log.recover(opts.policy ?? 'tolerate-tail');
    } catch (err) {
      lock.release();
      throw err;
    }
    openLogs.add(log);
    installExitHook();
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
    // Latency is sampled (1 in LATENCY_SAMPLE): timing every call costs ~30% of throughput.
    const timed = this.measure && (this.nextSeqValue & (LATENCY_SAMPLE - 1)) === 0;
    const t0 = timed ? performance.now() : 0;
    this.checkWritable();
    this.checkRecord(type, tsNs, payload, this.lastTsValue);
    const size = 26 + payload.length;
    this.makeRoom(size);
    const seq = this.frame(type, 0, tsNs, payload);
    this.pendingRecords++;
    this.metrics.counters.records!++;
    this.afterWrite();
    if (timed) this.metrics.record('appendLatencyNs', (performance.now() - t0) * 1e6);
    return seq;
  }

  /** Buffers an all-or-nothing batch; returns the first seq. Nobody ever sees part of it. */
  writeBatch(records: readonly AppendRecord[]): number {
    const t0 = this.measure ? performance.now() : 0;
    this.checkWritable();
    if (records.length === 0) throw new TapedeckError('BAD_ARGUMENT', 'appendBatch needs at least one record');
    let prevTs = this.lastTsValue;
    let size = 0;
    // Validate the whole batch before framing any of it, so a bad record leaves nothing behind.
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      try {
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
    if (payload.length > FRAME_MAX_PAYLOAD_BYTES) {
      throw new TapedeckError('RECORD_TOO_LARGE', `payload of ${payload.length} bytes exceeds the maximum of ${FRAME_MAX_PAYLOAD_BYTES}`);
    }
  }

  /** Rotates first if `size` more bytes would overflow the segment, and makes buffer room. */
  private makeRoom(size: number): void {
    const seg = this.seg;
    const dataEnd = seg.fileEnd + this.bufUsed;
    const footerBytes = (seg.index.length + 2) * INDEX_ENTRY_BYTES + TRAILER_BYTES;
    if (seg.count > 0 && dataEnd + size + footerBytes > this.segmentBytes) this.rotate();
    if (this.bufUsed + size > this.buf.length) {
      this.writeOut();
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    }
  }

  /** Frames one record into the buffer and updates the segment's bookkeeping. */
  private frame(type: number, flags: number, tsNs: bigint, payload: Uint8Array): number {
    const seg = this.seg;
    const seq = this.nextSeqValue;
    const fileOffset = seg.fileEnd + this.bufUsed;
    const crc = writeFrame(this.buf, this.bufUsed, type, flags, seq, tsNs, payload);
    this.bufUsed += 26 + payload.length;
    // Index only where a reader may start: never inside a batch.
    const startsUnit = this.pendingContinuation === false;
    if (startsUnit && (seg.index.length === 0 || fileOffset - seg.lastIndexedOffset >= this.indexEvery)) {
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
      for (const fd of this.retiredFds.splice(0)) this.closeQuietly(fd);
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
    const seg = this.seg;
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
    this.step('sealed');
    this.retire(old.fd);
    this.sealed.push(segStats(old, true));
    this.metrics.counters.rotations!++;
    this.seg = this.createSegment(old.no + 1, this.nextSeqValue, old.count > 0 ? old.lastTs : old.prevLastTs, old.chain);
    if (this.nextSeqValue - 1 > this.durableSeqValue) this.durableSeqValue = this.nextSeqValue - 1;
  }

  private seal(seg: ActiveSegment): void {
    const footer = encodeFooter({
      recordCount: seg.count,
      firstSeq: seg.firstSeq,
      lastSeq: seg.firstSeq + seg.count - 1,
      firstTs: seg.firstTs ?? seg.prevLastTs,
      lastTs: seg.count > 0 ? seg.lastTs : seg.prevLastTs,
      dataEnd: seg.fileEnd,
      chain: seg.chain,
      index: seg.index,
    });
    try {
      writeFully(this.ops, seg.fd, footer, 0, footer.length, seg.fileEnd);
      this.ops.fdatasyncSync(seg.fd);
    } catch (err) {
      throw this.failWith(err, 'sealing the segment failed');
    }
    this.metrics.counters.fsyncs!++;
    seg.syncedEnd = seg.fileEnd + footer.length;
  }

  private createSegment(no: number, firstSeq: number, prevLastTs: bigint, prevChain: number): ActiveSegment {
    const name = segmentName(no, firstSeq);
    const finalPath = path.join(this.dir, name);
    const tmpPath = finalPath + TMP_SUFFIX;
    const header = encodeHeader({ formatVersion: 1, userVersion: this.userVersion, segmentNo: no, firstSeq, prevLastTs, prevChain });
    let fd: number;
    try {
      fd = this.ops.openSync(tmpPath, 'w+');
      writeFully(this.ops, fd, header, 0, header.length, 0);
      this.ops.fdatasyncSync(fd);
    } catch (err) {
      throw this.failWith(err, `creating segment ${name} failed`);
    }
    this.step('tmp-created');
    try {
      this.ops.renameSync(tmpPath, finalPath);
      this.step('renamed');
      syncDir(this.ops, this.dir);
      this.step('dir-synced');
    } catch (err) {
      this.closeQuietly(fd);
      throw this.failWith(err, `installing segment ${name} failed`);
    }
    return {
      no,
      name,
      path: finalPath,
      fd,
      firstSeq,
      count: 0,
      firstTs: null,
      lastTs: prevLastTs,
      prevLastTs,
      chain: prevChain,
      index: [],
      lastIndexedOffset: HEADER_BYTES,
      fileEnd: HEADER_BYTES,
      syncedEnd: HEADER_BYTES,
    };
  }

  private step(step: RotationStep): void {
    this.onStep?.(step);
  }

  private retire(fd: number): void {
    // A flush may still be fdatasync-ing this fd on the thread pool: close it once that is done.
    if (this.flushing) this.retiredFds.push(fd);
    else this.closeQuietly(fd);
  }

  private closeQuietly(fd: number): void {
    try {
      this.ops.closeSync(fd);
    } catch {
      // Closing is best effort once the data is durable.
    }
  }

  // -- recovery ----------------------------------------------------------------------------------

  private recover(policy: RecoveryPolicy): void {
    const ops = this.ops;
    for (const n of ops.readdirSync(this.dir)) {
      // A segment created but never renamed into place: a crash mid-rotation.
      if (n.endsWith(TMP_SUFFIX)) ops.unlinkSync(path.join(this.dir, n));
    }
    const names = listSegmentNames(ops, this.dir);
    if (names.length === 0) {
      this.seg = this.createSegment(0, 0, INT64_MIN, 0);
      return;
    }
    const metas = names.map((n) => inspectSegment(ops, this.dir, n));
    for (let i = 0; i < metas.length; i++) {
      const m = metas[i]!;
      const prev = metas[i - 1];
      if (prev) {
        if (m.segmentNo !== prev.segmentNo + 1) throw new CorruptionError(m.name, 0, `segment ${prev.segmentNo + 1} is missing`, undefined, 'MISSING_SEGMENT');
        if (!prev.footer) throw new CorruptionError(prev.name, prev.sizeBytes, `segment is not sealed but ${m.name} follows it`, undefined, 'CORRUPT_SEGMENT');
        if (m.firstSeq !== prev.footer.lastSeq + 1 || m.header.prevChain !== prev.footer.chain) {
          throw new CorruptionError(m.name, 0, `does not continue ${prev.name} (seq or chain checksum): a segment is missing, duplicated or replaced`, undefined, 'MISSING_SEGMENT');
        }
      }
      if (i < metas.length - 1) this.sealed.push(metaStats(m));
    }
    const first = metas[0]!;
    this.firstSeqOfLog = first.firstSeq;
    this.firstTsOfLog = first.footer && first.footer.recordCount > 0 ? first.footer.firstTs : null;
    const last = metas[metas.length - 1]!;
    if (last.footer) {
      const f = last.footer;
      this.sealed.push(metaStats(last));
      this.nextSeqValue = f.lastSeq + 1;
      this.lastTsValue = f.recordCount > 0 ? f.lastTs : last.header.prevLastTs;
      this.durableSeqValue = f.lastSeq;
      this.seg = this.createSegment(last.segmentNo + 1, this.nextSeqValue, this.lastTsValue, f.chain);
      return;
    }
    this.recoverTail(last, policy);
  }

  /** Scans the unsealed tail segment, cuts a torn tail (keeping its bytes), and resumes there. */
  private recoverTail(meta: SegmentMeta, policy: RecoveryPolicy): void {
    const ops = this.ops;
    let fd: number;
    try {
      fd = ops.openSync(meta.path, 'r+');
    } catch (err) {
      throw new IoError(meta.path, 'cannot open the tail segment for recovery', err);
    }
    const walker = new SegmentWalker(ops, fd, HEADER_BYTES, null);
    const seg: ActiveSegment = {
      no: meta.segmentNo,
      name: meta.name,
      path: meta.path,
      fd,
      firstSeq: meta.firstSeq,
      count: 0,
      firstTs: null,
      lastTs: meta.header.prevLastTs,
      prevLastTs: meta.header.prevLastTs,
      chain: meta.header.prevChain,
      index: [],
      lastIndexedOffset: HEADER_BYTES,
      fileEnd: HEADER_BYTES,
      syncedEnd: HEADER_BYTES,
    };
    // State at the last complete unit (a single record or the end of a batch).
    let good = { end: HEADER_BYTES, count: 0, chain: seg.chain, lastTs: seg.lastTs, firstTs: null as bigint | null, indexLen: 0, lastIndexed: HEADER_BYTES };
    let expectedSeq = meta.firstSeq;
    let lastTs = seg.prevLastTs;
    let chain = seg.chain;
    let count = 0;
    let firstTs: bigint | null = null;
    let inBatch = false;
    let lastIndexed = HEADER_BYTES;
    let reason: string | null = null;
    let frameStart = HEADER_BYTES;
    for (;;) {
      frameStart = walker.offset;
      const out = walker.next();
      if (out.kind === 'frame') {
        if (out.seq !== expectedSeq) reason = `seq ${out.seq} where ${expectedSeq} was expected`;
        else if (out.tsNs < lastTs) reason = `timestamp ${out.tsNs} goes back from ${lastTs}`;
        if (reason) break;
        if (!inBatch && (seg.index.length === 0 || frameStart - lastIndexed >= this.indexEvery)) {
          seg.index.push({ seq: out.seq, tsNs: out.tsNs, offsetBytes: frameStart });
          lastIndexed = frameStart;
        }
        expectedSeq++;
        lastTs = out.tsNs;
        chain = chainUpdate(chain, out.crc);
        if (count === 0) firstTs = out.tsNs;
        count++;
        inBatch = (out.flags & FLAG_BATCH_CONT) !== 0;
        if (!inBatch) good = { end: walker.offset, count, chain, lastTs, firstTs, indexLen: seg.index.length, lastIndexed };
        continue;
      }
      if (out.kind === 'end') reason = inBatch ? 'an atomic batch never completed' : null;
      else if (out.kind === 'zeros') reason = 'zero-filled tail';
      else reason = out.reason;
      break;
    }
    const fileBytes = walker.dataEnd();
    const cut = good.end;
    if (reason !== null || cut < fileBytes) {
      const why = reason ?? 'bytes after the last complete frame';
      // Where the bad frame starts (a well-formed frame with the wrong seq or ts has been read past).
      const corruptAt = frameStart;
      // Valid frames after the bad spot mean this is not a torn write but corruption in the middle.
      if (policy !== 'point-in-time' && policy !== 'skip' && walker.findNextValidFrame(corruptAt + 1, good.count + meta.firstSeq) >= 0) {
        ops.closeSync(fd);
        throw new CorruptionError(meta.name, corruptAt, why, good.count + meta.firstSeq);
      }
      if (policy === 'absolute') {
        ops.closeSync(fd);
        throw new CorruptionError(meta.name, cut, `torn tail of ${fileBytes - cut} bytes: ${why}`, good.count + meta.firstSeq, 'TORN_TAIL');
      }
      const sideFile = tornSideName(meta.name, cut);
      try {
        const evidence = Buffer.allocUnsafe(fileBytes - cut);
        let got = 0;
        while (got < evidence.length) {
          const n = ops.readSync(fd, evidence, got, evidence.length - got, cut + got);
          if (n === 0) break;
          got += n;
        }
        const side = ops.openSync(path.join(this.dir, sideFile), 'w');
        writeFully(ops, side, evidence, 0, got, 0);
        ops.fsyncSync(side);
        ops.closeSync(side);
        ops.ftruncateSync(fd, cut);
        ops.fdatasyncSync(fd);
        syncDir(ops, this.dir);
      } catch (err) {
        ops.closeSync(fd);
        throw new IoError(meta.path, 'repairing the torn tail failed', err);
      }
      this.recovered.push({ file: meta.name, offsetBytes: cut, bytes: fileBytes - cut, reason: why, sideFile });
      this.metrics.inc('tornTailsRecovered');
      seg.index.length = good.indexLen;
    }
    seg.count = good.count;
    seg.chain = good.chain;
    seg.lastTs = good.lastTs;
    seg.firstTs = good.firstTs;
    seg.lastIndexedOffset = good.lastIndexed;
    seg.fileEnd = cut;
    seg.syncedEnd = cut;
    this.seg = seg;
    this.nextSeqValue = meta.firstSeq + good.count;
    this.lastTsValue = good.count > 0 ? good.lastTs : meta.header.prevLastTs;
    this.durableSeqValue = this.nextSeqValue - 1;
    if (this.firstTsOfLog === null && this.sealed.length === 0) this.firstTsOfLog = good.firstTs;
  }

  // -- closing, compaction, stats ----------------------------------------------------------------

  /** Makes everything durable, seals the active segment and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.failure) {
      if (this.flushing) await this.flushing.catch(() => {});
      this.closeQuietly(this.seg.fd);
      for (const fd of this.retiredFds.splice(0)) this.closeQuietly(fd);
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
        this.closeQuietly(seg.fd);
        this.ops.unlinkSync(seg.path);
        syncDir(this.ops, this.dir);
      } else {
        this.seal(seg);
        this.closeQuietly(seg.fd);
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
    openLogs.delete(this);
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    this.lock.release();
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
    const result = compactLog(this.dir, { ...opts, fileOps: this.ops, keepLast: true });
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
    const doc = {
      pid: process.pid,
      records: s.records,
      bytes: s.bytes,
      segments: s.segments.length,
      lastSeq: s.lastSeq,
      durableSeq: s.durableSeq,
      counters: this.metrics.counters,
      appendLatencyNs: this.metrics.encodeHistogram('appendLatencyNs'),
      fsyncLatencyNs: this.metrics.encodeHistogram('fsyncLatencyNs'),
    };
    const p = path.join(this.dir, METRICS_NAME);
    try {
      this.ops.writeFileSync(p + TMP_SUFFIX, JSON.stringify(doc));
      this.ops.renameSync(p + TMP_SUFFIX, p);
    } catch {
      // Metrics are advisory: never fail the log for them.
    }
  }
}

/** Removes whole sealed segments ending before `beforeTs`, oldest first; never the last segment. */
export function compactLog(
  dir: string,
  opts: { beforeTs: bigint; dryRun?: boolean; fileOps?: FileOps; keepLast?: boolean },
): CompactResult {
  const ops = opts.fileOps ?? realFileOps;
  const names = listSegmentNames(ops, dir);
  const removed: CompactResult['removed'] = [];
  // The last segment may be the active one of a writer in another process: never touch it.
  for (let i = 0; i < names.length - 1; i++) {
    const m = inspectSegment(ops, dir, names[i]!);
    if (!m.footer) break;
    const lastTs = m.footer.recordCount > 0 ? m.footer.lastTs : m.header.prevLastTs;
    if (!(lastTs < opts.beforeTs)) break;
    removed.push({ name: m.name, bytes: m.sizeBytes, lastTs, records: m.footer.recordCount });
  }
  if (!opts.dryRun && removed.length > 0) {
    for (const r of removed) {
      try {
        ops.unlinkSync(path.join(dir, r.name));
      } catch (err) {
        throw new IoError(path.join(dir, r.name), 'cannot remove segment', err);
      }
    }
    syncDir(ops, dir);
  }
  return { removed, reclaimedBytes: removed.reduce((n, r) => n + r.bytes, 0), dryRun: !!opts.dryRun };
}

function segStats(seg: ActiveSegment, sealed: boolean): SegmentStats {
  return {
    name: seg.name,
    bytes: seg.fileEnd + (sealed ? (seg.index.length * INDEX_ENTRY_BYTES + TRAILER_BYTES) : 0),
    sealed,
    records: seg.count,
    firstSeq: seg.firstSeq,
    lastSeq: seg.firstSeq + seg.count - 1,
  };
}

function metaStats(m: SegmentMeta): SegmentStats {
  const f = m.footer!;
  return { name: m.name, bytes: m.sizeBytes, sealed: true, records: f.recordCount, firstSeq: f.firstSeq, lastSeq: f.lastSeq };
}

export function normalizeDurability(d: Durability): { mode: DurabilityMode; intervalMs: number; batchSize: number } {
  const o = typeof d === 'string' ? { mode: d } : d;
  const mode = o.mode;
  if (mode !== 'strict' && mode !== 'batched' && mode !== 'async') {
    throw new TapedeckError('BAD_ARGUMENT', `unknown durability mode "${String(mode)}" (expected strict, batched or async)`);
  }
  const intervalMs = 'intervalMs' in o && o.intervalMs !== undefined ? o.intervalMs : 100;
  const batchSize = 'batchSize' in o && o.batchSize !== undefined ? o.batchSize : 1000;
  if (!(intervalMs > 0) || !(batchSize >= 1)) {
    throw new TapedeckError('BAD_ARGUMENT', `durability interval (${intervalMs} ms) and batch size (${batchSize}) must be positive`);
  }
  return { mode, intervalMs, batchSize };
}
