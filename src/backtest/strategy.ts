/**
 * The strategy contract. A strategy is a plain object of optional hooks, driven by the backtest
 * engine in replay order; it sees time only through `ctx.now()` (the replay clock) and
 * randomness only through `ctx.random()` (the run's seeded source), so a run is reproducible.
 *
 * Strategy modules default-export a factory made with `defineStrategy` (or any
 * `(options) => Strategy`, or a Strategy object); `loadStrategy` accepts all three.
 */
import { TapedeckError } from '../errors.js';
import type { FillEvent, FlatMap, OrderEvent, OrderKind, Side, TickEvent } from '../events/types.js';

/** gtc: until canceled · day: expires at the end of the session · ioc: unfilled rest expires. */
export type TimeInForce = 'gtc' | 'day' | 'ioc';

export interface OrderRequest {
  symbol: string;
  side: Side;
  kind: OrderKind;
  qty: number;
  /** Limit price (required for limit orders). */
  price?: number;
  /** Default: 'ioc' for market orders, 'day' for limit orders. */
  tif?: TimeInForce;
  /** Default: the venue of the symbol's latest tick, else the simulated venue's name. */
  venue?: string;
}

export type OrderStatus = 'pending' | 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';

/** What an order is, fixed when it is sent: shared by the strategy's view and the venue's state. */
export interface OrderIdentity {
  readonly orderId: string;
  readonly venue: string;
  readonly symbol: string;
  readonly side: Side;
  readonly kind: OrderKind;
  readonly price: number | undefined;
  readonly qty: number;
}

/** The engine's view of one of the strategy's orders. */
export interface OrderView extends OrderIdentity {
  readonly filled: number;
  /** qty − filled. */
  readonly remaining: number;
  readonly tif: TimeInForce;
  /** pending: sent, not yet at the venue · open: resting or working at the venue. */
  readonly status: OrderStatus;
  /** A cancel has been sent and not yet answered. */
  readonly cancelRequested: boolean;
}

/** A read-only copy of one L2 book's top levels (plain numbers; the recording keeps the exact decimals). */
export interface BookLevels {
  readonly venue: string;
  readonly symbol: string;
  /** False after a recorded gap until the next snapshot: the venue refuses orders then. */
  readonly trusted: boolean;
  readonly bids: readonly { price: number; size: number }[];
  readonly asks: readonly { price: number; size: number }[];
}

export interface StrategyContext {
  /** The strategy's name (as on its orders and signals). */
  readonly strategy: string;
  /**
   * Send an order. Returns its id at once; the order reaches the venue after the venue's
   * latency. Risk checks run now: a blocked order is rejected before it leaves.
   */
  submit(order: OrderRequest): string;
  /** Ask the venue to cancel (after latency; a fill may still win the race). */
  cancel(orderId: string): void;
  /**
   * Record a signal. The symbol defaults to that of the event being handled. Orders submitted
   * after a signal in the same callback are caused by that signal (tick → signal → order).
   */
  signal(name: string, value: number, meta?: FlatMap, symbol?: string): void;
  /** Signed position (long > 0). */
  position(symbol: string): number;
  /** The replay clock, ns since epoch. */
  now(): bigint;
  /** Call onTimer(ts) when replay time reaches ts (at once if ts ≤ now). */
  setTimer(ts: bigint): void;
  /** The run's seeded random source, [0, 1). */
  random(): number;
  /** One order's state; undefined for an unknown id, or one closed more than 10 000 closes ago. */
  order(orderId: string): OrderView | undefined;
  /** Orders still pending or open, optionally for one symbol, in submission order. */
  openOrders(symbol?: string): OrderView[];
  /** The latest tick seen for a symbol (any venue). */
  lastTick(symbol: string): TickEvent | undefined;
  /**
   * The symbol's L2 book as the 'l2' fill model matches against it (on the symbol's latest venue),
   * the top `depth` levels a side (default 10), best first. Undefined under the 'top' fill model
   * or before the symbol's first book message.
   */
  book(symbol: string, depth?: number): BookLevels | undefined;
  /** Net PnL so far: realized + unrealized − fees. */
  pnl(): number;
}

