/**
 * Reading a log: a synchronous pull cursor (the building block), a callback scan that can stop
 * early, and async iterators that can follow a log another process is still appending to.
 * Readers never modify a recording; only a writer's open repairs.
 */
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CorruptionError, TapedeckError } from '../errors.js';
import { Metrics } from '../util/metrics.js';
import { IoError } from '../errors.js';
import { catalogueRefs, endOfListed, readCatalogue, refOf, sealedExtent, type SegmentRef } from './catalogue.js';
import { endOf, linkProblem, linkProblemAt, type SegmentEnd } from './chain.js';
import { CrcAhead } from './crc-ahead.js';
import { crc32Combine } from './crc.js';
import type { Span, SpanHandoff } from './handoff.js';
import { realFileOps, type FileOps } from './file-ops.js';
import { FRAME_OVERHEAD_BYTES, HEADER_BYTES, INT64_MIN, type FrameRun, type IndexEntry } from './format.js';
import { readLockHolder } from './lock.js';
import { belowHorizon, idProblem, listedProblem, manifestProblems, readManifest, type Manifest, type ManifestProblem } from './manifest.js';
import { decideReader, RECOVERY_POLICIES, type RecoveryPolicy } from './recovery-table.js';
import { FRAME, UnitScanner, type ScanEnding } from './scanner.js';
import { inspectOpenSegment, inspectSegment, listSegmentNames, type SegmentMeta } from './segment-file.js';
import { ACCEPT, FINISH, recordVerdict, SKIP, SKIP_UNKNOWN } from './verdict.js';
import { DEFAULT_CHUNK_BYTES, SegmentWalker } from './walker.js';

export { RECOVERY_POLICIES, type RecoveryPolicy } from './recovery-table.js';

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

  /** Refills this record in place (a `reuseChunks` cursor hands out one record object again and again). */
  reuseFor(seq: number, tsNs: bigint, type: number, chunk: Buffer, payloadStart: number, payloadEnd: number): this {
    const m = this as { -readonly [K in keyof LogRecord]: LogRecord[K] };
    m.seq = seq;
    m.tsNs = tsNs;
    m.type = type;
    m.chunk = chunk;
    m.payloadStart = payloadStart;
    m.payloadEnd = payloadEnd;
    this.view = null;
    return this;
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
  /**
   * The caller is done with each record (and its payload view) before it asks for the next one:
   * the cursor may then read the next chunk into the same buffer, and hand out the same record
   * object refilled. Memory stays at one chunk however long the read, with no allocation per
   * record (decoders and digests that copy what they need set this).
   */
  reuseChunks?: boolean;
  /**
   * Check the frames' CRCs in a worker thread ahead of the read (crc-ahead.ts), for segments with
   * at least 4 MiB to read: same records, problems and errors, less work on this thread. Ignored
   * when following and with fault-injecting file ops. Default off. A CrcAhead instance (its own
   * size threshold; it can serve one cursor after another) stays the caller's to close.
   */
  crcAhead?: boolean | CrcAhead;
  /**
   * Another reader may read spans of sealed segments instead of this cursor (handoff.ts): the
   * cursor stops at each span it is given and steps over the ones taken. Not with crcAhead or follow.
   */
  handoff?: SpanHandoff;
}

export interface ReaderOptions {
  policy?: RecoveryPolicy;
  fileOps?: FileOps;
  /** Record types this reader understands; others are skipped and counted, never a failure. */
  knownTypes?: Iterable<number>;
  chunkBytes?: number;
}

export interface ReadProblem {
  /** 'writer-gone': a follow ended because the writer died (stale LOCK) rather than waiting forever. */
  kind: 'torn' | 'corrupt' | 'skipped' | 'writer-gone';
  file: string;
  offsetBytes: number;
  seq?: number;
  reason: string;
  /** For a torn tail: the bytes a writer's next open will cut. */
  bytes?: number;
  /** Whole records dropped with this problem (a skipped unit, or an incomplete batch at a torn tail). */
  records?: number;
  /** A unit skipped only because of the damage just before it (not counted again as a corruption). */
  collateral?: boolean;
}


