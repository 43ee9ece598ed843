export { BacktestEngine, StrategyError, type BacktestOptions, type BacktestSummary, type EmitFn } from './engine.js';
export { Ledger, markPrice, type PositionSummary } from './ledger.js';
export { PnlSeries, PNL_INTERVAL_NS } from './pnl-series.js';
export { RiskManager, type OrderRiskInput, type RiskDecision, type RiskOptions } from './risk.js';
export {
  defineStrategy,
  loadStrategy,
  type BookLevels,
  type OrderRequest,
  type OrderStatus,
  type OrderView,
  type Strategy,
  type StrategyContext,
  type StrategyDefinition,
  type StrategyFactory,
  type TimeInForce,
} from './strategy.js';
export {
  SimVenue,
  FILL_MODELS,
  latencyFn,
  remainingOf,
  type Book,
  type FeeSchedule,
  type FillModel,
  type LatencySpec,
  type OrderState,
  type VenueHost,
  type VenueOptions,
} from './venue.js';
export { runBacktest, type BacktestRun } from './harness.js';
export { SeededRandom, type SeededRandomState } from './random.js';
export { TakenLiquidity, tradeFills, walkLevels, type QueueSlot } from './l2-queue.js';
export { BACKTEST_SNAPSHOTS_DIR, SNAPSHOTS_KEPT, backtestRecordings, defaultBacktestRunId, prepareOutputDir, sha256File, summaryData, tapedeckVersion, type BacktestRecordingsOptions, type BacktestRecordingsResult, type RecordableLatency, type RunnerVenueOptions, type StrategyOptionValue } from './runner.js';
