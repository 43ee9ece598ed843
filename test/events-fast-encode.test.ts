/**
 * The hand-written payload encoder (src/events/fast-encode.ts) against msgpackr
 * (encodePayloadGeneric): identical bytes for random valid events of every type, for values
 * outside validation (lone surrogates, -0, NaN, long strings, huge integers) either identical bytes
 * or a fallback to msgpackr, exact NO_ROOM behaviour, and a log written through writeEvent (straight
 * into the write buffer, across rotations and buffer refills) byte-identical to one written with
 * msgpackr payloads.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodePayload, encodePayloadGeneric, eventPayloadEncoder } from '../src/events/codec.js';
import { Decimal } from '../src/events/decimal.js';
import { encodePayloadInto, encodePlainInto, encodeTickInto, NO_ROOM, NOT_PLAIN, OUT_OF_SUBSET } from '../src/events/fast-encode.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { SPECS } from '../src/events/schema.js';
import { EVENT_TYPES, TYPE_TAG, type TapeEvent } from '../src/events/types.js';
import { arbEvent, arbEventOf, arbFill, arbNum, arbOrder, arbSignal, arbTick } from './events-arbitraries.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

for (const type of EVENT_TYPES) {
  test(`fast-encode - ${type}: the bytes msgpackr writes, into a buffer at any offset`, () => {
    const buf = Buffer.alloc(1 << 16);
    fc.assert(
      fc.property(arbEventOf(type), fc.nat(64), (ev, off) => {
        const want = encodePayloadGeneric(ev);
        assert.is(hex(encodePayload(ev)), hex(want));
        const stop = encodePayloadInto(ev, buf, off, buf.length);
        assert.is(stop, off + want.length);
        assert.is(hex(buf.subarray(off, stop)), hex(want));
      }),
      { numRuns: 150 },
    );
  });
}

/** Ticks the plain-tick path takes: ASCII strings under 32 characters, numbers, int64 exchTs. */
const arbAscii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 31 });
const arbPlainTick = fc
  .tuple(arbTick(), arbAscii, arbAscii, arbAscii, arbNum(), fc.constantFrom('buy', 'sell', undefined))
  .map(([t, runId, venue, symbol, x, aggressor]) => {
    const ev: Record<string, unknown> = { ...t, runId, venue, symbol };
    for (const [k, v] of Object.entries(ev)) if (v instanceof Decimal) ev[k] = x;
    if (typeof ev.tradeId === 'string' && !/^[\x00-\x7f]{0,31}$/.test(ev.tradeId)) ev.tradeId = venue;
    if (aggressor === undefined) delete ev.aggressor;
    return ev as unknown as TapeEvent;
  });

test('fast-encode - plain ticks take the one-check path, with the bytes msgpackr writes', () => {
  const buf = Buffer.alloc(1 << 12);
  fc.assert(
    fc.property(arbPlainTick, fc.nat(64), (ev, off) => {
      const want = hex(encodePayloadGeneric(ev));
      const stop = encodeTickInto(ev as never, buf, off, buf.length);
      assert.ok(stop !== NOT_PLAIN, 'a plain tick takes the plain path');
      assert.is(hex(buf.subarray(off, stop)), want);
    }),
    { numRuns: 400 },
  );
});

test('fast-encode - any other tick: the plain path declines (NOT_PLAIN) or writes the same bytes', () => {
  const buf = Buffer.alloc(1 << 12);
  let declined = 0;
  fc.assert(
    fc.property(arbEventOf('tick'), (ev) => {
      const want = hex(encodePayloadGeneric(ev));
      const stop = encodeTickInto(ev as never, buf, 0, buf.length);
      if (stop === NOT_PLAIN) declined++;
      else assert.is(hex(buf.subarray(0, stop)), want);
    }),
    { numRuns: 300 },
  );
  assert.ok(declined > 0, 'some ticks (decimals, long or non-ASCII text) are declined');
  // Less room than the largest plain tick: declined, and the general path checks room exactly.
  const t = { type: 'tick', ts: 1n, runId: 'r', venue: 'XNAS', symbol: 'AAPL', bid: 1.5 } as unknown as TapeEvent;
  assert.is(encodeTickInto(t as never, buf, 0, 200), NOT_PLAIN);
  assert.is(hex(buf.subarray(0, encodePayloadInto(t, buf, 0, 200))), hex(encodePayloadGeneric(t)));
});

/** Orders, fills and signals as a backtest writes them: ASCII text under 32 characters, numbers, a flat map of those. */
const arbAsciiMap = fc.dictionary(arbAscii, fc.oneof(arbAscii, arbNum()), { maxKeys: 15 });
const arbPlainOther = fc
  .tuple(fc.oneof(arbOrder(), arbFill(), arbSignal()), arbAscii, arbAscii, arbAsciiMap)
  .map(([e, runId, text, meta]) => {
    const ev: Record<string, unknown> = { ...e, runId };
    for (const [k, v] of Object.entries(ev)) if (typeof v === 'string' && k !== 'type' && !/^[\x00-\x7f]{0,31}$/.test(v)) ev[k] = text;
    if (ev.type === 'signal' && ev.meta !== undefined) ev.meta = meta;
    return ev as unknown as TapeEvent;
  });

