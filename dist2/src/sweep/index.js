/** Backtest sweeps: many backtests over a grid × inputs × seeds, on local worker threads or NATS workers. */
export { parseGridArg, parseSeedsArg, parseOptionValue, sweepFromObject, completeSpec, gridPoints } from './spec.js';
export { defineSweep, loadSweepFile } from './file.js';
export { planSweep, jobId, jobTask, canonicalJson } from './plan.js';
export { runJobTask } from './run-job.js';
export { WorkerPool, defaultWorkers, POOL_MEMORY_MB_DEFAULT } from './pool.js';
export { localExecutor } from './executor.js';
export { SweepStore, PLAN_FILE, TABLE_CSV, TABLE_JSON } from './store.js';
export { sweepRow, tableCsv, tableJson, tableText } from './table.js';
export { runSweep, classifyInput, resolveStrategy } from './sweep.js';
//# sourceMappingURL=index.js.map