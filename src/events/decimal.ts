/**
 * Exact decimals: the prices and sizes a venue sends, kept with its digits and its scale.
 *
 * A Decimal is `mantissa × 10^exponent` with an integer mantissa in the int64 range and an
 * exponent in -128..127. "61837.63000000" is mantissa 6183763000000, exponent -8: the venue's
 * eight decimal places survive (a double would print 61837.63), and so does every digit of
 * "123456789.123456789" (a double keeps 17 significant digits). Two decimals with different
 * scales are different values of this type ("0.5" and "0.50" are not the same Decimal) but compare
 * equal with `compareDecimals` and share a `key`.
 *
 * The plain `number` view (`value`, also `valueOf()`) is computed once, on construction, and is
 * the double nearest to the exact value (what Number(text) gives), so a strategy that does
 * arithmetic in doubles pays one division. Exact work (book sizes, checksums) uses mantissa,
 * exponent and text.
 *
 * Canonical text (JSON, CSV): the mantissa's digits with a point placed `-exponent` digits from the
 * right when the exponent is ≤ 0 ("0.50", "-12", "0.0001", "100"), and `<mantissa>e<exponent>` when
 * it is positive ("1e3": a mantissa 1 with exponent 3 is not the Decimal "1000"). Text → Decimal →
 * text is the identity on canonical text; -0 has no spelling of its own ("-0.00" reads as "0.00").
 */
import { ValidationError } from '../errors.js';

