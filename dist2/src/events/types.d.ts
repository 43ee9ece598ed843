/**
 * The six event types of a trading session. `ts` is exact integer nanoseconds since the Unix
 * epoch (a bigint: int64 does not fit a double); `seq` is assigned by the log when stored.
 */
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
    bid?: number;
    ask?: number;
    bidSize?: number;
    askSize?: number;
    last?: number;
    lastSize?: number;
    /** The taker's side of the last trade. */
    aggressor?: Side;
    volume?: number;
    /** The venue's own timestamp, ns since epoch. */
    exchTs?: bigint;
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
export type SystemKind = 'session-start' | 'session-end' | 'gap' | 'reconnect' | 'heartbeat' | 'reject' | 'checkpoint' | 'note';
export interface SystemEvent extends EventBase {
    type: 'system';
    kind: SystemKind;
    message: string;
    data?: FlatMap;
}
export type TapeEvent = TickEvent | OrderEvent | FillEvent | SignalEvent | RiskEvent | SystemEvent;
export type EventType = TapeEvent['type'];
export type EventOf<T extends EventType> = Extract<TapeEvent, {
    type: T;
}>;
export declare const EVENT_TYPES: readonly EventType[];
/** The log record type tag of each event type (u8 in the frame). 0 is never used. */
export declare const TYPE_TAG: Readonly<Record<EventType, number>>;
export declare const TAG_TYPE: ReadonlyMap<number, EventType>;
/** The payload schema version this code writes; stored in every segment header. */
export declare const SCHEMA_VERSION = 1;
