/**
 * Comparing two recordings event by event (`tapedeck diff`, `verify --against`).
 *
 * Alignment is positional: the i-th event of a's filtered stream is compared with the i-th of
 * b's. When one side ends first, every remaining event of the other counts as only in that side.
 * (No resynchronisation after an insertion: for a regression check the first divergence is what
 * matters, and a positional count never hides a shift.)
 *
 * `seq` is not compared unless asked for: it is a position in a log, and a re-recorded range
 * starts at seq 0 where its source started at seq k, with identical events. Seqs are still
 * reported on both sides of a divergence.
 */
import { TapedeckError } from '../errors.js';
import { openRecording } from '../events/recording.js';
import { BASE_KEYS, SPECS } from '../events/schema.js';
import { EVENT_TYPES } from '../events/types.js';
/** Every field name an event can have: what --ignore-fields accepts. */
export const KNOWN_FIELDS = new Set([
    ...BASE_KEYS,
    ...EVENT_TYPES.flatMap((t) => SPECS[t].fields.map((f) => f.name)),
]);
export function diffRecordings(a, b, opts = {}) {
    const ignore = new Set(opts.ignoreFields ?? []);
    for (const f of ignore) {
        if (!KNOWN_FIELDS.has(f)) {
            throw new TapedeckError('BAD_ARGUMENT', `--ignore-fields: "${f}" is not an event field (fields: ${[...KNOWN_FIELDS].join(', ')})`, { field: f });
        }
    }
    if (!opts.compareSeq)
        ignore.add('seq');
    const filters = { runId: opts.runId, types: opts.types, fromTs: opts.from, toTs: opts.to };
    const ca = openRecording(a).cursor(filters);
    let cb = null;
    const counts = { a: 0, b: 0, same: 0, changed: 0, onlyInA: 0, onlyInB: 0 };
    let first = null;
    try {
        cb = openRecording(b).cursor(filters);
        for (let i = 0;; i++) {
            const ea = ca.next();
            const eb = cb.next();
            if (ea === null && eb === null)
                break;
            if (ea)
                counts.a++;
            if (eb)
                counts.b++;
            if (ea && eb) {
                const fields = compareEvents(ea, eb, ignore);
                if (fields.length === 0)
                    counts.same++;
                else {
                    counts.changed++;
                    first ??= { index: i, a: ref(ea), b: ref(eb), fields };
                }
            }
            else if (ea) {
                counts.onlyInA++;
                first ??= { index: i, a: ref(ea), b: null, fields: [] };
            }
            else {
                counts.onlyInB++;
                first ??= { index: i, a: null, b: ref(eb), fields: [] };
            }
        }
    }
    finally {
        ca.close();
        cb?.close();
    }
    return first ? { identical: false, first, counts } : { identical: true, counts };
}
function ref(ev) {
    return { seq: ev.seq ?? -1, ts: ev.ts, type: ev.type };
}
/** The differing fields of two events, in canonical field order (base keys, then a's type's fields, then b's). */
export function compareEvents(a, b, ignore = new Set(['seq'])) {
    const names = [...BASE_KEYS];
    for (const f of SPECS[a.type].fields)
        names.push(f.name);
    if (b.type !== a.type)
        for (const f of SPECS[b.type].fields)
            if (!names.includes(f.name))
                names.push(f.name);
    const ra = a;
    const rb = b;
    const out = [];
    for (const n of names) {
        if (ignore.has(n))
            continue;
        if (!sameValue(ra[n], rb[n]))
            out.push({ field: n, a: ra[n], b: rb[n] });
    }
    return out;
}
/** Exact equality of event field values: -0 and 0 differ (they encode differently). */
function sameValue(x, y) {
    if (Object.is(x, y))
        return true;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null)
        return false;
    const kx = Object.keys(x);
    const ky = Object.keys(y);
    if (kx.length !== ky.length)
        return false;
    const ox = x;
    const oy = y;
    for (const k of kx)
        if (!Object.prototype.hasOwnProperty.call(oy, k) || !Object.is(ox[k], oy[k]))
            return false;
    return true;
}
/** A field value for people: strings quoted, ns exact, -0 kept, absent spelled out. */
export function formatFieldValue(v) {
    if (v === undefined)
        return '(absent)';
    if (typeof v === 'bigint')
        return v.toString();
    if (typeof v === 'number')
        return Object.is(v, -0) ? '-0' : String(v);
    if (typeof v === 'string')
        return JSON.stringify(v);
    return JSON.stringify(toJsonValue(v));
}
/** A JSON-safe copy: bigint → decimal string, undefined → null, -0 → "-0". */
export function toJsonValue(v) {
    if (v === undefined)
        return null;
    if (typeof v === 'bigint')
        return v.toString();
    if (typeof v === 'number')
        return Object.is(v, -0) ? '-0' : v;
    if (Array.isArray(v))
        return v.map(toJsonValue);
    if (typeof v === 'object' && v !== null) {
        const o = {};
        for (const [k, x] of Object.entries(v))
            o[k] = toJsonValue(x);
        return o;
    }
    return v;
}
//# sourceMappingURL=diff.js.map