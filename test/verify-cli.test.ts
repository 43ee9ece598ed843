import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { runCli } from './helpers/cli.js';
import { flipByte, rm, tmpDir } from './helpers/tmp.js';
import { footerOf, framesOf, record, seg, snapshot, ticks } from './verify-fixtures.js';

const root = tmpDir('tapedeck-vcli-');
test.after(() => rm(root));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const EVENTS = ticks(200);
let n = 0;
async function rec(events = EVENTS, segmentBytes = 4096): Promise<string> {
  const dir = path.join(root, `rec-${n++}`);
  await record(dir, events, { segmentBytes });
  return dir;
}

test('verify: clean recording → exit 0 with the summary', async () => {
  const dir = await rec();
  const r = await cli('verify', dir);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^OK /);
  assert.match(r.out, /segments\s+\d+/);
  assert.match(r.out, /records\s+200/);
  assert.match(r.out, /first ts\s+\d{19} \d{4}-\d\d-\d\dT[\d:.]+Z/);
  assert.match(r.out, /digest\s+[0-9a-f]{64}/);
  assert.is(r.err, '', 'no progress output when stderr is not a TTY');
});

test('verify --json: one parseable object', async () => {
  const dir = await rec();
  const r = await cli('verify', dir, '--json');
  assert.is(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.is(j.ok, true);
  assert.is(j.records, 200);
  assert.is(j.firstTs, EVENTS[0]!.ts.toString());
  assert.match(j.firstTsIso, /Z$/);
  assert.match(j.digest, /^[0-9a-f]{64}$/);
  assert.equal(j.problems, []);
  assert.is(j.tornTail, null);
});

test('verify: corruption → exit 1 naming file, byte offset, seq and reason', async () => {
  const dir = await rec();
  const file = seg(dir, 1);
  const f = framesOf(file)[2]!;
  flipByte(file, f.payloadStart + 3);
  const r = await cli('verify', dir);
  assert.is(r.code, 1);
  assert.match(r.out, /^FAILED/);
  assert.ok(r.out.includes(`${path.basename(file)}  byte ${f.offset}  seq ${f.seq}`), r.out);
  assert.match(r.out, /checksum/);
  const j = JSON.parse((await cli('verify', dir, '--json')).out);
  assert.is(j.ok, false);
  assert.is(j.digest, null);
  assert.equal(j.problems[0], { kind: 'frame', file: path.basename(file), offsetBytes: f.offset, seq: f.seq, reason: 'frame checksum mismatch' });
});

test('verify --all: several problems, exit 1', async () => {
  const dir = await rec();
  flipByte(seg(dir, 0), framesOf(seg(dir, 0))[1]!.payloadStart);
  flipByte(seg(dir, 2), framesOf(seg(dir, 2))[1]!.payloadStart);
  const one = JSON.parse((await cli('verify', dir, '--json')).out);
  assert.is(one.problems.length, 1);
  const r = await cli('verify', dir, '--all', '--json');
  assert.is(r.code, 1);
  assert.ok(JSON.parse(r.out).problems.length >= 2);
  assert.match((await cli('verify', dir, '--all')).out, /2 problems/);
});

test('verify: torn tail → reported, exit 0, files untouched', async () => {
  const dir = path.join(root, `rec-${n++}`);
  const log = await openEventLog(dir, { segmentBytes: 4096, durability: 'strict', measureLatency: false });
  for (const ev of EVENTS.slice(0, 50)) writeEvent(log, ev);
  await log.sync();
  const last = seg(dir, -1);
  const size = fs.statSync(last).size;
  fs.appendFileSync(last, Buffer.from('garbage!'));
  const before = snapshot(dir);
  const r = await cli('verify', dir);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, new RegExp(`torn tail\\s+${path.basename(last)} at byte ${size}: 8 bytes the next writer will drop`));
  const j = JSON.parse((await cli('verify', dir, '--json')).out);
  assert.equal(j.tornTail, { file: path.basename(last), offsetBytes: size, bytes: 8, seq: 50, reason: j.tornTail.reason });
  assert.equal(snapshot(dir), before);
});

test('verify --digest: match → 0, mismatch → 1 with both, malformed → 2', async () => {
  const dir = await rec();
  const digest = JSON.parse((await cli('verify', dir, '--json')).out).digest as string;
  assert.is((await cli('verify', dir, '--digest', digest)).code, 0);
  assert.is((await cli('verify', dir, '--digest', `sha256:${digest.toUpperCase()}`)).code, 0);
  const wrong = (digest[0] === '0' ? '1' : '0') + digest.slice(1);
  const r = await cli('verify', dir, '--digest', wrong);
  assert.is(r.code, 1);
  assert.match(r.out, /DIGEST MISMATCH/);
  assert.ok(r.out.includes(`expected  ${wrong}`) && r.out.includes(`actual    ${digest}`), r.out);
  const j = JSON.parse((await cli('verify', dir, '--digest', wrong, '--json')).out);
  assert.is(j.digestMatches, false);
  assert.is(j.expectedDigest, wrong);
  assert.is((await cli('verify', dir, '--digest', 'abc')).code, 2);
});

