/** HistogramTally: values counted by index and flushed give the histogram recording each value gives. */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { HistogramTally } from '../src/util/histogram-tally.js';
import { newHistogram, summarize, type Histogram } from '../src/util/metrics.js';

const MAX = 3_600_000_000_000;

/** What the histogram holds (its percentiles and mean are computed from these; see the last test). */
function state(h: Histogram): unknown {
  const counts: number[] = [];
  const c = (h as unknown as { _counts: ArrayLike<number> })._counts;
  for (let i = 0; i < c.length; i++) if (c[i] !== 0) counts.push(i, c[i]!);
  return {
    total: h.totalCount,
    min: h.minNonZeroValue,
    max: h.maxValue,
    counts,
  };
}

// Values spread over every bucket: small, around powers of two, up to the hour in ns.
const value = fc.oneof(
  fc.integer({ min: 1, max: 5000 }),
  fc.integer({ min: 1, max: 41 }).chain((k) => fc.integer({ min: -3, max: 3 }).map((d) => Math.min(MAX, Math.max(1, 2 ** k + d)))),
  fc.integer({ min: 1, max: MAX }),
);

test('index: the histogram counts index of every value (hdr countsArrayIndex)', () => {
  const h = newHistogram();
  const t = new HistogramTally(h);
  const ref = h as unknown as { countsArrayIndex(v: number): number };
  fc.assert(fc.property(value, (v) => t.index(v) === ref.countsArrayIndex(v)), { numRuns: 5000 });
  for (let k = 0; k < 42; k++) for (const v of [2 ** k - 1, 2 ** k, 2 ** k + 1]) if (v >= 1 && v <= MAX) assert.is(t.index(v), ref.countsArrayIndex(v), `value ${v}`);
});

test('flushed: the same histogram as recording each value, over several flushes', () => {
  fc.assert(
    fc.property(fc.array(fc.array(value, { maxLength: 200 }), { minLength: 1, maxLength: 5 }), (rounds) => {
      const ref = newHistogram();
      const h = newHistogram();
      const t = new HistogramTally(h);
      for (const round of rounds) {
        for (const v of round) {
          ref.recordValue(v);
          t.add(v);
        }
        assert.is(t.pending, round.length);
        t.flush();
        assert.is(t.pending, 0);
        assert.equal(state(h), state(ref));
      }
    }),
    { numRuns: 200 },
  );
});

test('the same percentiles and mean as recording each value (10,000 lags)', () => {
  const ref = newHistogram();
  const h = newHistogram();
  const t = new HistogramTally(h);
  let x = 12345;
  for (let i = 0; i < 10_000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const v = 1 + (x % 2_000_000) * (i % 97 === 0 ? 1000 : 1);
    ref.recordValue(v);
    t.add(v);
    if (i % 3000 === 0) t.flush();
  }
  t.flush();
  for (const p of [0, 50, 90, 99, 99.9, 100]) assert.is(h.getValueAtPercentile(p), ref.getValueAtPercentile(p), `p${p}`);
  assert.is(h.mean, ref.mean);
  assert.equal(state(h), state(ref));
});

test('flush with nothing counted changes nothing; one value is its own min and max', () => {
  const h = newHistogram();
  const t = new HistogramTally(h);
  t.flush();
  assert.is(h.totalCount, 0);
  t.add(777_777);
  t.flush();
  assert.is(h.totalCount, 1);
  assert.is(h.minNonZeroValue, 777_777);
  assert.is(h.maxValue, 777_777);
});

test('a value past the range the tally was made for goes to the histogram itself (it resizes)', () => {
  const h = newHistogram();
  const t = new HistogramTally(h);
  t.add(MAX * 4);
  t.add(5);
  t.flush();
  assert.is(h.totalCount, 2);
  assert.ok(h.maxValue >= MAX * 4);
});

test('summarize: percentiles never above the exact max (HDR answers a bucket\'s highest equivalent value)', () => {
  const h = newHistogram();
  for (let i = 0; i < 100; i++) h.recordValue(969_500);
  assert.ok(h.getValueAtPercentile(99) > 969_500, 'the raw HDR p99 is above what was recorded');
  const s = summarize(h);
  assert.equal([s.p50, s.p99, s.p999, s.max], [969_500, 969_500, 969_500, 969_500]);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 1e12 }), { minLength: 1, maxLength: 200 }), (values) => {
      const g = newHistogram();
      for (const v of values) g.recordValue(v);
      const t = summarize(g);
      assert.ok(t.p50 <= t.p99 && t.p99 <= t.p999 && t.p999 <= t.max && t.max === Math.max(...values), JSON.stringify(t));
    }),
    { numRuns: 200 },
  );
});

test('not a JsHistogram: refused with BAD_ARGUMENT', () => {
  try {
    new HistogramTally({} as Histogram);
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, TapedeckError);
    assert.is((e as TapedeckError).code, 'BAD_ARGUMENT');
  }
});

test.run();
