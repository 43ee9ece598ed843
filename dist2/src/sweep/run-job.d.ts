import type { RiskOptions } from '../backtest/risk.js';
import { type RunnerVenueOptions, type StrategyOptionValue } from '../backtest/runner.js';
import type { Seed } from './spec.js';
/** What a worker needs to run one job (structured-clone and JSON friendly but for bigints). */
export interface JobTask {
    jobId: string;
    runId: string;
    strategyPath: string;
    strategySha256: string;
    inputDir: string;
    inputDigest: string;
    seed: Seed;
    strategyOptions: Record<string, StrategyOptionValue>;
    venue?: RunnerVenueOptions;
    risk?: RiskOptions;
    from?: bigint;
    to?: bigint;
    /** The output recording directory (replaced if it holds a partial run). */
    out: string;
    segmentBytes?: number;
}
export type JobOutcome = {
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
} | {
    jobId: string;
    status: 'failed';
    error: {
        code: string;
        message: string;
    };
};
export declare function runJobTask(task: JobTask): Promise<JobOutcome>;
