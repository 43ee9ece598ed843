import { type DiffOptions, type DiffResult } from '../../verify/diff.js';
import type { FilterArgs } from './diff.js';
/** Turns the filter options into DiffOptions; time offsets count from the first event of `base`. */
export declare function diffOptionsFrom(args: FilterArgs, base: string): DiffOptions;
export declare function tsText(ts: bigint): string;
/** The diff as JSON-safe data (bigint as decimal strings, absent values as null). */
export declare function diffJson(result: DiffResult, a: string, b: string): Record<string, unknown>;
/** The divergence and counts, for people. */
export declare function formatDiff(result: DiffResult, a: string, b: string): string;
