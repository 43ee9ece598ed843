import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions, StrategyOptionValue } from '../backtest/runner.js';
export type Seed = number | string;
/** One grid axis: a strategy option and the values it takes, in the order given. */
export interface GridAxis {
    key: string;
    values: StrategyOptionValue[];
}
export interface SweepSpec {
    /** The strategy module (path). */
    strategy: string;
    /** Recording directories, or scenarios (a bundled name or a scenario file), each one input. */
    inputs: string[];
    /** The cross product of the axes; the first axis varies slowest. Empty: one point. */
    grid: GridAxis[];
    /** Strategy options every job gets (a grid value for the same key wins). */
    options: Record<string, StrategyOptionValue>;
    /** Backtest seeds; a scenario input is also generated with the job's seed. Default [0]. */
    seeds: Seed[];
    venue?: RunnerVenueOptions;
    risk?: RiskOptions;
    /** Inclusive input range, ns. */
    from?: bigint;
    to?: bigint;
}
/** A value as the CLI types it: numbers and true/false typed, the rest a string (as `--option`). */
export declare function parseOptionValue(v: string): StrategyOptionValue;
/** `key=v1,v2,...` → one axis. */
export declare function parseGridArg(text: string): GridAxis;
/** Axes must not repeat a key. */
export declare function checkGrid(axes: readonly GridAxis[]): GridAxis[];
/**
 * `--seeds`: comma-separated items, each a seed or an inclusive integer range `a..b`:
 * `1..20`, `1,2,5`, `1..3,7,blue`. Order kept; a seed given twice is refused.
 */
export declare function parseSeedsArg(text: string): Seed[];
/**
 * A sweep file's content (parsed JSON, or a module's default export) → a spec. Relative paths
 * (strategy, recording inputs, scenario files) are returned as written: file.ts resolves them
 * against the file's directory. `where` names the file in errors.
 *
 *   { "strategy": "strategies/ma-crossover.ts",
 *     "inputs": ["random-walk", "trend", "recordings/btc"],
 *     "grid": { "fast": [5, 10, 20], "slow": [50, 100] },
 *     "options": { "qty": 1 },
 *     "seeds": "1..4"  (or [1, 2, 3, 4]),
 *     "venue": { "latency": "1000000", "fees": { "takerBps": 1 } }, "risk": { "maxPosition": 10 },
 *     "from": "1709303400000000000", "to": "..." }
 */
export declare function sweepFromObject(value: unknown, where: string): Partial<SweepSpec>;
/** A complete spec: strategy and inputs present, defaults filled in, and checks that need all parts. */
export declare function completeSpec(part: Partial<SweepSpec>): SweepSpec;
/** The grid's points in order (first axis slowest); one empty point for an empty grid. */
export declare function gridPoints(axes: readonly GridAxis[]): Record<string, StrategyOptionValue>[];
