/**
 * Reading a log: a synchronous pull cursor (the building block), a callback scan that can stop
 * early, and async iterators that can follow a log another process is still appending to.
 * Readers never modify a recording; only a writer's open repairs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CorruptionError, TapedeckError } from '../errors.js';
import { Metrics } from '../util/metrics.js';
import { chainUpdate } from './crc.js';
import { realFileOps, type FileOps } from './file-ops.js';
import { FLAG_BATCH_CONT, HEADER_BYTES, INT64_MIN, type IndexEntry } from './format.js';
import { inspectSegment, listSegmentNames, type SegmentMeta } from './segment-file.js';
import { DEFAULT_CHUNK_BYTES, SegmentWalker } from './walker.js';

/**
 * How a reader treats a bad frame, after RocksDB's WAL recovery modes:
 * - 'tolerate-tail' (kTolerateCorruptedTailRecords, the default): an incomplete or garbage tail of
 *   the last, unsealed segment is the expected result of a crash and ends the log; corruption
 *   anywhere else is an error.
 * - 'absolute' (kAbsoluteConsistency): any bad byte, a torn tail included, is an error.
 * - 'point-in-time' (kPointInTimeRecovery): stop at the first bad record, keep everything before.
 * - 'skip' (kSkipAnyCorruptedRecords): salvage: skip each bad record, report it, read on.
 */
export type RecoveryPolicy = 'tolerate-tail' | 'absolute' | 'point-in-time' | 'skip';
export const RECOVERY_POLICIES: readonly RecoveryPolicy[] = ['tolerate-tail', 'absolute', 'point-in-time', 'skip'];

/**
 * One record read back. The payload is a view into the reader's chunk, made only when asked for:
 * a scan that looks at seq and ts, or a decoder that reads the chunk at payloadStart..payloadEnd
 * directly, never pays for the view. The chunk is never reused, so views stay valid.
 */
export class LogRecord {
  private view: Buffer | null = null;
  constructor(
    readonly seq: number,
    readonly tsNs: bigint,
    readonly type: number,
    /** The chunk holding the payload bytes. */
    readonly chunk: Buffer,
    readonly payloadStart: number,
    readonly payloadEnd: number,
  ) {}

  get payload(): Buffer {
    return (this.view ??= this.chunk.subarray(this.payloadStart, this.payloadEnd));
  }
}

export interface ReadOptions {
  fromSeq?: number;
  fromTs?: bigint;
  /** Inclusive. */
  toSeq?: number;
  /** Inclusive. */
  toTs?: bigint;
  types?: Iterable<number>;
  /** Keep waiting for records appended after the current end. */
  follow?: boolean;
}

export interface ReaderOptions {
  policy?: RecoveryPolicy;
  fileOps?: FileOps;
  /** Record types this reader understands; others are skipped and counted, never a failure. */
  knownTypes?: Iterable<number>;
  chunkBytes?: number;
}

export interface ReadProblem {
  kind: 'torn' | 'corrupt' | 'skipped';
  file: string;
  offsetBytes: number;
  seq?: number;
  reason: string;
  /** For a torn tail: the bytes a writer's next open will cut. */
  bytes?: number;
}

/** Returned by a cursor's next() when nothing is available now but a follower may get more later. */
export class LogCursor {
  private readonly fds = new Map<string, number>();
  private segs: SegmentMeta[];
  private segIdx = 0;
  private walker: SegmentWalker | null = null;
  private walkedWhole = false;
  private chain = 0;
  private segCount = 0;
  private expectedSeq: number | null = null;
  private lastTs: bigint | null = null;
  private readonly pending: LogRecord[] = [];
  private queue: LogRecord[] = [];
  private qi = 0;
  private finished = false;
  private closed = false;
  private readonly types: Set<number> | null;
  private readonly known: Set<number> | null;
  /** Problems met so far: a torn tail, and the corruptions a lenient policy stepped over. */
  readonly problems: ReadProblem[] = [];
  unknownSkipped = 0;
  recordsRead = 0;
  bytesRead = 0;

  constructor(
    private readonly reader: LogReader,
    private readonly opts: ReadOptions,
  ) {
    this.types = opts.types ? new Set(opts.types) : null;
    this.known = reader.knownTypes;
    this.segs = reader.segments();
    this.checkChainOfNames(this.segs);
    // Hold every segment open from the start, so a compaction that unlinks files mid-read does
    // not take away what this cursor was going to read.
    for (const s of this.segs) this.fds.set(s.name, reader.ops.openSync(s.path, 'r'));
    this.position();
  }

