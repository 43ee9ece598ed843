/**
 * `tapedeck verify`: an independent integrity walk over every byte of a recording.
 *
 * This deliberately does not go through LogReader: the reader trusts what it has already checked
 * (it seeks by index, stops at the first problem, treats some damage as a torn tail), while a
 * verifier must check everything the format promises, say exactly where it is broken, and be
 * able to keep going (`all`). It shares only the pure byte layout (format.ts) and the chunked
 * frame walker with the log. It opens every file read-only and never writes.
 */
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { crc32 } from '../log/crc.js';
import { linkProblemAt } from '../log/chain.js';
import { FRAME, UnitScanner } from '../log/scanner.js';
import { readFully, realFileOps, type FileOps } from '../log/file-ops.js';
import {
  FORMAT_VERSION,
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  INT64_MIN,
  TRAILER_BYTES,
  TRAILER_MAGIC,
  decodeHeader,
  type IndexEntry,
  type SegmentHeader,
  type SegmentTrailer,
} from '../log/format.js';
import { parseSegmentName } from '../log/names.js';
import { inspectSegment, listSegmentNames, type SegmentMeta } from '../log/segment-file.js';
import { belowHorizon, manifestProblems, readManifest } from '../log/manifest.js';
import { SegmentWalker } from '../log/walker.js';
import { decodePayload, encodePayload, isCanonicalPayload, isKnownTag, SCHEMA_VERSION, SCHEMA_VERSION_MIN, validateEvent } from '../events/index.js';
import { TYPE_TAG, type SystemEvent } from '../events/types.js';
import { StreamDigest } from './digest.js';
import { RecordedGapTally, type RecordedGaps } from './recorded-gaps.js';

/** What kind of promise of the format a problem breaks. */
export type ProblemKind =
  /** A segment header, or the file name against it. */
  | 'segment'
  /** The chain of segments is broken: a segment is missing, duplicated, replaced or out of order. */
  | 'missing-segment'
  /** A frame's structure or CRC, or an atomic batch cut short. */
  | 'frame'
  /** Frames out of order: a seq gap or repeat, a timestamp going back. */
  | 'order'
  /** The footer's trailer against the segment's contents, or its checksum. */
  | 'footer'
  /** A sparse index entry that does not point at the frame it names. */
  | 'index'
  /** A payload that does not decode, or does not re-encode to the same bytes. */
  | 'canonical';

export interface VerifyProblem {
  kind: ProblemKind;
  /** Segment file name (within the recording directory). */
  file: string;
  offsetBytes: number;
  /** The seq at (or expected at) the spot, when known. */
  seq?: number;
  reason: string;
}

/** A torn tail: the expected trace of a crash mid-write, not corruption. */
export interface TornTail {
  file: string;
  /** Where the last complete record ends: the next writer's open cuts the file here. */
  offsetBytes: number;
  /** Bytes the next writer will drop (and keep in a side file). */
  bytes: number;
  /** The seq the next record will get. */
  seq: number;
  reason: string;
}

export interface VerifyProgress {
  bytesDone: number;
  bytesTotal: number;
  file: string;
}

export interface VerifyOptions {
  /** Collect every problem instead of stopping at the first. */
  all?: boolean;
  onProgress?: (p: VerifyProgress) => void;
  fileOps?: FileOps;
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  segments: number;
  /** Records in the recording (a torn tail's are not). */
  records: number;
  /** Bytes of segment files on disk. */
  bytes: number;
  firstTs: bigint | null;
  lastTs: bigint | null;
  /** The recording's digest (see digest.ts); null when a problem was found. */
  digest: string | null;
  problems: VerifyProblem[];
  tornTail: TornTail | null;
  /** Records whose payloads could not be checked for canonical form (a type or schema version this tapedeck does not know). */
  uncheckedRecords: number;
  /**
   * Gaps recorded at capture time (system gap events: a venue sequence break or failed checksum, a
   * lost connection): the captured data is not whole although the log may be intact (`ok`).
   */
  recordedGaps: RecordedGaps;
}

/** Thrown inside the walk to stop at the first problem. */
class StopWalk extends Error {}

/** The footer as found on disk, parsed without trusting its checksum, so damage can be located. */
type FooterProbe =
  | { kind: 'none' }
  | { kind: 'footer'; start: number; trailerStart: number; trailer: SegmentTrailer; crcOk: boolean; version: number }
  /** Looks like a footer, but the trailer cannot say where the frames end. */
  | { kind: 'damaged'; trailerStart: number; reason: string; offsetBytes: number };

