/**
 * The payload → JSON line transcoder (src/events/json-transcode.ts) against the object path it
 * accelerates, `JsonLineWriter.event(decodePayload(...))`: the same bytes for every payload it
 * takes, nothing written when it declines, and never a line for a payload the object path refuses
 * (valid events of every type, ASCII-only ones, mutated bytes, odd values, other writers' forms).
 */
import { encode as foreignEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { Packr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Decimal } from '../src/events/decimal.js';
import { decodePayload, encodePayload, PACKR_OPTIONS, PayloadError } from '../src/events/codec.js';
import { JsonLineWriter } from '../src/events/json-line-writer.js';
import { transcodeLine } from '../src/events/json-transcode.js';
import { SPECS } from '../src/events/schema.js';
import { EVENT_TYPES, TYPE_TAG, type TapeEvent } from '../src/events/types.js';
import { arbEvent, arbEventOf } from './events-arbitraries.js';
import { SAMPLES } from './events-fixtures.js';
import { arbAnyValue, arbMutation, mutate } from './helpers/payload-mutations.js';

const params = { numRuns: 2000, seed: 20261130 };

/** The object path's line, or null when it refuses the payload (PayloadError). */
function objectLine(tag: number, bytes: Uint8Array, seq: number, ts: bigint, newline: boolean): string | null {
  let ev: TapeEvent;
  try {
    ev = decodePayload(tag, bytes, seq, ts);
  } catch (e) {
    if (e instanceof PayloadError) return null;
    throw e;
  }
  const w = new JsonLineWriter(64);
  w.event(ev, false, newline);
  return w.take().toString('utf8');
}

const PREFIX = '{"previous":"line"}\n';

/**
 * Transcodes `bytes` (placed at an offset in a larger buffer, after a line already written) and
 * checks it against the object path: true when the transcoder took it.
 */
function check(tag: number, bytes: Uint8Array, seq: number, ts: bigint, newline = true, offset = 5): boolean {
  const big = new Uint8Array(offset + bytes.length + 3).fill(0xc0);
  big.set(bytes, offset);
  const w = new JsonLineWriter(16); // small: lines grow the buffer
  w.raw(PREFIX);
  const took = transcodeLine(w, tag, big, offset, offset + bytes.length, seq, ts, newline);
  const got = w.take().toString('utf8');
  const hex = Buffer.from(bytes).toString('hex');
  if (!took) {
    assert.is(got, PREFIX, `declined but wrote bytes: tag ${tag} ${hex}`);
    return false;
  }
  const want = objectLine(tag, bytes, seq, ts, newline);
  assert.ok(want !== null, `transcoded a payload the object path refuses: tag ${tag} ts ${ts} ${hex}`);
  assert.is(got, PREFIX + want, `line differs: tag ${tag} ${hex}`);
  return true;
}

/** The event with every string made printable ASCII without quotes or backslashes (maps kept). */
function asciiOnly(ev: TapeEvent): TapeEvent {
  const out: Record<string, unknown> = { ...ev };
  for (const [k, v] of Object.entries(out)) if (typeof v === 'string') out[k] = v.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, 'x');
  return out as unknown as TapeEvent;
}

const hasMap = (ev: TapeEvent): boolean => SPECS[ev.type].fields.some((f) => f.kind === 'map' && (ev as unknown as Record<string, unknown>)[f.name] !== undefined);

test('json transcode - the samples of every type: the object path line, byte for byte', () => {
  for (const ev of SAMPLES) {
    const took = check(TYPE_TAG[ev.type], encodePayload(ev), 42, ev.ts);
    assert.is(took, !hasMap(ev), ev.type);
    check(TYPE_TAG[ev.type], encodePayload(ev), 0, ev.ts, false);
  }
});

test('json transcode - arbitrary events of every type: the same line, or declined', () => {
  fc.assert(
    fc.property(arbEvent(), fc.nat(), fc.boolean(), fc.nat(40), (ev, seq, nl, off) => {
      check(TYPE_TAG[ev.type], encodePayload(ev), seq, ev.ts, nl, off);
    }),
    params,
  );
});

test('json transcode - ASCII events of every type are all taken (but those with a map)', () => {
  for (const type of EVENT_TYPES) {
    let taken = 0;
    let total = 0;
    fc.assert(
      fc.property(arbEventOf(type).map(asciiOnly), fc.nat(), (ev, seq) => {
        if (hasMap(ev)) return;
        total++;
        if (check(TYPE_TAG[ev.type], encodePayload(ev), seq, ev.ts)) taken++;
      }),
      { ...params, numRuns: 300 },
    );
    // Declined on purpose: decimals outside the common forms (negative or int64 mantissas), which
    // the arbitraries make often; every type is taken in its common forms.
    assert.ok(taken > 0, `${type}: ${taken} of ${total}`);
  }
});

test('json transcode - run ids one after another: the line of each, whichever came before (the id text is cached by its bytes)', () => {
  const tick = SAMPLES.find((e) => e.type === 'tick')!;
  // Same length and a shared prefix, one differing only in its last byte, an id that must be
  // declined (a quote), and back to a cached one.
  const ids = fc.constantFrom('run-1', 'run-2', 'run-10', 'r', 'run-1x', 'run"1', 'run\\1', 'ünï', 'bench-0001');
  fc.assert(
    fc.property(fc.array(ids, { minLength: 1, maxLength: 12 }), (seqIds) => {
      for (const runId of seqIds) {
        const ev = { ...tick, runId } as TapeEvent;
        const took = check(TYPE_TAG.tick, encodePayload(ev), 7, ev.ts);
        assert.is(took, /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(runId), runId);
      }
    }),
    { ...params, numRuns: 500 },
  );
});

