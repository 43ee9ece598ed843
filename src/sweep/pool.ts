/**
 * A pool of worker threads for sweep tasks: at most `workers` tasks run at once, one per thread,
 * each thread's heap capped (`resourceLimits.maxOldGenerationSizeMb`) so one runaway strategy
 * cannot take the host's memory: it dies with ERR_WORKER_OUT_OF_MEMORY instead, its task fails
 * with WORKER_DIED and a fresh thread takes the next task.
 *
 * Threads are started lazily and reused for many tasks (a strategy module is loaded per job, as
 * the backtest runner does). The pool decides nothing about results: it hands each task's result
 * or error back to whoever queued it, in completion order.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import { fromWireError, TapedeckError, type WireError } from '../errors.js';
import type { PoolTask, PoolTaskResult } from './tasks.js';

export interface PoolOptions {
  /** Threads; default the number of cores (os.availableParallelism()). */
  workers?: number;
  /** Heap cap per thread (old generation), MiB. Default 1024. */
  memoryMbMax?: number;
}

export const POOL_MEMORY_MB_DEFAULT = 1024;

export function defaultWorkers(): number {
  return Math.max(1, os.availableParallelism());
}

interface Pending {
  task: PoolTask;
  resolve: (r: PoolTaskResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: { id: number; pending: Pending } | undefined;
  dead: boolean;
}

export class WorkerPool {
  readonly workers: number;
  readonly memoryMbMax: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;
  /** Threads that died (crash, out of memory) and were replaced. */
  deaths = 0;

  constructor(options: PoolOptions = {}) {
    const w = options.workers ?? defaultWorkers();
    if (!Number.isSafeInteger(w) || w < 1) throw new TapedeckError('BAD_ARGUMENT', `--workers must be an integer ≥ 1 (got ${w})`, { workers: w });
    const mem = options.memoryMbMax ?? POOL_MEMORY_MB_DEFAULT;
    if (!(mem >= 64)) throw new TapedeckError('BAD_ARGUMENT', `worker memory must be at least 64 MiB (got ${mem})`, { memoryMbMax: mem });
    this.workers = w;
    this.memoryMbMax = mem;
  }

  run(task: PoolTask): Promise<PoolTaskResult> {
    if (this.closed) return Promise.reject(new TapedeckError('BAD_ARGUMENT', 'the worker pool is closed', {}));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every thread; queued tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new TapedeckError('BAD_ARGUMENT', 'the worker pool was closed', {}));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.dead && s.busy === undefined);
      if (slot === undefined) {
        if (this.slots.length >= this.workers) return;
        slot = this.spawn();
      }
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { id, pending };
      slot.worker.postMessage({ id, task: pending.task });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./pool-thread.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.memoryMbMax },
    });
    const slot: Slot = { worker, busy: undefined, dead: false };
    this.slots.push(slot);
    worker.on('message', (msg: { id: number; result?: PoolTaskResult; error?: WireError }) => {
      const busy = slot.busy;
      if (busy === undefined || busy.id !== msg.id) return;
      slot.busy = undefined;
      if (msg.error) busy.pending.reject(fromWireError(msg.error));
      else busy.pending.resolve(msg.result!);
      this.dispatch();
    });
    const die = (why: string) => {
      if (slot.dead) return;
      slot.dead = true;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      if (this.closed) return;
      this.deaths++;
      const busy = slot.busy;
      slot.busy = undefined;
      if (busy) busy.pending.reject(new TapedeckError('WORKER_DIED', `a sweep worker thread died: ${why}`, { why }));
      this.dispatch();
    };
    worker.on('error', (e: Error & { code?: string }) => die(e.code ? `${e.code}: ${e.message}` : e.message));
    worker.on('exit', (code) => die(`exited with code ${code}`));
    return slot;
  }
}
