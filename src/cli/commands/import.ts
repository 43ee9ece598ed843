/**
 * `tapedeck import <file|-> <dir>`: canonical JSONL, CSV, or a Binance / Coinbase capture into a
 * recording, with the source clock, as fast as the log allows (batched durability by default).
 */
import type { Argv, CommandModule } from 'yargs';
import { normalizeDurability } from '../../log/index.js';
import { IMPORT_FORMATS, importFile, type ImportFormat } from '../../record/importer.js';
import { parseSize } from '../../record/size.js';
import { createProgress } from '../progress.js';
import { commonOptions, sessionEventsOption, describeSummary, onStopSignals, toJson, warningPrinter, type CommonArgs } from './record.js';

interface ImportArgs extends CommonArgs {
  file: string;
  format?: ImportFormat;
}

export const importCommand: CommandModule<object, ImportArgs> = {
  command: 'import <file> <dir>',
  describe: "Import JSONL, CSV or a venue capture (gzip or plain; '-' for stdin) into a recording",
  builder: (y) =>
    commonOptions(
      y
        .positional('file', { type: 'string', demandOption: true, describe: "The input file ('-': stdin)" })
        .positional('dir', { type: 'string', demandOption: true, describe: 'The recording directory (created if needed)' })
        .option('format', {
          choices: IMPORT_FORMATS,
          describe: 'jsonl | csv (canonical fields) | binance | coinbase (capture files); default: from the name or content',
        }),
    ) as unknown as Argv<ImportArgs>,
  handler: async (argv) => {
    normalizeDurability(argv.durability);
    const segmentSize = argv['segment-size'] !== undefined ? parseSize(argv['segment-size']) : undefined;
    const progress = createProgress({ label: 'import', json: argv.json });
    const ac = new AbortController();
    const uninstall = onStopSignals(ac);
    try {
      // yargs hands a lone '-' positional over as ''.
      const file = argv.file === '' ? '-' : argv.file;
      const summary = await importFile(file, argv.dir, {
        format: argv.format,
        runId: argv['run-id'],
        durability: argv.durability,
        segmentSize,
        strict: argv.strict,
        deterministic: argv.deterministic,
        sessionEvents: sessionEventsOption(argv['session-events']),
        args: process.argv.slice(2),
        onWarning: warningPrinter(),
        signal: ac.signal,
        onProgress: (p) => progress.update({ bytes: p.bytes, events: p.events, totalBytes: p.totalBytes }),
      });
      progress.done();
      if (argv.json) process.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
      else process.stderr.write(describeSummary(`imported (${summary.format}${summary.gzip ? ', gzip' : ''})`, summary));
    } finally {
      progress.done();
      uninstall();
    }
  },
};
