/** A point in a session: an offset from start (ms number, or a string like '2m30s'), or absolute bigint ns. */
export type TimeSpec = number | string | bigint;
/** A length of time: ms as a number, or a string like '10m', '30s', '1m30s', '250ms', '1.5s'. */
export type DurationSpec = number | string;
/** A duration as integer ns. Numbers are milliseconds. */
export declare function parseDurationNs(spec: DurationSpec, field?: string): number;
/**
 * A session start: bigint ns, or an ISO string. The string must carry its zone (or be a bare date,
 * read as UTC): a zone-less time would be read in the host's zone and differ between machines.
 * Fractions down to the nanosecond are kept (Date.parse alone stops at ms).
 */
export declare function parseStartNs(spec: bigint | string, field?: string): bigint;
/** A time spec as an ns offset from start, checked to lie within [0, durationNs]. */
export declare function resolveOffsetNs(spec: TimeSpec, start: bigint, durationNs: number, field: string): number;
