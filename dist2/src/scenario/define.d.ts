import type { ScenarioContext } from './context.js';
import type { Expectation } from './expectations.js';
import type { DurationSpec } from './time.js';
export interface SymbolSpec {
    symbol: string;
    venue: string;
    /** The initial mid price. */
    price: number;
    /** Quotes and trades land on multiples of this. */
    tickSize: number;
    /** Sizes are positive multiples of this (1: integer sizes; 0.001: decimal). */
    lotSize: number;
}
/** A string is a symbol on venue `sim` at price 100, tick 0.01, lot 1. */
export type SymbolInput = string | {
    symbol: string;
    venue?: string;
    price?: number;
    tickSize?: number;
    lotSize?: number;
};
/**
 * The strategy a scenario is meant to exercise. `path` is relative to the scenario module's own file
 * (for a compiled scenario, dist/scenarios/x.js → dist/scenarios/strategies/...), so it names the
 * `.js` module the runner imports. `options` are passed to the strategy and recorded in the manifest.
 */
export interface StrategyRef {
    path: string;
    options?: Readonly<Record<string, string | number | boolean>>;
}
export interface ScenarioDefinition {
    name: string;
    description: string;
    seed: number | string;
    /** bigint ns since the epoch, or an ISO-8601 string with its zone. */
    start: bigint | string;
    /** ms, or a string like '10m', '30s'. */
    duration: DurationSpec;
    symbols: readonly SymbolInput[];
    build(ctx: ScenarioContext): void;
    strategy?: string | StrategyRef;
    expectations?: readonly Expectation[];
}
export interface Scenario {
    readonly kind: 'tapedeck-scenario';
    readonly name: string;
    readonly description: string;
    readonly seed: number | string;
    readonly start: bigint;
    readonly durationNs: number;
    /** start + duration: the session-end ts. */
    readonly end: bigint;
    readonly symbols: readonly SymbolSpec[];
    readonly build: (ctx: ScenarioContext) => void;
    readonly strategy?: StrategyRef;
    readonly expectations: readonly Expectation[];
}
export declare function defineScenario(def: ScenarioDefinition): Scenario;
/** The decimal places of a grid step (0.01 → 2, 0.25 → 2, 5 → 0); values are rounded with toFixed(d). */
export declare function decimalsOf(step: number, field?: string): number;
export declare function isScenario(x: unknown): x is Scenario;
