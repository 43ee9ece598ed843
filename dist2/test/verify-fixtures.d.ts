import type { TapeEvent, TickEvent } from '../src/events/types.js';
export declare const T0 = 1700000000000000000n;
/** Deterministic ticks: prices from a small LCG, ts 1 ms apart with some repeats. */
export declare function ticks(n: number, opts?: {
    runId?: string;
    start?: number;
}): TickEvent[];
/** Writes events into a fresh recording and closes it (every segment sealed). */
export declare function record(dir: string, events: readonly TapeEvent[], opts?: {
    segmentBytes?: number;
    indexEveryBytes?: number;
}): Promise<void>;
export declare function seg(dir: string, i: number): string;
export interface FrameAt {
    offset: number;
    seq: number;
    tsNs: bigint;
    type: number;
    payloadStart: number;
    payloadEnd: number;
    /** Offset of the frame's CRC. */
    crcAt: number;
}
/** The frames of a segment file, by walking the documented layout. */
export declare function framesOf(file: string): FrameAt[];
/** Where a sealed segment's footer lies: index start, trailer start, entry count. */
export declare function footerOf(file: string): {
    start: number;
    trailerStart: number;
    entries: number;
    dataEnd: number;
};
export declare function indexEntryAt(file: string, k: number): number;
/** SHA-256 of every file in a directory: to prove verify wrote nothing. */
export declare function snapshot(dir: string): Record<string, string>;
export declare function writeAt(file: string, offset: number, bytes: Uint8Array): void;
