/**
 * docs/FORMAT.md cross-checked: recordings written by the real writer are read by a small reader
 * written from the document alone (test/helpers/foreign-reader.ts), which must return exactly what
 * openRecording returns and must notice damage.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeEvent, encodePayload } from '../src/events/codec.js';
import { openEventLog, openRecording, writeEvent } from '../src/events/recording.js';
import { SPECS } from '../src/events/schema.js';
import type { TapeEvent } from '../src/events/types.js';
import { Log } from '../src/log/index.js';
import { arbEvent } from './events-arbitraries.js';
import { SAMPLES } from './events-fixtures.js';
import { Decimal } from '../src/events/decimal.js';
import { FIELD_ORDER, ForeignFormatError, foreignDecimalText, foreignEvent, foreignRead } from './helpers/foreign-reader.js';
import { flipByte, repoRoot, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const FIXTURES = path.join(repoRoot, 'recordings', 'fixtures');
const FORMAT_MD = path.join(repoRoot, 'docs', 'FORMAT.md');

function realEvents(dir: string, policy?: 'absolute'): TapeEvent[] {
  return [...openRecording(dir, policy ? { policy } : {}).events()];
}

/** A Decimal as the foreign reader gives it: {mantissa (bigint), exponent}. */
const plainDecimal = (v: unknown) => (v instanceof Decimal ? { mantissa: v.bigMantissa, exponent: v.exponent } : v);

/** The positional payload array of an event, built from src's field table (cross-checks FIELD_ORDER). */
function positional(ev: TapeEvent): unknown[] {
  const rec = ev as unknown as Record<string, unknown>;
  const item = (v: unknown) => (v instanceof Decimal ? [typeof v.mantissa === 'number' && v.mantissa >= -(2 ** 31) && v.mantissa < 2 ** 32 ? v.mantissa : v.bigMantissa, v.exponent] : v);
  const arr: unknown[] = [ev.runId, ev.cause ?? null, ...SPECS[ev.type].fields.map((f) => item(rec[f.name]) ?? null)];
  while (arr.length > 2 && arr[arr.length - 1] === null) arr.pop();
  return arr;
}

function assertSameAsReal(dir: string): number {
  const real = realEvents(dir);
  const foreign = foreignRead(dir);
  assert.is(foreign.torn, null);
  assert.is(foreign.records.length, real.length);
  foreign.records.forEach((r, i) => {
    const ev = real[i]!;
    assert.is(r.seq, ev.seq);
    assert.is(r.ts, ev.ts);
    assert.is(FIELD_ORDER[r.type]!.type, ev.type);
    assert.equal(r.payloadArray, positional(ev), `payload array of seq ${r.seq}`);
    const plain = Object.fromEntries(Object.entries(ev).map(([k, v]) => [k, plainDecimal(v)]));
    const fe = foreignEvent(r);
    assert.equal(fe, plain, `event of seq ${r.seq}`);
    for (const [k, v] of Object.entries(ev)) {
      if (v instanceof Decimal) assert.is(foreignDecimalText(fe[k] as { mantissa: bigint; exponent: number }), v.toString(), `decimal text of ${k}, seq ${r.seq}`);
    }
    assert.ok(Buffer.from(r.payload).equals(encodePayload(ev)), `payload bytes of seq ${r.seq}`);
  });
  return real.length;
}

/** Random valid events of all six types (fixed seed), with non-decreasing ts. */
function randomEvents(n: number, seed: number): TapeEvent[] {
  const evs = fc.sample(arbEvent(), { seed, numRuns: n });
  let ts = T0;
  return evs.map((e, i) => {
    ts += BigInt((i * 7919) % 5) * 1000n; // some equal timestamps
    return { ...e, ts } as TapeEvent;
  });
}

test('FIELD_ORDER of the foreign reader (transcribed from FORMAT.md) matches the schema', () => {
  for (const [tag, spec] of Object.entries(FIELD_ORDER)) {
    assert.equal(SPECS[spec.type as TapeEvent['type']].fields.map((f) => f.name), spec.fields, `tag ${tag}`);
  }
});