export const DECIMAL_EXPONENT_MIN = -128;
export const DECIMAL_EXPONENT_MAX = 127;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Powers of ten a double holds exactly (10^0 .. 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Lenient input: optional sign, digits, optional fraction, optional exponent. */
const DECIMAL_TEXT = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

export class Decimal {
  /** The integer mantissa: a safe integer number, or a bigint when |mantissa| > 2^53 - 1. */
  readonly mantissa: number | bigint;
  /** value = mantissa × 10^exponent; -128..127. */
  readonly exponent: number;
  /** The double nearest to the exact value. */
  readonly value: number;

  /**
   * From a mantissa and exponent. A bigint mantissa within the safe range is stored as a number
   * (one representation per value keeps equality structural). Throws RangeError outside int64.
   */
  constructor(mantissa: number | bigint, exponent: number) {
    if (!Number.isInteger(exponent) || exponent < DECIMAL_EXPONENT_MIN || exponent > DECIMAL_EXPONENT_MAX) {
      throw new RangeError(`decimal exponent ${exponent} is outside ${DECIMAL_EXPONENT_MIN}..${DECIMAL_EXPONENT_MAX}`);
    }
    if (typeof mantissa === 'number') {
      if (!Number.isSafeInteger(mantissa)) throw new RangeError(`decimal mantissa ${mantissa} is not a safe integer (pass a bigint)`);
      this.mantissa = mantissa === 0 ? 0 : mantissa;
    } else {
      if (mantissa < INT64_MIN || mantissa > INT64_MAX) throw new RangeError(`decimal mantissa ${mantissa} is outside the int64 range`);
      this.mantissa = mantissa >= -9007199254740991n && mantissa <= 9007199254740991n ? Number(mantissa) : mantissa;
    }
    this.exponent = exponent;
    this.value = numberView(this.mantissa, exponent);
  }

  /** Parses decimal text ("61837.63000000", "-0.5", "1e3", "2.5E-7"); throws RangeError if it is not one. */
  static parse(text: string): Decimal {
    const m = DECIMAL_TEXT.exec(text);
    if (m === null) throw new RangeError(`"${text.length > 40 ? `${text.slice(0, 40)}…` : text}" is not a decimal number`);
    const frac = m[3] ?? '';
    const exp = (m[4] === undefined ? 0 : Number(m[4])) - frac.length;
    const digits = (m[2]! + frac).replace(/^0+(?=\d)/, '');
    if (digits.length > 19) throw new RangeError(`"${text}" has more digits than an int64 mantissa holds`);
    const neg = m[1] === '-';
    const mant = digits.length <= 15 ? Number(digits) * (neg ? -1 : 1) : BigInt(digits) * (neg ? -1n : 1n);
    return new Decimal(mant, exp);
  }

  /** The shortest decimal that reads back as this double (JSON.stringify's digits); throws for non-finite. */
  static fromNumber(n: number): Decimal {
    if (!Number.isFinite(n)) throw new RangeError(`cannot make a decimal of ${n}`);
    return Decimal.parse(String(n));
  }

  /** Canonical text (see the module comment). */
  toString(): string {
    return decimalText(this.mantissa, this.exponent);
  }

  toJSON(): string {
    return this.toString();
  }

  valueOf(): number {
    return this.value;
  }

  /** The mantissa as a bigint. */
  get bigMantissa(): bigint {
    return typeof this.mantissa === 'bigint' ? this.mantissa : BigInt(this.mantissa);
  }

  isZero(): boolean {
    return this.mantissa === 0;
  }

  /**
   * The value with trailing zeros dropped, as canonical text: equal for equal values at any scale
   * ("0.50" and "0.5" both give "0.5"), so it keys a price level.
   */
  get key(): string {
    return normalized(this).toString();
  }

  /** Same value (at any scale). */
  equalsValue(other: Decimal): boolean {
    return compareDecimals(this, other) === 0;
  }
}

/** Canonical text of mantissa × 10^exponent. */
function decimalText(mantissa: number | bigint, exponent: number): string {
  if (exponent > 0) return `${mantissa}e${exponent}`;
  if (exponent === 0) return `${mantissa}`;
  const neg = mantissa < 0;
  let digits = (neg ? -mantissa : mantissa).toString();
  const places = -exponent;
  if (digits.length <= places) digits = '0'.repeat(places - digits.length + 1) + digits;
  const at = digits.length - places;
  return `${neg ? '-' : ''}${digits.slice(0, at)}.${digits.slice(at)}`;
}

function numberView(mantissa: number | bigint, exponent: number): number {
  // One correctly rounded operation on two exact doubles is the nearest double to the true value.
  if (typeof mantissa === 'number') {
    if (exponent === 0) return mantissa;
    if (exponent < 0 && exponent >= -22) return mantissa / POW10[-exponent]!;
    if (exponent > 0 && exponent <= 22) return mantissa * POW10[exponent]!;
  }
  return Number(decimalText(mantissa, exponent).replace(/e/, 'e+'));
}

/** The same value with trailing zeros of the mantissa removed (exponent raised accordingly). */
function normalized(d: Decimal): Decimal {
  let m = d.bigMantissa;
  let e = d.exponent;
  if (m === 0n) return e === 0 ? d : new Decimal(0, 0);
  let changed = false;
  while (m % 10n === 0n && e < DECIMAL_EXPONENT_MAX) {
    m /= 10n;
    e++;
    changed = true;
  }
  return changed ? new Decimal(m, e) : d;
}

/** -1, 0 or 1 by exact value (scale ignored). */
export function compareDecimals(a: Decimal, b: Decimal): number {
  if (typeof a.mantissa === 'number' && typeof b.mantissa === 'number' && a.exponent === b.exponent) {
    return a.mantissa < b.mantissa ? -1 : a.mantissa > b.mantissa ? 1 : 0;
  }
  let ma = a.bigMantissa;
  let mb = b.bigMantissa;
  if (a.exponent > b.exponent) ma *= 10n ** BigInt(a.exponent - b.exponent);
  else if (b.exponent > a.exponent) mb *= 10n ** BigInt(b.exponent - a.exponent);
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

/** Exact sum or difference at the finer of the two scales. */
export function addDecimals(a: Decimal, b: Decimal, sign: 1 | -1 = 1): Decimal {
  const e = Math.min(a.exponent, b.exponent);
  const ma = a.bigMantissa * 10n ** BigInt(a.exponent - e);
  const mb = b.bigMantissa * 10n ** BigInt(b.exponent - e);
  return new Decimal(sign === 1 ? ma + mb : ma - mb, e);
}

/** A price or size: an exact Decimal (schema v2) or a double (schema v1, simulations). */
export type Num = number | Decimal;

/** The plain number view of a Num (undefined stays undefined). */
export function toNumber(x: Num): number;
export function toNumber(x: Num | undefined): number | undefined;
export function toNumber(x: Num | undefined): number | undefined {
  return x === undefined ? undefined : typeof x === 'number' ? x : x.value;
}

/** The Decimal of a Num: a double becomes its shortest decimal. */
export function toDecimal(x: Num): Decimal {
  return typeof x === 'number' ? Decimal.fromNumber(x) : x;
}

/** Decimal.parse with a ValidationError naming the field and position. */
export function parseDecimalField(field: string, text: string, position?: string): Decimal {
  try {
    return Decimal.parse(text);
  } catch (e) {
    throw new ValidationError(field, e instanceof Error ? e.message : String(e), text, position);
  }
}
