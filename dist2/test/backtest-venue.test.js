import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runBacktest } from '../src/backtest/index.js';
import { validateEvent } from '../src/events/validate.js';
const T0 = 1700000000000000000n;
const MS = 1000000n;
let nextSeq = 100;
function tick(ms, f) {
    return { type: 'tick', ts: T0 + BigInt(ms) * MS, runId: 'in', venue: 'X', symbol: 'ABC', seq: nextSeq++, ...f };
}
const quote = (ms, bid, ask, bidSize = 10, askSize = 10) => tick(ms, { bid, ask, bidSize, askSize });
function script(hooks) {
    return { name: 'test', ...hooks };
}
/** Runs `onTick` only on the tick numbered `n` (0-based). */
function onNth(n, fn) {
    let i = 0;
    return {
        onTick(t, ctx) {
            if (i++ === n)
                fn(ctx, t);
        },
    };
}
function run(input, strategy, opts = {}) {
    const r = runBacktest(input, { strategy, runId: 'bt', rng: () => 0.5, ...opts });
    r.events.forEach((e, i) => validateEvent(e, `output ${i}`)); // every output is recordable
    return r;
}
const orders = (r, action) => r.events.filter((e) => e.type === 'order' && (action === undefined || e.action === action));
const fills = (r) => r.events.filter((e) => e.type === 'fill');
const seqOf = (r, ev) => r.seqs[r.events.indexOf(ev)];
test('market orders fill at the touch after the latency', () => {
    const t0 = quote(0, 100, 101);
    const t1 = quote(10, 102, 103);
    const strat = script(onNth(0, (ctx) => {
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 3 });
        ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'market', qty: 2 });
    }));
    const r = run([t0, t1], strat, { venue: { latency: 5n * MS } });
    const [nb, ns] = orders(r, 'new');
    assert.is(nb.ts, T0);
    assert.is(nb.cause, t0.seq);
    assert.is(nb.tif, 'ioc');
    assert.is(nb.venue, 'X');
    const acks = orders(r, 'ack');
    assert.is(acks.length, 2);
    assert.is(acks[0].ts, T0 + 5n * MS);
    const [fb, fs] = fills(r);
    assert.equal([fb.side, fb.price, fb.qty, fb.liquidity, fb.ts], ['buy', 101, 3, 'taker', T0 + 5n * MS]);
    assert.equal([fs.side, fs.price, fs.qty], ['sell', 100, 2]);
    assert.is(fb.cause, seqOf(r, nb));
    assert.is(fs.cause, seqOf(r, ns));
    assert.is(acks[0].cause, seqOf(r, nb));
    // The arrival happened before the next tick was processed.
    assert.ok(r.events.indexOf(fs) < r.events.length);
    assert.is(r.summary.trades, 2);
});
test('the queue runs jobs due at a tick before that tick; seqs run from seqBase', () => {
    const strat = script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 1 })));
    const r = run([quote(0, 100, 101), quote(5, 200, 201)], strat, { venue: { latency: 5n * MS }, seqBase: 7 });
    assert.equal(r.seqs, [7, 8, 9]);
    assert.is(fills(r)[0].price, 101); // arrived at 5 ms, before the 5 ms tick moved the market
    assert.is(r.summary.firstSeq, 7);
    assert.is(r.summary.lastSeq, 9);
});
test('a limit order rests, then fills on a trade through it and on a quote through it', () => {
    const t0 = quote(0, 100, 101);
    const t1 = tick(1, { last: 100.5, lastSize: 5 });
    const t2 = tick(2, { last: 99.5, lastSize: 2 });
    const t3 = tick(3, { bid: 99, ask: 99.8, askSize: 10, bidSize: 10 });
    const strat = script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 5, price: 100 })));
    const r = run([t0, t1, t2, t3], strat);
    const newEv = orders(r, 'new')[0];
    assert.is(newEv.tif, 'day');
    assert.is(orders(r, 'ack').length, 1);
    const f = fills(r);
    assert.is(f.length, 2);
    assert.equal([f[0].price, f[0].qty, f[0].liquidity, f[0].cause, f[0].ts], [100, 2, 'maker', t2.seq, t2.ts]);
    assert.equal([f[1].price, f[1].qty, f[1].liquidity, f[1].cause], [100, 3, 'maker', t3.seq]);
    assert.is(r.summary.positions['ABC'].qty, 5);
});
test('trade exactly at the limit fills by default, not with tradeFill: through', () => {
    const mk = () => [quote(0, 100, 101), tick(1, { last: 100, lastSize: 3 })];
    const strat = () => script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 5, price: 100 })));
    assert.is(fills(run(mk(), strat()))[0].qty, 3);
    assert.is(fills(run(mk(), strat(), { venue: { tradeFill: 'through' } })).length, 0);
});
test('a crossing limit takes at the touch, the rest rests', () => {
    const strat = script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 5, price: 99, tif: 'gtc' })));
    const r = run([quote(0, 100, 101, 2, 10), quote(1, 100, 101, 10, 10)], strat);
    const f = fills(r);
    assert.equal([f[0].price, f[0].qty, f[0].liquidity], [100, 2, 'taker']);
    // The next quote bids 100 > 99 for 10: the rest fills at the limit as maker.
    assert.equal([f[1].price, f[1].qty, f[1].liquidity], [99, 3, 'maker']);
    assert.is(r.summary.openOrders, 0);
});
test('partial fills are bounded by the quoted size; ioc remainder expires', () => {
    const t0 = quote(0, 100, 101, 10, 4);
    const strat = script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10 })));
    const r = run([t0], strat);
    assert.equal(fills(r).map((f) => f.qty), [4]);
    const exp = orders(r, 'expire');
    assert.is(exp.length, 1);
    assert.is(exp[0].qty, 6);
    assert.is(exp[0].cause, seqOf(r, orders(r, 'new')[0]));
    assert.is(r.summary.positions['ABC'].qty, 4);
});
test('a gtc market order keeps taking each new quote; displayed size is consumed', () => {
    const strat = script(onNth(0, (ctx) => {
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10, tif: 'gtc' });
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 1, tif: 'ioc' }); // size already taken
    }));
    const r = run([quote(0, 100, 101, 10, 4), tick(1, { last: 101, lastSize: 50 }), quote(2, 100, 102, 10, 3), quote(3, 100, 103, 10, 20)], strat);
    assert.equal(fills(r).map((f) => [f.price, f.qty]), [[101, 4], [102, 3], [103, 3]]);
    assert.is(orders(r, 'expire').length, 1); // the ioc found nothing left
    assert.is(r.summary.positions['ABC'].qty, 10);
});
test('working orders share a trade print: best price first, then time', () => {
    const strat = script(onNth(0, (ctx) => {
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 3, price: 99 });
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 3, price: 99.5 });
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 3, price: 99 });
    }));
    const r = run([quote(0, 100, 101), tick(1, { last: 98, lastSize: 5 })], strat);
    assert.equal(fills(r).map((f) => [f.orderId, f.price, f.qty]), [['O2', 99.5, 3], ['O1', 99, 2]]);
});
test('rejects: no market yet, limit without price, price off the tick grid, unsupported kind', () => {
    const strat = script({
        onStart(ctx) {
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 1 }); // arrives before any tick
        },
        ...onNth(0, (ctx) => {
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1 });
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 100.005 });
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'stop', qty: 1, price: 102 });
            ctx.submit({ symbol: 'ZZZ', side: 'buy', kind: 'limit', qty: 1, price: 5 });
        }),
    });
    const r = run([quote(0, 100, 101)], strat, { venue: { tickSize: 0.01 } });
    const rej = orders(r, 'reject');
    assert.equal(rej.map((e) => e.reason), [
        'no market for ABC on sim', // before any tick the default venue is the simulator's name
        'limit order without a price',
        'price 100.005 is not a multiple of the tick size 0.01',
        'unsupported order kind stop',
        'no market for ZZZ on sim',
    ]);
    for (const e of rej)
        assert.is(e.cause, seqOf(r, orders(r, 'new').find((n) => n.orderId === e.orderId)));
    assert.is(orders(r, 'ack').length, 0);
    assert.is(r.summary.rejects, 5);
});
test('unrecordable orders (qty ≤ 0, NaN price) become a system reject, not an order event', () => {
    let ids = [];
    let status = [];
    const strat = script(onNth(0, (ctx) => {
        ids = [
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 0 }),
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: Number.NaN }),
        ];
        status = ids.map((id) => ctx.order(id)?.status);
    }));
    const t0 = quote(0, 100, 101);
    const r = run([t0], strat);
    assert.is(orders(r).length, 0);
    const sys = r.events.filter((e) => e.type === 'system');
    assert.is(sys.length, 2);
    assert.is(sys[0].kind, 'reject');
    assert.equal(sys[0].data, { orderId: ids[0], field: 'qty', value: '0' });
    assert.is(sys[0].cause, t0.seq);
    assert.equal(status, ['rejected', 'rejected']);
});
test('ioc limit that does not cross: ack then expire', () => {
    const strat = script(onNth(0, (ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 2, price: 99, tif: 'ioc' })));
    const r = run([quote(0, 100, 101)], strat);
    assert.equal(orders(r).map((e) => e.action), ['new', 'ack', 'expire']);
    assert.is(orders(r, 'expire')[0].qty, 2);
});
test('day orders expire at the end; gtc stays working', () => {
    const strat = script(onNth(0, (ctx) => {
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 90 });
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 90, tif: 'gtc' });
    }));
    const r = run([quote(0, 100, 101), quote(1000, 100, 101)], strat);
    const exp = orders(r, 'expire');
    assert.equal(exp.map((e) => [e.orderId, e.reason, e.cause]), [['O1', 'end of day', undefined]]);
    assert.is(r.summary.openOrders, 1);
});
test('fees: bps and per unit, maker and taker', () => {
    const strat = script(onNth(0, (ctx) => {
        ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 2 });
        ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 4, price: 102 });
    }));
    const r = run([quote(0, 100, 101), tick(1, { last: 102.5, lastSize: 10 })], strat, {
        venue: { fees: { takerBps: 10, takerPerUnit: 0.5, makerBps: 0, makerPerUnit: -0.25 } },
    });
    const [taker, maker] = fills(r);
    assert.is(taker.fee, (101 * 2 * 10) / 10_000 + 2 * 0.5);
    assert.is(maker.fee, -1);
    assert.is(r.summary.fees, taker.fee + maker.fee);
});
test('cancel: removes a working order (cause: the event behind the cancel); too late when filled', () => {
    const t0 = quote(0, 100, 101);
    const t1 = quote(1, 100, 101);
    const t2 = tick(2, { last: 98, lastSize: 10 });
    let a = '';
    let b = '';
    let i = 0;
    const seenActions = [];
    const strat = script({
        onTick(t, ctx) {
            if (i === 0) {
                a = ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 99 });
                b = ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 99 });
            }
            if (i === 1)
                ctx.cancel(a);
            if (i === 2)
                ctx.cancel(b); // b filled on this very tick, before onTick ran
            i++;
        },
        onOrder(o) {
            seenActions.push(`${o.orderId}:${o.action}`);
        },
    });
    const r = run([t0, t1, t2], strat, { venue: { latency: 0n } });
    const c = orders(r, 'cancel');
    assert.equal(c.map((e) => [e.orderId, e.cause]), [[a, t1.seq]]);
    assert.is(fills(r).length, 1);
    assert.is(fills(r)[0].orderId, b);
    const rej = orders(r, 'reject');
    assert.is(rej.length, 0); // b was already filled when the strategy asked: nothing is sent
    assert.equal(seenActions, ['O1:ack', 'O2:ack', 'O1:cancel']);
});
test('a cancel racing a fill loses: the venue rejects it as too late', () => {
    let id = '';
    let i = 0;
    const strat = script({
        onTick(t, ctx) {
            if (i === 0)
                id = ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 99 });
            if (i === 1)
                ctx.cancel(id); // arrives 5 ms later; the trade at 3 ms fills first
            i++;
        },
    });
    const r = run([quote(0, 100, 101), quote(1, 100, 101), tick(3, { last: 98, lastSize: 1 }), quote(10, 100, 101)], strat, {
        venue: { latency: 5n * MS },
    });
    // latency: the order arrives at 5 ms (after the 3 ms trade), so nothing fills; cancel wins.
    assert.equal(orders(r).map((e) => e.action), ['new', 'ack', 'cancel']);
    // Now with the order already working before the trade:
    i = 0;
    const r2 = run([quote(0, 100, 101), quote(6, 100, 101), tick(8, { last: 98, lastSize: 1 }), quote(20, 100, 101)], strat, {
        venue: { latency: 5n * MS },
    });
    assert.equal(orders(r2).map((e) => e.action), ['new', 'ack', 'reject']);
    assert.match(orders(r2, 'reject')[0].reason, /cancel rejected: order is filled/);
});
test('messages on the venue session stay first in first out under random latency', () => {
    let n = 0;
    const draws = [0.9, 0.0, 0.5, 0.1];
    const strat = script(onNth(0, (ctx) => {
        for (let k = 0; k < 4; k++)
            ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 90 });
    }));
    const r = run([quote(0, 100, 101), quote(100, 100, 101)], strat, {
        rng: () => draws[n++ % draws.length],
        venue: { latency: { minNs: 0n, maxNs: 10n * MS } },
    });
    const acks = orders(r, 'ack');
    assert.equal(acks.map((a) => a.orderId), ['O1', 'O2', 'O3', 'O4']);
    for (const a of acks)
        assert.ok(a.ts >= T0 + 9n * MS); // none overtakes the 9 ms draw of the first
});
test.run();
//# sourceMappingURL=backtest-venue.test.js.map