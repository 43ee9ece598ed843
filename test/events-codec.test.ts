import { decode as foreignDecode } from '@msgpack/msgpack';
import { Packr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError } from '../src/errors.js';
import {
  PACKR_OPTIONS,
  PayloadError,
  createCodec,
  decodePayload,
  encodeEvent,
  encodePayload,
  isCanonicalPayload,
  isKnownTag,
} from '../src/events/codec.js';
import { TYPE_TAG, type TapeEvent } from '../src/events/types.js';
import { SAMPLES, sample } from './events-fixtures.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const roundTrip = (ev: TapeEvent) => decodePayload(TYPE_TAG[ev.type], encodePayload(ev), ev.seq ?? 0, ev.ts);
const foreign = (b: Uint8Array) => foreignDecode(b, { useBigInt64: true });

function payloadError(fn: () => unknown, code: string): PayloadError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, PayloadError);
    assert.instance(e, TapedeckError);
    assert.is((e as PayloadError).code, code, (e as Error).message);
    return e as PayloadError;
  }
  assert.unreachable('decoded');
  throw new Error('unreachable');
}

test('every type round-trips exactly, with seq and ts from the frame', () => {
  for (const ev of SAMPLES) {
    const back = decodePayload(TYPE_TAG[ev.type], encodePayload(ev), 17, ev.ts);
    assert.equal(back, { ...ev, seq: 17 });
    assert.equal(Object.keys(back).slice(0, 4), ['type', 'ts', 'runId', 'seq']);
    assert.is(hex(encodePayload(back)), hex(encodePayload(ev)), 'encode(decode(bytes)) === bytes');
    assert.ok(isCanonicalPayload(TYPE_TAG[ev.type], encodePayload(ev)));
  }
});

test('golden bytes: the documented layout of a minimal tick and an order', () => {
  const tick: TapeEvent = { type: 'tick', ts: 1n, runId: 'r', venue: 'V', symbol: 'S', exchTs: 5n };
  // fixarray(13) "r" nil "V" "S" nil×8 int64(5)
  assert.is(hex(encodePayload(tick)), '9d' + 'a172' + 'c0' + 'a156' + 'a153' + 'c0'.repeat(8) + 'd30000000000000005');
  const order: TapeEvent = { type: 'order', ts: 1n, runId: 'r', cause: 300, orderId: 'o', venue: 'V', symbol: 'S', side: 'sell', kind: 'market', action: 'new', qty: 0.5 };
  // fixarray(10) "r" uint16(300) "o" "V" "S" "sell" "market" "new" nil float64(0.5)
  assert.is(
    hex(encodePayload(order)),
    '9a' + 'a172' + 'cd012c' + 'a16f' + 'a156' + 'a153' + 'a473656c6c' + 'a66d61726b6574' + 'a36e6577' + 'c0' + 'cb3fe0000000000000',
  );
});

test('number rules: int32/uint32 integers in smallest int form, everything else float64', () => {
  const enc = (value: number) => {
    const b = encodePayload({ type: 'signal', ts: 0n, runId: 'r', strategy: 's', symbol: 'S', name: 'n', value });
    return hex(b).slice(hex(b).indexOf('a16e') + 4); // bytes after name "n"
  };
  assert.is(enc(0), '00');
  assert.is(enc(127), '7f');
  assert.is(enc(-32), 'e0');
  assert.is(enc(200), 'ccc8');
  assert.is(enc(2 ** 32 - 1), 'ceffffffff');
  assert.is(enc(-(2 ** 31)), 'd280000000');
  assert.is(enc(2 ** 32), 'cb41f0000000000000');
  assert.is(enc(-(2 ** 31) - 1), 'cbc1e0000000200000');
  assert.is(enc(190.12).slice(0, 2), 'cb');
  assert.is(enc(-0), '00');
});

