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
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z$/;

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
 * `YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z` → ns, or a reason it is not one. UTC ('Z') only: an offset
 * would make the same instant spell two ways; leap seconds (:60) are not representable.
 */
function isoToNs(s: string): bigint | string {
  const m = ISO.exec(s);
  if (!m) return 'is not an ISO-8601 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.fffffffff]Z)';
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) {
    return 'is not a valid calendar date and time';
  }
  const frac = m[7] ?? '';
  const secs = BigInt(daysFromCivil(y, mo, d)) * 86_400n + BigInt(h * 3600 + mi * 60 + se);
  return secs * NS_PER_SEC + (frac ? BigInt(frac.padEnd(9, '0')) : 0n);
}

/**
 * A ts input as JSON delivers it: bigint, a JSON integer (≤ Number.MAX_SAFE_INTEGER: above it
 * JSON has already lost digits), a decimal string of ns, or ISO-8601 UTC. Result: int64 ≥ 0.
 */
export function parseTs(input: unknown, field = 'ts', position?: string): bigint {
  let ns: bigint;
  if (typeof input === 'bigint') {
    ns = input;
  } else if (typeof input === 'number') {
    if (!Number.isFinite(input) || !Number.isInteger(input)) {
      throw new ValidationError(field, 'must be an exact integer number of nanoseconds', input, position);
    }
    if (!Number.isSafeInteger(input)) {
      throw new ValidationError(
        field,
        'is a JSON number above 2^53 - 1, where JSON loses digits: write it as a decimal string',
        input,
        position,
      );
    }
    ns = BigInt(input);
  } else if (typeof input === 'string') {
    if (DIGITS.test(input)) {
      ns = BigInt(input);
    } else {
      const r = isoToNs(input);
      if (typeof r === 'string') {
        throw new ValidationError(field, `must be decimal nanoseconds or ISO-8601 UTC: ${r}`, input, position);
      }
      ns = r;
    }
  } else {
    throw new ValidationError(field, 'must be nanoseconds (bigint, integer, decimal string or ISO-8601 UTC)', input, position);
  }
  if (ns < 0n) throw new ValidationError(field, 'must not be negative', input, position);
  if (ns > INT64_MAX) throw new ValidationError(field, 'does not fit int64 nanoseconds', input, position);
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
};
const OFFSET = /^\+(\d+)(?:\.(\d+))?(ns|us|µs|ms|s|m|h)$/;

/**
 * A CLI --from/--to value: decimal ns, ISO-8601 UTC, or an offset from `startNs` such as
 * `+5m`, `+1.5s`, `+250ms`, `+10us`, `+3h` (must come out a whole number of ns).
 */
export function parseTimeArg(s: string, startNs?: bigint): bigint {
  const bad = (why: string) => new TapedeckError('BAD_ARGUMENT', `time "${s}" ${why}`, { arg: s });
  const off = OFFSET.exec(s);
  if (off) {
    if (startNs === undefined) throw bad('is an offset, but there is no start time to add it to');
    const unit = UNIT_NS[off[3] as string] as bigint;
    const frac = off[2] ?? '';
    const scale = 10n ** BigInt(frac.length);
    const scaled = (BigInt(off[1] as string) * scale + (frac ? BigInt(frac) : 0n)) * unit;
    if (scaled % scale !== 0n) throw bad('is not a whole number of nanoseconds');
    const ns = startNs + scaled / scale;
    if (ns > INT64_MAX) throw bad('lands beyond int64 nanoseconds');
    return ns;
  }
  try {
    return parseTs(s, 'time');
  } catch (e) {
    if (e instanceof ValidationError) {
      throw bad('is not nanoseconds, ISO-8601 UTC (…Z) or an offset like +5m, +1.5s, +250ms, +10us, +3h');
    }
    throw e;
  }
}
