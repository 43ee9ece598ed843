/**
 * Timestamps: exact integer nanoseconds since the Unix epoch, as bigint. All parsing and
 * formatting is integer arithmetic; no Date and no float math touches a nanosecond.
 */
import { TapedeckError, ValidationError } from '../errors.js';
import { INT64_MAX } from './schema.js';

export { INT64_MAX };

const NS_PER_SEC = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SEC;
const DIGITS = /^[0-9]+$/;
const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;
/** Date, optional time (HH:MM[:SS[.f{1,9}]]) with a zone (Z or ±HH[:]MM) that a time requires. */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** The unit of a bare integer time: seconds, milliseconds, microseconds or nanoseconds since the epoch. */
export type TsUnit = 's' | 'ms' | 'us' | 'ns';
export const TS_UNITS: readonly TsUnit[] = ['s', 'ms', 'us', 'ns'];
const TS_UNIT_NS: Readonly<Record<TsUnit, bigint>> = { s: NS_PER_SEC, ms: 1_000_000n, us: 1_000n, ns: 1n };
const TS_UNIT_NAME: Readonly<Record<TsUnit, string>> = { s: 'seconds', ms: 'milliseconds', us: 'microseconds', ns: 'nanoseconds' };

/**
 * "Recent" for the plausibility rule: 1990-01-01 ..< 2100-01-01 UTC, in seconds. A bare integer
 * whose value, read as seconds, milliseconds or microseconds, falls in this range is not taken as
 * nanoseconds (as ns it would be a date in January 1970): it is refused, naming the unit it looks
 * like. The three ranges do not overlap, and none overlaps the same range in ns (1990 in ns is
 * 6.3e17), so the rule never refuses a real nanosecond time of a recent date.
 */
const RECENT_FROM_S = 631_152_000n;
const RECENT_TO_S = 4_102_444_800n;

/** The unit a bare integer looks like when it is implausible as ns of market data, else null. */
export function implausibleNsUnit(n: bigint): Exclude<TsUnit, 'ns'> | null {
  for (const [unit, from, to] of RECENT_BOUNDS) if (n >= from && n < to) return unit;
  return null;
}

/** The recent window in each unit (bigint products computed once, not per parsed ts). */
const RECENT_BOUNDS = (['s', 'ms', 'us'] as const).map((unit) => {
  const scale = NS_PER_SEC / TS_UNIT_NS[unit];
  return [unit, RECENT_FROM_S * scale, RECENT_TO_S * scale] as const;
});

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * ISO-8601 → ns, or a reason it is not one. Accepted: a bare date `YYYY-MM-DD` (midnight UTC), or
 * a date and time `YYYY-MM-DDTHH:MM[:SS[.f{1,9}]]` (or a space for the T) with a zone: `Z` or a UTC
 * offset `±HH:MM` / `±HHMM` / `±HH`. A time without a zone is refused (it names no instant); leap
 * seconds (:60) are not representable.
 */
function isoToNs(s: string): bigint | string {
  const m = ISO.exec(s);
  if (!m) return 'is not ISO-8601 (YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.fffffffff]] with Z or an offset like +01:00)';
  const [y, mo, d] = m.slice(1, 4).map(Number) as [number, number, number];
  const hasTime = m[4] !== undefined;
  const h = hasTime ? Number(m[4]) : 0;
  const mi = hasTime ? Number(m[5]) : 0;
  const se = m[6] !== undefined ? Number(m[6]) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) {
    return 'is not a valid calendar date and time';
  }
  if (hasTime && m[8] === undefined) return 'has a time but no zone: add Z (UTC) or an offset like +01:00';
  let offsetSec = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return 'has an invalid UTC offset';
    offsetSec = (zone[0] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  const frac = m[7] ?? '';
  const secs = BigInt(daysFromCivil(y, mo, d)) * 86_400n + BigInt(h * 3600 + mi * 60 + se - offsetSec);
  return secs * NS_PER_SEC + (frac ? BigInt(frac.padEnd(9, '0')) : 0n);
}

/** `digits[.fraction]` in `unit` → ns exactly, or a reason. */
function unitTextToNs(text: string, unit: TsUnit): bigint | string {
  const m = DECIMAL.exec(text);
  if (!m) return 'is not a decimal number';
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const scaled = (BigInt(m[1]!) * scale + (frac ? BigInt(frac) : 0n)) * TS_UNIT_NS[unit];
  if (scaled % scale !== 0n) return `has more fraction digits than a nanosecond resolves (in ${TS_UNIT_NAME[unit]})`;
  return scaled / scale;
}

