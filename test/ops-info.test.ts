import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventToJson } from '../src/events/json.js';
import { openEventLog, openRecording, writeEvent } from '../src/events/recording.js';
import { formatInfo, recordingInfo } from '../src/ops/info.js';
import { digestRecording } from '../src/verify/digest.js';
import { cli, fixtureEvents, MS, T0, writeRecording } from './ops-fixtures.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

let base = '';
let dir = '';
test.before(async () => {
  base = tmpDir('tapedeck-ops-info-');
  dir = path.join(base, 'rec');
  await writeRecording(dir);
});
test.after(() => rm(base));

test('recordingInfo: counts, time range, runs, symbols, rejects, gaps, digest, ratio', async () => {
  const info = recordingInfo(dir);
  const evs = fixtureEvents();
  assert.is(info.records, evs.length);
  assert.is(info.events, evs.length);
  assert.equal(info.byType, { tick: 60, order: 1, fill: 1, signal: 1, risk: 1, system: 3, book: 0, instrument: 0, bar: 0 });
  assert.equal(
    info.byRun.map((r) => [r.runId, r.events]),
    [
      ['r1', evs.filter((e) => e.runId === 'r1').length],
      ['r2', evs.filter((e) => e.runId === 'r2').length],
    ],
  );
  assert.equal(info.bySymbol[0], { symbol: 'AAPL', events: evs.filter((e) => 'symbol' in e && e.symbol === 'AAPL').length });
  assert.is(info.bySymbol[0]!.events, 43);
  assert.equal(info.bySymbol[1], { symbol: 'MSFT', events: 20 });
  assert.is(info.firstTs, T0);
  assert.is(info.lastTs, T0 + 60n * MS);
  assert.is(info.firstTsIso, '2023-11-14T22:13:20.000000000Z');
  assert.is(info.durationNs, 60n * MS);
  assert.is(info.firstSeq, 0);
  assert.is(info.durableSeq, evs.length - 1);
  assert.is(info.rejects.count, 1);
  assert.match(info.rejects.first[0]!.message, /field "bid"/);
  assert.is(info.gaps.count, 1);
  assert.is(info.gaps.first[0]!.data?.ms, 3000);
  assert.is(info.digest, digestRecording(dir));
  assert.is(info.unknownSkipped, 0);
  assert.is(info.tornTail, null);
  // Segments: every one sealed, sizes as on disk, records adding up.
  const files = segmentFiles(dir);
  assert.ok(files.length >= 3, `expected several segments, got ${files.length}`);
  assert.is(info.segmentCount, files.length);
  assert.equal(info.segments.map((s) => s.name), files);
  assert.ok(info.segments.every((s) => s.sealed));
  assert.is(info.segments.reduce((n, s) => n + s.records, 0), info.records);
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  assert.is(info.bytes, bytes);
  // Ratio: canonical JSONL bytes of the events over the log's bytes.
  let jsonl = 0;
  for (const ev of openRecording(dir).events()) jsonl += Buffer.byteLength(eventToJson(ev)) + 1;
  assert.is(info.jsonlBytes, jsonl);
  assert.ok(Math.abs(info.compressionRatio! - jsonl / bytes) < 1e-12);
});

test('info --json: the same object, bigints as decimal strings', async () => {
  const r = await cli(['info', dir, '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim().split('\n').length, 1);
  const j = JSON.parse(r.stdout);
  const info = recordingInfo(dir);
  assert.is(j.firstTs, info.firstTs!.toString());
  assert.is(j.lastTs, info.lastTs!.toString());
  assert.is(j.durationNs, '60000000');
  assert.is(j.digest, info.digest);
  assert.equal(j.byType, info.byType);
  assert.is(j.segments.length, info.segmentCount);
  assert.is(j.segments[0].firstTs, info.segments[0]!.firstTs!.toString());
  assert.is(j.rejects.count, 1);
  assert.is(j.gaps.count, 1);
  assert.is(j.rejects.first[0].ts, info.rejects.first[0]!.ts.toString());
  assert.is(j.tornTail, null);
  assert.is(r.stderr, '');
});

test('info: human output is aligned and names everything', async () => {
  const r = await cli(['info', dir]);
  assert.is(r.code, 0, r.stderr);
  const out = r.stdout;
  assert.is(out, formatInfo(recordingInfo(dir)));
  for (const label of ['segments', 'records', 'first ts', 'last ts', 'durable seq', 'compression', 'digest', 'rejects', 'gaps', 'torn tail']) {
    assert.match(out, new RegExp(`^  ${label} +\\S`, 'm'));
  }
  // The values of the summary block start in one column.
  const head = out.split('\n').slice(1, 12);
  const cols = new Set(head.map((l) => /^  \S.*?\s{2,}(?=\S)/.exec(l)![0].length));
  assert.is(cols.size, 1, head.join('\n'));
  assert.match(out, /digest\s+[0-9a-f]{64}/);
  assert.match(out, /^  r1 +\d+ /m);
  assert.match(out, /^  AAPL +43$/m);
  assert.match(out, /rejects \(first 1 of 1\)/);
  assert.match(out, /gaps \(first 1 of 1\)/);
  assert.match(out, /sealed/);
});

test('info: an active segment with a torn tail, and records of unknown types', async () => {
  const d = path.join(base, 'torn');
  const log = await openEventLog(d, { durability: 'async', segmentBytes: 2048 });
  const evs = fixtureEvents().slice(0, 40);
  for (const ev of evs) writeEvent(log, ev);
  log.write(99, evs[evs.length - 1]!.ts, Buffer.from('from the future')); // a type this version does not know
  await log.sync();
  const names = segmentFiles(d);
  fs.appendFileSync(path.join(d, names[names.length - 1]!), Buffer.from([1, 2, 3, 4, 5, 6, 7]));
  try {
    const info = recordingInfo(d);
    assert.is(info.records, evs.length + 1);
    assert.is(info.events, evs.length);
    assert.is(info.unknownSkipped, 1);
    assert.is(info.digest, digestRecording(d));
    assert.ok(info.tornTail, 'torn tail reported');
    assert.is(info.tornTail!.bytes, 7);
    assert.is(info.tornTail!.file, names[names.length - 1]);
    assert.is(info.segments[info.segments.length - 1]!.sealed, false);
    const r = await cli(['info', d]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, /torn tail +\S+ at byte \d+, 7 bytes/);
    assert.match(r.stdout, /records +41 \(1 of unknown types, skipped\)/);
    assert.match(r.stdout, /active/);
  } finally {
    await log.close().catch(() => {});
  }
});

test('info: errors and help', async () => {
  const missing = await cli(['info', path.join(base, 'nope')]);
  assert.is(missing.code, 74);
  assert.match(missing.stderr, /^tapedeck: .*nope: no such recording\n$/);
  assert.is((await cli(['info'])).code, 2);
  assert.is((await cli(['info', dir, '--bogus'])).code, 2);
  const help = await cli(['info', '--help']);
  assert.is(help.code, 0);
  assert.match(help.stdout, /Examples:/);
});

test('info: an empty directory is an empty recording to the library, not a recording to the CLI (exit 74)', async () => {
  const d = path.join(base, 'empty');
  fs.mkdirSync(d);
  const info = recordingInfo(d);
  assert.is(info.records, 0);
  assert.is(info.firstTs, null);
  assert.is(info.compressionRatio, null);
  const r = await cli(['info', d]);
  assert.is(r.code, 74, r.stderr);
  assert.match(r.stderr, /not a recording \(an empty directory\)/);
});

test.run();