/** A cursor: reads units through the scanner and acts on each ending by the reader decision table. */
export class LogCursor {
  private readonly fds = new Map<string, number>();
  private segs: SegmentRef[];
  /** The manifest the segments were catalogued from (null: every segment was inspected up front). */
  private readonly catalogue: Manifest | null;
  private segIdx = 0;
  /** The segment being read (its inspected header and footer). */
  private seg!: SegmentMeta;
  private scanner: UnitScanner | null = null;
  private walkedWhole = false;
  private segCount = 0;
  private readonly pending: LogRecord[] = [];
  /**
   * Records accepted and not yet handed out: queue[qi, qn). Slots are reused, never reallocated:
   * a fresh array per drained queue (the old `this.queue = []`) cost an array and its backing store
   * per record on the usual one-record-per-advance path.
   */
  private readonly queue: (LogRecord | null)[] = [];
  private qn = 0;
  private qi = 0;
  private finished = false;
  private closed = false;
  private readonly types: Set<number> | null;
  private readonly known: Set<number> | null;
  /** `known` as a table by type (a frame's type is a byte): 1 known, 0 not; null: every type is. */
  private readonly knownTable: Uint8Array | null = null;
  private readonly reuseChunks: boolean;
  private readonly reuseRecord: LogRecord | null;
  /** The CRC-ahead worker of this cursor (opts.crcAhead), started by the first segment big enough. */
  private readonly ahead: CrcAhead | null;
  private readonly ownsAhead: boolean;
  /** The current segment's spans for opts.handoff (null: none left); the walker stops at spans[spanAt].start. */
  private spans: readonly Span[] | null = null;
  private spanAt = 0;
  /** Problems met so far: a torn tail, the corruptions a lenient policy stepped over, a follow whose writer died. */
  readonly problems: ReadProblem[] = [];
  unknownSkipped = 0;
  recordsRead = 0;
  bytesRead = 0;

  constructor(
    private readonly reader: LogReader,
    private opts: ReadOptions,
  ) {
    this.types = opts.types ? new Set(opts.types) : null;
    this.known = reader.knownTypes;
    if (this.known !== null) {
      this.knownTable = new Uint8Array(256);
      for (const t of this.known) if (t >= 0 && t < 256) this.knownTable[t] = 1;
    }
    this.reuseChunks = opts.reuseChunks === true;
    this.reuseRecord = this.reuseChunks ? new LogRecord(0, 0n, 0, Buffer.alloc(0), 0, 0) : null;
    const use = !!opts.crcAhead && !opts.follow && reader.ops === realFileOps;
    this.ahead = !use ? null : opts.crcAhead === true ? new CrcAhead() : (opts.crcAhead as CrcAhead);
    this.ownsAhead = opts.crcAhead === true;
    const found = reader.segmentRefs();
    this.segs = found.refs;
    this.catalogue = found.catalogue;
    // Loss the manifest proves: a missing segment stops the read up front; a truncated or foreign
    // one is raised when the cursor reaches it, so every unit before it is delivered first.
    const present = found.problems.length > 0 ? new Set(this.segs.map((s) => s.name)) : null;
    for (const p of found.problems) {
      if (present!.has(p.file)) this.manifestProblems.set(p.file, p);
      else this.manifestProblem(p);
    }
    this.checkChainOfNames(this.segs);
    try {
      this.position();
    } catch (err) {
      this.endAhead();
      throw err;
    }
  }

  get done(): boolean {
    return this.finished && this.qi >= this.qn;
  }

  /** The next record, or null when none is available (check `done` to tell the end from a pause). */
  next(): LogRecord | null {
    for (;;) {
      if (this.qi < this.qn) {
        const r = this.queue[this.qi]!;
        this.queue[this.qi++] = null; // the cursor keeps no record (nor its chunk) it handed out
        if (this.qi === this.qn) this.qi = this.qn = 0;
        return r;
      }
      if (this.finished || this.closed) return null;
      if (!this.advance()) return null;
    }
  }

