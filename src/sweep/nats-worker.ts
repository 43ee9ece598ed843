/**
 * `tapedeck worker --nats URL`: pulls sweep jobs from the shared work-queue consumer, runs each on
 * a local worker thread (the same pool and the same job code as a local sweep), stores the output
 * recording in the object store, publishes the result, and only then acknowledges the job. A
 * worker that dies before the ack (SIGKILL, a lost host) leaves its job unacknowledged: after the
 * consumer's ack wait JetStream redelivers it to another worker. While a job runs the worker tells
 * the server it is still working (every ack wait / 3), so a long job is not redelivered.
 *
 * Inputs are fetched by digest and never trusted by name. For each job the worker looks, in order:
 *   1. in its cache (<cache>/inputs/<digest>): digested; a copy whose digest differs (or whose
 *      frames fail their CRC) is refused, removed and fetched again;
 *   2. at the coordinator's path, resolved against --root (a shared file system), unless
 *      --no-shared: used in place when its digest matches, refused otherwise;
 *   3. in the object store: written to a temp directory, digested, then renamed into the cache.
 * A copy that still does not match is refused and the job is handed back (nak) for another worker.
 * A job handed back (or lost) on every one of its deliveries is a poison job: on its last allowed
 * delivery the worker publishes it as failed with the reason (nats-wire.ts, MAX_DELIVERIES).
 * A pull the server never answers (nats.js: "heartbeats missed") is an empty pull: the worker pulls
 * again rather than exit, so a handed-back job is always delivered again (nats-pull.ts).
 * The strategy is code: it must be on the worker's host (the same checkout, or --root pointing at
 * one) and is checked against the sha256 the coordinator planned with.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { JsMsg } from '@nats-io/jetstream';
import { sha256File } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { connectNats, type NatsConnectOptions } from '../transport/nats-connect.js';
import { getRecording, putRecording } from './nats-objects.js';
import { pullJob } from './nats-pull.js';
import { openSweepNats } from './nats-streams.js';
import { jobSettings } from './job-settings.js';
import {
  ACK_WAIT_MS_DEFAULT,
  decodeJobMessage,
  DELIVERIES_MAX_DEFAULT,
  encodeMessage,
  JOBS_STREAM,
  MAX_DELIVERIES_CODE,
  msgId,
  resultSubject,
  WIRE_VERSION,
  WORKERS_CONSUMER,
  type JobMessage,
} from './nats-wire.js';
import { WorkerPool, defaultWorkers } from './pool.js';
import type { JobOutcome, JobTask } from './run-job.js';

export interface SweepWorkerOptions {
  url: string;
  connect?: NatsConnectOptions;
  /** Jobs at once (threads); default the core count. */
  concurrency?: number;
  memoryMbMax?: number;
  /** Inputs fetched and outputs in progress live here. */
  cacheDir: string;
  /** Relative strategy and input paths of a job resolve against this (default cwd). */
  root?: string;
  /** Look for inputs at the coordinator's path (default true). */
  shared?: boolean;
  /** The consumer's ack wait (default 30 s; a job of a dead worker is redelivered after it). */
  ackWaitMs?: number;
  /** One line per event (job started, done, refused copy). */
  log: (line: string) => void;
  /** Stop taking jobs; the ones running finish first. */
  signal?: AbortSignal;
}

export interface SweepWorkerStats {
  done: number;
  failed: number;
  refusedCopies: number;
}

/**
 * A job handed back comes again after this delay, and one pull waits at most PULL_EXPIRES_MS.
 * The two must differ: the worker pulls right after a hand-back, and with equal values the
 * delayed redelivery fell due just as that pull expired, which is when Debian's nats-server
 * 2.9.10 dropped the pull (no redelivery, no 408; nats-pull.ts) about once in 15 hand-backs.
 * With 700 ms it falls due mid-pull: no loss in 60 hand-backs in a row.
 */
const NAK_DELAY_MS = 700;
const PULL_EXPIRES_MS = 1000;

