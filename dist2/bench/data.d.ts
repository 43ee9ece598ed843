import { type TapeEvent, type TickEvent } from '../src/events/index.js';
export declare const RUN_ID = "bench-0001";
export declare const T0 = 1700000000000000000n;
export declare const TICK_TAG: number;
/** The i-th bench tick (deterministic; ts = T0 + i µs unless given). */
export declare function makeTick(rng: () => number, ts: bigint): TickEvent;
export interface Pool {
    events: TickEvent[];
    payloads: Buffer[];
    /** Mean payload size in bytes. */
    meanBytes: number;
}
/** `n` distinct tick payloads (copied out of msgpackr's scratch buffer). */
export declare function payloadPool(n?: number, seed?: string): Pool;
export declare const POOL_MASK = 4095;
/** Timestamp of record i: 1 µs apart. */
export declare function tsOf(i: number): bigint;
/** A full event stream of n ticks, generated lazily (for JSONL files and ingest). */
export declare function tickStream(n: number, seed?: string, stepNs?: bigint): Generator<TickEvent>;
/** Writes n canonical JSON lines to `file` (in 1 MiB chunks). Returns the byte size. */
export declare function writeJsonlEvents(file: string, events: Iterable<TapeEvent>): number;
