import { type Seed, type SweepSpec } from './spec.js';
import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions, StrategyOptionValue } from '../backtest/runner.js';
/** The shape a sweep module default-exports (identity: for type checking in the module). */
export interface SweepDefinition {
    strategy?: string;
    inputs?: string[];
    grid?: Record<string, StrategyOptionValue[]>;
    options?: Record<string, StrategyOptionValue>;
    seeds?: Seed[] | string;
    venue?: RunnerVenueOptions;
    risk?: RiskOptions;
    from?: bigint | string;
    to?: bigint | string;
}
export declare function defineSweep(d: SweepDefinition): SweepDefinition;
export declare function loadSweepFile(file: string): Promise<Partial<SweepSpec>>;
