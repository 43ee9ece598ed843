/**
 * Compaction (docs/FORMAT.md §14): removes whole sealed segments that end before a time, oldest
 * first, never the last segment, never leaving a hole. A writer compacts its own recording through
 * Log.compact (it holds the lock); `compactLog` called on a directory takes the writer lock first,
 * so it refuses while a writer in another process is live.
 */
import * as path from 'node:path';
import { IoError } from '../errors.js';
import { realFileOps, syncDir, type FileOps } from './file-ops.js';
import { withWriterLock } from './lock.js';
import { readManifest, writeManifest, type Manifest } from './manifest.js';
import { parseSegmentName } from './names.js';
import { inspectSegment, listSegmentNames } from './segment-file.js';

export interface CompactResult {
  removed: { name: string; bytes: number; lastTs: bigint; records: number }[];
  reclaimedBytes: number;
  dryRun: boolean;
}

export interface CompactOptions {
  beforeTs: bigint;
  dryRun?: boolean;
  fileOps?: FileOps;
  /** The writer's in-memory manifest (else it is read from the directory, when there is one). */
  manifest?: Manifest;
}

/** Compacts a recording no writer holds: takes the lock (LOCKED while a writer is live). */
export function compactLog(dir: string, opts: CompactOptions): CompactResult {
  const ops = opts.fileOps ?? realFileOps;
  if (opts.dryRun) return compactHeld(dir, opts);
  return withWriterLock(ops, dir, () => compactHeld(dir, opts));
}

/** Compaction by a caller that already holds the writer lock. */
export function compactHeld(dir: string, opts: CompactOptions): CompactResult {
  const ops = opts.fileOps ?? realFileOps;
  const names = listSegmentNames(ops, dir);
  const removed: CompactResult['removed'] = [];
  // The last segment may be the active one of a writer: never touch it.
  for (let i = 0; i < names.length - 1; i++) {
    const m = inspectSegment(ops, dir, names[i]!);
    if (!m.footer) break;
    const lastTs = m.footer.recordCount > 0 ? m.footer.lastTs : m.header.prevLastTs;
    if (!(lastTs < opts.beforeTs)) break;
    removed.push({ name: m.name, bytes: m.sizeBytes, lastTs, records: m.footer.recordCount });
  }
  if (!opts.dryRun && removed.length > 0) {
    // The manifest moves its horizon first: a crash before the unlinks leaves segments below the
    // horizon, which the next writer removes; never a manifest that calls a compaction a loss.
    const m = opts.manifest ?? readManifest(ops, dir);
    if (m) {
      const gone = new Set(removed.map((r) => r.name));
      const lastNo = parseSegmentName(removed[removed.length - 1]!.name)!.segmentNo;
      m.horizonSegmentNo = Math.max(m.horizonSegmentNo, lastNo + 1);
      m.sealed = m.sealed.filter((e) => !gone.has(e.name) && e.no >= m.horizonSegmentNo);
      m.cleanClose = false;
      writeManifest(ops, dir, m);
    }
    for (const r of removed) {
      try {
        ops.unlinkSync(path.join(dir, r.name));
      } catch (err) {
        throw new IoError(path.join(dir, r.name), 'cannot remove segment', err);
      }
    }
    try {
      syncDir(ops, dir);
    } catch (err) {
      throw new IoError(dir, 'cannot sync the directory after compaction', err);
    }
  }
  return { removed, reclaimedBytes: removed.reduce((n, r) => n + r.bytes, 0), dryRun: !!opts.dryRun };
}
