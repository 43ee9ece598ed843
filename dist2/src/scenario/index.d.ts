/** Scenario scripts: seeded, deterministic market sessions. */
export { Rng, createRng } from './rng.js';
export type { TimeSpec, DurationSpec } from './time.js';
export { parseDurationNs, parseStartNs, resolveOffsetNs } from './time.js';
export type { Scenario, ScenarioDefinition, SymbolSpec, SymbolInput, StrategyRef } from './define.js';
export { defineScenario, isScenario, decimalsOf } from './define.js';
export type { ScenarioContext, TickOptions, SpreadModel, SizeModel, SymbolScope, FlashCrashOptions, HaltOptions, SpreadBlowoutOptions, FeedOutageOptions, FaultWindow, DuplicatesOptions, OutOfOrderOptions, RiskSpec, SystemSpec, } from './context.js';
export type { Expectation, FlatWithinExpectation, MaxDrawdownExpectation, ExpectationResult, ExpectationInput } from './expectations.js';
export { checkExpectations, assertExpectations, findMarkers } from './expectations.js';
export type { GenerateOptions } from './generate.js';
export { generateScenario, defaultRunId } from './generate.js';
export { runScenario, loadScenario, listScenarios, bundledScenariosDir, type ScenarioRunOptions, type ScenarioRunResult, type ScenarioInfo } from './run.js';
