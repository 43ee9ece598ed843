/** Shared helpers of the replay tests: small recordings in temp dirs, and a bus that logs when. */
import { VirtualTimeScheduler, type SchedulerLike } from 'rxjs';
import { EventBus } from '../src/bus/index.js';
import type { SystemEvent, TapeEvent, TickEvent } from '../src/events/types.js';
export declare const T0 = 1700000000000000000n;
export declare const MS = 1000000n;
export declare function tick(offsetMs: number | bigint, o?: Partial<TickEvent>): TickEvent;
export declare function sys(offsetMs: number | bigint, kind: SystemEvent['kind'], o?: Partial<SystemEvent>): SystemEvent;
/** A recording in a fresh temp dir holding `events` (seq from 0, in order). */
export declare function makeRecording(events: Iterable<TapeEvent>, dir?: string): Promise<string>;
export interface Seen {
    at: number;
    ts: bigint;
    seq: number | undefined;
    symbol: string | undefined;
    type: string;
}
/** A bus whose events are logged with the scheduler time they arrived at. */
export declare function watchedBus(sched: SchedulerLike): {
    bus: EventBus;
    seen: Seen[];
};
export declare function virtual(): VirtualTimeScheduler;
/** Offsets (ms from T0) of what was seen. */
export declare const offsets: (seen: Seen[]) => number[];
export declare const times: (seen: Seen[]) => number[];
