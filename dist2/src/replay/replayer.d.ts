/**
 * The replayer: reads one or more recordings, merged by ts, and publishes their events onto an
 * EventBus, paced as they originally happened (scaled by a speed factor) or as fast as possible.
 *
 * All timing goes through an RxJS SchedulerLike (`scheduler.now()` in ms is the wall clock,
 * `scheduler.schedule(work, delay)` the only way to wait), so under a VirtualTimeScheduler or
 * TestScheduler a replay is fully deterministic: each event is published at exactly its scaled
 * time. Nothing here reads Date.now().
 *
 * Pacing: event i is due at anchorWall + (ts_i − anchorTs) / speed. start, resume, seek and
 * speed changes re-anchor at the current replay time, so the timeline is continuous (a pause
 * freezes the replay clock; resuming continues from where it stood). Each pass publishes every
 * event already due, then schedules itself for the next due time. A pass publishes at most
 * `sliceMax` events (or runs at most `sliceMs` of scheduler time) before yielding with
 * schedule(…, 0), so controls and other I/O stay responsive even at max speed.
 *
 * Follow mode (`start({ follow: true })`): tails recordings still being written. When every
 * source has nothing new, the replayer polls again after `pollMs` through the scheduler. A
 * source ends at its `system` event of kind 'session-end' (published if it passes the filters,
 * nothing after it is read), or at `to`. The replay ends when every source has ended, or at
 * stop(). Across several followed sources, an event that arrives late is published when it
 * arrives (a live tail cannot wait for a source that may never write again), so the strict
 * ts merge holds only for what was on disk at each poll.
 */
