/**
 * A consistent capture of a keyed collection that costs nothing when it is taken: the rows are
 * read from the live collection lazily, one chunk per turn of the event loop, while its owner keeps
 * changing it; the owner reports each change first (`beforeChange`), and the capture keeps the
 * before-image of every entry it has not read yet. So a snapshot of 100K resting orders never
 * stalls the owner (or a writer appending beside it) for the time a copy of 100K rows takes, and
 * still yields exactly the rows, in exactly the order, a copy taken at that instant would hold.
 *
 * The collection's contract: every entry carries a number `n`, larger than every number before it
 * (given when the key is inserted, kept when its value changes in place or is replaced), and it is
 * iterated in insertion order — a JS Map whose deleted keys come back only as new insertions. Then
 * the live order is ascending n; entries numbered above the capture's `nMax` came after it;
 * deleted entries the capture had not read yet are kept in a min-heap on n and put back in their
 * place.
 *
 * A capture nobody reads to the end (a snapshot that failed half-way) is held only weakly by its
 * owner: once its reader is garbage, the owner stops reporting to it.
 */
import { heapPop, heapPush } from './min-heap.js';

export interface Numbered {
  readonly n: number;
}

export class LazyCapture<R> {
  /** The number of the last entry read; entries at or below it are done. */
  private readN = 0;
  private done = false;
  private readonly before = new Map<string, R>();
  /** Entries removed before they were read: a min-heap on n. */
  private readonly gone: { n: number; row: R }[] = [];

  constructor(
    /** Entries numbered above this were inserted after the capture was taken. */
    readonly nMax: number,
    /** The number of entries the capture holds. */
    readonly count: number,
  ) {}

  get finished(): boolean {
    return this.done;
  }

  /** See CaptureRegistry.beforeChange. */
  note(key: string, n: number, row: () => R, removing: boolean): void {
    if (this.done || n > this.nMax || n <= this.readN) return;
    let r = this.before.get(key);
    if (r === undefined) {
      r = row();
      this.before.set(key, r);
    }
    if (removing) heapPush(this.gone, { n, row: r }, byN);
  }

  /** The rows as of the capture, in the live order; `rowOf` turns a live entry into a row. */
  *rows<V extends Numbered>(live: Iterable<[string, V]>, rowOf: (key: string, v: V) => R): Generator<R> {
    try {
      for (const [k, v] of live) {
        if (v.n > this.nMax) break; // the rest were inserted after the capture
        while (this.gone.length > 0 && this.gone[0]!.n < v.n) yield heapPop(this.gone, byN)!.row;
        // Removed while this very entry was next (between the yield above and here): its image is
        // the one to give, once.
        if (this.gone.length > 0 && this.gone[0]!.n === v.n) heapPop(this.gone, byN);
        this.readN = v.n;
        yield this.before.get(k) ?? rowOf(k, v);
      }
      while (this.gone.length > 0) yield heapPop(this.gone, byN)!.row;
    } finally {
      this.done = true;
      this.before.clear();
      this.gone.length = 0;
    }
  }
}

/** The captures of one collection still being read (held weakly). */
export class CaptureRegistry<R> {
  private refs: WeakRef<LazyCapture<R>>[] = [];

  /** Whether a change must be reported (the owner's hot path checks only this). */
  get active(): boolean {
    return this.refs.length > 0;
  }

  start(nMax: number, count: number): LazyCapture<R> {
    const c = new LazyCapture<R>(nMax, count);
    this.refs.push(new WeakRef(c));
    return c;
  }

  /** Before the entry `key` (numbered n; `row` makes its current row) changes in place or is removed. */
  beforeChange(key: string, n: number, row: () => R, removing: boolean): void {
    let keep = 0;
    for (let i = 0; i < this.refs.length; i++) {
      const c = this.refs[i]!.deref();
      if (!c || c.finished) continue;
      c.note(key, n, row, removing);
      this.refs[keep++] = this.refs[i]!;
    }
    this.refs.length = keep;
  }
}

const byN = (a: { n: number }, b: { n: number }): boolean => a.n < b.n;
