import type { TapeEvent } from './types.js';
export interface JsonOptions {
    /** Write ts and exchTs as ISO-8601 UTC with 9 fractional digits instead of decimal ns. */
    iso?: boolean;
}
/** One line of canonical JSON (no newline). `ev` must be valid (validateEvent's output). */
export declare function eventToJson(ev: TapeEvent, options?: JsonOptions): string;
/**
 * Parse and validate one JSON line. ts/exchTs may be decimal strings, JSON integers up to
 * 2^53 - 1, or ISO-8601 UTC. A `seq` is kept on the returned event (so export → import →
 * export is stable) but the log ignores it on append and assigns its own.
 */
export declare function parseJsonEvent(line: string, position?: string): TapeEvent;
/** Parse a whole JSONL text; positions are "line N" (1-based). Blank lines are skipped. */
export declare function parseJsonLines(text: string): TapeEvent[];