interface PrevSegment {
  name: string;
  segmentNo: number;
  nextSeq: number;
  lastTs: bigint;
  chain: number;
  /** False when its frames were damaged and no intact footer says how it ended: links to it are unknowable. */
  trusted: boolean;
}

interface PendingRecord {
  offset: number;
  seq: number;
  tsNs: bigint;
  type: number;
  payload: Buffer;
}

/** Per-segment walk state. */
interface SegmentCtx {
  name: string;
  size: number;
  header: SegmentHeader | null;
  firstSeq: number;
  isTail: boolean;
  /** Stop quietly at the first non-frame: the footer is damaged, so where frames end is unknown. */
  endAtGarbage: boolean;
  expectedSeq: number | null;
  lastTs: bigint | null;
  chain: number;
  frames: number;
  firstTs: bigint | null;
  segLastTs: bigint | null;
  /** End of the last complete unit (record or batch), and the seq after it. */
  goodEnd: number;
  goodSeq: number;
  pending: PendingRecord[];
  /** The footer's index entries that passed the shape check, with their byte offsets in the file. */
  index: { e: IndexEntry; at: number }[];
  indexStart: number;
  ix: number;
  /** Frame-level damage was reported: the footer's totals can no longer be compared meaningfully. */
  damaged: boolean;
  canonicalCheck: boolean;
}

const PROGRESS_EVERY_FRAMES = 8192;

/** Verifies a recording without modifying it. Throws only when `dir` is not a recording at all. */
export function verifyRecording(dir: string, opts: VerifyOptions = {}): VerifyResult {
  const ops = opts.fileOps ?? realFileOps;
  if (!ops.existsSync(dir)) throw new TapedeckError('NOT_FOUND', `${dir}: no such recording`, { path: dir });
  let names = listSegmentNames(ops, dir);
  if (names.length === 0) throw new TapedeckError('NOT_FOUND', `${dir}: no segment files: not a recording`, { path: dir });
  // The manifest (when the recording has one) says what loss looks like, and what compaction did.
  const manifest = readManifest(ops, dir);
  let pre: VerifyProblem[] = [];
  if (manifest) {
    const metas: SegmentMeta[] = [];
    for (const n of names) {
      try {
        metas.push(inspectSegment(ops, dir, n));
      } catch {
        // A damaged header: the walk reports it where it is.
      }
    }
    const below = new Set(belowHorizon(manifest, metas).map((m) => m.name));
    names = names.filter((n) => !below.has(n));
    pre = manifestProblems(manifest, metas.filter((m) => !below.has(m.name))).map((p) => ({
      kind: p.code === 'MISSING_SEGMENT' ? 'missing-segment' : 'segment',
      file: p.file,
      offsetBytes: p.offsetBytes,
      reason: p.reason,
    }));
    if (names.length === 0) throw new TapedeckError('NOT_FOUND', `${dir}: no segment files above the compaction horizon: not a recording`, { path: dir });
  }
  const r = new Verifier(ops, dir, names, opts).run();
  // The walk's findings come first (they say exactly where); the manifest adds what only it knows.
  const known = new Set(r.problems.map((p) => p.file));
  const extra = pre.filter((p) => !known.has(p.file));
  if (extra.length === 0 || (!opts.all && r.problems.length > 0)) return r;
  const problems = opts.all ? [...r.problems, ...extra] : extra.slice(0, 1);
  return { ...r, ok: false, digest: null, problems };
}

class Verifier {
  private readonly problems: VerifyProblem[] = [];
  private readonly digest = new StreamDigest();
  private readonly gaps = new RecordedGapTally();
  private tornTail: TornTail | null = null;
  private records = 0;
  private unchecked = 0;
  private firstTs: bigint | null = null;
  private lastTs: bigint | null = null;
  private bytesTotal = 0;
  private bytesBefore = 0;
  private prev: PrevSegment | null = null;

  constructor(
    private readonly ops: FileOps,
    private readonly dir: string,
    private readonly names: string[],
    private readonly opts: VerifyOptions,
  ) {}

