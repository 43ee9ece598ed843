import { type SweepJob, type SweepPlan } from './plan.js';
import type { WorkerPool } from './pool.js';
import type { JobOutcome } from './run-job.js';
import type { SweepStore } from './store.js';
export interface ExecuteContext {
    store: SweepStore;
    segmentBytes?: number;
    /** Called once per finished job, in completion order. May throw (then the sweep stops). */
    onOutcome(job: SweepJob, outcome: JobOutcome): void;
}
export interface JobExecutor {
    execute(plan: SweepPlan, jobs: readonly SweepJob[], ctx: ExecuteContext): Promise<void>;
}
/** Attempts per job on the local pool when its thread dies. */
export declare const LOCAL_ATTEMPTS_MAX = 2;
export declare function localExecutor(pool: WorkerPool): JobExecutor;
