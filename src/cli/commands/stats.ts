/**
 * `tapedeck stats <dir>`: throughput and latency of a recording being written by another process
 * (from the metrics.json its writer publishes, e.g. `tapedeck record`), and the disk it uses.
 * --watch refreshes in place on a TTY, or prints a line per interval when piped, until Ctrl-C or
 * until no process writes the recording any more (then the last sample, and exit 0).
 */
import type { Argv, CommandModule } from 'yargs';
import { TapedeckError } from '../../errors.js';
import { durationArg, recordingArg } from '../args.js';
import type { CliIo } from '../io.js';

interface StatsArgs {
  dir: string;
  watch: boolean;
  interval: string;
  json: boolean;
}

export default function statsCommand(io: CliIo): CommandModule<object, StatsArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('watch', { alias: 'w', type: 'boolean', default: false, describe: 'Keep refreshing until Ctrl-C or the writer exits (a line per interval when not a TTY)' })
        .option('interval', { type: 'string', default: '1s', describe: 'Time between samples, with its unit (500ms, 5s); rates are measured over it' })
        .option('json', { type: 'boolean', default: false, describe: 'One JSON object (per interval with --watch: JSON lines)' })
        .example('$0 record rec/live --ws wss://… & $0 stats rec/live --watch', 'Watch a live recording')
        .example('$0 stats rec/live --json', 'One sample, machine-readable')
        .example('$0 stats rec/live --watch --interval 5s --json >> stats.jsonl', 'A JSON line every 5 s') as unknown as Argv<StatsArgs>,
    handler: async (argv) => {
      const intervalNs = durationArg('--interval', argv.interval);
      if (intervalNs < 10_000_000n) throw new TapedeckError('BAD_ARGUMENT', `--interval: ${argv.interval} is too short (at least 10ms)`, { flag: '--interval' });
      const intervalMs = Number(intervalNs / 1_000_000n);
      const { formatStats, formatStatsLine, sampleStats, statsJson, watchStats } = await import('../../ops/stats.js');
      const { toJson } = await import('../../ops/util.js');
      const dir = recordingArg(io, argv.dir);
      const ac = new AbortController();
      const stop = () => ac.abort();
      io.signals.on('SIGINT', stop);
      io.signals.on('SIGTERM', stop);
      try {
        if (!argv.watch) {
          const v = await sampleStats(dir, { intervalMs, signal: ac.signal });
          io.stdout.write(argv.json ? `${toJson(statsJson(v))}\n` : formatStats(v));
          return;
        }
        const tty = io.isTTY.stdout && !argv.json;
        let drawnLines = 0;
        await watchStats(dir, { intervalMs, signal: ac.signal }, (v) => {
          if (argv.json) {
            io.stdout.write(`${toJson(statsJson(v))}\n`);
          } else if (tty) {
            // Redraw the block in place: up to its first line, clear to the end of the screen.
            const text = formatStats(v);
            io.stdout.write(`${drawnLines > 0 ? `\x1b[${drawnLines}F` : ''}\x1b[J${text}`);
            drawnLines = text.split('\n').length - 1;
          } else {
            io.stdout.write(`${new Date(v.atMs).toISOString()}  ${formatStatsLine(v)}\n`);
          }
          // Nothing more will change once no process writes the recording: say so and stop,
          // rather than print "0 ev/s (no live writer)" forever.
          if (!v.writer.alive) {
            io.stderr.write(
              `tapedeck: ${v.writer.pid !== null ? `the writer (pid ${v.writer.pid}) is gone` : 'no process is writing'} ${argv.dir}: stopped watching\n`,
            );
            ac.abort();
          }
        });
      } finally {
        io.signals.off('SIGINT', stop);
        io.signals.off('SIGTERM', stop);
      }
    },
  };
}
