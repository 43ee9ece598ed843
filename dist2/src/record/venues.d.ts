import type { TickEvent } from '../events/types.js';
export type VenueFormat = 'binance' | 'coinbase';
export declare const VENUE_FORMATS: readonly VenueFormat[];
/** A tick without ts and runId (the recorder stamps both). */
export type TickDraft = Omit<TickEvent, 'ts' | 'runId' | 'seq' | 'cause' | 'volume'>;
export type MapOutcome = {
    ticks: TickDraft[];
    kind: string;
} | {
    unmapped: string;
};
export type Mapper = (msg: unknown, position?: string) => MapOutcome;
/** "61837.63000000" → 61837.63. Refuses anything that is not a plain decimal (or a finite number). */
export declare function parseDecimal(v: unknown, field: string, position?: string): number;
/** Epoch milliseconds (an integer) → ns, exactly. */
export declare function msToNs(v: unknown, field: string, position?: string): bigint;
/**
 * Binance spot/futures public streams, raw or in the combined-stream wrapper {stream, data}.
 * bookTicker {u,s,b,B,a,A[,E,T]}; trade {e:"trade",E,s,t,p,q,T,m}: m = buyer is the maker, so
 * the aggressor (taker) sold.
 */
export declare const mapBinance: Mapper;
/**
 * Coinbase Exchange (Pro) ws-feed. ticker {product_id, price, best_bid, best_ask, last_size,
 * side, time}: its side is the taker's. match {product_id, price, size, side, time}: its side is
 * the maker's, so the aggressor is the opposite (the sample's ticker and last_match for the same
 * trade_id show exactly that).
 */
export declare const mapCoinbase: Mapper;
export declare function mapperFor(format: VenueFormat): Mapper;
