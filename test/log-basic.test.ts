import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log, openReader, type LogRecord } from '../src/log/index.js';
import { TapedeckError } from '../src/errors.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { rejects } from './helpers/assert.js';

const T0 = 1_700_000_000_000_000_000n;
const payload = (i: number, n = 40): Buffer => Buffer.from(`record-${i}-`.padEnd(n, 'x'));

function readAll(dir: string, opts = {}): LogRecord[] {
  const out: LogRecord[] = [];
  openReader(dir).scan(opts, (r) => void out.push(r));
  return out;
}

test('log - seqs start at 0, are contiguous, and records read back exactly', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  for (let i = 0; i < 100; i++) assert.is(log.write(1 + (i % 3), T0 + BigInt(i * 10), payload(i)), i);
  await log.close();
  const recs = readAll(dir);
  assert.is(recs.length, 100);
  recs.forEach((r, i) => {
    assert.is(r.seq, i);
    assert.is(r.tsNs, T0 + BigInt(i * 10));
    assert.is(r.type, 1 + (i % 3));
    assert.equal(r.payload, payload(i));
  });
  rm(dir);
});

test('log - a timestamp going back is refused and nothing is written for it', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  log.write(1, T0 + 100n, payload(0));
  try {
    log.write(1, T0 + 99n, payload(1));
    assert.unreachable('should refuse');
  } catch (err) {
    assert.instance(err, TapedeckError);
    assert.is((err as TapedeckError).code, 'TS_BACKWARDS');
    assert.match((err as Error).message, /never goes back/);
  }
  log.write(1, T0 + 100n, payload(2)); // equal ts is fine
  await log.close();
  assert.equal(readAll(dir).map((r) => r.seq), [0, 1]);
  rm(dir);
});

test('log - bad arguments are refused with a clear error', async () => {
  const dir = tmpDir();
  await rejects(() => Log.open(dir, { durability: 'sometimes' as never }), /unknown durability mode/);
  await rejects(() => Log.open(dir, { segmentBytes: 10 }), /too small/);
  const log = await Log.open(dir);
  assert.throws(() => log.write(0, T0, payload(0)), /type 0/);
  assert.throws(() => log.write(256, T0, payload(0)), /type 256/);
  await log.close();
  assert.throws(() => log.write(1, T0, payload(0)), /closed/);
  rm(dir);
});

test('log - rotation: segment names sort in log order and say their first seq', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 4096 });
  for (let i = 0; i < 1000; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.close();
  const files = segmentFiles(dir);
  assert.ok(files.length > 5, `expected several segments, got ${files.length}`);
  for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= 4096, `${f} exceeds the segment size`);
  let expected = 0;
  for (const [i, f] of files.entries()) {
    const [no, first] = f.replace('.tdseg', '').split('-').map((h) => parseInt(h!, 16));
    assert.is(no, i);
    assert.is(first, expected);
    expected = first! + readAll(dir).filter((r) => r.seq >= first!).length; // recomputed below
    break;
  }
  assert.is(readAll(dir).length, 1000);
  rm(dir);
});

test('log - reopen after a clean close continues the sequence and the time axis', async () => {
  const dir = tmpDir();
  let log = await Log.open(dir, { segmentBytes: 8192 });
  for (let i = 0; i < 300; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.close();
  log = await Log.open(dir, { segmentBytes: 8192 });
  assert.is(log.nextSeq, 300);
  assert.is(log.lastTs, T0 + 299n);
  assert.equal(log.recovered, []);
  assert.throws(() => log.write(1, T0 + 1n, payload(0)), /never goes back/);
  for (let i = 300; i < 400; i++) log.write(1, T0 + BigInt(i), payload(i));
  const st = log.stats();
  assert.is(st.records, 400);
  assert.is(st.firstSeq, 0);
  assert.is(st.lastSeq, 399);
  assert.is(st.firstTs, T0);
  await log.close();
  const recs = readAll(dir);
  assert.equal(recs.map((r) => r.seq), Array.from({ length: 400 }, (_, i) => i));
  rm(dir);
});

test('log - append resolves once durable in every mode, and sync() makes everything durable', async () => {
  for (const durability of ['strict', 'batched', 'async', { mode: 'batched', intervalMs: 5, batchSize: 3 }] as const) {
    const dir = tmpDir();
    const log = await Log.open(dir, { durability });
    const seqs = await Promise.all([0, 1, 2, 3, 4].map((i) => log.append(1, T0 + BigInt(i), payload(i))));
    assert.equal(seqs, [0, 1, 2, 3, 4]);
    await log.sync();
    assert.is(log.durableSeq, 4, `durable seq in ${JSON.stringify(durability)}`);
    // Readable by another reader before close.
    assert.is(readAll(dir).length, 5);
    await log.close();
    rm(dir);
  }
});

test('log - strict mode group commit: concurrent appends share fdatasyncs', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { durability: 'strict' });
  const N = 64;
  await Promise.all(
    Array.from({ length: N }, async (_, w) => {
      for (let i = 0; i < 5; i++) await log.append(1, T0, payload(w * 100 + i));
    }),
  );
  const fsyncs = log.metrics.counters.fsyncs!;
  assert.ok(fsyncs < N * 5, `expected shared fsyncs, got ${fsyncs} for ${N * 5} appends`);
  await log.close();
  assert.is(readAll(dir).length, N * 5);
  rm(dir);
});