  run(): VerifyResult {
    const sizes = this.names.map((n) => this.ops.statSizeSync(path.join(this.dir, n)));
    this.bytesTotal = sizes.reduce((a, b) => a + b, 0);
    try {
      for (let i = 0; i < this.names.length; i++) {
        this.segment(i);
        this.bytesBefore += sizes[i]!;
        this.progress(0, this.names[i]!);
      }
    } catch (err) {
      if (!(err instanceof StopWalk)) throw err;
    }
    const ok = this.problems.length === 0;
    return {
      ok,
      dir: this.dir,
      segments: this.names.length,
      records: this.records,
      bytes: this.bytesTotal,
      firstTs: this.firstTs,
      lastTs: this.lastTs,
      digest: ok ? this.digest.hex() : null,
      problems: this.problems,
      tornTail: this.tornTail,
      uncheckedRecords: this.unchecked,
      recordedGaps: this.gaps.result(),
    };
  }

  private problem(kind: ProblemKind, file: string, offsetBytes: number, reason: string, seq?: number): void {
    this.problems.push(seq === undefined ? { kind, file, offsetBytes, reason } : { kind, file, offsetBytes, seq, reason });
    if (!this.opts.all) throw new StopWalk();
  }

  private progress(offsetInSegment: number, file: string): void {
    this.opts.onProgress?.({ bytesDone: this.bytesBefore + offsetInSegment, bytesTotal: this.bytesTotal, file });
  }

  // -- one segment -------------------------------------------------------------------------------

  private segment(i: number): void {
    const name = this.names[i]!;
    const isLast = i === this.names.length - 1;
    const parsed = parseSegmentName(name)!;
    const fd = this.ops.openSync(path.join(this.dir, name), 'r');
    try {
      const size = this.ops.fstatSizeSync(fd);
      if (size < HEADER_BYTES) {
        this.problem('segment', name, 0, `file is ${size} bytes, shorter than a segment header (${HEADER_BYTES})`);
        this.prev = null; // nothing to chain the next segment to
        return;
      }
      const decoded = decodeHeader(readFully(this.ops, fd, HEADER_BYTES, 0));
      let header: SegmentHeader | null = null;
      if (typeof decoded === 'string') {
        this.problem('segment', name, 0, decoded);
      } else {
        header = decoded;
        if (header.segmentNo !== parsed.segmentNo || header.firstSeq !== parsed.firstSeq) {
          this.problem(
            'segment',
            name,
            header.segmentNo !== parsed.segmentNo ? 16 : 24,
            `header says segment ${header.segmentNo} from seq ${header.firstSeq}, the file name says segment ${parsed.segmentNo} from seq ${parsed.firstSeq}`,
          );
        }
      }
      const firstSeq = header?.firstSeq ?? parsed.firstSeq;
      this.checkLink(name, parsed.segmentNo, firstSeq, header);

      const probe = this.probeFooter(fd, size);
      if (probe.kind === 'damaged') this.problem('footer', name, probe.offsetBytes, probe.reason);
      const trailer = probe.kind === 'footer' ? probe.trailer : null;
      const prevLastTs = header && header.prevLastTs !== INT64_MIN ? header.prevLastTs : null;
      const ctx: SegmentCtx = {
        name,
        size,
        header,
        firstSeq,
        isTail: isLast && probe.kind === 'none',
        endAtGarbage: probe.kind === 'damaged',
        expectedSeq: firstSeq,
        // Across a boundary, order against what the previous segment really held; the header's
        // copy of it was checked in checkLink.
        lastTs: this.prev ? (this.prev.lastTs === INT64_MIN ? null : this.prev.lastTs) : prevLastTs,
        chain: header?.prevChain ?? this.prev?.chain ?? 0,
        frames: 0,
        firstTs: null,
        segLastTs: null,
        goodEnd: HEADER_BYTES,
        goodSeq: firstSeq,
        pending: [],
        index: [],
        indexStart: probe.kind === 'footer' ? probe.start : size,
        ix: 0,
        damaged: false,
        // Every schema version this build reads has canonical payloads under the current encoder (v1 ⊂ v2).
        canonicalCheck: header !== null && header.userVersion >= SCHEMA_VERSION_MIN && header.userVersion <= SCHEMA_VERSION,
      };
      if (trailer) this.checkIndexShape(ctx, trailer);

      const walker = new SegmentWalker(this.ops, fd, HEADER_BYTES, trailer ? trailer.dataEnd : null);
      this.walk(ctx, walker);

      if (trailer) {
        for (; ctx.ix < ctx.index.length; ctx.ix++) {
          const { e, at } = ctx.index[ctx.ix]!;
          this.problem('index', name, at, `index entry for seq ${e.seq} points at byte ${e.offsetBytes}, which is not the start of a frame`, e.seq);
        }
        this.checkTrailer(ctx, probe as Extract<FooterProbe, { kind: 'footer' }>);
      } else if (!isLast && probe.kind === 'none') {
        this.problem('segment', name, size, `segment is not sealed but ${this.names[i + 1]} follows it`, ctx.expectedSeq ?? undefined);
      }

      // What the next segment must continue: the footer's word when it is intact (the writer built
      // the next header from it), else what the frames said.
      const intact = probe.kind === 'footer' && probe.crcOk;
      const computedLastTs = ctx.segLastTs ?? (this.prev ? this.prev.lastTs : header?.prevLastTs ?? INT64_MIN);
      this.prev = {
        name,
        segmentNo: parsed.segmentNo,
        nextSeq: intact ? trailer!.lastSeq + 1 : (ctx.expectedSeq ?? firstSeq + ctx.frames),
        lastTs: intact && trailer!.recordCount > 0 ? trailer!.lastTs : computedLastTs,
        chain: intact ? trailer!.chain : ctx.chain,
        trusted: intact || !ctx.damaged,
        ...(header ? { recordingId: header.recordingId } : {}),
      };
    } finally {
      this.ops.closeSync(fd);
    }
  }

