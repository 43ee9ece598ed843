/** The default real-time scheduler, and the replayer's fast paths (max speed, one source). */
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { TapedeckError } from '../src/errors.js';
import { Replayer, realtimeScheduler } from '../src/replay/index.js';
import { rm } from './helpers/tmp.js';
import { makeRecording, offsets, tick, virtual, watchedBus } from './replay-fixtures.js';
const dirs = [];
const track = (d) => (dirs.push(d), d);
test.after(() => dirs.forEach(rm));
test('realtimeScheduler: epoch ms with sub-ms precision, never going back', () => {
    const a = realtimeScheduler.now();
    assert.ok(Math.abs(a - Date.now()) < 1000, 'epoch milliseconds');
    let fractional = false;
    let prev = a;
    for (let i = 0; i < 1000; i++) {
        const t = realtimeScheduler.now();
        assert.ok(t >= prev);
        if (t !== Math.floor(t))
            fractional = true;
        prev = t;
    }
    assert.ok(fractional, 'not whole milliseconds');
});
test('realtimeScheduler: a zero delay is an immediate, not a ≥ 1 ms timer', async () => {
    // 200 hops through schedule(…, 0): with a 1 ms timer floor (asyncScheduler) this takes ≥ 200 ms.
    const hops = 200;
    const t0 = performance.now();
    let n = 0;
    await new Promise((resolve) => {
        realtimeScheduler.schedule(function () {
            if (++n < hops)
                this.schedule(undefined, 0);
            else
                resolve();
        }, 0);
    });
    const ms = performance.now() - t0;
    assert.is(n, hops);
    assert.ok(ms < 150, `${hops} zero-delay hops took ${ms.toFixed(1)} ms`);
});
test('realtimeScheduler: never synchronous; delays wait; state is passed; unsubscribe cancels', async () => {
    let ran = false;
    const sub = realtimeScheduler.schedule(() => {
        ran = true;
    }, 0);
    assert.not.ok(ran, 'not run synchronously');
    await new Promise((r) => setTimeout(r, 5));
    assert.ok(ran);
    assert.ok(sub.closed === false || sub.closed === true);
    let cancelled = false;
    realtimeScheduler.schedule(() => (cancelled = true), 0).unsubscribe();
    realtimeScheduler.schedule(() => (cancelled = true), 2).unsubscribe();
    await new Promise((r) => setTimeout(r, 10));
    assert.not.ok(cancelled, 'an unsubscribed action never runs');
    const t0 = realtimeScheduler.now();
    const got = await new Promise((resolve) => {
        realtimeScheduler.schedule((state) => resolve({ state, at: realtimeScheduler.now() }), 20, 42);
    });
    assert.is(got.state, 42);
    // Node's timers may round the loop time by up to a millisecond.
    assert.ok(got.at - t0 >= 19, `waited ${(got.at - t0).toFixed(2)} ms for 20`);
});
test('the Replayer defaults to realtimeScheduler: a max-speed replay does not sleep between slices', async () => {
    const N = 20_000;
    const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i))));
    const bus = new EventBus();
    let n = 0;
    bus.subscribe(() => n++);
    // 200 slices of 100: a ≥ 1 ms timer per yield would take ≥ 200 ms beyond the work itself.
    const r = new Replayer(d, bus, { sliceMax: 100 });
    const t0 = performance.now();
    await lastValueFrom(r.start({ speed: 'max' }), { defaultValue: undefined });
    const ms = performance.now() - t0;
    assert.is(n, N);
    assert.ok(r.metrics.counters.passes >= N / 100);
    assert.is(r.metrics.counters.events, N);
    assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
});
test('chunkBytes: any read size replays the same events; a bad one is a typed error', async () => {
    const N = 3000;
    const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i, { symbol: `S${i % 7}` }))));
    for (const chunkBytes of [64, 4096, 1 << 20]) {
        const sched = virtual();
        const { bus, seen } = watchedBus(sched);
        const r = new Replayer(d, bus, { scheduler: sched, chunkBytes });
        r.start({ speed: 'max' });
        sched.flush();
        assert.is(seen.length, N, `chunkBytes ${chunkBytes}`);
        assert.equal(offsets(seen), Array.from({ length: N }, (_, i) => i));
        assert.equal(seen.map((s) => s.seq), Array.from({ length: N }, (_, i) => i));
        assert.is(r.progress().emitted, N);
        assert.is(r.progress().percent, 100);
    }
    for (const bad of [0, -1, 1.5]) {
        try {
            new Replayer(d, new EventBus(), { chunkBytes: bad });
            assert.unreachable(`chunkBytes ${bad} accepted`);
        }
        catch (e) {
            assert.instance(e, TapedeckError);
            assert.is(e.code, 'BAD_ARGUMENT');
        }
    }
});
test('max speed: a subscriber pausing mid-slice stops the slice there; counters and position agree', async () => {
    const N = 500;
    const d = track(await makeRecording(Array.from({ length: N }, (_, i) => tick(i))));
    const sched = virtual();
    const bus = new EventBus();
    const r = new Replayer(d, bus, { scheduler: sched });
    let n = 0;
    bus.subscribe((e) => {
        n++;
        assert.is(r.now(), e.ts, 'now() is the event being handled');
        if (n === 123)
            r.pause();
    });
    r.start({ speed: 'max' });
    sched.flush();
    assert.is(r.state, 'paused');
    assert.is(n, 123);
    assert.is(r.metrics.counters.events, 123);
    assert.is(r.progress().emitted, 123);
    assert.is(r.progress().seq, 122);
    assert.is(r.step(7), 7);
    assert.is(r.metrics.counters.events, 130);
    r.resume();
    sched.flush();
    assert.is(n, N);
    assert.is(r.metrics.counters.events, N);
    assert.is(r.state, 'done');
});
test('paced: the lag summary is read from the histogram (count, percentiles, max)', async () => {
    const d = track(await makeRecording(Array.from({ length: 50 }, (_, i) => tick(i * 10))));
    const sched = virtual();
    const bus = new EventBus();
    const r = new Replayer(d, bus, { scheduler: sched });
    r.start({ speed: 10 });
    sched.flush();
    const lag = r.progress().lag;
    assert.is(lag.count, 50);
    assert.ok(lag.p50Ms >= 0 && lag.p50Ms < 1e-5 && lag.p99Ms < 1e-5 && lag.maxMs < 1e-5, 'no lag in virtual time');
    assert.is(r.progress$.value.lag.count, 50);
});
test.run();
//# sourceMappingURL=replay-scheduler.test.js.map