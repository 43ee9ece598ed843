import { TapedeckError } from '../../errors.js';
import { resolvePath } from '../io.js';
export default function statsCommand(io) {
    return {
        builder: (y) => y
            .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
            .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Keep refreshing until Ctrl-C (a line per interval when not a TTY)' })
            .option('interval', { type: 'number', default: 1000, describe: 'ms between samples (rates are measured over it)' })
            .option('json', { type: 'boolean', default: false, describe: 'One JSON object (per interval with --watch: JSON lines)' })
            .example('$0 record rec/live --ws wss://… & $0 stats rec/live --watch', 'Watch a live recording')
            .example('$0 stats rec/live --json', 'One sample, machine-readable')
            .example('$0 stats rec/live --watch --interval 5000 --json >> stats.jsonl', 'A JSON line every 5 s'),
        handler: async (argv) => {
            if (!(argv.interval >= 10 && Number.isFinite(argv.interval))) {
                throw new TapedeckError('BAD_ARGUMENT', `--interval must be a number of ms ≥ 10, got ${argv.interval}`);
            }
            const { formatStats, formatStatsLine, sampleStats, statsJson, watchStats } = await import('../../ops/stats.js');
            const { toJson } = await import('../../ops/util.js');
            const dir = resolvePath(io, argv.dir);
            const ac = new AbortController();
            const stop = () => ac.abort();
            io.signals.on('SIGINT', stop);
            io.signals.on('SIGTERM', stop);
            try {
                if (!argv.watch) {
                    const v = await sampleStats(dir, { intervalMs: argv.interval, signal: ac.signal });
                    io.stdout.write(argv.json ? `${toJson(statsJson(v))}\n` : formatStats(v));
                    return;
                }
                const tty = io.isTTY.stdout && !argv.json;
                let drawnLines = 0;
                await watchStats(dir, { intervalMs: argv.interval, signal: ac.signal }, (v) => {
                    if (argv.json) {
                        io.stdout.write(`${toJson(statsJson(v))}\n`);
                    }
                    else if (tty) {
                        // Redraw the block in place: up to its first line, clear to the end of the screen.
                        const text = formatStats(v);
                        io.stdout.write(`${drawnLines > 0 ? `\x1b[${drawnLines}F` : ''}\x1b[J${text}`);
                        drawnLines = text.split('\n').length - 1;
                    }
                    else {
                        io.stdout.write(`${new Date(v.atMs).toISOString()}  ${formatStatsLine(v)}\n`);
                    }
                });
            }
            finally {
                io.signals.off('SIGINT', stop);
                io.signals.off('SIGTERM', stop);
            }
        },
    };
}
//# sourceMappingURL=stats.js.map