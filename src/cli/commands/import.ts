/**
 * `tapedeck import <file|-> <dir>`: canonical JSONL, CSV, or a Binance / Coinbase capture into a
 * recording, with the source clock, as fast as the log allows (batched durability by default).
 */
import * as fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { IoError } from '../../errors.js';
import type { ImportFormat } from '../../record/importer.js';
import { durationArg, sizeArg } from '../args.js';
import { resolvePath, type CliIo } from '../io.js';
import { commonOptions, createOrAppend, venueMapperArgs, maxLineBytesOf, sessionEventsOption, describeSummary, onStopSignals, toJson, warningPrinter, type CommonArgs } from './record.js';

/** The formats `import` reads (the importer's IMPORT_FORMATS; tested equal). */
export const IMPORT_FORMAT_CHOICES: readonly ImportFormat[] = ['jsonl', 'csv', 'binance', 'binance-futures', 'coinbase', 'kraken', 'dbn', 'tardis'];

interface ImportArgs extends CommonArgs {
  file: string;
  format?: ImportFormat;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  'reorder-window'?: string;
  'parse-worker': 'auto' | 'on' | 'off';
  map?: string;
  venue?: string;
  symbol?: string;
}

export default function importCommand(io: CliIo, rawArgs: readonly string[]): CommandModule<object, ImportArgs> {
  return {
    builder: (y) =>
      commonOptions(
        y
          .positional('file', { type: 'string', demandOption: true, describe: "The input file ('-': stdin)" })
          .positional('dir', { type: 'string', demandOption: true, describe: 'The recording directory (created if needed)' })
          .option('format', {
            choices: IMPORT_FORMAT_CHOICES,
            describe:
              'jsonl | csv (canonical fields) | binance | coinbase (capture files) | dbn (Databento DBN v1-v3, plain or zstd) | tardis (Tardis.dev CSV); default: from the name or content',
          })
          .option('map', {
            type: 'string',
            describe: 'Quote/trade CSV or JSON in your own columns: target=column pairs (ts=timestamp,bid=bidPrice,ask=askPrice) or a JSON mapping file',
          })
          .option('venue', { type: 'string', describe: 'With --map: the venue of every row; with DBN: instead of the dataset (GLBX.MDP3 → GLBX); with a venue capture: the venue to record (default binance-spot/binance-futures, coinbase, kraken)' })
          .option('symbol', { type: 'string', describe: 'With --map: the symbol of every row; with --format binance|binance-futures: the symbol of REST depth snapshots that name none' })
          .option('ts-unit', {
            choices: ['s', 'ms', 'us', 'ns'] as const,
            describe: 'The unit of bare integer times in the input (default ns; an integer that reads as s/ms/us of a recent date is refused)',
          })
          .option('parse-worker', {
            choices: ['auto', 'on', 'off'] as const,
            default: 'auto' as const,
            describe: 'JSONL from a regular file: parse canonical ticks of every other piece of the file on a second thread (auto: files of 8 MiB or more, once the first 8,192 lines had 0.8 of a core on a 2+ core machine, the rule of export --worker; same recording either way)',
          })
          .option('reorder-window', {
            type: 'string',
            describe: 'Sort rows that arrive out of order within this window (e.g. 500ms, 2s); rows older than the window are rejects',
          })
          .example('$0 import events.jsonl rec/a', 'Canonical JSONL, with its own timestamps')
          .example('$0 import ticks.jsonl rec/a --ts-unit ms', 'Times in epoch milliseconds')
          .example('$0 import glbx-mdp3-20240508.mbo.dbn.zst rec/es', 'A Databento DBN file (MBO → L3 book events)')
          .example('$0 import deribit_incremental_book_L2.csv.gz rec/d', 'A Tardis.dev CSV dataset')
          .example('$0 import eurusd.json rec/fx --map ts=timestamp,bid=bidPrice,ask=askPrice --venue DUKAS --symbol EURUSD --ts-unit ms', 'Dukascopy tick JSON')
          .example('$0 export rec/a | $0 import - rec/b', 'Copy a recording through a pipe')
          .example('$0 import capture.txt.gz rec/btc --format binance --strict', 'A venue capture; stop at the first bad line (exit 65)'),
      ) as unknown as Argv<ImportArgs>,
    handler: async (argv) => {
      const { normalizeDurability } = await import('../../log/index.js');
      const { importFile } = await import('../../record/importer.js');
      const { createProgress } = await import('../progress.js');
      const { ExitError, EXIT } = await import('../exit.js');
      const { parseColumnMapping } = await import('../../record/mapping.js');
      if (argv.map !== undefined && argv.format !== undefined) {
        const { TapedeckError } = await import('../../errors.js');
        throw new TapedeckError('BAD_ARGUMENT', `--map reads your own columns; it does not go with --format ${argv.format}`);
      }
      if (argv.map === undefined) venueMapperArgs(argv.format, argv.venue, argv.symbol, '--map');
      const map = argv.map !== undefined ? parseColumnMapping(argv.map, { venue: argv.venue, symbol: argv.symbol, tsUnit: argv['ts-unit'] }) : undefined;
      const reorderWindowNs = argv['reorder-window'] !== undefined ? durationArg('--reorder-window', argv['reorder-window']) : undefined;
      normalizeDurability(argv.durability);
      const { keyframeSpacingArgs } = await import('../keyframes-option.js');
      keyframeSpacingArgs(argv.keyframes, argv['keyframe-events']);
      const segmentSize = argv['segment-size'] !== undefined ? sizeArg('--segment-size', argv['segment-size']) : undefined;
      const maxLineBytes = maxLineBytesOf(argv);
      const progress = createProgress({ label: 'import', json: argv.json, stream: io.stderr, enabled: !argv.json && io.isTTY.stderr });
      const ac = new AbortController();
      const uninstall = onStopSignals(io, ac);
      try {
        // yargs hands a lone '-' positional over as ''.
        const file = argv.file === '' ? '-' : argv.file;
        const input = resolvePath(io, file);
        if (input !== '-' && !fs.existsSync(input)) throw new IoError(file, 'cannot open the input', Object.assign(new Error('no such file'), { code: 'ENOENT' }));
        const dir = createOrAppend(io, argv.dir, argv.json);
        const { keyframesOption } = await import('../keyframes-option.js');
        const keyframes = await keyframesOption(io, dir, argv.keyframes, argv['keyframe-events']);
        const summary = await importFile(input, dir, {
          onWritten: keyframes?.onWritten,
          format: argv.format,
          runId: argv['run-id'],
          durability: argv.durability,
          segmentSize,
          strict: argv.strict,
          deterministic: argv.deterministic,
          sessionEvents: sessionEventsOption(argv['session-events']),
          tsUnit: argv['ts-unit'],
          reorderWindowNs,
          map,
          venue: argv.venue,
          ...(argv.map === undefined && argv.symbol !== undefined ? { symbol: argv.symbol } : {}),
          args: [...rawArgs],
          onWarning: warningPrinter(io.stderr),
          signal: ac.signal,
          stdin: io.stdin,
          maxLineBytes,
          rawLimit: maxLineBytes,
          parseWorker: argv['parse-worker'],
          onProgress: (p) => progress.update({ bytes: p.bytes, events: p.events, totalBytes: p.totalBytes }),
        });
        progress.done();
        const kfLine = await keyframes?.finish();
        if (argv.json) io.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
        else {
          const what = summary.dbn
            ? `dbn v${summary.dbn.version} ${summary.dbn.schema ?? 'mixed'} ${summary.dbn.dataset}${summary.zstd ? ', zstd' : ''}`
            : summary.tardis
              ? `tardis ${summary.tardis}${summary.gzip ? ', gzip' : ''}`
              : `${summary.format}${summary.gzip ? ', gzip' : ''}${summary.zstd ? ', zstd' : ''}`;
          io.stderr.write(describeSummary(`imported (${what})`, summary));
          if (summary.dbn && Object.keys(summary.dbn.skippedRtypes).length > 0) {
            io.stderr.write(`  DBN records without a mapping, skipped by their length: ${Object.entries(summary.dbn.skippedRtypes).map(([k, n]) => `rtype ${k} ${n}`).join(', ')}\n`);
          }
          if (summary.dbn && Object.keys(summary.dbn.tickFlagsDropped).length > 0) {
            io.stderr.write(
              `  DBN quality flags on MBP-1/TBBO/BBO records, not kept (a tick has no flags): ${Object.entries(summary.dbn.tickFlagsDropped).map(([k, n]) => `${k} ${n}`).join(', ')}\n`,
            );
          }
          if (kfLine) io.stderr.write(kfLine);
        }
        // Nothing but rejects is a failed import, not a success with a count of 0.
        if (summary.events === 0 && summary.rejects > 0) {
          throw new ExitError(
            EXIT.BAD_INPUT,
            `nothing imported: all ${summary.rejects} record${summary.rejects === 1 ? ' was' : 's were'} rejected (see the warnings above; the rejects are stored in ${summary.dir})`,
          );
        }
      } finally {
        progress.done();
        uninstall();
      }
    },
  };
}
