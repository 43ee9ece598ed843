/**
 * `tapedeck diff <a> <b>`: compare two recordings event by event, realigned by ts and content,
 * reporting inserted, deleted and changed events (up to --limit). The filter options and the
 * divergence printer (diff-text.ts) are shared with `verify --against`.
 */
import type { Argv, CommandModule } from 'yargs';
import { EVENT_TYPES } from '../../events/types.js';
import { EXIT, ExitError } from '../exit.js';
import { countArg, recordingArg, TS_UNIT_OPTION } from '../args.js';
import type { CliIo } from '../io.js';
export interface FilterArgs {
  run?: string;
  types?: string;
  from?: string;
  to?: string;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  'ignore-fields'?: string;
}

export const FILTER_OPTION_NAMES = ['run', 'types', 'from', 'to', 'ts-unit', 'ignore-fields'] as const;

export function withFilterOptions<T>(y: Argv<T>, group: string): Argv<T & FilterArgs> {
  return y
    .option('run', { type: 'string', describe: 'Only events of this runId, on both sides', group })
    .option('types', { type: 'string', describe: `Only these event types, comma-separated (${EVENT_TYPES.join(',')})`, group })
    .option('from', { type: 'string', describe: 'Start at this ts (inclusive): ns, ISO-8601 (any UTC offset), +5m after the first event of <a>, or -5s before its last', group })
    .option('to', { type: 'string', describe: 'End at this ts (inclusive): same forms as --from', group })
    .option('ts-unit', { ...TS_UNIT_OPTION, group })
    .option('ignore-fields', { type: 'string', describe: 'Leave these fields out of the comparison, comma-separated (e.g. exchTs,ts,runId); seq is never compared', group }) as Argv<
    T & FilterArgs
  >;
}

interface DiffArgs extends FilterArgs {
  a: string;
  b: string;
  json?: boolean;
  limit?: string;
}

export default function diffCommand(io: CliIo): CommandModule<object, DiffArgs> {
  return {
    builder: (y) =>
      withFilterOptions(
        y
          .positional('a', { type: 'string', demandOption: true, describe: 'First recording directory' })
          .positional('b', { type: 'string', demandOption: true, describe: 'Second recording directory' })
          .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
          .option('limit', { type: 'string', describe: 'List at most this many divergences (default 10; the counts cover all)' }),
        'Filters (both sides):',
      )
        .example('$0 diff rec/source rec/copy', 'Are the two recordings the same events?')
        .example('$0 diff a b --types order,fill --ignore-fields ts', 'Same orders and fills, whatever their timestamps')
        .example('$0 diff a b --from +5m --to +10m --run bt-42 --json', 'Minutes 5 to 10 of one run, as JSON') as Argv<DiffArgs>,
    handler: async (args) => {
      const { diffRecordings } = await import('../../verify/diff.js');
      const { diffJson, diffOptionsFrom, formatDiff } = await import('./diff-text.js');
      const limit = args.limit === undefined ? 10 : countArg('--limit', args.limit, 1);
      const a = recordingArg(io, args.a);
      const b = recordingArg(io, args.b);
      const result = diffRecordings(a, b, { ...diffOptionsFrom(args, a), limit });
      io.stdout.write(args.json ? JSON.stringify(diffJson(result, args.a, args.b)) + '\n' : formatDiff(result, args.a, args.b));
      if (!result.identical) throw new ExitError(EXIT.CHECK_FAILED);
    },
  };
}
