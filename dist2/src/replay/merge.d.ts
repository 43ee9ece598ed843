/**
 * A k-way merge of recordings by ts, pulling lazily: each source holds at most one decoded event
 * ahead of the merge (its cursor holds one read chunk), so memory does not grow with the length
 * of a recording. Ties on ts go to the source given first; within a source the log's own order
 * (seq) holds, so the merged order is the same in every run.
 */
import type { EventReadOptions, Recording } from '../events/recording.js';
import type { TapeEvent } from '../events/types.js';
/** One recording in the merge: its cursor and the one event pulled ahead. */
export declare class MergeSource {
    readonly index: number;
    readonly recording: Recording;
    head: TapeEvent | null;
    /** No more events will come from this source (end of range, or session-end when following). */
    ended: boolean;
    private cursor;
    private opts;
    /** Following: the session-end event was seen; the source ends once it has been taken. */
    private endAfterHead;
    /** Not following: the next event is simply the cursor's next (the replay's hot path). */
    private sequential;
    /**
     * An error met while pulling ahead (corruption after the held event). The held event is still
     * handed over; the error is raised at the next peek, so the last valid event before damage is
     * always published.
     */
    failure: unknown;
    constructor(index: number, recording: Recording);
    open(opts: EventReadOptions): void;
    private tryOpen;
    /** Pulls the next event when none is held. `accept` filters in the replayer (follow mode). */
    fill(accept: ((ev: TapeEvent) => boolean) | null): void;
    /** Hands over the held event and pulls the next one. */
    take(accept: ((ev: TapeEvent) => boolean) | null): TapeEvent;
    private end;
    close(): void;
}
export declare class EventMerge {
    private readonly accept;
    readonly sources: MergeSource[];
    constructor(recordings: readonly Recording[], accept?: ((ev: TapeEvent) => boolean) | null);
    /** (Re)positions every source; the first event of each is pulled at once. */
    open(opts: EventReadOptions): void;
    /** Pulls for every source with nothing held (following: events appended since the last look). */
    refill(): void;
    /**
     * The source whose held event comes next in merged order, or null when no source holds one.
     * A linear scan: k is small (one recording per venue), and it beats a heap for k ≤ ~16.
     */
    peek(): MergeSource | null;
    take(src: MergeSource): TapeEvent;
    /** Every source has ended and holds nothing: the range is exhausted. */
    get exhausted(): boolean;
    close(): void;
}
