/** Exact decimals: parsing, canonical text, the number view, comparison, and lossless JSON/binary. */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../src/errors.js';
import { decodePayload, encodePayload, isCanonicalPayload } from '../src/events/codec.js';
import { addDecimals, compareDecimals, Decimal, toNumber } from '../src/events/decimal.js';
import { eventToJson, parseJsonEvent } from '../src/events/json.js';
import { TYPE_TAG, type TickEvent } from '../src/events/types.js';
import { csvHeader, eventToCsvRow } from '../src/ops/csv.js';
import { CsvEvents, splitCsvRecord } from '../src/record/csv.js';
import { validateEvent } from '../src/events/validate.js';
import { arbDecimal } from './events-arbitraries.js';

const params = { seed: 20261129, numRuns: 2000 };

test('decimal - keeps the venue scale and every digit', () => {
  const d = Decimal.parse('61837.63000000');
  assert.is(d.mantissa, 6183763000000);
  assert.is(d.exponent, -8);
  assert.is(d.toString(), '61837.63000000');
  assert.is(d.value, 61837.63);
  const long = Decimal.parse('123456789.123456789');
  assert.is(long.mantissa, 123456789123456789n);
  assert.is(long.toString(), '123456789.123456789');
  assert.is(long.value, 123456789.12345679);
  assert.is(Decimal.parse('0.00012000').toString(), '0.00012000');
  assert.is(Decimal.parse('-0.5').toString(), '-0.5');
  assert.is(Decimal.parse('-0.00').toString(), '0.00'); // -0 has no spelling of its own
  assert.is(Decimal.parse('007.10').toString(), '7.10');
  assert.is(Decimal.parse('1e3').toString(), '1e3');
  assert.is(Decimal.parse('2.5E-7').toString(), '0.00000025');
  assert.is(Decimal.parse('+12').toString(), '12');
  assert.is(Decimal.parse('1e3').value, 1000);
});

test('decimal - refuses what is not a decimal or does not fit', () => {
  for (const bad of ['', '.5', '5.', '1,5', 'NaN', 'Infinity', '0x10', ' 1', '1 ', '1e', '--1', '12345678901234567890']) {
    assert.throws(() => Decimal.parse(bad), RangeError, bad);
  }
  assert.throws(() => new Decimal(1, 128), RangeError);
  assert.throws(() => new Decimal(1.5, 0), RangeError);
  assert.throws(() => new Decimal(2n ** 63n, 0), RangeError);
  assert.not.throws(() => new Decimal(-(2n ** 63n), 0));
});

test('decimal - text → Decimal → text is the identity on canonical text, and the number view is Number(text)', () => {
  fc.assert(
    fc.property(arbDecimal(), (d) => {
      const t = d.toString();
      const again = Decimal.parse(t);
      assert.equal(again, d);
      assert.is(again.toString(), t);
      assert.is(d.value, Number(t.replace('e', 'e+')));
      assert.is(+d, d.value);
    }),
    params,
  );
});

test('decimal - one representation per value: a safe bigint mantissa becomes a number', () => {
  assert.equal(new Decimal(5n, -1), new Decimal(5, -1));
  assert.is(typeof new Decimal(2n ** 53n, 0).mantissa, 'bigint');
  assert.is(typeof new Decimal(2n ** 53n - 1n, 0).mantissa, 'number');
});

test('decimal - compare and key ignore scale; add is exact', () => {
  const a = Decimal.parse('0.50');
  const b = Decimal.parse('0.5');
  assert.is(compareDecimals(a, b), 0);
  assert.is(a.key, b.key);
  assert.is(a.key, '0.5');
  assert.is(Decimal.parse('100').key, '1e2');
  assert.is(Decimal.parse('0.000').key, '0');
  assert.is(compareDecimals(Decimal.parse('61837.63'), Decimal.parse('61837.6300001')), -1);
  assert.is(compareDecimals(Decimal.parse('-1'), Decimal.parse('-1.5')), 1);
  assert.is(addDecimals(Decimal.parse('0.1'), Decimal.parse('0.20')).toString(), '0.30');
  assert.is(addDecimals(Decimal.parse('1.5'), Decimal.parse('0.25'), -1).toString(), '1.25');
  fc.assert(
    fc.property(arbDecimal(), arbDecimal(), (x, y) => {
      const c = compareDecimals(x, y);
      assert.is(compareDecimals(y, x), -c);
      if (c === 0) assert.is(x.key, y.key);
      // The number view never orders the other way round.
      if (c < 0) assert.ok(x.value <= y.value);
    }),
    params,
  );
});

