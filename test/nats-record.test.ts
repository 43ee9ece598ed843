/**
 * Recording from JetStream, exactly once, against a real nats-server: a replay published with the
 * fan-out and recorded back digests like its source; the recorder SIGKILLed at seeded points
 * (each commit phase, log rotation steps, random times) and restarted loses nothing and records
 * nothing twice; the server restarted mid-recording; JSON messages, rejects, strict mode, gaps.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import seedrandom from 'seedrandom';
import { openRecording } from '../src/events/index.js';
import { CURSOR_NAME, readCursor } from '../src/nats/cursor.js';
import { replayToNats } from '../src/nats/fanout.js';
import { recordFromJetStream } from '../src/nats/jetstream-recorder.js';
import { eventHeaderEntries } from '../src/nats/wire.js';
import { encodeEvent } from '../src/events/codec.js';
import { recordingSpan } from '../src/replay/index.js';
import { runScenario } from '../src/scenario/index.js';
import { connectNats } from '../src/transport/index.js';
import { digestRecording, verifyRecording } from '../src/verify/index.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

let server: NatsServer;
let root: string;
let source: string;
let sourceDigest: string;
let sourceCount = 0;
/** The first 20 s of the source (about 1,500 events) and its digest: for the tests whose subject is not the volume. */
let shortTo = 0n;
let shortDigest = '';

test.before(async () => {
  server = await startNatsServer();
  root = tmpDir('tapedeck-jsrec-');
  source = path.join(root, 'source');
  await runScenario('random-walk', { out: source, seed: 5, backtest: false });
  sourceDigest = digestRecording(source);
  for (const _ of openRecording(source).events()) sourceCount++;
  shortTo = recordingSpan(openRecording(source))!.firstTs + 20_000_000_000n;
  shortDigest = digestRecording(source, { toTs: shortTo });
});

test.after(async () => {
  await server.stop();
  rm(root);
});

async function createStream(name: string, subject: string): Promise<void> {
  const nc = await connectNats(server.url);
  await (await jetstreamManager(nc)).streams.add({ name, subjects: [subject] });
  await nc.close();
}

async function publishSource(prefix: string, toTs?: bigint): Promise<void> {
  const s = await replayToNats(source, `${server.url}/${prefix}`, { replay: { speed: 'max', to: toTs } });
  if (toTs === undefined) assert.is(s.events, sourceCount);
}

test('record - a replay published to a stream and recorded back digests like its source', async () => {
  await createStream('RT1', 'rt1.>');
  await publishSource('rt1');
  const dir = path.join(root, 'rt1');
  const s = await recordFromJetStream(dir, server.url, { subject: 'rt1.>', untilEnd: true, batchMessages: 500 });
  assert.is(s.stream, 'RT1');
  assert.is(s.events, sourceCount);
  assert.is(s.ends, 1);
  assert.is(s.notes, 0);
  assert.is(s.passthrough, true);
  assert.is(digestRecording(dir), sourceDigest);
  assert.ok(verifyRecording(dir).ok);
  assert.ok(fs.existsSync(path.join(dir, CURSOR_NAME)));
  assert.is(readCursor(dir)!.pending, null);
});

