/**
 * The one 'auto' rule of tapedeck's helper threads: import's parse worker (record/jsonl-split.ts)
 * and the block worker of export / `replay --max -o` (replay/line-share.ts). Both ask the same
 * question, "is a second core free enough now for a worker to pay?", and answer it the same way:
 * the reading thread measures its own stretch of work first (the first PROBE_RECORDS records or
 * lines, which it reads anyway) and the worker is made only if, over that stretch, the process
 * was on a CPU at least CPU_SHARE_MIN of the wall time, on a machine with at least 2 cores.
 *
 * Why the measured share and not the load average (import's earlier rule, `load1 < 4 per core`):
 * - it measures now and this process: a 1-minute load average lags a burst that started seconds
 *   ago and still counts one that ended half a minute ago. Sampled on this 2-core machine
 *   (2026-11-30 12:29Z, as other jobs' tests ended): a busy thread got 1.00-1.10 of a core while
 *   the load average still read 10.7, which the old import rule took for a loaded machine;
 * - it sees every limit on the CPU this process gets, a container's quota included, where the
 *   load average counts the host's tasks, tasks blocked on I/O too, and is 0 on Windows;
 * - the threshold is where the worker pays. A worker adds its start (a thread and its modules,
 *   tens of ms to ~0.1 s of CPU), copies of its output and ~25% more CPU in all, and the main
 *   thread waits on it at every handoff: a win with a core to spare, but measured slower or no
 *   faster on 2 cores at load 9-13 (export, e303e61) and 14-35 (import, f2b1994). A thread that
 *   gets less than 0.8 of a core already shares its core with another runnable task, so a second
 *   thread would too.
 * Only speed depends on it: every output is the same byte for byte with the worker or without.
 */
import { availableParallelism } from 'node:os';

/** 'on': always make the worker; 'off': never; 'auto': when `workerPays` says so of the first stretch. */
export type WorkerMode = 'auto' | 'on' | 'off';

/** What 'auto' decides on: CPU time and wall time over the same stretch of the read, and the cores. */
export interface CoreSample {
  /** The process's CPU time (user + system) over the stretch: the reading thread's (no worker yet) and V8's helper threads'. */
  cpuMs: number;
  wallMs: number;
  /** os.availableParallelism(). */
  cores: number;
}

/** The share of a core the reading thread must have had for 'auto' to make the worker. */
export const CPU_SHARE_MIN = 0.8;

/** Records (or lines) read before 'auto' decides: the measured stretch, and a read too short for a thread to pay never starts one. */
export const PROBE_RECORDS = 8192;

/** The rule: a second core, and this thread had CPU_SHARE_MIN of a core over the stretch. */
export function workerPays(s: CoreSample): boolean {
  return s.cores >= 2 && s.wallMs > 0 && s.cpuMs >= CPU_SHARE_MIN * s.wallMs;
}

/** Cumulative readings of the process's CPU time and of the wall clock, in ms. */
export type CoreProbe = () => { cpuMs: number; wallMs: number };

/** The real probe: process.cpuUsage() and performance.now(). */
export const processCoreProbe: CoreProbe = () => {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() };
};

/**
 * Starts a measured stretch now; the function returned ends it, as a sample. `probe` and `cores`
 * default to this process and this machine (tests inject both).
 */
export function startStretch(probe: CoreProbe = processCoreProbe, cores: number = availableParallelism()): () => CoreSample {
  const start = probe();
  return () => {
    const now = probe();
    return { cpuMs: now.cpuMs - start.cpuMs, wallMs: now.wallMs - start.wallMs, cores };
  };
}
