/**
 * Sweeps over NATS JetStream: the names and the messages, in one place.
 *
 *   stream  TAPEDECK_SWEEP_JOBS     work-queue retention, subjects tapedeck.sweep.jobs.<sweep id>:
 *                                   a job is removed once a worker acks it
 *   consumer tapedeck-sweep-workers  the one durable pull consumer every `tapedeck worker` shares;
 *                                   explicit acks, ack wait (default 30 s) after which an unacked
 *                                   job (its worker died) is redelivered to another worker
 *   stream  TAPEDECK_SWEEP_RESULTS  subjects tapedeck.sweep.results.<sweep id>.<job id>, one
 *                                   message kept per subject: the result of a job, by job id
 *   objects tapedeck-sweep          recordings by digest: rec/<digest> (a manifest: file names and
 *                                   sizes) and rec/<digest>/<file> (the bytes)
 *
 * Poison jobs: a job carries the coordinator's `deliveriesMax` (`sweep --max-deliveries`, default
 * 5). A worker that would hand a job back (nak) on its deliveriesMax-th delivery, or that receives
 * it for a delivery beyond that (the earlier ones ended without a result: workers died or let the
 * ack wait pass), publishes a failed result instead (code MAX_DELIVERIES, the last reason in its
 * message) and acknowledges the job, so a job no worker can finish ends as a failed row and never
 * holds the sweep forever.
 *
 * Idempotency: jobs and results are published with a Nats-Msg-Id of <sweep id>.<job id>, so the
 * server drops a duplicate inside its window; a result published again later (a redelivered job
 * that finished twice) replaces the one before under the same subject; and the coordinator keys
 * results by job id (store.ts refuses two different outcomes for one id). A job counts once.
 *
 * The sweep id is a hash of the plan's job ids: the same sweep started again (--resume, or a
 * coordinator restarted) finds its own results, and two different sweeps never mix.
 *
 * Messages are JSON with tagged bigints (json.ts), versioned by `v`.
 */
import { createHash } from 'node:crypto';
import type { StrategyOptionValue } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { jobSettings, type JobSettings } from './job-settings.js';
import { fromTaggedJson, toTaggedJson } from './json.js';
import type { SweepJob, SweepPlan } from './plan.js';
import type { JobOutcome } from './run-job.js';
import type { Seed } from './spec.js';

export const WIRE_VERSION = 1;
export const JOBS_STREAM = 'TAPEDECK_SWEEP_JOBS';
export const JOBS_SUBJECT = 'tapedeck.sweep.jobs';
export const RESULTS_STREAM = 'TAPEDECK_SWEEP_RESULTS';
export const RESULTS_SUBJECT = 'tapedeck.sweep.results';
export const WORKERS_CONSUMER = 'tapedeck-sweep-workers';
export const OBJECT_BUCKET = 'tapedeck-sweep';
export const ACK_WAIT_MS_DEFAULT = 30_000;
export const DELIVERIES_MAX_DEFAULT = 5;
/** The code of a job failed because no delivery of it produced a result. */
export const MAX_DELIVERIES_CODE = 'MAX_DELIVERIES';

export function sweepId(plan: SweepPlan): string {
  return createHash('sha256')
    .update(plan.jobs.map((j) => j.id).join(','))
    .digest('hex')
    .slice(0, 16);
}

export const jobSubject = (sweep: string) => `${JOBS_SUBJECT}.${sweep}`;
export const resultSubject = (sweep: string, job: string) => `${RESULTS_SUBJECT}.${sweep}.${job}`;
export const resultsFilter = (sweep: string) => `${RESULTS_SUBJECT}.${sweep}.>`;
export const msgId = (sweep: string, job: string) => `${sweep}.${job}`;

/** A job as a worker on any host receives it: content addresses, and paths only as hints. */
export interface JobMessage extends JobSettings {
  v: number;
  sweepId: string;
  jobId: string;
  runId: string;
  /** The strategy as given to the coordinator (resolved against the worker's --root), its file name and sha256. */
  strategy: { given: string; file: string; sha256: string };
  /** The input recording: its digest (what counts), and its path on the coordinator's host (a shared-path hint). */
  input: { digest: string; records: number; path: string };
  seed: Seed;
  strategyOptions: Record<string, StrategyOptionValue>;
  /** Deliveries after which a job without a result is failed (absent: DELIVERIES_MAX_DEFAULT). */
  deliveriesMax?: number;
}

export interface ResultMessage {
  v: number;
  sweepId: string;
  outcome: JobOutcome;
  /** Which worker ran it (host:pid), for people reading the stream; not part of the result. */
  worker: string;
}

export function jobMessage(plan: SweepPlan, sweep: string, job: SweepJob, options: { segmentBytes?: number; deliveriesMax?: number } = {}): JobMessage {
  return {
    v: WIRE_VERSION,
    sweepId: sweep,
    jobId: job.id,
    runId: job.runId,
    strategy: { given: plan.strategy.given, file: plan.strategy.path.split(/[\\/]/).pop()!, sha256: plan.strategy.sha256 },
    input: { digest: job.input.digest, records: job.input.records, path: job.input.dir },
    seed: job.seed,
    strategyOptions: job.strategyOptions,
    ...(options.deliveriesMax !== undefined ? { deliveriesMax: options.deliveriesMax } : {}),
    ...jobSettings({ ...plan, segmentBytes: options.segmentBytes }),
  };
}

export function encodeMessage(m: JobMessage | ResultMessage): Uint8Array {
  return new TextEncoder().encode(toTaggedJson(m));
}

function decode(bytes: Uint8Array, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = fromTaggedJson(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new TapedeckError('BAD_INPUT', `a sweep ${what} message is not JSON: ${e instanceof Error ? e.message : String(e)}`, {});
  }
  if (v === null || typeof v !== 'object') throw new TapedeckError('BAD_INPUT', `a sweep ${what} message is not an object`, {});
  const o = v as Record<string, unknown>;
  if (o.v !== WIRE_VERSION) throw new TapedeckError('BAD_INPUT', `a sweep ${what} message of version ${String(o.v)} (this tapedeck speaks ${WIRE_VERSION})`, { v: o.v });
  return o;
}

export function decodeJobMessage(bytes: Uint8Array): JobMessage {
  const o = decode(bytes, 'job');
  const ok =
    typeof o.sweepId === 'string' &&
    typeof o.jobId === 'string' &&
    typeof o.runId === 'string' &&
    typeof (o.strategy as JobMessage['strategy'])?.sha256 === 'string' &&
    typeof (o.input as JobMessage['input'])?.digest === 'string' &&
    (typeof o.seed === 'string' || typeof o.seed === 'number') &&
    (o.deliveriesMax === undefined || (Number.isSafeInteger(o.deliveriesMax) && (o.deliveriesMax as number) >= 1));
  if (!ok) throw new TapedeckError('BAD_INPUT', 'a sweep job message lacks sweepId, jobId, runId, strategy, input or seed (or has a bad deliveriesMax)', {});
  return o as unknown as JobMessage;
}

export function decodeResultMessage(bytes: Uint8Array): ResultMessage {
  const o = decode(bytes, 'result');
  const outcome = o.outcome as JobOutcome | undefined;
  if (typeof o.sweepId !== 'string' || typeof outcome?.jobId !== 'string' || (outcome.status !== 'ok' && outcome.status !== 'failed')) {
    throw new TapedeckError('BAD_INPUT', 'a sweep result message lacks sweepId or a job outcome', {});
  }
  return o as unknown as ResultMessage;
}