test('json transcode - venue decimals (mantissa 0..2^32-1, fixint exponent) are taken, as the object path writes them', () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.nat(1000), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.constantFrom(0, 1, 9, 10, 99, 100, 2 ** 32 - 1, 4294967295)),
      fc.oneof(fc.integer({ min: -12, max: 3 }), fc.integer({ min: -32, max: 127 })),
      fc.nat(),
      (m, e, seq) => {
        const px = new Decimal(m, e);
        const size = new Decimal(m + 1 > 2 ** 32 - 1 ? m : m + 1, e);
        const ev: TapeEvent = { type: 'tick', ts: 1700000000000000000n + BigInt(seq), runId: 'run-1', venue: 'BINANCE', symbol: 'BTCUSDT', bid: px, ask: px, bidSize: size, askSize: px, volume: size, exchTs: 1699999999999999999n };
        assert.ok(check(TYPE_TAG.tick, encodePayload(ev), seq, ev.ts), `${m}e${e}`);
      },
    ),
    { ...params, numRuns: 3000 },
  );
});

test('json transcode - mutated payloads: the object path line, or declined', () => {
  let taken = 0;
  fc.assert(
    fc.property(fc.oneof(arbEvent(), arbEvent().map(asciiOnly)), fc.array(arbMutation, { minLength: 1, maxLength: 3 }), fc.nat(), (ev, muts, seq) => {
      if (check(TYPE_TAG[ev.type], mutate(encodePayload(ev), muts), seq, ev.ts)) taken++;
    }),
    { ...params, numRuns: 10000 },
  );
  assert.ok(taken > 0);
});

test('json transcode - odd values in any slot, trailing nils, other writers: the object path line, or declined', () => {
  const packr = new Packr({ ...PACKR_OPTIONS });
  fc.assert(
    fc.property(arbEvent().map(asciiOnly), fc.array(fc.tuple(fc.nat(), fc.nat(3), arbAnyValue()), { minLength: 1, maxLength: 3 }), (ev, edits) => {
      const rec = ev as unknown as Record<string, unknown>;
      const arr: unknown[] = [ev.runId, ev.cause ?? null, ...SPECS[ev.type].fields.map((f) => rec[f.name] ?? null)];
      while (arr.length > 2 && arr[arr.length - 1] === null) arr.pop();
      check(TYPE_TAG[ev.type], foreignEncode(arr, { useBigInt64: true, ignoreUndefined: false }), 1, ev.ts);
      for (const [at, op, v] of edits) {
        const i = at % (arr.length + 1);
        if (op === 0) arr[Math.min(i, arr.length - 1)] = v;
        else if (op === 1) arr.splice(i, 1);
        else if (op === 2) arr.push(v);
        else arr.push(null);
      }
      check(TYPE_TAG[ev.type], packr.pack(arr), 7, ev.ts);
    }),
    { ...params, numRuns: 5000 },
  );
});

test('json transcode - wrong tag or ts: declined or the object path line', () => {
  fc.assert(
    fc.property(
      arbEvent().map(asciiOnly),
      fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constantFrom(0, 255, 256, 257, 1.5)),
      fc.oneof(fc.constantFrom(-1n, 0n, 0x7fffffffffffffffn, 0x8000000000000000n), fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n })),
      (ev, tag, ts) => {
        check(tag, encodePayload(ev), 1, ts);
      },
    ),
    { ...params, numRuns: 1000 },
  );
});

test('json transcode - ts digits (the writer without BigInt text): BigInt toString for all of 0..2^63-1', () => {
  const w = new JsonLineWriter(64);
  const one = (ts: bigint): void => {
    w.ns(ts, false);
    assert.is(w.takeText(), ts.toString());
  };
  for (const ts of [0n, 1n, 9n, 10n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 10n ** 18n - 1n, 10n ** 18n, 1700000000000000000n, 0x7fffffffffffffffn]) one(ts);
  for (let k = 9n; k <= 18n; k++) for (const d of [-1n, 0n, 1n, 999999999n, 1000000000n]) if (10n ** k + d >= 0n) one(10n ** k + d);
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 0x7fffffffffffffffn }), one),
    { ...params, numRuns: 5000 },
  );
  // Runs of nearby ts (the digits of the last one's second are reused), across second boundaries and going back.
  fc.assert(
    fc.property(fc.bigInt({ min: 2n ** 53n - 5000n, max: 0x7fffffffffffffffn - 10n ** 12n }), fc.array(fc.bigInt({ min: -(10n ** 9n) - 7n, max: 10n ** 9n + 7n }), { maxLength: 40 }), (t0, deltas) => {
      let ts = t0;
      one(ts);
      for (const d of deltas) {
        ts = ts + d < 0n ? 0n : ts + d;
        one(ts);
        one(ts + 1n);
      }
    }),
    { ...params, numRuns: 2000 },
  );
});

test.run();
