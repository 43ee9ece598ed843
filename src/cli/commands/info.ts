/**
 * `tapedeck info <dir>`: what a recording holds: segments, records and bytes, time range, events by
 * type, run and symbol, the durable position, the compression ratio, the digest, rejects and gaps.
 */
import type { Argv, CommandModule } from 'yargs';
import { recordingArg } from '../args.js';
import type { CliIo } from '../io.js';

interface InfoArgs {
  dir: string;
  json: boolean;
  cache: boolean;
}

export default function infoCommand(io: CliIo): CommandModule<object, InfoArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (ts and other int64 values as decimal strings)' })
        .option('cache', {
          type: 'boolean',
          default: true,
          describe: 'Read and fill the digest cache (DIGEST.cache); --no-cache recomputes the digest and JSONL size',
        })
        .example('$0 info rec/2024-06-01', 'Segments, counts, time range and digest')
        .example('$0 info rec/x --json | jq .byType', 'Events per type, for scripts') as unknown as Argv<InfoArgs>,
    handler: async (argv) => {
      const { formatInfo, recordingInfo } = await import('../../ops/info.js');
      const { toJson } = await import('../../ops/util.js');
      const info = recordingInfo(recordingArg(io, argv.dir), { cache: argv.cache });
      io.stdout.write(argv.json ? `${toJson(info)}\n` : formatInfo(info));
    },
  };
}
