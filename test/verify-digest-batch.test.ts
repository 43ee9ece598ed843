/**
 * StreamDigest gathers records into 64 KiB batches before hashing: the digest must equal a plain
 * SHA-256 of the stream its definition states, whatever the payload sizes (empty, small, across a
 * batch boundary, exactly filling a batch, larger than a batch) and whether a record comes as a
 * payload or as a range of a chunk.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DIGEST_VERSION, StreamDigest } from '../src/verify/digest.js';

interface Rec {
  ts: bigint;
  type: number;
  payload: Buffer;
}

function reference(recs: readonly Rec[]): string {
  const h = createHash('sha256');
  const v = Buffer.alloc(4);
  v.writeUInt32LE(DIGEST_VERSION, 0);
  h.update(Buffer.from('TDDIGEST', 'ascii'));
  h.update(v);
  for (const r of recs) {
    const head = Buffer.alloc(13);
    head.writeBigInt64LE(r.ts, 0);
    head[8] = r.type;
    head.writeUInt32LE(r.payload.length, 9);
    h.update(head);
    h.update(r.payload);
  }
  return h.digest('hex');
}

const BATCH = 64 * 1024;
const sizes = fc.oneof(
  { weight: 6, arbitrary: fc.nat(200) },
  { weight: 1, arbitrary: fc.constantFrom(0, 64, 65, BATCH - 13, BATCH - 12, BATCH, BATCH + 1, 3 * BATCH) },
);
const arbRecs = fc.array(
  fc.record({ ts: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), type: fc.integer({ min: 1, max: 255 }), size: sizes, seed: fc.nat(255) }),
  { maxLength: 60 },
).map((rs) => rs.map((r): Rec => ({ ts: r.ts, type: r.type, payload: Buffer.from(Array.from({ length: r.size }, (_, i) => (r.seed + i * 7) & 0xff)) })));

test('digest batch - equals the plain SHA-256 of the defined stream, for payloads and chunk ranges alike', () => {
  fc.assert(
    fc.property(arbRecs, (recs) => {
      const want = reference(recs);
      const a = new StreamDigest();
      const b = new StreamDigest();
      for (const r of recs) {
        a.update(r.ts, r.type, r.payload);
        // The same payload as a range inside a larger chunk.
        const chunk = Buffer.concat([Buffer.from([1, 2, 3]), r.payload, Buffer.from([9])]);
        b.updateAt(r.ts, r.type, chunk, 3, 3 + r.payload.length);
      }
      assert.is(a.hex(), want);
      assert.is(b.hex(), want);
      assert.is(a.records, recs.length);
    }),
    { numRuns: 300, seed: 16 },
  );
});

test('digest batch - many small records fill several batches; finished digests refuse more', () => {
  const recs: Rec[] = Array.from({ length: 5000 }, (_, i) => ({ ts: 1_700_000_000_000_000_000n + BigInt(i), type: 1, payload: Buffer.from(`payload-${i}`.repeat(1 + (i % 5))) }));
  const d = new StreamDigest();
  for (const r of recs) d.update(r.ts, r.type, r.payload);
  assert.is(d.hex(), reference(recs));
  assert.is(d.hex(), reference(recs));
  assert.throws(() => d.update(1n, 1, Buffer.alloc(1)), /already finished/);
});

test.run();
