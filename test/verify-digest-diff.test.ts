import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodePayload } from '../src/events/codec.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { TYPE_TAG, type TapeEvent, type TickEvent } from '../src/events/types.js';
import { encodeEvent } from '../src/events/codec.js';
import { digestRecording, digestRecordingDetailed, normalizeDigest, StreamDigest } from '../src/verify/digest.js';
import { diffRecordings } from '../src/verify/diff.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { T0, record, ticks } from './verify-fixtures.js';

const dirs: string[] = [];
function fresh(name = 'rec'): string {
  const d = tmpDir('tapedeck-vdiff-');
  dirs.push(d);
  return path.join(d, name);
}
test.after(() => {
  for (const d of dirs) rm(d);
});

const EVENTS = ticks(200);

async function rec(events: readonly TapeEvent[], segmentBytes = 4096): Promise<string> {
  const dir = fresh();
  await record(dir, events, { segmentBytes });
  return dir;
}

// -- digest ----------------------------------------------------------------------------------------

test('the digest is the documented SHA-256 over (ts, type, length, payload) per record', async () => {
  const evs = EVENTS.slice(0, 5);
  const h = createHash('sha256');
  const v = Buffer.alloc(4);
  v.writeUInt32LE(1);
  h.update(Buffer.concat([Buffer.from('TDDIGEST'), v]));
  for (const ev of evs) {
    const p = encodePayload(ev);
    const head = Buffer.alloc(13);
    head.writeBigInt64LE(ev.ts, 0);
    head[8] = TYPE_TAG[ev.type];
    head.writeUInt32LE(p.length, 9);
    h.update(head);
    h.update(p);
  }
  assert.is(digestRecording(await rec(evs)), h.digest('hex'));
  const empty = new StreamDigest();
  assert.is(empty.hex(), createHash('sha256').update(Buffer.concat([Buffer.from('TDDIGEST'), v])).digest('hex'));
});

test('the same events give the same digest whatever the segment size or batching', async () => {
  const small = await rec(EVENTS, 4096);
  const large = await rec(EVENTS, 1 << 20);
  assert.ok(segmentFiles(small).length > 3);
  assert.is(segmentFiles(large).length, 1);
  const batched = fresh();
  const log = await openEventLog(batched, { segmentBytes: 8192, measureLatency: false });
  for (let i = 0; i < EVENTS.length; i += 7) log.writeBatch(EVENTS.slice(i, i + 7).map(encodeEvent));
  await log.close();
  const d = digestRecording(small);
  assert.is(digestRecording(large), d);
  assert.is(digestRecording(batched), d);
  assert.is(verifyRecording(small).digest, d);
  assert.is(verifyRecording(large).digest, d);
  assert.is(verifyRecording(batched).digest, d);
});

test('a range re-recorded from seq 0 digests exactly like that range of its source', async () => {
  const src = await rec(EVENTS);
  const copy = await rec(EVENTS.slice(40, 120));
  const d = digestRecording(copy);
  assert.is(digestRecording(src, { fromSeq: 40, toSeq: 119 }), d);
  assert.is(digestRecordingDetailed(src, { fromSeq: 40, toSeq: 119 }).records, 80);
  // The same range by time: events 40..119 span these ts exactly (no equal ts across the edges).
  assert.ok(EVENTS[39]!.ts < EVENTS[40]!.ts && EVENTS[119]!.ts < EVENTS[120]!.ts);
  assert.is(digestRecording(src, { fromTs: EVENTS[40]!.ts, toTs: EVENTS[119]!.ts }), d);
  assert.is.not(digestRecording(src), d);
});

test('the digest changes with any event change, including the order of equal-ts events', async () => {
  const d = digestRecording(await rec(EVENTS));
  const changed = EVENTS.map((e, i) => (i === 77 ? { ...e, bid: Number(e.bid) + 0.01 } : e));
  assert.is.not(digestRecording(await rec(changed)), d);
  // Events 1 and 2 share a ts: swapped, the log accepts them, the digest differs.
  assert.is(EVENTS[1]!.ts, EVENTS[2]!.ts);
  const swapped = [EVENTS[0]!, EVENTS[2]!, EVENTS[1]!, ...EVENTS.slice(3)];
  assert.is.not(digestRecording(await rec(swapped)), d);
  assert.is.not(digestRecording(await rec(EVENTS.slice(0, -1))), d);
});

test('digest --run: only that run, as if recorded alone', async () => {
  const mixed = ticks(100).map((e, i) => ({ ...e, runId: i % 3 === 0 ? 'other' : 'run-1' }));
  const alone = mixed.filter((e) => e.runId === 'run-1');
  assert.is(digestRecording(await rec(mixed), { runId: 'run-1' }), digestRecording(await rec(alone)));
});