  /**
   * The records that follow, as many as the chunk being read holds (up to run.capacity), in `run`:
   * exactly what next() would return one by one (every check and filter applies), without a call
   * chain per record. Returns their count; 0 when the next record is for next() (at a chunk's end,
   * a batch, damage, the end of the data...): call next() then, which reads on or returns null.
   * The payloads point into the cursor's chunk: with reuseChunks, be done with them before the
   * next call.
   */
  nextRun(run: FrameRun): number {
    for (;;) {
      if (this.qi < this.qn || this.pending.length > 0 || this.finished || this.closed || this.scanner === null) return 0;
      const k = this.scanner.run(run);
      if (k === 0) return 0;
      let n = 0;
      let i = 0;
      let payloadBytes = 0;
      const o = this.opts;
      if (this.types === null && o.fromSeq === undefined && o.fromTs === undefined && o.toSeq === undefined && o.toTs === undefined) {
        // No range and no type filter: recordVerdict can only skip an unknown type, so this is
        // that rule alone, by a table of the known types (a Set lookup per record otherwise).
        const known = this.knownTable;
        for (; i < k; i++) {
          const start = run.payloadStart[i]!;
          const end = run.payloadEnd[i]!;
          payloadBytes += end - start;
          const type = run.type[i]!;
          if (known !== null && known[type] === 0) {
            this.unknownSkipped++;
            continue;
          }
          if (n !== i) {
            run.type[n] = type;
            run.seq[n] = run.seq[i]!;
            run.tsNs[n] = run.tsNs[i]!;
            run.payloadStart[n] = start;
            run.payloadEnd[n] = end;
          }
          n++;
        }
      }
      while (i < k) {
        const seq = run.seq[i]!;
        const ts = run.tsNs[i]!;
        const start = run.payloadStart[i]!;
        const end = run.payloadEnd[i]!;
        payloadBytes += end - start;
        const verdict = this.verdict(seq, ts, run.type[i]!);
        i++;
        if (verdict === ACCEPT) {
          if (n !== i - 1) {
            run.type[n] = run.type[i - 1]!;
            run.seq[n] = seq;
            run.tsNs[n] = ts;
            run.payloadStart[n] = start;
            run.payloadEnd[n] = end;
          }
          n++;
        } else if (verdict === FINISH) {
          // Read as far as next() would have: up to and including this record.
          this.finish();
          break;
        }
      }
      // Counted as advance counts each record it reads.
      this.recordsRead += i;
      this.segCount += i;
      this.bytesRead += payloadBytes + i * FRAME_OVERHEAD_BYTES;
      run.count = n;
      if (n > 0 || this.finished) return n;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.endAhead();
    for (const fd of this.fds.values()) this.reader.ops.closeSync(fd);
    this.fds.clear();
    // Account this cursor's reading in its reader's metrics.
    const m = this.reader.metrics;
    m.inc('recordsRead', this.recordsRead);
    m.inc('bytesRead', this.bytesRead);
    m.inc('unknownSkipped', this.unknownSkipped);
    for (const p of this.problems) if (p.kind !== 'writer-gone' && !p.collateral) m.inc(p.kind === 'torn' ? 'tornTails' : 'corruptions');
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
      // The last segment starting at or before fromSeq (the names are enough).
      let lo = 0;
      let hi = this.segs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.segs[mid]!.firstSeq <= fromSeq) lo = mid;
        else hi = mid - 1;
      }
      idx = lo;
    } else if (fromTs !== undefined) {
      let lo = 0;
      let hi = this.segs.length - 1;
      // First segment whose last ts reaches fromTs; an unsealed segment always might.
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const x = sealedExtent(this.segs[mid]!);
        if (x && (x.records === 0 || x.lastTs < fromTs)) lo = mid + 1;
        else hi = mid;
      }
      idx = lo;
    }
    const seeking = fromSeq !== undefined || fromTs !== undefined;
    // A cursor that reads from the start opens every segment anyway: it holds them all at once. A
    // seek opens segments as it reaches them, so its cost does not grow with their number (§3.1.1).
    if (!seeking || !this.catalogue) this.holdFrom(idx);
    this.openSegment(idx, seeking);
  }

  /**
   * Holds the segments from `idx` to the end open, so a compaction that unlinks files mid-read
   * does not take away what this cursor was going to read. A listed segment already missing is
   * diagnosed when the cursor reaches it (`lost`), after every unit before it.
   */
  private holdFrom(idx: number): void {
    for (let i = idx; i < this.segs.length; i++) {
      const ref = this.segs[i]!;
      try {
        this.fdOf(ref);
      } catch (err) {
        if (!(ref.entry && isMissing(err))) throw err;
      }
    }
  }

  private fdOf(ref: SegmentRef): number {
    let fd = this.fds.get(ref.name);
    if (fd === undefined) {
      fd = this.reader.openFile(ref.path);
      this.fds.set(ref.name, fd);
    }
    return fd;
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

  private openSegment(idx: number, useIndex: boolean): void {
    const ref = this.segs[idx]!;
    const seg = ref.meta ?? this.inspectListed(idx);
    if (seg === null) return;
    const mp = this.manifestProblems.get(seg.name);
    if (mp) {
      this.manifestProblems.delete(seg.name);
      this.manifestProblem(mp);
    }
    const prev = this.scanner;
    this.segIdx = idx;
    this.seg = seg;
    const fd = this.fdOf(ref);
    const entry = useIndex ? this.entryFor(seg) : null;
    const start = entry ? entry.offsetBytes : HEADER_BYTES;
    // The previous segment's chunk is read into again when records do not outlive the next read.
    const spare = this.reuseChunks && prev ? prev.walker.buf : null;
    const walker = new SegmentWalker(this.reader.ops, fd, start, seg.footer ? seg.footer.dataEnd : null, this.reader.chunkBytes, spare);
    if (this.ahead !== null) walker.ahead = this.ahead.post(fd, start, seg.footer ? seg.footer.dataEnd : null, seg.footer ? 0 : this.reader.ops.fstatSizeSync(fd));
    this.spans = null;
    if (this.opts.handoff && seg.footer && this.ahead === null && !this.opts.follow) {
      const spans = this.opts.handoff.spans(seg, start);
      if (spans.length > 0) {
        this.spans = spans;
        this.spanAt = 0;
        walker.setLimit(spans[0]!.start);
      }
    }
    this.walkedWhole = entry === null;
    this.segCount = 0;
    let expectedSeq: number | null;
    let lastTs: bigint | null;
    if (entry) {
      expectedSeq = entry.seq;
      lastTs = entry.tsNs;
    } else {
      const carried = prev ? prev.expectedSeq : null;
      if (carried !== null && carried !== seg.firstSeq) {
        const reason = `segment starts at seq ${seg.firstSeq}, expected ${carried}: a segment is missing or out of order`;
        // The skip policy already reported the gap when it checked the chain of names.
        if (this.reader.policy !== 'skip') this.fail(seg, HEADER_BYTES, reason, carried, 'MISSING_SEGMENT');
      }
      expectedSeq = seg.firstSeq;
      lastTs = prev?.lastTs ?? (seg.header.prevLastTs === INT64_MIN ? null : seg.header.prevLastTs);
    }
    const isLast = idx === this.segs.length - 1;
    this.scanner = new UnitScanner(walker, {
      startOffset: start,
      expectedSeq,
      lastTs,
      chain: seg.header.prevChain,
      tail: !seg.footer && isLast,
      follow: !seg.footer && isLast && !!this.opts.follow,
    });
  }

  private readonly manifestProblems = new Map<string, ManifestProblem>();

  private manifestProblem(p: ManifestProblem): void {
    if (this.reader.policy === 'skip' || this.reader.policy === 'point-in-time') {
      this.problems.push({ kind: this.reader.policy === 'skip' ? 'skipped' : 'corrupt', file: p.file, offsetBytes: p.offsetBytes, reason: p.reason });
      if (this.reader.policy === 'point-in-time') this.finish();
      return;
    }
    throw new CorruptionError(p.file, p.offsetBytes, p.reason, undefined, p.code, this.reader.dir);
  }

  /**
   * A catalogued segment, opened now: checked against its manifest entry and the recording id, and
   * linked to the segment before it (§9.3) from that one's entry or footer. Null when the policy
   * ends the read here (point-in-time).
   */
  private inspectListed(idx: number): SegmentMeta | null {
    const ref = this.segs[idx]!;
    let fd: number;
    try {
      fd = this.fdOf(ref);
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.lost(idx);
      return null;
    }
    const meta = this.reader.inspectOpen(ref.name, fd);
    // The catalogue's refs are shared between cursors: this cursor keeps its own from now on.
    this.segs[idx] = { ...ref, meta };
    // The link first, as the chain of names is checked before the manifest when all is inspected.
    const before = this.segs[idx - 1];
    if (before) {
      const reason = this.linkReason(before, this.segs[idx]!);
      if (reason && !this.brokenLink(ref, reason)) {
        this.finish();
        return null;
      }
    }
    const p = listedProblem(ref.entry!, meta) ?? idProblem(this.catalogue!, meta);
    if (p) {
      this.manifestProblem(p);
      if (this.finished) return null;
    }
    return meta;
  }

  /**
   * A listed segment not on disk. A compaction since this cursor started (a seek holds only what it
   * has reached) is said to be one; anything else is loss, named as the inspection of every
   * segment names it (what an open without a catalogue reports up front). Then by policy: strict
   * throws, skip goes on with the next segment, point-in-time ends here.
   */
  private lost(idx: number): void {
    const ref = this.segs[idx]!;
    const m = readManifest(this.reader.ops, this.reader.dir);
    const p: ManifestProblem =
      m && ref.segmentNo < m.horizonSegmentNo
        ? { file: ref.name, offsetBytes: 0, reason: `removed by compaction (the recording now starts at segment ${m.horizonSegmentNo}) before this cursor reached it: read again`, code: 'MISSING_SEGMENT' }
        : (this.reader.checkedSegments().problems[0] ?? { file: ref.name, offsetBytes: 0, reason: 'the manifest lists it but it is not on disk', code: 'MISSING_SEGMENT' });
    this.manifestProblem(p);
    if (this.finished) return;
    if (idx + 1 < this.segs.length) {
      this.openSegment(idx + 1, false);
      if (this.scanner) this.scanner.expectedSeq = null;
    } else this.finish();
  }

  /** Why `b` does not continue `a` (§9.3), from whatever is known of `a`: its footer or its entry. */
  private linkReason(a: SegmentRef, b: SegmentRef): string | null {
    if (a.meta && b.meta) return linkProblem(a.meta, b.meta);
    const end: SegmentEnd | null = a.meta ? endOf(a.meta) : endOfListed(a.entry!);
    if (!end || !b.meta) return null;
    return linkProblemAt(end, b.segmentNo, b.firstSeq, b.meta.header)?.reason ?? null;
  }

  /** A broken link before `b`, by policy; false when the read ends before `b`. */
  private brokenLink(b: SegmentRef, reason: string): boolean {
    if (this.reader.policy === 'skip') {
      this.problems.push({ kind: 'skipped', file: b.name, offsetBytes: 0, reason });
      return true;
    }
    if (this.reader.policy === 'point-in-time') {
      this.problems.push({ kind: 'corrupt', file: b.name, offsetBytes: 0, reason });
      return false;
    }
    throw new CorruptionError(b.name, 0, reason, undefined, 'MISSING_SEGMENT', this.reader.dir);
  }

  /**
   * The chain of the segments known up front: inspected ones between themselves and with the
   * listed one before them. Between two listed segments the catalogue already checked numbers and
   * seqs; their headers are linked when a cursor opens them (`inspectListed`).
   */
  private checkChainOfNames(segs: SegmentRef[]): void {
    for (let i = 1; i < segs.length; i++) {
      if (!segs[i]!.meta) continue;
      const reason = this.linkReason(segs[i - 1]!, segs[i]!);
      if (reason && !this.brokenLink(segs[i]!, reason)) {
        segs.length = i;
        return;
      }
    }
  }

  // -- reading -----------------------------------------------------------------------------------

  /** Reads at least one frame or reaches a stopping point; false when nothing more is available now. */
  private advance(): boolean {
    const sc = this.scanner!;
    const seg = this.seg;
    // advance runs once the queue is drained; frames of an open batch still point into the chunk.
    sc.walker.reuse = this.reuseChunks && this.pending.length === 0;
    const r = sc.next();
    if (r === FRAME) {
      const out = sc.view;
      this.recordsRead++;
      this.segCount++;
      this.bytesRead += out.next - out.payloadStart + 26 - 4;
      // A record that is a whole unit on its own, read by a reuseChunks cursor, is handed out and
      // done with before the next advance: one object serves them all (no allocation per record).
      const rec =
        this.reuseRecord !== null && sc.unitDone && this.pending.length === 0
          ? this.reuseRecord.reuseFor(out.seq, out.tsNs, out.type, sc.walker.buf, out.payloadStart, out.payloadEnd)
          : new LogRecord(out.seq, out.tsNs, out.type, sc.walker.buf, out.payloadStart, out.payloadEnd);
      if (!sc.unitDone) {
        this.pending.push(rec);
        return true;
      }
      if (sc.partialUnit) {
        // The rest of a batch whose first frames were lost: skipped whole, and said so.
        const first = this.pending.length > 0 ? this.pending[0]!.seq : rec.seq;
        this.problems.push({
          kind: 'skipped',
          file: seg.name,
          offsetBytes: sc.unitStart,
          seq: first,
          reason: `seq ${first}..${rec.seq}: read right after damage, it may be the rest of a damaged atomic batch, so it is skipped whole`,
          records: this.pending.length + 1,
          collateral: true,
        });
        this.pending.length = 0;
        return true;
      }
      if (this.pending.length > 0) {
        for (const p of this.pending) this.accept(p);
        this.pending.length = 0;
      }
      this.accept(rec);
      return true;
    }
    if (this.spans !== null) return this.atSpanLimit(r);
    // A writer may have sealed the tail since we listed it: the bytes we stopped at are its footer.
    if (!seg.footer && this.sealedSince(seg)) return this.endOfSealed(this.seg);
    if (r.kind === 'end') {
      if (seg.footer) return this.endOfSealed(seg);
      if (this.segIdx < this.segs.length - 1) {
        return this.bad(seg, sc.walker.offset, `segment is not sealed but ${this.segs[this.segIdx + 1]!.name} follows it`, sc.expectedSeq ?? undefined);
      }
      this.finish();
      return false;
    }
    if (r.kind === 'pause') return this.paused(seg);
    const action = decideReader({ ending: r.kind, policy: this.reader.policy });
    if (r.kind === 'torn') {
      const dropped = this.pending.length;
      this.pending.length = 0;
      if (action === 'throw-torn') {
        throw new CorruptionError(seg.name, r.offsetBytes, `torn tail (${r.bytes} bytes): ${r.reason}`, r.seq, 'TORN_TAIL', this.reader.dir);
      }
      this.problems.push({ kind: 'torn', file: seg.name, offsetBytes: r.offsetBytes, seq: r.seq, reason: r.reason, bytes: r.bytes, records: dropped });
      this.finish();
      return false;
    }
    const note = seg.footer && r.what === 'frame' && /extends past the end/.test(r.reason) ? ' (a frame runs into the footer)' : '';
    return this.bad(seg, r.offsetBytes, r.reason + note, r.seq);
  }

  /**
   * The walker stopped short of the segment's end for opts.handoff. At the next span's start,
   * between units, with its seq next and nothing wrong so far: the span is offered, and stepped
   * over with the other reader's summary if taken (else read here). Anything else met before the
   * span (damage, a unit running into it): the spans are dropped and the same position is read
   * again up to the segment's end, so the ending is exactly a one-thread read's (the scanner and
   * walker change nothing when they return an ending).
   */
  private atSpanLimit(r: ScanEnding): boolean {
    const sc = this.scanner!;
    const spans = this.spans!;
    const dataEnd = this.seg.footer!.dataEnd;
    const span = spans[this.spanAt]!;
    if (r.kind === 'end' && sc.walker.offset === span.start) {
      const fits = this.pending.length === 0 && this.problems.length === 0 && sc.expectedSeq === span.seq && (sc.lastTs === null || sc.lastTs <= span.tsNs);
      const s = fits ? this.opts.handoff!.take(span) : null;
      if (s !== null) {
        sc.skipChecked(span.end, s.frames, s.lastSeq, s.lastTs, crc32Combine(sc.chain, s.chain, 4 * s.frames));
        this.recordsRead += s.frames;
        this.segCount += s.frames;
        this.bytesRead += span.end - span.start;
        this.unknownSkipped += s.unknownSkipped;
      }
      this.spanAt++;
      if (this.spanAt < spans.length) sc.walker.setLimit(spans[this.spanAt]!.start);
      else {
        this.spans = null;
        sc.walker.setLimit(dataEnd);
      }
      return true;
    }
    this.spans = null;
    sc.walker.setLimit(dataEnd);
    return true;
  }

  private accept(rec: LogRecord): void {
    const verdict = this.verdict(rec.seq, rec.tsNs, rec.type);
    if (verdict === ACCEPT) this.queue[this.qn++] = rec;
    else if (verdict === FINISH) this.finish();
  }

  /** What the range and type filters make of a record read (the one rule for next() and nextRun(): log/verdict.ts). */
  private verdict(seq: number, tsNs: bigint, type: number): typeof ACCEPT | typeof SKIP | typeof FINISH {
    const v = recordVerdict(this.opts, this.known, this.types, seq, tsNs, type);
    if (v !== SKIP_UNKNOWN) return v;
    this.unknownSkipped++;
    return SKIP;
  }

  private finish(): void {
    this.finished = true;
    this.endAhead();
  }

  /** Ends this cursor's own CRC-ahead worker (one passed in is the caller's). */
  private endAhead(): void {
    if (this.ownsAhead) this.ahead?.close();
  }

  private endOfSealed(seg: SegmentMeta): boolean {
    const f = seg.footer!;
    const sc = this.scanner!;
    if (this.walkedWhole) {
      if (this.segCount !== f.recordCount) return this.bad(seg, f.dataEnd, `footer says ${f.recordCount} records, the segment holds ${this.segCount}`, undefined, true);
      if (sc.chain !== f.chain) return this.bad(seg, f.dataEnd, 'footer chain checksum does not match the frames', undefined, true);
    }
    if (sc.expectedSeq !== null && sc.expectedSeq !== f.lastSeq + 1) {
      return this.bad(seg, f.dataEnd, `footer says last seq ${f.lastSeq}, the frames end at ${sc.expectedSeq - 1}`, undefined, true);
    }
    return this.nextSegment(seg);
  }

  private nextSegment(seg: SegmentMeta): boolean {
    if (this.segIdx + 1 < this.segs.length) {
      this.openSegment(this.segIdx + 1, false);
      return true;
    }
    if (!this.opts.follow) {
      this.finish();
      return false;
    }
    // Following: the writer creates the next segment right after sealing this one.
    const names = listSegmentNames(this.reader.ops, this.reader.dir);
    const nextName = names.find((n) => n > seg.name);
    if (!nextName) return this.paused(seg);
    const meta = this.reader.inspect(nextName);
    const reason = linkProblem(seg, meta);
    if (reason) this.fail(meta, 0, reason, this.scanner!.expectedSeq ?? undefined, 'MISSING_SEGMENT');
    this.segs.push(refOf(meta));
    this.openSegment(this.segIdx + 1, false);
    return true;
  }

  /**
   * Nothing more to read now while following. If the writer is gone (its LOCK names a dead
   * process, or an unsealed tail has no LOCK at all), the follow ends with a `writer-gone` problem
   * instead of waiting forever; what the dead writer left is then read like any tail.
   */
  private paused(seg: SegmentMeta): boolean {
    const holder = readLockHolder(this.reader.ops, this.reader.dir);
    const gone = holder.state === 'stale' ? `the writer (pid ${holder.pid}) died without closing the recording` : holder.state === 'none' && !seg.footer ? 'the writer is gone: the recording is not locked and its last segment is not sealed' : null;
    if (gone === null) return false;
    this.problems.push({ kind: 'writer-gone', file: seg.name, offsetBytes: this.scanner!.walker.offset, reason: gone });
    // Read what is there as a plain (non-following) reader would: a torn tail is reported as such.
    this.opts = { ...this.opts, follow: false };
    this.scanner!.follow = false;
    return true;
  }

  /**
   * Did a writer seal this segment since we listed it? Then its footer now follows exactly the data
   * we read, and the bytes we just met are the footer, not a frame.
   */
  private sealedSince(seg: SegmentMeta): boolean {
    const sc = this.scanner!;
    if (this.pending.length > 0) return false;
    let fresh: SegmentMeta;
    try {
      fresh = this.reader.inspect(seg.name);
    } catch {
      return false;
    }
    if (!fresh.footer || fresh.footer.dataEnd !== sc.walker.offset) return false;
    this.segs[this.segIdx] = { ...this.segs[this.segIdx]!, meta: fresh };
    this.seg = fresh;
    sc.walker.setLimit(fresh.footer.dataEnd);
    sc.tail = false;
    sc.follow = false;
    return true;
  }

  /** Corruption: what happens depends on the policy (reader decision table). */
  private bad(seg: SegmentMeta, offsetBytes: number, reason: string, seq?: number, atFooter = false): boolean {
    const action = decideReader({ ending: 'corrupt', policy: this.reader.policy });
    const sc = this.scanner!;
    if (action === 'skip') {
      const dropped = this.pending.length;
      const first = dropped > 0 ? this.pending[0]!.seq : seq;
      this.pending.length = 0;
      this.problems.push({ kind: 'skipped', file: seg.name, offsetBytes, seq: first, reason, records: dropped });
      // The footer's totals cannot be compared once frames were skipped.
      this.walkedWhole = false;
      if (!atFooter && sc.resync(offsetBytes) >= 0) return true;
      return this.nextSegmentAfterSkip();
    }
    if (action === 'end-corrupt') {
      this.problems.push({ kind: 'corrupt', file: seg.name, offsetBytes, seq, reason });
      this.pending.length = 0;
      this.finish();
      return false;
    }
    this.fail(seg, offsetBytes, reason, seq);
  }

  private nextSegmentAfterSkip(): boolean {
    if (this.segIdx + 1 < this.segs.length) {
      this.openSegment(this.segIdx + 1, false);
      this.scanner!.expectedSeq = null;
      return true;
    }
    this.finish();
    return false;
  }

  private fail(seg: SegmentMeta, offsetBytes: number, reason: string, seq?: number, code: 'CORRUPT_FRAME' | 'MISSING_SEGMENT' = 'CORRUPT_FRAME'): never {
    throw new CorruptionError(seg.name, offsetBytes, reason, seq, code, this.reader.dir);
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
      const meta = this.inspect(n);
      if (meta.footer) this.sealedCache.set(n, meta);
      return meta;
    });
  }

  /**
   * The segments, checked against the MANIFEST when there is one (segments a compaction left
   * below its horizon are dropped). A writer may rotate, compact or reopen between reading the
   * manifest and listing the directory, so a disagreement is looked at again before it counts.
   */
  checkedSegments(): { segments: SegmentMeta[]; problems: ManifestProblem[] } {
    for (let attempt = 0; ; attempt++) {
      const m = readManifest(this.ops, this.dir);
      let segments = this.segments();
      if (!m) return { segments, problems: [] };
      const below = belowHorizon(m, segments);
      if (below.length > 0) segments = segments.filter((s) => !below.includes(s));
      const problems = manifestProblems(m, segments);
      if (problems.length === 0 || attempt >= 2) return { segments, problems };
    }
  }

  /**
   * The segments a cursor starts from: from the manifest's catalogue when it has one that matches
   * the directory (listed segments uninspected, §3.1.1), else every segment inspected and checked
   * against the manifest (`checkedSegments`).
   */
  segmentRefs(): { refs: SegmentRef[]; problems: ManifestProblem[]; catalogue: Manifest | null } {
    const cat = readCatalogue(this.ops, this.dir);
    const refs = cat ? catalogueRefs(cat, (n) => this.inspectIfPresent(n)) : null;
    if (cat && refs) {
      const m = cat.manifest;
      const problems: ManifestProblem[] = [];
      for (const r of refs) {
        const p = r.meta ? idProblem(m, r.meta) : null;
        if (p) problems.push(p);
      }
      return { refs, problems, catalogue: m };
    }
    const checked = this.checkedSegments();
    return { refs: checked.segments.map(refOf), problems: checked.problems, catalogue: null };
  }

  /**
   * inspectOpenSegment through the sealed cache: a sealed segment never changes, so a seek (a new
   * cursor each time) does not read and decode its footer and index again while the file keeps
   * the size it had (a keyframe seek in a 64 MiB segment spent ~10% of its time there).
   */
  inspectOpen(name: string, fd: number): SegmentMeta {
    const cached = this.sealedCache.get(name);
    if (cached && this.ops.fstatSizeSync(fd) === cached.sizeBytes) return cached;
    const meta = inspectOpenSegment(this.ops, this.dir, name, fd);
    if (meta.footer) this.sealedCache.set(name, meta);
    return meta;
  }

  /** One segment's header and footer, as on disk now. */
  inspect(name: string): SegmentMeta {
    return inspectSegment(this.ops, this.dir, name);
  }

  /** `inspect`, or null when there is no such file. */
  inspectIfPresent(name: string): SegmentMeta | null {
    // Every cursor probes for a segment after the catalogue's last, which is usually not there: a
    // stat says so without the two Error objects (and stack traces) of a failed open, which were
    // ~8% of the CPU of a keyframe seek (1 GiB, bench/README.md "Keyframes"). A file that comes or
    // goes in between is handled as before.
    if (!this.ops.existsSync(path.join(this.dir, name))) return null;
    try {
      return this.inspect(name);
    } catch (err) {
      if (err instanceof IoError && err.errno === 'ENOENT') return null;
      throw err;
    }
  }

  /** Opens a segment file for reading; a failure is an IoError naming the file and errno. */
  openFile(p: string): number {
    try {
      return this.ops.openSync(p, 'r');
    } catch (err) {
      throw new IoError(p, 'cannot open the segment for reading', err);
    }
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

function isMissing(err: unknown): boolean {
  return err instanceof IoError && err.errno === 'ENOENT';
}
