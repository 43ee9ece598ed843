/** Runs one job of worker.ts in a fresh worker thread; resolves with its result. */
import { Worker } from 'node:worker_threads';
import { CorruptionError, TapedeckError, type ErrorCode } from '../errors.js';
import type { JobData } from './worker.js';

interface JobError {
  name: string;
  message: string;
  code: ErrorCode | null;
  details: Record<string, unknown>;
  file: string | null;
  offsetBytes: number | null;
  reason: string | null;
  seq: number | null;
}

/** The worker's error as the typed error it was (codes drive the HTTP status and the view). */
function rebuild(e: JobError): Error {
  if (e.name === 'CorruptionError' && e.file !== null && e.offsetBytes !== null) {
    return new CorruptionError(e.file, e.offsetBytes, e.reason ?? e.message, e.seq ?? undefined, e.code ?? 'CORRUPT_FRAME');
  }
  if (e.code) return new TapedeckError(e.code, e.message, e.details);
  return new Error(e.message);
}

export interface JobProgress {
  bytesDone: number;
  bytesTotal: number;
}

export function runJob<T>(data: JobData, onProgress?: (p: JobProgress) => void): { result: Promise<T>; terminate: () => Promise<number> } {
  const w = new Worker(new URL('./worker.js', import.meta.url), { workerData: data });
  const result = new Promise<T>((resolve, reject) => {
    let settled = false;
    w.on('message', (m: { kind: string; result?: T; error?: JobError } & Partial<JobProgress>) => {
      if (m.kind === 'progress') onProgress?.({ bytesDone: m.bytesDone!, bytesTotal: m.bytesTotal! });
      else if (m.kind === 'error') {
        settled = true;
        reject(rebuild(m.error!));
      }
      else if (m.kind === 'result') {
        settled = true;
        resolve(m.result as T);
      }
    });
    w.on('error', (e) => {
      settled = true;
      reject(e);
    });
    w.on('exit', (code) => {
      if (!settled) reject(new Error(`the ${data.job} worker exited (code ${code}) without a result`));
    });
  });
  return { result, terminate: () => w.terminate() };
}
