/**
 * Gaps recorded at capture time: the system `gap` events a recorder wrote where its source did not
 * deliver the data whole (a venue sequence break or a failed venue book checksum, a lost or
 * refused connection, messages missing from a NATS origin). They are not damage to the log: every
 * byte of a recording holding them can be intact. `verify` counts them beside its integrity
 * verdict, so it never says OK over a recording that is not whole, and lists the first few with
 * where they are.
 */
import type { FlatMap, SystemEvent } from '../events/types.js';

/** How many recorded gaps a verify result lists (all are counted). */
export const RECORDED_GAPS_LISTED = 5;

export interface RecordedGap {
  seq: number;
  ts: bigint;
  /** The segment file holding the gap event, and the byte its frame starts at. */
  file: string;
  offsetBytes: number;
  /** The recorder's words (e.g. "kraken XBT/USD book checksum: expected 1, computed 2; …"). */
  message: string;
  data?: FlatMap;
}

export interface RecordedGaps {
  count: number;
  /** The first RECORDED_GAPS_LISTED, in log order. */
  first: RecordedGap[];
}

/** Counts the gap events of a walk and keeps the first few. */
export class RecordedGapTally {
  private count = 0;
  private readonly first: RecordedGap[] = [];

  /** Takes a system event of the walk; anything but a gap is ignored. */
  add(ev: SystemEvent, file: string, offsetBytes: number): void {
    if (ev.kind !== 'gap') return;
    this.count++;
    if (this.first.length >= RECORDED_GAPS_LISTED) return;
    const g: RecordedGap = { seq: ev.seq ?? -1, ts: ev.ts, file, offsetBytes, message: ev.message };
    if (ev.data) g.data = ev.data;
    this.first.push(g);
  }

  result(): RecordedGaps {
    return { count: this.count, first: [...this.first] };
  }
}
