export { BacktestEngine, StrategyError } from './engine.js';
export { Ledger, markPrice } from './ledger.js';
export { PnlSeries, PNL_INTERVAL_NS } from './pnl-series.js';
export { RiskManager } from './risk.js';
export { defineStrategy, loadStrategy, } from './strategy.js';
export { SimVenue, latencyFn, remainingOf, } from './venue.js';
export { runBacktest } from './harness.js';
export { backtestRecordings, defaultBacktestRunId, prepareOutputDir, sha256File, summaryData, tapedeckVersion } from './runner.js';
//# sourceMappingURL=index.js.map