  get done(): boolean {
    return this.finished && this.qi >= this.queue.length;
  }

  /** The next record, or null when none is available (check `done` to tell the end from a pause). */
  next(): LogRecord | null {
    for (;;) {
      if (this.qi < this.queue.length) {
        const r = this.queue[this.qi++]!;
        if (this.qi === this.queue.length) {
          this.queue = [];
          this.qi = 0;
        }
        return r;
      }
      if (this.finished || this.closed) return null;
      if (!this.advance()) return null;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const fd of this.fds.values()) this.reader.ops.closeSync(fd);
    this.fds.clear();
    // Account this cursor's reading in its reader's metrics.
    const m = this.reader.metrics;
    m.inc('recordsRead', this.recordsRead);
    m.inc('bytesRead', this.bytesRead);
    m.inc('unknownSkipped', this.unknownSkipped);
    for (const p of this.problems) m.inc(p.kind === 'torn' ? 'tornTails' : 'corruptions');
  }

  // -- positioning -------------------------------------------------------------------------------

  private position(): void {
    const { fromSeq, fromTs } = this.opts;
    if (this.segs.length === 0) {
      if (!this.opts.follow) this.finished = true;
      return;
    }
    let idx = 0;
    if (fromSeq !== undefined) {
      for (let i = 0; i < this.segs.length; i++) if (this.segs[i]!.firstSeq <= fromSeq) idx = i;
    } else if (fromTs !== undefined) {
      idx = this.segs.length - 1;
      let lo = 0;
      let hi = this.segs.length - 1;
      // First segment whose last ts reaches fromTs; an unsealed segment always might.
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const f = this.segs[mid]!.footer;
        if (f && (f.recordCount === 0 || f.lastTs < fromTs)) lo = mid + 1;
        else hi = mid;
      }
      idx = lo;
    }
    this.openSegment(idx, this.entryFor(this.segs[idx]!));
  }

  private entryFor(seg: SegmentMeta): IndexEntry | null {
    const index = seg.footer?.index;
    if (!index || index.length === 0) return null;
    const { fromSeq, fromTs } = this.opts;
    let lo = 0;
    let hi = index.length - 1;
    let found = -1;
    // Last entry strictly before the target, so records equal to it are never skipped.
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = index[mid]!;
      const before = fromSeq !== undefined ? e.seq <= fromSeq : fromTs !== undefined ? e.tsNs < fromTs : false;
      if (before) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 ? index[found]! : null;
  }

  private openSegment(idx: number, entry: IndexEntry | null): void {
    const seg = this.segs[idx]!;
    this.segIdx = idx;
    let fd = this.fds.get(seg.name);
    if (fd === undefined) {
      fd = this.reader.ops.openSync(seg.path, 'r');
      this.fds.set(seg.name, fd);
    }
    const start = entry ? entry.offsetBytes : HEADER_BYTES;
    this.walker = new SegmentWalker(this.reader.ops, fd, start, seg.footer ? seg.footer.dataEnd : null, this.reader.chunkBytes);
    this.walkedWhole = entry === null;
    this.chain = seg.header.prevChain;
    this.segCount = 0;
    if (entry) {
      this.expectedSeq = entry.seq;
      this.lastTs = entry.tsNs;
    } else {
      if (this.expectedSeq !== null && this.expectedSeq !== seg.firstSeq) {
        const reason = `segment starts at seq ${seg.firstSeq}, expected ${this.expectedSeq}: a segment is missing or out of order`;
        // The skip policy already reported the gap when it checked the chain of names.
        if (this.reader.policy !== 'skip') this.fail(seg, HEADER_BYTES, reason, 'MISSING_SEGMENT');
      }
      this.expectedSeq = seg.firstSeq;
      this.lastTs = this.lastTs ?? (seg.header.prevLastTs === INT64_MIN ? null : seg.header.prevLastTs);
    }
  }

  private checkChainOfNames(segs: SegmentMeta[]): void {
    for (let i = 1; i < segs.length; i++) {
      const a = segs[i - 1]!;
      const b = segs[i]!;
      let reason: string | null = null;
      if (b.segmentNo !== a.segmentNo + 1) reason = `segment ${a.segmentNo + 1} is missing (found ${b.segmentNo} after ${a.segmentNo})`;
      else if (a.footer) {
        if (b.firstSeq !== a.footer.lastSeq + 1) reason = `starts at seq ${b.firstSeq} but ${a.name} ends at seq ${a.footer.lastSeq}`;
        else if (b.header.prevChain !== a.footer.chain) reason = `chain checksum does not follow ${a.name}: a segment was replaced`;
        else if (a.footer.recordCount > 0 && b.header.prevLastTs !== a.footer.lastTs) reason = `previous-ts field does not match ${a.name}`;
      }
      if (reason) {
        if (this.reader.policy === 'skip') {
          this.problems.push({ kind: 'skipped', file: b.name, offsetBytes: 0, reason });
        } else if (this.reader.policy === 'point-in-time') {
          this.problems.push({ kind: 'corrupt', file: b.name, offsetBytes: 0, reason });
          segs.length = i;
          return;
        } else {
          throw new CorruptionError(b.name, 0, reason, undefined, 'MISSING_SEGMENT');
        }
      }
    }
  }

  // -- reading -----------------------------------------------------------------------------------

  /** Reads at least one frame or reaches a stopping point; false when nothing more is available now. */
  private advance(): boolean {
    const walker = this.walker!;
    const seg = this.segs[this.segIdx]!;
    const out = walker.next();
    if (out.kind === 'frame') {
      const offset = walker.offset - (out.next - out.payloadStart + 22);
      if (this.expectedSeq !== null && out.seq !== this.expectedSeq) {
        return this.bad(seg, offset, `seq ${out.seq} where ${this.expectedSeq} was expected`);
      }
      if (this.lastTs !== null && out.tsNs < this.lastTs) {
        return this.bad(seg, offset, `timestamp ${out.tsNs} goes back from ${this.lastTs}`);
      }
      this.expectedSeq = out.seq + 1;
      this.lastTs = out.tsNs;
      this.recordsRead++;
      this.segCount++;
      this.bytesRead += out.next - out.payloadStart + 26 - 4;
      if (this.walkedWhole) this.chain = chainUpdate(this.chain, out.crc);
      const rec = new LogRecord(out.seq, out.tsNs, out.type, walker.buf, out.payloadStart, out.payloadEnd);
      if (out.flags & FLAG_BATCH_CONT) {
        this.pending.push(rec);
        return true;
      }
      if (this.pending.length > 0) {
        for (const p of this.pending) this.accept(p);
        this.pending.length = 0;
      }
      this.accept(rec);
      return true;
    }
    if (!seg.footer && this.sealedSince(seg)) return this.endOfSealed(this.segs[this.segIdx]!);
    if (out.kind === 'corrupt') return this.bad(seg, walker.offset, out.reason);
    // end, incomplete or zeros: the data of this segment is exhausted for now.
    if (seg.footer) {
      if (out.kind !== 'end') return this.bad(seg, walker.offset, `sealed segment: ${out.kind === 'zeros' ? 'zero bytes' : out.reason} before its footer`);
      return this.endOfSealed(seg);
    }
    return this.endOfUnsealed(seg, out.kind === 'end' ? null : out.kind === 'zeros' ? 'zero-filled tail' : out.reason);
  }

  private accept(rec: LogRecord): void {
    const o = this.opts;
    if (o.toSeq !== undefined && rec.seq > o.toSeq) return this.finish();
    if (o.toTs !== undefined && rec.tsNs > o.toTs) return this.finish();
    if (o.fromSeq !== undefined && rec.seq < o.fromSeq) return;
    if (o.fromTs !== undefined && rec.tsNs < o.fromTs) return;
    if (this.known && !this.known.has(rec.type)) {
      this.unknownSkipped++;
      return;
    }
    if (this.types && !this.types.has(rec.type)) return;
    this.queue.push(rec);
  }

  private finish(): void {
    this.finished = true;
  }

  private endOfSealed(seg: SegmentMeta): boolean {
    const f = seg.footer!;
    if (this.pending.length > 0) return this.bad(seg, this.walker!.offset, 'an atomic batch is cut by the end of a sealed segment');
    if (this.walkedWhole) {
      if (this.segCount !== f.recordCount) return this.bad(seg, f.dataEnd, `footer says ${f.recordCount} records, the segment holds ${this.segCount}`);
      if (this.chain !== f.chain) return this.bad(seg, f.dataEnd, 'footer chain checksum does not match the frames');
    }
    if (this.expectedSeq !== null && this.expectedSeq !== f.lastSeq + 1) {
      return this.bad(seg, f.dataEnd, `footer says last seq ${f.lastSeq}, the frames end at ${this.expectedSeq - 1}`);
    }
    return this.nextSegment(seg);
  }

  private nextSegment(seg: SegmentMeta): boolean {
    if (this.segIdx + 1 < this.segs.length) {
      this.openSegment(this.segIdx + 1, null);
      return true;
    }
    if (!this.opts.follow) {
      this.finish();
      return false;
    }
    // Following: the writer creates the next segment right after sealing this one.
    const names = listSegmentNames(this.reader.ops, this.reader.dir);
    const nextName = names.find((n) => n > seg.name);
    if (!nextName) return false;
    this.segs.push(inspectSegment(this.reader.ops, this.reader.dir, nextName));
    this.openSegment(this.segIdx + 1, null);
    return true;
  }

  /**
   * Did a writer seal this segment since we listed it? Then its footer now follows exactly the data
   * we read, and the bytes we just met are the footer, not a frame.
   */
  private sealedSince(seg: SegmentMeta): boolean {
    const fresh = inspectSegment(this.reader.ops, this.reader.dir, seg.name);
    if (!fresh.footer || fresh.footer.dataEnd !== this.walker!.offset || this.pending.length > 0) return false;
    this.segs[this.segIdx] = fresh;
    this.walker!.setLimit(fresh.footer.dataEnd);
    return true;
  }

  private endOfUnsealed(seg: SegmentMeta, tornReason: string | null): boolean {
    const walker = this.walker!;
    const isLast = this.segIdx === this.segs.length - 1;
    if (this.opts.follow && isLast) return false;
    if (!isLast) return this.bad(seg, walker.offset, `segment is not sealed but ${this.segs[this.segIdx + 1]!.name} follows it`);
    const offset = walker.offset;
    const dataEnd = walker.dataEnd();
    if (tornReason === null && this.pending.length === 0) {
      this.finish();
      return false;
    }
    // Whatever stops the last unsealed segment before its end is a torn tail: a crash mid-write.
    const pendingStart = this.pending.length > 0 ? this.pendingOffset(offset) : offset;
    const reason = this.pending.length > 0 && tornReason === null ? 'an atomic batch never completed' : tornReason ?? 'torn tail';
    return this.torn(seg, pendingStart, dataEnd - pendingStart, reason);
  }

  private pendingOffset(current: number): number {
    // Bytes of the records held back from an incomplete batch.
    let bytes = 0;
    for (const p of this.pending) bytes += p.payloadEnd - p.payloadStart + 26;
    return current - bytes;
  }

  private torn(seg: SegmentMeta, offsetBytes: number, bytes: number, reason: string): boolean {
    const seq = this.pending.length > 0 ? this.pending[0]!.seq : this.expectedSeq ?? undefined;
    this.pending.length = 0;
    if (this.reader.policy === 'absolute') {
      throw new CorruptionError(seg.name, offsetBytes, `torn tail (${bytes} bytes): ${reason}`, seq, 'TORN_TAIL');
    }
    this.problems.push({ kind: 'torn', file: seg.name, offsetBytes, seq, reason, bytes });
    this.finish();
    return false;
  }

  /** A frame that cannot be right: what happens depends on where it is and on the policy. */
  private bad(seg: SegmentMeta, offsetBytes: number, reason: string): boolean {
    const policy = this.reader.policy;
    const isTail = !seg.footer && this.segIdx === this.segs.length - 1;
    const walker = this.walker!;
    const minSeq = this.expectedSeq ?? 0;
    if (isTail && !this.opts.follow && walker.findNextValidFrame(offsetBytes + 1, minSeq) < 0) {
      const start = this.pending.length > 0 ? this.pendingOffset(offsetBytes) : offsetBytes;
      return this.torn(seg, start, walker.dataEnd() - start, reason);
    }
    if (policy === 'skip') {
      this.problems.push({ kind: 'skipped', file: seg.name, offsetBytes, seq: this.expectedSeq ?? undefined, reason });
      this.pending.length = 0;
      const resume = walker.findNextValidFrame(offsetBytes + 1, minSeq);
      this.expectedSeq = null;
      this.walkedWhole = false;
      if (resume >= 0) {
        walker.seek(resume);
        return true;
      }
      return this.nextSegmentAfterSkip(seg);
    }
    if (policy === 'point-in-time') {
      this.problems.push({ kind: 'corrupt', file: seg.name, offsetBytes, seq: this.expectedSeq ?? undefined, reason });
      this.pending.length = 0;
      this.finish();
      return false;
    }
    this.fail(seg, offsetBytes, reason);
  }

  private nextSegmentAfterSkip(seg: SegmentMeta): boolean {
    if (this.segIdx + 1 < this.segs.length) {
      this.openSegment(this.segIdx + 1, null);
      this.expectedSeq = null;
      return true;
    }
    void seg;
    this.finish();
    return false;
  }

  private fail(seg: SegmentMeta, offsetBytes: number, reason: string, code: 'CORRUPT_FRAME' | 'MISSING_SEGMENT' = 'CORRUPT_FRAME'): never {
    throw new CorruptionError(seg.name, offsetBytes, reason, this.expectedSeq ?? undefined, code);
  }
}