test('fast-encode - plain orders, fills and signals take the one-check path, with the bytes msgpackr writes', () => {
  const buf = Buffer.alloc(1 << 12);
  fc.assert(
    fc.property(arbPlainOther, fc.nat(64), (ev, off) => {
      const want = hex(encodePayloadGeneric(ev));
      const stop = encodePlainInto(ev, buf, off, buf.length);
      assert.ok(stop !== NOT_PLAIN, `a plain ${ev.type} takes the plain path`);
      assert.is(hex(buf.subarray(off, stop)), want);
      assert.is(hex(buf.subarray(off, encodePayloadInto(ev, buf, off, buf.length))), want);
    }),
    { numRuns: 400 },
  );
  // Declined, and written by the general path: a long or non-ASCII string, a map too big for a
  // fixmap, a map key of 32 characters, a bigint where a number goes, too little room.
  const sig = { type: 'signal', ts: 1n, runId: 'r', strategy: 's', symbol: 'X', name: 'n', value: 1 };
  const big = Object.fromEntries(Array.from({ length: 16 }, (_x, i) => [`k${String(i).padStart(2, '0')}`, i]));
  for (const ev of [
    { ...sig, name: 'é' },
    { ...sig, name: 'n'.repeat(32) },
    { ...sig, meta: big },
    { ...sig, meta: { ['k'.repeat(32)]: 1 } },
    { ...sig, meta: { a: 'é' } },
    { ...sig, value: 5n },
    // Not a map in the map field: msgpackr's path decides (it writes {} for a string there).
    { ...sig, meta: '' },
    { ...sig, meta: 7 },
  ] as unknown as TapeEvent[]) {
    assert.is(encodePlainInto(ev, buf, 0, buf.length), NOT_PLAIN, JSON.stringify(ev, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
    const r = encodePayloadInto(ev, buf, 0, buf.length);
    if (r !== OUT_OF_SUBSET) assert.is(hex(buf.subarray(0, r)), hex(encodePayloadGeneric(ev)));
  }
  assert.is(encodePlainInto(sig as unknown as TapeEvent, buf, 0, 100), NOT_PLAIN);
  assert.is(hex(buf.subarray(0, encodePayloadInto(sig as unknown as TapeEvent, buf, 0, 100))), hex(encodePayloadGeneric(sig as unknown as TapeEvent)));
});

test('fast-encode - NO_ROOM for every end short of the payload, success exactly at its length', () => {
  fc.assert(
    fc.property(arbEvent(), (ev) => {
      const want = encodePayloadGeneric(ev);
      const buf = Buffer.alloc(want.length + 8);
      for (let end = 0; end < want.length; end++) {
        const r = encodePayloadInto(ev, buf, 0, end);
        // The room checks reserve a string's worst case (3 bytes per UTF-16 unit): it may ask for
        // room it would not have used, never write past `end`.
        assert.ok(r === NO_ROOM, `end ${end} of ${want.length}: ${r}`);
      }
      const big = Buffer.alloc(want.length * 3 + 64);
      assert.is(hex(big.subarray(0, encodePayloadInto(ev, big, 0, big.length))), hex(want));
    }),
    { numRuns: 60 },
  );
});

/** Values no validated event holds: the fast path matches msgpackr or hands the value to it. */
const arbRawValue = fc.oneof(
  fc.constantFrom(null, true, false, -0, NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53 + 2, -(2 ** 60), 1e300),
  fc.constantFrom('\uD800', 'a\uDC00b', 'x'.repeat(63) + '\uD800', 'é'.repeat(40), '\uD83D'.repeat(70), 'y'.repeat(300), 'z'.repeat(70_000)),
  fc.string({ unit: 'binary', maxLength: 90 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '\u20AC', '\uD83D', '\uDE00', '\uD83D\uDE00'), maxLength: 120 }),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 65n }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string({ maxLength: 4 }), fc.double(), fc.boolean()), { maxKeys: 20 }),
  fc.constant(Object.assign(Object.create(null), { b: 1, a: 'x' })),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: -128, max: 127 })).map(([m, e]) => new Decimal(m, e)),
);