test('decimal - toNumber gives the plain view of a number or a Decimal', () => {
  assert.is(toNumber(1.5), 1.5);
  assert.is(toNumber(Decimal.parse('1.50')), 1.5);
  assert.is(toNumber(undefined), undefined);
});

const tick = (fields: Record<string, unknown>): TickEvent =>
  validateEvent({ type: 'tick', ts: 1_700_000_000_000_000_000n, runId: 'r', venue: 'binance-spot', symbol: 'BTCUSDT', ...fields }) as TickEvent;

test('decimal - canonical JSON: decimals as strings, numbers as numbers; export → import → export is byte-identical', () => {
  const ev = tick({ bid: '61837.63000000', ask: Decimal.parse('61837.64000000'), bidSize: 1.5, last: '123456789.123456789', tradeId: '3700000000' });
  const line = eventToJson(ev);
  assert.is(
    line,
    '{"type":"tick","ts":"1700000000000000000","runId":"r","venue":"binance-spot","symbol":"BTCUSDT","bid":"61837.63000000","ask":"61837.64000000","bidSize":1.5,"last":"123456789.123456789","tradeId":"3700000000"}',
  );
  assert.is(eventToJson(parseJsonEvent(line)), line);
  assert.instance((parseJsonEvent(line) as TickEvent).bid, Decimal);
  assert.is(typeof (parseJsonEvent(line) as TickEvent).bidSize, 'number');
});

test('decimal - a bad decimal string in JSON names the field and the line', () => {
  try {
    parseJsonEvent('{"type":"tick","ts":"1","runId":"r","venue":"V","symbol":"S","bid":"1.2.3"}', 'line 7');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ValidationError);
    assert.is((e as ValidationError).field, 'bid');
    assert.match((e as Error).message, /line 7/);
  }
});

test('decimal - binary: [mantissa, exponent], int64 for large mantissas; decode gives the same Decimal; canonical', () => {
  const ev = tick({ bid: '61837.63000000', ask: '0.5' });
  const bytes = encodePayload(ev);
  // bid: 92 d3 0000059fc4ff3ac0 (6183763000000) f8 (-8); ask: 92 05 ff (5, -1)
  const hex = bytes.toString('hex');
  assert.ok(hex.includes('92d30000059fc4ff3ac0f8'), hex);
  assert.ok(hex.endsWith('9205ff'), hex);
  const back = decodePayload(TYPE_TAG.tick, bytes, 0, ev.ts);
  assert.equal(back, { ...ev, seq: 0 });
  assert.ok(isCanonicalPayload(TYPE_TAG.tick, bytes));
  fc.assert(
    fc.property(arbDecimal(), arbDecimal(), (a, b) => {
      const e = tick({ last: a, volume: b.mantissa < 0 ? 0 : b });
      const p = encodePayload(e);
      assert.equal(decodePayload(TYPE_TAG.tick, p, 1, e.ts), { ...e, seq: 1 });
      assert.ok(isCanonicalPayload(TYPE_TAG.tick, p));
      assert.is(eventToJson(parseJsonEvent(eventToJson(e))), eventToJson(e));
    }),
    params,
  );
});

test('decimal - CSV: a decimal is a quoted cell, a double an unquoted one; export → import → export is byte-identical', () => {
  const ev = tick({ bid: '61837.63000000', ask: 61837.64, bidSize: '0.50', tradeId: '42' });
  const row = eventToCsvRow(ev);
  assert.is(row, 'tick,1700000000000000000,r,,,binance-spot,BTCUSDT,"61837.63000000",61837.64,"0.50",,,,,,,42,\n');
  const reader = new CsvEvents(splitCsvRecord(csvHeader('tick').trimEnd())!);
  const raw = reader.push(row.trimEnd()) as Record<string, unknown>;
  const back = validateEvent({ ...raw, ts: BigInt(raw.ts as string) });
  assert.instance((back as TickEvent).bid, Decimal);
  assert.is(typeof (back as TickEvent).ask, 'number');
  assert.is(eventToCsvRow(back), row);
});

test.run();
