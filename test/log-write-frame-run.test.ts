/**
 * Log.writeFrameRun (frames sealed with seq 0 by another thread, given their seqs by reseqFrame)
 * against write() of the same records one by one: the same segment files and MANIFEST byte for
 * byte, rotations, index entries and chain included; and its refusals.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32U32Delta, crc32Range } from '../src/log/crc.js';
import { deriveRecordingId, format, Log } from '../src/log/index.js';
import { TapedeckError } from '../src/errors.js';
import { rm, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const ID = deriveRecordingId('test', 'frame-run');

interface Rec {
  type: number;
  tsNs: bigint;
  payload: Buffer;
}

/** The records as frames sealed with seq 0, back to back, after `lead` bytes of something else. */
function sealedRun(recs: readonly Rec[], lead: number): { buf: Buffer; start: number; end: number } {
  const buf = Buffer.alloc(lead + recs.reduce((n, r) => n + format.FRAME_OVERHEAD_BYTES + r.payload.length, 0) + 7, 0xee);
  let at = lead;
  for (const r of recs) {
    r.payload.copy(buf, at + format.FRAME_PREFIX_BYTES);
    format.sealFrame(buf, at, r.type, 0, 0, r.tsNs, r.payload.length);
    at += format.FRAME_OVERHEAD_BYTES + r.payload.length;
  }
  return { buf, start: lead, end: at };
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.tdseg') || f === 'MANIFEST') out.set(f, fs.readFileSync(path.join(dir, f)));
  return out;
}

test('crc32U32Delta: the CRC of a message with a u32 xored, from the CRC before', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 4, maxLength: 5000 }), fc.nat(), fc.integer({ min: 0, max: 0xffffffff }), (bytes, at0, x) => {
      const b = Buffer.from(bytes);
      const at = at0 % (b.length - 3);
      const before = crc32Range(b, 0, b.length);
      b.writeUInt32LE((b.readUInt32LE(at) ^ x) >>> 0, at);
      assert.is(crc32Range(b, 0, b.length), (before ^ crc32U32Delta(x, b.length - at - 4)) >>> 0);
    }),
    { numRuns: 300, seed: 7 },
  );
});

test('reseqFrame: a seq-0 frame given its seq is the frame sealFrame makes with it', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 2 ** 53 - 1 })), fc.bigInt(-(2n ** 63n), 2n ** 63n - 1n), (p, seq, ts) => {
      const payload = Buffer.from(p);
      const a = Buffer.alloc(format.FRAME_OVERHEAD_BYTES + payload.length + 3);
      const b = Buffer.alloc(a.length);
      payload.copy(a, 3 + format.FRAME_PREFIX_BYTES);
      payload.copy(b, 3 + format.FRAME_PREFIX_BYTES);
      const want = format.sealFrame(a, 3, 9, 0, seq, ts, payload.length);
      format.sealFrame(b, 3, 9, 0, 0, ts, payload.length);
      assert.is(format.reseqFrame(b, 3, seq), want);
      assert.ok(a.equals(b));
    }),
    { numRuns: 300, seed: 8 },
  );
});

test('writeFrameRun: the same files as write() of each record, across rotations, index entries and mixed writes', async () => {
  // Steps: a run of k records (frames) or one write() (-1) or an atomic batch of 2 (-2).
  const arbSteps = fc.array(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constantFrom(-1, -2)), { minLength: 1, maxLength: 15 });
  let rotations = 0;
  await fc.assert(
    fc.asyncProperty(arbSteps, fc.integer({ min: 300, max: 6000 }), fc.integer({ min: 1, max: 2000 }), fc.nat(3), async (steps, segmentBytes, indexEveryBytes, tsStep) => {
      const one = tmpDir();
      const two = tmpDir();
      try {
        const opts = { segmentBytes, indexEveryBytes, recordingId: ID };
        const a = await Log.open(one, opts);
        const b = await Log.open(two, opts);
        let i = 0;
        const rec = (): Rec => {
          i++;
          return { type: 1 + (i % 7), tsNs: T0 + BigInt(Math.floor(i / 2) * tsStep), payload: Buffer.alloc(i % 5 === 0 ? 150 + (i % 97) : 10 + (i % 31), i & 0xff) };
        };
        for (const k of steps) {
          if (k === -1) {
            const r = rec();
            assert.is(b.write(r.type, r.tsNs, r.payload), a.write(r.type, r.tsNs, r.payload));
          } else if (k === -2) {
            const rs = [rec(), rec()];
            assert.is(b.writeBatch(rs), a.writeBatch(rs));
          } else {
            const rs = Array.from({ length: k }, rec);
            const first = a.nextSeq;
            for (const r of rs) a.write(r.type, r.tsNs, r.payload);
            const run = sealedRun(rs, i % 13);
            assert.is(b.writeFrameRun(run.buf, run.start, run.end), first);
            assert.is(b.nextSeq, a.nextSeq);
            assert.is(b.lastTs, a.lastTs);
          }
        }
        await a.close();
        await b.close();
        const fa = files(one);
        const fb = files(two);
        rotations += fa.size - 2;
        assert.equal([...fb.keys()], [...fa.keys()]);
        for (const [f, bytes] of fa) assert.ok(bytes.equals(fb.get(f)!), `${f} differs`);
      } finally {
        rm(one);
        rm(two);
      }
    }),
    { numRuns: 15, seed: 16 },
  );
  assert.ok(rotations > 15, `only ${rotations} rotations: the property says little`);
});

test('writeFrameRun: a ts going back or a frame that is not seq 0 is refused, the frames before it written', async () => {
  const dir = tmpDir();
  try {
    const log = await Log.open(dir, { recordingId: ID });
    log.write(1, T0 + 10n, Buffer.from('x'));
    const back = sealedRun([{ type: 1, tsNs: T0 + 9n, payload: Buffer.from('y') }], 0);
    try {
      log.writeFrameRun(back.buf, back.start, back.end);
      assert.unreachable('a ts before the last one');
    } catch (e) {
      assert.instance(e, TapedeckError);
      assert.is((e as TapedeckError).code, 'TS_BACKWARDS');
    }
    assert.is(log.nextSeq, 1);
    const recs = [10n, 11n, 5n].map((d) => ({ type: 1, tsNs: T0 + d, payload: Buffer.from('z') }));
    const run = sealedRun(recs, 0);
    try {
      log.writeFrameRun(run.buf, run.start, run.end);
      assert.unreachable('a ts going back inside the run');
    } catch (e) {
      assert.is((e as TapedeckError).code, 'TS_BACKWARDS');
    }
    assert.is(log.nextSeq, 3);
    assert.is(log.lastTs, T0 + 11n);
    const bad = sealedRun([{ type: 1, tsNs: T0 + 20n, payload: Buffer.from('w') }], 0);
    bad.buf[bad.start + 6] = 1; // a seq already set
    try {
      log.writeFrameRun(bad.buf, bad.start, bad.end);
      assert.unreachable('a frame with a seq');
    } catch (e) {
      assert.is((e as TapedeckError).code, 'BAD_ARGUMENT');
      assert.match((e as Error).message, /byte 0\b/);
    }
    const cut = sealedRun([{ type: 1, tsNs: T0 + 20n, payload: Buffer.from('w') }], 0);
    assert.throws(() => log.writeFrameRun(cut.buf, cut.start, cut.end - 1), (e: unknown) => (e as TapedeckError).code === 'BAD_ARGUMENT');
    assert.is(log.nextSeq, 3);
    await log.close();
  } finally {
    rm(dir);
  }
});

test.run();