test('foreign reader = openRecording: random events of all types, batches, many segments, small index interval', async () => {
  const dir = tmpDir();
  const evs = randomEvents(600, 20240611);
  const log = await openEventLog(dir, { segmentBytes: 8 * 1024, indexEveryBytes: 512 });
  let i = 0;
  let batches = 0;
  while (i < evs.length) {
    const k = i % 11 === 3 ? 1 + (i % 4) : 0; // now and then an atomic batch of 1..4
    if (k > 0) {
      log.writeBatch(evs.slice(i, i + k).map(encodeEvent));
      i += k;
      batches++;
    } else writeEvent(log, evs[i++]!);
  }
  await log.close();
  assert.ok(batches > 20);
  const foreign = foreignRead(dir);
  assert.ok(foreign.segments.length >= 5, `${foreign.segments.length} segments`);
  assert.ok(foreign.segments.every((s) => s.sealed && s.userVersion === 2));
  assert.ok(foreign.segments.some((s) => s.index.length > 3));
  const types = new Set(foreign.records.map((r) => r.type));
  assert.equal([...types].sort(), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.is(assertSameAsReal(dir), evs.length);
  rm(dir);
});

test('foreign reader = openRecording: the hand-written samples and every golden fixture', async () => {
  const dir = tmpDir();
  const log = await openEventLog(dir);
  [...SAMPLES].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0)).forEach((ev) => writeEvent(log, ev));
  await log.close();
  assert.is(assertSameAsReal(dir), SAMPLES.length);
  rm(dir);
  const fixtures = fs.readdirSync(FIXTURES).filter((n) => /^v[12]-/.test(n));
  assert.ok(fixtures.length >= 4);
  for (const f of fixtures) assert.ok(assertSameAsReal(path.join(FIXTURES, f)) > 0, f);
});

test('foreign reader skips and counts a record type it does not know', async () => {
  const dir = tmpDir();
  const log = await openEventLog(dir);
  writeEvent(log, SAMPLES[5]!);
  log.write(99, T0 + 5n, Buffer.from([0x90]));
  writeEvent(log, { ...SAMPLES[0]!, ts: T0 + 10n } as TapeEvent);
  await log.close();
  const foreign = foreignRead(dir);
  assert.is(foreign.unknownSkipped, 1);
  assert.equal(foreign.records.map((r) => r.seq), [0, 2]);
  const c = openRecording(dir).cursor();
  let n = 0;
  while (c.next()) n++;
  assert.is(n, 2);
  assert.is(c.unknownSkipped, 1);
  c.close();
  rm(dir);
});

function copyDir(from: string): string {
  const to = tmpDir();
  for (const n of fs.readdirSync(from)) fs.copyFileSync(path.join(from, n), path.join(to, n));
  return to;
}

test('every single flipped byte of a sealed segment is detected (foreign reader and openRecording, absolute)', () => {
  const src = path.join(FIXTURES, 'v1-two-records');
  const name = segmentFiles(src)[0]!;
  const size = fs.statSync(path.join(src, name)).size;
  const missedReal: number[] = [];
  for (let off = 0; off < size; off++) {
    const dir = copyDir(src);
    flipByte(path.join(dir, name), off, 0x10);
    assert.throws(() => foreignRead(dir, { absolute: true }), (e: unknown) => e instanceof ForeignFormatError, `offset ${off}`);
    try {
      realEvents(dir, 'absolute');
      missedReal.push(off);
    } catch {
      // detected
    }
    rm(dir);
  }
  assert.equal(missedReal, [], 'offsets openRecording did not notice');
});

test('a flipped byte in a middle segment, a missing segment and a swapped chain are errors under the default policy', () => {
  const src = path.join(FIXTURES, 'v1-all-types');
  const names = segmentFiles(src);
  assert.is(names.length, 3);
  // A payload byte of the first frame of the middle segment (header 64 + frame prefix 22 + 3).
  let dir = copyDir(src);
  flipByte(path.join(dir, names[1]!), 64 + 22 + 3);
  assert.throws(() => foreignRead(dir), /frame CRC mismatch/);
  assert.throws(() => realEvents(dir));
  rm(dir);
  // The middle segment removed.
  dir = copyDir(src);
  fs.unlinkSync(path.join(dir, names[1]!));
  assert.throws(() => foreignRead(dir), /segment 1 missing/);
  assert.throws(() => realEvents(dir));
  rm(dir);
  // A trailer byte of the first segment: it no longer reads as sealed, yet another segment follows.
  dir = copyDir(src);
  const p0 = path.join(dir, names[0]!);
  flipByte(p0, fs.statSync(p0).size - 10);
  assert.throws(() => foreignRead(dir), (e: unknown) => e instanceof ForeignFormatError && e.file === names[0]);
  assert.throws(() => realEvents(dir));
  rm(dir);
});

