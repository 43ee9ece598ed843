/**
 * The event types of a trading session. `ts` is exact integer nanoseconds since the Unix epoch (a
 * bigint: int64 does not fit a double); `seq` is assigned by the log when stored. Prices and sizes
 * of market data (tick, book, instrument) are `Num`: an exact Decimal as the venue sent it (schema
 * v2) or a double (schema v1 recordings, simulations); `toNumber` gives the plain number view.
 */
import type { Num } from './decimal.js';

export type { Num } from './decimal.js';

export type Side = 'buy' | 'sell';
export type FlatMap = Record<string, string | number>;

export interface EventBase {
  ts: bigint;
  runId: string;
  /** The seq of the event that caused this one (tick → signal → order → fill). */
  cause?: number;
  /** Assigned by the log; present on events read back from a recording. */
  seq?: number;
}

export interface TickEvent extends EventBase {
  type: 'tick';
  venue: string;
  symbol: string;
  bid?: Num;
  ask?: Num;
  bidSize?: Num;
  askSize?: Num;
  /** A trade: its price and size (with `tradeId`, one venue trade is one tick). */
  last?: Num;
  lastSize?: Num;
  /** The taker's side of the last trade. */
  aggressor?: Side;
  volume?: Num;
  /** The venue's own timestamp, ns since epoch. */
  exchTs?: bigint;
  /** The venue's id of the trade in last/lastSize (schema v2). */
  tradeId?: string;
  /** The venue's update id of the quote (Binance bookTicker `u`; schema v2). */
  venueSeq?: number;
}

export type OrderKind = 'market' | 'limit' | 'stop';
export type OrderAction = 'new' | 'cancel' | 'replace' | 'ack' | 'reject' | 'expire';

export interface OrderEvent extends EventBase {
  type: 'order';
  orderId: string;
  venue: string;
  symbol: string;
  side: Side;
  kind: OrderKind;
  action: OrderAction;
  price?: number;
  qty: number;
  tif?: string;
  strategy?: string;
  reason?: string;
}

export interface FillEvent extends EventBase {
  type: 'fill';
  fillId: string;
  orderId: string;
  venue: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
  fee?: number;
  liquidity?: 'maker' | 'taker';
}

export interface SignalEvent extends EventBase {
  type: 'signal';
  strategy: string;
  symbol: string;
  name: string;
  value: number;
  meta?: FlatMap;
}

export type RiskSeverity = 'info' | 'warn' | 'block' | 'kill';

export interface RiskEvent extends EventBase {
  type: 'risk';
  rule: string;
  severity: RiskSeverity;
  symbol?: string;
  detail: string;
  value?: number;
  limit?: number;
}

export type SystemKind =
  | 'session-start'
  | 'session-end'
  | 'gap'
  | 'reconnect'
  | 'heartbeat'
  | 'reject'
  | 'checkpoint'
  | 'note';

export interface SystemEvent extends EventBase {
  type: 'system';
  kind: SystemKind;
  message: string;
  data?: FlatMap;
}

/** L2: `set` (a level's absolute size; 0 removes it), `clear` (the side, or both when side is absent). L3: order actions. */
export type BookAction = 'set' | 'clear' | 'add' | 'modify' | 'cancel' | 'fill' | 'trade';
export type BookSide = 'bid' | 'ask';

/** Book flags (the bit values of Databento's DBN, so its records map over unchanged). */
export const BOOK_FLAG_LAST = 128;
export const BOOK_FLAG_SNAPSHOT = 32;
export const BOOK_FLAG_BAD_BOOK = 4;

/**
 * One change to an order book (schema v2). One venue message becomes one atomic batch of these,
 * the last flagged BOOK_FLAG_LAST. A snapshot is a `clear` followed by `set`s (or `add`s), all
 * flagged BOOK_FLAG_SNAPSHOT. See docs/EVENTS.md §5.
 */