test('map keys are written in code point order, not JS object order', () => {
  const ev: TapeEvent = { type: 'system', ts: 0n, runId: 'r', kind: 'note', message: '', data: { b: 1, '9': 2, '10': 3, '\u{1F600}': 4, '\uE000': 5 } };
  // fixmap(5): "10"→3, "9"→2, "b"→1, U+E000→5, U+1F600→4 (UTF-16 order would put U+1F600 first)
  const map = '85' + 'a2313003' + 'a13902' + 'a16201' + 'a3ee808005' + 'a4f09f988004';
  assert.is(hex(encodePayload(ev)), '95' + 'a172' + 'c0' + 'a46e6f7465' + 'a0' + map);
});

test('a map already in order is written with the same rules (fixmap, sorted keys)', () => {
  const ev: TapeEvent = { type: 'system', ts: 0n, runId: 'r', kind: 'note', message: '', data: { a: 1, b: 'x' } };
  assert.is(hex(encodePayload(ev)), '95a172c0a46e6f7465a0' + '82' + 'a16101' + 'a162a178');
  const unsorted: TapeEvent = { ...ev, data: { b: 'x', a: 1 } };
  assert.is(hex(encodePayload(unsorted)), hex(encodePayload(ev)));
});

test('an independent decoder (@msgpack/msgpack) reads the documented positional array', () => {
  assert.equal(foreign(encodePayload(sample('tick'))), [
    'run-1', null, 'XNAS', 'AAPL', 190.12, 190.14, 300, 500, 190.13, 100, 'buy', 1234567, 1700000000123000000n,
  ]);
  assert.equal(foreign(encodePayload(sample('order'))), ['run-1', 4, 'o-1', 'XNAS', 'AAPL', 'buy', 'limit', 'new', 190.1, 100, 'day', 'mm']);
  assert.equal(foreign(encodePayload(sample('fill'))), ['run-1', 5, 'f-1', 'o-1', 'XNAS', 'AAPL', 'buy', 190.1, 40, -0.12, 'maker']);
  assert.equal(foreign(encodePayload(sample('signal'))), ['run-1', 1, 'mm', 'AAPL', 'zscore', -1.75, { '10': 'ten', '9': 9, mode: 'ewm', window: 20 }]);
  assert.equal(foreign(encodePayload(sample('risk'))), ['run-1', null, 'max-position', 'warn', 'AAPL', 'position near limit', 950, 1000]);
  assert.equal(foreign(encodePayload(sample('system'))), ['run-1', null, 'session-start', 'recorder started — café', { host: 'a', pid: 1234 }]);
});

test('trailing absent optional fields are trimmed, inner ones are nil', () => {
  const ev: TapeEvent = { type: 'risk', ts: 0n, runId: 'r', rule: 'x', severity: 'kill', detail: 'd', limit: 3 };
  assert.equal(foreign(encodePayload(ev)), ['r', null, 'x', 'kill', null, 'd', null, 3]);
  const { limit: _, ...noLimit } = ev as { limit: number } & TapeEvent;
  assert.equal(foreign(encodePayload(noLimit as TapeEvent)), ['r', null, 'x', 'kill', null, 'd']);
});

test('seq on the event is not part of the payload', () => {
  assert.is(hex(encodePayload({ ...sample('fill'), seq: 99 })), hex(encodePayload(sample('fill'))));
});

test('encodeEvent gives tag, ts and payload', () => {
  const e = encodeEvent(sample('fill'));
  assert.is(e.type, 3);
  assert.is(e.tsNs, 1700000000323456789n);
  assert.is(hex(e.payload), hex(encodePayload(sample('fill'))));
});

test('two separately constructed codecs produce the same bytes', () => {
  const a = createCodec();
  const b = createCodec();
  for (const ev of SAMPLES) {
    assert.is(hex(a.encodePayload(ev)), hex(b.encodePayload(ev)));
    assert.is(hex(a.encodePayload(ev)), hex(encodePayload(ev)));
  }
});