test('fast-encode - values outside validation: the same bytes as msgpackr, or msgpackr itself', () => {
  const buf = Buffer.alloc(1 << 20);
  fc.assert(
    fc.property(fc.constantFrom(...EVENT_TYPES), fc.array(arbRawValue, { maxLength: 20 }), fc.option(arbRawValue), (type, vals, cause) => {
      const ev: Record<string, unknown> = { type, ts: 1n, runId: vals.length > 0 && typeof vals[0] === 'string' ? vals[0] : 'r' };
      if (cause !== null) ev.cause = cause;
      SPECS[type].fields.forEach((f, i) => {
        if (i + 1 < vals.length) ev[f.name] = vals[i + 1];
      });
      const e = ev as unknown as TapeEvent;
      let want: string;
      try {
        want = hex(encodePayloadGeneric(e));
      } catch (err) {
        // msgpackr refuses it: so does encodePayload, with msgpackr's own error.
        assert.throws(() => encodePayload(e), (x: unknown) => x instanceof Error && x.message === (err as Error).message);
        return;
      }
      assert.is(hex(encodePayload(e)), want);
      const r = encodePayloadInto(e, buf, 0, buf.length);
      if (r !== OUT_OF_SUBSET) assert.is(hex(buf.subarray(0, r)), want);
      const r2 = eventPayloadEncoder.encodeInto(e, buf, 7, buf.length);
      assert.is(hex(buf.subarray(7, r2)), want);
    }),
    { numRuns: 400 },
  );
});

test('fast-encode - an unknown event type is refused as before (BAD_INPUT)', () => {
  const ev = { type: 'nope', ts: 1n, runId: 'r' } as unknown as TapeEvent;
  assert.throws(() => encodePayload(ev), (e: unknown) => (e as { code?: string }).code === 'BAD_INPUT');
  assert.throws(() => encodePayloadInto(ev, Buffer.alloc(64), 0, 64), (e: unknown) => (e as { code?: string }).code === 'BAD_INPUT');
});

const ID = '0123456789abcdef0123456789abcdef';

test('fast-encode - a log written through writeEvent is byte-identical to one of msgpackr payloads (rotations, refills, a payload larger than the buffer)', async () => {
  const root = tmpDir('tapedeck-fast-encode-');
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(arbEvent(), { minLength: 1, maxLength: 60 }), fc.nat(3), async (evs, which) => {
        // One huge event (larger than the 1 MiB write buffer) in some runs, somewhere in the middle.
        if (which === 0) evs.splice(evs.length >> 1, 0, { type: 'signal', ts: 0n, runId: 'r', strategy: 's', symbol: 'X', name: 'big', value: 1, meta: { note: 'n'.repeat((1 << 20) + 5) } } as unknown as TapeEvent);
        let ts = 0n;
        for (const ev of evs) ev.ts = ts += 1000n;
        const a = fs.mkdtempSync(path.join(root, 'a-'));
        const b = fs.mkdtempSync(path.join(root, 'b-'));
        const opts = { recordingId: ID, segmentBytes: 1 << 12, durability: 'async' as const };
        const la = await openEventLog(a, opts);
        const lb = await openEventLog(b, opts);
        for (const ev of evs) {
          const seqA = writeEvent(la, ev);
          const seqB = lb.write(TYPE_TAG[ev.type], ev.ts, encodePayloadGeneric(ev));
          assert.is(seqA, seqB);
        }
        await la.close();
        await lb.close();
        const fa = segmentFiles(a);
        assert.equal(fa, segmentFiles(b));
        for (const f of fa) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${f} differs`);
      }),
      { numRuns: 25 },
    );
  } finally {
    rm(root);
  }
});

test('fast-encode - a payload that finds the write buffer full is encoded again after it is written out', async () => {
  const root = tmpDir('tapedeck-fast-encode-');
  try {
    const evs = [0, 1, 2, 3].map((i) => ({ type: 'signal', ts: BigInt(i), runId: 'r', strategy: 's', symbol: 'X', name: 'big', value: i, meta: { note: 'é'.repeat(150_000 + i) } }) as unknown as TapeEvent);
    const [a, b] = [path.join(root, 'a'), path.join(root, 'b')];
    const la = await openEventLog(a, { recordingId: ID, durability: 'async' });
    const lb = await openEventLog(b, { recordingId: ID, durability: 'async' });
    for (const ev of evs) assert.is(writeEvent(la, ev), lb.write(TYPE_TAG[ev.type], ev.ts, encodePayloadGeneric(ev)));
    assert.ok(la.metrics.counters.bytesWritten! > 0, 'the buffer was written out before the last payload');
    await la.close();
    await lb.close();
    for (const f of segmentFiles(a)) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), `${f} differs`);
  } finally {
    rm(root);
  }
});

test('fast-encode - writeEvent keeps the log checks: time going back, a closed log', async () => {
  const dir = tmpDir('tapedeck-fast-encode-');
  try {
    const lg = await openEventLog(dir, { durability: 'async' });
    const ev = { type: 'signal', ts: 5n, runId: 'r', strategy: 's', symbol: 'X', name: 'x', value: 1 } as unknown as TapeEvent;
    writeEvent(lg, ev);
    assert.throws(() => writeEvent(lg, { ...ev, ts: 4n } as TapeEvent), (e: unknown) => (e as { code?: string }).code === 'TS_BACKWARDS');
    await lg.close();
    assert.throws(() => writeEvent(lg, ev), (e: unknown) => (e as { code?: string }).code === 'LOG_CLOSED');
  } finally {
    rm(dir);
  }
});

test.run();
