/**
 * The replay service and its client against a real nats-server: whole replays and ranges with
 * filters, concurrent requests, the credit window (a client that never acknowledges gets exactly
 * a window, then the replay times out), cancellation, refusals, gap detection in the client, and
 * the server restarted under a running replay.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { createInbox, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom, toArray } from 'rxjs';
import { encodeEvent, openRecording, type TapeEvent } from '../src/events/index.js';
import { listServed, replayFrom, toObservable } from '../src/nats/client.js';
import { ReplayService, servedRecordings } from '../src/nats/service.js';
import { END_HEADER, serviceSubjects } from '../src/nats/service-protocol.js';
import { HEADER, eventHeaderEntries } from '../src/nats/wire.js';
import { runScenario } from '../src/scenario/index.js';
import { connectNats } from '../src/transport/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { waitFor } from './helpers/wait.js';

let server: NatsServer;
let root: string;
let rw: string;
let crash: string;
let rwEvents: TapeEvent[] = [];
let nc: NatsConnection;
let service: ReplayService;
const logs: string[] = [];

test.before(async () => {
  server = await startNatsServer({ jetstream: false });
  root = tmpDir('tapedeck-svc-');
  rw = path.join(root, 'rw');
  crash = path.join(root, 'crash');
  await runScenario('random-walk', { out: rw, seed: 2, backtest: false });
  await runScenario('flash-crash', { out: crash, seed: 7, backtest: false });
  rwEvents = [...openRecording(rw).events()];
  nc = await connectNats(server.url, { reconnectWaitMs: 50 });
  service = new ReplayService(nc, servedRecordings([rw, `fc=${crash}`]), { prefix: 'svc', concurrentMax: 6, idleTimeoutMs: 20_000, onLog: (l) => logs.push(l) });
  await service.ready();
});

test.after(async () => {
  await service.close();
  await nc.close();
  await server.stop();
  rm(root);
});

async function client(): Promise<NatsConnection> {
  return connectNats(server.url, { reconnectWaitMs: 50 });
}

async function all(stream: AsyncIterable<TapeEvent>): Promise<TapeEvent[]> {
  const out: TapeEvent[] = [];
  for await (const ev of stream) out.push(ev);
  return out;
}

function samePayloads(a: TapeEvent[], b: TapeEvent[]): void {
  assert.is(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.is(a[i]!.seq, b[i]!.seq);
    assert.ok(encodeEvent(a[i]!).payload.equals(encodeEvent(b[i]!).payload), `event ${i}`);
    assert.is(a[i]!.ts, b[i]!.ts);
  }
}

test('service - lists what it serves', async () => {
  const c = await client();
  const list = await listServed(c, { prefix: 'svc' });
  await c.close();
  assert.equal(list.map((r) => r.name), ['rw', 'fc']);
  assert.is(list[0]!.events, rwEvents.length);
});

test('service - a whole recording, in order, every payload as stored', async () => {
  const c = await client();
  const s = await replayFrom(c, { recording: 'rw', prefix: 'svc', windowEvents: 200 });
  const got = await all(s);
  await c.close();
  samePayloads(got, rwEvents);
  assert.equal(s.stats, { events: rwEvents.length, gaps: 0, missing: 0, duplicates: 0, end: 'end' });
});

test('service - a seq range with filters; an Observable', async () => {
  const c = await client();
  const s = await replayFrom(c, { recording: 'rw', prefix: 'svc', fromSeq: 100, toSeq: 1999, types: ['tick'], symbols: ['MSFT'] });
  const got = await lastValueFrom(toObservable(s).pipe(toArray()));
  await c.close();
  const expected = rwEvents.filter((e) => e.seq! >= 100 && e.seq! <= 1999 && e.type === 'tick' && e.symbol === 'MSFT');
  assert.ok(expected.length > 100);
  samePayloads(got, expected);
});

test('service - concurrent requests each get their own complete replay', async () => {
  const c = await client();
  const streams = await Promise.all([
    replayFrom(c, { recording: 'rw', prefix: 'svc', windowEvents: 50 }),
    replayFrom(c, { recording: 'fc', prefix: 'svc', windowEvents: 500 }),
    replayFrom(c, { recording: 'rw', prefix: 'svc', fromSeq: 4000 }),
    replayFrom(c, { recording: 'fc', prefix: 'svc', types: ['system'] }),
  ]);
  const results = await Promise.all(streams.map(all));
  await c.close();
  const crashEvents = [...openRecording(crash).events()];
  samePayloads(results[0]!, rwEvents);
  samePayloads(results[1]!, crashEvents);
  samePayloads(results[2]!, rwEvents.filter((e) => e.seq! >= 4000));
  samePayloads(results[3]!, crashEvents.filter((e) => e.type === 'system'));
  assert.ok(new Set(streams.map((s) => s.id)).size === 4);
});

test('service - a client that never acknowledges gets exactly one window, then the replay times out', async () => {
  // Its own service with a short idle timeout (the shared one is generous: a loaded machine can starve a client).
  const quick = new ReplayService(nc, servedRecordings([rw]), { prefix: 'svcq', idleTimeoutMs: 300 });
  await quick.ready();
  const c = await client();
  const inbox = createInbox();
  const sub = c.subscribe(inbox);
  const reply = await c.request(serviceSubjects('svcq').replay, JSON.stringify({ recording: 'rw', deliverTo: inbox, windowEvents: 37 }));
  const { id } = JSON.parse(reply.string());
  let events = 0;
  let end = '';
  for await (const m of sub as AsyncIterable<Msg>) {
    const e = m.headers?.get(END_HEADER);
    if (e) {
      end = e;
      break;
    }
    events++;
  }
  await c.close();
  assert.is(events, 37, 'the service sent the credit window and no more');
  assert.is(end, 'timeout');
  // The service records a replay's end just after its client sees it.
  await waitFor(() => quick.history.some((h) => h.id === id), 'the replay in the history');
  await quick.close();
  assert.ok(quick.history.some((h) => h.id === id && h.reason === 'timeout' && h.events === 37));
});

test('service - cancel: the replay stops and the iterator ends; breaking out of the loop cancels too', async () => {
  const c = await client();
  const s = await replayFrom(c, { recording: 'rw', prefix: 'svc', speed: 1, windowEvents: 10 });
  let n = 0;
  for await (const _ of s) {
    if (++n === 3) s.cancel();
  }
  assert.is(s.stats.end, 'cancelled');
  assert.ok(n >= 3 && n < rwEvents.length);
  const s2 = await replayFrom(c, { recording: 'fc', prefix: 'svc', speed: 1 });
  for await (const _ of s2) break;
  await c.flush();
  await waitFor(() => service.history.some((h) => h.id === s.id) && service.history.some((h) => h.id === s2.id), 'both replays in the history');
  await c.close();
  assert.ok(service.history.some((h) => h.id === s.id && h.reason === 'cancelled'));
  assert.ok(service.history.some((h) => h.id === s2.id && h.reason === 'cancelled'));
});

test('service - refusals: an unknown recording, a bad request, too many replays', async () => {
  const c = await client();
  try {
    await replayFrom(c, { recording: 'nope', prefix: 'svc' });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'NOT_FOUND');
    assert.match((err as Error).message, 'rw, fc');
  }
  try {
    await replayFrom(c, { recording: 'rw', prefix: 'svc', fromSeq: 10, toSeq: 5 });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_ARGUMENT');
  }
  const slow = await Promise.all(Array.from({ length: 6 }, () => replayFrom(c, { recording: 'rw', prefix: 'svc', speed: 1 })));
  try {
    await replayFrom(c, { recording: 'rw', prefix: 'svc' });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, 'BUSY');
  }
  for (const s of slow) s.cancel();
  await Promise.all(slow.map(all));
  await c.close();
});

test('client - gap detection: a missing origin seq is a GAP error, or a gap event in its place', async () => {
  // A stand-in service that skips origin seq 2.
  const fake = await client();
  const ev = rwEvents.slice(0, 5);
  fake.subscribe('fake.svc.replay', {
    callback: (_e, m) => {
      const req = JSON.parse(m.string());
      m.respond(JSON.stringify({ ok: true, id: 'f1' }));
      for (const [i, e] of ev.entries()) {
        if (i === 2) continue;
        const enc = encodeEvent(e);
        const h = natsHeaders();
        for (const [k, v] of eventHeaderEntries({ tag: enc.type, tsNs: enc.tsNs, seq: e.seq!, source: 'rw', runId: e.runId, origin: 'f1', originSeq: i })) h.set(k, v);
        fake.publish(req.deliverTo, enc.payload, { headers: h });
      }
      const h = natsHeaders();
      h.set(END_HEADER, 'end');
      h.set(HEADER.count, '5');
      fake.publish(req.deliverTo, new Uint8Array(0), { headers: h });
    },
  });
  await fake.flush();
  const c = await client();
  const s = await replayFrom(c, { recording: 'rw', prefix: 'fake' });
  try {
    await all(s);
    assert.unreachable('a gap must throw');
  } catch (err) {
    assert.is((err as { code: string }).code, 'CHECK_FAILED');
    assert.match((err as Error).message, 'origin seq 2..2');
  }
  const s2 = await replayFrom(c, { recording: 'rw', prefix: 'fake', onGap: 'event' });
  const got = await all(s2);
  assert.equal(got.map((e) => (e.type === 'system' && e.kind === 'gap' ? 'gap' : e.seq)), [0, 1, 'gap', 3, 4]);
  assert.is(s2.stats.missing, 1);
  await c.close();
  await fake.close();
});

test('service - the server killed and restarted under a running replay: in order, no duplicates, every event accounted for', async () => {
  // Its own service with a short idle timeout: when the restart loses the end marker or the
  // client's credit, the replay ends by that timeout, which this test is not about (the shared
  // service's 20 s were most of this file's wall time).
  const quick = new ReplayService(nc, servedRecordings([rw]), { prefix: 'svc-restart', idleTimeoutMs: 2000 });
  await quick.ready();
  const c = await client();
  const s = await replayFrom(c, { recording: 'rw', prefix: 'svc-restart', windowEvents: 2000, onGap: 'event' });
  const seqs: number[] = [];
  let gapMissing = 0;
  let killed = false;
  try {
    for await (const ev of s) {
      if (ev.type === 'system' && ev.kind === 'gap') {
        gapMissing += ev.data!.missing as number;
        continue;
      }
      seqs.push(ev.seq!);
      if (!killed && seqs.length === 1500) {
        killed = true;
        await server.kill('SIGKILL');
        await server.restart();
      }
    }
  } catch (err) {
    // The end marker can be lost with the connection: then the replay times out on the service side.
    assert.match((err as Error).message, /gap|timeout|never arrived/);
  }
  await c.close();
  await quick.close();
  assert.ok(killed);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, 'in order, no duplicates');
  assert.ok(seqs.length + gapMissing <= rwEvents.length);
  if (s.stats.end === 'end') assert.is(seqs.length + gapMissing, rwEvents.length, 'a completed replay accounts for every event');
});

test.run();
