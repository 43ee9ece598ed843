/** tapedeck's library API: each stage of the pipeline, re-exported. (The CLI is not part of it.) */
export * from './errors.js';
export * from './log/index.js';
export * from './events/index.js';
export * from './vendor/index.js';
export * from './record/index.js';
export * from './bus/index.js';
export * from './replay/index.js';
export * from './book/index.js';
export * from './verify/index.js';
export * from './scenario/index.js';
export * from './backtest/index.js';
export * from './ops/index.js';
export * from './transport/index.js';
export * from './sweep/index.js';
export * from './nats/index.js';
export { Metrics, summarize, fmtNs, type HistogramSummary } from './util/metrics.js';
export * from './ui/index.js';
