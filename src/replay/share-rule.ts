/**
 * When a shared line read (line-share.ts) makes its worker thread.
 */
/**
 * Whether the line-sharing worker is made: 'on' always (once `startAfter` records are read), 'off'
 * never, 'auto' when `workerPays` says so at that point (the CLI's default).
 */
export type ShareMode = 'auto' | 'on' | 'off';

/** What 'auto' reads: CPU time and wall time over the same stretch of the read, and the cores. */
export interface CoreSample {
  /** The process's CPU time (user + system) over the stretch: this thread's (no worker yet) and V8's helper threads'. */
  cpuMs: number;
  wallMs: number;
  /** os.availableParallelism(). */
  cores: number;
}

/** The share of a core the reading thread must have had for 'auto' to make the worker. */
export const CPU_SHARE_MIN = 0.8;

/**
 * 'auto': the worker pays only when a second core is there and the machine is not contended, and
 * the one thing a process can measure about contention is whether it gets the core it asks for:
 * over the first `startAfter` records (the stretch before the worker would start) this thread was
 * on a CPU at least CPU_SHARE_MIN of the wall time. Why: the worker halves the main thread's reading
 * and transcoding but adds its own start (a thread and its modules, ~0.1 s of CPU) and a copy of
 * its lines, and this thread waits for a span the worker has started: a win only with a core to
 * spare (bench/README.md, export -o).
 */
export function workerPays(s: CoreSample): boolean {
  return s.cores >= 2 && s.wallMs > 0 && s.cpuMs >= CPU_SHARE_MIN * s.wallMs;
}
