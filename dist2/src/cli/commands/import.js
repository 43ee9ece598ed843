import { resolvePath } from '../io.js';
import { commonOptions, sessionEventsOption, describeSummary, onStopSignals, toJson, warningPrinter } from './record.js';
/** The formats `import` reads (the importer's IMPORT_FORMATS; tested equal). */
export const IMPORT_FORMAT_CHOICES = ['jsonl', 'csv', 'binance', 'coinbase'];
export default function importCommand(io, rawArgs) {
    return {
        builder: (y) => commonOptions(y
            .positional('file', { type: 'string', demandOption: true, describe: "The input file ('-': stdin)" })
            .positional('dir', { type: 'string', demandOption: true, describe: 'The recording directory (created if needed)' })
            .option('format', {
            choices: IMPORT_FORMAT_CHOICES,
            describe: 'jsonl | csv (canonical fields) | binance | coinbase (capture files); default: from the name or content',
        })
            .example('$0 import events.jsonl rec/a', 'Canonical JSONL, with its own timestamps')
            .example('$0 export rec/a | $0 import - rec/b', 'Copy a recording through a pipe')
            .example('$0 import capture.txt.gz rec/btc --format binance --strict', 'A venue capture; stop at the first bad line (exit 65)')),
        handler: async (argv) => {
            const { normalizeDurability } = await import('../../log/index.js');
            const { importFile } = await import('../../record/importer.js');
            const { parseSize } = await import('../../record/size.js');
            const { createProgress } = await import('../progress.js');
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
                    args: [...rawArgs],
                    onWarning: warningPrinter(io.stderr),
                    signal: ac.signal,
                    stdin: io.stdin,
                    onProgress: (p) => progress.update({ bytes: p.bytes, events: p.events, totalBytes: p.totalBytes }),
                });
                progress.done();
                if (argv.json)
                    io.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
                else
                    io.stderr.write(describeSummary(`imported (${summary.format}${summary.gzip ? ', gzip' : ''})`, summary));
            }
            finally {
                progress.done();
                uninstall();
            }
        },
    };
}
//# sourceMappingURL=import.js.map