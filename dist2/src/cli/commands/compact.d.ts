/**
 * `tapedeck compact <dir> --before <time>`: removes the whole sealed segments that end before a
 * time and prints what went and the space reclaimed; --dry-run only reports.
 */
import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface CompactArgs {
    dir: string;
    before: string;
    'dry-run': boolean;
    json: boolean;
}
export default function compactCommand(io: CliIo): CommandModule<object, CompactArgs>;
export {};
