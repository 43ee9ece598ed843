import { type EventType, type TapeEvent } from './types.js';
/** The schema's layout of a type in FIELD_LAYOUT's notation. */
export declare function schemaLayout(type: EventType): string;
/** The event types this module decodes (all of them unless the schema moved on without it). */
export declare function fastDecodedTypes(): EventType[];
/**
 * The event the msgpackr-based decodePayload would return for these arguments, or undefined when
 * that path must decide (unknown tag, bad ts, any malformed or non-fast-path payload).
 */
export declare function fastDecodePayload(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent | undefined;
/**
 * The same, for a payload at buf[start, stop): a reader hands over its chunk and the payload's
 * bounds, and no view is made per record.
 */
export declare function fastDecodeRange(tag: number, buf: Uint8Array, start: number, stop: number, seq: number, ts: bigint): TapeEvent | undefined;
