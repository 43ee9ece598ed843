/** Replayer.hold: backpressure from a consumer, in virtual time (exact scheduler times). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Replayer } from '../src/replay/index.js';
import { rm } from './helpers/tmp.js';
import { makeRecording, offsets, tick, times, virtual, watchedBus } from './replay-fixtures.js';

const OFFS = [0, 1000, 2500, 4000];
let dir = '';

test.before(async () => {
  dir = await makeRecording(OFFS.map((o, i) => tick(o, { symbol: `S${i}` })));
});
test.after(() => rm(dir));

/** Runs the virtual scheduler to quiescence, letting promise callbacks (a hold's release) run between rounds. */
async function drain(sched: ReturnType<typeof virtual>): Promise<void> {
  for (let i = 0; i < 20; i++) {
    sched.flush();
    await new Promise((r) => setImmediate(r));
  }
}

test('hold: paced replay waits for the consumer, publishes what fell due at once, then keeps the original timeline', async () => {
  const sched = virtual();
  const { bus, seen } = watchedBus(sched);
  const r = new Replayer(dir, bus, { scheduler: sched });
  bus.events$.subscribe((ev) => {
    if (ev.seq === 0) r.hold(new Promise<void>((resolve) => sched.schedule(() => resolve(), 1500)));
  });
  let done = false;
  r.start({ speed: 1 }).subscribe({ complete: () => (done = true) });
  await drain(sched);
  assert.ok(done);
  assert.equal(offsets(seen), OFFS);
  assert.equal(times(seen), [0, 1500, 2500, 4000]);
  assert.is(r.state, 'done');
  assert.ok(r.progress().lag.maxMs >= 499, 'the held event is measured as late');
});

test('hold: at max speed nothing is published until released; a rejected hold releases too; holds nest', async () => {
  const sched = virtual();
  const { bus, seen } = watchedBus(sched);
  const r = new Replayer(dir, bus, { scheduler: sched });
  bus.events$.subscribe((ev) => {
    if (ev.seq === 1) {
      r.hold(new Promise<void>((resolve) => sched.schedule(() => resolve(), 10)));
      r.hold(new Promise<void>((_, reject) => sched.schedule(() => reject(new Error('x')), 30)));
    }
  });
  r.start({ speed: 'max' });
  await drain(sched);
  assert.equal(offsets(seen), OFFS);
  assert.equal(times(seen), [0, 0, 30, 30]);
});

test('hold: pause while held stays paused after the release; resume continues', async () => {
  const sched = virtual();
  const { bus, seen } = watchedBus(sched);
  const r = new Replayer(dir, bus, { scheduler: sched });
  bus.events$.subscribe((ev) => {
    if (ev.seq === 0) {
      r.hold(new Promise<void>((resolve) => sched.schedule(() => resolve(), 100)));
      r.pause();
    }
  });
  r.start({ speed: 'max' });
  await drain(sched);
  assert.is(seen.length, 1);
  assert.is(r.state, 'paused');
  r.resume();
  await drain(sched);
  assert.is(seen.length, 4);
  assert.is(r.state, 'done');
});

test.run();
