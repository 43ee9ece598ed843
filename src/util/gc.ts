/**
 * A full garbage collection on demand, for a process about to start timing something that must
 * not pause (a paced replay's clock).
 *
 * A fresh CLI process grows its heap while it loads its modules and runs its warm-up, and V8 then
 * finishes an incremental mark-compact of the main thread's old generation once: 7–10 ms of pause
 * (plus marking steps) in a paced replay of the 1000x hour, at whatever point the allocations
 * happen to reach V8's first limit, which can be the first seconds of the replay (bench/README.md).
 * Collecting before the clock starts puts that pause outside the timeline, and the old generation
 * after it is the live set, which a steady replay does not grow.
 *
 * `gc()` exists only with `--expose-gc`; the flag is set at run time for the call and unset after
 * (the function is taken from a fresh context, so no global `gc` appears).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let collect: (() => void) | null | undefined;

/** Runs a full (mark-compact) collection now; false if this V8 does not allow it. */
export function collectGarbage(): boolean {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      const fn: unknown = vm.runInNewContext('typeof gc === "function" ? gc : null');
      collect = typeof fn === 'function' ? (fn as () => void) : null;
    } catch {
      collect = null;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  if (collect === null) return false;
  collect();
  return true;
}
