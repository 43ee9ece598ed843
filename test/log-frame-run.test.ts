/**
 * LogCursor.nextRun (a chunk's single-record frames at once, format.ts readRunInto) against the
 * per-record path: the same records, problems, counters and errors as next() alone, over logs with
 * atomic batches, several segments, unknown types, damage and torn tails, for every read option.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CrcAhead, format, FrameRun, Log, openReader, type LogCursor, type ReadOptions, type RecoveryPolicy } from '../src/log/index.js';
import { TapedeckError } from '../src/errors.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const payload = (i: number): Buffer => Buffer.from(`r${i}-`.padEnd(12 + (i % 29), String.fromCharCode(97 + (i % 26))));

interface Shape {
  /** Per step: 0 a single record, k > 0 an atomic batch of k + 1 records, -1 a record of an unknown type. */
  steps: number[];
  segmentBytes: number;
  /** Ts step between records (0: equal ts runs). */
  tsStep: number;
}

async function writeLog(dir: string, s: Shape): Promise<number> {
  const log = await Log.open(dir, { segmentBytes: s.segmentBytes });
  let i = 0;
  const ts = (): bigint => T0 + BigInt(Math.floor(i / 3) * s.tsStep);
  for (const st of s.steps) {
    if (st > 0) {
      log.writeBatch(
        Array.from({ length: st + 1 }, () => {
          const r = { type: 1 + (i % 2), tsNs: ts(), payload: payload(i) };
          i++;
          return r;
        }),
      );
    } else {
      log.write(st < 0 ? 9 : 1 + (i % 2), ts(), payload(i));
      i++;
    }
  }
  await log.close();
  return i;
}

interface Outcome {
  recs: string[];
  problems: string;
  unknownSkipped: number;
  error: string | null;
  recordsRead: number;
  bytesRead: number;
}

/** One CRC-ahead worker for every read (jobs of earlier cursors may still be running: harmless). */
const sharedAhead = new CrcAhead(0);
test.after(() => sharedAhead.close());

/**
 * Reads the log through next() alone, or nextRun() first and next() when it returns 0. `ahead`:
 * with a CRC-ahead worker for every segment, read once it has checked all it will ('idle') or
 * racing it ('racing').
 */
async function read(dir: string, opts: ReadOptions, policy: RecoveryPolicy, withRuns: boolean, chunkBytes: number, ahead: 'off' | 'idle' | 'racing' = 'off'): Promise<Outcome> {
  const reader = openReader(dir, { policy, chunkBytes, knownTypes: [1, 2] });
  const recs: string[] = [];
  let error: string | null = null;
  let c: LogCursor | null = null;
  const run = new FrameRun(7);
  const worker = ahead === 'off' ? null : sharedAhead;
  try {
    c = reader.cursor(worker ? { ...opts, crcAhead: worker } : opts);
    if (ahead === 'idle') await worker!.idle();
    for (;;) {
      const k = withRuns ? c.nextRun(run) : 0;
      if (k > 0) {
        for (let i = 0; i < k; i++) {
          recs.push(`${run.seq[i]}:${run.tsNs[i]}:${run.type[i]}:${run.chunk.toString('latin1', run.payloadStart[i], run.payloadEnd[i])}`);
        }
        continue;
      }
      const r = c.next();
      if (r === null) break;
      recs.push(`${r.seq}:${r.tsNs}:${r.type}:${r.payload.toString('latin1')}`);
    }
  } catch (e) {
    if (!(e instanceof TapedeckError)) throw e;
    error = `${e.code}: ${e.message}`;
  }
  c?.close();
  return {
    recs,
    problems: JSON.stringify(c?.problems),
    unknownSkipped: c?.unknownSkipped ?? 0,
    error,
    recordsRead: reader.metrics.counters.recordsRead!,
    bytesRead: reader.metrics.counters.bytesRead!,
  };
}

const arbShape = fc.record({
  steps: fc.array(fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constant(-1) }), { minLength: 1, maxLength: 120 }),
  segmentBytes: fc.constantFrom(600, 2000, 1 << 20),
  tsStep: fc.constantFrom(0, 1000),
});

