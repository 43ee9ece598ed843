/**
 * `tapedeck export <dir>`: events out as canonical JSONL (default; what `tapedeck import` reads),
 * CSV (one file per event type into --out DIR, or one type to stdout) or a JSON array, filtered by
 * time, type, run and symbol. Writing respects backpressure; a closed pipe (`| head`) ends the
 * export quietly with exit code 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError, TapedeckError } from '../../errors.js';
import { resolvePath } from '../io.js';
/** The formats `export` writes (the library's EXPORT_FORMATS; tested equal). */
export const EXPORT_FORMAT_CHOICES = ['jsonl', 'csv', 'json'];
function list(v) {
    if (v === undefined)
        return undefined;
    const out = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
    return out.length > 0 ? out : undefined;
}
/** A destination with backpressure: write() returns a promise while the stream's buffer is full. */
class Dest {
    stream;
    name;
    isStdout;
    broken = false;
    error = null;
    constructor(stream, name, isStdout = false) {
        this.stream = stream;
        this.name = name;
        this.isStdout = isStdout;
        stream.on('error', (err) => {
            if (err.code === 'EPIPE')
                this.broken = true;
            else
                this.error ??= new IoError(name, 'write failed', err);
        });
    }
    get failed() {
        return this.broken || this.error !== null;
    }
    write(text) {
        if (this.failed)
            return;
        if (this.stream.write(text))
            return;
        return new Promise((resolve) => {
            const done = () => {
                this.stream.off('drain', done);
                this.stream.off('error', done);
                this.stream.off('close', done);
                resolve();
            };
            this.stream.once('drain', done);
            this.stream.once('error', done);
            this.stream.once('close', done);
        });
    }
    /** Files: flush and close. stdout: wait until what was written is handed to the OS. */
    finish() {
        if (this.isStdout) {
            if (this.failed)
                return Promise.resolve();
            return new Promise((resolve) => this.stream.write('', () => resolve()));
        }
        return new Promise((resolve) => {
            if (this.error) {
                this.stream.destroy();
                resolve();
            }
            else
                this.stream.end(() => resolve());
        });
    }
}
function openFile(file) {
    let fd;
    try {
        fd = fs.openSync(file, 'w');
    }
    catch (err) {
        throw new IoError(file, 'cannot create the output file', err);
    }
    return new Dest(fs.createWriteStream(file, { fd }), file);
}
export default function exportCommand(io) {
    return {
        builder: (y) => y
            .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
            .option('format', { alias: 'f', choices: EXPORT_FORMAT_CHOICES, default: 'jsonl', describe: 'jsonl: one event per line | csv: one file per type | json: an array' })
            .option('types', { type: 'string', describe: 'Only these event types, comma-separated (tick,order,fill,signal,risk,system)' })
            .option('from', { type: 'string', describe: 'Start at this ts (inclusive): ns, ISO-8601 UTC, or an offset from the first event (+5m)' })
            .option('to', { type: 'string', describe: 'End at this ts (inclusive): same forms as --from' })
            .option('run', { type: 'string', describe: 'Only events of this runId' })
            .option('symbols', { type: 'string', describe: 'Only events of these symbols, comma-separated' })
            .option('iso', { type: 'boolean', default: false, describe: 'Timestamps as ISO-8601 UTC (9 digits) instead of decimal ns' })
            .option('out', {
            alias: 'o',
            type: 'string',
            describe: 'Write to this file (jsonl, json) or directory (csv: <type>.csv each) instead of stdout',
        })
            .option('json', { type: 'boolean', default: false, describe: 'With --out: print a summary of what was written as JSON on stdout' })
            .example('$0 export rec/a | $0 import - rec/b', 'Copy a recording through canonical JSONL')
            .example("$0 export rec/a | jq -c 'select(.type==\"tick\")' | $0 import - rec/ticks", 'Filter with jq on the way')
            .example('$0 export rec/a --format csv --out csv/', 'One CSV per event type: csv/tick.csv, csv/order.csv, …')
            .example('$0 export rec/a --format csv --types tick --symbols AAPL --from +5m --to +10m --iso', 'AAPL ticks of minutes 5 to 10 as CSV on stdout'),
        handler: async (argv) => {
            const { exportChunks, parseEventTypes } = await import('../../ops/export.js');
            const { formatCount, toJson } = await import('../../ops/util.js');
            const outPath = argv.out === undefined || argv.out === '-' ? argv.out : resolvePath(io, argv.out);
            const types = list(argv.types);
            const selected = types ? parseEventTypes(types) : undefined;
            const format = argv.format;
            const toStdout = argv.out === undefined || argv.out === '-';
            if (argv.json && toStdout)
                throw new TapedeckError('BAD_ARGUMENT', '--json prints a summary on stdout, so it needs --out (the export itself goes to stdout otherwise)');
            // CSV: one file per type; stdout (or a single .csv file) only when exactly one type is selected.
            const csvSingle = format === 'csv' && selected?.length === 1 && (toStdout || argv.out.toLowerCase().endsWith('.csv'));
            if (format === 'csv' && toStdout && !csvSingle) {
                throw new TapedeckError('BAD_ARGUMENT', 'CSV has one header per event type, so it writes one file per type: pass --out DIR (writes DIR/<type>.csv), or select exactly one type with --types to write it to stdout');
            }
            const { chunks, summary } = exportChunks(resolvePath(io, argv.dir), {
                format,
                types: selected,
                from: argv.from,
                to: argv.to,
                runId: argv.run,
                symbols: list(argv.symbols),
                iso: argv.iso,
            });
            const dests = new Map();
            const files = [];
            let stdoutDest = null;
            const destFor = (s) => {
                let d = dests.get(s);
                if (d)
                    return d;
                if (toStdout) {
                    d = stdoutDest ??= new Dest(io.stdout, 'stdout', true);
                }
                else if (format === 'csv' && !csvSingle) {
                    try {
                        fs.mkdirSync(outPath, { recursive: true });
                    }
                    catch (err) {
                        throw new IoError(argv.out, 'cannot create the output directory', err);
                    }
                    const file = path.join(outPath, `${s}.csv`);
                    d = openFile(file);
                    files.push(file);
                }
                else {
                    d = openFile(outPath);
                    files.push(outPath);
                }
                dests.set(s, d);
                return d;
            };
            const all = () => new Set(dests.values());
            // The output exists even when nothing matches (an empty file, or an empty directory).
            if (!toStdout) {
                if (format === 'csv' && !csvSingle) {
                    try {
                        fs.mkdirSync(outPath, { recursive: true });
                    }
                    catch (err) {
                        throw new IoError(argv.out, 'cannot create the output directory', err);
                    }
                }
                else
                    destFor(csvSingle ? selected[0] : 'all');
            }
            try {
                for (const c of chunks) {
                    const d = destFor(c.stream);
                    const w = d.write(c.text);
                    if (w)
                        await w;
                    if (d.broken)
                        break; // the reader went away (`| head`): stop quietly
                    if (d.error)
                        throw d.error;
                }
            }
            finally {
                chunks.return(undefined);
                for (const d of all())
                    await d.finish();
            }
            for (const d of all())
                if (d.error)
                    throw d.error;
            if (!toStdout) {
                const info = { ...summary, files };
                if (argv.json)
                    io.stdout.write(`${toJson(info)}\n`);
                else
                    io.stderr.write(`exported ${formatCount(summary.events)} events (${format}) to ${files.join(', ') || argv.out}\n`);
            }
        },
    };
}
//# sourceMappingURL=export.js.map