/**
 * What a read's range and type filters make of one record (the one rule: LogCursor's per-record
 * and run paths, and a span read on another thread, log/handoff.ts).
 */

export const ACCEPT = 0;
export const SKIP = 1;
/** Past the end of the range: this record and everything after it are out. */
export const FINISH = 2;
/** A type the reader does not know: skipped and counted, never a failure. */
export const SKIP_UNKNOWN = 3;
export type Verdict = typeof ACCEPT | typeof SKIP | typeof FINISH | typeof SKIP_UNKNOWN;

/** The range of a read (ReadOptions' bounds, all inclusive). */
export interface RecordRange {
  fromSeq?: number;
  fromTs?: bigint;
  toSeq?: number;
  toTs?: bigint;
}

export function recordVerdict(o: RecordRange, known: ReadonlySet<number> | null, types: ReadonlySet<number> | null, seq: number, tsNs: bigint, type: number): Verdict {
  if (o.toSeq !== undefined && seq > o.toSeq) return FINISH;
  if (o.toTs !== undefined && tsNs > o.toTs) return FINISH;
  if (o.fromSeq !== undefined && seq < o.fromSeq) return SKIP;
  if (o.fromTs !== undefined && tsNs < o.fromTs) return SKIP;
  if (known && !known.has(type)) return SKIP_UNKNOWN;
  if (types && !types.has(type)) return SKIP;
  return ACCEPT;
}
