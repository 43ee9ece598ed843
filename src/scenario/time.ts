/**
 * Time specs of scenario scripts. Offsets and durations are plain ns numbers internally (exact up to
 * ~104 days); absolute times are bigint ns since the epoch, like event `ts`. The text is parsed by the
 * one time and duration rule of events/ts.ts (parseDurationArg, parseTs); this module only adds the
 * scenario API's convention that a bare number is milliseconds.
 */
import { TapedeckError, ValidationError } from '../errors.js';
import { parseDurationArg, parseTs } from '../events/ts.js';

/** A point in a session: an offset from start (ms number, or a string like '2m30s'), or absolute bigint ns. */
export type TimeSpec = number | string | bigint;
/** A length of time: ms as a number, or a string like '10m', '30s', '1m30s', '250ms', '1.5s'. */
export type DurationSpec = number | string;

const MS_NUMBER = /^\d+(\.\d+)?$/;

/** A duration as integer ns. Numbers (and strings of digits) are milliseconds. */
export function parseDurationNs(spec: DurationSpec, field = 'duration'): number {
  let text: string;
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec) || spec < 0) return badTime(field, spec, 'a finite, non-negative duration');
    // Exact decimal text of the double (no exponent for durations this small) in ms.
    text = `${spec.toFixed(6).replace(/\.?0+$/, '')}ms`;
  } else if (typeof spec === 'string') {
    const s = spec.replace(/\s+/g, '');
    text = MS_NUMBER.test(s) ? `${s}ms` : s;
  } else {
    return badTime(field, spec, 'a number of ms or a duration string');
  }
  let ns: bigint;
  try {
    ns = parseDurationArg(text, field);
  } catch {
    return badTime(field, spec, "a duration like '10m', '1m30s', '250ms' or a number of ms");
  }
  if (ns > BigInt(Number.MAX_SAFE_INTEGER)) return badTime(field, spec, 'a finite, non-negative duration');
  return Number(ns);
}

/**
 * A session start: bigint ns, or an ISO string. The string must carry its zone (or be a bare date,
 * read as UTC): a zone-less time would be read in the host's zone and differ between machines.
 * Fractions down to the nanosecond are kept.
 */
export function parseStartNs(spec: bigint | string, field = 'start'): bigint {
  if (typeof spec === 'bigint') {
    if (spec < 0n) badTime(field, spec, 'ns since the epoch, >= 0');
    return spec;
  }
  if (typeof spec !== 'string' || !/^\d{4}-/.test(spec.trim())) return badTime(field, spec, "bigint ns or an ISO-8601 time with a zone, like '2024-03-01T14:30:00Z'");
  try {
    return parseTs(spec.trim(), field);
  } catch (e) {
    if (e instanceof ValidationError) return badTime(field, spec, "an ISO-8601 time with a zone, like '2024-03-01T14:30:00Z'");
    throw e;
  }
}

/** A time spec as an ns offset from start, checked to lie within [0, durationNs]. */
export function resolveOffsetNs(spec: TimeSpec, start: bigint, durationNs: number, field: string): number {
  const off = typeof spec === 'bigint' ? Number(spec - start) : parseDurationNs(spec, field);
  if (!(off >= 0 && off <= durationNs)) {
    badTime(field, typeof spec === 'bigint' ? `${spec}n` : spec, `a time within the session (0 to ${durationNs / 1e6} ms after start)`);
  }
  return off;
}

function badTime(field: string, value: unknown, expected: string): never {
  throw new TapedeckError('BAD_ARGUMENT', `${field}: expected ${expected} (got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)})`, {
    field,
    value: typeof value === 'bigint' ? `${value}n` : value,
  });
}
