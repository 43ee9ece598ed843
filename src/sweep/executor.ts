/**
 * Who runs a sweep's jobs. The orchestrator (sweep.ts) hands an executor the jobs still to do and
 * a callback for each outcome; the executor decides where they run. `localExecutor` runs them on
 * the process's worker-thread pool; the NATS executor (nats-executor.ts) publishes them to a
 * JetStream work queue for `tapedeck worker`s.
 *
 * Local policy: `workers` jobs run at a time, the next starting when one finishes. A job whose
 * thread died (out of memory, a crash) is retried once on a fresh thread, then recorded as a
 * failed row. A host fault (I/O, a digest mismatch) stops the sweep: no new job starts, the ones
 * running finish, and the error is raised; `--resume` continues from there.
 */
import { TapedeckError } from '../errors.js';
import { jobTask, type SweepJob, type SweepPlan } from './plan.js';
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
export const LOCAL_ATTEMPTS_MAX = 2;

export function localExecutor(pool: WorkerPool): JobExecutor {
  return {
    async execute(plan, jobs, ctx) {
      let fault: unknown;
      const runOne = async (job: SweepJob): Promise<void> => {
        for (let attempt = 1; ; attempt++) {
          if (fault !== undefined) return;
          try {
            const r = await pool.run({ kind: 'job', task: jobTask(plan, job, ctx.store.jobDir(job.id), ctx.segmentBytes) });
            if (r.kind !== 'job') throw new TapedeckError('CHECK_FAILED', `internal: expected a job result, got ${r.kind}`, {});
            if (fault === undefined) ctx.onOutcome(job, r.outcome);
            return;
          } catch (e) {
            if (e instanceof TapedeckError && e.code === 'WORKER_DIED') {
              if (attempt < LOCAL_ATTEMPTS_MAX) continue;
              if (fault === undefined) ctx.onOutcome(job, { jobId: job.id, status: 'failed', error: { code: e.code, message: `${e.message} (${attempt} attempts)` } });
              return;
            }
            fault ??= e;
            return;
          }
        }
      };
      // `workers` lanes take the next job when one finishes, so after a fault nothing new starts.
      let next = 0;
      const lane = async (): Promise<void> => {
        while (fault === undefined && next < jobs.length) await runOne(jobs[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(pool.workers, jobs.length) }, lane));
      if (fault !== undefined) throw fault;
    },
  };
}