test('normalizeDigest accepts the printed forms only', () => {
  const hex = 'ab'.repeat(32);
  assert.is(normalizeDigest(hex.toUpperCase()), hex);
  assert.is(normalizeDigest(`sha256:${hex}`), hex);
  assert.is(normalizeDigest(' ' + hex + '\n'), hex);
  assert.is(normalizeDigest(hex.slice(1)), null);
  assert.is(normalizeDigest('zz'.repeat(32)), null);
});

// -- diff ------------------------------------------------------------------------------------------

test('diff: identical recordings (different segmentation)', async () => {
  const r = diffRecordings(await rec(EVENTS, 4096), await rec(EVENTS, 1 << 20));
  assert.equal(r, { identical: true, counts: { a: 200, b: 200, same: 200, changed: 0, onlyInA: 0, onlyInB: 0 }, divergences: [] });
});

test('diff: one changed field is shown with both values, seq and ts on each side', async () => {
  const b = EVENTS.map((e, i) => (i === 42 ? { ...e, bid: 1.5 } : e));
  const r = diffRecordings(await rec(EVENTS), await rec(b));
  assert.is(r.identical, false);
  if (r.identical) return;
  assert.is(r.first.index, 42);
  assert.equal(r.first.a, { seq: 42, ts: EVENTS[42]!.ts, type: 'tick' });
  assert.equal(r.first.b, { seq: 42, ts: EVENTS[42]!.ts, type: 'tick' });
  assert.equal(r.first.fields, [{ field: 'bid', a: EVENTS[42]!.bid, b: 1.5 }]);
  assert.equal(r.counts, { a: 200, b: 200, same: 199, changed: 1, onlyInA: 0, onlyInB: 0 });
});

test('diff: an absent field against a present one, and a changed type', async () => {
  const b: TapeEvent[] = EVENTS.slice(0, 10).map((e, i) => {
    if (i === 3) {
      const { exchTs: _drop, ...rest } = e;
      return rest as TickEvent;
    }
    if (i === 5) return { type: 'system', ts: e.ts, runId: e.runId, kind: 'note', message: 'x' };
    return e;
  });
  const r = diffRecordings(await rec(EVENTS.slice(0, 10)), await rec(b));
  assert.is(r.identical, false);
  if (r.identical) return;
  assert.is(r.first.index, 3);
  assert.equal(r.first.fields, [{ field: 'exchTs', a: EVENTS[3]!.exchTs, b: undefined }]);
  assert.is(r.counts.changed, 2);
});

test('diff: only in a / only in b, aligned by position', async () => {
  const full = await rec(EVENTS);
  const short = await rec(EVENTS.slice(0, 150));
  const r = diffRecordings(full, short);
  assert.is(r.identical, false);
  if (r.identical) return;
  assert.is(r.first.index, 150);
  assert.equal(r.first.a, { seq: 150, ts: EVENTS[150]!.ts, type: 'tick' });
  assert.is(r.first.b, null);
  assert.equal(r.first.fields, []);
  assert.equal(r.counts, { a: 200, b: 150, same: 150, changed: 0, onlyInA: 50, onlyInB: 0 });
  const back = diffRecordings(short, full);
  assert.equal(back.counts, { a: 150, b: 200, same: 150, changed: 0, onlyInA: 0, onlyInB: 50 });
});

test('diff: seq is not compared, so a re-recorded range matches its source range', async () => {
  const src = await rec(EVENTS);
  const copy = await rec(EVENTS.slice(40, 120));
  const r = diffRecordings(src, copy, { from: EVENTS[40]!.ts, to: EVENTS[119]!.ts });
  assert.equal(r, { identical: true, counts: { a: 80, b: 80, same: 80, changed: 0, onlyInA: 0, onlyInB: 0 }, divergences: [] });
  const strict = diffRecordings(src, copy, { from: EVENTS[40]!.ts, to: EVENTS[119]!.ts, compareSeq: true });
  assert.is(strict.identical, false);
  if (strict.identical) return;
  assert.equal(strict.first.fields, [{ field: 'seq', a: 40, b: 0 }]);
});

test('diff --ignore-fields: known differences are left out', async () => {
  const b = EVENTS.map((e) => ({ ...e, exchTs: e.exchTs! + 17n, runId: 'live-2' }));
  const bDir = await rec(b);
  const aDir = await rec(EVENTS);
  const r = diffRecordings(aDir, bDir);
  assert.is(r.identical, false);
  if (!r.identical) assert.equal(r.first.fields.map((f) => f.field), ['runId', 'exchTs']);
  assert.is(diffRecordings(aDir, bDir, { ignoreFields: ['exchTs', 'runId'] }).identical, true);
  assert.is(diffRecordings(aDir, bDir, { ignoreFields: ['exchTs'] }).identical, false);
  // ts shifted by a constant: ignored on request.
  const shifted = await rec(EVENTS.map((e) => ({ ...e, ts: e.ts + 1000n })));
  assert.is(diffRecordings(aDir, shifted).identical, false);
  assert.is(diffRecordings(aDir, shifted, { ignoreFields: ['ts'] }).identical, true);
  try {
    diffRecordings(aDir, bDir, { ignoreFields: ['exchTS'] });
    assert.unreachable();
  } catch (e) {
    assert.is((e as { code?: string }).code, 'BAD_ARGUMENT');
  }
});

