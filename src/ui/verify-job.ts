/**
 * A verify of one recording, started from the browser and watched as it goes: the walk runs in a
 * worker thread (worker.ts), the job keeps its progress and the last result.
 */
import type { VerifyResult } from '../verify/integrity.js';
import { runJob } from './jobs.js';

export interface VerifyStatus {
  state: 'never' | 'running' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  /** verifyRecording's result once done. */
  result: VerifyResult | null;
  /** Why the verify itself could not run (not a finding). */
  error: string | null;
}

export class VerifyJob {
  private status: VerifyStatus = { state: 'never', bytesDone: 0, bytesTotal: 0, result: null, error: null };
  private terminate: (() => Promise<number>) | null = null;

  constructor(readonly dir: string) {}

  get(): VerifyStatus {
    return this.status;
  }

  /** Starts a verify unless one is running; returns the status. */
  start(): VerifyStatus {
    if (this.status.state === 'running') return this.status;
    this.status = { state: 'running', bytesDone: 0, bytesTotal: 0, result: null, error: null };
    const job = runJob<VerifyResult>({ job: 'verify', dir: this.dir }, (p) => {
      this.status = { ...this.status, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal };
    });
    this.terminate = job.terminate;
    job.result.then(
      (result) => {
        const total = this.status.bytesTotal || result.bytes;
        this.status = { state: 'done', bytesDone: total, bytesTotal: total, result, error: null };
      },
      (e: unknown) => {
        this.status = { ...this.status, state: 'failed', error: e instanceof Error ? e.message : String(e) };
      },
    ).finally(() => {
      this.terminate = null;
    });
    return this.status;
  }

  async close(): Promise<void> {
    await this.terminate?.();
  }
}
