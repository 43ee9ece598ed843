import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { decodeHistogram, Metrics, newHistogram, summarize } from '../src/util/metrics.js';
import { formatStats, parseMetrics, readStats, statsView, type StatsSample } from '../src/ops/stats.js';
import { encodeEvent } from '../src/events/codec.js';
import { openEventLog } from '../src/events/recording.js';
import type { TapeEvent } from '../src/events/types.js';
import { cli, cliAsync, fixtureEvents, writeRecording } from './ops-fixtures.js';

function encode(ev: TapeEvent): [number, bigint, Uint8Array] {
  const e = encodeEvent(ev);
  return [e.type, e.tsNs, e.payload];
}
import { rm, tmpDir } from './helpers/tmp.js';
import { waitFor } from './helpers/wait.js';

let base = '';
test.before(() => {
  base = tmpDir('tapedeck-ops-stats-');
});
test.after(() => rm(base));

function tickLine(i: number): string {
  return JSON.stringify({ type: 'tick', venue: 'XNAS', symbol: i % 2 ? 'AAPL' : 'MSFT', bid: 100 + (i % 100) / 100, ask: 101 });
}

test('newHistogram: the histogram hdr-histogram-js build() makes, from the class module alone', () => {
  const hdr = createRequire(import.meta.url)('hdr-histogram-js') as typeof import('hdr-histogram-js');
  const ours = newHistogram();
  const theirs = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: 3 });
  assert.is(ours.constructor.name, theirs.constructor.name);
  assert.is(ours.autoResize, true);
  for (let i = 1; i < 5000; i++) {
    const v = (i * 7919) % 100_003 * i;
    ours.recordValue(v);
    theirs.recordValue(v);
  }
  assert.equal(summarize(ours), summarize(theirs));
  const b64 = hdr.encodeIntoCompressedBase64(ours);
  assert.is(b64, hdr.encodeIntoCompressedBase64(theirs));
  const back = summarize(decodeHistogram(b64));
  assert.equal([back.count, back.p50, back.p99], [4999, summarize(theirs).p50, summarize(theirs).p99]);
});

test('statsView: rates from two publications of the writer', async () => {
  const m = new Metrics([], ['appendLatencyNs']);
  for (let i = 1; i <= 100; i++) m.record('appendLatencyNs', i * 1000);
  const doc = (records: number, bytes: number) => JSON.stringify({ pid: 1, records, bytes, segments: 1, lastSeq: records - 1, durableSeq: records - 1, counters: { fsyncs: 3 }, appendLatencyNs: m.encodeHistogram('appendLatencyNs'), fsyncLatencyNs: '' });
  const sample = (records: number, bytes: number, updatedMs: number): StatsSample => ({
    dir: 'x',
    atMs: updatedMs + 5,
    metrics: parseMetrics(doc(records, bytes), updatedMs),
    writer: { pid: 1, alive: true },
    segments: 1,
    segmentBytes: bytes,
    diskBytes: bytes + 10,
  });
  const v = statsView(sample(1000, 50_000, 10_000), sample(3000, 150_000, 12_000));
  assert.is(v.eventsPerSec, 1000);
  assert.is(v.bytesPerSec, 50_000);
  const lat = v.metrics!.appendLatencyNs;
  assert.is(lat.count, 100);
  assert.ok(Math.abs(lat.p50 - 50_000) <= 100, String(lat.p50));
  assert.ok(Math.abs(lat.p99 - 99_000) <= 100, String(lat.p99));
  assert.match(formatStats(v), /append p50\/p99 +50\.\dµs \/ 99\.\dµs/);
  assert.is(statsView(null, sample(1, 1, 1)).eventsPerSec, null);
  assert.is(parseMetrics('not json', 0), null);
});

