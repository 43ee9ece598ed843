/**
 * `tapedeck compact <dir> --before <time>`: removes the whole sealed segments that end before a
 * time and prints what went and the space reclaimed; --dry-run only reports.
 */
import type { Argv, CommandModule } from 'yargs';
import { recordingArg, TS_UNIT_OPTION } from '../args.js';
import type { CliIo } from '../io.js';

interface CompactArgs {
  dir: string;
  before: string;
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  'dry-run': boolean;
  json: boolean;
}

export default function compactCommand(io: CliIo): CommandModule<object, CompactArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('before', {
          type: 'string',
          demandOption: true,
          describe: 'Remove segments whose last event is before this: ns, ISO-8601 (any UTC offset), +5m after the first event, or -1h before the last',
        })
        .option('ts-unit', TS_UNIT_OPTION)
        .option('dry-run', { type: 'boolean', default: false, describe: 'Only report what would be removed' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the report as one JSON object' })
        .example('$0 compact rec/x --before 2024-06-01T00:00:00Z --dry-run', 'What would go, without removing anything')
        .example('$0 compact rec/x --before +1h', 'Drop segments ending within the first hour of the recording')
        .example('$0 compact rec/x --before 1717200000000000000 --json', 'Machine-readable report') as unknown as Argv<CompactArgs>,
    handler: async (argv) => {
      const { compactRecording, formatCompact } = await import('../../ops/compact.js');
      const { toJson } = await import('../../ops/util.js');
      const r = await compactRecording(recordingArg(io, argv.dir), {
        before: argv.before,
        tsUnit: argv['ts-unit'],
        dryRun: argv['dry-run'],
        onWarning: (w) => io.stderr.write(`warning: keyframe ${w.name} ignored: ${w.problem}\n`),
      });
      io.stdout.write(argv.json ? `${toJson(r)}\n` : formatCompact(r));
    },
  };
}
