/**
 * `tapedeck import <file|-> <dir>`: canonical JSONL, CSV, or a Binance / Coinbase capture into a
 * recording, with the source clock, as fast as the log allows (batched durability by default).
 */
import type { Argv, CommandModule } from 'yargs';
import type { ImportFormat } from '../../record/importer.js';
import { resolvePath, type CliIo } from '../io.js';
import { commonOptions, sessionEventsOption, describeSummary, onStopSignals, toJson, warningPrinter, type CommonArgs } from './record.js';

/** The formats `import` reads (the importer's IMPORT_FORMATS; tested equal). */
export const IMPORT_FORMAT_CHOICES: readonly ImportFormat[] = ['jsonl', 'csv', 'binance', 'binance-futures', 'coinbase', 'kraken'];

interface ImportArgs extends CommonArgs {
  file: string;
  format?: ImportFormat;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  'reorder-window'?: string;
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
            describe: 'jsonl | csv (canonical fields) | binance | coinbase (capture files); default: from the name or content',
          })
          .option('ts-unit', {
            choices: ['s', 'ms', 'us', 'ns'] as const,
            describe: 'The unit of bare integer times in the input (default ns; an integer that reads as s/ms/us of a recent date is refused)',
          })
          .option('reorder-window', {
            type: 'string',
            describe: 'Sort rows that arrive out of order within this window (e.g. 500ms, 2s); rows older than the window are rejects',
          })
          .example('$0 import events.jsonl rec/a', 'Canonical JSONL, with its own timestamps')
          .example('$0 import ticks.jsonl rec/a --ts-unit ms', 'Times in epoch milliseconds')
          .example('$0 export rec/a | $0 import - rec/b', 'Copy a recording through a pipe')
          .example('$0 import capture.txt.gz rec/btc --format binance --strict', 'A venue capture; stop at the first bad line (exit 65)'),
      ) as unknown as Argv<ImportArgs>,
    handler: async (argv) => {
      const { normalizeDurability } = await import('../../log/index.js');
      const { importFile } = await import('../../record/importer.js');
      const { parseSize } = await import('../../record/size.js');
      const { createProgress } = await import('../progress.js');
      const { parseDurationNs } = await import('../../events/ts.js');
      const { ExitError, EXIT } = await import('../exit.js');
      const reorderWindowNs = argv['reorder-window'] !== undefined ? parseDurationNs(argv['reorder-window'], '--reorder-window') : undefined;
      normalizeDurability(argv.durability);
      const segmentSize = argv['segment-size'] !== undefined ? parseSize(argv['segment-size']) : undefined;
      const progress = createProgress({ label: 'import', json: argv.json, stream: io.stderr, enabled: !argv.json && io.isTTY.stderr });
      const ac = new AbortController();
      const uninstall = onStopSignals(io, ac);
      try {
        // yargs hands a lone '-' positional over as ''.
        const file = argv.file === '' ? '-' : argv.file;
        const summary = await importFile(resolvePath(io, file), resolvePath(io, argv.dir), {
          format: argv.format,
          runId: argv['run-id'],
          durability: argv.durability,
          segmentSize,
          strict: argv.strict,
          deterministic: argv.deterministic,
          sessionEvents: sessionEventsOption(argv['session-events']),
          tsUnit: argv['ts-unit'],
          reorderWindowNs,
          args: [...rawArgs],
          onWarning: warningPrinter(io.stderr),
          signal: ac.signal,
          stdin: io.stdin,
          onProgress: (p) => progress.update({ bytes: p.bytes, events: p.events, totalBytes: p.totalBytes }),
        });
        progress.done();
        if (argv.json) io.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
        else io.stderr.write(describeSummary(`imported (${summary.format}${summary.gzip ? ', gzip' : ''})`, summary));
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
