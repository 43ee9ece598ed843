import { type TapeEvent } from '../src/events/index.js';
import { type SectionResult } from './table.js';
/** Writes `events` into a new recording at `dir` (batched), returning the count. */
export declare function writeRecording(dir: string, events: Iterable<TapeEvent>): Promise<number>;
/** Replays `dir` onto a fresh bus at `speed`, counting events; returns wall ms and the lag summary. */
export declare function replayCount(R: any, B: any, dir: string, speed: number | 'max'): Promise<{
    ms: number;
    events: number;
    lag: {
        p50Ms: number;
        p99Ms: number;
        maxMs: number;
        count: number;
    };
}>;
export declare function benchReplay(): Promise<SectionResult>;