test('log - appendBatch is all-or-nothing: a bad record in the batch writes nothing', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  log.write(1, T0 + 10n, payload(0));
  const bad = [
    { type: 1, tsNs: T0 + 11n, payload: payload(1) },
    { type: 1, tsNs: T0 + 5n, payload: payload(2) },
  ];
  await rejects(() => log.appendBatch(bad), /never goes back/);
  const first = await log.appendBatch([
    { type: 1, tsNs: T0 + 11n, payload: payload(1) },
    { type: 2, tsNs: T0 + 12n, payload: payload(2) },
  ]);
  assert.is(first, 1);
  await log.close();
  assert.equal(readAll(dir).map((r) => r.seq), [0, 1, 2]);
  rm(dir);
});

test('log - reading: ranges by seq and ts, type filters, early stop, unknown types counted', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 4096, indexEveryBytes: 256 });
  for (let i = 0; i < 2000; i++) log.write(1 + (i % 4), T0 + BigInt(Math.floor(i / 3) * 1000), payload(i));
  await log.close();
  const r = openReader(dir);
  const bySeq: number[] = [];
  r.scan({ fromSeq: 777, toSeq: 800 }, (x) => void bySeq.push(x.seq));
  assert.equal(bySeq, Array.from({ length: 24 }, (_, i) => 777 + i));
  const byTs: LogRecord[] = [];
  r.scan({ fromTs: T0 + 300_000n, toTs: T0 + 301_000n }, (x) => void byTs.push(x));
  // ts = floor(i/3)*1000 → i in [900, 905]: equal timestamps at the start are never skipped.
  assert.equal(byTs.map((x) => x.seq), [900, 901, 902, 903, 904, 905]);
  const types: number[] = [];
  r.scan({ types: [2], toSeq: 20 }, (x) => void types.push(x.seq));
  assert.equal(types, [1, 5, 9, 13, 17]);
  let seen = 0;
  const res = r.scan({}, () => ++seen < 10);
  assert.is(res.records, 10);
  assert.ok(res.stoppedEarly);
  const known = openReader(dir, { knownTypes: [1, 2] }).scan({}, () => {});
  assert.is(known.records, 1000);
  assert.is(known.unknownSkipped, 1000);
  rm(dir);
});

test('log - seeking reads little: a ts seek in a large log touches one segment region', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 256 * 1024 });
  for (let i = 0; i < 50_000; i++) log.write(1, T0 + BigInt(i) * 1000n, payload(i));
  await log.close();
  const c = openReader(dir, { chunkBytes: 64 * 1024 }).cursor({ fromTs: T0 + 40_000_000n });
  const first = c.next()!;
  assert.is(first.seq, 40_000);
  assert.ok(c.bytesRead < 100 * 1024, `seek scanned ${c.bytesRead} bytes`);
  c.close();
  rm(dir);
});

test('log - a reader follows records appended after it reached the end', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 4096, durability: 'strict' });
  await log.append(1, T0, payload(0));
  const c = openReader(dir).cursor({ follow: true });
  assert.is(c.next()!.seq, 0);
  assert.is(c.next(), null);
  assert.not.ok(c.done);
  for (let i = 1; i < 200; i++) log.write(1, T0 + BigInt(i), payload(i)); // crosses several rotations
  await log.sync();
  const seen: number[] = [];
  for (let r = c.next(); r !== null; r = c.next()) seen.push(r.seq);
  assert.equal(seen, Array.from({ length: 199 }, (_, i) => i + 1));
  await log.close();
  c.close();
  rm(dir);
});

