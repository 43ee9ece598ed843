import { type JobExecutor } from './executor.js';
import { type SweepInputSource, type SweepStrategyRef, type SweepPlan } from './plan.js';
import { type SweepSpec } from './spec.js';
import { type SweepRow } from './table.js';
export interface SweepProgress {
    phase: 'inputs' | 'jobs';
    done: number;
    total: number;
    /** Jobs skipped because --resume found them finished. */
    skipped: number;
    failed: number;
}
export interface SweepOptions {
    /** The sweep directory (see store.ts). */
    out: string;
    /** Local worker threads (default: the core count). */
    workers?: number;
    /** Heap cap per worker thread, MiB. */
    memoryMbMax?: number;
    resume?: boolean;
    force?: boolean;
    /** Who runs the jobs; default the local pool. */
    executor?: JobExecutor;
    onProgress?: (p: SweepProgress) => void;
    /** Rotate output segments at about this many bytes. */
    segmentBytes?: number;
}
export interface SweepResult {
    plan: SweepPlan;
    rows: SweepRow[];
    dir: string;
    csvFile: string;
    jsonFile: string;
    /** Jobs run now, jobs skipped (--resume), jobs whose row is a failure. */
    ran: number;
    skipped: number;
    failed: number;
    /** Input events and ticks read by the jobs run now (for rates). */
    eventsIn: number;
    ticks: number;
    wallMs: number;
}
/** A recording directory, or else a scenario (bundled name or file). */
export declare function classifyInput(arg: string): Promise<SweepInputSource>;
/** The strategy: resolved, hashed, loaded once here to learn its name and check the first point's options. */
export declare function resolveStrategy(spec: SweepSpec): Promise<SweepStrategyRef>;
export declare function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult>;
