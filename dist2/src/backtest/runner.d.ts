import { type SchedulerLike } from 'rxjs';
import type { FlatMap } from '../events/types.js';
import { type BacktestSummary } from './engine.js';
import type { RiskOptions } from './risk.js';
import type { FeeSchedule } from './venue.js';
/** A latency that can be written into a manifest: fixed ns, or uniform in [minNs, maxNs]. */
export type RecordableLatency = bigint | number | {
    minNs: bigint | number;
    maxNs: bigint | number;
};
export interface RunnerVenueOptions {
    name?: string;
    latency?: RecordableLatency;
    fees?: FeeSchedule;
    tickSize?: number;
    tradeFill?: 'at-or-through' | 'through';
}
export type StrategyOptionValue = string | number | boolean;
export interface BacktestRecordingsOptions {
    /** A strategy module (.js, or .ts loaded through tsx) default-exporting a factory or a Strategy. */
    strategyPath: string;
    strategyOptions?: Readonly<Record<string, StrategyOptionValue>>;
    /** Seeds latency draws and ctx.random(). Default 0. */
    seed?: number | string;
    /** Default 'max'. */
    speed?: 'max' | number;
    /** Inclusive input range, ns. */
    from?: bigint;
    to?: bigint;
    /** Output directory; default <recordingsDir>/<runId>. */
    out?: string;
    /** Where the default output goes (default 'recordings', relative to the working directory). */
    recordingsDir?: string;
    /** Replace a non-empty output recording (only one that holds nothing but log files). */
    force?: boolean;
    /** Default: defaultBacktestRunId(strategy name, seed, input digests). */
    runId?: string;
    venue?: RunnerVenueOptions;
    risk?: RiskOptions;
    /** Default true. */
    honorInputKill?: boolean;
    /** Rotate output segments at about this many bytes. */
    segmentBytes?: number;
    /** The scheduler of a numeric-speed replay (default: the Replayer's realtimeScheduler). */
    scheduler?: SchedulerLike;
}
export interface BacktestRecordingsResult {
    dir: string;
    runId: string;
    summary: BacktestSummary;
    /** digestRecording of the output. */
    digest: string;
    /** Records in the output. */
    records: number;
    /** The session-start data, as recorded. */
    manifest: FlatMap;
    /** Wall-clock measures: never recorded. */
    wallMs: number;
    eventsPerSec: number;
}
/** sha256 hex of a file's bytes. */
export declare function sha256File(file: string): string;
/**
 * The runId of a backtest when none is given: strategy name, seed and the first 12 hex digits of
 * the input digest (of the digests joined by ',' when there are several). Reproducible.
 */
export declare function defaultBacktestRunId(strategy: string, seed: number | string, inputDigests: readonly string[]): string;
/** tapedeck's version (src/util/version.ts reads it from package.json: no clock involved). */
export declare function tapedeckVersion(): string;
/**
 * Makes `dir` ready for a new recording: created if missing; an existing non-empty directory is
 * refused, or with `force` removed first — but only when it holds nothing but log files, so a
 * mistyped --out never deletes anything else.
 */
export declare function prepareOutputDir(dir: string, force?: boolean): void;
/** Reads the inputs, runs the strategy over them and records the outputs (see the module comment). */
export declare function backtestRecordings(inputs: readonly string[], options: BacktestRecordingsOptions): Promise<BacktestRecordingsResult>;
/** The summary's numbers as session-end data. */
export declare function summaryData(s: BacktestSummary): FlatMap;
