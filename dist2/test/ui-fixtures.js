/** Recordings for the UI tests: a seeded scenario, a small all-types one, and two backtests of the first. */
import * as path from 'node:path';
import { backtestRecordings } from '../src/backtest/runner.js';
import { runScenario } from '../src/scenario/run.js';
import { repoRoot } from './helpers/tmp.js';
import { writeRecording } from './ops-fixtures.js';
export async function makeUiFixtures(base) {
    const f = { ticks: path.join(base, 'ticks'), mixed: path.join(base, 'mixed'), bt1: path.join(base, 'bt1'), bt2: path.join(base, 'bt2') };
    await runScenario('random-walk', { seed: 1, out: f.ticks, segmentBytes: 64 * 1024, backtest: false });
    await writeRecording(f.mixed);
    const strategyPath = path.join(repoRoot, 'scenarios', 'strategies', 'market-maker.ts');
    await backtestRecordings([f.ticks], { strategyPath, seed: 7, out: f.bt1 });
    await backtestRecordings([f.ticks], { strategyPath, seed: 8, out: f.bt2, strategyOptions: { qty: 2 } });
    return f;
}
//# sourceMappingURL=ui-fixtures.js.map