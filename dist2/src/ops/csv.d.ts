import type { EventType, FlatMap, TapeEvent } from '../events/types.js';
/** The CSV columns of an event type, in canonical order. */
export declare function csvColumns(type: EventType): string[];
/** One cell, quoted when RFC 4180 (or a trimming reader) needs it. */
export declare function csvCell(text: string): string;
/** A flat map as canonical JSON (keys in code point order), as eventToJson writes it. */
export declare function canonicalMapJson(m: FlatMap): string;
/** The header line of a type's CSV (with LF). */
export declare function csvHeader(type: EventType): string;
/** One event as a CSV row of its type's columns (with LF). */
export declare function eventToCsvRow(ev: TapeEvent, opts?: {
    iso?: boolean;
}): string;
