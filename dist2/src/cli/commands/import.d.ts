/**
 * `tapedeck import <file|-> <dir>`: canonical JSONL, CSV, or a Binance / Coinbase capture into a
 * recording, with the source clock, as fast as the log allows (batched durability by default).
 */
import type { CommandModule } from 'yargs';
import type { ImportFormat } from '../../record/importer.js';
import { type CliIo } from '../io.js';
import { type CommonArgs } from './record.js';
/** The formats `import` reads (the importer's IMPORT_FORMATS; tested equal). */
export declare const IMPORT_FORMAT_CHOICES: readonly ImportFormat[];
interface ImportArgs extends CommonArgs {
    file: string;
    format?: ImportFormat;
}
export default function importCommand(io: CliIo, rawArgs: readonly string[]): CommandModule<object, ImportArgs>;
export {};