export interface Strategy {
  readonly name: string;
  onStart?(ctx: StrategyContext): void;
  onTick?(tick: TickEvent, ctx: StrategyContext): void;
  onFill?(fill: FillEvent, ctx: StrategyContext): void;
  /** Venue answers to the strategy's orders: ack, reject, cancel, expire. */
  onOrder?(order: OrderEvent, ctx: StrategyContext): void;
  onTimer?(ts: bigint, ctx: StrategyContext): void;
  onEnd?(ctx: StrategyContext): void;
  /**
   * Optional, for engine snapshots (docs/BACKTEST.md "Snapshots and resume"): the strategy's own
   * state as JSON-compatible data (bigints allowed), taken between events. An engine whose
   * strategy lacks these two hooks refuses to snapshot.
   */
  snapshot?(): unknown;
  /** Replaces the strategy's state with what snapshot() returned (called once, on a fresh instance). */
  restore?(state: unknown): void;
}

/** What a strategy module default-exports, made by defineStrategy. */
export interface StrategyFactory<O extends object> {
  (options?: Partial<O>): Strategy;
  readonly strategyName: string;
  readonly defaults: Readonly<O>;
  readonly description: string;
}

export interface StrategyDefinition<O extends object> {
  name: string;
  description?: string;
  /** Every option with its default: recorded in the run's manifest. */
  defaults: O;
  /** Build a fresh strategy instance (its state lives in the closure). */
  create(options: O): Omit<Strategy, 'name'>;
}

/** A factory that merges options over defaults and builds a fresh instance per run. */
export function defineStrategy<O extends object>(def: StrategyDefinition<O>): StrategyFactory<O> {
  const factory = (options: Partial<O> = {}): Strategy => {
    for (const key of Object.keys(options)) {
      if (!Object.prototype.hasOwnProperty.call(def.defaults, key)) {
        throw new TapedeckError('BAD_ARGUMENT', `strategy ${def.name}: unknown option "${key}"`, {
          strategy: def.name,
          option: key,
          known: Object.keys(def.defaults),
        });
      }
      // An option takes the type of its default: `qty=abc` for a number option is refused here,
      // not discovered as every order being rejected.
      const want = typeof (def.defaults as Record<string, unknown>)[key];
      const value = (options as Record<string, unknown>)[key];
      const got = typeof value;
      if (value !== undefined && want !== 'undefined' && want !== 'object' && got !== want && !(want === 'number' && got === 'bigint')) {
        throw new TapedeckError('BAD_ARGUMENT', `strategy ${def.name}: option "${key}" must be a ${want} (its default is ${JSON.stringify((def.defaults as Record<string, unknown>)[key])}), got ${got} ${JSON.stringify(value)}`, {
          strategy: def.name,
          option: key,
          expected: want,
        });
      }
      if (got === 'number' && !Number.isFinite(value as number)) {
        throw new TapedeckError('BAD_ARGUMENT', `strategy ${def.name}: option "${key}" must be a finite number, got ${String(value)}`, { strategy: def.name, option: key });
      }
    }
    const merged = { ...def.defaults, ...options } as O;
    return { name: def.name, ...def.create(merged) };
  };
  return Object.assign(factory, {
    strategyName: def.name,
    defaults: Object.freeze({ ...def.defaults }),
    description: def.description ?? '',
  });
}

function isStrategy(v: unknown): v is Strategy {
  return typeof v === 'object' && v !== null && typeof (v as Strategy).name === 'string';
}

/** Turn a module's default export (factory or object) into a Strategy. */
export function loadStrategy(exported: unknown, options: Record<string, unknown> = {}): Strategy {
  if (typeof exported === 'function') {
    const s: unknown = (exported as (o: Record<string, unknown>) => unknown)(options);
    if (isStrategy(s)) return s;
  } else if (isStrategy(exported)) {
    if (Object.keys(options).length > 0) {
      throw new TapedeckError('BAD_ARGUMENT', `strategy ${exported.name} is an object and takes no options`, {
        strategy: exported.name,
      });
    }
    return exported;
  }
  throw new TapedeckError('BAD_ARGUMENT', 'a strategy module must default-export a factory or a Strategy object', {});
}