  /** The header's links to the previous segment (chain.ts, the one rule): number, first seq, chain checksum, last ts. */
  private checkLink(name: string, segmentNo: number, firstSeq: number, header: SegmentHeader | null): void {
    const p = this.prev;
    if (!p) return; // the first segment (or one after an unreadable file): compaction may have removed its predecessors
    const link = linkProblemAt(p, segmentNo, firstSeq, header);
    if (link) this.problem(link.code === 'MISSING_SEGMENT' ? 'missing-segment' : 'segment', name, link.offsetBytes, link.reason, firstSeq);
  }

  /**
   * Finds the footer. A footer whose checksum fails is still parsed (and reported), so the frames
   * can be checked up to its dataEnd and the damage located. A trailer that is recognisable (magic,
   * or sizes that add up to the file) but broken is damage, never an unsealed segment: otherwise a
   * flipped bit in the last segment's trailer would pass as a torn tail.
   */
  private probeFooter(fd: number, size: number): FooterProbe {
    if (size < HEADER_BYTES + TRAILER_BYTES) return { kind: 'none' };
    const trailerStart = size - TRAILER_BYTES;
    const t = readFully(this.ops, fd, TRAILER_BYTES, trailerStart);
    const magicOk = t.readUInt32LE(0) === TRAILER_MAGIC;
    const indexCount = t.readUInt32LE(56);
    const dataEnd = Number(t.readBigUInt64LE(48));
    const footerBytes = indexCount * INDEX_ENTRY_BYTES + TRAILER_BYTES;
    const sizesOk = dataEnd >= HEADER_BYTES && dataEnd + footerBytes === size;
    if (!magicOk && !sizesOk) return { kind: 'none' };
    if (!sizesOk) {
      return {
        kind: 'damaged',
        trailerStart,
        offsetBytes: trailerStart + 48,
        reason: `footer trailer's dataEnd ${dataEnd} and index count ${indexCount} do not add up to the file size ${size}`,
      };
    }
    const start = size - footerBytes;
    const f = readFully(this.ops, fd, footerBytes, start);
    const index: IndexEntry[] = [];
    for (let k = 0, o = 0; k < indexCount; k++, o += INDEX_ENTRY_BYTES) {
      index.push({ seq: Number(f.readBigUInt64LE(o)), tsNs: f.readBigInt64LE(o + 8), offsetBytes: Number(f.readBigUInt64LE(o + 16)) });
    }
    const o = footerBytes - TRAILER_BYTES;
    const trailer: SegmentTrailer = {
      recordCount: Number(f.readBigUInt64LE(o + 8)),
      firstSeq: Number(f.readBigUInt64LE(o + 16)),
      lastSeq: Number(f.readBigInt64LE(o + 24)),
      firstTs: f.readBigInt64LE(o + 32),
      lastTs: f.readBigInt64LE(o + 40),
      dataEnd,
      chain: f.readUInt32LE(o + 60),
      index,
    };
    const crcOk = f.readUInt32LE(footerBytes - 4) === crc32(f.subarray(0, footerBytes - 4));
    if (!magicOk) {
      return { kind: 'damaged', trailerStart, offsetBytes: trailerStart, reason: 'bad footer trailer magic' };
    }
    return { kind: 'footer', start, trailerStart, trailer, crcOk, version: t.readUInt16LE(4) };
  }

