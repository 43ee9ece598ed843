/**
 * `compactRecording(dir, { before })`: removes the whole sealed segments that end before a time
 * (never the last segment, which a writer in another process may be appending to), and reports
 * what went and the space reclaimed.
 */
import { TapedeckError } from '../errors.js';
import { compactLog, listSegmentNames, realFileOps } from '../log/index.js';
import type { TsUnit } from '../events/ts.js';
import { timeArgResolver } from './time-range.js';
import { alignRows, formatBytes, formatCount, isoOrNull, requireDir, table } from './util.js';

export interface CompactOptions {
  /** ns, or a string: decimal ns, ISO-8601 UTC, or an offset such as "+5m" from the first record or "-1h" before the last. */
  before: bigint | string;
  /** The unit of a bare integer `before` (default ns; see parseTimeArg). */
  tsUnit?: TsUnit;
  dryRun?: boolean;
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
}

export function compactRecording(dir: string, opts: CompactOptions): CompactReport {
  requireDir(dir);
  if (opts.before === undefined || opts.before === '') throw new TapedeckError('BAD_ARGUMENT', 'compaction needs a time to compact before');
  const beforeTs = timeArgResolver(dir, opts.tsUnit)(opts.before);
  const segmentsBefore = listSegmentNames(realFileOps, dir).length;
  const r = compactLog(dir, { beforeTs, dryRun: opts.dryRun === true });
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
  };
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
    ]),
  );
  return out.join('\n') + '\n';
}