export interface BookEvent extends EventBase {
  type: 'book';
  venue: string;
  symbol: string;
  action: BookAction;
  side?: BookSide;
  price?: Num;
  /** set: the level's new absolute size; add/modify: the order's size; cancel: the size remaining; fill/trade: the size traded. */
  size?: Num;
  /** Bit set of BOOK_FLAG_*; absent = 0. */
  flags?: number;
  exchTs?: bigint;
  /** The venue's sequence number of the message (Binance `u`, DBN `sequence`, Coinbase `sequence`). */
  venueSeq?: number;
  /** The first update id the message covers (Binance `U`). */
  venueSeqFirst?: number;
  /** The previous message's last update id as the venue states it (Binance futures `pu`). */
  venueSeqPrev?: number;
  /** L3: the venue's order id. */
  orderId?: string;
  /** The checksum the venue sent for the book after this message (Kraken CRC32), on its LAST event. */
  checksum?: number;
  /** ns from the venue's send time to the capture server's receive time (DBN `ts_in_delta`). */
  tsInDelta?: number;
  /** The venue's channel of the message (DBN `channel_id`). */
  channel?: number;
  /** The book level (0 = top) where the update happened (DBN `depth`). */
  depth?: number;
  /** When the data vendor's gateway sent it, ns since epoch (DBN `ts_out`). */
  tsOut?: bigint;
}

/** What a venue says about a symbol: scales, tick and lot sizes (schema v2). */
export interface InstrumentEvent extends EventBase {
  type: 'instrument';
  venue: string;
  symbol: string;
  /** spot, perpetual, future, option, equity, … */
  kind?: string;
  base?: string;
  quote?: string;
  tickSize?: Num;
  lotSize?: Num;
  minSize?: Num;
  /** Decimal places of prices / sizes as the venue sends them. */
  priceScale?: number;
  sizeScale?: number;
  /** The data vendor's numeric id of the instrument (DBN `instrument_id`). */
  instrumentId?: number;
  /** The data vendor's id of the feed it came from (DBN `publisher_id`). */
  publisherId?: number;
}

/**
 * An OHLCV bar (schema v2): the prices and volume of one interval. `ts` is when the bar is
 * complete (its end: replaying it earlier would see the future); `start` is when it opened.
 */
export interface BarEvent extends EventBase {
  type: 'bar';
  venue: string;
  symbol: string;
  /** 1s, 1m, 1h, 1d, eod, or any other name the source uses. */
  interval: string;
  open: Num;
  high: Num;
  low: Num;
  close: Num;
  volume: Num;
  /** The bar's open time, ns since epoch. */
  start: bigint;
}

export type TapeEvent = TickEvent | OrderEvent | FillEvent | SignalEvent | RiskEvent | SystemEvent | BookEvent | InstrumentEvent | BarEvent;
export type EventType = TapeEvent['type'];
export type EventOf<T extends EventType> = Extract<TapeEvent, { type: T }>;

export const EVENT_TYPES: readonly EventType[] = ['tick', 'order', 'fill', 'signal', 'risk', 'system', 'book', 'instrument', 'bar'];

/** The log record type tag of each event type (u8 in the frame). 0 is never used. */
export const TYPE_TAG: Readonly<Record<EventType, number>> = {
  tick: 1,
  order: 2,
  fill: 3,
  signal: 4,
  risk: 5,
  system: 6,
  book: 7,
  instrument: 8,
  bar: 9,
};

export const TAG_TYPE: ReadonlyMap<number, EventType> = new Map(
  (Object.entries(TYPE_TAG) as [EventType, number][]).map(([t, n]) => [n, t]),
);

/**
 * The payload schema version this code writes; stored in every segment header. Version 2 added
 * exact decimals, tick.tradeId, book and instrument; every version 1 payload is a valid, canonical
 * version 2 payload, so version 1 recordings read unchanged.
 */
export const SCHEMA_VERSION = 2;
/** The oldest schema version this code reads. */
export const SCHEMA_VERSION_MIN = 1;
