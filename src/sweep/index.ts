/** Backtest sweeps: many backtests over a grid × inputs × seeds, on local worker threads or NATS workers. */
export { parseGridArg, parseSeedsArg, parseOptionValue, sweepFromObject, completeSpec, gridPoints, type GridAxis, type Seed, type SweepSpec } from './spec.js';
export { defineSweep, loadSweepFile, type SweepDefinition } from './file.js';
export { planSweep, jobId, jobTask, canonicalJson, type SweepPlan, type SweepJob, type SweepStrategyRef, type SweepInputSource, type ResolvedInput } from './plan.js';
export { runJobTask, type JobTask, type JobOutcome } from './run-job.js';
export { WorkerPool, defaultWorkers, POOL_MEMORY_MB_DEFAULT, type PoolOptions } from './pool.js';
export { localExecutor, type JobExecutor, type ExecuteContext } from './executor.js';
export { SweepStore, PLAN_FILE, TABLE_CSV, TABLE_JSON } from './store.js';
export { sweepRow, tableCsv, tableJson, tableText, type SweepRow } from './table.js';
export { runSweep, classifyInput, resolveStrategy, type SweepOptions, type SweepResult, type SweepProgress } from './sweep.js';
export { natsExecutor, type NatsExecutorOptions } from './nats-executor.js';
export { runSweepWorker, type SweepWorkerOptions, type SweepWorkerStats } from './nats-worker.js';
export { putRecording, getRecording, hasRecording } from './nats-objects.js';
export { openSweepNats, type SweepNats } from './nats-streams.js';
export { sweepId, JOBS_STREAM, RESULTS_STREAM, WORKERS_CONSUMER, OBJECT_BUCKET, type JobMessage, type ResultMessage } from './nats-wire.js';
