/**
 * Replay fan-out to a real nats-server: subjects, headers and payload bytes; flow control over a
 * slow link (the window, never unbounded buffering); the server killed and restarted mid-stream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { EventBus } from '../src/bus/index.js';
import { encodeEvent, openRecording } from '../src/events/index.js';
import { ContinuityTracker } from '../src/nats/continuity.js';
import { NatsFanout, replayToNats } from '../src/nats/fanout.js';
import { HEADER, eventSubject, readEventMessage, subjectToken, tokenName } from '../src/nats/wire.js';
import { Replayer, recordingSpan } from '../src/replay/index.js';
import { runScenario } from '../src/scenario/index.js';
import { connectNats } from '../src/transport/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { startSlowProxy } from './helpers/slow-proxy.js';
import { rm, tmpDir } from './helpers/tmp.js';

let server: NatsServer;
let root: string;
let recording: string;
let storedCount = 0;

test.before(async () => {
  server = await startNatsServer({ jetstream: false });
  root = tmpDir('tapedeck-fanout-');
  recording = `${root}/rw`;
  await runScenario('random-walk', { out: recording, seed: 3, backtest: false });
  for (const _ of openRecording(recording).events()) storedCount++;
});

test.after(async () => {
  await server.stop();
  rm(root);
});

interface Received {
  subject: string;
  origin: string;
  originSeq: number;
  tag: number;
  ts: bigint;
  seq: number;
  payload: Uint8Array;
}

/** Subscribes to `<prefix>.>`; resolves with what arrived once the end marker has. */
function collect(nc: NatsConnection, prefix: string): { done: Promise<{ events: Received[]; endCount: number }> } {
  const sub = nc.subscribe(`${prefix}.>`);
  const events: Received[] = [];
  const done = (async () => {
    for await (const m of sub as AsyncIterable<Msg>) {
      if (m.subject === `${prefix}._ctl.end`) {
        sub.unsubscribe();
        return { events, endCount: Number(m.headers!.get(HEADER.count)) };
      }
      const w = readEventMessage(m.subject, (k) => m.headers?.get(k) || undefined, m.data);
      events.push({ subject: m.subject, origin: w.origin, originSeq: w.originSeq, tag: w.tag, ts: w.tsNs, seq: w.seq, payload: m.data });
    }
    throw new Error('subscription ended without an end marker');
  })();
  return { done };
}

test('wire - subject tokens are NATS-safe and reversible', () => {
  for (const name of ['AAPL', 'BTC-USD', 'BRK.B', 'a b', 'x*y>z', '_', 'ünï', 'ES_F']) {
    const t = subjectToken(name);
    assert.match(t, /^[A-Za-z0-9_-]+$/, name);
    assert.is(tokenName(t), name);
  }
  assert.is(subjectToken(undefined), '_');
  assert.is(tokenName('_'), undefined);
  assert.is(eventSubject('md', { type: 'system', ts: 1n, runId: 'r', kind: 'note', message: 'm' }), 'md._._.system');
  assert.is(eventSubject('md', { type: 'tick', ts: 1n, runId: 'r', venue: 'XNAS', symbol: 'BRK.B' }), 'md.XNAS.BRK_2EB.tick');
});

test('wire - a message without the tapedeck headers is bad input naming the header', () => {
  try {
    readEventMessage('x.y', () => undefined, new Uint8Array());
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_INPUT');
    assert.match((err as Error).message, 'Tapedeck-Tag');
  }
});

test('fan-out - every event once, in order, with its canonical payload bytes, seq and ts; then the end marker', async () => {
  const sub = await connectNats(server.url);
  const got = collect(sub, 'fo1');
  await sub.flush();
  const summary = await replayToNats(recording, `${server.url}/fo1`, { replay: { speed: 'max' } });
  const { events, endCount } = await got.done;
  await sub.close();
  assert.is(summary.events, storedCount);
  assert.is(endCount, storedCount);
  assert.is(events.length, storedCount);
  let i = 0;
  for (const ev of openRecording(recording).events()) {
    const r = events[i]!;
    const e = encodeEvent(ev);
    assert.is(r.originSeq, i);
    assert.is(r.origin, summary.origin);
    assert.is(r.seq, ev.seq);
    assert.is(r.ts, ev.ts);
    assert.is(r.tag, e.type);
    assert.is(r.subject, eventSubject('fo1', ev));
    assert.ok(Buffer.from(r.payload).equals(e.payload), `payload of seq ${ev.seq}`);
    i++;
  }
});

