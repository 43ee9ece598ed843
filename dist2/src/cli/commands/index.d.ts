/**
 * Every CLI command, one module each, loaded only when named: the list below is all that
 * `tapedeck --help` needs. A module default-exports a factory from the CLI's io to its yargs
 * command (builder and handler; the command string and description come from here).
 */
import type { CommandModule } from 'yargs';
import type { CliIo } from '../io.js';
export type CommandFactory = (io: CliIo, rawArgs: readonly string[]) => CommandModule<any, any>;
export interface CommandEntry {
    /** The word that selects it. */
    name: string;
    /** yargs command string (positionals). */
    command: string;
    describe: string;
    load: () => Promise<CommandFactory>;
}
export declare const COMMANDS: readonly CommandEntry[];