  /** Entries must lie within the frames and ascend; bad ones are reported and left out of the match. */
  private checkIndexShape(ctx: SegmentCtx, trailer: SegmentTrailer): void {
    let last = -1;
    trailer.index.forEach((e, k) => {
      const at = ctx.indexStart + k * INDEX_ENTRY_BYTES;
      if (e.offsetBytes < HEADER_BYTES || e.offsetBytes >= trailer.dataEnd) {
        this.problem('index', ctx.name, at, `index entry ${k} (seq ${e.seq}) points at byte ${e.offsetBytes}, outside the frames (${HEADER_BYTES}..${trailer.dataEnd})`, e.seq);
      } else if (e.offsetBytes <= last) {
        this.problem('index', ctx.name, at, `index entry ${k} (seq ${e.seq}) at byte ${e.offsetBytes} does not come after the previous entry's byte ${last}`, e.seq);
      } else {
        ctx.index.push({ e, at });
        last = e.offsetBytes;
      }
    });
  }

  // -- frames ------------------------------------------------------------------------------------

  /** Frames through the one scanner; verify differs from readers only in reading on after damage. */
  private walk(ctx: SegmentCtx, walker: SegmentWalker): void {
    const sc = new UnitScanner(walker, {
      startOffset: HEADER_BYTES,
      expectedSeq: ctx.firstSeq,
      lastTs: ctx.lastTs,
      chain: ctx.chain,
      tail: ctx.isTail,
      follow: false,
    });
    for (;;) {
      const r = sc.next();
      if (r !== FRAME) {
        if (r.kind === 'end' || r.kind === 'pause') break;
        if (r.kind === 'torn') {
          ctx.pending.length = 0;
          this.tornTail = { file: ctx.name, offsetBytes: r.offsetBytes, bytes: r.bytes, seq: r.seq, reason: r.reason };
          break;
        }
        if (ctx.endAtGarbage && r.what === 'frame') break;
        ctx.damaged = true;
        if (r.what === 'order') {
          this.matchIndex(ctx, sc.frameOffset, sc.view.seq, sc.view.tsNs);
          this.problem('order', ctx.name, r.offsetBytes, r.reason, r.seq);
          // Resynchronise on this frame and read on.
          sc.acceptOutOfOrder();
          this.frame(ctx, sc, walker);
          continue;
        }
        const start = ctx.pending[0];
        ctx.pending.length = 0;
        if (r.what === 'batch') {
          this.problem('frame', ctx.name, start ? start.offset : r.offsetBytes, 'an atomic batch is cut by the end of the segment', start?.seq);
          break;
        }
        const sealedNote = /extends past the end/.test(r.reason) && ctx.indexStart < ctx.size ? ' (a frame runs into the footer)' : '';
        this.problem('frame', ctx.name, r.offsetBytes, r.reason + sealedNote, r.seq);
        if (sc.resync(r.offsetBytes) < 0) break;
        continue;
      }
      this.matchIndex(ctx, sc.frameOffset, sc.view.seq, sc.view.tsNs);
      this.frame(ctx, sc, walker);
    }
    ctx.expectedSeq = sc.expectedSeq;
    ctx.lastTs = sc.lastTs;
    ctx.chain = sc.chain;
  }

  private frame(ctx: SegmentCtx, sc: UnitScanner, walker: SegmentWalker): void {
    const out = sc.view;
    ctx.frames++;
    ctx.firstTs ??= out.tsNs;
    ctx.segLastTs = out.tsNs;
    ctx.chain = sc.chain;
    ctx.expectedSeq = sc.expectedSeq;
    ctx.pending.push({ offset: sc.frameOffset, seq: out.seq, tsNs: out.tsNs, type: out.type, payload: walker.buf.subarray(out.payloadStart, out.payloadEnd) });
    // After damage (already reported) verify reads on and counts what it finds, whole or not.
    if (sc.unitDone) this.commit(ctx);
    if (ctx.frames % PROGRESS_EVERY_FRAMES === 0) this.progress(walker.offset, ctx.name);
  }

