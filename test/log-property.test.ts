/**
 * Property: random appends, batches, rotations, reopens, crash images and compactions against an
 * in-memory model of the log. The reader must always return exactly the model's records.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as fs from 'node:fs';
import CRC32 from 'crc-32';
import { crc32Range } from '../src/log/crc.js';
import { Log, openReader } from '../src/log/index.js';
import { rm, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;

type Op =
  | { kind: 'append'; n: number; gap: number; size: number }
  | { kind: 'batch'; n: number; gap: number; size: number }
  | { kind: 'reopen' }
  | { kind: 'crash' }
  | { kind: 'compact'; frac: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 40 }), gap: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 0, max: 120 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('batch' as const), n: fc.integer({ min: 1, max: 8 }), gap: fc.integer({ min: 0, max: 3 }), size: fc.integer({ min: 0, max: 60 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reopen' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'crash' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), frac: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

interface ModelRecord {
  seq: number;
  ts: bigint;
  type: number;
  payload: string;
}

function content(seq: number, size: number): string {
  return `r${seq}:`.padEnd(size, String.fromCharCode(97 + (seq % 26)));
}

async function runOps(ops: Op[], segmentBytes: number): Promise<void> {
  let dir = tmpDir('tapedeck-prop-');
  const model: ModelRecord[] = [];
  let ts = T0;
  let log = await Log.open(dir, { segmentBytes });
  try {
    for (const op of ops) {
      if (op.kind === 'append' || op.kind === 'batch') {
        const recs = Array.from({ length: op.n }, (_, i) => {
          ts += BigInt(op.gap);
          const seq = log.nextSeq + i;
          return { seq, ts, type: 1 + (seq % 5), payload: content(seq, op.size) };
        });
        if (op.kind === 'append') for (const r of recs) assert.is(log.write(r.type, r.ts, Buffer.from(r.payload)), r.seq);
        else assert.is(log.writeBatch(recs.map((r) => ({ type: r.type, tsNs: r.ts, payload: Buffer.from(r.payload) }))), recs[0]!.seq);
        model.push(...recs);
      } else if (op.kind === 'reopen') {
        await log.close();
        log = await Log.open(dir, { segmentBytes });
      } else if (op.kind === 'crash') {
        // A crash after a sync: the image has every record, unsealed; reopening recovers them all.
        await log.sync();
        const image = tmpDir('tapedeck-prop-');
        fs.cpSync(dir, image, { recursive: true });
        await log.close();
        rm(dir);
        dir = image;
        log = await Log.open(dir, { segmentBytes });
        assert.equal(log.recovered, []);
      } else {
        if (model.length === 0) continue;
        await log.sync();
        const cut = model[Math.floor(op.frac * (model.length - 1))]!.ts;
        const res = log.compact({ beforeTs: cut });
        const removedRecords = res.removed.reduce((n, r) => n + r.records, 0);
        for (const r of res.removed) assert.ok(r.lastTs < cut);
        model.splice(0, removedRecords);
      }
      assert.is(log.nextSeq, (model[model.length - 1]?.seq ?? log.nextSeq - 1) + 1);
    }
    await log.sync();
    const got: ModelRecord[] = [];
    openReader(dir).scan({}, (r) => void got.push({ seq: r.seq, ts: r.tsNs, type: r.type, payload: r.payload.toString() }));
    assert.equal(got, model);
    // Seeking to any model record's ts starts at the first record with that ts.
    if (model.length > 0) {
      const target = model[Math.floor(model.length / 2)]!;
      const firstAtTs = model.find((r) => r.ts >= target.ts)!;
      const c = openReader(dir).cursor({ fromTs: target.ts });
      assert.is(c.next()!.seq, firstAtTs.seq);
      c.close();
    }
    await log.close();
  } finally {
    rm(dir);
  }
}

test('property - crc32Range is CRC-32 (the crc-32 package) of any range of any buffer, views and pooled buffers included', () => {
  const pooled = Buffer.from('x'); // a slice of Node's shared pool: byteOffset is not 0
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(700), fc.nat(700), fc.nat(7), (bytes, a, b, shift) => {
      const start = Math.min(a, b, bytes.length);
      const end = Math.min(Math.max(a, b), bytes.length);
      const want = CRC32.buf(bytes.subarray(start, end)) >>> 0;
      assert.is(crc32Range(bytes, start, end), want);
      // The same bytes at another offset of a larger buffer, and inside a pooled Buffer.
      const host = new Uint8Array(bytes.length + 16);
      host.set(bytes, shift);
      const view = host.subarray(shift, shift + bytes.length);
      assert.is(crc32Range(view, start, end), want);
      const buf = Buffer.from(bytes);
      assert.is(crc32Range(buf, start, end), want, `byteOffset ${buf.byteOffset}`);
      assert.is(crc32Range(pooled, 0, 1), CRC32.str('x') >>> 0);
    }),
    { numRuns: 500 },
  );
});

test('property - random appends, batches, reopens, crashes and compactions match the model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), fc.constantFrom(700, 2048, 1 << 20), async (ops, segmentBytes) => {
      await runOps(ops, segmentBytes);
    }),
    { numRuns: 60, seed: 20261121 },
  );
});

test.run();
