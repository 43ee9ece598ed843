import type { CommandModule } from 'yargs';
import type { SweepSpec } from '../../sweep/spec.js';
import type { SweepProgress } from '../../sweep/sweep.js';
import { type CliIo } from '../io.js';
interface SweepArgs {
    inputs?: string[];
    strategy?: string;
    grid?: string[];
    option?: string[];
    seeds?: string;
    file?: string;
    workers?: number;
    'worker-memory-mb'?: number;
    out?: string;
    resume: boolean;
    force: boolean;
    json: boolean;
}
/** The spec from a sweep file (if any) with the command line on top. */
export declare function sweepSpecFromArgs(io: CliIo, args: SweepArgs): Promise<SweepSpec>;
/** The TTY progress line: a bar, jobs done of total, failures, jobs/s and the ETA. */
export declare function renderSweepProgress(p: SweepProgress, ranDone: number, elapsedS: number, width: number): string;
export default function sweepCommand(io: CliIo): CommandModule<object, SweepArgs>;
export {};
