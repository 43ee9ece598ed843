/**
 * The replay round trip, tapedeck's original definition of done: replay a recording onto the bus,
 * re-record what the bus carries with the source clock, and prove the copy identical to the
 * source (same events, same digest).
 */
import { type SchedulerLike } from 'rxjs';
import { EventBus } from '../bus/index.js';
import { Recorder, type RecorderOptions, type RecordSummary } from '../record/index.js';
import { type ReplaySpeed } from '../replay/index.js';
/**
 * Records everything published on `bus` into `dir`, exactly: the source clock, the events' own
 * runIds, and no session events of the recorder's own. Returns a stop function that closes it.
 */
export declare function rerecordBus(bus: EventBus, dir: string, opts?: Omit<RecorderOptions, 'clock' | 'sessionEvents'>): Promise<{
    recorder: Recorder;
    stop: () => Promise<RecordSummary>;
}>;
export interface RoundTripOptions {
    speed?: ReplaySpeed;
    from?: bigint;
    to?: bigint;
    /** Default: a VirtualTimeScheduler, so a paced replay runs in virtual time (deterministic, fast). */
    scheduler?: SchedulerLike;
    segmentBytes?: number;
}
export interface RoundTripResult {
    events: number;
    sourceDigest: string;
    copyDigest: string;
    identical: boolean;
}
/** Replays `source` (a range of it, optionally) into a new recording `copy` and compares digests. */
export declare function replayRoundTrip(source: string, copy: string, opts?: RoundTripOptions): Promise<RoundTripResult>;
