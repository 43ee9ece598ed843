/** Follow mode: tailing a recording that a writer is still appending to. */
import { asyncScheduler, firstValueFrom, lastValueFrom, timer } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { Replayer } from '../src/replay/index.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { T0, offsets, sys, tick, times, virtual, watchedBus } from './replay-fixtures.js';
const dirs = [];
test.after(() => dirs.forEach(rm));
test('virtual time: polls through the scheduler, picks up appends, ends at session-end', async () => {
    const dir = tmpDir('tapedeck-follow-');
    dirs.push(dir);
    const log = await openEventLog(dir, { durability: 'async' });
    writeEvent(log, sys(0, 'session-start'));
    writeEvent(log, tick(100));
    await log.sync();
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(dir, bus, { scheduler: sched, pollMs: 50 });
    let done = false;
    // from = the session's start: the timeline (and so every due time) is the recorded one.
    r.start({ follow: true, types: ['tick'], from: T0 }).subscribe({ complete: () => (done = true) });
    // Run virtual time up to 1000 ms: two ticks' worth of pacing, then polling.
    sched.maxFrames = 1000;
    sched.flush();
    assert.equal(offsets(seen), [100]);
    assert.equal(times(seen), [100]);
    assert.is(r.state, 'playing');
    assert.ok(!done);
    const polls = r.metrics.counters.polls;
    assert.ok(polls >= 15 && polls <= 21, `polled every 50 ms (${polls})`);
    writeEvent(log, tick(1500));
    writeEvent(log, tick(1600));
    await log.sync();
    sched.maxFrames = 3000;
    sched.flush();
    // Appended while following: each still due at its scaled time on the original timeline.
    assert.equal(offsets(seen), [100, 1500, 1600]);
    assert.equal(times(seen), [100, 1500, 1600]);
    writeEvent(log, tick(3100));
    writeEvent(log, sys(3200, 'session-end'));
    writeEvent(log, tick(3300)); // after the session's end: never replayed
    await log.sync();
    sched.maxFrames = Infinity;
    sched.flush();
    // The session-end is filtered out (types: tick) but still ends the replay.
    assert.equal(offsets(seen), [100, 1500, 1600, 3100]);
    assert.ok(done);
    assert.is(r.state, 'done');
    await log.close();
});
test('virtual time: a late append (already due) is published at the next poll', async () => {
    const dir = tmpDir('tapedeck-follow-');
    dirs.push(dir);
    const log = await openEventLog(dir, { durability: 'async' });
    writeEvent(log, tick(0));
    await log.sync();
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(dir, bus, { scheduler: sched, pollMs: 50 });
    r.start({ follow: true });
    sched.maxFrames = 1020;
    sched.flush();
    writeEvent(log, tick(500));
    writeEvent(log, sys(600, 'session-end'));
    await log.sync();
    sched.maxFrames = Infinity;
    sched.flush();
    assert.equal(offsets(seen), [0, 500, 600]);
    // The last poll before the appends ran at 1000; the next at 1050 finds both overdue.
    assert.equal(times(seen), [0, 1050, 1050]);
    assert.ok(r.progress().lag.maxMs >= 549, 'the lag of the late events is measured');
    assert.is(r.state, 'done');
    await log.close();
});
test('real time: a writer appends while the replayer follows at max speed, until session-end', async () => {
    const dir = tmpDir('tapedeck-follow-');
    dirs.push(dir);
    const log = await openEventLog(dir, { durability: 'async', segmentBytes: 4096 });
    const bus = new EventBus();
    const got = [];
    bus.events$.subscribe((e) => got.push(e.ts));
    const r = new Replayer(dir, bus, { scheduler: asyncScheduler, pollMs: 5 });
    const done = lastValueFrom(r.start({ follow: true, speed: 'max' }));
    const expected = [];
    let ms = 0;
    const put = (ev) => {
        writeEvent(log, ev);
        expected.push(ev.ts);
    };
    // Ten batches, each synced, spaced by real timers so the replayer's polls interleave; small
    // segments make the writer rotate while the reader follows.
    for (let b = 0; b < 10; b++) {
        for (let i = 0; i < 50; i++)
            put(tick(ms++));
        await log.sync();
        await firstValueFrom(timer(10));
    }
    put(sys(ms++, 'session-end'));
    await log.sync();
    // A deadline, not a sleep: the replay must end on its own well before it.
    let deadline;
    const outcome = await Promise.race([
        done.then(() => 'done'),
        new Promise((res) => (deadline = setTimeout(() => res('deadline'), 5000))),
    ]);
    clearTimeout(deadline);
    if (outcome === 'deadline')
        r.stop();
    assert.is(outcome, 'done', 'follow ended at session-end');
    assert.is(got.length, expected.length);
    assert.equal(got, expected);
    assert.is(r.state, 'done');
    await log.close();
});
test('real time: stop() ends a follow that never sees session-end', async () => {
    const dir = tmpDir('tapedeck-follow-');
    dirs.push(dir);
    const log = await openEventLog(dir, { durability: 'async' });
    writeEvent(log, tick(0));
    await log.sync();
    const bus = new EventBus();
    let n = 0;
    bus.events$.subscribe(() => {
        n++;
    });
    const r = new Replayer(dir, bus, { pollMs: 5 });
    const done = lastValueFrom(r.start({ follow: true, speed: 'max' }));
    await firstValueFrom(timer(30));
    assert.is(r.state, 'playing');
    r.stop();
    await done;
    assert.is(n, 1);
    assert.is(r.state, 'done');
    await log.close();
});
test('follow on an empty directory-in-progress waits for the first segment', async () => {
    const dir = tmpDir('tapedeck-follow-');
    dirs.push(dir);
    const sched = virtual();
    const { bus, seen } = watchedBus(sched);
    const r = new Replayer(dir, bus, { scheduler: sched, pollMs: 50 });
    r.start({ follow: true, speed: 'max' });
    sched.maxFrames = 200;
    sched.flush();
    assert.is(seen.length, 0);
    const log = await openEventLog(dir, { durability: 'async' });
    writeEvent(log, tick(0));
    writeEvent(log, sys(1, 'session-end'));
    await log.sync();
    sched.maxFrames = Infinity;
    sched.flush();
    assert.equal(offsets(seen), [0, 1]);
    assert.is(r.state, 'done');
    await log.close();
});
test.run();
//# sourceMappingURL=replay-follow.test.js.map