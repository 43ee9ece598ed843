import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { runCli } from './helpers/cli.js';
import { flipByte, rm, tmpDir } from './helpers/tmp.js';
import { footerOf, framesOf, record, seg, snapshot, ticks, T0 } from './verify-fixtures.js';
import { fixture, readEvents } from './record-helpers.js';
import type { SystemEvent, TapeEvent } from '../src/events/index.js';

const root = tmpDir('tapedeck-vcli-');
test.after(() => rm(root));

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

const EVENTS = ticks(200);
let n = 0;
async function rec(events: readonly TapeEvent[] = EVENTS, segmentBytes = 4096): Promise<string> {
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

test('verify: gaps recorded at capture time → not OK: exit 3 listing them (seq, ts, file, byte, message); --allow-gaps → 0; corruption still 1', async () => {
  const gap = (i: number): SystemEvent => ({
    type: 'system',
    ts: T0 + BigInt(i) * 1_000_000n + 1n,
    runId: 'r',
    kind: 'gap',
    message: `binance-spot BTCUSDT depth: expected U ${i}, received ${i + 7}; book untrusted until the next snapshot`,
    data: { venue: 'binance-spot', symbol: 'BTCUSDT', expected: i, received: i + 7 },
  });
  const events: TapeEvent[] = [...EVENTS];
  // Seven gaps among the ticks, in ts order: more than the listed five.
  for (const i of [10, 20, 30, 40, 50, 60, 70]) events.push(gap(i));
  events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const dir = await rec(events);
  const gapSeqs = readEvents(dir).filter((e) => e.type === 'system' && e.kind === 'gap').map((e) => e.seq!);
  assert.is(gapSeqs.length, 7);
  let r = await cli('verify', dir);
  assert.is(r.code, 3, r.out + r.err);
  assert.not.match(r.out, /^OK/m);
  assert.match(r.out, /^INTACT WITH RECORDED GAPS /);
  assert.match(r.out, /recorded gaps  7: the log is intact/);
  const listed = [...r.out.matchAll(/^    seq (\d+)  \d{19} \S+  (\S+\.tdseg) byte (\d+)  binance-spot BTCUSDT depth: expected U (\d+)/gm)];
  assert.equal(listed.map((m) => Number(m[1])), gapSeqs.slice(0, 5));
  assert.match(r.out, /… 2 more \(tapedeck info lists them\)/);
  // The byte named is where that gap's frame starts in that file.
  const first = listed[0]!;
  assert.ok(framesOf(path.join(dir, first[2]!)).some((f) => f.offset === Number(first[3]) && f.seq === gapSeqs[0]), 'file and byte locate the gap');
  assert.match(r.out, /digest\s+[0-9a-f]{64}/);
  r = await cli('verify', dir, '--allow-gaps');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^INTACT WITH RECORDED GAPS /, 'still not called OK');
  const j = JSON.parse((await cli('verify', dir, '--json')).out);
  assert.is(j.ok, true, 'ok: the log itself is intact');
  assert.is(j.status, 'gaps');
  assert.is(j.recordedGaps.count, 7);
  assert.equal(j.recordedGaps.first.map((g: { seq: number }) => g.seq), gapSeqs.slice(0, 5));
  assert.is(j.recordedGaps.first[0].data.received, 17);
  assert.is(typeof j.recordedGaps.first[0].ts, 'string');
  // Compared and found the same (--digest, --against): the exit answers the comparison, the gaps still listed.
  const digest = j.digest as string;
  r = await cli('verify', dir, '--digest', digest);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /^INTACT WITH RECORDED GAPS /);
  assert.match(r.out, /digest matches the expected value/);
  r = await cli('verify', dir, '--against', dir);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /recorded gaps  7/);
  // A digest mismatch outranks the gaps: exit 1.
  r = await cli('verify', dir, '--digest', '0'.repeat(64));
  assert.is(r.code, 1);
  assert.is(JSON.parse((await cli('verify', dir, '--json', '--digest', '0'.repeat(64))).out).status, 'failed');
  // Damage outranks them too: FAILED, exit 1.
  const file = seg(dir, -1);
  flipByte(file, framesOf(file)[0]!.payloadStart + 1);
  r = await cli('verify', dir, '--allow-gaps');
  assert.is(r.code, 1);
  assert.match(r.out, /^FAILED/);
  // A recording without gaps is still plain OK, exit 0, status ok.
  const clean = JSON.parse((await cli('verify', await rec(), '--json')).out);
  assert.is(clean.status, 'ok');
  assert.equal(clean.recordedGaps, { count: 0, first: [] });
});

test('verify: a Kraken capture with a failed book checksum imports (exit 0) and then verifies as intact with one recorded gap (exit 3), as info lists it', async () => {
  const lines = zlib.gunzipSync(fs.readFileSync(fixture('kraken-20210417.head300.ws.txt.gz'))).toString('utf8').split('\n');
  const k = lines.findIndex((l) => /"c":"\d+"\},"book-1000","XMR\/USD"\]$/.test(l));
  assert.ok(k > 0, 'the excerpt has a checksummed XMR/USD update');
  lines[k] = lines[k]!.replace(/"c":"\d+"/, '"c":"1"');
  const cap = path.join(root, 'kraken-bad-checksum.ws.txt');
  fs.writeFileSync(cap, lines.join('\n'));
  const dir = path.join(root, `kraken-${n++}`);
  const imp = await runCli(['import', cap, dir, '--format', 'kraken']);
  assert.is(imp.code, 0, imp.stderr);
  const gaps = readEvents(dir).filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'gap');
  assert.is(gaps.length, 1);
  const r = await cli('verify', dir);
  assert.is(r.code, 3, r.out + r.err);
  assert.match(r.out, /^INTACT WITH RECORDED GAPS /);
  assert.ok(r.out.includes(`    seq ${gaps[0]!.seq}  `), r.out);
  assert.match(r.out, /kraken XMR\/USD book checksum: expected 1, computed \d+/);
  const info = JSON.parse((await runCli(['info', dir, '--json'])).stdout);
  assert.is(info.gaps.count, 1);
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
  const help = (await cli('verify', '--help')).out;
  assert.match(help, /Examples:/);
  assert.match(help.replace(/\s+/g, ' '), /--allow-gaps .*Exit status: 0 OK; 1 FAILED .* 3 INTACT WITH RECORDED GAPS/, 'the exit codes are in the help');
  assert.match((await cli('diff', '--help')).out, /Examples:/);
});

test.run();
