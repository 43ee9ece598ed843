/** The bus's direct dispatch keeps RxJS Subject semantics: snapshots, unsubscribe mid-dispatch, operators. */
import { firstValueFrom, map, take, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
const T0 = 1700000000000000000n;
function tick(n, symbol = 'ABC') {
    return { type: 'tick', ts: T0 + BigInt(n), runId: 'r', venue: 'X', symbol, bid: 100, ask: 101, seq: n };
}
test('a subscriber added to a group being dispatched gets the next event, not the current one', () => {
    const bus = new EventBus();
    const late = [];
    const lateTyped = [];
    let added = false;
    bus.events$.subscribe((e) => {
        if (added)
            return;
        added = true;
        bus.events$.subscribe((x) => late.push(x.seq));
        bus.on('tick').subscribe((x) => lateTyped.push(x.seq));
        void e;
    });
    bus.publish(tick(1));
    bus.publish(tick(2));
    assert.equal(late, [2]);
    // The on(type) group of event 1 had not started when it subscribed: it gets event 1 too (as
    // with one RxJS Subject per group, which this bus used to be).
    assert.equal(lateTyped, [1, 2]);
});
test('a subscriber unsubscribed during a dispatch does not get that event', () => {
    const bus = new EventBus();
    const seen = [];
    const seenTyped = [];
    // eslint-disable-next-line prefer-const
    let victim;
    // eslint-disable-next-line prefer-const
    let victimTyped;
    bus.events$.subscribe((e) => {
        if (e.seq === 2) {
            victim.unsubscribe();
            victimTyped.unsubscribe();
        }
    });
    victim = bus.events$.subscribe((e) => seen.push(e.seq));
    victimTyped = bus.on('tick').pipe(map((t) => t.seq)).subscribe((n) => seenTyped.push(n));
    bus.publish(tick(1));
    bus.publish(tick(2));
    bus.publish(tick(3));
    assert.equal(seen, [1]);
    assert.equal(seenTyped, [1]);
});
test('operators and promises: take, toArray, firstValueFrom; finished chains are removed', async () => {
    const bus = new EventBus();
    const first = firstValueFrom(bus.on('tick'));
    const three = firstValueFrom(bus.events$.pipe(take(3), toArray()));
    const sym = firstValueFrom(bus.onSymbol('XYZ'));
    for (let i = 1; i <= 5; i++)
        bus.publish(tick(i, i === 4 ? 'XYZ' : 'ABC'));
    assert.is((await first).seq, 1);
    assert.equal((await three).map((e) => e.seq), [1, 2, 3]);
    assert.is((await sym).seq, 4);
    // Nothing is left subscribed: publishing more reaches nobody and costs nothing.
    let count = 0;
    bus.subscribe(() => count++);
    bus.publish(tick(6));
    assert.is(count, 1);
});
test('a partial observer keeps its `this`; complete reaches it once; its subscription closes', () => {
    const bus = new EventBus();
    const obs = {
        got: [],
        completed: 0,
        next(e) {
            this.got.push(e.seq);
        },
        complete() {
            this.completed++;
        },
    };
    const sub = bus.events$.subscribe(obs);
    bus.publish(tick(1));
    bus.complete();
    assert.equal(obs.got, [1]);
    assert.is(obs.completed, 1);
    assert.ok(sub.closed);
});
test('ordering within an event: events$ (and onSymbol, subscribe) in subscription order, then on(type)', () => {
    const bus = new EventBus();
    const order = [];
    bus.on('tick').subscribe(() => order.push('on-tick'));
    bus.events$.subscribe(() => order.push('events$-1'));
    bus.onSymbol('ABC').subscribe(() => order.push('onSymbol'));
    bus.subscribe(() => order.push('subscribe'), { types: ['tick'] });
    bus.events$.pipe(map((e) => e.seq)).subscribe(() => order.push('piped'));
    bus.on('tick', { symbol: 'ABC' }).subscribe(() => order.push('on-tick-ABC'));
    bus.publish(tick(1));
    assert.equal(order, ['events$-1', 'onSymbol', 'subscribe', 'piped', 'on-tick', 'on-tick-ABC']);
});
test('re-entrant publishes from several subscribers are delivered in publish order to all', () => {
    const bus = new EventBus();
    const a = [];
    const b = [];
    bus.events$.subscribe((e) => {
        a.push(e.seq);
        if (e.seq === 1)
            bus.publish(tick(10));
    });
    bus.on('tick').subscribe((e) => {
        b.push(e.seq);
        if (e.seq === 1)
            bus.publish(tick(20));
        if (e.seq === 10)
            bus.publish(tick(30));
    });
    bus.publish(tick(1));
    assert.equal(a, [1, 10, 20, 30]);
    assert.equal(b, [1, 10, 20, 30]);
    assert.is(bus.publishedCount, 4);
});
test.run();
//# sourceMappingURL=bus-dispatch.test.js.map