/** The UI's heavy reads (worker.ts) on reused worker threads. */
import { Worker } from 'node:worker_threads';
import { fromWireError, type WireError } from '../errors.js';
import type { JobData } from './worker.js';

export interface JobProgress {
  bytesDone: number;
  bytesTotal: number;
}

/** Idle threads kept for the next job: a new one loads the job modules first (about 0.2 s of CPU). */
const IDLE_THREADS_MAX = 2;
const idle: Worker[] = [];
let nextId = 1;
let started = 0;

/** Threads started so far and idle now (what the reuse saves is visible in tests). */
export function jobThreads(): { started: number; idle: number } {
  return { started, idle: idle.length };
}

function takeThread(): Worker {
  const w = idle.pop();
  if (w === undefined) {
    started++;
    return new Worker(new URL('./worker.js', import.meta.url));
  }
  w.ref();
  return w;
}

/** A thread whose job is done waits, unref'd (it never keeps the process alive), for the next job. */
function releaseThread(w: Worker): void {
  if (idle.length >= IDLE_THREADS_MAX) {
    void w.terminate();
    return;
  }
  w.unref();
  idle.push(w);
}

/**
 * Runs one job of worker.ts on a worker thread (an idle one if there is one); resolves with its
 * result. `terminate` stops the job by ending its thread; once the job has settled it does nothing.
 */
export function runJob<T>(data: JobData, onProgress?: (p: JobProgress) => void): { result: Promise<T>; terminate: () => Promise<number> } {
  const w = takeThread();
  const id = nextId++;
  let settled = false;
  let terminated = false;
  const result = new Promise<T>((resolve, reject) => {
    const detach = () => {
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: { id: number; kind: string; result?: T; error?: WireError } & Partial<JobProgress>) => {
      // After terminate, only the thread's exit settles the job (a result already on its way is dropped).
      if (m.id !== id || terminated) return;
      if (m.kind === 'progress') {
        onProgress?.({ bytesDone: m.bytesDone!, bytesTotal: m.bytesTotal! });
        return;
      }
      settled = true;
      detach();
      releaseThread(w);
      if (m.kind === 'error') reject(fromWireError(m.error!));
      else resolve(m.result as T);
    };
    const onError = (e: Error) => {
      settled = true;
      detach();
      reject(e);
    };
    const onExit = (code: number) => {
      detach();
      if (!settled) reject(new Error(`the ${data.job} worker exited (code ${code}) without a result`));
      settled = true;
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    w.postMessage({ id, data });
  });
  return {
    result,
    terminate: () => {
      if (settled) return Promise.resolve(0);
      terminated = true;
      return w.terminate();
    },
  };
}
