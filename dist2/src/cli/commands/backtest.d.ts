/**
 * `tapedeck backtest <recording...> --strategy <file>`: run a strategy over recordings (merged by
 * ts) and record everything it produces into an output recording whose session-start is the run's
 * manifest. Same recordings, strategy and seed → byte-identical output (`tapedeck diff` exits 0).
 * Prints the summary (or --json) and the output directory with its digest.
 */
import type { CommandModule } from 'yargs';
import type { BacktestRecordingsResult, RecordableLatency, StrategyOptionValue } from '../../backtest/runner.js';
import type { BacktestSummary } from '../../backtest/engine.js';
import { type CliIo } from '../io.js';
interface BacktestArgs {
    recordings: string[];
    strategy: string;
    seed?: string;
    speed: string;
    out?: string;
    force: boolean;
    from?: string;
    to?: string;
    option?: string[];
    'run-id'?: string;
    latency?: string;
    'taker-bps'?: number;
    'maker-bps'?: number;
    'max-position'?: number;
    'max-notional'?: number;
    'max-orders-per-sec'?: number;
    'max-loss'?: number;
    'max-drawdown'?: number;
    json: boolean;
}
/** --seed: an integer stays a number (as in scenario scripts), anything else is a string seed. */
export declare function parseSeedArg(s: string | undefined): number | string | undefined;
/** k=v pairs; numbers and true/false are typed, the rest stays a string. */
export declare function parseOptionArgs(pairs: readonly string[] | undefined): Record<string, StrategyOptionValue>;
/** --latency: ns (bare integer) or a duration (2ms, 500us), or a uniform range MIN-MAX. */
export declare function parseLatencyArg(s: string): RecordableLatency;
/** JSON-safe summary (bigints as decimal strings). */
export declare function summaryJson(s: BacktestSummary): Record<string, unknown>;
export declare function backtestJson(r: BacktestRecordingsResult): Record<string, unknown>;
/** The summary as an aligned table, for people. */
export declare function formatBacktest(r: BacktestRecordingsResult): string;
export default function backtestCommand(io: CliIo): CommandModule<object, BacktestArgs>;
export {};
