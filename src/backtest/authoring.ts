/**
 * `tapedeck/strategy`: what a strategy module needs (defineStrategy, the event and context types,
 * the decimal helpers), and nothing else. A strategy that imports from `'tapedeck'` loads the whole
 * library (record, NATS, sweeps, the UI server, ...) in every backtest process and sweep job,
 * about 0.15 s of CPU before the first tick; this entry loads four small modules (strategy, decimal,
 * types, errors). Both entries export the same functions, so a strategy may use either.
 */
export {
  defineStrategy,
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
export { Decimal, toDecimal, toNumber, type Num } from '../events/decimal.js';
export {
  BOOK_FLAG_BAD_BOOK,
  BOOK_FLAG_LAST,
  BOOK_FLAG_SNAPSHOT,
  type BarEvent,
  type BookAction,
  type BookEvent,
  type BookSide,
  type EventBase,
  type EventOf,
  type EventType,
  type FillEvent,
  type FlatMap,
  type InstrumentEvent,
  type OrderAction,
  type OrderEvent,
  type OrderKind,
  type RiskEvent,
  type RiskSeverity,
  type Side,
  type SignalEvent,
  type SystemEvent,
  type SystemKind,
  type TapeEvent,
  type TickEvent,
} from '../events/types.js';
