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
    assert.is(parseTs('2000-02-29T00:00:00Z'), 951782400n * 1000000000n);
});
test('bad ISO rejected', () => {
    for (const s of [
        '2023-11-14T22:13:20.1234567890Z',
        '2023-11-14T22:13:20',
        '2023-11-14T22:13:20+24:00',
        '2023-11-14T22:13:20+01:60',
        '2023-11-14T',
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
        }
        catch (e) {
            assert.instance(e, ValidationError, s);
            assert.is(e.field, 'ts');
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
    assert.throws(() => parseTs(null), (e) => e instanceof ValidationError);
    const e = (() => {
        try {
            parseTs('x', 'exchTs', 'line 4');
        }
        catch (err) {
            return err;
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
    assert.throws(() => formatTsIso(-1n), (e) => e instanceof RangeError);
});
test('parseTimeArg: ns, ISO and offsets from a start', () => {
    const start = 1700000000000000000n;
    assert.is(parseTimeArg('1700000000000000005'), 1700000000000000005n);
    assert.is(parseTimeArg('2023-11-14T22:13:20.5Z'), 1700000000500000000n);
    assert.is(parseTimeArg('+5m', start), start + 300000000000n);
    assert.is(parseTimeArg('+1.5s', start), start + 1500000000n);
    assert.is(parseTimeArg('+250ms', start), start + 250000000n);
    assert.is(parseTimeArg('+10us', start), start + 10000n);
    assert.is(parseTimeArg('+3h', start), start + 3n * 3600000000000n);
    assert.is(parseTimeArg('+7ns', start), start + 7n);
    assert.is(parseTimeArg('+0.000000001s', start), start + 1n);
});
test('parseTimeArg rejects bad arguments with BAD_ARGUMENT', () => {
    const cases = [
        ['+5m', undefined],
        ['+1.5ns', 0n],
        ['+5', 0n],
        ['+5w', 0n],
        ['-5m', 0n],
        ['-5m', undefined],
        ['5m', 0n],
        ['yesterday', 0n],
        ['+1000000h', 2n ** 63n - 10n],
    ];
    for (const [s, start] of cases) {
        try {
            parseTimeArg(s, start);
            assert.unreachable(s);
        }
        catch (e) {
            assert.instance(e, TapedeckError, s);
            assert.is(e.code, 'BAD_ARGUMENT', s);
        }
    }
});
test('ISO-8601 with any UTC offset, a space for the T, minutes-only time, and a bare date', () => {
    const t = 1700000000000000000n; // 2023-11-14T22:13:20Z
    assert.is(parseTs('2023-11-14T23:13:20+01:00'), t);
    assert.is(parseTs('2023-11-14T17:13:20-05:00'), t);
    assert.is(parseTs('2023-11-14T17:13:20-0500'), t);
    assert.is(parseTs('2023-11-15T03:43:20+05:30'), t);
    assert.is(parseTs('2023-11-14T23:13:20+01'), t);
    assert.is(parseTs('2023-11-14 22:13:20Z'), t);
    assert.is(parseTs('2023-11-14T22:13:20.000000001+00:00'), t + 1n);
    assert.is(parseTs('2023-11-14T22:13Z'), t - 20000000000n);
    assert.is(parseTs('2023-11-14'), t - (22n * 3600n + 13n * 60n + 20n) * 1000000000n);
    assert.throws(() => parseTs('2023-11-14T22:13:20'), /no zone: add Z/);
    assert.throws(() => parseTs('1970-01-01T00:30:00+01:00'), /before 1970/);
});
test('a bare integer that reads as s, ms or us of a recent date is refused, naming the unit and --ts-unit', () => {
    const cases = [
        [1709303460, 'seconds', '--ts-unit s'],
        ['1709303460', 'seconds', '--ts-unit s'],
        [1709303460123, 'milliseconds', '--ts-unit ms'],
        ['1709303460123456', 'microseconds', '--ts-unit us'],
        [631152000, 'seconds', '--ts-unit s'],
    ];
    for (const [v, unit, flag] of cases) {
        try {
            parseTs(v, 'ts', 'line 3');
            assert.unreachable(String(v));
        }
        catch (e) {
            assert.instance(e, ValidationError);
            assert.is(e.field, 'ts');
            assert.match(e.message, `looks like ${unit} since the epoch`);
            assert.match(e.message, flag);
            assert.match(e.message, /^line 3: /);
        }
    }
    assert.match(String((() => { try {
        parseTs(1709303460);
    }
    catch (e) {
        return e.message;
    } })()), '(2024-03-01T14:31:00Z)');
    // Outside the recent range in every unit: taken as ns (tests and synthetic data use small ns).
    for (const v of [0, 1, 5, 1000, 631151999, 4102444800, 4102444800000000, 1709303460123456789n])
        parseTs(v);
    // Real ns of a recent date are never refused.
    assert.is(parseTs('1709303460123456789'), 1709303460123456789n);
    assert.is(parseTs('631152000000000000'), 631152000000000000n);
});
test('--ts-unit: numbers in s, ms, us or ns become exact ns, fractions down to the ns', () => {
    assert.is(parseTs(1709303460, 'ts', undefined, 's'), 1709303460000000000n);
    assert.is(parseTs('1709303460.123456789', 'ts', undefined, 's'), 1709303460123456789n);
    assert.is(parseTs(1709303460.25, 'ts', undefined, 's'), 1709303460250000000n);
    assert.is(parseTs(1709303460123, 'ts', undefined, 'ms'), 1709303460123000000n);
    assert.is(parseTs('1709303460123456', 'ts', undefined, 'us'), 1709303460123456000n);
    assert.is(parseTs('1709303460123456.5', 'ts', undefined, 'us'), 1709303460123456500n);
    assert.is(parseTs('5', 'ts', undefined, 'ns'), 5n);
    assert.is(parseTs(1709303460n, 'ts', undefined, 's'), 1709303460000000000n);
    assert.is(parseTs('2024-03-01T14:31:00Z', 'ts', undefined, 's'), 1709303460000000000n, 'ISO is unit-free');
    assert.throws(() => parseTs('1.0000000001', 'ts', undefined, 's'), /more fraction digits/);
    assert.throws(() => parseTs('1.5', 'ts', undefined, 'ns'), /fraction digits/);
});
test('parseTimeArg: -5s from the end, +1d, units, offsets, and the implausible-unit message', () => {
    const start = 1700000000000000000n;
    const end = 1700000060000000000n;
    assert.is(parseTimeArg('-5s', { startNs: start, endNs: end }), end - 5000000000n);
    assert.is(parseTimeArg('-1.5m', { endNs: end }), end - 90000000000n);
    assert.is(parseTimeArg('+1d', { startNs: start }), start + 86400000000000n);
    assert.is(parseTimeArg('+5m', start), start + 300000000000n, 'a bare start still works');
    assert.is(parseTimeArg('2023-11-14T17:13:20-05:00'), start);
    assert.is(parseTimeArg('2023-11-14'), 1699920000000000000n);
    assert.is(parseTimeArg('1700000000', { unit: 's' }), start);
    try {
        parseTimeArg('1709303460');
        assert.unreachable();
    }
    catch (e) {
        assert.is(e.code, 'BAD_ARGUMENT');
        assert.match(e.message, /time "1709303460" looks like seconds since the epoch \(2024-03-01T14:31:00Z\)/);
        assert.match(e.message, /--ts-unit s/);
    }
    assert.throws(() => parseTimeArg('-5s', { endNs: 1n }), /before 1970/);
});
test.run();
//# sourceMappingURL=events-ts.test.js.map