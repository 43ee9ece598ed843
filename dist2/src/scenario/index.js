/** Scenario scripts: seeded, deterministic market sessions. */
export { Rng, createRng } from './rng.js';
export { parseDurationNs, parseStartNs, resolveOffsetNs } from './time.js';
export { defineScenario, isScenario, decimalsOf } from './define.js';
export { checkExpectations, assertExpectations, findMarkers } from './expectations.js';
export { generateScenario, defaultRunId } from './generate.js';
export { runScenario, loadScenario, listScenarios, bundledScenariosDir } from './run.js';
//# sourceMappingURL=index.js.map