/**
 * `tapedeck/strategy`: what a strategy module needs (defineStrategy and the strategy types, the
 * event types and constants, the decimal helpers), and nothing else. A strategy that imports from
 * `'tapedeck'` loads the whole library (record, NATS, sweeps, the UI server, ...) in every backtest
 * process and sweep job, about 0.15 s of CPU before the first tick; this entry loads four small
 * modules (strategy, decimal, types, errors). Both entries export the same values under the same
 * names, so a strategy may use either.
 */
export * from './strategy.js';
export * from '../events/types.js';
export { Decimal, toDecimal, toNumber } from '../events/decimal.js';
