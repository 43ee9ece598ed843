/**
 * The time span of a recording (first and last ts), without decoding a single event: sealed
 * segments carry both in their footers; only an unsealed last segment (a crash, or a recording
 * still being written) is walked, as raw frames.
 */
import type { Recording } from '../events/recording.js';
export interface TimeSpan {
    firstTs: bigint;
    lastTs: bigint;
}
/** First and last ts of a recording, or null when it holds no records. */
export declare function recordingSpan(rec: Recording): TimeSpan | null;
/** The span covering several recordings (null when none holds a record). */
export declare function recordingsSpan(recs: readonly Recording[]): TimeSpan | null;
