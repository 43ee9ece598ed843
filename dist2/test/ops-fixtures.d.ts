import type { TapeEvent } from '../src/events/types.js';
import { type LiveCli } from './helpers/cli.js';
export declare const T0 = 1700000000000000000n;
export declare const MS = 1000000n;
/**
 * Two runs (r1: 0..30 ms, r2: 31..60 ms), 60 ticks over AAPL/MSFT, one each of order, fill, signal
 * and risk, a session-start, a gap and a reject; every text that CSV must quote somewhere.
 */
export declare function fixtureEvents(): TapeEvent[];
/** Writes events into a fresh recording with small segments and closes it (all sealed). */
export declare function writeRecording(dir: string, events?: readonly TapeEvent[], segmentBytes?: number): Promise<void>;
export interface Run {
    code: number;
    stdout: string;
    stderr: string;
}
/** The CLI in-process (test/helpers/cli.ts). */
export declare function cli(args: string[], opts?: {
    input?: string;
    cwd?: string;
}): Promise<Run>;
/** Like cli(), but returns at once: the test feeds stdin, raises signals, then awaits `done`. */
export declare function cliAsync(args: string[]): {
    done: Promise<Run>;
    live: LiveCli;
};
