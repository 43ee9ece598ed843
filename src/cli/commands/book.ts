/** `tapedeck book <dir> --at <time>`: the order books of a recording as of an instant. */
import type { Argv, CommandModule } from 'yargs';
import { TS_UNIT_OPTION } from '../args.js';
import { resolvePath, type CliIo } from '../io.js';

interface BookArgs {
  dir: string;
  at: string;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  venue?: string;
  symbol?: string;
  depth: number;
  json: boolean;
  keyframes: boolean;
}

export default function bookCommand(io: CliIo): CommandModule<object, BookArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('at', { type: 'string', demandOption: true, describe: 'The instant: ns, ISO-8601 (any UTC offset), +5m after the first event, or -5s before the last' })
        .option('ts-unit', TS_UNIT_OPTION)
        .option('venue', { type: 'string', describe: 'Only this venue (e.g. binance-spot)' })
        .option('symbol', { type: 'string', describe: 'Only this symbol' })
        .option('depth', { type: 'number', default: 10, describe: 'Levels per side' })
        .option('json', { type: 'boolean', default: false, describe: 'One JSON object per book, levels as exact decimal strings' })
        .option('keyframes', { type: 'boolean', default: true, describe: 'Start from the newest keyframe at or before --at (--no-keyframes: rebuild from the start)' })
        .example('$0 book rec/btc --at +2m --depth 5', 'The top 5 levels two minutes into the recording')
        .example('$0 book rec/kraken --at 2021-04-17T16:49:00Z --symbol XBT/CHF --json', 'One book, machine-readable') as unknown as Argv<BookArgs>,
    handler: async (argv) => {
      const { booksAt, formatBooks } = await import('../../book/book-at.js');
      const { timeArgResolver } = await import('../../ops/time-range.js');
      const dir = resolvePath(io, argv.dir);
      const at = timeArgResolver(dir, argv['ts-unit'])(argv.at);
      const views = booksAt(dir, {
        at,
        venue: argv.venue,
        symbol: argv.symbol,
        depth: argv.depth,
        noKeyframes: !argv.keyframes,
        onWarning: (w) => io.stderr.write(`warning: keyframe ${w.name} ignored: ${w.problem}\n`),
      });
      if (argv.json) {
        for (const v of views) io.stdout.write(JSON.stringify({ ...v, at: at.toString(), ts: v.ts.toString() }) + '\n');
      } else io.stdout.write(formatBooks(views, at));
    },
  };
}
