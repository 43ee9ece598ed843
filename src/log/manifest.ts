/**
 * The MANIFEST of a recording (docs/FORMAT.md §3.1): a small JSON file, replaced atomically
 * (MANIFEST.tmp, fsync, rename, fsync the directory), that says which sealed segments the
 * recording holds (number, first and last seq, record count, size, chain checksum), where
 * compaction cut it (the horizon), whether it was closed cleanly, and its recording id.
 *
 * With it, open and verify tell loss from compaction: a deleted first, middle or last sealed
 * segment, a sealed or cleanly closed segment truncated (even at a frame boundary), a segment from
 * another recording, and a replaced recording. It holds nothing that varies between two runs that
 * write the same records (no times, no pids): deterministic recordings stay byte-identical.
 * Recordings written before the manifest existed open as before and get one from their writer.
 */
import * as path from 'node:path';
import { IoError } from '../errors.js';
import { syncDir, writeFully, type FileOps } from './file-ops.js';
import { MANIFEST_NAME, TMP_SUFFIX } from './names.js';
import type { SegmentMeta } from './segment-file.js';

export const MANIFEST_VERSION = 1;
import { NO_RECORDING_ID } from './recording-id.js';

export { NO_RECORDING_ID };

export interface ManifestSegment {
  no: number;
  name: string;
  firstSeq: number;
  lastSeq: number;
  records: number;
  bytes: number;
  chain: number;
}

export interface Manifest {
  version: number;
  /** 32 hex digits; all zeros when the writer was given none (then headers carry zeros too). */
  recordingId: string;
  /** Segments numbered below this were removed by compaction (0: none). */
  horizonSegmentNo: number;
  /** Sealed segments at or above the horizon, in order. */
  sealed: ManifestSegment[];
  /**
   * True when the last manifest write was a clean close (every segment up to the last listed one
   * sealed and listed). A writer's open does not clear it (that would cost an fsync per open);
   * its first rotation or compaction does. Segments after the last listed one belong to a later
   * writer; the chain (§9.3) and the id check them.
   */
  cleanClose: boolean;
  /** Segments numbered below this predate the manifest (or the id): their headers carry no id. */
  idSinceSegmentNo: number;
}

export function emptyManifest(recordingId: string): Manifest {
  return { version: MANIFEST_VERSION, recordingId, horizonSegmentNo: 0, sealed: [], cleanClose: false, idSinceSegmentNo: 0 };
}

export function manifestEntry(m: SegmentMeta): ManifestSegment | null {
  const f = m.footer;
  if (!f) return null;
  return { no: m.segmentNo, name: m.name, firstSeq: m.firstSeq, lastSeq: f.lastSeq, records: f.recordCount, bytes: m.sizeBytes, chain: f.chain };
}

/** Reads the manifest; null when the recording has none (written before manifests existed). */
export function readManifest(ops: FileOps, dir: string): Manifest | null {
  const p = path.join(dir, MANIFEST_NAME);
  let text: string;
  try {
    text = ops.readFileSync(p).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IoError(p, 'cannot read the manifest', err);
  }
  let m: Manifest;
  try {
    m = JSON.parse(text) as Manifest;
  } catch {
    return { ...emptyManifest(NO_RECORDING_ID), version: -1 };
  }
  return m;
}

/** Replaces the manifest atomically and durably. */
export function writeManifest(ops: FileOps, dir: string, m: Manifest): void {
  const p = path.join(dir, MANIFEST_NAME);
  const tmp = p + TMP_SUFFIX;
  try {
    const b = Buffer.from(JSON.stringify(m) + '\n');
    const fd = ops.openSync(tmp, 'w');
    try {
      writeFully(ops, fd, b, 0, b.length, 0);
      ops.fsyncSync(fd);
    } finally {
      ops.closeSync(fd);
    }
    ops.renameSync(tmp, p);
    syncDir(ops, dir);
  } catch (err) {
    throw new IoError(p, 'cannot write the manifest', err);
  }
}

export interface ManifestProblem {
  file: string;
  offsetBytes: number;
  reason: string;
  code: 'MISSING_SEGMENT' | 'CORRUPT_SEGMENT' | 'FOREIGN_SEGMENT';
}

/**
 * What the segments on disk and the manifest disagree on. `metas` are the segments in name order
 * (below-horizon leftovers of an interrupted compaction excluded by the caller: see `belowHorizon`).
 */
export function manifestProblems(m: Manifest, metas: readonly SegmentMeta[]): ManifestProblem[] {
  const out: ManifestProblem[] = [];
  if (m.version !== MANIFEST_VERSION) {
    out.push({ file: 'MANIFEST', offsetBytes: 0, reason: `manifest version ${m.version} is not ${MANIFEST_VERSION} (unreadable or from a newer tapedeck)`, code: 'CORRUPT_SEGMENT' });
    return out;
  }
  const byNo = new Map(metas.map((s) => [s.segmentNo, s]));
  const first = metas[0];
  if (first && first.segmentNo > m.horizonSegmentNo) {
    const lost = first.segmentNo - m.horizonSegmentNo;
    out.push({
      file: first.name,
      offsetBytes: 0,
      reason: `segment${lost > 1 ? `s ${m.horizonSegmentNo}..${first.segmentNo - 1} are` : ` ${m.horizonSegmentNo} is`} missing: the manifest says the recording starts at segment ${m.horizonSegmentNo} (compaction did not remove ${lost > 1 ? 'them' : 'it'})`,
      code: 'MISSING_SEGMENT',
    });
  }
  for (const e of m.sealed) {
    const s = byNo.get(e.no);
    if (!s) {
      out.push({ file: e.name, offsetBytes: 0, reason: `sealed segment ${e.no} (seq ${e.firstSeq}..${e.lastSeq}, ${e.records} records) is missing: the manifest lists it`, code: 'MISSING_SEGMENT' });
      continue;
    }
    if (!s.footer) {
      out.push({
        file: s.name,
        offsetBytes: s.sizeBytes,
        reason: `truncated: the manifest says it was sealed with ${e.records} records in ${e.bytes} bytes, the file has ${s.sizeBytes} bytes and no footer`,
        code: 'CORRUPT_SEGMENT',
      });
    } else if (s.sizeBytes !== e.bytes || s.footer.recordCount !== e.records || s.footer.chain !== e.chain || s.footer.lastSeq !== e.lastSeq) {
      out.push({
        file: s.name,
        offsetBytes: 0,
        reason: `does not match the manifest (${e.records} records, ${e.bytes} bytes, chain ${e.chain}): a segment from another recording, or a replaced one`,
        code: 'FOREIGN_SEGMENT',
      });
    }
  }
  if (m.recordingId !== NO_RECORDING_ID) {
    for (const s of metas) {
      if (s.header.recordingId !== m.recordingId && !(s.header.recordingId === NO_RECORDING_ID && s.segmentNo < m.idSinceSegmentNo)) {
        out.push({ file: s.name, offsetBytes: 44, reason: `recording id ${s.header.recordingId} is not this recording's (${m.recordingId}): a segment from another recording`, code: 'FOREIGN_SEGMENT' });
      }
    }
  }
  return out;
}

/** Segments left below the horizon by a compaction interrupted before its unlinks. */
export function belowHorizon(m: Manifest | null, metas: readonly SegmentMeta[]): SegmentMeta[] {
  if (!m) return [];
  return metas.filter((s) => s.segmentNo < m.horizonSegmentNo);
}
