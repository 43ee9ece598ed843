/**
 * Writer recovery (docs/FORMAT.md §12): checks the chain of segments, scans the unsealed tail with
 * the one scanner, and decides by the writer decision table (recovery-table.ts) whether to resume,
 * cut a torn tail into a side file, or refuse. Nothing here appends; log.ts keeps the policy of
 * what to do next. `repair(dir, policy)` is the same recovery as a plain function a tool can call.
 */
import * as path from 'node:path';
import { CorruptionError, IoError, TapedeckError } from '../errors.js';
import { linkProblem } from './chain.js';
import { realFileOps, readFully, syncDir, writeFully, type FileOps } from './file-ops.js';
import { HEADER_BYTES, type IndexEntry } from './format.js';
import { withWriterLock } from './lock.js';
import { belowHorizon, fillCatalogue, manifestProblems, readManifest, writeManifest, type Manifest } from './manifest.js';
import { tornSideName, TMP_SUFFIX } from './names.js';
import { decideWriter, RECOVERY_POLICIES, type RecoveryPolicy, type WriterAction } from './recovery-table.js';
import { FRAME, UnitScanner, type ScanEnding } from './scanner.js';
import { inspectSegment, listSegmentNames, type SegmentMeta } from './segment-file.js';
import { SegmentWalker } from './walker.js';

/** What open() cut from a torn tail, and where it kept the bytes. */
export interface RecoveryReport {
  file: string;
  offsetBytes: number;
  bytes: number;
  reason: string;
  sideFile: string;
}

/** The tail as the scan left it: where the last complete unit ends and what the writer resumes with. */
export interface TailState {
  meta: SegmentMeta;
  /** End of the last complete unit. */
  goodEnd: number;
  /** Records in complete units. */
  count: number;
  chain: number;
  firstTs: bigint | null;
  lastTs: bigint;
  /** The sparse index rebuilt over the kept frames. */
  index: IndexEntry[];
  lastIndexedOffset: number;
  fileBytes: number;
  ending: ScanEnding;
}

/** Lists and inspects the segments, deleting leftover `*.tmp` files; checks the chain between them. */
export function inspectForWriter(ops: FileOps, dir: string, manifest: Manifest | null = null): SegmentMeta[] {
  let names: string[];
  try {
    names = ops.readdirSync(dir);
  } catch (err) {
    throw new IoError(dir, 'cannot list the recording directory', err);
  }
  for (const n of names) {
    // A segment created but never renamed into place (a crash mid-rotation), or a lock record.
    if (n.endsWith(TMP_SUFFIX)) {
      try {
        ops.unlinkSync(path.join(dir, n));
      } catch (err) {
        throw new IoError(path.join(dir, n), 'cannot remove a leftover temporary file', err);
      }
    }
  }
  let metas = listSegmentNames(ops, dir).map((n) => inspectSegment(ops, dir, n));
  // A compaction interrupted after moving the manifest's horizon: finish it.
  const leftovers = belowHorizon(manifest, metas);
  if (leftovers.length > 0) {
    for (const m of leftovers) {
      try {
        ops.unlinkSync(m.path);
      } catch (err) {
        throw new IoError(m.path, 'cannot finish an interrupted compaction', err);
      }
    }
    syncDir(ops, dir);
    metas = metas.filter((m) => !leftovers.includes(m));
  }
  if (manifest) {
    // The manifest knows loss the chain cannot show (a deleted first or last segment, a truncated
    // or foreign one); it is asked first. Repair and open never paper over it.
    const p = manifestProblems(manifest, metas)[0];
    if (p) throw new CorruptionError(p.file, p.offsetBytes, p.reason, undefined, p.code, dir);
  }
  for (let i = 1; i < metas.length; i++) {
    const prev = metas[i - 1]!;
    const m = metas[i]!;
    if (!prev.footer) {
      throw new CorruptionError(prev.name, prev.sizeBytes, `segment is not sealed but ${m.name} follows it`, undefined, 'CORRUPT_SEGMENT', dir);
    }
    const reason = linkProblem(prev, m);
    if (reason) throw new CorruptionError(m.name, 0, `${reason}: a segment is missing, duplicated or replaced`, undefined, 'MISSING_SEGMENT', dir);
  }
  return metas;
}

/** Scans the unsealed tail with the scanner, rebuilding its sparse index. Reads only. */
export function scanTail(ops: FileOps, fd: number, meta: SegmentMeta, indexEveryBytes: number): TailState {
  const walker = new SegmentWalker(ops, fd, HEADER_BYTES, null);
  const prevLastTs = meta.header.prevLastTs;
  const sc = new UnitScanner(walker, {
    startOffset: HEADER_BYTES,
    expectedSeq: meta.firstSeq,
    lastTs: prevLastTs,
    chain: meta.header.prevChain,
    tail: true,
    follow: false,
  });
  const index: IndexEntry[] = [];
  let lastIndexed = HEADER_BYTES;
  let firstTs: bigint | null = null;
  let good = { indexLen: 0, lastIndexed: HEADER_BYTES, firstTs: null as bigint | null };
  let unitStarts = true;
  let ending: ScanEnding;
  for (;;) {
    const r = sc.next();
    if (r !== FRAME) {
      ending = r;
      break;
    }
    const v = sc.view;
    // Index only where a reader may start: never inside a batch.
    if (unitStarts && (index.length === 0 || sc.frameOffset - lastIndexed >= indexEveryBytes)) {
      index.push({ seq: v.seq, tsNs: v.tsNs, offsetBytes: sc.frameOffset });
      lastIndexed = sc.frameOffset;
    }
    firstTs ??= v.tsNs;
    unitStarts = sc.unitDone;
    if (sc.unitDone) good = { indexLen: index.length, lastIndexed, firstTs };
  }
  index.length = good.indexLen;
  return {
    meta,
    goodEnd: sc.goodEnd,
    count: sc.goodFrames,
    chain: sc.goodChain,
    firstTs: good.firstTs,
    lastTs: sc.goodLastTs ?? prevLastTs,
    index,
    lastIndexedOffset: good.lastIndexed,
    fileBytes: walker.dataEnd(),
    ending,
  };
}

