import type { TapeEvent } from '../events/types.js';
import type { Scenario } from './define.js';
export interface GenerateOptions {
    /** Overrides the scenario's seed. */
    seed?: number | string;
    /** Stamped on every event; default `defaultRunId(name, seed)`. */
    runId?: string;
}
/** The runId of a scenario run when none is given: derived from name and seed only, so it is reproducible. */
export declare function defaultRunId(name: string, seed: number | string): string;
export declare function generateScenario(scenario: Scenario, options?: GenerateOptions): TapeEvent[];
