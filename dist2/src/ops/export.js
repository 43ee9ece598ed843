/**
 * `exportRecording(dir, opts, sink)`: events out of a recording as canonical JSONL (one
 * eventToJson line each: what `tapedeck import` reads back), CSV (one stream per event type, in
 * the importer's layout) or a JSON array, filtered by time, type, run and symbol.
 *
 * Text is handed to the sink in chunks of about 64 KiB, one stream at a time ('all' for JSONL and
 * JSON, the event type for CSV); a sink that returns a promise pauses the export until it settles,
 * which is how a caller applies backpressure.
 */
import { TapedeckError } from '../errors.js';
import { eventToJson, parseTimeArg } from '../events/index.js';
import { openRecording } from '../events/recording.js';
import { EVENT_TYPES } from '../events/types.js';
import { csvHeader, eventToCsvRow } from './csv.js';
import { requireDir } from './util.js';
export const EXPORT_FORMATS = ['jsonl', 'csv', 'json'];
/** The first record's ts, or undefined for an empty recording. */
export function firstTsOf(dir) {
    const rec = openRecording(dir);
    let first;
    rec.reader.scan({}, (r) => {
        first = r.tsNs;
        return false;
    });
    return first;
}
/** Resolves --from/--to style values (offsets count from the recording's first record). */
export function resolveTimeRange(dir, from, to) {
    let start;
    let looked = false;
    const one = (v) => {
        if (v === undefined || typeof v === 'bigint')
            return v;
        if (v.startsWith('+') && !looked) {
            start = firstTsOf(dir);
            looked = true;
            if (start === undefined)
                throw new TapedeckError('BAD_ARGUMENT', `time "${v}" is an offset, but ${dir} holds no records to count it from`, { arg: v });
        }
        return parseTimeArg(v, start);
    };
    const f = one(from);
    const t = one(to);
    if (f !== undefined && t !== undefined && f > t) {
        throw new TapedeckError('BAD_ARGUMENT', `the start of the range (${String(from)}) is after its end (${String(to)})`);
    }
    return { from: f, to: t };
}
/** Checks names against the event types; throws BAD_ARGUMENT naming the bad one. */
export function parseEventTypes(names, option = '--types') {
    for (const n of names) {
        if (!EVENT_TYPES.includes(n)) {
            throw new TapedeckError('BAD_ARGUMENT', `${option}: unknown event type "${n}" (expected ${EVENT_TYPES.join(', ')})`, { type: n });
        }
    }
    return [...new Set(names)];
}
/**
 * The export as a pull-based sequence of chunks (pull one, write it, pull the next: natural
 * backpressure). `summary` is filled in as it goes and complete when the generator ends.
 */
export function exportChunks(dir, opts = {}) {
    requireDir(dir);
    const format = opts.format ?? 'jsonl';
    if (!EXPORT_FORMATS.includes(format)) {
        throw new TapedeckError('BAD_ARGUMENT', `unknown export format "${String(format)}" (expected ${EXPORT_FORMATS.join(', ')})`);
    }
    const types = opts.types ? parseEventTypes(opts.types) : undefined;
    const { from, to } = resolveTimeRange(dir, opts.from, opts.to);
    const rec = openRecording(dir);
    const chunkBytes = opts.chunkBytes ?? 64 * 1024;
    const iso = opts.iso === true;
    const summary = {
        format,
        events: 0,
        byType: Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])),
        bytes: {},
        unknownSkipped: 0,
        problems: [],
        stopped: false,
    };
    function* gen() {
        const cursor = rec.cursor({ fromTs: from, toTs: to, types, runId: opts.runId, symbols: opts.symbols });
        const bufs = new Map();
        const started = new Set();
        const take = (s) => {
            const b = bufs.get(s);
            if (!b || b.parts.length === 0)
                return null;
            const text = b.parts.join('');
            b.parts = [];
            b.len = 0;
            summary.bytes[s] = (summary.bytes[s] ?? 0) + Buffer.byteLength(text);
            return { stream: s, text };
        };
        const add = (s, text) => {
            let b = bufs.get(s);
            if (!b)
                bufs.set(s, (b = { parts: [], len: 0 }));
            b.parts.push(text);
            b.len += text.length;
            return b.len >= chunkBytes ? take(s) : null;
        };
        let completed = false;
        let failure = null;
        try {
            if (format === 'json')
                add('all', '[');
            for (let ev = cursor.next(); ev !== null; ev = cursor.next()) {
                let chunk;
                if (format === 'csv') {
                    if (!started.has(ev.type)) {
                        started.add(ev.type);
                        add(ev.type, csvHeader(ev.type));
                    }
                    chunk = add(ev.type, eventToCsvRow(ev, { iso }));
                }
                else if (format === 'json') {
                    chunk = add('all', `${summary.events === 0 ? '\n' : ',\n'}${eventToJson(ev, { iso })}`);
                }
                else {
                    chunk = add('all', `${eventToJson(ev, { iso })}\n`);
                }
                summary.events++;
                summary.byType[ev.type]++;
                if (chunk)
                    yield chunk;
            }
            if (format === 'json')
                add('all', summary.events === 0 ? ']\n' : '\n]\n');
            if (format === 'csv') {
                // Explicitly selected types get their file even when empty (a header alone).
                for (const t of types ?? [])
                    if (!started.has(t))
                        add(t, csvHeader(t));
            }
            summary.unknownSkipped = cursor.unknownSkipped;
            summary.problems = cursor.problems;
            completed = true;
        }
        catch (err) {
            // Damage ends the export, but what was read before it is still written out (readers and
            // verify agree on where the good data ends), then the error is raised.
            failure = err;
        }
        finally {
            cursor.close();
            if (!completed)
                summary.stopped = true;
        }
        for (const s of bufs.keys()) {
            const c = take(s);
            if (c)
                yield c;
        }
        if (failure !== null)
            throw failure;
    }
    return { chunks: gen(), summary };
}
/** Exports into `sink`, awaiting it whenever it returns a promise. */
export async function exportRecording(dir, opts, sink) {
    const { chunks, summary } = exportChunks(dir, opts);
    for (const c of chunks) {
        const r = sink(c.stream, c.text);
        if (r)
            await r;
    }
    return summary;
}
/** The whole export as strings per stream (small recordings, tests). */
export function exportToStrings(dir, opts = {}) {
    const { chunks, summary } = exportChunks(dir, opts);
    const streams = {};
    for (const c of chunks)
        streams[c.stream] = (streams[c.stream] ?? '') + c.text;
    return { streams, summary };
}
//# sourceMappingURL=export.js.map