const arbDamage = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('cut' as const), bytes: fc.integer({ min: 1, max: 40 }) }),
);

/** A byte flipped at a relative position of a segment, or the last segment cut short (its footer or last frames gone). */
function applyDamage(dir: string, damage: { kind: 'none' } | { kind: 'flip'; at: number } | { kind: 'cut'; bytes: number }): void {
  const segs = segmentFiles(dir);
  if (damage.kind === 'flip') {
    const f = path.join(dir, segs[Math.floor(damage.at * segs.length) % segs.length]!);
    flipByte(f, 64 + Math.floor(damage.at * Math.max(1, fs.statSync(f).size - 64 - 1)));
  } else if (damage.kind === 'cut') {
    const f = path.join(dir, segs[segs.length - 1]!);
    fs.truncateSync(f, Math.max(64, fs.statSync(f).size - damage.bytes));
  }
}

test('nextRun reads what next() reads: records, problems, counters and errors, for every option and policy, with or without the CRC-ahead worker', async () => {
  await fc.assert(
    fc.asyncProperty(
      arbShape,
      arbDamage,
      fc.constantFrom<RecoveryPolicy>('absolute', 'tolerate-tail', 'skip', 'point-in-time'),
      fc.constantFrom(64, 1024, 1 << 20),
      fc.record({
        from: fc.integer({ min: 0, max: 200 }),
        to: fc.integer({ min: 0, max: 200 }),
        which: fc.integer({ min: 0, max: 5 }),
        reuse: fc.boolean(),
        // The CRC-ahead worker on every segment: read once it is done ('idle': it has checked all it
        // will) or racing it.
        ahead: fc.constantFrom<'off' | 'idle' | 'racing'>('off', 'off', 'idle', 'racing'),
      }),
      async (shape, damage, policy, chunkBytes, o) => {
        const dir = tmpDir();
        try {
          const n = await writeLog(dir, shape);
          applyDamage(dir, damage);
          const t = (i: number): bigint => T0 + BigInt(Math.floor(i / 3) * shape.tsStep);
          const opts: ReadOptions = [
            {},
            { fromSeq: o.from % (n + 2) },
            { toSeq: o.to % (n + 2) },
            { fromTs: t(o.from % (n + 1)), toTs: t(o.to % (n + 1)) },
            { types: [2] },
            { fromSeq: o.from % (n + 2), types: [1] },
          ][o.which]!;
          if (o.reuse) opts.reuseChunks = true;
          const want = await read(dir, opts, policy, false, chunkBytes);
          const got = await read(dir, opts, policy, true, chunkBytes, o.ahead);
          assert.equal(got, want);
        } finally {
          rm(dir);
        }
      },
    ),
    { numRuns: 150, seed: 20261130 },
  );
});

/** The file offset where each frame of a segment ends, in order. */
function frameEnds(f: string): number[] {
  const ends: number[] = [];
  const b = fs.readFileSync(f);
  for (let off = 64; off < b.length && b.readUInt32LE(off) !== 0; ) {
    off += 8 + b.readUInt32LE(off);
    ends.push(off);
  }
  return ends;
}