/** The writer decision for a scanned tail (or for no tail at all). */
export function tailAction(tail: TailState | null, last: 'none' | 'sealed', policy: RecoveryPolicy): WriterAction {
  if (!tail) return decideWriter({ last, ending: 'n/a', policy });
  const e = tail.ending.kind === 'pause' ? 'end' : tail.ending.kind;
  return decideWriter({ last: 'unsealed', ending: e, policy });
}

/** Throws the refusal for a tail the table says not to touch. */
export function refuse(dir: string, tail: TailState, action: WriterAction): never {
  const e = tail.ending;
  if (action === 'refuse-torn' && e.kind === 'torn') {
    throw new CorruptionError(tail.meta.name, e.offsetBytes, `torn tail of ${e.bytes} bytes: ${e.reason}`, e.seq, 'TORN_TAIL', dir);
  }
  if (e.kind === 'corrupt') {
    // Valid frames after damage in the unsealed tail: corruption of data that may have been
    // acknowledged, or (after a power loss) writes since the last fsync that reached the disk out
    // of order. The disk cannot tell which, so nothing is dropped silently (docs/FORMAT.md §12.1);
    // the user who knows it was a power cut chooses point-in-time.
    const hint = `; nothing was changed. If this follows a power loss, the frames from here on were never synced: \`tapedeck repair ${dir} --policy point-in-time\` cuts them into a side file`;
    throw new CorruptionError(tail.meta.name, e.offsetBytes, e.reason + hint, e.seq, 'CORRUPT_FRAME', dir);
  }
  throw new CorruptionError(tail.meta.name, tail.goodEnd, `recovery refused (${action})`, undefined, 'CORRUPT_FRAME', dir);
}

/** Cuts goodEnd..EOF into a side file (evidence is never destroyed), truncates, syncs. */
export function cutTail(ops: FileOps, dir: string, fd: number, tail: TailState): RecoveryReport {
  const cut = tail.goodEnd;
  const e = tail.ending;
  const reason = e.kind === 'torn' || e.kind === 'corrupt' ? e.reason : 'bytes after the last complete frame';
  const sideFile = tornSideName(tail.meta.name, cut);
  try {
    const evidence = readFully(ops, fd, tail.fileBytes - cut, cut);
    const side = ops.openSync(path.join(dir, sideFile), 'w');
    try {
      writeFully(ops, side, evidence, 0, evidence.length, 0);
      ops.fsyncSync(side);
    } finally {
      ops.closeSync(side);
    }
    ops.ftruncateSync(fd, cut);
    ops.fdatasyncSync(fd);
    syncDir(ops, dir);
  } catch (err) {
    throw new IoError(tail.meta.path, 'repairing the torn tail failed', err);
  }
  return { file: tail.meta.name, offsetBytes: cut, bytes: tail.fileBytes - cut, reason, sideFile };
}

export interface RepairResult {
  dir: string;
  /** What the writer decision table chose for the last segment. */
  action: WriterAction;
  /** The cut, when one was made. */
  cut: RecoveryReport | null;
  segments: number;
}

/**
 * Standalone repair, in the spirit of etcd's `wal.Repair`: takes the writer lock (refusing while a
 * writer is live), checks the chain, and applies the writer decision table to the last segment —
 * cutting a torn tail (or, under 'point-in-time'/'skip', everything from the first corruption in
 * it) into a side file. It never creates or seals segments and never touches sealed ones.
 */
export function repair(dir: string, policy: RecoveryPolicy = 'tolerate-tail', opts: { fileOps?: FileOps } = {}): RepairResult {
  const ops = opts.fileOps ?? realFileOps;
  if (!RECOVERY_POLICIES.includes(policy)) {
    throw new TapedeckError('BAD_ARGUMENT', `unknown recovery policy "${String(policy)}" (expected ${RECOVERY_POLICIES.join(', ')})`);
  }
  if (!ops.existsSync(dir)) throw new TapedeckError('NOT_FOUND', `${dir}: no such recording`, { path: dir });
  return withWriterLock(ops, dir, () => {
    const manifest = readManifest(ops, dir);
    const metas = inspectForWriter(ops, dir, manifest);
    // A manifest from before the segment catalogue gets it (§3.1.1); no segment is touched.
    if (manifest && fillCatalogue(manifest, metas)) writeManifest(ops, dir, manifest);
    const last = metas[metas.length - 1];
    if (!last || last.footer) {
      return { dir, action: tailAction(null, last ? 'sealed' : 'none', policy), cut: null, segments: metas.length };
    }
    let fd: number;
    try {
      fd = ops.openSync(last.path, 'r+');
    } catch (err) {
      throw new IoError(last.path, 'cannot open the tail segment for repair', err);
    }
    try {
      const tail = scanTail(ops, fd, last, Number.MAX_SAFE_INTEGER);
      const action = tailAction(tail, 'sealed', policy);
      if (action === 'refuse-torn' || action === 'refuse-corrupt') refuse(dir, tail, action);
      const cut = action === 'cut-and-resume' ? cutTail(ops, dir, fd, tail) : null;
      return { dir, action, cut, segments: metas.length };
    } finally {
      ops.closeSync(fd);
    }
  });
}
