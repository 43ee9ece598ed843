/**
 * The rehearsal of a paced line replay (replay/rehearsal.ts): the lead a feed holds is paced once,
 * in scheduler time, at the replay's speed (or faster, to last at most maxMs), its lines handed
 * over, and the feed is left as it was: the replay after a rehearsal is exactly the one without.
 */
import { lastValueFrom } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventBus } from '../src/bus/index.js';
import { openRecording } from '../src/events/recording.js';
import { Replayer } from '../src/replay/index.js';
import { LineBatcher, type LineBatch } from '../src/replay/line-batch.js';
import { LineFeed } from '../src/replay/line-feed.js';
import { LocalLineProducer, type ProducerMessage } from '../src/replay/line-producer.js';
import { BatchListProducer, rehearsalSpeed, rehearse } from '../src/replay/rehearsal.js';
import { rm } from './helpers/tmp.js';
import { MS, T0, makeRecording, tick, virtual } from './replay-fixtures.js';

let dir = '';
const EVENTS = 200;
const STEP_MS = 10;

test.before(async () => {
  dir = await makeRecording(Array.from({ length: EVENTS }, (_, i) => tick(i * STEP_MS, { symbol: `S${i % 5}`, bid: 100 + i / 8 })));
});
test.after(() => rm(dir));

function batchesOf(counts: number[]): LineBatch[] {
  const batcher = new LineBatcher(false, 64, 1 << 16);
  let k = 0;
  return counts.map((n) => {
    for (let i = 0; i < n; i++, k++) batcher.add(tick(k) as never, 0);
    return batcher.take(7, false);
  });
}

test('batch list producer: the batches in order as credits allow, in the feed\'s generation, the last one marked; none: one empty last batch', () => {
  const list = batchesOf([3, 2, 4]);
  const got: ProducerMessage[] = [];
  const p = new BatchListProducer(list, (m) => got.push(m));
  p.open(5, {}, 2);
  assert.is(got.length, 2);
  p.credit(4, 1); // another generation's credit: nothing
  assert.is(got.length, 2);
  p.credit(5, 3);
  assert.is(got.length, 3, 'no more than there are');
  const batches = got.map((m) => (m.kind === 'batch' ? m.batch : null));
  assert.equal(batches.map((b) => b?.n), [3, 2, 4]);
  assert.equal(batches.map((b) => b?.gen), [5, 5, 5]);
  assert.equal(batches.map((b) => b?.last), [false, false, true]);
  // Not copied: the same buffers, and the given batches themselves are unchanged.
  assert.ok(batches[1]!.bytes === list[1]!.bytes && batches[1]!.ts === list[1]!.ts);
  assert.equal(list.map((b) => [b.gen, b.last]), [[7, false], [7, false], [7, false]]);
  const none: ProducerMessage[] = [];
  new BatchListProducer([], (m) => none.push(m)).open(1, {}, 4);
  assert.is(none.length, 1);
  assert.ok(none[0]!.kind === 'batch' && none[0]!.batch.n === 0 && none[0]!.batch.last && none[0]!.batch.gen === 1);
});

test('rehearsal speed: the replay\'s, or faster so the lead lasts at most maxMs', () => {
  const lead = batchesOf([10, 0, 11]); // ticks 0..20 ms: a 20 ms span
  assert.is(rehearsalSpeed(lead, 1, 100), 1);
  assert.is(rehearsalSpeed(lead, 1, 5), 4);
  assert.is(rehearsalSpeed(lead, 1000, 5), 1000);
  assert.is(rehearsalSpeed([], 3, 5), 3);
});

interface Played {
  /** [scheduler time since start, ts offset ms] of each item. */
  seen: [number, number][];
  lines: string;
}

/** A paced line replay of `dir` after lead(), rehearsed or not; the feed's items and lines. */
async function playLead(rehearsed: boolean, speed: number, maxMs?: number): Promise<{ played: Played; rehearsal: Played | null; held: number }> {
  const sched = virtual();
  const recs = [openRecording(dir)];
  const played: Played = { seen: [], lines: '' };
  let t0 = 0;
  const feed = new LineFeed(
    1,
    LocalLineProducer.factory(recs, { iso: false, batchItems: 16 }),
    (lines, done) => {
      played.lines += lines.toString();
      done();
    },
    { recycle: true, windowBatches: 4, onItem: (it) => played.seen.push([sched.now() - t0, Number((it.ts - T0) / MS)]) },
  );
  const r = new Replayer(recs, new EventBus(), { feed, scheduler: sched });
  const held = await r.lead({ speed }, 40);
  let rehearsal: Played | null = null;
  if (rehearsed) {
    const rp: Played = { seen: [], lines: '' };
    const r0 = sched.now();
    const lines: Buffer[] = [];
    const pending = rehearse(recs, feed.heldBatches(), { speed }, (l, done) => {
      lines.push(Buffer.from(l));
      rp.seen.push([sched.now() - r0, -1]);
      done();
    }, { scheduler: sched, maxMs });
    sched.flush();
    const n = (await pending).progress().emitted;
    assert.is(n, held, 'every item of the lead');
    rp.lines = Buffer.concat(lines).toString();
    rp.seen.push([sched.now() - r0, -1]);
    rehearsal = rp;
    assert.is(feed.held(), held, 'the feed keeps its lead');
  }
  t0 = sched.now();
  const done = lastValueFrom(r.start({ speed }), { defaultValue: undefined });
  sched.flush();
  await done;
  feed.close();
  return { played, rehearsal, held };
}

test('rehearsal: paces the lead in scheduler time at the replay\'s speed and writes its lines; the replay after it is the replay without', async () => {
  const plain = await playLead(false, 10);
  const rehearsed = await playLead(true, 10);
  assert.is(plain.played.seen.length, EVENTS);
  assert.equal(rehearsed.played.seen, plain.played.seen, 'same items at the same times');
  assert.is(rehearsed.played.lines, plain.played.lines, 'same lines');
  // The lead's lines (its first `held` lines), over the lead's span at 10x.
  const leadLines = plain.played.lines.split('\n').slice(0, rehearsed.held).join('\n') + '\n';
  assert.is(rehearsed.rehearsal!.lines, leadLines);
  const endAt = rehearsed.rehearsal!.seen[rehearsed.rehearsal!.seen.length - 1]![0];
  assert.ok(Math.abs(endAt - ((rehearsed.held - 1) * STEP_MS) / 10) < 1e-6, `rehearsal took ${endAt} ms`);
});

test('rehearsal: a slow replay\'s lead is rehearsed within maxMs of scheduler time', async () => {
  const slow = await playLead(true, 1, 20);
  const endAt = slow.rehearsal!.seen[slow.rehearsal!.seen.length - 1]![0];
  assert.ok(endAt <= 20 + 1e-6, `rehearsal took ${endAt} ms, not the lead's ${(slow.held - 1) * STEP_MS} ms`);
  assert.is(slow.played.seen.length, EVENTS);
});

test.run();
