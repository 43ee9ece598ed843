/**
 * validateEvent: the one gate every event passes before it is written. It checks every field,
 * rejects what the log could not store exactly, and returns a fresh, normalised event whose keys
 * are in canonical order, so everything downstream (JSON, binary) can encode without re-checking.
 */
import { ValidationError } from '../errors.js';
import { INT64_MAX, isWellFormed, sortedKeys, specOf } from './schema.js';
function isPlainObject(v) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}
function str(field, v, nonEmpty, pos) {
    if (typeof v !== 'string')
        throw new ValidationError(field, 'must be a string', v, pos);
    if (!isWellFormed(v))
        throw new ValidationError(field, 'contains a lone UTF-16 surrogate', v, pos);
    const s = v.normalize('NFC');
    if (nonEmpty && s.length === 0)
        throw new ValidationError(field, 'must not be empty', v, pos);
    return s;
}
function num(field, v, pos) {
    if (typeof v !== 'number')
        throw new ValidationError(field, 'must be a number', v, pos);
    if (!Number.isFinite(v))
        throw new ValidationError(field, 'must be a finite number', v, pos);
    return v === 0 ? 0 : v; // -0 → 0: one spelling per value
}
function ns(field, v, pos) {
    if (typeof v !== 'bigint') {
        throw new ValidationError(field, 'must be a bigint of nanoseconds (parse text with parseTs)', v, pos);
    }
    if (v < 0n || v > INT64_MAX)
        throw new ValidationError(field, 'must be within 0..2^63-1 nanoseconds', v, pos);
    return v;
}
function count(field, v, pos) {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw new ValidationError(field, 'must be a non-negative safe integer', v, pos);
    }
    return v === 0 ? 0 : v;
}
function flatMap(field, v, pos) {
    if (!isPlainObject(v))
        throw new ValidationError(field, 'must be a flat object of strings and numbers', v, pos);
    const out = {};
    const seen = new Set();
    for (const rawKey of sortedKeys(v)) {
        const kf = `${field}.${rawKey}`;
        const key = str(kf, rawKey, false, pos);
        // msgpackr and JSON.parse treat "__proto__" specially; refusing it keeps maps plain data.
        if (key === '__proto__')
            throw new ValidationError(kf, 'is a reserved key', rawKey, pos);
        if (seen.has(key))
            throw new ValidationError(kf, 'duplicates another key after NFC normalisation', rawKey, pos);
        seen.add(key);
        const val = v[rawKey];
        if (typeof val === 'string')
            out[key] = str(kf, val, false, pos);
        else if (typeof val === 'number')
            out[key] = num(kf, val, pos);
        else
            throw new ValidationError(kf, 'must be a string or a finite number', val, pos);
    }
    return out;
}
function field(fs, v, pos) {
    const name = fs.name;
    switch (fs.kind) {
        case 'id':
            return str(name, v, true, pos);
        case 'text':
            return str(name, v, false, pos);
        case 'enum':
            if (typeof v !== 'string' || !fs.values.has(v)) {
                throw new ValidationError(name, `must be one of ${[...fs.values].join('|')}`, v, pos);
            }
            return v;
        case 'num':
            return num(name, v, pos);
        case 'nonneg': {
            const n = num(name, v, pos);
            if (n < 0)
                throw new ValidationError(name, 'must not be negative', v, pos);
            return n;
        }
        case 'pos': {
            const n = num(name, v, pos);
            if (n <= 0)
                throw new ValidationError(name, 'must be greater than 0', v, pos);
            return n;
        }
        case 'ns':
            return ns(name, v, pos);
        case 'map':
            return flatMap(name, v, pos);
    }
}
/**
 * Check an event of unknown shape and return a new, normalised copy: strings NFC, -0 → 0, keys
 * in canonical order (type, ts, runId, seq, cause, then the type's fields), absent optional
 * fields and undefined-valued keys dropped. Throws ValidationError naming field, value, position.
 */
export function validateEvent(input, position) {
    if (!isPlainObject(input))
        throw new ValidationError('(event)', 'must be an object', input, position);
    const type = input.type;
    if (type === undefined)
        throw new ValidationError('type', 'is required', type, position);
    const spec = typeof type === 'string' ? specOf(type) : undefined;
    if (!spec)
        throw new ValidationError('type', 'is not a known event type', type, position);
    for (const key of Object.keys(input)) {
        if (!spec.allowed.has(key)) {
            throw new ValidationError(key, `is not a field of a ${type} event`, input[key], position);
        }
    }
    const out = { type };
    if (input.ts === undefined)
        throw new ValidationError('ts', 'is required', undefined, position);
    out.ts = ns('ts', input.ts, position);
    if (input.runId === undefined)
        throw new ValidationError('runId', 'is required', undefined, position);
    out.runId = str('runId', input.runId, true, position);
    if (input.seq !== undefined)
        out.seq = count('seq', input.seq, position);
    if (input.cause !== undefined)
        out.cause = count('cause', input.cause, position);
    for (const fs of spec.fields) {
        const v = input[fs.name];
        if (v === undefined) {
            if (!fs.optional)
                throw new ValidationError(fs.name, 'is required', v, position);
            continue;
        }
        out[fs.name] = field(fs, v, position);
    }
    return out;
}
/** The same check, reporting instead of throwing. */
export function checkEvent(input, position) {
    try {
        return { ok: true, event: validateEvent(input, position) };
    }
    catch (e) {
        if (e instanceof ValidationError)
            return { ok: false, error: e };
        throw e;
    }
}
//# sourceMappingURL=validate.js.map