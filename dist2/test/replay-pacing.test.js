/** Pacing and controls in virtual time: every expectation is an exact scheduler time. */
import { lastValueFrom, map, take } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { TapedeckError } from '../src/errors.js';
import { Replayer } from '../src/replay/index.js';
import { rm } from './helpers/tmp.js';
import { MS, T0, makeRecording, offsets, tick, times, virtual, watchedBus } from './replay-fixtures.js';
const OFFS = [0, 1000, 2500, 4000];
let dir = '';
test.before(async () => {
    dir = await makeRecording(OFFS.map((o, i) => tick(o, { symbol: `S${i}` })));
});
test.after(() => rm(dir));
function setup(opts = {}) {
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(dir, bus, { scheduler: sched, ...opts });
    const states = [];
    r.state$.subscribe((s) => states.push(s));
    return { sched, bus, seen, r, states, at: (ms, fn) => sched.schedule(fn, ms) };
}
for (const [speed, expected] of [
    [1, [0, 1000, 2500, 4000]],
    [10, [0, 100, 250, 400]],
    [1000, [0, 1, 2.5, 4]],
]) {
    test(`${speed}x: each event at exactly its scaled time`, () => {
        const { sched, seen, r, states } = setup();
        let doneAt = -1;
        r.start({ speed }).subscribe({ complete: () => (doneAt = sched.now()) });
        sched.flush();
        assert.equal(times(seen), [...expected]);
        assert.equal(offsets(seen), OFFS);
        assert.equal(seen.map((s) => s.seq), [0, 1, 2, 3]);
        assert.is(doneAt, expected[3]);
        assert.equal(states, ['idle', 'playing', 'done']);
        assert.is(r.state, 'done');
        assert.is(r.now(), T0 + 4000n * MS);
        const p = r.progress$.value;
        assert.is(p.percent, 100);
        assert.is(p.emitted, 4);
        assert.is(p.lag.count, 4);
        assert.ok(p.lag.maxMs < 1e-5, 'no lag in virtual time');
        assert.is(r.metrics.counters.events, 4);
    });
}
test('fractional speed: due times that are not whole ms still land exactly', () => {
    const { sched, seen, r } = setup();
    r.start({ speed: 3 });
    sched.flush();
    assert.equal(times(seen), [0, 1000 / 3, 2500 / 3, 4000 / 3]);
});
test('from anchors the timeline: the silence before the first event is replayed', () => {
    const { sched, seen, r } = setup();
    r.start({ from: T0 + 500n * MS });
    assert.is(r.now(), T0 + 500n * MS);
    sched.flush();
    assert.equal(offsets(seen), [1000, 2500, 4000]);
    assert.equal(times(seen), [500, 2000, 3500]);
});
test('pause and resume: the replay clock freezes, the remaining gap is kept', () => {
    const { sched, seen, r, states, at } = setup();
    at(1500, () => r.pause());
    at(1600, () => assert.is(r.now(), T0 + 1000n * MS, 'position is the last event while paused'));
    at(5000, () => r.resume());
    r.start();
    sched.flush();
    // Paused 1000 ms into the replay's 1000 → 2500 gap (500 ms elapsed): 1000 ms remain after 5000.
    assert.equal(times(seen), [0, 1000, 6000, 7500]);
    assert.equal(states, ['idle', 'playing', 'paused', 'playing', 'done']);
});
test('pause and resume twice in one gap', () => {
    const { sched, seen, r, at } = setup();
    at(1200, () => r.pause());
    at(2000, () => r.resume()); // 200 ms of the gap played
    at(2300, () => r.pause()); // 500 ms played
    at(9000, () => r.resume());
    r.start();
    sched.flush();
    assert.equal(times(seen), [0, 1000, 10000, 11500]);
});
test('speed change mid-replay re-anchors: the timeline is continuous', () => {
    const { sched, seen, r, at } = setup();
    at(1500, () => r.speed(2)); // replay time 1500 at wall 1500
    r.start();
    sched.flush();
    assert.equal(times(seen), [0, 1000, 1500 + 1000 / 2, 1500 + 2500 / 2]);
    assert.is(r.progress$.value.speed, 2);
});
test('speed to max and back', () => {
    const { sched, seen, r, at } = setup();
    at(500, () => r.speed('max'));
    r.start();
    sched.flush();
    assert.equal(times(seen), [0, 500, 500, 500]);
    const b = setup();
    b.at(1200, () => b.r.speed(Infinity));
    b.r.start({ speed: 'max', paused: true });
    b.at(100, () => {
        b.r.speed(1);
        b.r.resume();
    });
    b.at(1000, () => b.r.pause());
    b.sched.flush();
    // Resumed at 100 from the start: 0 at 100, 1000 ms later the next; paused at 1000 for good.
    assert.equal(times(b.seen), [100]);
    assert.is(b.r.state, 'paused');
});
test('seek forward while playing', () => {
    const { sched, seen, r, states, at } = setup();
    at(500, () => r.seek(T0 + 2500n * MS));
    r.start();
    sched.flush();
    assert.equal(offsets(seen), [0, 2500, 4000]);
    assert.equal(times(seen), [0, 500, 2000]);
    assert.equal(states, ['idle', 'playing', 'seeking', 'playing', 'done']);
});
test('seek to a ts between events: the next event is the first at or after it, paced from the target', () => {
    const { sched, seen, r, at } = setup();
    at(100, () => r.seek(T0 + 2000n * MS));
    r.start();
    sched.flush();
    assert.equal(offsets(seen), [0, 2500, 4000]);
    assert.equal(times(seen), [0, 600, 2100]);
});
test('seek backward replays from the target again', () => {
    const { sched, seen, r, at } = setup();
    at(2600, () => r.seek(T0));
    r.start();
    sched.flush();
    assert.equal(offsets(seen), [0, 1000, 2500, 0, 1000, 2500, 4000]);
    assert.equal(times(seen), [0, 1000, 2500, 2600, 3600, 5100, 6600]);
});
test('seek while paused: stays paused, now() is the target, resume paces from it', () => {
    const { sched, seen, r, states, at } = setup();
    at(500, () => r.pause());
    at(600, () => {
        r.seek(T0 + 2000n * MS);
        assert.is(r.state, 'paused');
        assert.is(r.now(), T0 + 2000n * MS);
    });
    at(1000, () => r.resume());
    r.start();
    sched.flush();
    assert.equal(offsets(seen), [0, 2500, 4000]);
    assert.equal(times(seen), [0, 1500, 3000]);
    assert.equal(states, ['idle', 'playing', 'paused', 'seeking', 'paused', 'playing', 'done']);
});
test('seek past the end while playing: done, nothing more', () => {
    const { sched, seen, r, at } = setup();
    let doneAt = -1;
    at(1500, () => r.seek(T0 + 60000n * MS));
    r.start().subscribe({ complete: () => (doneAt = sched.now()) });
    sched.flush();
    assert.equal(offsets(seen), [0, 1000]);
    assert.is(doneAt, 1500);
    assert.is(r.state, 'done');
});
test('seek past the end while paused: paused until resumed, then done', () => {
    const { sched, seen, r, at } = setup();
    at(1500, () => r.pause());
    at(1600, () => r.seek(T0 + 60000n * MS));
    at(1700, () => assert.is(r.step(3), 0));
    at(2000, () => {
        assert.is(r.state, 'paused');
        r.resume();
    });
    r.start();
    sched.flush();
    assert.equal(offsets(seen), [0, 1000]);
    assert.is(r.state, 'done');
});
test('seek before `from` clamps to it; `to` ends the range', () => {
    const { sched, seen, r, at } = setup();
    at(100, () => r.seek(T0 - 10000n * MS));
    r.start({ from: T0 + 1000n * MS, to: T0 + 2500n * MS });
    sched.flush();
    // Start: anchored at from, 1000 due at 0; the seek at 100 clamps back to from: 1000 again at 100.
    assert.equal(offsets(seen), [1000, 1000, 2500]);
    assert.equal(times(seen), [0, 100, 1600]);
});
test('step(n) while paused publishes n events at once; resume continues after them', () => {
    const { sched, seen, r, at } = setup();
    r.start({ paused: true });
    at(100, () => {
        assert.is(r.step(2), 2);
        assert.is(r.now(), T0 + 1000n * MS);
        assert.is(r.progress$.value.emitted, 2);
    });
    at(200, () => r.resume());
    sched.flush();
    assert.equal(offsets(seen), [0, 1000, 2500, 4000]);
    assert.equal(times(seen), [100, 100, 1700, 3200]);
});
test('step() outside pause is a typed error; step at the end returns fewer', () => {
    const { sched, r } = setup();
    try {
        r.step(1);
        assert.unreachable('stepped while idle');
    }
    catch (e) {
        assert.instance(e, TapedeckError);
        assert.is(e.code, 'BAD_ARGUMENT');
    }
    r.start({ paused: true });
    assert.is(r.step(10), 4);
    assert.is(r.step(1), 0);
    r.resume();
    sched.flush();
    assert.is(r.state, 'done');
});
test('controls from inside a subscriber take effect at once', () => {
    const sched = virtual();
    const bus = new EventBus();
    const r = new Replayer(dir, bus, { scheduler: sched });
    const at = [];
    bus.events$.subscribe((e) => {
        at.push(sched.now());
        if (e.type === 'tick' && e.symbol === 'S1')
            r.pause();
    });
    sched.schedule(() => r.resume(), 3000);
    r.start({ speed: 'max' });
    sched.flush();
    assert.equal(at, [0, 0, 3000, 3000]);
});
test('stop() ends the replay and completes start()', async () => {
    const { sched, seen, r, at } = setup();
    at(1200, () => r.stop());
    const done = lastValueFrom(r.start());
    sched.flush();
    await done;
    assert.equal(offsets(seen), [0, 1000]);
    assert.is(r.state, 'done');
    assert.ok(r.progress$.value.percent < 100, 'stopped early: not 100%');
});
test('bad arguments are typed errors', () => {
    const { r } = setup();
    for (const fn of [() => r.speed(0), () => r.speed(-1), () => r.speed(Number.NaN), () => r.seek(T0)]) {
        try {
            fn();
            assert.unreachable('accepted');
        }
        catch (e) {
            assert.is(e.code, 'BAD_ARGUMENT');
        }
    }
    r.start({ speed: 'max' });
    try {
        r.start();
        assert.unreachable('started twice');
    }
    catch (e) {
        assert.is(e.code, 'BAD_ARGUMENT');
    }
});
test('progress$: percent of the time range, position, events/s', () => {
    const { sched, r, at } = setup();
    const seenAt = {};
    // Just after the events at 1000 and 2500 (a control at the same time would run first).
    at(1001, () => (seenAt[1000] = r.progress().percent));
    at(2501, () => (seenAt[2500] = r.progress().percent));
    r.start();
    sched.flush();
    assert.is(seenAt[1000], 25);
    assert.is(seenAt[2500], 62.5);
    const p = r.progress$.value;
    assert.is(p.state, 'done');
    assert.is(p.seq, 3);
    assert.is(p.source, 0);
    assert.is(p.eventsPerSec, 1); // 4 events over 4000 ms of playing
});
test('works under TestScheduler.run with marble expectations', () => {
    const ts = new TestScheduler((a, b) => assert.equal(a, b));
    ts.run(({ expectObservable }) => {
        const bus = new EventBus();
        const r = new Replayer(dir, bus, { scheduler: ts });
        const symbols$ = bus.events$.pipe(map((e) => (e.type === 'tick' ? e.symbol : '?')), take(4));
        expectObservable(symbols$).toBe('a 999ms b 1499ms c 1499ms (d|)', { a: 'S0', b: 'S1', c: 'S2', d: 'S3' });
        r.start();
    });
});
test.run();
//# sourceMappingURL=replay-pacing.test.js.map