  /** Index entries at or before this frame: each must name exactly the frame at its offset. */
  private matchIndex(ctx: SegmentCtx, at: number, seq: number, tsNs: bigint): void {
    for (; ctx.ix < ctx.index.length; ctx.ix++) {
      const { e, at: where } = ctx.index[ctx.ix]!;
      if (e.offsetBytes > at) return;
      if (e.offsetBytes < at) {
        this.problem('index', ctx.name, where, `index entry for seq ${e.seq} points at byte ${e.offsetBytes}, which is not the start of a frame`, e.seq);
      } else if (e.seq !== seq || e.tsNs !== tsNs) {
        this.problem('index', ctx.name, where, `index entry says seq ${e.seq} ts ${e.tsNs}, the frame at byte ${at} holds seq ${seq} ts ${tsNs}`, seq);
      }
    }
  }

  /** A complete unit (a record, or a whole batch): it is part of the recording. */
  private commit(ctx: SegmentCtx): void {
    for (const r of ctx.pending) {
      this.records++;
      this.digest.update(r.tsNs, r.type, r.payload);
      this.firstTs ??= r.tsNs;
      this.lastTs = r.tsNs;
      if (!ctx.canonicalCheck || !isKnownTag(r.type)) {
        this.unchecked++;
        continue;
      }
      const why = canonicalProblem(r.type, r.payload, r.seq, r.tsNs);
      if (why !== null) this.problem('canonical', ctx.name, r.offset, why, r.seq);
      // System events are few: each is decoded to count the gaps recorded at capture time.
      else if (r.type === TYPE_TAG.system) this.gaps.add(decodePayload(r.type, r.payload, r.seq, r.tsNs) as SystemEvent, ctx.name, r.offset);
    }
    ctx.pending.length = 0;
  }

  // -- footer ------------------------------------------------------------------------------------

  private checkTrailer(ctx: SegmentCtx, probe: Extract<FooterProbe, { kind: 'footer' }>): void {
    const t = probe.trailer;
    const at = probe.trailerStart;
    const empty = ctx.frames === 0;
    const prevLastTs = ctx.header?.prevLastTs ?? INT64_MIN;
    // Once frames were damaged the totals cannot match; the frame problem already says where.
    if (!ctx.damaged) {
      if (t.recordCount !== ctx.frames) this.problem('footer', ctx.name, at + 8, `footer says ${t.recordCount} records, the segment holds ${ctx.frames}`);
      if (t.firstSeq !== ctx.firstSeq) this.problem('footer', ctx.name, at + 16, `footer says first seq ${t.firstSeq}, the segment starts at ${ctx.firstSeq}`);
      const lastSeq = ctx.firstSeq + ctx.frames - 1;
      if (t.lastSeq !== lastSeq) this.problem('footer', ctx.name, at + 24, `footer says last seq ${t.lastSeq}, the frames end at ${lastSeq}`);
      const firstTs = empty ? prevLastTs : ctx.firstTs!;
      if (t.firstTs !== firstTs) this.problem('footer', ctx.name, at + 32, `footer says first ts ${t.firstTs}, the first frame has ${firstTs}`);
      const lastTs = empty ? prevLastTs : ctx.segLastTs!;
      if (t.lastTs !== lastTs) this.problem('footer', ctx.name, at + 40, `footer says last ts ${t.lastTs}, the last frame has ${lastTs}`);
      if (t.chain !== ctx.chain) this.problem('footer', ctx.name, at + 60, 'footer chain checksum does not match the frames');
    }
    if (probe.version !== FORMAT_VERSION) this.problem('footer', ctx.name, at + 4, `footer format version ${probe.version}, expected ${FORMAT_VERSION}`);
    if (!probe.crcOk) this.problem('footer', ctx.name, probe.start, 'footer checksum mismatch: the index entries or the trailer are damaged');
  }
}

/** Why a payload is not canonical, or null when it is (the fast path is isCanonicalPayload). */
function canonicalProblem(type: number, payload: Buffer, seq: number, tsNs: bigint): string | null {
  if (tsNs < 0n) return `ts ${tsNs} is negative: events have ts >= 0`;
  if (isCanonicalPayload(type, payload)) return null;
  let again: Buffer;
  try {
    again = encodePayload(validateEvent(decodePayload(type, payload, seq, tsNs)));
  } catch (e) {
    return `payload does not decode to a valid event: ${e instanceof Error ? e.message : String(e)}`;
  }
  const n = Math.min(again.length, payload.length);
  let k = 0;
  while (k < n && again[k] === payload[k]) k++;
  return `payload is not canonical: re-encoding the decoded event gives different bytes (first difference at payload byte ${k}, ${payload.length} bytes stored, ${again.length} canonical)`;
}