test('the CRC-ahead worker trusts only whole units before the first damage, and the run path skips only those CRCs', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, { steps: [0, 0, 0, 2, 0, 0, 0, 0], segmentBytes: 1 << 20, tsStep: 1000 });
    const f = path.join(dir, segmentFiles(dir)[0]!);
    const ends = frameEnds(f);
    const dataEnd = ends[ends.length - 1]!;
    const verified = async (): Promise<number> => {
      const ahead = new CrcAhead(0);
      const fd = fs.openSync(f, 'r');
      try {
        const job = ahead.post(fd, 64, null, fs.fstatSync(fd).size)!;
        await ahead.idle();
        return job.verifiedTo();
      } finally {
        ahead.close();
        fs.closeSync(fd);
      }
    };
    // Clean: every frame (the unsealed tail's file ends with them).
    assert.is(await verified(), dataEnd);
    // Record 7 (the second after the batch of 3 at seq 3..5) damaged: up to the end of record 6.
    flipByte(f, ends[6]! + 24);
    assert.is(await verified(), ends[6]);
    flipByte(f, ends[6]! + 24);
    // The batch's middle frame (record 4 of 3..5) damaged: up to the end of the unit before it.
    flipByte(f, ends[3]! + 24);
    assert.is(await verified(), ends[2]);
    // A trusted frame's CRC is not computed again: readRunInto takes a damaged frame before
    // checkedTo and refuses it after.
    const b = fs.readFileSync(f);
    flipByte(f, ends[3]! + 24);
    b[ends[0]! + 24]! ^= 1;
    const run = new FrameRun(10);
    const v = new format.FrameView();
    assert.is(format.readRunInto(run, b, 64, dataEnd, 0, null), 1);
    assert.is(format.readRunInto(run, b, 64, dataEnd, 0, null, ends[2]!), 3);
    // The per-frame path (errors, resyncs) always checks.
    assert.is(format.readFrameInto(v, b, ends[0]!, dataEnd), 'corrupt');
  } finally {
    rm(dir);
  }
});

test("a view that does not want ts (the CRC-ahead worker's) checks every frame as one that does, and leaves tsNs unread", async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, { steps: [0, 0, 0, 2, 0, 0], segmentBytes: 1 << 20, tsStep: 1000 });
    const f = path.join(dir, segmentFiles(dir)[0]!);
    const ends = frameEnds(f);
    const dataEnd = ends[ends.length - 1]!;
    const walk = (b: Buffer, tsWanted: boolean) => {
      const v = new format.FrameView();
      v.tsWanted = tsWanted;
      const out: string[] = [];
      for (let pos = 64; ; pos = v.next) {
        const kind = format.readFrameInto(v, b, pos, dataEnd);
        out.push(kind === 'frame' ? `${v.type} ${v.flags} ${v.seq} ${v.tsNs} ${v.payloadStart}-${v.payloadEnd} ${v.crc} ${v.next}` : `${kind} ${v.reason}`);
        if (kind !== 'frame') return out;
      }
    };
    const clean = fs.readFileSync(f);
    const damaged = Buffer.from(clean);
    damaged[ends[4]! + 24]! ^= 1;
    for (const b of [clean, damaged]) {
      const withTs = walk(b, true);
      const without = walk(b, false);
      assert.ok(withTs.length > 3 && withTs.some((l) => / [1-9]\d* \d+-\d+ /.test(l)), 'the ts is read when wanted');
      // The same outcomes, the ts left at 0n.
      assert.equal(without, withTs.map((l) => l.replace(/^(\d+ \d+ \d+) -?\d+ /, '$1 0 ')));
    }
    assert.match(walk(damaged, false).at(-1)!, /^corrupt frame checksum mismatch/);
  } finally {
    rm(dir);
  }
});

test('a CRC-ahead worker that dies (its heap limits) vouches for nothing, and the cursor reads and checks everything itself', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, { steps: [0, 0, 0, 2, 0, 0, 0, 0], segmentBytes: 1 << 20, tsStep: 1000 });
    const f = path.join(dir, segmentFiles(dir)[0]!);
    const ends = frameEnds(f);
    const doomed = (): CrcAhead => new CrcAhead(0, { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 1, stackSizeMb: 1 });
    const ahead = doomed();
    const fd = fs.openSync(f, 'r');
    try {
      const job = ahead.post(fd, 64, null, fs.fstatSync(fd).size)!;
      await ahead.idle();
      assert.is(job.verifiedTo(), -1);
    } finally {
      ahead.close();
      fs.closeSync(fd);
    }
    // Damage after the worker is gone: found and reported as without a worker.
    const clean = await read(dir, {}, 'absolute', true, 1 << 20);
    flipByte(f, ends[6]! + 24);
    const plain = await read(dir, {}, 'absolute', true, 1 << 20);
    const dying = doomed();
    const c = openReader(dir, { policy: 'absolute', knownTypes: [1, 2] }).cursor({ crcAhead: dying });
    const got: number[] = [];
    let error: string | null = null;
    try {
      for (let r = c.next(); r !== null; r = c.next()) got.push(r.seq);
    } catch (e) {
      error = e instanceof TapedeckError ? `${e.code}: ${e.message}` : String(e);
    }
    c.close();
    dying.close();
    assert.ok(plain.error !== null && clean.error === null);
    assert.is(error, plain.error);
    assert.equal(got, plain.recs.map((r) => Number(r.split(':')[0])));
  } finally {
    rm(dir);
  }
});

