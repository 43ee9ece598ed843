/**
 * The work a pool thread (or a `tapedeck worker`) does, as plain messages: generate a scenario
 * input, digest a recording input, run a job. One dispatcher, so the local pool and the
 * distributed worker run exactly the same code for a job.
 */
import { runScenario } from '../scenario/run.js';
import { cachedDigest } from '../verify/digest-cache.js';
import { verifyRecording } from '../verify/integrity.js';
import { runJobTask, type JobOutcome, type JobTask } from './run-job.js';
import type { ResolvedInput } from './plan.js';
import type { Seed } from './spec.js';

export type PoolTask =
  | { kind: 'job'; task: JobTask }
  | { kind: 'scenario'; file: string; seed: Seed; out: string }
  | { kind: 'digest'; dir: string }
  | { kind: 'verify'; dir: string };

export type PoolTaskResult = { kind: 'job'; outcome: JobOutcome } | { kind: 'input'; input: ResolvedInput } | { kind: 'verified'; ok: boolean; digest: string | null; problem: string | null };

export async function runPoolTask(t: PoolTask): Promise<PoolTaskResult> {
  switch (t.kind) {
    case 'job':
      return { kind: 'job', outcome: await runJobTask(t.task) };
    case 'scenario': {
      const r = await runScenario(t.file, { seed: t.seed, out: t.out, force: true, backtest: false });
      return { kind: 'input', input: { dir: r.dir, digest: r.digest, records: r.events } };
    }
    case 'digest': {
      const d = cachedDigest(t.dir);
      return { kind: 'input', input: { dir: t.dir, digest: d.digest, records: d.records } };
    }
    case 'verify': {
      // Every frame, CRC, footer and index entry, then the digest (verifyRecording).
      const v = verifyRecording(t.dir);
      const p = v.problems[0];
      return { kind: 'verified', ok: v.ok && v.tornTail === null, digest: v.digest, problem: p ? `${t.dir}/${p.file} at byte ${p.offsetBytes}: ${p.kind}: ${p.reason}` : v.tornTail ? `${t.dir}/${v.tornTail.file}: torn tail at byte ${v.tornTail.offsetBytes}` : null };
    }
  }
}
