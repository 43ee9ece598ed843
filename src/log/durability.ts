/**
 * Durability modes and the commit promise a group of appends shares. Pure policy values: the
 * writer (log.ts) decides when to flush; this says what the modes are and checks them.
 */
import { TapedeckError } from '../errors.js';

export type DurabilityMode = 'strict' | 'batched' | 'async';
export type Durability =
  | DurabilityMode
  | { mode: 'strict' }
  | { mode: 'batched'; intervalMs?: number; batchSize?: number }
  | { mode: 'async'; intervalMs?: number };

export function normalizeDurability(d: Durability): { mode: DurabilityMode; intervalMs: number; batchSize: number } {
  const o = typeof d === 'string' ? { mode: d } : d;
  const mode = o.mode;
  if (mode !== 'strict' && mode !== 'batched' && mode !== 'async') {
    throw new TapedeckError('BAD_ARGUMENT', `unknown durability mode "${String(mode)}" (expected strict, batched or async)`);
  }
  const intervalMs = 'intervalMs' in o && o.intervalMs !== undefined ? o.intervalMs : 100;
  const batchSize = 'batchSize' in o && o.batchSize !== undefined ? o.batchSize : 1000;
  if (!(intervalMs > 0) || !(batchSize >= 1)) {
    throw new TapedeckError('BAD_ARGUMENT', `durability interval (${intervalMs} ms) and batch size (${batchSize}) must be positive`);
  }
  return { mode, intervalMs, batchSize };
}

/** One group commit: every append waiting for the same fdatasync shares it. */
export interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A rejected commit nobody awaits must not crash the process: the log's failure is re-raised
  // by every later call anyway.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
