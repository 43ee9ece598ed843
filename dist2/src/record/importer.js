/**
 * `import`: a file (or stdin) of canonical JSONL, CSV, or a venue capture into a recording, with
 * the source clock. The format comes from the caller, else the file name, else the content.
 */
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { openInput } from './input.js';
import { Recorder } from './recorder.js';
import { recordCapture, recordCsv, recordJsonl } from './sources.js';
export const IMPORT_FORMATS = ['jsonl', 'csv', 'binance', 'coinbase'];
const CAPTURE_NS = /^\d{10,19} [{[]/;
const CAPTURE_SECS = /^\d{9,12}(?:\.\d+)?: [{[]/;
const CAPTURE_CONTROL = /^\S+ <-?>? \d/;
/** The format a file name says (.jsonl, .csv, possibly .gz), if any. */
export function formatFromName(name) {
    const base = path.basename(name).toLowerCase().replace(/\.gz$/, '');
    if (/\.(jsonl|ndjson|json)$/.test(base))
        return 'jsonl';
    if (base.endsWith('.csv'))
        return 'csv';
    return null;
}
/** Guesses the format from the first non-blank lines (already decompressed). */
export function formatFromContent(lines) {
    const first = lines[0];
    if (first === undefined)
        return null;
    if (first.startsWith('{'))
        return 'jsonl';
    const capture = lines.some((l) => CAPTURE_NS.test(l) || CAPTURE_SECS.test(l) || CAPTURE_CONTROL.test(l));
    if (capture) {
        const text = lines.join('\n');
        if (/coinbase/i.test(text) || /"product_id"/.test(text))
            return 'coinbase';
        if (/"stream":"[a-z0-9]+@/.test(text) || /"lastUpdateId"/.test(text) || /"e":"/.test(text))
            return 'binance';
        return null;
    }
    if (/(^|,)"?type"?(,|$)/.test(first))
        return 'csv';
    return null;
}
export async function importFile(input, dir, opts = {}) {
    const src = openInput(input, opts.stdin);
    let format = opts.format ?? formatFromName(input);
    if (!format) {
        format = formatFromContent(await src.peek(20));
        if (!format) {
            src.close();
            throw new TapedeckError('BAD_ARGUMENT', `${input}: cannot tell the format from the name or the content; pass --format ${IMPORT_FORMATS.join('|')}`, {
                path: input,
            });
        }
    }
    let rec;
    try {
        rec = await Recorder.open(dir, { durability: 'batched', source: `import:${format}:${input}`, ...opts, clock: 'source' });
    }
    catch (err) {
        src.close();
        throw err;
    }
    const report = () => opts.onProgress?.({ bytes: src.bytesRead, totalBytes: src.totalBytes, events: rec.metrics.counters.events, rejects: rec.metrics.counters.rejects });
    try {
        await runFormat(rec, src, format, { signal: opts.signal, onBatch: report });
    }
    catch (err) {
        src.close();
        await rec.close({ error: err }).catch(() => { });
        throw err;
    }
    src.close();
    const summary = await rec.close();
    report();
    return { ...summary, format, gzip: src.gzip, input };
}
function runFormat(rec, src, format, o) {
    switch (format) {
        case 'jsonl':
            return recordJsonl(rec, src, o);
        case 'csv':
            return recordCsv(rec, src, o);
        case 'binance':
        case 'coinbase':
            return recordCapture(rec, src, format, o);
    }
}
//# sourceMappingURL=importer.js.map