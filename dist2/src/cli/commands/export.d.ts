import type { CommandModule } from 'yargs';
import type { ExportFormat } from '../../ops/export.js';
import { type CliIo } from '../io.js';
/** The formats `export` writes (the library's EXPORT_FORMATS; tested equal). */
export declare const EXPORT_FORMAT_CHOICES: readonly ExportFormat[];
interface ExportArgs {
    dir: string;
    format: ExportFormat;
    types?: string | string[];
    from?: string;
    to?: string;
    run?: string;
    symbols?: string | string[];
    iso: boolean;
    out?: string;
    json: boolean;
}
export default function exportCommand(io: CliIo): CommandModule<object, ExportArgs>;
export {};
