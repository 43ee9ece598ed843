/**
 * readRunInto checks a run's CRCs together (one native CRC over the run against the register its
 * frames' lengths predict, crc.ts frameStep): the same run as checking each frame in turn,
 * cut before the first damaged frame wherever the damage is, whatever mix of frame sizes.
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc32Continue, crc32Range, FRAME_STEP_BYTES_MAX, frameStep } from '../src/log/crc.js';
import { format, FrameRun } from '../src/log/index.js';

const T0 = 1_700_000_000_000_000_000n;

/** Frames seq 0.. with the given payload sizes, back to back after a 64-byte lead; their start offsets. */
function frames(sizes: readonly number[], seed: number): { buf: Buffer; starts: number[]; end: number } {
  const total = sizes.reduce((n, s) => n + format.FRAME_OVERHEAD_BYTES + s, 64);
  const buf = Buffer.alloc(total + 5, 0xee);
  const starts: number[] = [];
  let at = 64;
  let x = seed >>> 0 || 1;
  sizes.forEach((size, i) => {
    const payload = Buffer.alloc(size);
    for (let j = 0; j < size; j++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      payload[j] = x >>> 24;
    }
    starts.push(at);
    format.writeFrame(buf, at, 1 + (i % 3), 0, i, T0 + BigInt(i) * 1000n, payload);
    at += format.FRAME_OVERHEAD_BYTES + size;
  });
  return { buf, starts, end: at };
}

/** The run a walk checking every frame's CRC in turn keeps: up to the first frame whose CRC is wrong. */
function firstBad(buf: Buffer, starts: readonly number[], trustedTo = 0): number {
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i]!;
    const length = buf.readUInt32LE(s);
    if (s + 8 + length <= trustedTo) continue;
    if (crc32Range(buf, s + 4, s + 4 + length) !== buf.readUInt32LE(s + 4 + length)) return i;
  }
  return starts.length;
}

test('frameStep: a right frame takes the raw CRC register where its bytes take it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: FRAME_STEP_BYTES_MAX - format.FRAME_OVERHEAD_BYTES }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.nat(), (size, reg, seed) => {
      const { buf, starts, end } = frames([size], seed);
      const frame = buf.subarray(starts[0]!, end);
      // crc32Continue(c, d) runs the raw register from ~c over d and returns its complement.
      assert.is(frameStep(reg, format.FRAME_MIN_LENGTH + size) | 0, ~crc32Continue(~reg >>> 0, frame) | 0);
    }),
    { numRuns: 300, seed: 16 },
  );
});

test('readRunInto keeps exactly the frames before the first damaged one, wherever the damage is', () => {
  fc.assert(
    fc.property(
      // Most runs long enough for the native check (RUN_NATIVE_FROM_BYTES), some not.
      fc.array(fc.integer({ min: 0, max: 120 }), { minLength: 1, maxLength: 150, size: 'max' }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
      fc.nat(),
      (sizes, flips, seed) => {
        const { buf, starts, end } = frames(sizes, seed);
        // Damage anywhere a frame's CRC covers, or the CRC itself (not the length: that is structure).
        for (const [f, at, mask] of flips) {
          const s = starts[f % starts.length]!;
          const length = buf.readUInt32LE(s);
          buf[s + 4 + (at % (length + 4))]! ^= mask;
        }
        const run = new FrameRun(1024);
        const k = format.readRunInto(run, buf, 64, end, 0, null);
        const want = firstBad(buf, starts);
        assert.is(k, want);
        assert.is(run.next, want < starts.length ? starts[want]! : end);
        if (k > 0) assert.is(run.lastFrameAt, starts[k - 1]!);
        for (let i = 0; i < k; i++) assert.is(run.crc[i], buf.readUInt32LE(run.payloadEnd[i]!));
      },
    ),
    { numRuns: 400, seed: 16 },
  );
});

test('readRunInto trusts the frames ending before checkedTo and checks the rest together', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 2, maxLength: 120, size: 'max' }), fc.nat(), fc.nat(), fc.nat(), (sizes, trusted0, bad0, seed) => {
      const { buf, starts, end } = frames(sizes, seed);
      const trusted = trusted0 % starts.length;
      const checkedTo = starts[trusted]!;
      // A payload byte of one frame flipped: its CRC is wrong, its structure intact.
      const bad = bad0 % starts.length;
      buf[starts[bad]! + format.FRAME_PREFIX_BYTES]! ^= 0x40;
      const run = new FrameRun(1024);
      const k = format.readRunInto(run, buf, 64, end, 0, null, checkedTo);
      assert.is(k, bad < trusted ? starts.length : bad);
      assert.is(k, firstBad(buf, starts, checkedTo));
    }),
    { numRuns: 300, seed: 61 },
  );
});

test('readRunInto over many frame sizes, and frames too large for a step among them', () => {
  // 400 distinct sizes, frames at and beyond FRAME_STEP_BYTES_MAX (each checked on its own), then
  // more small frames: stretches on both sides of the large ones are checked together.
  const top = FRAME_STEP_BYTES_MAX - format.FRAME_OVERHEAD_BYTES;
  const small = Array.from({ length: 100 }, (_, i) => 20 + (i % 40));
  const sizes = [...Array.from({ length: 400 }, (_, i) => i * 10), top, top + 1, top + 100, 5, top + 2, ...small];
  for (const badAt of [-1, 0, 150, 350, 400, 401, 402, 403, 404, 405, 450, sizes.length - 1]) {
    const { buf, starts, end } = frames(sizes, 5);
    if (badAt >= 0) buf[starts[badAt]! + format.FRAME_PREFIX_BYTES + 2]! ^= 1;
    const run = new FrameRun(1024);
    const k = format.readRunInto(run, buf, 64, end, 0, null);
    assert.is(k, badAt < 0 ? sizes.length : badAt, `damage at ${badAt}`);
  }
});

test.run();
