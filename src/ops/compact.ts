/**
 * `compactRecording(dir, { before })`: removes the whole sealed segments that end before a time
 * (never the last segment, which a writer in another process may be appending to), and reports
 * what went and the space reclaimed.
 */
import { TapedeckError } from '../errors.js';
import { ensureKeyframeAt, pruneKeyframesBefore } from '../book/keyframes.js';
import { compactLog, listSegmentNames, parseSegmentName, realFileOps, type SnapshotWarning } from '../log/index.js';
import type { TsUnit } from '../events/ts.js';
import { timeArgResolver } from './time-range.js';
import { alignRows, formatBytes, formatCount, isoOrNull, requireDir, table } from './util.js';

export interface CompactOptions {
  /** ns, or a string: decimal ns, ISO-8601 UTC, or an offset such as "+5m" from the first record or "-1h" before the last. */
  before: bigint | string;
  /** The unit of a bare integer `before` (default ns; see parseTimeArg). */
  tsUnit?: TsUnit;
  dryRun?: boolean;
  /** A damaged keyframe skipped while making the keyframe at the cut. */
  onWarning?: (w: SnapshotWarning) => void;
}

export interface CompactedSegment {
  name: string;
  bytes: number;
  records: number;
  lastTs: bigint;
  lastTsIso: string | null;
}

export interface CompactReport {
  dir: string;
  dryRun: boolean;
  beforeTs: bigint;
  beforeIso: string | null;
  removed: CompactedSegment[];
  records: number;
  reclaimedBytes: number;
  segmentsBefore: number;
  segmentsAfter: number;
  /**
   * The book keyframe as of the last record removed (null when nothing is removed): written now,
   * or already there; books 0 when the removed part holds no book (nothing to keep).
   */
  keyframe: { seq: number; tsNs: bigint; written: boolean; existed: boolean; books: number; prunedBefore?: number } | null;
}

/**
 * Compacts a recording. Before any segment goes, a book keyframe as of the last record removed is
 * made sure of (book/keyframes.ts): the books of the rest of the recording depend on the events
 * removed, and `book --at`, `replay --from` and seeks start from that keyframe. Keyframes older
 * than it describe records that are gone, and go too.
 */
export async function compactRecording(dir: string, opts: CompactOptions): Promise<CompactReport> {
  requireDir(dir);
  if (opts.before === undefined || opts.before === '') throw new TapedeckError('BAD_ARGUMENT', 'compaction needs a time to compact before');
  const beforeTs = timeArgResolver(dir, opts.tsUnit)(opts.before);
  const segmentsBefore = listSegmentNames(realFileOps, dir).length;
  const plan = compactLog(dir, { beforeTs, dryRun: true });
  let keyframe: CompactReport['keyframe'] = null;
  if (plan.removed.length > 0) {
    const lastRemoved = plan.removed[plan.removed.length - 1]!;
    const seq = lastSeqOf(dir, lastRemoved.name);
    const k = opts.dryRun ? null : await ensureKeyframeAt(dir, seq, lastRemoved.lastTs, { onWarning: opts.onWarning });
    keyframe = { seq, tsNs: lastRemoved.lastTs, written: k?.written ?? false, existed: k?.existed ?? false, books: k?.books ?? 0 };
  }
  const r = opts.dryRun ? plan : compactLog(dir, { beforeTs });
  if (!opts.dryRun && keyframe && r.removed.length !== plan.removed.length) {
    throw new TapedeckError('LOCKED', `${dir}: the recording changed while it was being compacted; run compact again`, { path: dir });
  }
  if (!opts.dryRun && keyframe) keyframe.prunedBefore = pruneKeyframesBefore(dir, keyframe.seq).length;
  const removed = r.removed.map((s) => ({ name: s.name, bytes: s.bytes, records: s.records, lastTs: s.lastTs, lastTsIso: isoOrNull(s.lastTs) }));
  return {
    dir,
    dryRun: r.dryRun,
    beforeTs,
    beforeIso: isoOrNull(beforeTs),
    removed,
    records: removed.reduce((n, s) => n + s.records, 0),
    reclaimedBytes: r.reclaimedBytes,
    segmentsBefore,
    segmentsAfter: segmentsBefore - removed.length,
    keyframe,
  };
}

function keyframeLine(k: NonNullable<CompactReport['keyframe']>, dryRun: boolean): string {
  if (dryRun) return `a book keyframe as of the cut (seq ${k.seq}) is made first, when the removed part holds books`;
  if (k.existed) return `kept: the keyframe at the cut (seq ${k.seq}) was already there`;
  if (k.written) return `kept: keyframe written at the cut (seq ${k.seq}, ${k.books} book${k.books === 1 ? '' : 's'})`;
  return 'none in the removed part: no keyframe needed';
}

/** The seq of the last record of a segment that is not the last one: the next segment's firstSeq − 1. */
function lastSeqOf(dir: string, name: string): number {
  const names = listSegmentNames(realFileOps, dir);
  const next = names[names.indexOf(name) + 1];
  return parseSegmentName(next!)!.firstSeq - 1;
}

export function formatCompact(r: CompactReport): string {
  const verb = r.dryRun ? 'would remove' : 'removed';
  const out: string[] = [];
  if (r.removed.length === 0) {
    out.push(`${r.dryRun ? 'dry run: ' : ''}nothing to compact in ${r.dir}: no sealed segment ends before ${r.beforeIso ?? r.beforeTs}`);
    return out.join('\n') + '\n';
  }
  out.push(
    `${r.dryRun ? 'dry run: ' : ''}${verb} ${r.removed.length} segment${r.removed.length === 1 ? '' : 's'}, ` +
      `${formatCount(r.records)} records, ${formatBytes(r.reclaimedBytes)} from ${r.dir}`,
  );
  out.push(...table(r.removed.map((s) => [s.name, `${formatCount(s.records)} rec`, formatBytes(s.bytes), `ends ${s.lastTsIso ?? s.lastTs}`]), [false, true, true, false]));
  out.push(
    ...alignRows([
      ['before', `${r.beforeTs}  ${r.beforeIso ?? ''}`.trimEnd()],
      [r.dryRun ? 'would reclaim' : 'reclaimed', `${formatCount(r.reclaimedBytes)} bytes (${formatBytes(r.reclaimedBytes)})`],
      ['segments', `${r.segmentsBefore} → ${r.segmentsAfter}`],
      ...(r.keyframe ? [['books', keyframeLine(r.keyframe, r.dryRun)] as [string, string]] : []),
    ]),
  );
  return out.join('\n') + '\n';
}
