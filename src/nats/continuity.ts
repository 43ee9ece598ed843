/**
 * Continuity of a message stream by origin sequence (pure): each publishing origin numbers its
 * messages 0, 1, 2, …; a receiver feeds what arrives and learns whether it is the next one, a
 * duplicate (a resend after a reconnect, or a redelivery: drop it), or the next one after a gap
 * (the missing range is reported). One rule for every receiver: the replay client and the recorder.
 */
export type Continuity =
  | { kind: 'next' }
  | { kind: 'duplicate' }
  /** `missing` messages, origin seqs `fromSeq..toSeq` inclusive, never arrived; this one is accepted. */
  | { kind: 'gap'; fromSeq: number; toSeq: number; missing: number };

export class ContinuityTracker {
  /** Last accepted origin seq per origin. */
  private readonly last = new Map<string, number>();

  constructor(initial?: Iterable<[string, number]>) {
    if (initial) for (const [o, s] of initial) this.last.set(o, s);
  }

  /** What this message is; accepted messages (next, gap) advance the origin's position. */
  feed(origin: string, seq: number): Continuity {
    const last = this.last.get(origin);
    const expected = last === undefined ? 0 : last + 1;
    if (seq < expected) return { kind: 'duplicate' };
    this.last.set(origin, seq);
    if (seq === expected) return { kind: 'next' };
    return { kind: 'gap', fromSeq: expected, toSeq: seq - 1, missing: seq - expected };
  }

  /** Would `seq` be a duplicate (without accepting it)? */
  isDuplicate(origin: string, seq: number): boolean {
    const last = this.last.get(origin);
    return last !== undefined && seq <= last;
  }

  lastSeq(origin: string): number | undefined {
    return this.last.get(origin);
  }

  /** Origins and their last accepted seq (for a cursor file). */
  entries(): [string, number][] {
    return [...this.last.entries()];
  }
}