test('record - recording while the replay is published, into a stream the recorder creates', async () => {
  const dir = path.join(root, 'live');
  const recording = recordFromJetStream(dir, server.url, { subject: 'live.>', stream: 'LIVE', untilEnd: true });
  const nc = await connectNats(server.url);
  const jsm = await jetstreamManager(nc);
  for (let i = 0; ; i++) {
    try {
      await jsm.streams.info('LIVE');
      break;
    } catch {
      if (i > 100) throw new Error('the recorder did not create the stream');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await nc.close();
  await publishSource('live', shortTo);
  const s = await recording;
  assert.ok(s.events > 1000 && s.events < sourceCount, `${s.events} events`);
  assert.is(digestRecording(dir), shortDigest);
});

function runChild(dir: string, subject: string, kill: string, batch: number, durability: string): Promise<{ code: number | null; signal: string | null; out: string; err: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist/test/helpers/nats-record-child.js'), dir, server.url, subject, kill, String(batch), durability], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out, err })));
}

const PHASES = ['fetched', 'intent', 'durable', 'acked'];
const STEPS = ['sealed', 'tmp-created', 'renamed', 'dir-synced'];

test('record - SIGKILL at seeded points, restarted until done: every event exactly once', async () => {
  // The first 8 s of the source (about 600 events) keep the rounds quick.
  const toTs = recordingSpan(openRecording(source))!.firstTs + 8_000_000_000n;
  const rangeDigest = digestRecording(source, { toTs });
  await createStream('CRASH', 'crash.>');
  await publishSource('crash', toTs);
  const rounds = Number(process.env.NATS_CRASH_ROUNDS ?? 4);
  const seed = process.env.NATS_CRASH_SEED ?? 'nats-crash-1';
  console.log(`  nats crash test: seed ${seed}, ${rounds} rounds (NATS_CRASH_SEED / NATS_CRASH_ROUNDS to change)`);
  const rng = seedrandom(seed);
  for (let round = 0; round < rounds; round++) {
    const dir = path.join(root, `crash-${round}`);
    const batch = [1, 7, 64, 300][Math.floor(rng() * 4)]!;
    const durability = rng() < 0.5 ? 'strict' : 'batched';
    const kills: string[] = [];
    for (let k = 0; k < 3; k++) {
      const r = rng();
      if (r < 0.5) kills.push(`phase:${PHASES[Math.floor(rng() * 4)]}:${1 + Math.floor(rng() * 6)}`);
      else if (r < 0.75) kills.push(`step:${STEPS[Math.floor(rng() * 4)]}:${1 + Math.floor(rng() * 3)}`);
      else kills.push(`time:${300 + Math.floor(rng() * 900)}`);
    }
    const t0 = performance.now();
    const context = `round ${round} (seed ${seed}): batch ${batch}, ${durability}, kills ${kills.join(' ')}`;
    let killed = 0;
    for (const kill of kills) {
      const r = await runChild(dir, 'crash.>', kill, batch, durability);
      if (r.signal === 'SIGKILL') killed++;
      else assert.is(r.code, 0, `${context}: ${kill} exited ${r.code}: ${r.err}`);
      if (r.code === 0) break;
    }
    const last = await runChild(dir, 'crash.>', 'none', batch, durability);
    assert.is(last.code, 0, `${context}: the final run failed: ${last.err}`);
    assert.is(digestRecording(dir), rangeDigest, `${context}: ${killed} kills; the copy must hold every event exactly once`);
    assert.ok(verifyRecording(dir).ok, context);
    if (process.env.NATS_TEST_DEBUG) console.log(`  ${context}: ${killed} killed, ${Math.round(performance.now() - t0)} ms`);
  }
});

test('record - the server restarted mid-recording (SIGKILL): the recorder reconnects and still records exactly once', async () => {
  await createStream('RST', 'rst.>');
  // 20 s of the source: the restart comes after batch 10 (1,000 events), and about 500 follow it.
  await publishSource('rst', shortTo);
  const dir = path.join(root, 'rst');
  let restarted = false;
  const notes: string[] = [];
  const s = await recordFromJetStream(dir, server.url, {
    subject: 'rst.>',
    untilEnd: true,
    batchMessages: 100,
    reconnectWaitMs: 50,
    onNote: (t) => notes.push(t),
    onPhase: (phase, batch) => {
      if (phase === 'durable' && batch === 10 && !restarted) {
        restarted = true;
        void server.kill('SIGKILL').then(() => server.restart());
      }
    },
  });
  assert.ok(restarted);
  assert.ok(s.reconnects >= 1, `reconnects ${s.reconnects}; notes: ${notes.join(' | ')}`);
  assert.ok(notes.some((n) => n.startsWith('reconnected')));
  assert.is(s.notes, 0, 'a copy gets no reconnect notes of the recorder');
  assert.ok(s.events > 1200, `${s.events} events: the restart came mid-recording`);
  assert.is(digestRecording(dir), shortDigest);
});

test('record - canonical JSON messages, a reject for bad input, the stream time as ts; strict mode stops with VALIDATION', async () => {
  await createStream('JSON', 'json.>');
  const nc = await connectNats(server.url);
  const lines = [
    '{"type":"tick","ts":"1700000000000000000","runId":"feed","venue":"XNAS","symbol":"AAPL","bid":1,"ask":2}',
    '{"type":"tick","runId":"feed","venue":"XNAS","symbol":"AAPL","bid":1.5,"ask":2}',
    'not json',
    '{"type":"tick","ts":"1700000000000000005","venue":"XNAS","symbol":"MSFT","bid":-1,"ask":2,"askSize":-3}',
  ];
  for (const l of lines) nc.publish('json.XNAS.AAPL.tick', l);
  await nc.flush();
  await nc.close();
  const dir = path.join(root, 'json');
  const ac = new AbortController();
  const notes: string[] = [];
  const s = await recordFromJetStream(dir, server.url, {
    subject: 'json.>',
    signal: ac.signal,
    onNote: (t) => notes.push(t),
    onPhase: (phase) => {
      if (phase === 'acked') ac.abort();
    },
  });
  assert.is(s.events, 2);
  assert.is(s.rejects, 2);
  assert.is(s.passthrough, false);
  const evs = [...openRecording(dir).events()];
  assert.equal(evs.map((e) => e.type), ['tick', 'tick', 'system', 'system']);
  assert.is(evs[0]!.runId, 'feed');
  assert.ok(evs[1]!.ts > 1_700_000_000_000_000_000n, 'ts from the stream');
  assert.ok(evs[2]!.type === 'system' && evs[2]!.kind === 'reject' && /JSON/.test(evs[2]!.message));
  assert.ok(evs[3]!.type === 'system' && evs[3]!.kind === 'reject' && evs[3]!.data!.streamSeq === 4);
  assert.is(notes.length, 2);
  // Strict: the bad message stops the run; what came before it is durable and acknowledged.
  const strictDir = path.join(root, 'json-strict');
  try {
    await recordFromJetStream(strictDir, server.url, { subject: 'json.>', consumer: 'strict', strict: true });
    assert.unreachable('strict mode must stop');
  } catch (err) {
    assert.is((err as { code: string }).code, 'VALIDATION');
    assert.match((err as Error).message, 'stream seq 3');
  }
  assert.is([...openRecording(strictDir).events()].length, 2);
  assert.is(readCursor(strictDir)!.committed.streamSeq, 2);
});

test('record - live (not a copy): a server restart between batches leaves a reconnect event', async () => {
  await createStream('LIVE2', 'live2.>');
  const pub = await connectNats(server.url);
  const line = (i: number): string => `{"type":"tick","ts":"${1_700_000_000_000_000_000n + BigInt(i)}","runId":"feed","venue":"V","symbol":"S","bid":${i}}`;
  for (let i = 0; i < 5; i++) pub.publish('live2.V.S.tick', line(i));
  await pub.flush();
  await pub.close();
  const dir = path.join(root, 'live2');
  const ac = new AbortController();
  let restarted = false;
  let events = 0;
  const s = await recordFromJetStream(dir, server.url, {
    subject: 'live2.>',
    signal: ac.signal,
    reconnectWaitMs: 50,
    onPhase: (phase) => {
      if (phase !== 'acked') return;
      events = [...openRecording(dir).events()].filter((e) => e.type === 'tick').length;
      if (!restarted) {
        restarted = true;
        void server
          .kill('SIGTERM')
          .then(() => server.restart())
          .then(async () => {
            // A fresh connection: the old one drops what it buffered while reconnecting.
            const p2 = await connectNats(server.url);
            for (let i = 5; i < 10; i++) p2.publish('live2.V.S.tick', line(i));
            await p2.flush();
            await p2.close();
          })
          .catch((err: unknown) => console.error('publishing after the restart failed:', err));
      } else if (events >= 10) ac.abort();
    },
  });
  assert.ok(s.reconnects >= 1);
  const evs = [...openRecording(dir).events()];
  assert.is(evs.filter((e) => e.type === 'tick').length, 10);
  assert.ok(evs.some((e) => e.type === 'system' && e.kind === 'reconnect'), 'a live recording notes the reconnect');
  assert.is(s.notes, 1);
});

test('record - a gap in an origin sequence becomes a gap event; a resent duplicate is dropped', async () => {
  await createStream('GAP', 'gap.>');
  const nc = await connectNats(server.url);
  const base = { type: 'tick', runId: 'r', venue: 'V', symbol: 'S', bid: 1 } as const;
  const send = (originSeq: number, tsNs: bigint): void => {
    const e = encodeEvent({ ...base, ts: tsNs });
    const h = natsHeaders();
    for (const [k, v] of eventHeaderEntries({ tag: e.type, tsNs, seq: originSeq, source: 's', runId: 'r', origin: 'o1', originSeq })) h.set(k, v);
    nc.publish('gap.V.S.tick', e.payload, { headers: h });
  };
  send(0, 10n);
  send(1, 20n);
  send(1, 20n); // a resend: JetStream drops it by Nats-Msg-Id
  send(4, 50n); // 2 and 3 never arrive
  send(5, 60n);
  await nc.flush();
  await nc.close();
  const dir = path.join(root, 'gap');
  const ac = new AbortController();
  const s = await recordFromJetStream(dir, server.url, { subject: 'gap.>', signal: ac.signal, onPhase: (p) => p === 'acked' && ac.abort() });
  assert.is(s.gaps, 1);
  assert.is(s.missing, 2);
  const evs = [...openRecording(dir).events()];
  assert.equal(evs.map((e) => (e.type === 'system' ? e.kind : String(e.ts))), ['10', '20', 'gap', '50', '60']);
  const gap = evs[2]!;
  assert.ok(gap.type === 'system' && gap.data!.fromSeq === 2 && gap.data!.toSeq === 3 && gap.data!.missing === 2);
});

test('record - a directory recorded from another subject, or not from NATS, is refused', async () => {
  const dir = path.join(root, 'rt1');
  try {
    await recordFromJetStream(dir, server.url, { subject: 'other.>' });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_ARGUMENT');
    assert.match((err as Error).message, 'rt1.>');
  }
  try {
    await recordFromJetStream(source, server.url, { subject: 'rt1.>' });
    assert.unreachable();
  } catch (err) {
    assert.is((err as { code: string }).code, 'BAD_ARGUMENT');
    assert.match((err as Error).message, 'not made from NATS');
  }
});

test.run();
