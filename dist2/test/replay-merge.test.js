/** Merging several recordings, filters, and a long max-speed replay. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { openRecording } from '../src/events/recording.js';
import { Replayer } from '../src/replay/index.js';
import { recordingSpan } from '../src/replay/span.js';
import { rm } from './helpers/tmp.js';
import { MS, T0, makeRecording, offsets, sys, tick, times, virtual, watchedBus } from './replay-fixtures.js';
const dirs = [];
const track = (d) => (dirs.push(d), d);
test.after(() => dirs.forEach(rm));
test('merge by ts; ties go to the source given first, then seq', async () => {
    // a: 0 0 1000 2000   b: 0 500 1000 1000   c: 1000
    const a = track(await makeRecording([tick(0, { symbol: 'a0' }), tick(0, { symbol: 'a1' }), tick(1000, { symbol: 'a2' }), tick(2000, { symbol: 'a3' })]));
    const b = track(await makeRecording([tick(0, { symbol: 'b0' }), tick(500, { symbol: 'b1' }), tick(1000, { symbol: 'b2' }), tick(1000, { symbol: 'b3' })]));
    const c = track(await makeRecording([tick(1000, { symbol: 'c0' })]));
    for (const [order, expected] of [
        [[a, b, c], ['a0', 'a1', 'b0', 'b1', 'a2', 'b2', 'b3', 'c0', 'a3']],
        [[c, b, a], ['b0', 'a0', 'a1', 'b1', 'c0', 'b2', 'b3', 'a2', 'a3']],
    ]) {
        for (let run = 0; run < 2; run++) {
            const sched = virtual();
            const { bus, seen } = watchedBus(sched);
            const r = new Replayer([...order], bus, { scheduler: sched });
            const sources = [];
            bus.events$.subscribe(() => sources.push(r.progress().source));
            r.start();
            sched.flush();
            assert.equal(seen.map((s) => s.symbol), [...expected]);
            assert.equal(times(seen), offsets(seen), 'paced on the merged timeline');
            assert.is(sources.length, 9);
        }
    }
});
test('Recording objects and paths mix; one recording given twice replays twice', async () => {
    const a = track(await makeRecording([tick(0, { symbol: 'x' }), tick(10, { symbol: 'y' })]));
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer([openRecording(a), a], bus, { scheduler: sched });
    r.start({ speed: 'max' });
    sched.flush();
    assert.equal(seen.map((s) => s.symbol), ['x', 'x', 'y', 'y']);
});
test('filters: types, symbols, runId, from/to (inclusive)', async () => {
    const evs = [
        sys(0, 'session-start'),
        tick(100, { symbol: 'AAPL' }),
        tick(200, { symbol: 'MSFT', runId: 'run-2' }),
        { type: 'signal', ts: T0 + 300n * MS, runId: 'run-1', strategy: 'mm', symbol: 'AAPL', name: 'z', value: 1 },
        tick(400, { symbol: 'MSFT' }),
        tick(500, { symbol: 'AAPL', runId: 'run-2' }),
        sys(600, 'session-end'),
    ];
    const d = track(await makeRecording(evs));
    const run = (opts) => {
        const sched = virtual();
        const { bus, seen } = watchedBus(sched);
        new Replayer(d, bus, { scheduler: sched }).start({ speed: 'max', ...opts });
        sched.flush();
        return offsets(seen);
    };
    assert.equal(run({}), [0, 100, 200, 300, 400, 500, 600]);
    assert.equal(run({ types: ['tick'] }), [100, 200, 400, 500]);
    assert.equal(run({ types: ['tick', 'system'] }), [0, 100, 200, 400, 500, 600]);
    assert.equal(run({ symbols: ['AAPL'] }), [100, 300, 500]);
    assert.equal(run({ runId: 'run-2' }), [200, 500]);
    assert.equal(run({ runId: 'run-1', types: ['tick'], symbols: ['MSFT'] }), [400]);
    assert.equal(run({ from: T0 + 200n * MS, to: T0 + 400n * MS }), [200, 300, 400]);
    assert.equal(run({ from: T0 + 201n * MS, to: T0 + 399n * MS }), [300]);
    assert.equal(run({ from: T0 + 700n * MS }), []);
});
test('recordingSpan reads first and last ts', async () => {
    const d = track(await makeRecording([tick(5), tick(6), tick(90)]));
    assert.equal(recordingSpan(openRecording(d)), { firstTs: T0 + 5n * MS, lastTs: T0 + 90n * MS });
    const empty = track(await makeRecording([]));
    assert.is(recordingSpan(openRecording(empty)), null);
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(empty, bus, { scheduler: sched });
    r.start();
    sched.flush();
    assert.is(seen.length, 0);
    assert.is(r.state, 'done');
});
test('a missing recording is a typed NOT_FOUND error', () => {
    try {
        new Replayer('/nonexistent/tapedeck-replay', new EventBus());
        assert.unreachable('opened');
    }
    catch (e) {
        assert.is(e.code, 'NOT_FOUND');
    }
});
test('max speed yields between slices: a control scheduled now lands after the first slice', async () => {
    const d = track(await makeRecording(Array.from({ length: 1000 }, (_, i) => tick(i))));
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(d, bus, { scheduler: sched, sliceMax: 100 });
    r.start({ speed: 'max' });
    sched.schedule(() => {
        assert.is(seen.length, 100);
        r.pause();
    }, 0);
    sched.flush();
    assert.is(seen.length, 100);
    assert.is(r.state, 'paused');
    r.resume();
    sched.flush();
    assert.is(seen.length, 1000);
    assert.equal(offsets(seen), Array.from({ length: 1000 }, (_, i) => i));
});
test('max speed: ~200k events from two merged recordings, all in order, in bounded slices', async () => {
    const N = 100_000;
    // Even ms in one recording, odd ms in the other: the merge must interleave them exactly.
    const even = track(await makeRecording((function* () {
        for (let i = 0; i < N; i++)
            yield tick(2 * i, { symbol: 'E' });
    })()));
    const odd = track(await makeRecording((function* () {
        for (let i = 0; i < N; i++)
            yield tick(2 * i + 1, { symbol: 'O' });
    })()));
    const sched = virtual();
    const bus = new EventBus();
    let count = 0;
    let inOrder = true;
    let prev = -1n;
    bus.events$.subscribe((e) => {
        const want = T0 + BigInt(count) * MS;
        if (e.ts !== want || e.ts <= prev)
            inOrder = false;
        prev = e.ts;
        count++;
    });
    const r = new Replayer([even, odd], bus, { scheduler: sched, sliceMax: 4096 });
    let completed = false;
    r.start({ speed: 'max' }).subscribe({ complete: () => (completed = true) });
    sched.flush();
    assert.ok(completed);
    assert.is(count, 2 * N);
    assert.ok(inOrder, 'every event in ts order, none missing');
    assert.is(sched.now(), 0, 'no virtual time passes at max speed');
    assert.ok(r.metrics.counters.passes >= Math.ceil((2 * N) / 4096), `yielded in slices (${r.metrics.counters.passes} passes)`);
    assert.is(r.progress$.value.percent, 100);
});
test.run();
//# sourceMappingURL=replay-merge.test.js.map