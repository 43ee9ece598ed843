/**
 * `tapedeck keyframe <dir> [--every <duration>] [--every-events <n>] [--rebuild]`: writes book
 * keyframes through a recording (into <dir>/keyframes), one per --every of recording time or
 * after at most --every-events book events, whichever comes first, so `book --at`, `replay --from` and seeks start from the
 * newest keyframe instead of the start of the log. Resumes after the newest valid keyframe;
 * --rebuild deletes them all and writes them again from the log.
 */
import type { Argv, CommandModule } from 'yargs';
import { countArg, durationArg, recordingArg } from '../args.js';
import type { CliIo } from '../io.js';

interface KeyframeArgs {
  dir: string;
  every: string;
  'every-events': string;
  rebuild: boolean;
  json: boolean;
}

export default function keyframeCommand(io: CliIo): CommandModule<object, KeyframeArgs> {
  return {
    builder: (y) =>
      y
        .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
        .option('every', { type: 'string', default: '1m', describe: 'Spacing in recording time, with a unit (30s, 1m, 5m)' })
        .option('every-events', {
          type: 'string',
          default: '10000',
          describe: 'Also a keyframe after at most this many book events, so a seek replays a bounded tail on a bursty feed (0: by time only)',
        })
        .option('rebuild', { type: 'boolean', default: false, describe: 'Delete every keyframe and write them again from the start of the log' })
        .option('json', { type: 'boolean', default: false, describe: 'Print the report as one JSON object' })
        .example('$0 keyframe rec/btc --every 30s', 'A keyframe every 30 s of recording time')
        .example('$0 keyframe rec/btc --every 5m --every-events 2000', 'Every 5 min, or sooner where 2,000 book events come first')
        .example('$0 keyframe rec/btc --rebuild', 'Throw the keyframes away and derive them again') as unknown as Argv<KeyframeArgs>,
    handler: async (argv) => {
      const everyNs = durationArg('--every', argv.every);
      const everyEvents = countArg('--every-events', argv['every-events']);
      const dir = recordingArg(io, argv.dir);
      const { writeKeyframes } = await import('../../book/keyframes.js');
      const { formatTsIso } = await import('../../events/ts.js');
      const r = await writeKeyframes(dir, {
        everyNs,
        everyEvents,
        rebuild: argv.rebuild,
        onWarning: (w) => io.stderr.write(`warning: keyframe ${w.name} ignored: ${w.problem}\n`),
      });
      if (argv.json) {
        io.stdout.write(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
        return;
      }
      const bytes = r.written.reduce((n, w) => n + w.bytes, 0);
      const from = r.resumedFrom === null ? 'from the start of the log' : `after the keyframe at seq ${r.resumedFrom}`;
      io.stdout.write(`wrote ${r.written.length} keyframe${r.written.length === 1 ? '' : 's'} (${bytes} bytes, every ${argv.every}${everyEvents > 0 ? ` or ${everyEvents} book events` : ''}) ${from}; ${r.total} in ${dir}/keyframes\n`);
      for (const w of r.written) io.stdout.write(`  seq ${w.seq}  ${formatTsIso(w.tsNs)}  ${w.bytes} bytes\n`);
    },
  };
}