test('nextRun hands out whole runs of a chunk, and none inside a batch or at damage', async () => {
  const dir = tmpDir();
  try {
    const n = await writeLog(dir, { steps: [0, 0, 0, 0, 3, 0, 0], segmentBytes: 1 << 20, tsStep: 1000 });
    assert.is(n, 10);
    const c = openReader(dir).cursor({});
    const run = new FrameRun(100);
    // The first chunk read comes through next() (nothing is buffered yet), then the rest of its
    // single records in one run, up to the batch.
    assert.is(c.nextRun(run), 0);
    assert.is(c.next()!.seq, 0);
    assert.is(c.nextRun(run), 3);
    assert.equal(Array.from(run.seq.subarray(0, 3)), [1, 2, 3]);
    // The batch's four records: next() each (the rest of the batch is queued meanwhile).
    assert.is(c.nextRun(run), 0);
    for (let s = 4; s < 8; s++) {
      assert.is(c.next()!.seq, s);
      if (s < 7) assert.is(c.nextRun(run), 0);
    }
    assert.is(c.nextRun(run), 2);
    assert.equal(Array.from(run.seq.subarray(0, 2)), [8, 9]);
    assert.is(c.nextRun(run), 0);
    assert.is(c.next(), null);
    assert.ok(c.done);
    c.close();

    // A flipped payload byte in record 6: the run stops before it, and the per-record path reports
    // it with its offset.
    rm(dir);
    fs.mkdirSync(dir);
    const n2 = await writeLog(dir, { steps: Array(10).fill(0), segmentBytes: 1 << 20, tsStep: 1000 });
    assert.is(n2, 10);
    const f = path.join(dir, segmentFiles(dir)[0]!);
    let off = 64;
    const b = fs.readFileSync(f);
    for (let i = 0; i < 6; i++) off += 8 + b.readUInt32LE(off);
    flipByte(f, off + 24);
    const c2 = openReader(dir, { policy: 'absolute' }).cursor({});
    assert.is(c2.next()!.seq, 0);
    assert.is(c2.nextRun(run), 5);
    assert.is(c2.nextRun(run), 0);
    try {
      c2.next();
      assert.unreachable('a corrupt frame must throw');
    } catch (e) {
      assert.instance(e, TapedeckError);
      assert.is((e as TapedeckError).code, 'CORRUPT_FRAME');
      assert.match((e as Error).message, `corrupt at byte ${off} `);
    }
    c2.close();

    // A well-formed frame whose ts goes back (re-sealed with a valid CRC): the run stops before
    // it and the per-record path names it.
    flipByte(f, off + 24);
    const b2 = fs.readFileSync(f);
    format.sealFrame(b2, off, b2[off + 4]!, 0, 6, T0, b2.readUInt32LE(off) - format.FRAME_MIN_LENGTH);
    fs.writeFileSync(f, b2);
    const c3 = openReader(dir, { policy: 'absolute' }).cursor({});
    assert.is(c3.next()!.seq, 0);
    assert.is(c3.nextRun(run), 5);
    assert.is(c3.nextRun(run), 0);
    assert.throws(() => c3.next(), (e: Error) => e instanceof TapedeckError && e.message.includes(`corrupt at byte ${off} `) && e.message.includes('goes back'));
    c3.close();
  } finally {
    rm(dir);
  }
});

test.run();