function implausibleMessage(n: bigint, unit: Exclude<TsUnit, 'ns'>): string {
  const ns = n * TS_UNIT_NS[unit];
  return (
    `looks like ${TS_UNIT_NAME[unit]} since the epoch (${formatTsIso(ns).replace(/\.?0+Z$/, 'Z')}), not nanoseconds: ` +
    `say the unit with --ts-unit ${unit} (units: ${TS_UNITS.join('|')}), or give ns (${ns})`
  );
}

/**
 * A ts input as JSON or CSV delivers it: bigint, a JSON number, a decimal string, or ISO-8601
 * (a bare date, or a date-time with Z or any UTC offset). Result: int64 ns ≥ 0.
 *
 * Without `unit`, integers are nanoseconds, and one that reads as seconds, milliseconds or
 * microseconds of a recent date (1990–2100) is refused with a message naming that unit and the
 * `--ts-unit` flag: it is never silently read as a 1970 nanosecond time. With `unit`, numbers are
 * in that unit and may carry a fraction down to the nanosecond ("1709303400.25" with unit s).
 * JSON numbers above 2^53 - 1 have already lost digits in the parser and are refused.
 */
export function parseTs(input: unknown, field = 'ts', position?: string, unit?: TsUnit): bigint {
  let ns: bigint;
  if (typeof input === 'bigint') {
    ns = input;
    if (unit !== undefined) ns *= TS_UNIT_NS[unit];
  } else if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new ValidationError(field, 'must be a finite number', input, position);
    if (Math.abs(input) > Number.MAX_SAFE_INTEGER) {
      throw new ValidationError(
        field,
        'is a JSON number above 2^53 - 1, where JSON loses digits: write it as a decimal string',
        input,
        position,
      );
    }
    if (input < 0) throw new ValidationError(field, 'must not be negative', input, position);
    if (unit === undefined || unit === 'ns') {
      if (!Number.isInteger(input)) throw new ValidationError(field, 'must be an exact integer number of nanoseconds', input, position);
      ns = BigInt(input);
    } else {
      const r = unitTextToNs(String(input), unit);
      if (typeof r === 'string') throw new ValidationError(field, r, input, position);
      ns = r;
    }
  } else if (typeof input === 'string') {
    if ((unit === undefined || unit === 'ns') && DIGITS.test(input)) {
      ns = BigInt(input); // the common case: integer nanoseconds as text (what unitTextToNs gives)
    } else if (DIGITS.test(input) || (unit !== undefined && DECIMAL.test(input))) {
      const r = unitTextToNs(input, unit ?? 'ns');
      if (typeof r === 'string') throw new ValidationError(field, r, input, position);
      ns = r;
    } else {
      const r = isoToNs(input);
      if (typeof r === 'string') {
        throw new ValidationError(field, `must be decimal nanoseconds or ISO-8601: ${r}`, input, position);
      }
      ns = r;
      if (ns < 0n) throw new ValidationError(field, 'must not be before 1970-01-01T00:00:00Z', input, position);
      if (ns > INT64_MAX) throw new ValidationError(field, 'does not fit int64 nanoseconds', input, position);
      return ns;
    }
  } else {
    throw new ValidationError(field, 'must be a time (integer ns, decimal string, or ISO-8601)', input, position);
  }
  if (ns < 0n) throw new ValidationError(field, 'must not be negative', input, position);
  if (ns > INT64_MAX) throw new ValidationError(field, 'does not fit int64 nanoseconds', input, position);
  if (unit === undefined) {
    const looks = implausibleNsUnit(ns);
    if (looks) throw new ValidationError(field, implausibleMessage(ns, looks), input, position);
  }
  return ns;
}

/** Canonical text form: the decimal string. */
export function formatTs(ns: bigint): string {
  return ns.toString();
}

/** ISO-8601 UTC with exactly 9 fractional digits; ns must be ≥ 0. */
export function formatTsIso(ns: bigint): string {
  if (ns < 0n) throw new RangeError(`cannot format negative ts ${ns} as ISO`);
  const days = Number(ns / NS_PER_DAY);
  const inDay = ns % NS_PER_DAY;
  const secOfDay = Number(inDay / NS_PER_SEC);
  const frac = (inDay % NS_PER_SEC).toString().padStart(9, '0');
  const [y, m, d] = civilFromDays(days);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const hh = p2(Math.floor(secOfDay / 3600));
  const mm = p2(Math.floor((secOfDay % 3600) / 60));
  const ss = p2(secOfDay % 60);
  return `${String(y).padStart(4, '0')}-${p2(m)}-${p2(d)}T${hh}:${mm}:${ss}.${frac}Z`;
}

