import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError, ValidationError } from '../src/errors.js';
import { formatTs, formatTsIso, parseTimeArg, parseTs } from '../src/events/ts.js';

test('ISO with 0..9 fractional digits is exact', () => {
  assert.is(parseTs('2023-11-14T22:13:20Z'), 1700000000000000000n);
  const digits = '123456789';
  for (let k = 1; k <= 9; k++) {
    const frac = digits.slice(0, k);
    assert.is(parseTs(`2023-11-14T22:13:20.${frac}Z`), 1700000000000000000n + BigInt(frac.padEnd(9, '0')), frac);
  }
  assert.is(parseTs('1970-01-01T00:00:00.000000001Z'), 1n);
  assert.is(parseTs('2262-04-11T23:47:16.854775807Z'), 2n ** 63n - 1n);
  assert.is(parseTs('2000-02-29T00:00:00Z'), 951782400n * 1_000_000_000n);
});

test('bad ISO rejected', () => {
  for (const s of [
    '2023-11-14T22:13:20.1234567890Z',
    '2023-11-14T22:13:20',
    '2023-11-14T22:13:20+00:00',
    '2023-11-14 22:13:20Z',
    '2023-13-01T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2023-11-31T00:00:00Z',
    '2023-11-14T24:00:00Z',
    '2023-11-14T23:60:00Z',
    '2023-11-14T23:59:60Z',
    '2023-11-14T22:13:20.Z',
    '1969-12-31T23:59:59.999999999Z',
    '2262-04-11T23:47:16.854775808Z',
    '',
    '-5',
    '+5',
    '1e9',
  ]) {
    try {
      parseTs(s);
      assert.unreachable(s);
    } catch (e) {
      assert.instance(e, ValidationError, s);
      assert.is((e as ValidationError).field, 'ts');
    }
  }
});

test('decimal strings, safe JSON integers and bigints', () => {
  assert.is(parseTs('1700000000123456789'), 1700000000123456789n);
  assert.is(parseTs('0'), 0n);
  assert.is(parseTs(Number.MAX_SAFE_INTEGER), 9007199254740991n);
  assert.is(parseTs(5n), 5n);
  assert.throws(() => parseTs(2 ** 53), /2\^53/);
  assert.throws(() => parseTs(1700000000123456789), /2\^53/);
  assert.throws(() => parseTs(1.5), /integer/);
  assert.throws(() => parseTs(-1), /negative/);
  assert.throws(() => parseTs('9223372036854775808'), /int64/);
  assert.throws(() => parseTs(null), (e: unknown) => e instanceof ValidationError);
  const e = (() => {
    try {
      parseTs('x', 'exchTs', 'line 4');
    } catch (err) {
      return err as ValidationError;
    }
  })();
  assert.is(e?.field, 'exchTs');
  assert.is(e?.position, 'line 4');
});

test('format: decimal and ISO with 9 digits, round-trips', () => {
  assert.is(formatTs(1700000000123456789n), '1700000000123456789');
  assert.is(formatTsIso(1700000000123456789n), '2023-11-14T22:13:20.123456789Z');
  assert.is(formatTsIso(0n), '1970-01-01T00:00:00.000000000Z');
  assert.is(formatTsIso(2n ** 63n - 1n), '2262-04-11T23:47:16.854775807Z');
  for (const ns of [1n, 951782400000000007n, 4102444799999999999n, 1709164800000000000n]) {
    assert.is(parseTs(formatTsIso(ns)), ns);
  }
  assert.throws(() => formatTsIso(-1n), (e: unknown) => e instanceof RangeError);
});

test('parseTimeArg: ns, ISO and offsets from a start', () => {
  const start = 1700000000000000000n;
  assert.is(parseTimeArg('1700000000000000005'), 1700000000000000005n);
  assert.is(parseTimeArg('2023-11-14T22:13:20.5Z'), 1700000000500000000n);
  assert.is(parseTimeArg('+5m', start), start + 300_000_000_000n);
  assert.is(parseTimeArg('+1.5s', start), start + 1_500_000_000n);
  assert.is(parseTimeArg('+250ms', start), start + 250_000_000n);
  assert.is(parseTimeArg('+10us', start), start + 10_000n);
  assert.is(parseTimeArg('+3h', start), start + 3n * 3_600_000_000_000n);
  assert.is(parseTimeArg('+7ns', start), start + 7n);
  assert.is(parseTimeArg('+0.000000001s', start), start + 1n);
});

test('parseTimeArg rejects bad arguments with BAD_ARGUMENT', () => {
  const cases: [string, bigint | undefined][] = [
    ['+5m', undefined],
    ['+1.5ns', 0n],
    ['+5', 0n],
    ['+5d', 0n],
    ['-5m', 0n],
    ['5m', 0n],
    ['yesterday', 0n],
    ['+1000000h', 2n ** 63n - 10n],
  ];
  for (const [s, start] of cases) {
    try {
      parseTimeArg(s, start);
      assert.unreachable(s);
    } catch (e) {
      assert.instance(e, TapedeckError, s);
      assert.is((e as TapedeckError).code, 'BAD_ARGUMENT', s);
    }
  }
});

test.run();