test('a torn tail (crash): the unsealed last segment ends at the last whole unit, as openRecording says', async () => {
  const dir = tmpDir();
  const log = await openEventLog(dir, { segmentBytes: 4096 });
  const evs = randomEvents(60, 7);
  for (let i = 0; i < 50; i++) writeEvent(log, evs[i]!);
  log.writeBatch(evs.slice(50, 53).map(encodeEvent));
  writeEvent(log, evs[53]!);
  await log.close();
  const names = segmentFiles(dir);
  const last = path.join(dir, names[names.length - 1]!);
  const meta = foreignRead(dir);
  const lastSeg = meta.segments[meta.segments.length - 1]!;
  // Unseal the last segment as a crash would leave it: drop its footer, then cut into the batch's
  // second frame. The whole batch must vanish, the frames before it stay.
  const b = fs.readFileSync(last);
  const dataEnd = Number(b.readBigUInt64LE(b.length - 72 + 48));
  let pos = 64;
  const starts: number[] = [];
  while (pos < dataEnd) {
    starts.push(pos);
    pos += 8 + b.readUInt32LE(pos);
  }
  const batchFirst = 50 - lastSeg.firstSeq;
  fs.truncateSync(last, starts[batchFirst + 1]! + 10);
  // A crash never leaves a clean-close manifest listing the unsealed segment (that is loss, and
  // is reported as such); without a manifest the directory is as a crash of an older writer leaves it.
  fs.rmSync(path.join(dir, 'MANIFEST'));
  const torn = foreignRead(dir);
  assert.ok(torn.torn);
  assert.is(torn.torn!.offset, starts[batchFirst]!);
  assert.is(torn.records.length, 50);
  const rec = openRecording(dir).cursor();
  const real: TapeEvent[] = [];
  for (let e = rec.next(); e; e = rec.next()) real.push(e);
  assert.is(real.length, 50);
  assert.is(rec.problems[0]?.kind, 'torn');
  assert.is(rec.problems[0]?.offsetBytes, torn.torn!.offset);
  rec.close();
  assert.throws(() => foreignRead(dir, { absolute: true }), /past the end/);
  // A writer's open cuts the torn tail into a side file named after its offset (FORMAT.md §10).
  const w = await Log.open(dir);
  assert.is(w.recovered.length, 1);
  assert.is(w.recovered[0]!.sideFile, `${names[names.length - 1]}.torn-${starts[batchFirst]!.toString(16).padStart(16, '0')}`);
  assert.is(w.nextSeq, 50);
  await w.close();
  assert.ok(fs.existsSync(path.join(dir, w.recovered[0]!.sideFile)));
  assert.is(foreignRead(dir).records.length, 50);
  rm(dir);
});

test('the worked hex example in docs/FORMAT.md is byte for byte the v1-two-records fixture', () => {
  const md = fs.readFileSync(FORMAT_MD, 'utf8');
  const start = md.indexOf('<!-- hex-example:start -->');
  const end = md.indexOf('<!-- hex-example:end -->');
  assert.ok(start >= 0 && end > start, 'hex example markers');
  // Lines of the form "0040  2c 00 00 00 ...  annotation": offset, then hex byte pairs.
  const bytes: number[] = [];
  for (const line of md.slice(start, end).split('\n')) {
    const m = /^([0-9a-f]{4})  ((?:[0-9a-f]{2} ?)+)/.exec(line);
    if (!m) continue;
    assert.is(parseInt(m[1]!, 16), bytes.length, `offset column of: ${line}`);
    for (const h of m[2]!.trim().split(/\s+/)) bytes.push(parseInt(h, 16));
  }
  const dir = path.join(FIXTURES, 'v1-two-records');
  const file = fs.readFileSync(path.join(dir, segmentFiles(dir)[0]!));
  assert.is(bytes.length, file.length);
  assert.ok(Buffer.from(bytes).equals(file), 'hex dump differs from the fixture');
});

test('the schema version 2 book example in docs/FORMAT.md §15.3 is byte for byte what the encoder writes', () => {
  const md = fs.readFileSync(FORMAT_MD, 'utf8');
  const line = md.split('\n').find((l) => l.startsWith('99  a1 72'));
  assert.ok(line, 'book example line');
  const hex = line!.replace(/\s+/g, '');
  const ev = {
    type: 'book',
    ts: 1n,
    runId: 'r',
    venue: 'V',
    symbol: 'S',
    action: 'set',
    side: 'bid',
    price: Decimal.parse('61837.63000000'),
    size: Decimal.parse('0.5'),
    flags: 128,
  } as TapeEvent;
  assert.is(encodePayload(ev).toString('hex'), hex);
});

test.run();