import { BehaviorSubject, Observable, type SchedulerLike } from 'rxjs';
import type { EventBus } from '../bus/index.js';
import { type Recording } from '../events/recording.js';
import type { EventType } from '../events/types.js';
import { Metrics } from '../util/metrics.js';
export type ReplayState = 'idle' | 'playing' | 'paused' | 'seeking' | 'done';
/** A multiplier (> 0), or Infinity / 'max' for fast-forward without delays. */
export type ReplaySpeed = number | 'max';
export interface ReplayerOptions {
    /**
     * The clock and timer of the replay (default: realtimeScheduler, the real clock with sub-ms
     * precision and setImmediate yields; tests pass a virtual one).
     */
    scheduler?: SchedulerLike;
    /** Most events published in one pass before yielding to the event loop (default 4096). */
    sliceMax?: number;
    /** Most scheduler time (ms) one pass may run before yielding (default 8). */
    sliceMs?: number;
    /** Follow mode: how long to wait before looking for new events again (ms, default 50). */
    pollMs?: number;
    /** progress$ emits at most once per this many ms of scheduler time, besides state changes (default 100). */
    progressMs?: number;
    /**
     * Read size of the recordings opened here from a path (default 256 KiB). Replay reads
     * sequentially and decodes every record at once, so a modest chunk is as fast as a large one
     * and keeps memory low: each chunk is a fresh buffer that lives until the GC frees it.
     * Recordings passed in as objects keep their own reader's setting.
     */
    chunkBytes?: number;
}
export interface ReplayStartOptions {
    /** Inclusive range in ns; also the anchor of the first event's pacing when given. */
    from?: bigint;
    /** Inclusive. */
    to?: bigint;
    runId?: string;
    types?: readonly EventType[];
    symbols?: readonly string[];
    venues?: readonly string[];
    /** Default 1. */
    speed?: ReplaySpeed;
    /** Tail recordings still being written (see the module comment). */
    follow?: boolean;
    /** Start paused (state 'paused'): step() or resume() to go. */
    paused?: boolean;
}
export interface LagSummary {
    /** Events whose lag was measured (paced events; fast-forward has no due times). */
    count: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
}
export interface ReplayProgress {
    state: ReplayState;
    /** seq of the last published event (null before the first, or right after a seek). */
    seq: number | null;
    /** Which source (index into the sources as given) the last published event came from. */
    source: number | null;
    /** The position: see Replayer.now(). */
    ts: bigint;
    /** Position within [from ?? first ts, to ?? last ts], 0–100. */
    percent: number;
    emitted: number;
    /** Events per second of scheduler time spent playing (0 until time has passed). */
    eventsPerSec: number;
    lag: LagSummary;
    /** Infinity when fast-forwarding. */
    speed: number;
}
/** A read-only BehaviorSubject: subscribe for changes, `value` for the current one. */
export declare class ValueObservable<T> extends Observable<T> {
    private readonly subject;
    constructor(subject: BehaviorSubject<T>);
    get value(): T;
    getValue(): T;
}
/** The default read size of the recordings a Replayer opens itself (see ReplayerOptions.chunkBytes). */
export declare const REPLAY_CHUNK_BYTES: number;
export declare class Replayer {
    private readonly bus;
    readonly metrics: Metrics;
    readonly state$: ValueObservable<ReplayState>;
    readonly progress$: ValueObservable<ReplayProgress>;
    /** The recordings, in the order given (the tie-break order). */
    readonly recordings: readonly Recording[];
    private readonly sched;
    private readonly sliceMax;
    private readonly sliceMs;
    private readonly pollMs;
    private readonly progressMs;
    private readonly stateSubject;
    private readonly progressSubject;
    private readonly done$;
    private readonly lagHist;
    private merge;
    private opts;
    private speedValue;
    private follow;
    private task;
    /** Bumped by every control; a pass that sees it change stops (the control rescheduled). */
    private epoch;
    private anchorTs;
    private anchorWall;
    /** The replay clock frozen at pause (the anchor to resume from). */
    private pausedClock;
    private posTs;
    private posSeq;
    private posSource;
    private emitted;
    private rangeStart;
    private rangeEnd;
    private playingMs;
    private playingSince;
    private lastProgressWall;
    /** The range was played to its end (not stopped early). */
    private completed;
    constructor(source: string | Recording | readonly (string | Recording)[], bus: EventBus, options?: ReplayerOptions);
    get state(): ReplayState;
    /** The current speed: a multiplier, Infinity when fast-forwarding. */
    get currentSpeed(): number;
    /**
     * The replay clock, in ns: the ts of the current position, i.e. of the last event published
     * (during a subscriber's handling of an event, exactly that event's ts), or the target of the
     * last seek, or the start of the range before the first event. Never the wall clock.
     */
    now(): bigint;
    /**
     * Starts the replay. Returns an Observable that emits once (undefined) and completes when the
     * range is exhausted (or at stop()), and errors if reading fails (a corrupt recording, say);
     * `await lastValueFrom(replayer.start())` waits for the end. The replay runs whether or not
     * the Observable is subscribed; subscribe late and it still reports the end. The bus is never
     * completed by the replayer (others may publish to it).
     */
    start(opts?: ReplayStartOptions): Observable<void>;
    pause(): void;
    resume(): void;
    /**
     * Moves the position to `ts` (clamped to `from`): the next event published is the first at or
     * after it. Works forward, backward and while paused (the replay stays paused). Past the end
     * (or past `to`) nothing is left: a playing replay is then done; a paused one is done once
     * resumed. Pacing re-anchors at `ts`.
     */
    seek(ts: bigint): void;
    /** Changes the speed (a multiplier > 0, or Infinity / 'max'); the timeline stays continuous. */
    speed(multiplier: ReplaySpeed): void;
    /**
     * While paused: publishes the next `n` events at once (synchronously, no pacing, no lag
     * measured) and stays paused; resuming continues from the last of them. Returns how many
     * were published (fewer at the end of the range, or following with nothing new on disk).
     */
    step(n?: number): number;
    /** Ends the replay now: state 'done', the start() Observable completes, cursors close. */
    stop(): void;
    /** The progress now (progress$ emits it throttled; this computes it on demand). */
    progress(): ReplayProgress;
    private pass;
    /**
     * Fast-forward: publish until the slice is used up. Per event: pick the source (no comparison
     * with a single source), take its event (which pulls the next), publish.
     */
    private passMax;
    /**
     * Paced: publish every event already due, then wait for the next one. The clock is read every
     * 16 events (and always before deciding to wait), so each event's lag is measured against a
     * reading at most 15 events old, and a pass never sleeps on a stale clock.
     */
    private passPaced;
    /** No source holds an event: the range is exhausted, or (following) nothing new is on disk yet. */
    private noneHeld;
    private publish;
    /** Schedules the next pass and reports progress (throttled). */
    private later;
    private reschedule;
    private cancel;
    /** The replay time at wall time `now`: between the position and the next held event. */
    private clockAt;
    private readOptions;
    private finish;
    private fail;
    private setState;
    private emitProgress;
    private snapshot;
}
