/**
 * The replay deck: one Replayer per recording, run on the server and driven by the browser's
 * controls (play, pause, step, speed, seek). It is the same Replayer the CLI's `replay` uses,
 * publishing onto an EventBus; the deck reads its position and progress, and answers the
 * browser's questions about the cursor (the quote of each symbol, the events around it) from the
 * recording's Timeline and a short read of the log.
 *
 * A replay that reached its end is done and cannot move; a seek, step or play after that starts
 * a fresh Replayer (paused) on the same recording and seeks it.
 */
import type { SchedulerLike } from 'rxjs';
import { type ReplayState } from '../replay/index.js';
import type { Quote, Timeline } from './timeline.js';
export type DeckAction = 'play' | 'pause' | 'step' | 'speed' | 'seek';
export interface DeckControl {
    action: DeckAction;
    /** step: how many events (default 1). */
    count?: number;
    /** speed: a multiplier > 0 or 'max'. */
    speed?: number | 'max';
    /** seek: the target ts in ns (decimal string). */
    ts?: string;
}
export interface AroundEvent {
    seq: number;
    ts: string;
    tsIso: string;
    type: string;
    /** The event as canonical JSON. */
    json: string;
    /** True for the event at the cursor (the last one published). */
    current: boolean;
}
export interface DeckState {
    state: ReplayState;
    /** The replay clock (ns, decimal string) and as ISO-8601. */
    ts: string;
    tsIso: string;
    seq: number | null;
    percent: number;
    speed: number | 'max';
    emitted: number;
    firstTs: string;
    lastTs: string;
    quotes: Quote[];
    around: AroundEvent[];
}
export declare class Deck {
    readonly dir: string;
    private readonly timeline;
    private readonly scheduler?;
    private recording;
    private replayer;
    private bus;
    private speedValue;
    constructor(dir: string, timeline: () => Timeline, scheduler?: SchedulerLike | undefined);
    private fresh;
    /** The replayer, ready to move: a done one is replaced by a fresh paused one at `atNs`. */
    private live;
    control(c: DeckControl): DeckState;
    state(): DeckState;
    /** The events of the log around the cursor: up to AROUND before it, the current one, AROUND after. */
    private around;
    close(): void;
}