export interface ScanResult {
  records: number;
  stoppedEarly: boolean;
  problems: ReadProblem[];
  unknownSkipped: number;
}

export class LogReader {
  readonly ops: FileOps;
  readonly policy: RecoveryPolicy;
  readonly knownTypes: Set<number> | null;
  readonly chunkBytes: number;
  /** What this reader's cursors read (counted when each cursor closes). */
  readonly metrics = new Metrics(['recordsRead', 'bytesRead', 'corruptions', 'tornTails', 'unknownSkipped']);

  private constructor(
    readonly dir: string,
    opts: ReaderOptions,
  ) {
    this.ops = opts.fileOps ?? realFileOps;
    this.policy = opts.policy ?? 'tolerate-tail';
    this.knownTypes = opts.knownTypes ? new Set(opts.knownTypes) : null;
    this.chunkBytes = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  }

  static open(dir: string, opts: ReaderOptions = {}): LogReader {
    const r = new LogReader(dir, opts);
    if (!r.ops.existsSync(dir)) throw new TapedeckError('NOT_FOUND', `${dir}: no such recording`, { path: dir });
    if (opts.policy && !RECOVERY_POLICIES.includes(opts.policy)) {
      throw new TapedeckError('BAD_ARGUMENT', `unknown recovery policy "${opts.policy}" (expected ${RECOVERY_POLICIES.join(', ')})`);
    }
    return r;
  }

