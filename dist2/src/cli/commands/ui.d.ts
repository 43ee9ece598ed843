import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface UiArgs {
    dirs: string[];
    port: number;
    host: string;
    open: boolean;
    json: boolean;
}
export default function uiCommand(io: CliIo): CommandModule<object, UiArgs>;
export {};