export async function runSweepWorker(options: SweepWorkerOptions): Promise<SweepWorkerStats> {
  const concurrency = options.concurrency ?? defaultWorkers();
  if (!(Number.isSafeInteger(concurrency) && concurrency >= 1)) throw new TapedeckError('BAD_ARGUMENT', `--concurrency must be an integer ≥ 1 (got ${concurrency})`, {});
  const ackWaitMs = options.ackWaitMs ?? ACK_WAIT_MS_DEFAULT;
  const root = options.root ?? process.cwd();
  const me = `${os.hostname()}:${process.pid}`;
  const log = options.log;
  const stats: SweepWorkerStats = { done: 0, failed: 0, refusedCopies: 0 };
  fs.mkdirSync(path.join(options.cacheDir, 'inputs'), { recursive: true });
  fs.mkdirSync(path.join(options.cacheDir, 'out'), { recursive: true });

  const nc = await connectNats(options.url, { name: 'tapedeck worker', ...options.connect });
  const pool = new WorkerPool({ workers: concurrency, ...(options.memoryMbMax !== undefined ? { memoryMbMax: options.memoryMbMax } : {}) });
  const fetching = new Map<string, Promise<string>>();
  try {
    const { js, objects } = await openSweepNats(nc, { ackWaitMs });
    const consumer = await js.consumers.get(JOBS_STREAM, WORKERS_CONSUMER);

    const digestOf = async (dir: string): Promise<string | undefined> => {
      const r = await pool.run({ kind: 'digest', dir }).catch(() => undefined);
      return r?.kind === 'input' ? r.input.digest : undefined;
    };
    const refuse = (where: string, digest: string, got: string | undefined) => {
      stats.refusedCopies++;
      log(`refused ${where}: ${got === undefined ? 'unreadable or corrupt frames' : `digest ${got}`}, expected ${digest}`);
    };

    const fetchInput = async (input: JobMessage['input']): Promise<string> => {
      const cached = path.join(options.cacheDir, 'inputs', input.digest);
      if (fs.existsSync(cached)) {
        const got = await digestOf(cached);
        if (got === input.digest) return cached;
        refuse(`cached copy ${cached}`, input.digest, got);
        fs.rmSync(cached, { recursive: true, force: true });
      }
      if (options.shared !== false) {
        const shared = path.resolve(root, input.path);
        if (fs.existsSync(shared)) {
          const got = await digestOf(shared);
          if (got === input.digest) return shared;
          refuse(`shared copy ${shared}`, input.digest, got);
        }
      }
      const tmp = `${cached}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      await getRecording(objects, input.digest, tmp);
      const got = await digestOf(tmp);
      if (got !== input.digest) {
        fs.rmSync(tmp, { recursive: true, force: true });
        refuse('object store copy', input.digest, got);
        throw new TapedeckError('DIGEST_MISMATCH', `input ${input.digest}: no copy with that digest (the object store's is ${got ?? 'corrupt'})`, { digest: input.digest });
      }
      fs.renameSync(tmp, cached);
      log(`fetched input ${input.digest.slice(0, 12)} (${input.records} records) from the object store`);
      return cached;
    };
    const ensureInput = (input: JobMessage['input']): Promise<string> => {
      let p = fetching.get(input.digest);
      if (p === undefined) {
        p = fetchInput(input).finally(() => fetching.delete(input.digest));
        fetching.set(input.digest, p);
      }
      return p;
    };

    /** Publishes a job's outcome, then acknowledges the job (in that order: a crash in between redelivers it). */
    const finish = async (m: JsMsg, job: JobMessage, outcome: JobOutcome): Promise<void> => {
      await js.publish(resultSubject(job.sweepId, job.jobId), encodeMessage({ v: WIRE_VERSION, sweepId: job.sweepId, outcome, worker: me }), {
        msgID: msgId(job.sweepId, job.jobId),
      });
      await m.ackAck();
      if (outcome.status === 'ok') stats.done++;
      else stats.failed++;
    };
    const poisoned = (job: JobMessage, deliveries: number, reason: string): JobOutcome => ({
      jobId: job.jobId,
      status: 'failed',
      error: { code: MAX_DELIVERIES_CODE, message: `no result after ${deliveries} ${deliveries === 1 ? 'delivery' : 'deliveries'} (--max-deliveries ${job.deliveriesMax ?? DELIVERIES_MAX_DEFAULT}): ${reason}` },
    });

    const handle = async (m: JsMsg): Promise<void> => {
      let job: JobMessage;
      try {
        job = decodeJobMessage(m.data);
      } catch (e) {
        log(`dropped a message that is not a job: ${e instanceof Error ? e.message : String(e)}`);
        m.term('not a tapedeck sweep job');
        return;
      }
      const deliveries = m.info.deliveryCount;
      const deliveriesMax = job.deliveriesMax ?? DELIVERIES_MAX_DEFAULT;
      if (deliveries > deliveriesMax) {
        // Every allowed delivery ended without a result (workers died, or let the ack wait pass).
        try {
          await finish(m, job, poisoned(job, deliveries - 1, 'every delivery ended without a result (workers died or let the ack wait pass)'));
          log(`job ${job.jobId} FAILED: delivered ${deliveries} times, the last ${deliveries - 1} without a result`);
        } catch (e) {
          log(`job ${job.jobId} handed back: ${e instanceof Error ? e.message : String(e)}`);
          m.nak(NAK_DELAY_MS);
        }
        return;
      }
      const heartbeat = setInterval(() => m.working(), Math.max(100, Math.floor(ackWaitMs / 3)));
      const t0 = performance.now();
      let out: string | undefined;
      try {
        log(`job ${job.jobId} started (${job.runId}, delivery ${deliveries})`);
        const strategyPath = path.resolve(root, job.strategy.given);
        if (!fs.existsSync(strategyPath) || sha256File(strategyPath) !== job.strategy.sha256) {
          throw new TapedeckError('DIGEST_MISMATCH', `strategy ${strategyPath} is missing or differs from the sweep's (sha256 ${job.strategy.sha256})`, { path: strategyPath });
        }
        const inputDir = await ensureInput(job.input);
        // Per process and delivery: a redelivery, or another worker sharing this cache, never writes into this run's output.
        out = path.join(options.cacheDir, 'out', `${job.jobId}-${process.pid}-${deliveries}`);
        const task: JobTask = {
          jobId: job.jobId,
          runId: job.runId,
          strategyPath,
          strategySha256: job.strategy.sha256,
          inputDir,
          inputDigest: job.input.digest,
          seed: job.seed,
          strategyOptions: job.strategyOptions,
          out,
          ...jobSettings(job),
        };
        const r = await pool.run({ kind: 'job', task });
        if (r.kind !== 'job') throw new TapedeckError('CHECK_FAILED', `internal: expected a job result, got ${r.kind}`, {});
        const outcome = r.outcome;
        if (outcome.status === 'ok') await putRecording(objects, out, outcome.outputDigest);
        await finish(m, job, outcome);
        log(`job ${job.jobId} ${outcome.status === 'ok' ? 'done' : 'FAILED'} in ${Math.round(performance.now() - t0)} ms`);
      } catch (e) {
        const reason = e instanceof TapedeckError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
        if (deliveries >= deliveriesMax) {
          try {
            await finish(m, job, poisoned(job, deliveries, `the last was handed back: ${reason}`));
            log(`job ${job.jobId} FAILED after ${deliveries} deliveries: ${reason}`);
            return;
          } catch (e2) {
            log(`job ${job.jobId}: could not publish its failure: ${e2 instanceof Error ? e2.message : String(e2)}`);
          }
        }
        log(`job ${job.jobId} handed back: ${reason}`);
        m.nak(NAK_DELAY_MS);
      } finally {
        clearInterval(heartbeat);
        if (out !== undefined) fs.rmSync(out, { recursive: true, force: true });
      }
    };

    const running = new Set<Promise<void>>();
    log(`worker ${me}: ${concurrency} at a time, ack wait ${ackWaitMs} ms, cache ${options.cacheDir}`);
    const stopped = () => options.signal?.aborted === true;
    while (!stopped()) {
      if (running.size >= concurrency) {
        await Promise.race(running);
        continue;
      }
      const m = await pullJob(consumer, PULL_EXPIRES_MS, log);
      if (m === null) continue;
      if (stopped()) {
        m.nak();
        break;
      }
      const p: Promise<void> = handle(m).finally(() => running.delete(p));
      running.add(p);
    }
    await Promise.all(running);
    return stats;
  } finally {
    await pool.close();
    await nc.drain().catch(() => undefined);
  }
}
