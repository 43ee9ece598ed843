/**
 * A sweep's jobs: the cross product inputs × seeds × grid points (in that nesting: the first
 * input, its first seed, every grid point; then the next seed ...), each a normal backtest named
 * by a job id that is a hash of everything that determines its output. Pure: the inputs arrive
 * here already resolved (scenario recordings generated, every input digested).
 *
 * Job id: the first 16 hex digits of SHA-256 over the canonical JSON (sorted keys, bigints as
 * decimal strings) of { v, tapedeck, strategy file name and sha256, input digest, seed, strategy
 * options, venue, risk, from, to }. Nothing host-specific goes in (no path, no worker), so the
 * same sweep on any machine and any number of workers has the same ids, and an id is the key
 * under which a result is stored once (a job run twice cannot be counted twice).
 */
import { createHash } from 'node:crypto';
import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions, StrategyOptionValue } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { jobSettings } from './job-settings.js';
import type { JobTask } from './run-job.js';
import { gridPoints, type GridAxis, type Seed, type SweepSpec } from './spec.js';

export const PLAN_VERSION = 1;
const JOB_ID_HEX = 16;

/** An input of the sweep as given: a recording, or a scenario generated once per seed. */
export type SweepInputSource = { kind: 'recording'; label: string; dir: string } | { kind: 'scenario'; label: string; name: string; file: string };

/** One input recording a job reads: where it is on this host, and what it holds. */
export interface ResolvedInput {
  dir: string;
  digest: string;
  records: number;
}

export interface SweepStrategyRef {
  /** Absolute path on the host that planned the sweep. */
  path: string;
  /** The path as given (relative to where the sweep was started), for workers on other hosts. */
  given: string;
  /** The strategy's name (from the module). */
  name: string;
  sha256: string;
}

export interface SweepJob {
  /** Position in the table (0-based). */
  index: number;
  id: string;
  runId: string;
  /** The input as the user named it, and the recording it resolves to. */
  label: string;
  kind: SweepInputSource['kind'];
  input: ResolvedInput;
  seed: Seed;
  /** The grid point (the varying options only). */
  params: Record<string, StrategyOptionValue>;
  /** Everything the strategy gets: the fixed options and the grid point. */
  strategyOptions: Record<string, StrategyOptionValue>;
}

export interface SweepPlan {
  version: number;
  tapedeck: string;
  strategy: SweepStrategyRef;
  grid: GridAxis[];
  seeds: Seed[];
  options: Record<string, StrategyOptionValue>;
  venue?: RunnerVenueOptions;
  risk?: RiskOptions;
  from?: bigint;
  to?: bigint;
  jobs: SweepJob[];
}

/** JSON with sorted keys and bigints as decimal strings: one text per value. */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'bigint') return JSON.stringify(v.toString());
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
}

export function jobId(parts: {
  tapedeck: string;
  strategy: SweepStrategyRef;
  inputDigest: string;
  seed: Seed;
  strategyOptions: Record<string, StrategyOptionValue>;
  venue?: RunnerVenueOptions;
  risk?: RiskOptions;
  from?: bigint;
  to?: bigint;
}): string {
  const text = canonicalJson({
    v: PLAN_VERSION,
    tapedeck: parts.tapedeck,
    strategyFile: parts.strategy.path.split(/[\\/]/).pop(),
    strategySha256: parts.strategy.sha256,
    input: parts.inputDigest,
    seed: parts.seed,
    options: parts.strategyOptions,
    venue: parts.venue ?? null,
    risk: parts.risk ?? null,
    from: parts.from ?? null,
    to: parts.to ?? null,
  });
  return createHash('sha256').update(text).digest('hex').slice(0, JOB_ID_HEX);
}

/** The key under which a resolved input is looked up: a recording has one, a scenario one per seed. */
export function inputKey(sourceIndex: number, source: SweepInputSource, seed: Seed): string {
  return source.kind === 'recording' ? `${sourceIndex}` : `${sourceIndex}@${typeof seed}:${seed}`;
}

/** Expands a spec into its jobs (see the module comment). `resolved` maps inputKey → the recording. */
export function planSweep(
  spec: SweepSpec,
  tapedeck: string,
  strategy: SweepStrategyRef,
  sources: readonly SweepInputSource[],
  resolved: ReadonlyMap<string, ResolvedInput>,
): SweepPlan {
  const points = gridPoints(spec.grid);
  const jobs: SweepJob[] = [];
  const byId = new Map<string, SweepJob>();
  sources.forEach((source, si) => {
    for (const seed of spec.seeds) {
      const input = resolved.get(inputKey(si, source, seed));
      if (!input) throw new TapedeckError('CHECK_FAILED', `internal: input ${source.label} (seed ${seed}) was not resolved`, { input: source.label });
      for (const params of points) {
        const strategyOptions = { ...spec.options, ...params };
        const id = jobId({ tapedeck, strategy, inputDigest: input.digest, seed, strategyOptions, venue: spec.venue, risk: spec.risk, from: spec.from, to: spec.to });
        const job: SweepJob = {
          index: jobs.length,
          id,
          runId: `bt-${strategy.name}-${seed}-${id.slice(0, 12)}`,
          label: source.label,
          kind: source.kind,
          input,
          seed,
          params,
          strategyOptions,
        };
        const twin = byId.get(id);
        if (twin) {
          throw new TapedeckError('BAD_ARGUMENT', `sweep: inputs ${twin.label} and ${job.label} hold the same events (digest ${input.digest}); the same job would run twice`, {
            digest: input.digest,
          });
        }
        byId.set(id, job);
        jobs.push(job);
      }
    }
  });
  const plan: SweepPlan = { version: PLAN_VERSION, tapedeck, strategy, grid: spec.grid, seeds: spec.seeds, options: spec.options, jobs };
  if (spec.venue !== undefined) plan.venue = spec.venue;
  if (spec.risk !== undefined) plan.risk = spec.risk;
  if (spec.from !== undefined) plan.from = spec.from;
  if (spec.to !== undefined) plan.to = spec.to;
  return plan;
}

/** The task a worker runs for a job, with the paths of this host. */
export function jobTask(plan: SweepPlan, job: SweepJob, out: string, segmentBytes?: number): JobTask {
  return {
    jobId: job.id,
    runId: job.runId,
    strategyPath: plan.strategy.path,
    strategySha256: plan.strategy.sha256,
    inputDir: job.input.dir,
    inputDigest: job.input.digest,
    seed: job.seed,
    strategyOptions: job.strategyOptions,
    out,
    ...jobSettings({ ...plan, segmentBytes }),
  };
}
