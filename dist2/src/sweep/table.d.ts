import type { StrategyOptionValue } from '../backtest/runner.js';
import type { JobOutcome } from './run-job.js';
import type { SweepJob, SweepPlan } from './plan.js';
import type { Seed } from './spec.js';
export interface SweepRow {
    index: number;
    job: string;
    input: string;
    inputDigest: string;
    seed: Seed;
    params: Record<string, StrategyOptionValue>;
    status: 'ok' | 'failed';
    trades: number | null;
    netPnl: number | null;
    fees: number | null;
    maxDrawdown: number | null;
    sharpe: number | null;
    events: number | null;
    outputDigest: string | null;
    runId: string;
    error: string | null;
}
export declare function sweepRow(job: SweepJob, o: JobOutcome): SweepRow;
export declare function tableCsv(plan: SweepPlan, rows: readonly SweepRow[]): string;
export declare function tableJson(plan: SweepPlan, rows: readonly SweepRow[]): string;
/** Aligned text for people: the same rows, numbers rounded, digests shortened. */
export declare function tableText(plan: SweepPlan, rows: readonly SweepRow[]): string;