test('stats on a closed recording: once, no writer', async () => {
  const d = path.join(base, 'closed');
  await writeRecording(d);
  const r = await cli(['stats', d, '--json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.writer.alive, false);
  assert.is(j.records, null); // no writer published metrics here
  assert.is(j.eventsPerSec, null);
  assert.ok(j.segments >= 3);
  assert.is(j.segmentBytes, readStats(d).segmentBytes);
  const h = await cli(['stats', d]);
  assert.is(h.code, 0, h.stderr);
  assert.match(h.stdout, /writer +none/);
  assert.match(h.stdout, /disk +[\d,]+ bytes/);
  assert.match(h.stdout, /no metrics\.json/);
  // A writer that published leaves its final metrics behind.
  const p = path.join(base, 'published');
  const log = await openEventLog(p, { publishMetricsMs: 50, durability: 'strict' });
  for (const ev of fixtureEvents()) await log.append(...encode(ev));
  await log.close();
  const pj = JSON.parse((await cli(['stats', p, '--json'])).stdout);
  assert.is(pj.records, 67);
  assert.ok(pj.fsyncs >= 67, String(pj.fsyncs));
  assert.ok(pj.fsyncLatencyNs.count > 0);
  assert.ok(pj.appendLatencyNs.count > 0);
});

test('stats of a recording being written by `tapedeck record` while it runs', async () => {
  const d = path.join(base, 'live');
  const rec = cliAsync(['record', d, '--metrics-interval', '100ms', '--run-id', 'live']);
  const stdin = rec.live.stdin;
  let i = 0;
  let feeding = true;
  const feeder = (async () => {
    while (feeding) {
      const batch: string[] = [];
      for (let k = 0; k < 200; k++) batch.push(tickLine(i++));
      stdin.write(batch.join('\n') + '\n');
      await sleep(20);
    }
    stdin.end();
  })();
  try {
    // Wait for the first publication.
    await waitFor(() => fs.existsSync(path.join(d, 'metrics.json')), 'the first metrics.json');
    const r = await cliAsync(['stats', d, '--json', '--interval', '400ms']).done;
    assert.is(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.is(j.writer.alive, true, r.stdout);
    assert.ok(j.records > 0, r.stdout);
    assert.ok(j.eventsPerSec > 0, `events/s ${j.eventsPerSec}`);
    assert.ok(j.bytesPerSec > 0, `bytes/s ${j.bytesPerSec}`);
    assert.ok(j.appendLatencyNs.count > 0, r.stdout);
    assert.ok(j.appendLatencyNs.p50 > 0 && j.appendLatencyNs.p99 >= j.appendLatencyNs.p50, r.stdout);
    assert.is(typeof j.fsyncs, 'number');
    assert.is(j.segments, 1);
    assert.ok(j.diskBytes >= j.segmentBytes);

    // --watch, piped: a line per interval until SIGINT, then exit 0.
    const w = cliAsync(['stats', d, '--watch', '--interval', '200ms']);
    let ended = false;
    void w.done.then(() => (ended = true));
    const seen = () => w.live.stdout().split('\n').length - 1;
    await waitFor(() => ended || seen() >= 3, 'three --watch lines');
    w.live.signal('SIGINT');
    const wr = await w.done;
    assert.is(wr.code, 0, wr.stderr);
    const ls = wr.stdout.trimEnd().split('\n');
    assert.ok(ls.length >= 3, wr.stdout);
    for (const l of ls) assert.match(l, /^\d{4}-\d\d-\d\dT[\d:.]+Z  .* ev\/s  .*\/s  append p50 \S+ p99 \S+  fsyncs [\d,]+  records [\d,]+  segments 1  disk /);
    assert.ok(ls.slice(1).some((l) => /^\S+  [1-9][\d,]* ev\/s/.test(l)), wr.stdout);
  } finally {
    feeding = false;
    await feeder;
    const done = await rec.done;
    assert.is(done.code, 0, done.stderr);
  }
  // The writer is gone: --watch prints the last sample and ends by itself (it used to print
  // "0 ev/s (no live writer)" forever).
  const after = cliAsync(['stats', d, '--watch', '--interval', '50ms']);
  // An unref'd deadline: a pending 10 s timer would hold the test process open that long after the run.
  const ended = await Promise.race([after.done, sleep(10_000, null, { ref: false })]);
  if (ended === null) after.live.signal('SIGINT');
  assert.ok(ended !== null, 'stats --watch kept watching a recording nobody writes');
  assert.is(ended.code, 0, ended.stderr);
  assert.match(ended.stderr, /no process is writing .*: stopped watching/);
  assert.is(ended.stdout.trimEnd().split('\n').length, 1);
});

test('stats: usage and I/O errors, help', async () => {
  assert.is((await cli(['stats', path.join(base, 'missing')])).code, 74);
  assert.is((await cli(['stats'])).code, 2);
  assert.is((await cli(['stats', base, '--interval', '0'])).code, 2);
  const h = await cli(['stats', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /Examples:/);
});

test.run();
