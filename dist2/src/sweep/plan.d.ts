import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions, StrategyOptionValue } from '../backtest/runner.js';
import type { JobTask } from './run-job.js';
import { type GridAxis, type Seed, type SweepSpec } from './spec.js';
export declare const PLAN_VERSION = 1;
/** An input of the sweep as given: a recording, or a scenario generated once per seed. */
export type SweepInputSource = {
    kind: 'recording';
    label: string;
    dir: string;
} | {
    kind: 'scenario';
    label: string;
    name: string;
    file: string;
};
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
export declare function canonicalJson(v: unknown): string;
export declare function jobId(parts: {
    tapedeck: string;
    strategy: SweepStrategyRef;
    inputDigest: string;
    seed: Seed;
    strategyOptions: Record<string, StrategyOptionValue>;
    venue?: RunnerVenueOptions;
    risk?: RiskOptions;
    from?: bigint;
    to?: bigint;
}): string;
/** The key under which a resolved input is looked up: a recording has one, a scenario one per seed. */
export declare function inputKey(sourceIndex: number, source: SweepInputSource, seed: Seed): string;
/** Expands a spec into its jobs (see the module comment). `resolved` maps inputKey → the recording. */
export declare function planSweep(spec: SweepSpec, tapedeck: string, strategy: SweepStrategyRef, sources: readonly SweepInputSource[], resolved: ReadonlyMap<string, ResolvedInput>): SweepPlan;
/** The task a worker runs for a job, with the paths of this host. */
export declare function jobTask(plan: SweepPlan, job: SweepJob, out: string, strategyPath?: string, inputDir?: string, segmentBytes?: number): JobTask;
