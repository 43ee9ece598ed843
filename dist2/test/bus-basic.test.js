import { map } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { TapedeckError } from '../src/errors.js';
const T0 = 1700000000000000000n;
function tick(n, symbol = 'ABC', venue = 'X') {
    return { type: 'tick', ts: T0 + BigInt(n), runId: 'r', venue, symbol, bid: 100, ask: 101, seq: n };
}
function fill(n, symbol = 'ABC', venue = 'X') {
    return { type: 'fill', ts: T0 + BigInt(n), runId: 'r', fillId: `f${n}`, orderId: 'o1', venue, symbol, side: 'buy', price: 100, qty: 1, seq: n };
}
function sys(n) {
    return { type: 'system', ts: T0 + BigInt(n), runId: 'r', kind: 'note', message: 'hi', seq: n };
}
test('events$ sees everything in order; on(type) narrows the type', () => {
    const bus = new EventBus();
    const all = [];
    const bids = [];
    const fills = [];
    bus.events$.subscribe((e) => all.push(e.seq));
    bus.on('tick').subscribe((t) => bids.push(t.bid)); // t: TickEvent, so .bid type-checks
    bus.on('fill').subscribe((f) => fills.push(f.fillId));
    bus.publish(tick(1));
    bus.publish(fill(2));
    bus.publish(sys(3));
    assert.equal(all, [1, 2, 3]);
    assert.equal(bids, [100]);
    assert.equal(fills, ['f2']);
    assert.is(bus.publishedCount, 3);
});
test('filters by symbol and venue', () => {
    const bus = new EventBus();
    const sym = [];
    const ven = [];
    const both = [];
    const viaSubscribe = [];
    bus.onSymbol('XYZ').subscribe((e) => sym.push(e.seq));
    bus.onVenue('V2').subscribe((e) => ven.push(e.seq));
    bus.on('tick', { symbol: 'XYZ', venue: 'V2' }).subscribe((e) => both.push(e.seq));
    bus.subscribe((e) => viaSubscribe.push(e.seq), { types: ['fill'], symbol: 'XYZ' });
    bus.publish(tick(1, 'XYZ', 'X'));
    bus.publish(tick(2, 'XYZ', 'V2'));
    bus.publish(tick(3, 'ABC', 'V2'));
    bus.publish(fill(4, 'XYZ', 'V2'));
    bus.publish(sys(5));
    assert.equal(sym, [1, 2, 4]);
    assert.equal(ven, [2, 3, 4]);
    assert.equal(both, [2]);
    assert.equal(viaSubscribe, [4]);
});
test('hot: a late subscriber does not get earlier events', () => {
    const bus = new EventBus();
    bus.publish(tick(1));
    const seen = [];
    bus.events$.subscribe((e) => seen.push(e.seq));
    bus.publish(tick(2));
    assert.equal(seen, [2]);
});
test('a throwing subscriber does not kill the bus for others, and stays subscribed', () => {
    const errors = [];
    const bus = new EventBus({ onError: (e) => errors.push(e) });
    const reported = [];
    bus.errors$.subscribe((e) => reported.push(e.event.seq));
    const before = [];
    const after = [];
    let thrower = 0;
    bus.events$.subscribe((e) => before.push(e.seq));
    bus.on('tick').subscribe(() => {
        thrower++;
        throw new Error('boom');
    });
    bus.subscribe(() => {
        throw new Error('boom too');
    });
    bus.events$.subscribe({ next: (e) => after.push(e.seq) });
    bus.publish(tick(1));
    bus.publish(tick(2));
    assert.equal(before, [1, 2]);
    assert.equal(after, [1, 2]);
    assert.is(thrower, 2);
    assert.is(errors.length, 4);
    assert.equal(reported, [1, 1, 2, 2]);
    assert.is(bus.errorCount, 4);
});
test('an error in a piped operator chain ends that chain only', () => {
    const bus = new EventBus();
    const chainErrors = [];
    const good = [];
    bus
        .on('tick')
        .pipe(map((t) => {
        if (t.seq === 2)
            throw new Error('bad tick');
        return t.seq;
    }))
        .subscribe({ next: () => undefined, error: (e) => chainErrors.push(e) });
    bus.on('tick').subscribe((t) => good.push(t.seq));
    bus.publish(tick(1));
    bus.publish(tick(2));
    bus.publish(tick(3));
    assert.is(chainErrors.length, 1);
    assert.equal(good, [1, 2, 3]);
});
test('publish from a subscriber is queued: every subscriber sees the same order', () => {
    const bus = new EventBus();
    const a = [];
    const b = [];
    bus.events$.subscribe((e) => {
        a.push(e.seq);
        if (e.seq === 1)
            bus.publish(tick(2));
    });
    bus.events$.subscribe((e) => b.push(e.seq));
    bus.publish(tick(1));
    assert.equal(a, [1, 2]);
    assert.equal(b, [1, 2]);
});
test('unsubscribe stops delivery', () => {
    const bus = new EventBus();
    const seen = [];
    const sub = bus.on('tick').subscribe((t) => seen.push(t.seq));
    bus.publish(tick(1));
    sub.unsubscribe();
    bus.publish(tick(2));
    assert.equal(seen, [1]);
    const piped = [];
    const sub2 = bus.onSymbol('ABC').pipe(map((e) => e.seq)).subscribe((n) => piped.push(n));
    bus.publish(tick(3));
    sub2.unsubscribe();
    bus.publish(tick(4));
    assert.equal(piped, [3]);
});
test('complete: streams complete, late subscribers complete at once, publish throws', () => {
    const bus = new EventBus();
    let done = 0;
    bus.events$.subscribe({ complete: () => done++ });
    bus.on('tick').subscribe({ complete: () => done++ });
    bus.complete();
    bus.complete(); // idempotent
    assert.is(done, 2);
    assert.ok(bus.isComplete);
    bus.on('fill').subscribe({ complete: () => done++ });
    bus.events$.subscribe({ complete: () => done++ });
    assert.is(done, 4);
    try {
        bus.publish(tick(1));
        assert.unreachable('published on a completed bus');
    }
    catch (e) {
        assert.instance(e, TapedeckError);
        assert.is(e.code, 'BAD_ARGUMENT');
    }
});
test('complete from inside a subscriber delivers the queued events first', () => {
    const bus = new EventBus();
    const seen = [];
    let completed = false;
    bus.events$.subscribe({
        next: (e) => {
            seen.push(e.seq);
            if (e.seq === 1) {
                bus.publish(tick(2));
                bus.complete();
            }
        },
        complete: () => (completed = true),
    });
    bus.publish(tick(1));
    assert.equal(seen, [1, 2]);
    assert.ok(completed);
});
test.run();
//# sourceMappingURL=bus-basic.test.js.map