/**
 * `tapedeck info <dir>`: what a recording holds: segments, records and bytes, time range, events by
 * type, run and symbol, the durable position, the compression ratio, the digest, rejects and gaps.
 */
import type { Argv, CommandModule } from 'yargs';
import { formatInfo, recordingInfo } from '../../ops/info.js';
import { toJson } from '../../ops/util.js';

interface InfoArgs {
  dir: string;
  json: boolean;
}

export const infoCommand: CommandModule<object, InfoArgs> = {
  command: 'info <dir>',
  describe: 'Describe a recording: segments, counts by type/run/symbol, time range, digest, rejects and gaps',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
      .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (ts and other int64 values as decimal strings)' })
      .example('$0 info rec/2024-06-01', 'Segments, counts, time range and digest')
      .example('$0 info rec/x --json | jq .byType', 'Events per type, for scripts') as unknown as Argv<InfoArgs>,
  handler: (argv) => {
    const info = recordingInfo(argv.dir);
    process.stdout.write(argv.json ? `${toJson(info)}\n` : formatInfo(info));
  },
};