test('fan-out - a slow link holds the replay back: unconfirmed bytes never exceed the window', async () => {
  const proxy = await startSlowProxy(server.port, 400_000);
  const sub = await connectNats(server.url);
  const got = collect(sub, 'fo2');
  await sub.flush();
  const nc = await connectNats(proxy.url);
  const windowBytes = 16 * 1024;
  const bus = new EventBus();
  const replayer = new Replayer(recording, bus);
  const fanout = new NatsFanout(nc, bus, replayer, { prefix: 'fo2', windowBytes });
  let maxPending = 0;
  let maxMessage = 0;
  bus.events$.subscribe((ev) => {
    maxPending = Math.max(maxPending, fanout.publisher.pendingBytes);
    maxMessage = Math.max(maxMessage, encodeEvent(ev).payload.length + 400);
  });
  const t0 = performance.now();
  await lastValueFrom(replayer.start({ speed: 'max', to: recordingSpan(replayer.recordings[0]!)!.firstTs + 20_000_000_000n }), { defaultValue: undefined });
  const summary = await fanout.finish();
  const wallMs = performance.now() - t0;
  const { events } = await got.done;
  await nc.close();
  await sub.close();
  await proxy.close();
  if (process.env.NATS_TEST_DEBUG) console.log(summary, wallMs, proxy.forwardedBytes, maxPending);
  assert.ok(summary.waits > 0, 'the window filled and the replay waited');
  assert.ok(maxPending <= windowBytes + maxMessage, `unconfirmed ${maxPending} bytes stayed within the window ${windowBytes}`);
  assert.is(events.length, summary.events);
  assert.ok(proxy.forwardedBytes > 0);
  // The link, not the replay, set the pace: all the bytes went through a 400 kB/s pipe.
  assert.ok(wallMs >= (proxy.forwardedBytes / 400_000) * 1000 * 0.5, `${wallMs} ms for ${proxy.forwardedBytes} bytes`);
});

test('fan-out - the server killed and restarted mid-stream: the replay completes, receivers see no duplicate and account for every message', async () => {
  const sub = await connectNats(server.url, { reconnectWaitMs: 50 });
  const tracker = new ContinuityTracker();
  const seen: number[] = [];
  let missing = 0;
  let duplicates = 0;
  let endCount = -1;
  const s = sub.subscribe('fo3.>');
  const receiving = (async () => {
    for await (const m of s as AsyncIterable<Msg>) {
      if (m.subject === 'fo3._ctl.end') {
        endCount = Number(m.headers!.get(HEADER.count));
        return;
      }
      const w = readEventMessage(m.subject, (k) => m.headers?.get(k) || undefined, m.data);
      const c = tracker.feed(w.origin, w.originSeq);
      if (c.kind === 'duplicate') duplicates++;
      else {
        if (c.kind === 'gap') missing += c.missing;
        seen.push(w.originSeq);
      }
    }
  })();
  await sub.flush();
  const nc = await connectNats(server.url, { reconnectWaitMs: 50 });
  const bus = new EventBus();
  const replayer = new Replayer(recording, bus);
  const statuses: string[] = [];
  const fanout = new NatsFanout(nc, bus, replayer, { prefix: 'fo3', windowBytes: 64 * 1024, onStatus: (k) => statuses.push(k) });
  let killed = false;
  bus.events$.subscribe((ev) => {
    if (!killed && ev.seq === 3000) {
      killed = true;
      void server.kill('SIGKILL').then(() => server.restart());
    }
  });
  await lastValueFrom(replayer.start({ speed: 'max' }), { defaultValue: undefined });
  const summary = await fanout.finish();
  await receiving;
  await nc.close();
  await sub.close();
  if (process.env.NATS_TEST_DEBUG) console.log(summary, statuses, missing, duplicates, seen.length);
  assert.ok(killed);
  assert.equal(statuses.slice(0, 2), ['disconnect', 'reconnect']);
  assert.ok(summary.reconnects >= 1);
  assert.is(endCount, storedCount);
  assert.ok(duplicates >= 0);
  assert.is(seen.length + missing, storedCount, `received ${seen.length} + reported missing ${missing} = all`);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, 'in order');
});

test.run();
