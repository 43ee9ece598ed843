/**
 * Canonical binary payloads (the bytes after a log frame's seq, ts and type tag). Layout, per
 * docs/EVENTS.md: a MessagePack array [runId, cause, ...fields in declared order], absent optional
 * fields as nil, trailing nils trimmed. Encoding assumes a validated event (validateEvent).
 */
import { type Options } from 'msgpackr';
import { TapedeckError } from '../errors.js';
import { type TapeEvent } from './types.js';
/** A payload that cannot be decoded: unknown tag (code BAD_INPUT) or malformed bytes (CORRUPT_FRAME). */
export declare class PayloadError extends TapedeckError {
    readonly tag: number;
    readonly seq: number | undefined;
    readonly reason: string;
    constructor(code: 'BAD_INPUT' | 'CORRUPT_FRAME', tag: number, reason: string, seq?: number, cause?: unknown);
}
/**
 * Every msgpackr option that could change the bytes, spelled out: plain MessagePack only (no
 * records, shared structures, bundles or extensions), doubles never narrowed to float32, int64
 * decoded as bigint so ts values stay exact. Changing any of these changes the stored format.
 */
export declare const PACKR_OPTIONS: Readonly<Options>;
export declare function isKnownTag(tag: number): boolean;
export interface EncodedEvent {
    type: number;
    tsNs: bigint;
    payload: Buffer;
}
export interface EventCodec {
    encodePayload(ev: TapeEvent): Buffer;
    decodePayload(tag: number, payload: Uint8Array, seq: number, ts: bigint): TapeEvent;
    encodeEvent(ev: TapeEvent): EncodedEvent;
    /** True when the payload decodes to a valid event that re-encodes to exactly these bytes. */
    isCanonicalPayload(tag: number, payload: Uint8Array): boolean;
}
/** A fresh codec with its own msgpackr instance: encoders built this way must agree byte for byte. */
export declare function createCodec(): EventCodec;
/** The payload bytes of a validated event. */
export declare const encodePayload: (ev: TapeEvent) => Buffer;
/** The event stored under a frame's tag, seq and ts. Throws PayloadError (typed, with code). */
/**
 * Decodes the payload at buf[start, stop) (a reader's chunk): the fast path reads it in place; only
 * a payload outside the canonical subset gets a view, for the generic decoder.
 */
export declare function decodePayloadAt(tag: number, buf: Buffer, start: number, stop: number, seq: number, ts: bigint): TapeEvent;
export declare const decodePayload: (tag: number, payload: Uint8Array, seq: number, ts: bigint) => TapeEvent;
/** Frame fields (type tag, ts) and payload of a validated event; seq is the log's to assign. */
export declare const encodeEvent: (ev: TapeEvent) => EncodedEvent;
export declare const isCanonicalPayload: (tag: number, payload: Uint8Array) => boolean;
/**
 * decodePayload without the hand-written fast path (msgpackr unpack, then per-field checks): same
 * results and errors, slower. For tests and benchmarks; not re-exported from the package.
 */
export declare const decodePayloadGeneric: (tag: number, payload: Uint8Array, seq: number, ts: bigint) => TapeEvent;
