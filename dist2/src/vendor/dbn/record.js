/**
 * Pure codec of one DBN record: bytes ⇄ a plain object named after the DBN fields, driven by the
 * tables in `layout.ts`. 64-bit fields are bigint, narrower integers numbers, C chars one-character
 * strings, C strings the text before the first NUL, reserved bytes kept as bytes, MBP levels an
 * array of bid/ask pairs. `encodeRecord(decodeRecord(b)) = b` for every record whose C strings are
 * NUL-padded (as Databento writes them).
 */
import { HEADER_BYTES, RTYPE_KIND, bodyFields, fieldBytes, } from './layout.js';
const compiled = new Map();
/** Field offsets of a kind in a version, computed once. */
export function layoutOf(kind, version) {
    const key = `${kind}/${version}`;
    let c = compiled.get(key);
    if (!c) {
        let off = HEADER_BYTES;
        const fields = bodyFields(kind, version).map(([name, k]) => {
            const at = off;
            off += fieldBytes(k);
            return [name, k, at];
        });
        c = { fields, bytes: off };
        compiled.set(key, c);
    }
    return c;
}
const utf8 = new TextDecoder('utf-8');
function readCstr(b, off, len) {
    let end = off;
    const max = off + len;
    while (end < max && b[end] !== 0)
        end++;
    return utf8.decode(b.subarray(off, end));
}
function readLevels(v, off, n) {
    const out = new Array(n);
    for (let i = 0; i < n; i++) {
        const o = off + i * 32;
        out[i] = {
            bid_px: v.getBigInt64(o, true),
            ask_px: v.getBigInt64(o + 8, true),
            bid_sz: v.getUint32(o + 16, true),
            ask_sz: v.getUint32(o + 20, true),
            bid_ct: v.getUint32(o + 24, true),
            ask_ct: v.getUint32(o + 28, true),
        };
    }
    return out;
}
/** The kind of an rtype, or undefined when tapedeck has no layout for it. */
export function kindOfRtype(rtype) {
    return RTYPE_KIND.get(rtype);
}
/**
 * Decodes the record at `off` (its length already checked to be at least the layout's size plus
 * ts_out). `v` must view the same bytes as `b`.
 */
export function decodeRecord(b, v, off, kind, version, tsOut) {
    const { fields, bytes } = layoutOf(kind, version);
    const r = {
        kind,
        rtype: b[off + 1],
        publisher_id: v.getUint16(off + 2, true),
        instrument_id: v.getUint32(off + 4, true),
        ts_event: v.getBigUint64(off + 8, true),
    };
    for (const [name, k, at] of fields) {
        const o = off + at;
        switch (k) {
            case 'u8':
                r[name] = b[o];
                break;
            case 'i8':
                r[name] = v.getInt8(o);
                break;
            case 'char':
                r[name] = String.fromCharCode(b[o]);
                break;
            case 'u16':
                r[name] = v.getUint16(o, true);
                break;
            case 'i16':
                r[name] = v.getInt16(o, true);
                break;
            case 'u32':
                r[name] = v.getUint32(o, true);
                break;
            case 'i32':
                r[name] = v.getInt32(o, true);
                break;
            case 'u64':
                r[name] = v.getBigUint64(o, true);
                break;
            case 'i64':
                r[name] = v.getBigInt64(o, true);
                break;
            default:
                if ('cstr' in k)
                    r[name] = readCstr(b, o, k.cstr);
                else if ('bytes' in k)
                    r[name] = new Uint8Array(b.subarray(o, o + k.bytes));
                else
                    r[name] = readLevels(v, o, k.levels);
        }
    }
    if (tsOut)
        r.ts_out = v.getBigUint64(off + bytes, true);
    return r;
}
/** Bytes of a record of this kind in this version, with ts_out when asked. */
export function encodedBytes(kind, version, tsOut) {
    return layoutOf(kind, version).bytes + (tsOut ? 8 : 0);
}
function need(r, name, ok) {
    const x = r[name];
    if (!ok(x))
        throw new TypeError(`DBN ${r.kind} record: field ${name} is missing or has the wrong type (${typeof x})`);
    return x;
}
const isNum = (x) => typeof x === 'number';
const isBig = (x) => typeof x === 'bigint';
const isStr = (x) => typeof x === 'string';
/**
 * Writes `r` at `off` of `b` (which must have room for `encodedBytes`). Absent reserved bytes are
 * zeros; absent ts_out is an error when `tsOut`. Returns the record's byte length.
 */
export function encodeRecord(r, version, tsOut, b, off) {
    const { fields, bytes } = layoutOf(r.kind, version);
    const total = bytes + (tsOut ? 8 : 0);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    b.fill(0, off, off + total);
    b[off] = total / 4;
    b[off + 1] = r.rtype;
    v.setUint16(off + 2, r.publisher_id, true);
    v.setUint32(off + 4, r.instrument_id, true);
    v.setBigUint64(off + 8, r.ts_event, true);
    for (const [name, k, at] of fields) {
        const o = off + at;
        switch (k) {
            case 'u8':
                b[o] = need(r, name, isNum);
                break;
            case 'i8':
                v.setInt8(o, need(r, name, isNum));
                break;
            case 'char':
                b[o] = need(r, name, isStr).charCodeAt(0) & 0xff;
                break;
            case 'u16':
                v.setUint16(o, need(r, name, isNum), true);
                break;
            case 'i16':
                v.setInt16(o, need(r, name, isNum), true);
                break;
            case 'u32':
                v.setUint32(o, need(r, name, isNum), true);
                break;
            case 'i32':
                v.setInt32(o, need(r, name, isNum), true);
                break;
            case 'u64':
                v.setBigUint64(o, need(r, name, isBig), true);
                break;
            case 'i64':
                v.setBigInt64(o, need(r, name, isBig), true);
                break;
            default:
                if ('cstr' in k) {
                    const s = Buffer.from(need(r, name, isStr), 'utf8');
                    if (s.length >= k.cstr)
                        throw new RangeError(`DBN ${r.kind} record: ${name} "${s.toString()}" does not fit ${k.cstr - 1} bytes`);
                    b.set(s, o);
                }
                else if ('bytes' in k) {
                    const x = r[name];
                    if (x instanceof Uint8Array)
                        b.set(x.subarray(0, k.bytes), o);
                }
                else {
                    const levels = r[name];
                    if (!Array.isArray(levels))
                        throw new TypeError(`DBN ${r.kind} record: levels missing`);
                    for (let i = 0; i < k.levels && i < levels.length; i++) {
                        const l = levels[i];
                        const lo = o + i * 32;
                        v.setBigInt64(lo, l.bid_px, true);
                        v.setBigInt64(lo + 8, l.ask_px, true);
                        v.setUint32(lo + 16, l.bid_sz, true);
                        v.setUint32(lo + 20, l.ask_sz, true);
                        v.setUint32(lo + 24, l.bid_ct, true);
                        v.setUint32(lo + 28, l.ask_ct, true);
                    }
                }
        }
    }
    if (tsOut)
        v.setBigUint64(off + bytes, need(r, 'ts_out', isBig), true);
    return total;
}
//# sourceMappingURL=record.js.map