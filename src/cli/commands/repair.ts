/**
 * `tapedeck repair <dir> [--policy P]`: the writer's crash recovery as a command, under the writer
 * lock (refused while a writer is live): a torn tail is cut into a side file, nothing else is
 * touched. Under point-in-time or skip, corruption in the last unsealed segment is cut too.
 */
import type { Argv, CommandModule } from 'yargs';
import { resolvePath, type CliIo } from '../io.js';

interface RepairArgs {
  dir: string;
  policy: string;
  json: boolean;
}

export default function repairCommand(io: CliIo): CommandModule<object, RepairArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('policy', {
          type: 'string',
          default: 'tolerate-tail',
          choices: ['tolerate-tail', 'absolute', 'point-in-time', 'skip'],
          describe: 'Recovery policy (docs/FORMAT.md §12): what may be cut',
        })
        .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
        .example('$0 repair rec/x', 'Cut a torn tail left by a crash (the bytes are kept in a side file)')
        .example('$0 repair rec/x --policy point-in-time', 'Also cut from the first corruption in the last unsealed segment') as unknown as Argv<RepairArgs>,
    handler: async (argv) => {
      const { repair } = await import('../../log/recovery.js');
      const { toJson } = await import('../../ops/util.js');
      const r = repair(resolvePath(io, argv.dir), argv.policy as 'tolerate-tail');
      if (argv.json) {
        io.stdout.write(`${toJson(r)}\n`);
        return;
      }
      const what =
        r.cut !== null
          ? `cut ${r.cut.bytes} bytes from ${r.cut.file} at byte ${r.cut.offsetBytes} (${r.cut.reason}); kept in ${r.cut.sideFile}`
          : r.action === 'resume'
            ? 'nothing to repair: the last segment ends after a complete unit'
            : 'nothing to repair: every segment is sealed';
      io.stdout.write(`${r.dir}: ${what}\n`);
    },
  };
}
