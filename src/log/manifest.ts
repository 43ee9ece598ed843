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
  /**
   * The segment catalogue (docs/FORMAT.md §3.1.1): its first and last record's ts, in decimal ns
   * (JSON has no 64-bit integers). A segment without records carries the ts before it in both.
   * Absent in manifests written before the catalogue existed: readers then inspect every segment,
   * and the next writer's open fills them in.
   */
  firstTs?: string;
  lastTs?: string;
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
  const carried = m.header.prevLastTs;
  return {
    no: m.segmentNo,
    name: m.name,
    firstSeq: m.firstSeq,
    lastSeq: f.lastSeq,
    records: f.recordCount,
    bytes: m.sizeBytes,
    chain: f.chain,
    ...entryTs(f.recordCount, f.firstTs, f.lastTs, carried),
  };
}

/** The catalogue's ts fields of a sealed segment (§3.1.1): one rule for the writer and for checks. */
export function entryTs(records: number, firstTs: bigint, lastTs: bigint, prevLastTs: bigint): { firstTs: string; lastTs: string } {
  return records > 0 ? { firstTs: String(firstTs), lastTs: String(lastTs) } : { firstTs: String(prevLastTs), lastTs: String(prevLastTs) };
}

/**
 * Gives the entries of a manifest from before the catalogue (§3.1.1) their ts fields, from the
 * inspected segments (a writer's open and repair have them at hand). True when any was added.
 */
export function fillCatalogue(m: Manifest, metas: readonly SegmentMeta[]): boolean {
  const byNo = new Map(metas.map((s) => [s.segmentNo, s]));
  let filled = false;
  for (const e of m.sealed) {
    if (e.firstTs !== undefined && e.lastTs !== undefined) continue;
    const s = byNo.get(e.no);
    const f = s?.footer;
    if (!s || !f) continue;
    Object.assign(e, entryTs(f.recordCount, f.firstTs, f.lastTs, s.header.prevLastTs));
    filled = true;
  }
  return filled;
}

/** True when every listed segment carries the catalogue's ts fields (a reader can then seek from the manifest alone). */
export function hasCatalogue(m: Manifest): boolean {
  return m.version === MANIFEST_VERSION && m.sealed.every((e) => typeof e.firstTs === 'string' && typeof e.lastTs === 'string');
}

/** Reads the manifest; null when the recording has none (written before manifests existed). */
export function readManifest(ops: FileOps, dir: string): Manifest | null {
  const p = path.join(dir, MANIFEST_NAME);
  let text: Buffer;
  try {
    text = ops.readFileSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IoError(p, 'cannot read the manifest', err);
  }
  return parseManifest(text);
}

/** A manifest's text parsed; an unreadable one comes back as version -1 (reported by `manifestProblems`). */
export function parseManifest(text: string | Buffer): Manifest {
  let m: unknown;
  try {
    m = JSON.parse(text.toString());
  } catch {
    m = null;
  }
  if (typeof m !== 'object' || m === null || !Array.isArray((m as Manifest).sealed)) return { ...emptyManifest(NO_RECORDING_ID), version: -1 };
  return m as Manifest;
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
    const p = listedProblem(e, s);
    if (p) out.push(p);
  }
  for (const s of metas) {
    const p = idProblem(m, s);
    if (p) out.push(p);
  }
  return out;
}

/**
 * How a listed segment on disk disagrees with its manifest entry, or null: truncated (no footer),
 * or another size, count, last seq, chain or (when the entry has them) first/last ts. Readers ask
 * this of each catalogued segment when they open it; verify and the writer ask it of every one.
 */
export function listedProblem(e: ManifestSegment, s: SegmentMeta): ManifestProblem | null {
  if (!s.footer) {
    return {
      file: s.name,
      offsetBytes: s.sizeBytes,
      reason: `truncated: the manifest says it was sealed with ${e.records} records in ${e.bytes} bytes, the file has ${s.sizeBytes} bytes and no footer`,
      code: 'CORRUPT_SEGMENT',
    };
  }
  const f = s.footer;
  const ts = entryTs(f.recordCount, f.firstTs, f.lastTs, s.header.prevLastTs);
  const tsDiffer = (e.firstTs !== undefined && e.firstTs !== ts.firstTs) || (e.lastTs !== undefined && e.lastTs !== ts.lastTs);
  if (s.sizeBytes !== e.bytes || f.recordCount !== e.records || f.chain !== e.chain || f.lastSeq !== e.lastSeq || tsDiffer) {
    return {
      file: s.name,
      offsetBytes: 0,
      reason: `does not match the manifest (${e.records} records, ${e.bytes} bytes, chain ${e.chain}${e.lastTs !== undefined ? `, ts ${e.firstTs}..${e.lastTs}` : ''}): a segment from another recording, or a replaced one`,
      code: 'FOREIGN_SEGMENT',
    };
  }
  return null;
}

/** A segment whose header carries another recording's id (zeros allowed below `idSinceSegmentNo`), or null. */
export function idProblem(m: Manifest, s: SegmentMeta): ManifestProblem | null {
  if (m.recordingId === NO_RECORDING_ID) return null;
  if (s.header.recordingId === m.recordingId || (s.header.recordingId === NO_RECORDING_ID && s.segmentNo < m.idSinceSegmentNo)) return null;
  return { file: s.name, offsetBytes: 44, reason: `recording id ${s.header.recordingId} is not this recording's (${m.recordingId}): a segment from another recording`, code: 'FOREIGN_SEGMENT' };
}

/** Segments left below the horizon by a compaction interrupted before its unlinks. */
export function belowHorizon(m: Manifest | null, metas: readonly SegmentMeta[]): SegmentMeta[] {
  if (!m) return [];
  return metas.filter((s) => s.segmentNo < m.horizonSegmentNo);
}
