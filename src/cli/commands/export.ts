/**
 * `tapedeck export <dir>`: events out as canonical JSONL (default; what `tapedeck import` reads),
 * CSV (one file per event type into --out DIR, or one type to stdout) or a JSON array, filtered by
 * time, type, run and symbol. Writing respects backpressure; a closed pipe (`| head`) ends the
 * export quietly with exit code 0.
 */
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { Argv, CommandModule } from 'yargs';
import { IoError, TapedeckError } from '../../errors.js';
import type { ExportFormat, ExportStream } from '../../ops/export.js';
import { recordingArg, TS_UNIT_OPTION } from '../args.js';
import { openOutputFile, resolvePath, type CliIo } from '../io.js';

/** The formats `export` writes (the library's EXPORT_FORMATS; tested equal). */
export const EXPORT_FORMAT_CHOICES: readonly (ExportFormat | 'dbn')[] = ['jsonl', 'csv', 'json', 'dbn'];

interface ExportArgs {
  dir: string;
  format: ExportFormat | 'dbn';
  zstd: boolean;
  dataset?: string;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  types?: string | string[];
  from?: string;
  to?: string;
  run?: string;
  symbols?: string | string[];
  iso: boolean;
  out?: string;
  json: boolean;
  worker?: boolean;
}

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const out = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  return out.length > 0 ? out : undefined;
}

/** A destination with backpressure: write() returns a promise while the stream's buffer is full. */
class Dest {
  broken = false;
  error: unknown = null;
  constructor(
    readonly stream: Writable,
    readonly name: string,
    readonly isStdout = false,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.broken = true;
      else this.error ??= new IoError(name, 'write failed', err);
    });
  }

  get failed(): boolean {
    return this.broken || this.error !== null;
  }

  /** `written`: called once the stream is done with `text` (not after a failed write). */
  write(text: string | Buffer, written?: () => void): Promise<void> | void {
    if (this.failed) return;
    const cb = written && ((err?: Error | null) => (err ? undefined : written()));
    if (this.stream.write(text, cb)) return;
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
  finish(): Promise<void> {
    if (this.isStdout) {
      if (this.failed) return Promise.resolve();
      return new Promise((resolve) => this.stream.write('', () => resolve()));
    }
    return new Promise((resolve) => {
      if (this.error) {
        this.stream.destroy();
        resolve();
      } else this.stream.end(() => resolve());
    });
  }
}

function openFile(file: string): Dest {
  return new Dest(openOutputFile(file), file);
}

