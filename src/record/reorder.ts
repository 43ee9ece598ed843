/**
 * `--reorder-window <duration>`: vendor rows that arrive a little out of order are sorted within
 * a bounded window of time. An item is held until an item at least `windowNs` later has arrived
 * (or the input ends), then released in (ts, arrival) order, so memory is bounded by what arrives
 * within one window. An item older than one already released is beyond the window: the caller
 * stores it as a reject, as without a window.
 */
export interface Held<T> {
  ts: bigint;
  arrival: number;
  item: T;
}

export type ReorderOutcome<T> = { released: Held<T>[] } | { late: true; releasedTs: bigint };

export class ReorderBuffer<T> {
  private readonly heap: Held<T>[] = [];
  private arrivals = 0;
  private maxTs = -1n;
  private releasedTs = -1n;
  /** Items that arrived with a ts below one seen before them and were put back in order. */
  reordered = 0;

  constructor(readonly windowNs: bigint) {}

  get size(): number {
    return this.heap.length;
  }

  push(ts: bigint, item: T): ReorderOutcome<T> {
    if (ts < this.releasedTs) return { late: true, releasedTs: this.releasedTs };
    if (ts < this.maxTs) this.reordered++;
    else this.maxTs = ts;
    this.insert({ ts, arrival: this.arrivals++, item });
    const released: Held<T>[] = [];
    const until = this.maxTs - this.windowNs;
    while (this.heap.length > 0 && this.heap[0]!.ts <= until) released.push(this.pop());
    return { released };
  }

  /** Everything still held, in order (at the end of the input). */
  drain(): Held<T>[] {
    const out: Held<T>[] = [];
    while (this.heap.length > 0) out.push(this.pop());
    return out;
  }

  private less(a: Held<T>, b: Held<T>): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.arrival < b.arrival);
  }

  private insert(h: Held<T>): void {
    const a = this.heap;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  private pop(): Held<T> {
    const a = this.heap;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    if (top.ts > this.releasedTs) this.releasedTs = top.ts;
    return top;
  }
}
