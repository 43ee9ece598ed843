/**
 * `tapedeck stats <dir>`: throughput and latency of a recording being written by another process
 * (from the metrics.json its writer publishes, e.g. `tapedeck record`), and the disk it uses.
 * --watch refreshes in place on a TTY, or prints a line per interval when piped, until Ctrl-C.
 */
import type { CommandModule } from 'yargs';
import { type CliIo } from '../io.js';
interface StatsArgs {
    dir: string;
    watch: boolean;
    interval: number;
    json: boolean;
}
export default function statsCommand(io: CliIo): CommandModule<object, StatsArgs>;
export {};