test('the payload survives later encodes (no shared-buffer aliasing)', () => {
  const first = encodePayload(sample('tick'));
  const copy = hex(first);
  for (let i = 0; i < 2000; i++) encodePayload(sample('system'));
  assert.is(hex(first), copy);
});

test('unknown tags: isKnownTag false, decodePayload throws BAD_INPUT', () => {
  assert.ok(isKnownTag(1) && isKnownTag(6) && isKnownTag(7) && isKnownTag(8));
  assert.not.ok(isKnownTag(0));
  assert.not.ok(isKnownTag(99));
  const e = payloadError(() => decodePayload(99, encodePayload(sample('tick')), 3, 1n), 'BAD_INPUT');
  assert.is(e.tag, 99);
  assert.is(e.seq, 3);
});

test('malformed payloads throw CORRUPT_FRAME', () => {
  const good = encodePayload(sample('tick'));
  const pack = (v: unknown) => new Packr({ ...PACKR_OPTIONS }).pack(v);
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['truncated', good.subarray(0, good.length - 3)],
    ['trailing bytes', Buffer.concat([good, Buffer.from([0xc0])])],
    ['not an array', pack({ runId: 'r' })],
    ['too short', pack(['r', null, 'V'])],
    ['too long', pack(['r', null, 'V', 'S', null, null, null, null, null, null, null, null, 5n, 1])],
    ['untrimmed nil', pack(['r', null, 'V', 'S', null])],
    ['empty runId', pack(['', null, 'V', 'S'])],
    ['bad cause', pack(['r', -1, 'V', 'S'])],
    ['required nil', pack(['r', null, null, 'S'])],
    ['wrong type', pack(['r', null, 'V', 'S', '190.1'])],
    ['bad enum', pack(['r', null, 'V', 'S', null, null, null, null, null, null, 'up'])],
    ['negative size', pack(['r', null, 'V', 'S', null, null, -1])],
    ['exchTs as float', pack(['r', null, 'V', 'S', null, null, null, null, null, null, null, null, 5.5])],
    ['negative exchTs', pack(['r', null, 'V', 'S', null, null, null, null, null, null, null, null, -5n])],
  ];
  for (const [name, bytes] of cases) {
    const e = payloadError(() => decodePayload(1, bytes, 9, 1n), 'CORRUPT_FRAME');
    assert.is(e.seq, 9, name);
  }
  payloadError(() => decodePayload(4, pack(['r', null, 's', 'S', 'n', 1, { a: [1] }]), 1, 1n), 'CORRUPT_FRAME');
  payloadError(() => decodePayload(1, good, 1, -1n), 'CORRUPT_FRAME');
});

test('isCanonicalPayload spots valid-but-non-canonical encodings', () => {
  const raw = new Packr({ ...PACKR_OPTIONS });
  const sig = (value: unknown, meta?: unknown) =>
    raw.pack(meta === undefined ? ['r', null, 's', 'S', 'n', value] : ['r', null, 's', 'S', 'n', value, meta]);
  assert.ok(isCanonicalPayload(4, sig(1)));
  // 1 written as float64
  const asFloat = Buffer.from('96a172c0a173a153a16ecb3ff0000000000000', 'hex');
  assert.not.ok(isCanonicalPayload(4, asFloat));
  assert.equal(decodePayload(4, asFloat, 0, 0n), { type: 'signal', ts: 0n, runId: 'r', seq: 0, strategy: 's', symbol: 'S', name: 'n', value: 1 });
  // map keys out of order, and a name not in NFC
  assert.not.ok(isCanonicalPayload(4, sig(1, new Map([['b', 1], ['a', 2]]))));
  assert.ok(isCanonicalPayload(4, sig(1, new Map([['a', 2], ['b', 1]]))));
  assert.not.ok(isCanonicalPayload(4, raw.pack(['r', null, 's', 'S', 'cafe\u0301', 1])));
  assert.not.ok(isCanonicalPayload(99, sig(1)));
});

test.run();
