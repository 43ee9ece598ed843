/**
 * `tapedeck info <dir>`: what a recording holds: segments, records and bytes, time range, events by
 * type, run and symbol, the durable position, the compression ratio, the digest, rejects and gaps.
 */
import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface InfoArgs {
    dir: string;
    json: boolean;
}
export default function infoCommand(io: CliIo): CommandModule<object, InfoArgs>;
export {};
