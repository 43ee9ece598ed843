/**
 * `tapedeck diff <a> <b>`: compare two recordings event by event. The filter options and the
 * divergence printer (diff-text.ts) are shared with `verify --against`.
 */
import type { Argv, CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
export interface FilterArgs {
    run?: string;
    types?: string;
    from?: string;
    to?: string;
    'ignore-fields'?: string;
}
export declare const FILTER_OPTION_NAMES: readonly ["run", "types", "from", "to", "ignore-fields"];
export declare function withFilterOptions<T>(y: Argv<T>, group: string): Argv<T & FilterArgs>;
interface DiffArgs extends FilterArgs {
    a: string;
    b: string;
    json?: boolean;
}
export default function diffCommand(io: CliIo): CommandModule<object, DiffArgs>;
export {};