export default function exportCommand(io: CliIo): CommandModule<object, ExportArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('format', { alias: 'f', choices: EXPORT_FORMAT_CHOICES, default: 'jsonl' as ExportFormat, describe: 'jsonl: one event per line | csv: one file per type | json: an array | dbn: Databento DBN v3 of the book, tick and bar events (needs --out)' })
        .option('zstd', { type: 'boolean', default: false, describe: 'With --format dbn: zstd-compress the file (as Databento ships .dbn.zst)' })
        .option('dataset', { type: 'string', describe: 'With --format dbn: the dataset named in the metadata (default TAPEDECK)' })
        .option('types', { type: 'string', describe: 'Only these event types, comma-separated (tick,order,fill,signal,risk,system)' })
        .option('from', { type: 'string', describe: 'Start at this ts (inclusive): ns, ISO-8601 UTC, or an offset from the first event (+5m)' })
        .option('to', { type: 'string', describe: 'End at this ts (inclusive): same forms as --from, or --to=-5s before the last event' })
        .option('ts-unit', TS_UNIT_OPTION)
        .option('run', { type: 'string', describe: 'Only events of this runId' })
        .option('symbols', { type: 'string', describe: 'Only events of these symbols, comma-separated' })
        .option('iso', { type: 'boolean', default: false, describe: 'Timestamps as ISO-8601 UTC (9 digits) instead of decimal ns' })
        .option('out', {
          alias: 'o',
          type: 'string',
          describe: 'Write to this file (jsonl, json) or directory (csv: <type>.csv each) instead of stdout',
        })
        .option('json', { type: 'boolean', default: false, describe: 'With --out: print a summary of what was written as JSON on stdout' })
        .option('worker', {
          type: 'boolean',
          describe:
            'JSONL: a worker thread reads and transcodes every other block of each sealed segment, the main thread the rest (the same bytes and errors; not with --run or --symbols). Default: only when the export had a core to itself over its first 8,192 records; --worker: always; --no-worker: one thread',
        })
        .example('$0 export rec/a | $0 import - rec/b', 'Copy a recording through canonical JSONL')
        .example("$0 export rec/a | jq -c 'select(.type==\"tick\")' | $0 import - rec/ticks", 'Filter with jq on the way')
        .example('$0 export rec/a --format csv --out csv/', 'One CSV per event type: csv/tick.csv, csv/order.csv, …')
        .example('$0 export rec/es --format dbn --zstd --out es.mbo.dbn.zst', 'DBN for Databento\'s tools (an imported DBN file comes back record for record)')
        .example('$0 export rec/a --format csv --types tick --symbols AAPL --from +5m --to +10m --iso', 'AAPL ticks of minutes 5 to 10 as CSV on stdout') as unknown as Argv<ExportArgs>,
    handler: async (argv) => {
      const { exportChunks, parseEventTypes } = await import('../../ops/export.js');
      const { formatCount, toJson } = await import('../../ops/util.js');
      const { mkdirs } = await import('../../util/mkdirs.js');
      const dir = recordingArg(io, argv.dir);
      if (argv.format !== 'dbn' && (argv.zstd || argv.dataset !== undefined)) {
        throw new TapedeckError('BAD_ARGUMENT', `--zstd and --dataset go with --format dbn (not ${argv.format})`);
      }
      if (argv.format === 'dbn') {
        if (argv.out === undefined || argv.out === '-') throw new TapedeckError('BAD_ARGUMENT', '--format dbn writes a binary file: pass --out FILE (e.g. --out data.dbn.zst)');
        if (argv.types !== undefined) throw new TapedeckError('BAD_ARGUMENT', '--format dbn exports the book, tick and bar events; --types does not apply');
        if (argv.iso) throw new TapedeckError('BAD_ARGUMENT', '--iso does not apply to --format dbn (DBN times are ns)');
        const { exportDbn } = await import('../../ops/dbn-export.js');
        const out = resolvePath(io, argv.out);
        const r = await exportDbn(dir, out, {
          zstd: argv.zstd,
          dataset: argv.dataset,
          from: argv.from,
          to: argv.to,
          tsUnit: argv['ts-unit'],
          runId: argv.run,
          symbols: list(argv.symbols),
        });
        if (argv.json) io.stdout.write(`${toJson({ ...r, files: [out] })}\n`);
        else {
          const recs = Object.entries(r.records).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ') || 'none';
          const skipped = Object.entries(r.skipped).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
          io.stderr.write(`exported DBN v3${r.zstd ? ' (zstd)' : ''} ${r.schema ?? 'mixed'} records: ${recs} to ${argv.out} (${formatCount(r.bytes)} bytes)${skipped ? `; not DBN records: ${skipped}` : ''}\n`);
        }
        return;
      }
      const outPath = argv.out === undefined || argv.out === '-' ? argv.out : resolvePath(io, argv.out);
      const types = list(argv.types);
      const selected = types ? parseEventTypes(types) : undefined;
      const format = argv.format as ExportFormat;
      const toStdout = argv.out === undefined || argv.out === '-';
      if (argv.json && toStdout) throw new TapedeckError('BAD_ARGUMENT', '--json prints a summary on stdout, so it needs --out (the export itself goes to stdout otherwise)');
      // CSV: one file per type; stdout (or a single .csv file) only when exactly one type is selected.
      const csvSingle = format === 'csv' && selected?.length === 1 && (toStdout || argv.out!.toLowerCase().endsWith('.csv'));
      if (format === 'csv' && toStdout && !csvSingle) {
        throw new TapedeckError(
          'BAD_ARGUMENT',
          'CSV has one header per event type, so it writes one file per type: pass --out DIR (writes DIR/<type>.csv), or select exactly one type with --types to write it to stdout',
        );
      }
      const { chunks, summary } = exportChunks(dir, {
        format,
        types: selected,
        from: argv.from,
        to: argv.to,
        tsUnit: argv['ts-unit'],
        runId: argv.run,
        symbols: list(argv.symbols),
        iso: argv.iso,
        worker: argv.worker ?? 'auto',
      });
      const dests = new Map<ExportStream, Dest>();
      const files: string[] = [];
      let stdoutDest: Dest | null = null;
      const destFor = (s: ExportStream): Dest => {
        let d = dests.get(s);
        if (d) return d;
        if (toStdout) {
          d = stdoutDest ??= new Dest(io.stdout, 'stdout', true);
        } else if (format === 'csv' && !csvSingle) {
          try {
            mkdirs(outPath!);
          } catch (err) {
            throw new IoError(argv.out!, 'cannot create the output directory', err);
          }
          const file = path.join(outPath!, `${s}.csv`);
          d = openFile(file);
          files.push(file);
        } else {
          d = openFile(outPath!);
          files.push(outPath!);
        }
        dests.set(s, d);
        return d;
      };
      const all = () => new Set(dests.values());
      // The output exists even when nothing matches (an empty file, or an empty directory).
      if (!toStdout) {
        if (format === 'csv' && !csvSingle) {
          try {
            mkdirs(outPath!);
          } catch (err) {
            throw new IoError(argv.out!, 'cannot create the output directory', err);
          }
        } else destFor(csvSingle ? selected![0]! : 'all');
      }
      try {
        for (const c of chunks) {
          const d = destFor(c.stream);
          const w = d.write(c.bytes, () => c.release());
          if (w) await w;
          if (d.broken) break; // the reader went away (`| head`): stop quietly
          if (d.error) throw d.error;
        }
      } finally {
        chunks.return(undefined);
        for (const d of all()) await d.finish();
      }
      for (const d of all()) if (d.error) throw d.error;
      if (!toStdout) {
        const info = { ...summary, files };
        if (argv.json) io.stdout.write(`${toJson(info)}\n`);
        else io.stderr.write(`exported ${formatCount(summary.events)} events (${format}) to ${files.join(', ') || argv.out}\n`);
      }
    },
  };
}
