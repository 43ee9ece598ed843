import { type BacktestRecordingsResult } from '../backtest/runner.js';
import { type Scenario } from './define.js';
import { type ExpectationResult } from './expectations.js';
export interface ScenarioRunOptions {
    /** Overrides the scenario's seed. */
    seed?: number | string;
    /** Output directory; default <recordingsDir>/<name>-<seed>. */
    out?: string;
    /** Where default outputs go (default 'recordings', relative to the working directory). */
    recordingsDir?: string;
    /** Replace a non-empty output recording (and its -backtest sibling). */
    force?: boolean;
    /** Rotate segments at about this many bytes. */
    segmentBytes?: number;
    /** Default defaultRunId(name, seed). */
    runId?: string;
    /** Run the scenario's strategy and check its expectations (default true when it names one). */
    backtest?: boolean;
    /** Where the backtest is recorded; default `<dir>-backtest`. */
    backtestOut?: string;
    /** The directory the scenario's strategy path is relative to when a Scenario object is given (default cwd). */
    baseDir?: string;
}
export interface ScenarioRunResult {
    scenario: Scenario;
    /** The scenario file, when loaded from one. */
    file?: string;
    dir: string;
    runId: string;
    seed: number | string;
    /** Events recorded. */
    events: number;
    /** digestRecording of the recording. */
    digest: string;
    /** Present when a backtest ran (a strategy was named). */
    expectations?: ExpectationResult[];
    backtest?: BacktestRecordingsResult;
    /** False when an expectation failed. */
    ok: boolean;
}
export interface ScenarioInfo {
    name: string;
    description: string;
    file: string;
}
/** Where the bundled scenarios are: dist/scenarios next to dist/src (or scenarios/ from source). */
export declare function bundledScenariosDir(): string;
/** The scenarios in a directory (default: the bundled ones), by name. */
export declare function listScenarios(dir?: string): Promise<ScenarioInfo[]>;
/** A scenario by bundled name or by file path. */
export declare function loadScenario(nameOrPath: string, dir?: string): Promise<{
    scenario: Scenario;
    file: string;
}>;
/** Generates, records and (with a strategy) backtests a scenario; see the module comment. */
export declare function runScenario(scenarioOrPath: Scenario | string, options?: ScenarioRunOptions): Promise<ScenarioRunResult>;
