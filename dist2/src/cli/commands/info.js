import { resolvePath } from '../io.js';
export default function infoCommand(io) {
    return {
        builder: (y) => y
            .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
            .option('json', { type: 'boolean', default: false, describe: 'Print one JSON object (ts and other int64 values as decimal strings)' })
            .example('$0 info rec/2024-06-01', 'Segments, counts, time range and digest')
            .example('$0 info rec/x --json | jq .byType', 'Events per type, for scripts'),
        handler: async (argv) => {
            const { formatInfo, recordingInfo } = await import('../../ops/info.js');
            const { toJson } = await import('../../ops/util.js');
            const info = recordingInfo(resolvePath(io, argv.dir));
            io.stdout.write(argv.json ? `${toJson(info)}\n` : formatInfo(info));
        },
    };
}
//# sourceMappingURL=info.js.map