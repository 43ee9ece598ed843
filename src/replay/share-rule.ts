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
