import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { assertExpectations, checkExpectations, defaultRunId, defineScenario, findMarkers, generateScenario } from '../src/scenario/index.js';
const START = 1709303400000000000n; // 2024-03-01T14:30:00Z
const MS = 1000000n;
const canonical = (events) => JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
const digest = (events) => createHash('sha256').update(canonical(events)).digest('hex');
const ticksOf = (events, symbol) => events.filter((e) => e.type === 'tick' && (symbol === undefined || e.symbol === symbol));
const systems = (events) => events.filter((e) => e.type === 'system');
const mid = (t) => (t.bid + t.ask) / 2;
function scenario(build, opts = {}) {
    return defineScenario({
        name: 'test',
        description: 'a test scenario',
        seed: opts.seed ?? 1,
        start: START,
        duration: opts.duration ?? '1m',
        symbols: opts.symbols ?? [{ symbol: 'AAA', venue: 'v1', price: 100, tickSize: 0.01 }, { symbol: 'BBB', venue: 'v2', price: 20, tickSize: 0.05, lotSize: 0.001 }],
        build,
    });
}
const busy = scenario((ctx) => {
    ctx.ticks('AAA', { ratePerSec: 80 });
    ctx.ticks('BBB', { model: 'random-walk', ratePerSec: 40, arrival: 'poisson' });
    ctx.flashCrash({ symbol: 'AAA', at: '20s', depthPct: 10, recoverySec: 10 });
    ctx.spreadBlowout({ symbol: 'AAA', at: '10s', durationSec: 3, factor: 10 });
    ctx.halt({ symbol: 'BBB', from: '30s', to: '40s' });
    ctx.feedOutage({ at: '45s', durationSec: 2 });
    ctx.duplicates({ at: '5s', count: 3 });
    ctx.outOfOrder({ rate: 0.01, maxSkewMs: 3 });
    ctx.risk('15s', { rule: 'max-position', severity: 'warn', symbol: 'AAA', detail: 'near limit', value: 90, limit: 100 });
    ctx.system('16s', { kind: 'heartbeat', message: 'hb', data: { n: 1 } });
});
test('determinism: same scenario and seed give deep-equal events and equal canonical JSON', () => {
    const a = generateScenario(busy);
    const b = generateScenario(busy);
    assert.equal(a, b);
    assert.is(canonical(a), canonical(b));
    assert.is(digest(generateScenario(busy, { seed: 99 })), digest(generateScenario(busy, { seed: 99 })));
});
test('determinism: no Math.random and no Date.now on the generation path', () => {
    const random = Math.random;
    const now = Date.now;
    Math.random = () => {
        throw new Error('Math.random called');
    };
    Date.now = () => {
        throw new Error('Date.now called');
    };
    try {
        assert.ok(generateScenario(busy).length > 0);
    }
    finally {
        Math.random = random;
        Date.now = now;
    }
});
test('seed: a different seed gives different events; the seed option overrides the scenario seed', () => {
    const a = generateScenario(busy);
    const b = generateScenario(busy, { seed: 2 });
    assert.is.not(digest(a), digest(b));
    const s2 = scenario(busy.build, { seed: 2 });
    assert.is(digest(generateScenario(s2)), digest(b));
    assert.is(digest(generateScenario(busy, { seed: '1' })), digest(a));
});
test('seed: one symbol’s ticks do not depend on the other symbols or injections', () => {
    const alone = scenario((ctx) => ctx.ticks('AAA', { ratePerSec: 50 }));
    const withOther = scenario((ctx) => {
        ctx.ticks('BBB', { ratePerSec: 70 });
        ctx.ticks('AAA', { ratePerSec: 50 });
        ctx.risk('1s', { rule: 'r', severity: 'info', detail: 'x' });
    });
    assert.equal(ticksOf(generateScenario(alone), 'AAA'), ticksOf(generateScenario(withOther), 'AAA'));
});
test('session: session-start first with the manifest, session-end last, runId on every event', () => {
    const ev = generateScenario(busy);
    const first = ev[0];
    const last = ev[ev.length - 1];
    assert.is(first.type, 'system');
    assert.is(first.kind, 'session-start');
    assert.is(first.ts, START);
    assert.equal(first.data, {
        scenario: 'test',
        seed: '1',
        description: 'a test scenario',
        startNs: START.toString(),
        durationMs: 60000,
        symbols: 'v1:AAA,v2:BBB',
    });
    assert.is(last.kind, 'session-end');
    assert.is(last.ts, START + 60000n * MS);
    assert.is(last.data.events, ev.length);
    assert.is(last.data.ticks, ticksOf(ev).length);
    assert.is(systems(ev).filter((e) => e.kind === 'session-start' || e.kind === 'session-end').length, 2);
    assert.is(defaultRunId('test', 1), 'test-1');
    for (const e of ev)
        assert.is(e.runId, 'test-1');
    for (const e of generateScenario(busy, { runId: 'custom' }))
        assert.is(e.runId, 'custom');
    for (const e of generateScenario(busy, { seed: 'x7' }))
        assert.is(e.runId, 'test-x7');
});
test('ordering: ts non-decreasing, everything inside the session, bursts share a ts', () => {
    const ev = generateScenario(busy);
    let equal = 0;
    for (let i = 1; i < ev.length; i++) {
        assert.ok(ev[i].ts >= ev[i - 1].ts, `ts backwards at ${i}`);
        if (ev[i].ts === ev[i - 1].ts && ev[i].type === 'tick')
            equal++;
    }
    assert.ok(equal > 10, `bursts with equal ts: ${equal}`);
    for (const t of ticksOf(ev))
        assert.ok(t.ts > START && t.ts < START + 60000n * MS);
});
test('ticks: irregular arrivals near the configured rate', () => {
    const s = scenario((ctx) => ctx.ticks('AAA', { ratePerSec: 100, arrival: 'poisson' }), { duration: '2m' });
    const t = ticksOf(generateScenario(s));
    assert.ok(t.length > 11_000 && t.length < 13_000, `ticks ${t.length}`);
    const gaps = new Set();
    for (let i = 1; i < 200; i++)
        gaps.add(t[i].ts - t[i - 1].ts);
    assert.ok(gaps.size > 150, 'inter-arrival times vary');
});
test('ticks: prices > 0 on the tick grid, bid < ask, sizes positive lots, all numbers finite', () => {
    const ev = generateScenario(busy);
    const grid = (p, step) => Math.abs(p / step - Math.round(p / step)) < 1e-6;
    let trades = 0;
    for (const t of ticksOf(ev)) {
        const step = t.symbol === 'AAA' ? 0.01 : 0.05;
        const lot = t.symbol === 'AAA' ? 1 : 0.001;
        assert.ok(t.bid > 0 && t.ask > t.bid, `quote ${t.bid}/${t.ask}`);
        assert.ok(grid(t.bid, step) && grid(t.ask, step), `grid ${t.bid}/${t.ask}`);
        assert.ok(t.bidSize > 0 && t.askSize > 0 && grid(t.bidSize, lot) && grid(t.askSize, lot));
        if (t.last !== undefined) {
            trades++;
            assert.ok(t.last === (t.aggressor === 'buy' ? t.ask : t.bid));
            assert.ok(t.lastSize > 0 && grid(t.lastSize, lot));
            assert.ok(t.volume >= t.lastSize);
        }
        for (const v of Object.values(t))
            if (typeof v === 'number')
                assert.ok(Number.isFinite(v));
        assert.is(typeof t.exchTs, 'bigint');
    }
    assert.ok(trades > 100);
});
test('ticks: the random walk stays above zero even with huge volatility', () => {
    const s = scenario((ctx) => ctx.ticks('BBB', { model: 'random-walk', volatility: 50, ratePerSec: 50 }), { duration: '1m' });
    for (const t of ticksOf(generateScenario(s)))
        assert.ok(t.bid >= 0.05);
});
test('ticks: exchTs is the venue clock — close to ts but not equal, in order per symbol without faults', () => {
    const s = scenario((ctx) => ctx.ticks(['AAA', 'BBB'], { ratePerSec: 60 }));
    const t = ticksOf(generateScenario(s));
    let differ = 0;
    const prev = new Map();
    for (const k of t) {
        const d = k.ts - k.exchTs;
        assert.ok(d > -5n * MS && d < 10n * MS, `latency ${d}`);
        if (d !== 0n)
            differ++;
        assert.ok(k.exchTs >= (prev.get(k.symbol) ?? 0n));
        prev.set(k.symbol, k.exchTs);
    }
    assert.ok(differ > t.length * 0.99);
});
test('ticks: gbm drift moves the price the right way', () => {
    const up = scenario((ctx) => ctx.ticks('AAA', { drift: 2, volatility: 0.01, ratePerSec: 20 }), { duration: '5m' });
    const t = ticksOf(generateScenario(up));
    const gain = mid(t[t.length - 1]) / mid(t[0]) - 1;
    assert.ok(gain > 0.1 && gain < 0.25, `gain ${gain}`); // exp(2 * 5/60) - 1 ≈ 0.18
});
test('halt: no ticks inside [from, to), system events at both ends, the other symbol trades on', () => {
    const ev = generateScenario(busy);
    const from = START + 30000n * MS;
    const to = START + 40000n * MS;
    assert.is(ticksOf(ev, 'BBB').filter((t) => t.ts >= from && t.ts < to).length, 0);
    assert.ok(ticksOf(ev, 'AAA').filter((t) => t.ts >= from && t.ts < to).length > 100);
    assert.ok(ticksOf(ev, 'BBB').some((t) => t.ts >= to && t.ts < to + 2000n * MS), 'ticks resume after the halt');
    const start = systems(ev).find((e) => e.data?.marker === 'halt');
    const end = systems(ev).find((e) => e.data?.marker === 'halt-end');
    assert.is(start.ts, from);
    assert.is(end.ts, to);
    assert.is(start.data.phase, 'start');
    assert.is(end.data.phase, 'end');
    assert.is(start.data.symbol, 'BBB');
    // The resume event comes before any tick at the same ts.
    const endIdx = ev.indexOf(end);
    assert.ok(ev.slice(0, endIdx).every((e) => e.ts <= to));
});
test('feed outage: no ticks at all inside, gap with gapMs then reconnect', () => {
    const ev = generateScenario(busy);
    const from = START + 45000n * MS;
    const to = START + 47000n * MS;
    assert.is(ticksOf(ev).filter((t) => t.ts >= from && t.ts < to).length, 0);
    const gap = systems(ev).filter((e) => e.kind === 'gap');
    const rec = systems(ev).filter((e) => e.kind === 'reconnect');
    assert.is(gap.length, 1);
    assert.is(rec.length, 1);
    assert.is(gap[0].ts, from);
    assert.is(rec[0].ts, to);
    assert.is(gap[0].data.gapMs, 2000);
    assert.is(rec[0].data.gapMs, 2000);
    assert.ok(ev.indexOf(gap[0]) < ev.indexOf(rec[0]));
});
test('flash crash: reaches about the depth, then recovers', () => {
    const s = scenario((ctx) => {
        ctx.ticks('AAA', { volatility: 0.01, ratePerSec: 50 });
        ctx.flashCrash({ at: '30s', depthPct: 12, recoverySec: 20 });
    }, { duration: '2m', symbols: [{ symbol: 'AAA', price: 100 }] });
    const ev = generateScenario(s);
    const t = ticksOf(ev);
    const at = START + 30000n * MS;
    const before = t.filter((k) => k.ts < at && k.ts >= at - 2000n * MS).map(mid);
    const pre = before.reduce((a, b) => a + b, 0) / before.length;
    const low = Math.min(...t.filter((k) => k.ts >= at && k.ts < at + 25000n * MS).map(mid));
    const dip = 1 - low / pre;
    assert.ok(dip > 0.1 && dip < 0.14, `dip ${dip}`);
    const after = t.filter((k) => k.ts >= at + 25000n * MS && k.ts < at + 30000n * MS).map(mid);
    const post = after.reduce((a, b) => a + b, 0) / after.length;
    assert.ok(Math.abs(post / pre - 1) < 0.02, `recovered to ${post} from ${pre}`);
    // Stress: wider spreads and more trading on the way down.
    const spread = (k) => k.ask - k.bid;
    const calm = t.filter((k) => k.ts < at);
    const down = t.filter((k) => k.ts >= at && k.ts < at + 2000n * MS);
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(avg(down.map(spread)) > 2 * avg(calm.map(spread)));
    assert.ok(down.length / 2 > (calm.length / 30) * 2, 'arrival rate rises');
    const sells = down.filter((k) => k.aggressor === 'sell').length;
    const buys = down.filter((k) => k.aggressor === 'buy').length;
    assert.ok(sells > 2 * buys, `sells ${sells} buys ${buys}`);
    const marker = systems(ev).find((e) => e.data?.marker === 'flash-crash');
    assert.is(marker.ts, at);
    assert.is(marker.kind, 'note');
    assert.is(marker.data.depthPct, 12);
});
test('spread blowout: spreads widen by about the factor inside the window only', () => {
    const ev = generateScenario(busy);
    const b = ticksOf(ev, 'AAA');
    const s = (k) => k.ask - k.bid;
    const avg = (xs) => xs.reduce((a, c) => a + c, 0) / xs.length;
    const inside = avg(b.filter((k) => k.ts >= START + 10000n * MS && k.ts < START + 13000n * MS).map(s));
    const outside = avg(b.filter((k) => k.ts < START + 10000n * MS).map(s));
    assert.ok(inside > 4 * outside, `inside ${inside} outside ${outside}`);
    assert.ok(systems(ev).some((e) => e.data?.marker === 'spread-blowout'));
});
test('duplicates: at-mode copies the next N ticks exactly; rate-mode scatters copies', () => {
    const ev = generateScenario(busy);
    const t = ticksOf(ev);
    let dups = 0;
    for (let i = 1; i < t.length; i++)
        if (canonical([t[i]]) === canonical([t[i - 1]]))
            dups++;
    assert.is(dups, 3);
    const firstDup = t.findIndex((k, i) => i > 0 && canonical([k]) === canonical([t[i - 1]]));
    assert.ok(t[firstDup].ts >= START + 5000n * MS);
    const capped = scenario((ctx) => {
        ctx.ticks('AAA', { ratePerSec: 100 });
        ctx.duplicates({ rate: 0.05, count: 40 });
    });
    const copies = (ev) => {
        const t2 = ticksOf(ev);
        return t2.filter((k, i) => i > 0 && canonical([k]) === canonical([t2[i - 1]]));
    };
    assert.is(copies(generateScenario(capped)).length, 40);
    const windowed = scenario((ctx) => {
        ctx.ticks('AAA', { ratePerSec: 100 });
        ctx.duplicates({ rate: 0.5, from: '10s', to: '12s' });
    });
    const w = copies(generateScenario(windowed));
    assert.ok(w.length > 20, `copies ${w.length}`);
    assert.ok(w.every((k) => k.ts >= START + 10000n * MS && k.ts < START + 12000n * MS));
});
test('outOfOrder: exchTs goes backwards per symbol within maxSkewMs, ts never does', () => {
    const s = scenario((ctx) => {
        ctx.ticks(['AAA', 'BBB'], { ratePerSec: 60 });
        ctx.outOfOrder({ rate: 0.02, maxSkewMs: 4 });
        ctx.outOfOrder({ symbol: 'BBB', at: '30s', count: 2, maxSkewMs: 1 });
    });
    const ev = generateScenario(s);
    const high = new Map();
    let late = 0;
    let lateAfter30 = 0;
    for (const k of ticksOf(ev)) {
        const h = high.get(k.symbol);
        if (h !== undefined && k.exchTs < h) {
            late++;
            assert.ok(h - k.exchTs <= 4n * MS, 'skew within maxSkewMs');
            if (k.symbol === 'BBB' && k.ts >= START + 30000n * MS && k.ts < START + 31000n * MS)
                lateAfter30++;
        }
        if (h === undefined || k.exchTs > h)
            high.set(k.symbol, k.exchTs);
    }
    assert.ok(late > 50, `late ${late}`);
    assert.ok(lateAfter30 >= 2);
    for (let i = 1; i < ev.length; i++)
        assert.ok(ev[i].ts >= ev[i - 1].ts);
});
test('risk and system events are placed at their times with their fields', () => {
    const ev = generateScenario(busy);
    const risk = ev.find((e) => e.type === 'risk');
    assert.equal(risk, { type: 'risk', ts: START + 15000n * MS, runId: 'test-1', rule: 'max-position', severity: 'warn', symbol: 'AAA', detail: 'near limit', value: 90, limit: 100 });
    const hb = systems(ev).find((e) => e.kind === 'heartbeat');
    assert.equal(hb, { type: 'system', ts: START + 16000n * MS, runId: 'test-1', kind: 'heartbeat', message: 'hb', data: { n: 1 } });
});
test('ctx: bad injections throw BAD_ARGUMENT when generated', () => {
    const bad = (build) => {
        try {
            generateScenario(scenario(build));
        }
        catch (e) {
            assert.instance(e, TapedeckError);
            assert.is(e.code, 'BAD_ARGUMENT');
            return;
        }
        assert.unreachable('expected BAD_ARGUMENT');
    };
    bad((ctx) => ctx.ticks('ZZZ'));
    bad((ctx) => ctx.ticks('AAA').ticks('AAA'));
    bad((ctx) => ctx.ticks('AAA', { ratePerSec: 0 }));
    bad((ctx) => ctx.halt({ from: '20s', to: '10s' }));
    bad((ctx) => ctx.halt({ from: '20s', to: '2m' }));
    bad((ctx) => ctx.flashCrash({ at: '10s', depthPct: 150, recoverySec: 1 }));
    bad((ctx) => ctx.feedOutage({ at: '55s', durationSec: 10 }));
    bad((ctx) => ctx.feedOutage({ at: '5s', durationSec: 1, venue: 'nope' }));
    bad((ctx) => ctx.duplicates({ count: 2 }));
    bad((ctx) => ctx.outOfOrder({ at: '1s', rate: 0.1, maxSkewMs: 1 }));
    bad((ctx) => ctx.system('1s', { kind: 'session-start', message: 'no' }));
    bad((ctx) => ctx.risk('1s', { rule: 'r', severity: 'fatal', detail: 'd' }));
});
test('ctx: at() resolves offsets and absolute times; ctx.rng is seeded', () => {
    const seen = [];
    const s = scenario((ctx) => {
        seen.push(ctx.at('1m'), ctx.at(500), ctx.at(START + 7n), ctx.rng.uniform(), ctx.durationMs, ctx.end);
    });
    generateScenario(s);
    generateScenario(s);
    assert.equal(seen.slice(0, 3), [START + 60000n * MS, START + 500n * MS, START + 7n]);
    assert.is(seen[3], seen[9]);
    assert.is(seen[4], 60000);
    assert.is(seen[5], START + 60000n * MS);
});
test('scale: a few hundred thousand events generate fine', () => {
    const s = scenario((ctx) => ctx.ticks(['AAA', 'BBB'], { ratePerSec: 1000 }), { duration: '2m30s' });
    const ev = generateScenario(s);
    assert.ok(ev.length > 280_000, `events ${ev.length}`);
});
test('expectations: flat-within by marker and by time, max-drawdown, assert', () => {
    const crash = START + 90000n * MS;
    const fill = (ms, side, qty, symbol = 'BTC') => ({
        type: 'fill',
        ts: crash + ms * MS,
        runId: 'bt',
        fillId: `f${ms}`,
        orderId: 'o',
        venue: 'sim',
        symbol,
        side,
        price: 1,
        qty,
    });
    const marker = { type: 'system', ts: crash, runId: 's', kind: 'note', message: 'crash', data: { marker: 'flash-crash' } };
    const events = [marker, fill(-5000n, 'buy', 0.3), fill(200n, 'sell', 0.1), fill(400n, 'sell', 0.2), fill(-100n, 'buy', 1, 'ETH'), fill(300n, 'sell', 1, 'ETH')];
    assert.equal([...findMarkers(events)], [['flash-crash', crash]]);
    const r = checkExpectations([
        { kind: 'flat-within', afterEvent: 'flash-crash', withinMs: 500, symbol: 'BTC' },
        { kind: 'flat-within', afterEvent: 'flash-crash', withinMs: 300, symbol: 'BTC' },
        { kind: 'flat-within', afterEvent: 'flash-crash', withinMs: 500 },
        { kind: 'flat-within', afterTs: '1m30s', withinMs: 250 },
        { kind: 'flat-within', afterEvent: 'halt', withinMs: 500 },
        { kind: 'max-drawdown', below: 100 },
        { kind: 'max-drawdown', below: 10 },
    ], { start: START, events, maxDrawdown: 50 });
    assert.equal(r.map((x) => x.ok), [true, false, true, false, false, true, false]);
    assert.match(r[1].detail, 'BTC 0.2');
    assert.match(r[3].detail, 'BTC 0.2, ETH 1');
    assert.match(r[4].detail, 'no marker "halt"');
    try {
        assertExpectations(r);
        assert.unreachable('should throw');
    }
    catch (e) {
        assert.is(e.code, 'EXPECTATION_FAILED');
    }
    assertExpectations(r.filter((x) => x.ok));
    assert.not.ok(checkExpectations([{ kind: 'max-drawdown', below: 1 }], { start: START, events: [] })[0].ok);
});
test.run();
//# sourceMappingURL=scenario-generate.test.js.map