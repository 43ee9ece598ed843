import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PnlSeries } from '../src/backtest/pnl-series.js';
const S = 1000000000n;
/** The definition spelled out naively: PnL at each boundary, changes, sample sd. */
function naive(points, finalPnl) {
    if (points.length === 0)
        return 0;
    const t0 = points[0].ts;
    const end = points[points.length - 1].ts;
    const changes = [];
    let last = 0;
    // PnL "just before" the first event at or after each boundary: the pnl of the previous point.
    let prev = 0;
    let i = 0;
    for (let b = t0 + S; b <= end; b += S) {
        while (i < points.length && points[i].ts < b)
            prev = points[i++].pnl;
        changes.push(prev - last);
        last = prev;
    }
    changes.push(finalPnl - last);
    const n = changes.length;
    if (n < 2)
        return 0;
    const mean = changes.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(changes.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    return sd > 0 ? (mean / sd) * Math.sqrt(n) : 0;
}
test('pnl series - matches the naive definition, idle seconds included (property)', () => {
    fc.assert(fc.property(fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 4000 }), pnl: fc.integer({ min: -1000, max: 1000 }) }), { minLength: 1, maxLength: 60 }), fc.integer({ min: -1000, max: 1000 }), (steps, finalPnl) => {
        let ts = 1700000000000000000n;
        const points = steps.map((s) => ({ ts: (ts += BigInt(s.gapMs) * 1000000n), pnl: s.pnl }));
        const series = new PnlSeries();
        // The pnl an event sees is the pnl after the previous event.
        let current = 0;
        for (const p of points) {
            series.advance(p.ts, () => current);
            current = p.pnl;
        }
        series.finish(finalPnl);
        const want = naive(points, finalPnl);
        const got = series.sharpe();
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);
    }), { seed: 19, numRuns: 300 });
});
test('pnl series - flat PnL is 0, a steady gain is large and positive, one interval is 0', () => {
    const flat = new PnlSeries();
    for (let i = 0n; i < 10n; i++)
        flat.advance(i * S, () => 0);
    flat.finish(0);
    assert.is(flat.sharpe(), 0);
    const gain = new PnlSeries();
    let pnl = 0;
    for (let i = 0n; i < 10n; i++)
        gain.advance(i * S, () => pnl), (pnl += i % 2n === 0n ? 1 : 2);
    gain.finish(pnl);
    assert.ok(gain.sharpe() > 5, String(gain.sharpe()));
    const one = new PnlSeries();
    one.advance(0n, () => 0);
    one.finish(5);
    assert.is(one.intervals, 1);
    assert.is(one.sharpe(), 0);
});
test.run();
//# sourceMappingURL=backtest-pnl-series.test.js.map