import { type JobOutcome, type JobTask } from './run-job.js';
import type { ResolvedInput } from './plan.js';
import type { Seed } from './spec.js';
export type PoolTask = {
    kind: 'job';
    task: JobTask;
} | {
    kind: 'scenario';
    file: string;
    seed: Seed;
    out: string;
} | {
    kind: 'digest';
    dir: string;
} | {
    kind: 'verify';
    dir: string;
};
export type PoolTaskResult = {
    kind: 'job';
    outcome: JobOutcome;
} | {
    kind: 'input';
    input: ResolvedInput;
} | {
    kind: 'verified';
    ok: boolean;
    digest: string | null;
    problem: string | null;
};
export declare function runPoolTask(t: PoolTask): Promise<PoolTaskResult>;
/** An error as it crosses a thread or the network: enough to rebuild its code and exit status. */
export interface WireError {
    code: string;
    message: string;
    details?: Record<string, unknown>;
    /** An errno-style code (ENOSPC, EACCES) of a plain Node error. */
    errno?: string;
}
export declare function toWireError(e: unknown): WireError;
export declare function fromWireError(w: WireError): Error;
