import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface ReplayArgs {
    dirs: string[];
    speed: number;
    max: boolean;
    from?: string;
    to?: string;
    run?: string;
    types?: string | string[];
    symbols?: string | string[];
    follow: boolean;
    iso: boolean;
    out?: string;
}
export default function replayCommand(io: CliIo): CommandModule<object, ReplayArgs>;
export {};
