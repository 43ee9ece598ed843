/** Small shared helpers of the operations layer: JSON with bigints, sizes, directory checks. */
import * as fs from 'node:fs';
import { IoError, TapedeckError } from '../errors.js';
import { formatTsIso } from '../events/ts.js';
/** JSON with bigints as decimal strings (int64 does not fit a JSON number). */
export function toJson(v, indent) {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), indent);
}
/** 1536 → "1.5 KiB". */
export function formatBytes(n) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    let v = n;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}
export function formatCount(n) {
    return Math.round(n).toLocaleString('en-US');
}
/** ISO-8601 UTC for a ts ≥ 0, else null. */
export function isoOrNull(ts) {
    return ts !== null && ts >= 0n ? formatTsIso(ts) : null;
}
/** Throws NOT_FOUND (exit 74) when `dir` is not an existing directory. */
export function requireDir(dir) {
    let st;
    try {
        st = fs.statSync(dir);
    }
    catch (err) {
        if (err.code === 'ENOENT')
            throw new TapedeckError('NOT_FOUND', `${dir}: no such recording`, { path: dir });
        throw new IoError(dir, 'cannot read the recording directory', err);
    }
    if (!st.isDirectory())
        throw new TapedeckError('NOT_FOUND', `${dir}: not a recording directory`, { path: dir });
}
/** Rows of [label, value] as aligned text, indented by `indent`. */
export function alignRows(rows, indent = '  ') {
    const w = Math.max(0, ...rows.map((r) => r[0].length));
    return rows.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`.trimEnd());
}
/** A table: columns right-aligned when `right[i]`, left otherwise. */
export function table(rows, right, indent = '  ') {
    if (rows.length === 0)
        return [];
    const n = Math.max(...rows.map((r) => r.length));
    const w = [];
    for (let i = 0; i < n; i++)
        w.push(Math.max(...rows.map((r) => (r[i] ?? '').length)));
    return rows.map((r) => (indent + r.map((c, i) => (right[i] ? c.padStart(w[i]) : i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ')).trimEnd());
}
//# sourceMappingURL=util.js.map