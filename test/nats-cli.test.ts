/**
 * The NATS commands from the CLI: replay --to in one process, record --from in another, then
 * verify --against exits 0; usage errors (exit 2), an unreachable server (exit 74) with the
 * address masked; credentials from the environment, never printed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { openRecording } from '../src/events/index.js';
import { recordingSpan } from '../src/replay/index.js';
import { runScenario } from '../src/scenario/index.js';
import { connectNats } from '../src/transport/index.js';
import { replayFrom } from '../src/nats/client.js';
import { digestRecordingDetailed } from '../src/verify/index.js';
import { collect, runCli, spawnCli } from './helpers/cli.js';
import { startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { rm, tmpDir } from './helpers/tmp.js';
import * as fs from 'node:fs';
import { keyframeStore, writeKeyframes } from '../src/book/keyframes.js';
import { importFile } from '../src/record/importer.js';
import { fixture } from './record-helpers.js';

let server: NatsServer;
let root: string;
let source: string;

test.before(async () => {
  server = await startNatsServer({ config: 'authorization { users = [ { user: "td", password: "sekret-pw-42" } ] }' });
  root = tmpDir('tapedeck-nats-cli-');
  source = path.join(root, 'source');
  await runScenario('flash-crash', { out: source, seed: 7, backtest: false });
});

test.after(async () => {
  await server.stop();
  rm(root);
});

const hostPort = (): string => server.url.slice('nats://'.length);

test('cli - replay --to nats in one process, record --from in another, verify --against exits 0', async () => {
  const copy = path.join(root, 'copy');
  // Credentials through the URL's user info here (the test server needs some); see the env test below.
  const url = `nats://td:sekret-pw-42@${hostPort()}`;
  const recorder = spawnCli(['record', copy, '--from', url, '--subject', 'md.>', '--until-end', '--durability', 'strict']);
  const recorded = collect(recorder);
  // Publish only once the recorder has its stream and consumer.
  await new Promise<void>((resolve, reject) => {
    let err = '';
    recorder.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('Ctrl-C stops')) resolve();
    });
    recorder.on('exit', () => reject(new Error(`recorder exited early: ${err}`)));
  });
  // The replay in this process (the CLI in-process), the recorder in its own.
  const replay = await runCli(['replay', source, '--max', '--to', `${url}/md`]);
  assert.is(replay.code, 0, replay.stderr);
  assert.match(replay.stderr, /published 13532 events to nats:\/\/\*\*\*@127\.0\.0\.1:\d+\/md/);
  const r = await recorded;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'recorded 13,532 events');
  for (const out of [replay.stdout, replay.stderr, r.stdout, r.stderr]) assert.not.match(out, 'sekret-pw-42');
  const v = await runCli(['verify', source, '--against', copy]);
  assert.is(v.code, 0, v.stdout + v.stderr);
});

test('cli - credentials from NATS_USER/NATS_PASSWORD; a range; --json; a second run finds the end already recorded', async () => {
  const copy = path.join(root, 'copy2');
  const env = { NATS_USER: 'td', NATS_PASSWORD: 'sekret-pw-42' };
  const nc = await connectNats(server.url, { env });
  await (await jetstreamManager(nc)).streams.add({ name: 'MD2', subjects: ['md2.>'] });
  await nc.close();
  const pub = await runCli(['replay', source, '--max', '--to', `${server.url}/md2`, '--to', '+30s'], { env });
  assert.is(pub.code, 0, pub.stderr);
  const toTs = recordingSpan(openRecording(source))!.firstTs + 30_000_000_000n;
  const expected = digestRecordingDetailed(source, { toTs });
  assert.match(pub.stderr, `published ${expected.records} events`);
  const rec = await runCli(['record', copy, '--from', server.url, '--subject', 'md2.>', '--until-end', '--json'], { env });
  assert.is(rec.code, 0, rec.stderr);
  const s = JSON.parse(rec.stdout);
  assert.is(s.stream, 'MD2');
  assert.is(s.events, expected.records);
  assert.is(s.ends, 1);
  assert.is(digestRecordingDetailed(copy).digest, expected.digest);
  for (const out of [pub.stdout, pub.stderr, rec.stdout, rec.stderr]) assert.not.match(out, 'sekret-pw-42');
  const again = await runCli(['record', copy, '--from', server.url, '--subject', 'md2.>', '--until-end', '--json'], { env });
  assert.is(again.code, 0, again.stderr);
  assert.is(JSON.parse(again.stdout).events, 0);
  assert.is(digestRecordingDetailed(copy).digest, expected.digest);
});

test('cli - record --from nats --keyframes writes, batch by batch once durable, the keyframes `keyframe` writes afterwards', async () => {
  const books = path.join(root, 'books');
  await importFile(fixture('kraken-20210417.head300.ws.txt.gz'), books, { format: 'kraken' });
  const env = { NATS_USER: 'td', NATS_PASSWORD: 'sekret-pw-42' };
  const nc = await connectNats(server.url, { env });
  await (await jetstreamManager(nc)).streams.add({ name: 'MD3', subjects: ['md3.>'] });
  await nc.close();
  const pub = await runCli(['replay', books, '--max', '--to', `${server.url}/md3`], { env });
  assert.is(pub.code, 0, pub.stderr);
  const copy = path.join(root, 'books-copy');
  const rec = await runCli(['record', copy, '--from', server.url, '--subject', 'md3.>', '--until-end', '--batch', '200', '--keyframes', '500ms'], { env });
  assert.is(rec.code, 0, rec.stderr);
  assert.match(rec.stderr, /keyframes: \d+ written \(every 500ms or 10000 book events\)/);
  assert.is(digestRecordingDetailed(copy).digest, digestRecordingDetailed(books).digest);
  const files = (dir: string) => keyframeStore(dir).list().map((l) => `${l.name} ${fs.readFileSync(path.join(dir, 'keyframes', l.name, 'books.bin')).toString('base64')}`);
  const live = files(copy);
  assert.ok(live.length >= 3, `keyframes while recording: ${live.length}`);
  await writeKeyframes(copy, { everyNs: 500_000_000n, rebuild: true });
  assert.equal(files(copy), live, 'the same keyframes, byte for byte');
  const bad = await runCli(['record', path.join(root, 'z'), '--from', server.url, '--subject', 'md3.>', '--keyframes', '5'], { env });
  assert.is(bad.code, 2);
});

test('cli - usage errors exit 2; an unreachable server exits 74 with the password masked', async () => {
  let r = await runCli(['replay', source, '--to', 'nats://127.0.0.1:99999']);
  assert.is(r.code, 2, r.stderr);
  r = await runCli(['replay', source, '--to', `${server.url}/x`, '--out', path.join(root, 'o.jsonl')]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, '--out');
  r = await runCli(['record', path.join(root, 'x'), '--from', server.url]);
  assert.is(r.code, 2, r.stderr);
  assert.match(r.stderr, '--subject');
  r = await runCli(['record', path.join(root, 'x'), '--from', 'http://h', '--subject', 'a.>']);
  assert.is(r.code, 2, r.stderr);
  r = await runCli(['replay', source, '--max', '--to', `nats://td:wrong-pw-77@${hostPort()}/md`]);
  assert.is(r.code, 74, r.stderr);
  assert.match(r.stderr, 'nats://***@127.0.0.1');
  assert.not.match(r.stderr, 'wrong-pw-77');
  const down = await startNatsServer({ jetstream: false });
  const port = down.port;
  await down.stop();
  r = await runCli(['record', path.join(root, 'y'), '--from', `nats://u:p4ss-down@127.0.0.1:${port}`, '--subject', 'a.>']);
  assert.is(r.code, 74, r.stderr);
  assert.not.match(r.stderr, 'p4ss-down');
});

test('cli - serve in its own process answers replayFrom; SIGTERM ends it with exit 0', async () => {
  const child = spawnCli(['serve', `src=${source}`, '--nats', `nats://td:sekret-pw-42@${hostPort()}/svc`]);
  const done = collect(child);
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('Ctrl-C stops')) resolve();
    });
    child.on('exit', () => reject(new Error(`serve exited early: ${err}`)));
  });
  const nc = await connectNats(server.url, { env: { NATS_USER: 'td', NATS_PASSWORD: 'sekret-pw-42' } });
  const s = await replayFrom(nc, { recording: 'src', prefix: 'svc', fromSeq: 10, toSeq: 19 });
  const seqs: number[] = [];
  for await (const ev of s) seqs.push(ev.seq!);
  await nc.close();
  assert.equal(seqs, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  child.kill('SIGTERM');
  const r = await done;
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, 'serving src on nats://***@127.0.0.1');
  assert.match(r.stderr, 'stopped: 1 replay(s) served');
  assert.not.match(r.stderr, 'sekret-pw-42');
});

test.run();