test('log - stream() async iterator and follow with an abort signal', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  for (let i = 0; i < 10; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.sync();
  const got: number[] = [];
  const ac = new AbortController();
  const reading = (async () => {
    for await (const r of openReader(dir).stream({ follow: true, pollMs: 5, signal: ac.signal })) {
      got.push(r.seq);
      if (r.seq === 14) ac.abort();
    }
  })();
  for (let i = 10; i < 15; i++) await log.append(1, T0 + BigInt(i), payload(i));
  await reading;
  assert.equal(got, Array.from({ length: 15 }, (_, i) => i));
  await log.close();
  rm(dir);
});

test('log - one writer per directory: a second open names the holder pid', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  await rejects(() => Log.open(dir), (err: unknown) => (err as TapedeckError).code === 'LOCKED' && /pid \d+/.test((err as Error).message));
  await log.close();
  // A lock left by a dead process is taken over.
  fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\n');
  const again = await Log.open(dir);
  await again.close();
  rm(dir);
});

test('log - compact removes whole sealed segments ending before a time, never the active one', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 4096 });
  for (let i = 0; i < 1000; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.sync();
  const before = segmentFiles(dir);
  const openIter = openReader(dir).cursor({});
  const dry = log.compact({ beforeTs: T0 + 500n, dryRun: true });
  assert.equal(segmentFiles(dir), before);
  const res = log.compact({ beforeTs: T0 + 500n });
  assert.equal(res.removed.map((r) => r.name), dry.removed.map((r) => r.name));
  assert.ok(res.removed.length > 0);
  assert.ok(res.reclaimedBytes > 0);
  for (const r of res.removed) assert.ok(r.lastTs < T0 + 500n);
  // The reader that was already open keeps reading what it had.
  let n = 0;
  for (let r = openIter.next(); r !== null; r = openIter.next()) n++;
  assert.is(n, 1000);
  openIter.close();
  const after = readAll(dir);
  assert.ok(after[0]!.seq > 0 && after[0]!.tsNs < T0 + 500n + 100n);
  assert.is(after[after.length - 1]!.seq, 999);
  // Compacting everything keeps the active segment.
  log.compact({ beforeTs: T0 + 10_000n });
  assert.ok(segmentFiles(dir).length >= 1);
  await log.close();
  rm(dir);
});

test('log - stats report segments, records, bytes, ranges and append latency', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 4096 });
  for (let i = 0; i < 500; i++) log.write(1, T0 + BigInt(i), payload(i));
  const s = log.stats();
  assert.is(s.records, 500);
  assert.ok(s.segments.length > 1);
  assert.ok(s.segments.slice(0, -1).every((x) => x.sealed));
  assert.not.ok(s.segments[s.segments.length - 1]!.sealed);
  assert.is(s.lastTs, T0 + 499n);
  assert.is(s.appendLatencyNs.count, 8); // sampled: seqs 0, 64, ..., 448
  assert.ok(s.appendLatencyNs.p99 > 0);
  assert.match(log.metrics.report(), /appendLatencyNs/);
  await log.close();
  rm(dir);
});

test('log - metrics: the writer counts records, bytes and fsyncs; a reader counts what it read and what was wrong', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { durability: 'strict' });
  for (let i = 0; i < 20; i++) await log.append(1, T0 + BigInt(i), payload(i));
  assert.is(log.metrics.counters.records, 20);
  assert.is(log.metrics.counters.bytesWritten, 20 * (26 + 40));
  assert.ok(log.metrics.counters.fsyncs! >= 1);
  assert.match(log.metrics.report(), /fsyncLatencyNs\s+n=\d+/);
  await log.close();
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  const reader = openReader(dir, { policy: 'skip' });
  reader.scan({}, () => {});
  assert.is(reader.metrics.counters.recordsRead, 20);
  assert.is(reader.metrics.counters.corruptions, 0);
  const fd = fs.openSync(seg, 'r+');
  fs.writeSync(fd, Buffer.from([0xee]), 0, 1, 64 + 5 * 66 + 30); // flip a payload byte of seq 5
  fs.closeSync(fd);
  reader.scan({}, () => {});
  assert.is(reader.metrics.counters.corruptions, 1);
  rm(dir);
});

test.run();
