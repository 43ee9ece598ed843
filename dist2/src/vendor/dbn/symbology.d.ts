/**
 * Instrument id → symbol over the date ranges of the metadata's symbology mappings (the rule of
 * `TsSymbolMap` in Databento's `dbn` crate), plus SymbolMapping records met in the stream (live
 * data). A record's symbol is looked up by its instrument id and the UTC date of its index time
 * (ts_recv where the record has one, else ts_event).
 */
import type { DbnMetadata } from './metadata.js';
/** YYYYMMDD → days since 1970-01-01. */
export declare function yyyymmddToDays(d: number): number;
export declare class SymbolMap {
    /** instrument id → sorted intervals [startDay, endDay) → symbol. */
    private readonly byId;
    /** Latest mapping from in-stream SymbolMapping records (they apply from their ts onwards). */
    private readonly live;
    static fromMetadata(m: DbnMetadata): SymbolMap;
    add(instrumentId: number, fromDay: number, toDay: number, symbol: string): void;
    /** A SymbolMapping record in the stream: from now on this id is this symbol. */
    setLive(instrumentId: number, symbol: string): void;
    /** The symbol of an instrument at a time, or undefined when no mapping covers it. */
    get(instrumentId: number, indexTsNs: bigint): string | undefined;
}
