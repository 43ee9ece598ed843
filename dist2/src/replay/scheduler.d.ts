/**
 * The Replayer's default scheduler: the real clock, tuned for Node.
 *
 * RxJS's asyncScheduler reads `Date.now()` (whole milliseconds) and waits with `setInterval`, so
 * even `schedule(work, 0)` waits at least 1 ms. A replay at max speed yields to the event loop
 * every few thousand events; with 1 ms per yield a million-event replay spends a large share of
 * its time idle, and a fast paced replay (1000x) measures its lag against a clock that only moves
 * in whole milliseconds.
 *
 * `realtimeScheduler` keeps the same contract (a SchedulerLike: `now()` is epoch ms, `schedule`
 * is the only way to wait) with:
 * - `now()`: `performance.timeOrigin + performance.now()`, epoch ms with sub-ms precision
 *   (monotonic: it never jumps with the system clock);
 * - `schedule(work, 0)`: `setImmediate`, which runs after pending I/O callbacks (so other I/O
 *   and controls stay responsive) but without a timer's 1 ms floor;
 * - `schedule(work, delay > 0)`: `setTimeout` (long delays are re-armed past Node's 2^31−1 ms
 *   limit, never fired early).
 *
 * Determinism is unchanged: tests pass a VirtualTimeScheduler or TestScheduler instead.
 */
import { type SchedulerLike } from 'rxjs';
/** The real clock at sub-ms precision; zero delays yield with setImmediate (see the module comment). */
export declare const realtimeScheduler: SchedulerLike;
