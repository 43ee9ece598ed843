/**
 * Opening a log for writing: read the MANIFEST, inspect and check the segments (recovery.ts),
 * bring the manifest up to date, apply the writer decision table to the tail, and hand back the
 * live segment with the counters the writer continues from. Nothing is appended here.
 */
import { IoError, TapedeckError } from '../errors.js';
import { createSegment, closeQuietly, metaStats, resumeSegment, type ActiveSegment, type FailWith, type SegmentStats } from './active-segment.js';
import type { FileOps } from './file-ops.js';
import { INT64_MIN } from './format.js';
import { emptyManifest, fillCatalogue, manifestEntry, NO_RECORDING_ID, readManifest, writeManifest, type Manifest } from './manifest.js';
import { cutTail, inspectForWriter, refuse, scanTail, tailAction, type RecoveryReport } from './recovery.js';
import type { RecoveryPolicy } from './recovery-table.js';
import { newRecordingId } from './recording-id.js';

export interface WriterStartOptions {
  policy: RecoveryPolicy;
  /** The id the caller asked for: undefined keeps the recording's (a new one gets a random id); null asks for none. */
  recordingId: string | null | undefined;
  userVersion: number;
  indexEveryBytes: number;
}

/** Where the writer starts appending. */
export interface WriterStart {
  manifest: Manifest;
  /** Sealed segments before the live one, in order. */
  sealed: SegmentStats[];
  seg: ActiveSegment;
  nextSeq: number;
  lastTs: bigint;
  durableSeq: number;
  firstSeqOfLog: number;
  firstTsOfLog: bigint | null;
  /** What was cut from a torn tail. */
  recovered: RecoveryReport[];
}

/** Recovers `dir` for a writer holding its lock (recovery.ts finds the state; this decides where to resume). */
export function openForWriter(ops: FileOps, dir: string, o: WriterStartOptions): WriterStart {
  // During open there is no writer state to fail into: an I/O error is a plain one naming the directory.
  const fail: FailWith = (cause, what) => new IoError(dir, what, cause);
  const found = readManifest(ops, dir);
  const metas = inspectForWriter(ops, dir, found);
  const nextNo = metas.length > 0 ? metas[metas.length - 1]!.segmentNo + (metas[metas.length - 1]!.footer ? 1 : 0) : 0;
  const manifest: Manifest = found ?? { ...emptyManifest(NO_RECORDING_ID), horizonSegmentNo: metas[0]?.segmentNo ?? 0 };
  if (found === null && metas.length > 0) {
    // No manifest (lost to a power cut before its first write, or a recording from before
    // manifests): the id is the one its segments carry, from the first segment that has it.
    const id = metas[metas.length - 1]!.header.recordingId ?? NO_RECORDING_ID;
    if (id !== NO_RECORDING_ID) {
      manifest.recordingId = id;
      manifest.idSinceSegmentNo = metas.find((m) => m.header.recordingId === id)!.segmentNo;
    }
  }
  // A new recording gets an id of its own unless the caller brings one (or asks for none).
  const recordingId = o.recordingId === null ? undefined : (o.recordingId ?? (found === null && metas.length === 0 ? newRecordingId() : undefined));
  if (recordingId !== undefined && recordingId !== manifest.recordingId) {
    if (manifest.recordingId !== NO_RECORDING_ID) {
      throw new TapedeckError('BAD_ARGUMENT', `${dir}: the recording's id is ${manifest.recordingId}, not ${recordingId}; an id never changes`, { path: dir });
    }
    // An older recording gets its id now; its existing segments keep none.
    manifest.recordingId = recordingId;
    manifest.idSinceSegmentNo = metas.length === 0 ? 0 : nextNo + (metas[metas.length - 1]!.footer ? 0 : 1);
  }
  // Sealed segments a crash kept out of the manifest (sealed, then the power went) are listed now.
  let changed = found === null || (recordingId !== undefined && found.recordingId !== recordingId);
  const listed = new Set(manifest.sealed.map((e) => e.no));
  for (const m of metas) {
    const e = manifestEntry(m);
    if (e && !listed.has(e.no)) {
      manifest.sealed.push(e);
      changed = true;
    }
  }
  // A manifest from before the catalogue (§3.1.1) gets its ts fields once, from the footers this
  // open has just read anyway.
  const filled = fillCatalogue(manifest, metas);
  manifest.sealed.sort((a, b) => a.no - b.no);
  // Unchanged: not rewritten. An open costs no extra fsync, and a full disk does not stop the
  // reopen that frees it. The clean-close mark stays until the next rotation or compaction.
  if (changed) manifest.cleanClose = false;
  if (changed || filled) writeManifest(ops, dir, manifest);
  const sealed: SegmentStats[] = [];
  for (let i = 0; i < metas.length - 1; i++) sealed.push(metaStats(metas[i]!));
  const newSegment = (no: number, firstSeq: number, prevLastTs: bigint, prevChain: number): ActiveSegment =>
    createSegment(ops, dir, { no, firstSeq, prevLastTs, prevChain, userVersion: o.userVersion, recordingId: manifest.recordingId }, fail);
  const first = metas[0];
  const last = metas[metas.length - 1];
  if (!first || !last) {
    tailAction(null, 'none', o.policy);
    const seg = newSegment(0, 0, INT64_MIN, 0);
    return { manifest, sealed, seg, nextSeq: 0, lastTs: INT64_MIN, durableSeq: -1, firstSeqOfLog: 0, firstTsOfLog: null, recovered: [] };
  }
  const firstSeqOfLog = first.firstSeq;
  let firstTsOfLog = first.footer && first.footer.recordCount > 0 ? first.footer.firstTs : null;
  if (last.footer) {
    tailAction(null, 'sealed', o.policy);
    const f = last.footer;
    sealed.push(metaStats(last));
    const nextSeq = f.lastSeq + 1;
    const lastTs = f.recordCount > 0 ? f.lastTs : last.header.prevLastTs;
    const seg = newSegment(last.segmentNo + 1, nextSeq, lastTs, f.chain);
    return { manifest, sealed, seg, nextSeq, lastTs, durableSeq: f.lastSeq, firstSeqOfLog, firstTsOfLog, recovered: [] };
  }
  let fd: number;
  try {
    fd = ops.openSync(last.path, 'r+');
  } catch (err) {
    throw new IoError(last.path, 'cannot open the tail segment for recovery', err);
  }
  try {
    const tail = scanTail(ops, fd, last, o.indexEveryBytes);
    const action = tailAction(tail, 'sealed', o.policy);
    if (action === 'refuse-torn' || action === 'refuse-corrupt') refuse(dir, tail, action);
    const recovered = action === 'cut-and-resume' ? [cutTail(ops, dir, fd, tail)] : [];
    const seg = resumeSegment(fd, tail);
    const nextSeq = last.firstSeq + tail.count;
    const lastTs = tail.count > 0 ? tail.lastTs : last.header.prevLastTs;
    if (firstTsOfLog === null && sealed.length === 0) firstTsOfLog = tail.firstTs;
    return { manifest, sealed, seg, nextSeq, lastTs, durableSeq: nextSeq - 1, firstSeqOfLog, firstTsOfLog, recovered };
  } catch (err) {
    closeQuietly(ops, fd);
    throw err;
  }
}
