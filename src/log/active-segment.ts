/**
 * The writer's segment lifecycle, one file at a time: create a segment (tmp → fsync → rename →
 * fsync dir), seal it (footer + fdatasync), and resume one from a scanned tail. The bookkeeping
 * of the live segment (`ActiveSegment`) lives here; log.ts decides when to rotate and what a
 * failure means (`fail` turns an I/O error into the writer's failed state).
 */
import * as path from 'node:path';
import type { TapedeckError } from '../errors.js';
import { syncDir, writeFully, type FileOps } from './file-ops.js';
import { HEADER_BYTES, INDEX_ENTRY_BYTES, TRAILER_BYTES, encodeFooter, encodeHeader, type IndexEntry } from './format.js';
import { entryTs, type ManifestSegment } from './manifest.js';
import { TMP_SUFFIX, segmentName } from './names.js';
import type { TailState } from './recovery.js';
import type { SegmentMeta } from './segment-file.js';

export type RotationStep = 'sealed' | 'tmp-created' | 'renamed' | 'dir-synced';

/** Turns a cause into the error to throw (the writer's failed state, or a plain I/O error during open). */
export type FailWith = (cause: unknown, what: string) => TapedeckError;

export interface SegmentStats {
  name: string;
  bytes: number;
  sealed: boolean;
  records: number;
  firstSeq: number;
  lastSeq: number;
}

/** One live segment's bookkeeping. */
export interface ActiveSegment {
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

export interface NewSegment {
  no: number;
  firstSeq: number;
  prevLastTs: bigint;
  prevChain: number;
  userVersion: number;
  recordingId: string;
}

/** Creates segment `no`: header written to a tmp file and fsynced, renamed into place, directory fsynced. */
export function createSegment(ops: FileOps, dir: string, s: NewSegment, fail: FailWith, step?: (step: RotationStep) => void): ActiveSegment {
  const name = segmentName(s.no, s.firstSeq);
  const finalPath = path.join(dir, name);
  const tmpPath = finalPath + TMP_SUFFIX;
  const header = encodeHeader({ formatVersion: 1, userVersion: s.userVersion, segmentNo: s.no, firstSeq: s.firstSeq, prevLastTs: s.prevLastTs, prevChain: s.prevChain, recordingId: s.recordingId });
  let fd: number;
  try {
    fd = ops.openSync(tmpPath, 'w+');
    writeFully(ops, fd, header, 0, header.length, 0);
    ops.fdatasyncSync(fd);
  } catch (err) {
    throw fail(err, `creating segment ${name} failed`);
  }
  step?.('tmp-created');
  try {
    ops.renameSync(tmpPath, finalPath);
    step?.('renamed');
    syncDir(ops, dir);
    step?.('dir-synced');
  } catch (err) {
    closeQuietly(ops, fd);
    throw fail(err, `installing segment ${name} failed`);
  }
  return {
    no: s.no,
    name,
    path: finalPath,
    fd,
    firstSeq: s.firstSeq,
    count: 0,
    firstTs: null,
    lastTs: s.prevLastTs,
    prevLastTs: s.prevLastTs,
    chain: s.prevChain,
    index: [],
    lastIndexedOffset: HEADER_BYTES,
    fileEnd: HEADER_BYTES,
    syncedEnd: HEADER_BYTES,
  };
}

/** Writes the footer after the frames written out so far and fdatasyncs it (the fd stays open). */
export function sealSegment(ops: FileOps, seg: ActiveSegment, fail: FailWith): void {
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
    writeFully(ops, seg.fd, footer, 0, footer.length, seg.fileEnd);
    ops.fdatasyncSync(seg.fd);
  } catch (err) {
    throw fail(err, 'sealing the segment failed');
  }
  seg.syncedEnd = seg.fileEnd + footer.length;
}

/** The live segment continued from a recovered tail (its fd open read-write). */
export function resumeSegment(fd: number, tail: TailState): ActiveSegment {
  const meta = tail.meta;
  return {
    no: meta.segmentNo,
    name: meta.name,
    path: meta.path,
    fd,
    firstSeq: meta.firstSeq,
    count: tail.count,
    firstTs: tail.firstTs,
    lastTs: tail.lastTs,
    prevLastTs: meta.header.prevLastTs,
    chain: tail.chain,
    index: tail.index,
    lastIndexedOffset: tail.lastIndexedOffset,
    fileEnd: tail.goodEnd,
    syncedEnd: tail.goodEnd,
  };
}

export function closeQuietly(ops: FileOps, fd: number): void {
  try {
    ops.closeSync(fd);
  } catch {
    // Closing is best effort once the data is durable.
  }
}

export function segStats(seg: ActiveSegment, sealed: boolean): SegmentStats {
  return {
    name: seg.name,
    bytes: seg.fileEnd + (sealed ? seg.index.length * INDEX_ENTRY_BYTES + TRAILER_BYTES : 0),
    sealed,
    records: seg.count,
    firstSeq: seg.firstSeq,
    lastSeq: seg.firstSeq + seg.count - 1,
  };
}

/** A sealed segment's manifest entry (the segment must have been sealed). */
export function sealedEntry(seg: ActiveSegment): ManifestSegment {
  const st = segStats(seg, true);
  return {
    no: seg.no,
    name: seg.name,
    firstSeq: seg.firstSeq,
    lastSeq: st.lastSeq,
    records: seg.count,
    bytes: st.bytes,
    chain: seg.chain,
    ...entryTs(seg.count, seg.firstTs ?? seg.prevLastTs, seg.lastTs, seg.prevLastTs),
  };
}

export function metaStats(m: SegmentMeta): SegmentStats {
  const f = m.footer!;
  return { name: m.name, bytes: m.sizeBytes, sealed: true, records: f.recordCount, firstSeq: f.firstSeq, lastSeq: f.lastSeq };
}