const UNIT_NS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  ms: 1_000_000n,
  s: NS_PER_SEC,
  m: 60n * NS_PER_SEC,
  h: 3600n * NS_PER_SEC,
  d: 86_400n * NS_PER_SEC,
};
const OFFSET = /^([+-])(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h|d)$/;

export interface TimeArgOptions {
  /** What `+5m` counts from: the first record's ts. */
  startNs?: bigint;
  /** What `-5s` counts back from: the last record's ts. */
  endNs?: bigint;
  /** The unit of a bare integer (default: ns, with implausible values refused). */
  unit?: TsUnit;
}

/**
 * A CLI time argument (`--from`, `--to`, `--at`, `--before`): decimal ns (or a number in
 * `--ts-unit`), ISO-8601 (a bare date, or a date-time with Z or any UTC offset), or a relative
 * form: `+5m`, `+1.5s`, `+250ms`, `+10us`, `+3h`, `+1d` after the start, `-5s`, `-1m` before the
 * end (a whole number of ns). A bare integer that reads as s/ms/us of a recent date is refused
 * naming the unit and `--ts-unit` (see `parseTs`). Errors are BAD_ARGUMENT (exit 2).
 */
export function parseTimeArg(s: string, startOrOptions?: bigint | TimeArgOptions): bigint {
  const o: TimeArgOptions = typeof startOrOptions === 'bigint' ? { startNs: startOrOptions } : (startOrOptions ?? {});
  const bad = (why: string) => new TapedeckError('BAD_ARGUMENT', `time "${s}" ${why}`, { arg: s });
  const off = OFFSET.exec(s);
  if (off) {
    const fromEnd = off[1] === '-';
    const base = fromEnd ? o.endNs : o.startNs;
    if (base === undefined) throw bad(`is relative to the ${fromEnd ? 'end' : 'start'}, but there is no ${fromEnd ? 'end' : 'start'} time to count from`);
    const unit = UNIT_NS[off[4] as string] as bigint;
    const frac = off[3] ?? '';
    const scale = 10n ** BigInt(frac.length);
    const scaled = (BigInt(off[2] as string) * scale + (frac ? BigInt(frac) : 0n)) * unit;
    if (scaled % scale !== 0n) throw bad('is not a whole number of nanoseconds');
    const ns = fromEnd ? base - scaled / scale : base + scaled / scale;
    if (ns > INT64_MAX) throw bad('lands beyond int64 nanoseconds');
    if (ns < 0n) throw bad('lands before 1970');
    return ns;
  }
  try {
    return parseTs(s, 'time', undefined, o.unit);
  } catch (e) {
    if (e instanceof ValidationError) {
      const why = e.message.replace(/^.*?field "time" /, '').replace(/ \(got .*\)$/, '');
      throw bad(
        /looks like/.test(why)
          ? why
          : `is not a time: ${why.replace(/^must be decimal nanoseconds or ISO-8601: /, '')}; a time is ns, ISO-8601 (2024-03-01, 2024-03-01T14:30:00Z, 2024-03-01T09:30:00-05:00), or relative: +5m after the start, -5s before the end`,
      );
    }
    throw e;
  }
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/;
const DURATION_PART = /(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h|d)/g;

/**
 * A duration with its unit: `500ms`, `1.5s`, `2m`, `100us`, `10ns`, `1h`, `1d`, or parts in a row
 * (`1m30s`, `1h2m3s4ms`) → ns. The one duration rule of tapedeck (CLI flags, scenario scripts). A
 * bare number is refused (which unit would it be?), as is a fraction finer than a nanosecond.
 */
export function parseDurationArg(s: string, flag = 'duration'): bigint {
  const text = s.trim();
  if (!DURATION.test(text)) {
    throw new TapedeckError('BAD_ARGUMENT', `${flag} "${s}" is not a duration with a unit (e.g. 500ms, 1.5s, 2m, 1m30s, 100us, 10ns, 1h, 1d)`, { arg: s });
  }
  let ns = 0n;
  for (const m of text.matchAll(DURATION_PART)) {
    const frac = m[2] ?? '';
    const scale = 10n ** BigInt(frac.length);
    const scaled = (BigInt(m[1]!) * scale + (frac ? BigInt(frac) : 0n)) * (UNIT_NS[m[3]!] as bigint);
    if (scaled % scale !== 0n) throw new TapedeckError('BAD_ARGUMENT', `${flag} "${s}" is not a whole number of nanoseconds`, { arg: s });
    ns += scaled / scale;
  }
  return ns;
}
