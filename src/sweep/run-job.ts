/**
 * One sweep job, as a worker runs it: a normal backtest (backtestRecordings, the same runner as
 * `tapedeck backtest`) into the job's own output recording, then the checks that make the result
 * trustworthy: the manifest the runner wrote must name the input digest and strategy sha256 the
 * job was planned with (the runner digests the input and hashes the strategy itself, so this
 * costs nothing extra and catches a file changed under a running sweep).
 *
 * A failure of the job itself (the strategy throws, rejects its options, the input is bad) is an
 * outcome: it becomes a table row with its error, the same on every run. Anything else (I/O, a
 * digest mismatch, a missing file) is thrown: the host is at fault, not the job.
 */
import * as fs from 'node:fs';
import type { RiskOptions } from '../backtest/risk.js';
import { backtestRecordings, type RunnerVenueOptions, type StrategyOptionValue } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { jobSettings, type JobSettings } from './job-settings.js';
import type { Seed } from './spec.js';

/** What a worker needs to run one job (structured-clone and JSON friendly but for bigints). */
export interface JobTask extends JobSettings {
  jobId: string;
  runId: string;
  strategyPath: string;
  strategySha256: string;
  inputDir: string;
  inputDigest: string;
  seed: Seed;
  strategyOptions: Record<string, StrategyOptionValue>;
  /** The output recording directory (replaced if it holds a partial run). */
  out: string;
}

export type JobOutcome =
  | {
      jobId: string;
      status: 'ok';
      trades: number;
      netPnl: number;
      fees: number;
      maxDrawdown: number;
      sharpe: number;
      /** Input events read, and ticks among them (for ticks/s). */
      eventsIn: number;
      ticks: number;
      records: number;
      outputDigest: string;
    }
  | { jobId: string; status: 'failed'; error: { code: string; message: string } };

/** Codes that mean the job itself cannot run: recorded as a failed row, not retried. */
const JOB_FAULTS = new Set(['BAD_INPUT', 'VALIDATION', 'BAD_ARGUMENT', 'TS_BACKWARDS', 'EXPECTATION_FAILED']);

/**
 * The job's own failure, or undefined for a host fault. A plain Error without an errno code comes
 * from the strategy module (a factory rejecting its options throws whatever it likes).
 */
function jobFault(e: unknown): { code: string; message: string } | undefined {
  if (e instanceof TapedeckError) return JOB_FAULTS.has(e.code) ? { code: e.code, message: e.message } : undefined;
  if (e instanceof Error && (e as NodeJS.ErrnoException).code === undefined) return { code: e.name, message: e.message };
  return undefined;
}

export async function runJobTask(task: JobTask): Promise<JobOutcome> {
  let r;
  try {
    r = await backtestRecordings([task.inputDir], {
      strategyPath: task.strategyPath,
      strategyOptions: task.strategyOptions,
      seed: task.seed,
      out: task.out,
      force: true,
      runId: task.runId,
      ...jobSettings(task),
    });
  } catch (e) {
    const fault = jobFault(e);
    if (fault === undefined) throw e;
    // A failed job leaves no half-written output behind (its row says why).
    fs.rmSync(task.out, { recursive: true, force: true });
    return { jobId: task.jobId, status: 'failed', error: fault };
  }
  const m = r.manifest;
  const mismatch =
    m['input.0.digest'] !== task.inputDigest
      ? `input ${task.inputDir} holds digest ${String(m['input.0.digest'])}, the sweep was planned with ${task.inputDigest}`
      : m.strategySha256 !== task.strategySha256
        ? `strategy ${task.strategyPath} has sha256 ${String(m.strategySha256)}, the sweep was planned with ${task.strategySha256}`
        : undefined;
  if (mismatch !== undefined) {
    fs.rmSync(task.out, { recursive: true, force: true });
    throw new TapedeckError('DIGEST_MISMATCH', `job ${task.jobId}: ${mismatch} (changed since the sweep started?)`, { jobId: task.jobId });
  }
  const s = r.summary;
  return {
    jobId: task.jobId,
    status: 'ok',
    trades: s.trades,
    netPnl: s.netPnl,
    fees: s.fees,
    maxDrawdown: s.maxDrawdown,
    sharpe: s.sharpe,
    eventsIn: s.eventsProcessed,
    ticks: s.ticks,
    records: r.records,
    outputDigest: r.digest,
  };
}
