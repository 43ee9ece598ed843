/**
 * Time specs of scenario scripts. Offsets and durations are plain ns numbers internally (exact up to
 * ~104 days); absolute times are bigint ns since the epoch, like event `ts`.
 */
import { TapedeckError } from '../errors.js';
const UNIT_NS = { h: 3_600_000_000_000, m: 60_000_000_000, s: 1_000_000_000, ms: 1_000_000, us: 1_000, µs: 1_000, ns: 1 };
const PART = /(\d+(?:\.\d+)?)(h|ms|us|µs|ns|m|s)/y;
/** A duration as integer ns. Numbers are milliseconds. */
export function parseDurationNs(spec, field = 'duration') {
    let ns;
    if (typeof spec === 'number') {
        ns = Math.round(spec * 1_000_000);
    }
    else if (typeof spec === 'string') {
        const s = spec.replace(/\s+/g, '');
        if (/^\d+(\.\d+)?$/.test(s)) {
            ns = Math.round(Number(s) * 1_000_000);
        }
        else {
            ns = 0;
            PART.lastIndex = 0;
            let matched = 0;
            for (let m = PART.exec(s); m; m = PART.exec(s)) {
                ns += Number(m[1]) * UNIT_NS[m[2]];
                matched = PART.lastIndex;
            }
            if (s.length === 0 || matched !== s.length)
                badTime(field, spec, "a duration like '10m', '1m30s', '250ms' or a number of ms");
            ns = Math.round(ns);
        }
    }
    else {
        return badTime(field, spec, 'a number of ms or a duration string');
    }
    if (!Number.isSafeInteger(ns) || ns < 0)
        badTime(field, spec, 'a finite, non-negative duration');
    return ns;
}
const ISO = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}))?$/;
/**
 * A session start: bigint ns, or an ISO string. The string must carry its zone (or be a bare date,
 * read as UTC): a zone-less time would be read in the host's zone and differ between machines.
 * Fractions down to the nanosecond are kept (Date.parse alone stops at ms).
 */
export function parseStartNs(spec, field = 'start') {
    if (typeof spec === 'bigint') {
        if (spec < 0n)
            badTime(field, spec, 'ns since the epoch, >= 0');
        return spec;
    }
    if (typeof spec !== 'string')
        return badTime(field, spec, 'bigint ns or an ISO-8601 string');
    const m = ISO.exec(spec.trim());
    if (!m)
        return badTime(field, spec, "an ISO-8601 time with a zone, like '2024-03-01T14:30:00Z'");
    const [, date, time, frac, zone] = m;
    const ms = Date.parse(time ? `${date}T${time}${zone}` : `${date}T00:00:00Z`);
    if (!Number.isFinite(ms) || ms < 0)
        return badTime(field, spec, 'a valid time at or after 1970');
    return BigInt(ms) * 1000000n + BigInt((frac ?? '').padEnd(9, '0'));
}
/** A time spec as an ns offset from start, checked to lie within [0, durationNs]. */
export function resolveOffsetNs(spec, start, durationNs, field) {
    const off = typeof spec === 'bigint' ? Number(spec - start) : parseDurationNs(spec, field);
    if (!(off >= 0 && off <= durationNs)) {
        badTime(field, typeof spec === 'bigint' ? `${spec}n` : spec, `a time within the session (0 to ${durationNs / 1e6} ms after start)`);
    }
    return off;
}
function badTime(field, value, expected) {
    throw new TapedeckError('BAD_ARGUMENT', `${field}: expected ${expected} (got ${typeof value === 'bigint' ? `${value}n` : JSON.stringify(value)})`, {
        field,
        value: typeof value === 'bigint' ? `${value}n` : value,
    });
}
//# sourceMappingURL=time.js.map