import { resolvePath } from '../io.js';
export default function repairCommand(io) {
    return {
        builder: (y) => y
            .positional('dir', { type: 'string', demandOption: true, describe: 'Recording directory' })
            .option('policy', {
            type: 'string',
            default: 'tolerate-tail',
            choices: ['tolerate-tail', 'absolute', 'point-in-time', 'skip'],
            describe: 'Recovery policy (docs/FORMAT.md §12): what may be cut',
        })
            .option('json', { type: 'boolean', default: false, describe: 'Print the result as one JSON object' })
            .example('$0 repair rec/x', 'Cut a torn tail left by a crash (the bytes are kept in a side file)')
            .example('$0 repair rec/x --policy point-in-time', 'Also cut from the first corruption in the last unsealed segment'),
        handler: async (argv) => {
            const { repair } = await import('../../log/recovery.js');
            const { toJson } = await import('../../ops/util.js');
            const r = repair(resolvePath(io, argv.dir), argv.policy);
            if (argv.json) {
                io.stdout.write(`${toJson(r)}\n`);
                return;
            }
            const what = r.cut !== null
                ? `cut ${r.cut.bytes} bytes from ${r.cut.file} at byte ${r.cut.offsetBytes} (${r.cut.reason}); kept in ${r.cut.sideFile}`
                : r.action === 'resume'
                    ? 'nothing to repair: the last segment ends after a complete unit'
                    : 'nothing to repair: every segment is sealed';
            io.stdout.write(`${r.dir}: ${what}\n`);
        },
    };
}
//# sourceMappingURL=repair.js.map