/**
 * Log.writeRead (a record read straight into the write buffer, its ts known once read: the
 * canonical tick reader) against write() of the same records: the same segment files and
 * MANIFEST byte for byte, rotations and the write-out for room included; a reader that declines
 * leaves nothing behind; a ts going back is refused as write() refuses it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import { deriveRecordingId, Log, READ_NO_ROOM, type RecordReader } from '../src/log/index.js';
import { rm, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const ID = deriveRecordingId('test', 'write-read');

/** A reader of one prepared record that needs `needBytes` of room, or declines after scribbling. */
class Prepared implements RecordReader {
  tsNs = 0n;
  reads = 0;
  constructor(
    private readonly ts: bigint,
    private readonly payload: Buffer | null,
    private readonly needBytes = 0,
  ) {}
  readInto(buf: Buffer, start: number, end: number): number {
    this.reads++;
    if (end - start < Math.max(this.needBytes, this.payload?.length ?? 0)) return READ_NO_ROOM;
    if (this.payload === null) {
      buf.fill(0x55, start, Math.min(end, start + 40));
      return -1;
    }
    this.tsNs = this.ts;
    this.payload.copy(buf, start);
    return start + this.payload.length;
  }
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const f of fs.readdirSync(dir).sort()) if (f.endsWith('.tdseg') || f === 'MANIFEST') out.set(f, fs.readFileSync(path.join(dir, f)));
  return out;
}

function assertSameFiles(one: string, two: string): number {
  const fa = files(one);
  const fb = files(two);
  assert.equal([...fb.keys()], [...fa.keys()]);
  for (const [f, bytes] of fa) assert.ok(bytes.equals(fb.get(f)!), `${f} differs`);
  return fa.size;
}

test('writeRead: the same files as write() of each record read, across rotations; declined reads leave nothing', async () => {
  // Steps: 0 a record through write() on both logs, 1 read on one and written on the other, 2 a declined read.
  const arbSteps = fc.array(fc.tuple(fc.constantFrom(0, 1, 1, 2), fc.nat(300)), { minLength: 1, maxLength: 60 });
  let rotations = 0;
  await fc.assert(
    fc.asyncProperty(arbSteps, fc.integer({ min: 300, max: 6000 }), fc.nat(3), async (steps, segmentBytes, tsStep) => {
      const one = tmpDir();
      const two = tmpDir();
      try {
        const opts = { segmentBytes, indexEveryBytes: 500, recordingId: ID };
        const a = await Log.open(one, opts);
        const b = await Log.open(two, opts);
        steps.forEach(([kind, size], i) => {
          const ts = T0 + BigInt(i * tsStep);
          const payload = Buffer.alloc(size, i & 0xff);
          if (kind === 2) {
            assert.is(b.writeRead(3, new Prepared(ts, null)), -1);
            return;
          }
          const seq = a.write(3, ts, payload);
          assert.is(kind === 0 ? b.write(3, ts, payload) : b.writeRead(3, new Prepared(ts, payload)), seq);
          assert.is(b.lastTs, a.lastTs);
        });
        assert.is(b.nextSeq, a.nextSeq);
        await a.close();
        await b.close();
        rotations += assertSameFiles(one, two) - 2;
      } finally {
        rm(one);
        rm(two);
      }
    }),
    { numRuns: 15, seed: 16 },
  );
  assert.ok(rotations > 15, `only ${rotations} rotations: the property says little`);
});

/**
 * Two fresh logs, `a` written with write() as the reference and `b` with what the test exercises;
 * after `body` both are closed and their files must be the same bytes.
 */
async function sideBySide(body: (a: Log, b: Log) => void): Promise<void> {
  const one = tmpDir();
  const two = tmpDir();
  try {
    const a = await Log.open(one, { recordingId: ID });
    const b = await Log.open(two, { recordingId: ID });
    body(a, b);
    await a.close();
    await b.close();
    assertSameFiles(one, two);
  } finally {
    rm(one);
    rm(two);
  }
}

test('writeRead: too little room at the end of the write buffer is made by writing it out, then the read is retried', async () => {
  await sideBySide((a, b) => {
    // Fill the 1 MiB write buffer to within 100 bytes of its end.
    const big = Buffer.alloc((1 << 20) - 26 - 100, 7);
    a.write(1, T0, big);
    b.write(1, T0, big);
    const r = new Prepared(T0 + 1n, Buffer.from('payload'), 162);
    assert.is(b.writeRead(2, r), a.write(2, T0 + 1n, Buffer.from('payload')));
    assert.is(r.reads, 2);
    const declined = new Prepared(T0 + 2n, null, 162);
    assert.is(b.writeRead(2, declined), -1);
  });
});

test('writeRead: a ts before the last is refused (TS_BACKWARDS) with nothing written', async () => {
  await sideBySide((a, b) => {
    a.write(1, T0 + 10n, Buffer.from('x'));
    b.write(1, T0 + 10n, Buffer.from('x'));
    try {
      b.writeRead(1, new Prepared(T0 + 9n, Buffer.from('y')));
      assert.unreachable('a ts before the last one');
    } catch (e) {
      assert.instance(e, TapedeckError);
      assert.is((e as TapedeckError).code, 'TS_BACKWARDS');
    }
    assert.is(b.nextSeq, 1);
    assert.is(b.writeRead(1, new Prepared(T0 + 11n, Buffer.from('z'))), a.write(1, T0 + 11n, Buffer.from('z')));
  });
});

test.run();
