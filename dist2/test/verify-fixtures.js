/** Recordings on disk for the verify tests, and the byte positions inside them. */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { decodeFooter, decodeTrailerFixed, HEADER_BYTES, INDEX_ENTRY_BYTES, readFrame, TRAILER_BYTES } from '../src/log/format.js';
import { segmentFiles } from './helpers/tmp.js';
export const T0 = 1700000000000000000n;
/** Deterministic ticks: prices from a small LCG, ts 1 ms apart with some repeats. */
export function ticks(n, opts = {}) {
    const out = [];
    let x = 12345 + (opts.start ?? 0);
    for (let i = opts.start ?? 0; i < (opts.start ?? 0) + n; i++) {
        x = (x * 1103515245 + 12345) % 2147483648;
        const bid = 100 + (x % 1000) / 100;
        out.push({
            type: 'tick',
            ts: T0 + BigInt(Math.floor(i / 3)) * 1000000n + BigInt(Math.min(i % 3, 1)) * 1000n, // every third ts repeats
            runId: opts.runId ?? 'run-1',
            venue: 'XNAS',
            symbol: i % 2 ? 'AAPL' : 'MSFT',
            bid,
            ask: bid + 0.02,
            bidSize: 100 + (x % 7) * 100,
            askSize: 200,
            exchTs: T0 + BigInt(i) * 1000000n - 5000n,
        });
    }
    return out;
}
/** Writes events into a fresh recording and closes it (every segment sealed). */
export async function record(dir, events, opts = {}) {
    const log = await openEventLog(dir, { segmentBytes: opts.segmentBytes ?? 4096, indexEveryBytes: opts.indexEveryBytes, durability: 'async', measureLatency: false });
    for (const ev of events)
        writeEvent(log, ev);
    await log.close();
}
export function seg(dir, i) {
    const names = segmentFiles(dir);
    const n = names[i < 0 ? names.length + i : i];
    if (!n)
        throw new Error(`no segment ${i} in ${dir}`);
    return path.join(dir, n);
}
/** The frames of a segment file, by walking the documented layout. */
export function framesOf(file) {
    const b = fs.readFileSync(file);
    const fixed = b.length >= HEADER_BYTES + TRAILER_BYTES ? decodeTrailerFixed(b.subarray(b.length - TRAILER_BYTES), b.length) : null;
    const end = fixed ? fixed.dataEnd : b.length;
    const out = [];
    for (let pos = HEADER_BYTES;;) {
        const f = readFrame(b, pos, end);
        if (f.kind !== 'frame')
            break;
        out.push({ offset: pos, seq: f.seq, tsNs: f.tsNs, type: f.type, payloadStart: f.payloadStart, payloadEnd: f.payloadEnd, crcAt: f.payloadEnd });
        pos = f.next;
    }
    return out;
}
/** Where a sealed segment's footer lies: index start, trailer start, entry count. */
export function footerOf(file) {
    const b = fs.readFileSync(file);
    const fixed = decodeTrailerFixed(b.subarray(b.length - TRAILER_BYTES), b.length);
    if (!fixed)
        throw new Error(`${file} is not sealed`);
    const start = fixed.dataEnd;
    if (!decodeFooter(b.subarray(start), b.length))
        throw new Error(`${file}: footer does not decode`);
    return { start, trailerStart: b.length - TRAILER_BYTES, entries: fixed.indexCount, dataEnd: fixed.dataEnd };
}
export function indexEntryAt(file, k) {
    return footerOf(file).start + k * INDEX_ENTRY_BYTES;
}
/** SHA-256 of every file in a directory: to prove verify wrote nothing. */
export function snapshot(dir) {
    const out = {};
    for (const n of fs.readdirSync(dir).sort()) {
        const p = path.join(dir, n);
        if (fs.statSync(p).isFile())
            out[n] = crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
    return out;
}
export function writeAt(file, offset, bytes) {
    const fd = fs.openSync(file, 'r+');
    try {
        fs.writeSync(fd, bytes, 0, bytes.length, offset);
    }
    finally {
        fs.closeSync(fd);
    }
}
//# sourceMappingURL=verify-fixtures.js.map