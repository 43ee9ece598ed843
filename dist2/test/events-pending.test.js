import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { pendingOrders } from '../src/events/pending.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { rm, tmpDir } from './helpers/tmp.js';
let t = 0n;
const order = (orderId, action, qty = 100, runId = 'r1') => ({
    type: 'order', ts: ++t, runId, orderId, venue: 'V', symbol: 'S', side: 'buy', kind: 'limit', action, price: 10, qty,
});
const fill = (orderId, qty, runId = 'r1') => ({
    type: 'fill', ts: ++t, runId, fillId: `f${t}`, orderId, venue: 'V', symbol: 'S', side: 'buy', price: 10, qty,
});
const ids = (evs, runId) => pendingOrders(evs, runId === undefined ? {} : { runId }).map((p) => `${p.order.runId}/${p.order.orderId}`);
test('a new with nothing after it is pending; ack does not close it', () => {
    const evs = [order('a', 'new'), order('a', 'ack')];
    assert.equal(ids(evs), ['r1/a']);
    const [p] = pendingOrders(evs);
    assert.is(p?.order.action, 'new');
    assert.is(p?.filledQty, 0);
});
test('cancel, reject and expire close an order', () => {
    for (const action of ['cancel', 'reject', 'expire']) {
        assert.equal(ids([order('a', 'new'), order('a', action)]), [], action);
    }
});
test('partial fills keep it pending; fills for the whole qty close it', () => {
    const partial = [order('a', 'new', 100), fill('a', 40)];
    assert.equal(ids(partial), ['r1/a']);
    assert.is(pendingOrders(partial)[0]?.filledQty, 40);
    assert.equal(ids([...partial, fill('a', 60)]), []);
    assert.equal(ids([order('b', 'new', 0.3), fill('b', 0.1), fill('b', 0.2)]), [], 'float sums close');
});
test('replace changes the qty a fill must reach', () => {
    assert.equal(ids([order('a', 'new', 100), fill('a', 50), order('a', 'replace', 50)]), []);
    assert.equal(ids([order('a', 'new', 100), order('a', 'replace', 200), fill('a', 100)]), ['r1/a']);
});
test('terminal events before the new, or for other orders, do not close it', () => {
    assert.equal(ids([order('a', 'cancel'), fill('a', 100), order('a', 'new')]), ['r1/a']);
    assert.equal(ids([order('a', 'new'), order('b', 'new'), order('b', 'cancel')]), ['r1/a']);
});
test('orders are scoped by run, and runId filters', () => {
    const evs = [order('a', 'new', 100, 'r1'), order('a', 'new', 100, 'r2'), order('a', 'cancel', 100, 'r2'), order('c', 'new', 5, 'r2')];
    assert.equal(ids(evs), ['r1/a', 'r2/c']);
    assert.equal(ids(evs, 'r2'), ['r2/c']);
    assert.equal(ids(evs, 'r3'), []);
});
test('results follow the order of the new events; works on any iterable', () => {
    function* gen() {
        yield order('z', 'new');
        yield { type: 'tick', ts: ++t, runId: 'r1', venue: 'V', symbol: 'S' };
        yield order('y', 'new');
    }
    assert.equal(ids([...gen()]), ['r1/z', 'r1/y']);
    assert.equal(pendingOrders(gen()).map((p) => p.order.orderId), ['z', 'y']);
});
test('pendingOrders over a recording written in strict mode: the intents a crash left open', async () => {
    const dir = tmpDir();
    const log = await openEventLog(dir, { durability: 'strict' });
    const base = { runId: 'live', venue: 'X', symbol: 'AAPL', side: 'buy', kind: 'limit', price: 10 };
    let ts = 1700000000000000000n;
    const order = (orderId, action, qty = 5) => ({ type: 'order', ts: (ts += 1n), orderId, action, qty, ...base });
    for (const ev of [order('a', 'new'), order('b', 'new'), order('c', 'new'), order('b', 'cancel'), order('x', 'new')]) {
        writeEvent(log, { ...ev, runId: ev.orderId === 'x' ? 'other' : ev.runId });
    }
    const fill = { type: 'fill', ts: (ts += 1n), runId: 'live', fillId: 'f1', orderId: 'c', venue: 'X', symbol: 'AAPL', side: 'buy', price: 10, qty: 5 };
    writeEvent(log, fill);
    await log.sync();
    // Read while the writer is still open, as a restarting process would after a crash.
    assert.equal(pendingOrders(dir, { runId: 'live' }).map((p) => p.order.orderId), ['a']);
    assert.equal(pendingOrders(dir).map((p) => p.order.orderId), ['a', 'x']);
    await log.close();
    rm(dir);
});
test.run();
//# sourceMappingURL=events-pending.test.js.map