test('diff filters: --run and --types on both sides', async () => {
  const a: TapeEvent[] = [];
  const b: TapeEvent[] = [];
  for (const [i, e] of EVENTS.slice(0, 60).entries()) {
    a.push(e);
    b.push(e);
    if (i % 10 === 0) {
      a.push({ type: 'system', ts: e.ts, runId: e.runId, kind: 'heartbeat', message: 'a' });
      b.push({ type: 'system', ts: e.ts, runId: e.runId, kind: 'heartbeat', message: 'b' });
    }
    if (i % 7 === 0) b.push({ ...e, runId: 'noise' });
  }
  const aDir = await rec(a);
  const bDir = await rec(b);
  assert.is(diffRecordings(aDir, bDir).identical, false);
  assert.is(diffRecordings(aDir, bDir, { runId: 'run-1' }).identical, false);
  const r = diffRecordings(aDir, bDir, { runId: 'run-1', types: ['tick'] });
  assert.is(r.identical, true);
  assert.is(r.counts.a, 60);
  const sys = diffRecordings(aDir, bDir, { types: ['system'] });
  assert.is(sys.identical, false);
  if (!sys.identical) assert.equal(sys.first.fields, [{ field: 'message', a: 'a', b: 'b' }]);
});

test('diff agrees with the digest: -0 is stored as 0, so both see the same event', async () => {
  const sig = (value: number): TapeEvent => ({ type: 'signal', ts: T0, runId: 'r', strategy: 's', symbol: 'S', name: 'z', value });
  const a = await rec([sig(0)]);
  const b = await rec([sig(-0)]);
  assert.is(digestRecording(a), digestRecording(b));
  assert.is(diffRecordings(a, b).identical, true);
  assert.is(diffRecordings(a, await rec([sig(1e-300)])).identical, false);
});

test('diff realigns: one inserted and one deleted event are reported as such, not as thousands changed', async () => {
  const a = await rec(EVENTS);
  // b: event 50 deleted, a new event inserted between 120 and 121 (its own ts), event 150 changed.
  const extra = { ...(EVENTS[120] as TickEvent), ts: (EVENTS[120] as TickEvent).ts + 1n, bid: 1 } as TapeEvent;
  const changed = { ...(EVENTS[150] as TickEvent), symbol: 'TSLA' } as TapeEvent;
  const bEvents = [...EVENTS.slice(0, 50), ...EVENTS.slice(51, 121), extra, ...EVENTS.slice(121, 150), changed, ...EVENTS.slice(151)];
  const b = await rec(bEvents);
  const r = diffRecordings(a, b);
  assert.is(r.identical, false);
  assert.equal(r.counts, { a: 200, b: 200, same: 198, changed: 1, onlyInA: 1, onlyInB: 1 });
  if (r.identical) return;
  assert.equal(
    r.divergences.map((d) => [d.kind, d.indexA, d.indexB]),
    [
      ['deleted', 50, null],
      ['inserted', null, 120],
      ['changed', 150, 150],
    ],
  );
  assert.equal(r.divergences[2]!.fields.map((f) => f.field), ['symbol']);
  // The same events in another order within one ts are the same events.
  const t = (EVENTS[10] as TickEvent).ts;
  const same = [{ ...(EVENTS[10] as TickEvent), bid: 5 }, { ...(EVENTS[10] as TickEvent), bid: 6 }] as TapeEvent[];
  const x = await rec([...EVENTS.slice(0, 10), ...same, ...EVENTS.slice(11).map((e) => ({ ...e, ts: e.ts + 10n }))]);
  const y = await rec([...EVENTS.slice(0, 10), same[1]!, same[0]!, ...EVENTS.slice(11).map((e) => ({ ...e, ts: e.ts + 10n }))]);
  assert.ok(diffRecordings(x, y).identical, `reordered within ts ${t}`);
  // The list stops at --limit; the counts do not.
  const many = await rec(EVENTS.map((e) => ({ ...e, bid: 9 }) as TapeEvent));
  const m = diffRecordings(a, many, { limit: 3 });
  assert.is(m.counts.changed, 200);
  assert.is(m.identical ? 0 : m.divergences.length, 3);
  // ts ignored: positional, as before.
  const p = diffRecordings(a, b, { ignoreFields: ['ts'] });
  assert.ok(p.counts.changed > 1);
});

test.run();
