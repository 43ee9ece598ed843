/**
 * A cheap front for an HDR histogram that takes a value per event on a hot path (the lag of every
 * paced event: ~300k a second at 1000x). hdr-histogram-js's `recordValue` costs ~230 ns a value
 * (`Math.log2`, `Math.pow` and four calls), most of a paced replay's main-thread time per event;
 * `add` costs a few ns: it counts the value at the histogram's own counts index (computed with
 * integer operations) in a typed array, and `flush` adds those counts to the histogram.
 *
 * After a flush the histogram holds exactly what recording each value would have given: the same
 * counts at the same indexes (so the same percentiles and mean), total, min and max (the smallest
 * and largest values are recorded as themselves, the other counts added at their indexes). Values must be whole numbers from 1 to the histogram's highest
 * trackable value (callers clamp, as Metrics.record does).
 */
import { TapedeckError } from '../errors.js';
import type { Histogram } from './metrics.js';

/** The fields of hdr-histogram-js's JsHistogram that fix how a value maps to its counts index. */
interface HdrShape {
  unitMagnitude: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  countsArrayLength: number;
}

/** JsHistogram's own count updates (hdr-histogram-js is pinned; checked when a tally is made). */
interface HdrCounts {
  recordValue(value: number): void;
  addToCountAtIndex(index: number, count: number): void;
  addToTotalCount(count: number): void;
}

export class HistogramTally {
  private readonly counts: Float64Array;
  private readonly unitMagnitude: number;
  private readonly halfMagnitude: number;
  private readonly half: number;
  /** Touched index range since the last flush (lo > hi: none). */
  private lo = Infinity;
  private hi = -1;
  private min = Infinity;
  private max = 0;
  /** Values added since the last flush. */
  pending = 0;

  constructor(readonly histogram: Histogram) {
    const shape = histogram as unknown as HdrShape;
    this.unitMagnitude = shape.unitMagnitude;
    this.halfMagnitude = shape.subBucketHalfCountMagnitude;
    this.half = shape.subBucketHalfCount;
    const h = histogram as unknown as Partial<HdrCounts>;
    if (!Number.isInteger(this.unitMagnitude) || !Number.isInteger(this.halfMagnitude) || this.half !== 2 ** this.halfMagnitude || typeof h.addToCountAtIndex !== 'function' || typeof h.addToTotalCount !== 'function') {
      throw new TapedeckError('BAD_ARGUMENT', 'HistogramTally needs an hdr-histogram-js JsHistogram (its counts index fields and count updates)');
    }
    this.counts = new Float64Array(shape.countsArrayLength);
  }

  /** The histogram's counts index of `value` (JsHistogram.countsArrayIndex, in integer steps). */
  index(value: number): number {
    const half = this.halfMagnitude;
    if (value < 4294967296 && this.unitMagnitude === 0) {
      // floor(log2(value)) is the bit length − 1; (bucket + 1)·half + sub − half = bucket·half + sub.
      let bucket = 31 - Math.clz32(value) - half;
      if (bucket < 0) bucket = 0;
      return (bucket << half) + (value >>> bucket);
    }
    const log = value < 4294967296 ? 31 - Math.clz32(value) : 32 + (31 - Math.clz32(Math.floor(value / 4294967296)));
    let bucket = log - half - this.unitMagnitude;
    if (bucket < 0) bucket = 0;
    const sub = Math.floor(value / 2 ** (bucket + this.unitMagnitude));
    return (bucket + 1) * this.half + sub - this.half;
  }

  /** Counts one value (a whole number ≥ 1 within the histogram's range). */
  add(value: number): void {
    const i = this.index(value);
    if (i >= this.counts.length) {
      // Past the range the tally was made for: the histogram itself (it may resize).
      this.histogram.recordValue(value);
      return;
    }
    this.counts[i]!++;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.pending++;
  }

  /** Adds what was counted since the last flush to the histogram. */
  flush(): void {
    if (this.pending === 0) return;
    const h = this.histogram as unknown as HdrCounts;
    const counts = this.counts;
    // The extremes are recorded as themselves (they set the histogram's min and max); the other
    // counts go straight to their indexes, and the total by their sum.
    counts[this.index(this.max)]!--;
    h.recordValue(this.max);
    let rest = this.pending - 1;
    if (rest > 0) {
      counts[this.index(this.min)]!--;
      h.recordValue(this.min);
      rest--;
    }
    for (let i = this.lo; i <= this.hi; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      h.addToCountAtIndex(i, c);
      counts[i] = 0;
    }
    h.addToTotalCount(rest);
    this.lo = Infinity;
    this.hi = -1;
    this.min = Infinity;
    this.max = 0;
    this.pending = 0;
  }
}
