/**
 * `tapedeck repair <dir> [--policy P]`: the writer's crash recovery as a command, under the writer
 * lock (refused while a writer is live): a torn tail is cut into a side file, nothing else is
 * touched. Under point-in-time or skip, corruption in the last unsealed segment is cut too.
 */
import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface RepairArgs {
    dir: string;
    policy: string;
    json: boolean;
}
export default function repairCommand(io: CliIo): CommandModule<object, RepairArgs>;
export {};
