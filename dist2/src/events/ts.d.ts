import { INT64_MAX } from './schema.js';
export { INT64_MAX };
/** The unit of a bare integer time: seconds, milliseconds, microseconds or nanoseconds since the epoch. */
export type TsUnit = 's' | 'ms' | 'us' | 'ns';
export declare const TS_UNITS: readonly TsUnit[];
/** The unit a bare integer looks like when it is implausible as ns of market data, else null. */
export declare function implausibleNsUnit(n: bigint): Exclude<TsUnit, 'ns'> | null;
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
export declare function parseTs(input: unknown, field?: string, position?: string, unit?: TsUnit): bigint;
/** Canonical text form: the decimal string. */
export declare function formatTs(ns: bigint): string;
/** ISO-8601 UTC with exactly 9 fractional digits; ns must be ≥ 0. */
export declare function formatTsIso(ns: bigint): string;
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
export declare function parseTimeArg(s: string, startOrOptions?: bigint | TimeArgOptions): bigint;
