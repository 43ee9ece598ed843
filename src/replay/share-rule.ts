/**
 * The rule that splits one recording's records between the main thread and a worker when both
 * make its JSON lines (line-share.ts; the worker side is LineSource in share mode).
 */
/**
 * Which records the worker transcodes: block b = floor(seq / blockRecords) is its when
 * b % period >= period - workerBlocks (the main thread has the first block: the worker starts late).
 */
export interface LineShare {
  blockRecords: number;
  period: number;
  workerBlocks: number;
}

/** Every other block of 2048 records: the two threads read everything and transcode half each. */
export const DEFAULT_LINE_SHARE: LineShare = { blockRecords: 2048, period: 2, workerBlocks: 1 };

/** Whether record `seq` is the worker's to transcode (the one rule, used by both threads). */
export function workerTakes(share: LineShare, seq: number): boolean {
  return Math.floor(seq / share.blockRecords) % share.period >= share.period - share.workerBlocks;
}

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
 * on a CPU at least CPU_SHARE_MIN of the wall time. Why: the worker adds CPU (both threads read and
 * check every record; the worker's lines are copied in: ~1 s of CPU on 1M ticks for ~0.2-0.3 s
 * less on the main thread), which is a win only with a core to spare. Measured 2026-11-30 06:20Z
 * at load 9-14 on 2 cores, 1M ticks: with the worker 3.4-5.5 s wall against 3.1-3.5 s without;
 * quiet, it saved up to 13% (bench/README.md, export -o).
 */
export function workerPays(s: CoreSample): boolean {
  return s.cores >= 2 && s.wallMs > 0 && s.cpuMs >= CPU_SHARE_MIN * s.wallMs;
}
