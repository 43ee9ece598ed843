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
import { Subscription } from 'rxjs';
/** The longest delay setTimeout accepts (longer ones fire after 1 ms, with a warning). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
const clock = () => performance.timeOrigin + performance.now();
class RealtimeAction extends Subscription {
    work;
    timeout = null;
    immediate = null;
    state;
    /** When a delay past setTimeout's limit is due (clock ms); 0 for ordinary delays. */
    longDueAt = 0;
    constructor(work) {
        super();
        this.work = work;
        this.add(() => this.clear());
    }
    schedule(state, delay = 0) {
        if (this.closed)
            return this;
        this.state = state;
        this.clear();
        if (delay > 0) {
            this.longDueAt = delay > MAX_TIMEOUT_MS ? clock() + delay : 0;
            this.timeout = setTimeout(this.fire, Math.min(delay, MAX_TIMEOUT_MS));
        }
        else {
            this.immediate = setImmediate(this.run);
        }
        return this;
    }
    fire = () => {
        this.timeout = null;
        if (this.longDueAt > 0) {
            const left = this.longDueAt - clock();
            if (left > MAX_TIMEOUT_MS) {
                this.timeout = setTimeout(this.fire, MAX_TIMEOUT_MS);
                return;
            }
            this.longDueAt = 0;
            if (left >= 1) {
                this.timeout = setTimeout(this.fire, left);
                return;
            }
        }
        this.run();
    };
    run = () => {
        this.immediate = null;
        if (this.closed)
            return;
        try {
            this.work.call(this, this.state);
        }
        catch (e) {
            this.unsubscribe();
            throw e;
        }
    };
    clear() {
        if (this.timeout !== null)
            clearTimeout(this.timeout);
        if (this.immediate !== null)
            clearImmediate(this.immediate);
        this.timeout = null;
        this.immediate = null;
    }
}
class RealtimeScheduler {
    now() {
        return clock();
    }
    schedule(work, delay = 0, state) {
        return new RealtimeAction(work).schedule(state, delay);
    }
}
/** The real clock at sub-ms precision; zero delays yield with setImmediate (see the module comment). */
export const realtimeScheduler = new RealtimeScheduler();
//# sourceMappingURL=scheduler.js.map