test('verify --against: same events → 0; different → 1 with the divergence', async () => {
  const a = await rec(EVENTS, 4096);
  const b = await rec(EVENTS, 1 << 20);
  const ok = await cli('verify', a, '--against', b);
  assert.is(ok.code, 0, ok.out + ok.err);
  assert.match(ok.out, /identical: 200 events/);
  assert.match(ok.out, /digests equal/);
  const c = await rec(EVENTS.map((e, i) => (i === 9 ? { ...e, askSize: 1 } : e)));
  const bad = await cli('verify', a, '--against', c);
  assert.is(bad.code, 1);
  assert.match(bad.out, /DIFFERENT: 1 divergence \(events realigned/);
  assert.match(bad.out, /CHANGED\n    a: #9  seq 9 /);
  assert.match(bad.out, /askSize\s+200\s+1/);
  const j = JSON.parse((await cli('verify', a, '--against', c, '--json')).out);
  assert.is(j.against.diff.identical, false);
  assert.is(j.against.digestsEqual, false);
  // Filters only make sense with --against.
  assert.is((await cli('verify', a, '--types', 'tick')).code, 2);
  assert.is((await cli('verify', a, '--against', c, '--ignore-fields', 'askSize')).code, 0);
});

test('diff: identical → 0; a changed field → 1 showing both values and counts', async () => {
  const a = await rec();
  const b = await rec(EVENTS, 1 << 20);
  const same = await cli('diff', a, b);
  assert.is(same.code, 0, same.err);
  assert.match(same.out, /^identical: 200 events/);
  const c = await rec(EVENTS.map((e, i) => (i === 120 ? { ...e, symbol: 'TSLA' } : e)).slice(0, 190));
  const r = await cli('diff', a, c);
  assert.is(r.code, 1);
  assert.match(r.out, /DIFFERENT: 11 divergences/);
  assert.match(r.out, /CHANGED\n    a: #120  seq 120 {2}ts \d+ \S+Z {2}tick/);
  assert.match(r.out, /symbol\s+"MSFT"\s+"TSLA"/);
  assert.match(r.out, /same 189, changed 1, only in a 10 \(deleted\), only in b 0 \(inserted\)/);
  assert.match(r.out, /… 1 more \(--limit N lists more\)/);
});

test('diff --json and filters', async () => {
  const a = await rec();
  const c = await rec(EVENTS.map((e, i) => (i === 5 ? { ...e, exchTs: 1n } : e)));
  const r = await cli('diff', a, c, '--json');
  assert.is(r.code, 1);
  const j = JSON.parse(r.out);
  assert.is(j.identical, false);
  assert.is(j.first.index, 5);
  assert.equal(j.first.fields, [{ field: 'exchTs', a: EVENTS[5]!.exchTs!.toString(), b: '1' }]);
  assert.equal(j.first.a.seq, 5);
  assert.is(j.first.a.ts, EVENTS[5]!.ts.toString());
  assert.is(j.counts.changed, 1);
  assert.is((await cli('diff', a, c, '--ignore-fields', 'exchTs')).code, 0);
  assert.is((await cli('diff', a, c, '--from', (EVENTS[6]!.ts).toString())).code, 0);
  assert.is((await cli('diff', a, c, '--from', '+3ms')).code, 0);
  assert.is((await cli('diff', a, c, '--to', '+1ms')).code, 0);
  assert.is((await cli('diff', a, c, '--run', 'run-1', '--types', 'tick')).code, 1);
  assert.is((await cli('diff', a, c, '--types', 'tock')).code, 2);
  assert.is((await cli('diff', a, c, '--ignore-fields', 'nope')).code, 2);
  assert.is((await cli('diff', a, c, '--from', 'yesterday')).code, 2);
});

test('missing recording → exit 74; corrupt input to diff → exit 1', async () => {
  assert.is((await cli('verify', path.join(root, 'nope'))).code, 74);
  assert.is((await cli('diff', path.join(root, 'nope'), path.join(root, 'nope2'))).code, 74);
  const a = await rec();
  const b = await rec();
  fs.truncateSync(seg(b, 0), footerOf(seg(b, 0)).dataEnd - 5);
  assert.is((await cli('diff', a, b)).code, 1);
});

test('--help shows examples', async () => {
  assert.match((await cli('verify', '--help')).out, /Examples:/);
  assert.match((await cli('diff', '--help')).out, /Examples:/);
});

test.run();
