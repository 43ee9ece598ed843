/**
 * The coordinator's side of a NATS sweep (`tapedeck sweep --nats URL`): upload each input
 * recording to the object store under its digest (once), publish every pending job to the work
 * queue, then read results for this sweep until every job has one. A result's output recording is
 * fetched from the object store into <out>/jobs/<job id> and verified against the digest the
 * worker reported before the outcome is stored, so the sweep directory ends up byte-identical to
 * a local run's.
 *
 * Results are read from the start of the results stream (an ordered consumer filtered on this
 * sweep's id), so results published while the coordinator was away (before a --resume) count, and
 * a result seen twice is stored once. A job no worker can finish comes back as a failed result
 * after `deliveriesMax` deliveries (nats-wire.ts): it is a failed row, and the sweep exits 1.
 */
import * as fs from 'node:fs';
import type { ConsumerMessages } from '@nats-io/jetstream';
import { connectNats, type NatsConnectOptions } from '../transport/nats-connect.js';
import { TapedeckError } from '../errors.js';
import { digestRecordingDetailed } from '../verify/digest.js';
import type { JobExecutor } from './executor.js';
import { getRecording, putRecording } from './nats-objects.js';
import { openSweepNats } from './nats-streams.js';
import { decodeResultMessage, DELIVERIES_MAX_DEFAULT, encodeMessage, jobMessage, jobSubject, msgId, RESULTS_STREAM, resultsFilter, sweepId } from './nats-wire.js';

export interface NatsExecutorOptions {
  url: string;
  connect?: NatsConnectOptions;
  /**
   * Deliveries after which a job with no result is failed (code MAX_DELIVERIES): a job that every
   * worker hands back, or whose workers keep dying, ends as a failed row instead of holding the
   * sweep forever. Default DELIVERIES_MAX_DEFAULT (5).
   */
  deliveriesMax?: number;
  /** Told about uploads and progress (one line each). */
  log?: (line: string) => void;
}

export function natsExecutor(options: NatsExecutorOptions): JobExecutor {
  const deliveriesMax = options.deliveriesMax ?? DELIVERIES_MAX_DEFAULT;
  if (!(Number.isSafeInteger(deliveriesMax) && deliveriesMax >= 1)) {
    throw new TapedeckError('BAD_ARGUMENT', `--max-deliveries must be a whole number ≥ 1 (got ${deliveriesMax})`, { field: 'max-deliveries' });
  }
  return {
    async execute(plan, jobs, ctx) {
      if (jobs.length === 0) return;
      const nc = await connectNats(options.url, { name: 'tapedeck sweep', ...options.connect });
      let messages: ConsumerMessages | undefined;
      try {
        const { js, objects } = await openSweepNats(nc);
        const sweep = sweepId(plan);
        const uploaded = new Set<string>();
        for (const job of jobs) {
          if (uploaded.has(job.input.digest)) continue;
          uploaded.add(job.input.digest);
          if (await putRecording(objects, job.input.dir, job.input.digest)) options.log?.(`uploaded ${job.label} (${job.input.digest.slice(0, 12)}, ${job.input.records} records)`);
        }
        for (const job of jobs) {
          await js.publish(jobSubject(sweep), encodeMessage(jobMessage(plan, sweep, job, { segmentBytes: ctx.segmentBytes, deliveriesMax })), { msgID: msgId(sweep, job.id) });
        }
        options.log?.(`published ${jobs.length} jobs of sweep ${sweep}`);
        const wanted = new Map(jobs.map((j) => [j.id, j]));
        // One filter subject as a string: a list needs nats-server 2.10, Debian's is 2.9.
        const consumer = await js.consumers.get(RESULTS_STREAM, { filter_subjects: resultsFilter(sweep) });
        messages = await consumer.consume();
        for await (const m of messages) {
          const r = decodeResultMessage(m.data);
          const job = wanted.get(r.outcome.jobId);
          if (job === undefined || r.sweepId !== sweep) continue;
          if (r.outcome.status === 'ok') {
            const dir = ctx.store.jobDir(job.id);
            const tmp = `${dir}.fetch-${process.pid}`;
            fs.rmSync(tmp, { recursive: true, force: true });
            await getRecording(objects, r.outcome.outputDigest, tmp);
            const got = digestRecordingDetailed(tmp).digest;
            if (got !== r.outcome.outputDigest) {
              throw new TapedeckError('DIGEST_MISMATCH', `job ${job.id}: the output fetched from the object store has digest ${got}, the worker reported ${r.outcome.outputDigest}`, { jobId: job.id });
            }
            fs.rmSync(dir, { recursive: true, force: true });
            fs.renameSync(tmp, dir);
          }
          ctx.onOutcome(job, r.outcome);
          wanted.delete(job.id);
          if (wanted.size === 0) break;
        }
      } finally {
        messages?.stop();
        await nc.drain().catch(() => undefined);
      }
    },
  };
}
