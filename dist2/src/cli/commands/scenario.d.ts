import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
/** dist/src/cli/commands → dist/scenarios (src/cli/commands → scenarios from source). */
export declare function scenariosDir(): string;
export default function scenarioCommand(io: CliIo): CommandModule<object, object>;
