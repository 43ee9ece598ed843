import { type TsUnit } from '../events/ts.js';
export declare const MAP_TARGETS: readonly ["ts", "exchTs", "venue", "symbol", "bid", "ask", "bidSize", "askSize", "last", "lastSize", "aggressor", "volume", "tradeId"];
export type MapTarget = (typeof MAP_TARGETS)[number];
export interface ColumnMapping {
    /** target field → source column (name, dotted JSON path, or 1-based column number). */
    columns: Partial<Record<MapTarget, string>>;
    venue?: string;
    symbol?: string;
    tsUnit?: TsUnit;
}
/**
 * `--map` as given: `ts=timestamp,bid=bidPrice` or the path of a JSON mapping file. `venue`,
 * `symbol` and `tsUnit` from the flags win over the file's.
 */
export declare function parseColumnMapping(spec: string, flags?: {
    venue?: string;
    symbol?: string;
    tsUnit?: TsUnit;
}): ColumnMapping;
/** True when every source is a column number: the CSV has no header row. */
export declare function isPositional(m: ColumnMapping): boolean;
/** Looks a source up in a record: a key, a dotted path, or (positional CSV) a column number. */
export type Lookup = (source: string) => unknown;
/** Builds the tick draft of one record; ValidationError names the target, column and position. */
export declare function mapRecord(m: ColumnMapping, get: Lookup, position: string): Record<string, unknown>;
/** A key or dotted path of a JSON object. */
export declare function jsonLookup(obj: Record<string, unknown>): Lookup;
/** A CSV row by header name, or by 1-based column number when `header` is null. */
export declare function csvLookup(cells: readonly string[], header: ReadonlyMap<string, number> | null): Lookup;
/** Refuses a header that lacks a mapped column, naming the ones it has. */
export declare function checkHeader(m: ColumnMapping, header: ReadonlyMap<string, number>, position: string): void;
/**
 * Splits a stream of JSON text into its top-level values: the elements of one top-level array
 * (`[{…},{…}]`, any whitespace) or a sequence of objects (JSON lines). Memory is bounded by one
 * element. Strings are tracked so brackets inside them do not count.
 */
export declare class JsonElementSplitter {
    private depth;
    private inString;
    private escape;
    private cur;
    private started;
    private arrayMode;
    private done;
    /** Characters consumed, for positions in errors. */
    offset: number;
    /** Feeds text; returns the complete element texts it finishes. */
    push(text: string): string[];
    /** At the end: an unfinished element or an unclosed array is an error. */
    end(): void;
}
