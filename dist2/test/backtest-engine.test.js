import seedrandom from 'seedrandom';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import maCrossover from '../scenarios/strategies/ma-crossover.js';
import marketMaker from '../scenarios/strategies/market-maker.js';
import { BacktestEngine, StrategyError, defineStrategy, loadStrategy, runBacktest, } from '../src/backtest/index.js';
import { validateEvent } from '../src/events/validate.js';
const T0 = 1700000000000000000n;
const MS = 1000000n;
function quoteAt(seq, ms, mid, half = 0.5, size = 100) {
    return { type: 'tick', ts: T0 + ms * MS, runId: 'in', seq, venue: 'X', symbol: 'ABC', bid: mid - half, ask: mid + half, bidSize: size, askSize: size };
}
function path(mids) {
    return mids.map((m, i) => quoteAt(i + 1, BigInt(i) * 10n, m));
}
/** A seeded random walk with irregular arrivals and trade prints at the touch. */
function syntheticTape(seed, n) {
    const rng = seedrandom.alea(seed);
    const out = [];
    let mid = 100;
    let ms = 0n;
    for (let i = 0; i < n; i++) {
        ms += 1n + BigInt(Math.floor(rng() * 5));
        mid = Math.round((mid + (rng() < 0.5 ? -0.01 : 0.01) * (1 + Math.floor(rng() * 3))) * 100) / 100;
        const t = {
            type: 'tick',
            ts: T0 + ms * MS,
            runId: 'in',
            seq: i + 1,
            venue: 'X',
            symbol: 'ABC',
            bid: Math.round((mid - 0.01) * 100) / 100,
            ask: Math.round((mid + 0.01) * 100) / 100,
            bidSize: 1 + Math.floor(rng() * 5),
            askSize: 1 + Math.floor(rng() * 5),
        };
        if (rng() < 0.3) {
            const buy = rng() < 0.5;
            t.last = buy ? t.ask : t.bid;
            t.lastSize = 1 + Math.floor(rng() * 3);
            t.aggressor = buy ? 'buy' : 'sell';
        }
        out.push(t);
    }
    return out;
}
function run(input, strategy, opts = {}) {
    const r = runBacktest(input, { strategy, runId: 'bt', rng: seedrandom.alea('seed'), ...opts });
    r.events.forEach((e, i) => validateEvent(e, `output ${i}`));
    return r;
}
const byType = (r, type) => r.events.filter((e) => e.type === type);
const seqOf = (r, ev) => r.seqs[r.events.indexOf(ev)];
test('PnL accounting on a hand-computed case', () => {
    let i = 0;
    const strat = {
        name: 'script',
        onTick(_t, ctx) {
            if (i === 0)
                ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10 }); // @ 100.5
            if (i === 2)
                ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'market', qty: 4 }); // @ 102.5
            i++;
        },
    };
    // mids 100, 98, 103, 105 (±0.5 spread)
    const r = run(path([100, 98, 103, 105]), strat, { venue: { fees: { takerPerUnit: 0.25 } } });
    const s = r.summary;
    assert.is(s.trades, 2);
    assert.is(s.volume, 14);
    assert.is(s.realizedPnl, 4 * (102.5 - 100.5)); // 8
    assert.is(s.unrealizedPnl, 6 * (105 - 100.5)); // 27
    assert.is(s.fees, 14 * 0.25); // 3.5
    assert.is(s.netPnl, 8 + 27 - 3.5);
    // Equity: after the buy at t0: 10 × (100 − 100.5) − 2.5 = −7.5; at t1: 10 × (98 − 100.5) − 2.5 = −27.5.
    assert.is(s.maxDrawdown, 27.5);
    // Exposure: 10 × 103 at t2 (before the sell arrives) is the largest gross notional.
    assert.is(s.maxExposure, 1030);
    assert.equal(s.positions['ABC'], { qty: 6, avgPrice: 100.5, mark: 105, realizedPnl: 8, unrealizedPnl: 27, fees: 3.5, trades: 2, volume: 14 });
    assert.is(s.eventsProcessed, 4);
    assert.is(s.ticks, 4);
});
test('a position that flips realizes the closed part and reopens at the fill price', () => {
    let i = 0;
    const strat = {
        name: 'script',
        onTick(_t, ctx) {
            if (i === 0)
                ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 2 }); // @ 100.5
            if (i === 1)
                ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'market', qty: 5 }); // @ 101.5: close 2, short 3
            i++;
        },
    };
    const s = run(path([100, 102, 101]), strat).summary;
    assert.is(s.realizedPnl, 2 * (101.5 - 100.5));
    assert.equal([s.positions['ABC'].qty, s.positions['ABC'].avgPrice], [-3, 101.5]);
    assert.is(s.unrealizedPnl, -3 * (101 - 101.5));
});
test('ma-crossover trades the crossovers of a synthetic path; PnL by hand', () => {
    // mids; fast = 2, slow = 4. At #4 fast < slow (state, no trade); at #6 fast crosses above
    // (buy 1 @ 104.5); at #9 below (sell 2 @ 99.5: close at −5, short 1); end mark 98.
    const r = run(path([104, 103, 102, 101, 102, 104, 106, 103, 100, 98]), maCrossover({ fast: 2, slow: 4, qty: 1 }));
    const sig = byType(r, 'signal');
    assert.equal(sig.map((s) => [s.name, s.value, s.cause]), [['cross', 1, 6], ['cross', -1, 9]]);
    assert.equal(sig[0].meta, { fast: 103, slow: 102.25 });
    const f = byType(r, 'fill');
    assert.equal(f.map((x) => [x.side, x.qty, x.price]), [['buy', 1, 104.5], ['sell', 2, 99.5]]);
    assert.is(r.summary.realizedPnl, -5);
    assert.is(r.summary.unrealizedPnl, 1.5);
    assert.is(r.summary.netPnl, -3.5);
    assert.is(r.summary.positions['ABC'].qty, -1);
    // long-flat: the down-cross only closes.
    const r2 = run(path([104, 103, 102, 101, 102, 104, 106, 103, 100, 98]), maCrossover({ fast: 2, slow: 4, qty: 1, mode: 'long-flat' }));
    assert.equal(byType(r2, 'fill').map((x) => [x.side, x.qty]), [['buy', 1], ['sell', 1]]);
    assert.is(r2.summary.positions['ABC'].qty, 0);
});
test('cause links: tick → signal → order new → ack → fill', () => {
    const input = path([104, 103, 102, 101, 102, 104, 106]);
    const r = run(input, maCrossover({ fast: 2, slow: 4 }), { venue: { latency: 2n * MS } });
    const sig = byType(r, 'signal')[0];
    const crossTick = input[5];
    assert.is(sig.cause, crossTick.seq);
    assert.is(sig.ts, crossTick.ts);
    assert.is(sig.strategy, 'ma-crossover');
    assert.is(sig.symbol, 'ABC');
    const orders = byType(r, 'order');
    const nw = orders.find((o) => o.action === 'new');
    const ack = orders.find((o) => o.action === 'ack');
    const fill = byType(r, 'fill')[0];
    assert.is(nw.cause, seqOf(r, sig));
    assert.is(ack.cause, seqOf(r, nw));
    assert.is(fill.cause, seqOf(r, nw));
    assert.is(ack.ts, crossTick.ts + 2n * MS);
    // Output seqs are consecutive from seqBase in emission order.
    assert.equal(r.seqs, r.events.map((_e, i) => 1 + i));
    // Time never goes back.
    for (let i = 1; i < r.events.length; i++)
        assert.ok(r.events[i].ts >= r.events[i - 1].ts);
});
test('market-maker quotes around the mid, fills, respects its inventory limit', () => {
    const tape = syntheticTape('mm', 3000);
    const r = run(tape, marketMaker({ halfSpread: 0.02, tickSize: 0.01, maxInventory: 3, qty: 1, skew: 0.005 }), {
        venue: { latency: 1n * MS },
    });
    const fills = byType(r, 'fill');
    assert.ok(fills.length > 20, `only ${fills.length} fills`);
    assert.ok(fills.every((f) => f.liquidity === 'maker'));
    let pos = 0;
    let maxAbs = 0;
    let cash = 0;
    for (const f of fills) {
        pos += f.side === 'buy' ? f.qty : -f.qty;
        cash += (f.side === 'buy' ? -1 : 1) * f.price * f.qty - (f.fee ?? 0);
        maxAbs = Math.max(maxAbs, Math.abs(pos));
    }
    assert.ok(maxAbs <= 3, `inventory reached ${maxAbs}`);
    assert.is(r.summary.positions['ABC']?.qty ?? 0, pos);
    // Net PnL = cash + position marked at the last mid.
    const last = tape[tape.length - 1];
    const mark = (last.bid + last.ask) / 2;
    assert.ok(Math.abs(r.summary.netPnl - (cash + pos * mark)) < 1e-6, `${r.summary.netPnl} vs ${cash + pos * mark}`);
    // Quotes never cross the market they were made on, and sit on the tick grid.
    for (const o of byType(r, 'order').filter((x) => x.action === 'new')) {
        assert.ok(Math.abs(o.price * 100 - Math.round(o.price * 100)) < 1e-6, `price ${o.price}`);
    }
    const sig = byType(r, 'signal');
    assert.is(sig.length, fills.length);
    assert.ok(sig.every((s) => s.name === 'inventory'));
    assert.ok(r.summary.cancels > 0);
});
test('determinism: same input and seed → identical output; another seed (random latency) → different', () => {
    const tape = syntheticTape('det', 1500);
    const go = (seed) => runBacktest(tape, {
        strategy: marketMaker({ halfSpread: 0.02, maxInventory: 4 }),
        runId: 'bt',
        rng: seedrandom.alea(seed),
        venue: { latency: { minNs: 0n, maxNs: 20n * MS }, fees: { makerBps: -0.5, takerBps: 1 } },
        risk: { maxPosition: 4, maxOrdersPerSecond: 50 },
    });
    const a = go('s1');
    const b = go('s1');
    assert.equal(a.events, b.events);
    assert.equal(a.seqs, b.seqs);
    assert.equal(a.summary, b.summary);
    const c = go('s2');
    assert.not.equal(a.events, c.events);
    const ma = (seed) => runBacktest(tape, { strategy: maCrossover({ fast: 10, slow: 40 }), runId: 'bt', rng: seedrandom.alea(seed), venue: { latency: { minNs: 0, maxNs: 5_000_000 } } });
    assert.equal(ma('x').events, ma('x').events);
});
test('timers fire in ts order with the replay clock; ties keep scheduling order', () => {
    const fired = [];
    const strat = {
        name: 'timers',
        onStart(ctx) {
            ctx.setTimer(T0 + 15n * MS);
            ctx.setTimer(T0 + 5n * MS);
            ctx.setTimer(T0 + 5n * MS);
            ctx.setTimer(T0 - 1n); // in the past: fires at once
        },
        onTimer(ts, ctx) {
            fired.push([ts, ctx.now(), 'timer']);
            if (ts === T0 + 15n * MS)
                ctx.signal('t', 1, undefined, 'ABC');
        },
        onTick(t, ctx) {
            fired.push([t.ts, ctx.now(), 'tick']);
        },
    };
    const r = run(path([100, 100, 100]), strat); // ticks at 0, 10, 20 ms
    assert.equal(fired, [
        [T0, T0, 'timer'],
        [T0, T0, 'tick'],
        [T0 + 5n * MS, T0 + 5n * MS, 'timer'],
        [T0 + 5n * MS, T0 + 5n * MS, 'timer'],
        [T0 + 10n * MS, T0 + 10n * MS, 'tick'],
        [T0 + 15n * MS, T0 + 15n * MS, 'timer'],
        [T0 + 20n * MS, T0 + 20n * MS, 'tick'],
    ]);
    assert.is(byType(r, 'signal')[0].ts, T0 + 15n * MS);
});
test('typed errors: input going back in time, a throwing strategy, bad options', () => {
    const engine = new BacktestEngine({ strategy: { name: 'x' }, runId: 'bt', rng: () => 0 }, () => undefined);
    engine.onEvent(quoteAt(1, 10n, 100));
    try {
        engine.onEvent(quoteAt(2, 5n, 100));
        assert.unreachable();
    }
    catch (e) {
        assert.is(e.code, 'TS_BACKWARDS');
    }
    const bad = {
        name: 'bad',
        onTick() {
            throw new Error('oops');
        },
    };
    try {
        runBacktest(path([100]), { strategy: bad, runId: 'bt', rng: () => 0 });
        assert.unreachable();
    }
    catch (e) {
        assert.instance(e, StrategyError);
        assert.is(e.hook, 'onTick');
        assert.match(e.message, /input seq 1/);
    }
    assert.throws(() => new BacktestEngine({ strategy: { name: 'x' }, runId: '', rng: () => 0 }, () => undefined), (e) => e.code === 'BAD_ARGUMENT');
    assert.throws(() => maCrossover({ fast: 5, slow: 3 }), RangeError);
    assert.throws(() => maCrossover({ fsat: 5 }), (e) => e.code === 'BAD_ARGUMENT');
    assert.throws(() => runBacktest([], { strategy: { name: 'x' }, runId: 'bt', rng: () => 0, venue: { latency: -1 } }), (e) => e.code === 'BAD_ARGUMENT');
});
test('defineStrategy / loadStrategy: factories, options over defaults, objects', () => {
    const made = defineStrategy({
        name: 'demo',
        defaults: { n: 1, label: 'a' },
        create: (o) => ({ onStart: (ctx) => ctx.setTimer(BigInt(o.n)) }),
    });
    assert.is(made.strategyName, 'demo');
    assert.equal(made.defaults, { n: 1, label: 'a' });
    assert.is(loadStrategy(made, { n: 2 }).name, 'demo');
    assert.is(loadStrategy(maCrossover).name, 'ma-crossover');
    assert.is(loadStrategy({ name: 'obj' }).name, 'obj');
    assert.throws(() => loadStrategy({ name: 'obj' }, { x: 1 }));
    assert.throws(() => loadStrategy(42));
});
test('engine API: seqBase and nextSeq, manual kill switch, empty run', () => {
    const out = [];
    const engine = new BacktestEngine({ strategy: { name: 'x' }, runId: 'bt', rng: () => 0, seqBase: 42 }, (e, s) => out.push([e, s]));
    assert.is(engine.seqBase, 42);
    assert.is(engine.nextSeq, 42);
    engine.onEvent(quoteAt(1, 0n, 100));
    engine.killSwitch('operator');
    assert.is(engine.nextSeq, 43);
    assert.equal(out.map(([e, s]) => [e.type, s]), [['risk', 42]]);
    const s = engine.finish();
    assert.ok(s.killed);
    assert.throws(() => engine.finish());
    const empty = runBacktest([], { strategy: { name: 'x' }, runId: 'bt', rng: () => 0 });
    assert.is(empty.summary.eventsProcessed, 0);
    assert.is(empty.summary.lastSeq, 0);
});
test('signals and orders from onFill are caused by the fill', () => {
    const strat = {
        name: 'chain',
        onTick(t, ctx) {
            if (t.seq === 1)
                ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 1 });
        },
        onFill(f, ctx) {
            ctx.signal('filled', f.qty);
            ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 1, price: f.price + 1 });
        },
        onOrder(o) {
            void o;
        },
    };
    const r = run(path([100, 100]), strat);
    const fill = byType(r, 'fill')[0];
    const sig = byType(r, 'signal')[0];
    assert.is(sig.cause, seqOf(r, fill));
    const sell = byType(r, 'order').find((o) => o.action === 'new' && o.side === 'sell');
    assert.is(sell.cause, seqOf(r, sig));
});
test.run();
//# sourceMappingURL=backtest-engine.test.js.map