  /**
   * Sealed segments never change, so their header, footer and index are read once per reader:
   * a seek then costs a directory listing and two binary searches, not a footer read per segment.
   */
  private readonly sealedCache = new Map<string, SegmentMeta>();

  /** The segments as they are on disk now, in log order. */
  segments(): SegmentMeta[] {
    const names = listSegmentNames(this.ops, this.dir);
    const live = new Set(names);
    for (const name of this.sealedCache.keys()) if (!live.has(name)) this.sealedCache.delete(name);
    return names.map((n) => {
      const cached = this.sealedCache.get(n);
      if (cached) return cached;
      const meta = inspectSegment(this.ops, this.dir, n);
      if (meta.footer) this.sealedCache.set(n, meta);
      return meta;
    });
  }

  cursor(opts: ReadOptions = {}): LogCursor {
    return new LogCursor(this, opts);
  }

  /** Synchronous scan; the callback returns false to stop early. */
  scan(opts: Omit<ReadOptions, 'follow'>, onRecord: (rec: LogRecord) => boolean | void): ScanResult {
    const c = this.cursor({ ...opts, follow: false });
    let records = 0;
    let stoppedEarly = false;
    try {
      for (let r = c.next(); r !== null; r = c.next()) {
        records++;
        if (onRecord(r) === false) {
          stoppedEarly = true;
          break;
        }
      }
      return { records, stoppedEarly, problems: c.problems, unknownSkipped: c.unknownSkipped };
    } finally {
      c.close();
    }
  }

  /** Records in batches (one chunk's worth at a time): the fast way to consume a log asynchronously. */
  async *batches(opts: ReadOptions & { pollMs?: number; batchMax?: number; signal?: AbortSignal } = {}): AsyncGenerator<LogRecord[]> {
    const c = this.cursor(opts);
    const max = opts.batchMax ?? 4096;
    try {
      for (;;) {
        if (opts.signal?.aborted) return;
        const batch: LogRecord[] = [];
        for (let r = c.next(); r !== null; r = batch.length < max ? c.next() : null) batch.push(r);
        if (batch.length > 0) yield batch;
        else if (c.done || !opts.follow) return;
        else await sleep(opts.pollMs ?? 50);
      }
    } finally {
      c.close();
    }
  }

  /** Records one at a time, as an async iterator. */
  async *stream(opts: ReadOptions & { pollMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<LogRecord> {
    for await (const batch of this.batches(opts)) for (const r of batch) yield r;
  }
}

export function openReader(dir: string, opts: ReaderOptions = {}): LogReader {
  return LogReader.open(dir, opts);
}
