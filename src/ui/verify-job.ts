/**
 * A verify of one recording, started from the browser and watched as it goes: the walk runs in a
 * worker thread (verify-worker.ts), the job keeps its progress and the last result.
 */
import { Worker } from 'node:worker_threads';

export interface VerifyStatus {
  state: 'never' | 'running' | 'done' | 'failed';
  bytesDone: number;
  bytesTotal: number;
  /** verifyRecording's result (ts values as decimal strings) once done. */
  result: { ok: boolean; problems: { kind: string; file: string; offsetBytes: number; reason: string }[]; digest: string | null; records: number; tornTail: { file: string } | null } | null;
  /** Why the worker itself failed (not a verify finding). */
  error: string | null;
}

export class VerifyJob {
  private status: VerifyStatus = { state: 'never', bytesDone: 0, bytesTotal: 0, result: null, error: null };
  private worker: Worker | null = null;

  constructor(readonly dir: string) {}

  get(): VerifyStatus {
    return this.status;
  }

  /** Starts a verify unless one is running; returns the status. */
  start(): VerifyStatus {
    if (this.status.state === 'running') return this.status;
    this.status = { state: 'running', bytesDone: 0, bytesTotal: 0, result: null, error: null };
    const w = new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: { dir: this.dir } });
    this.worker = w;
    w.on('message', (m: { kind: string; bytesDone?: number; bytesTotal?: number; result?: VerifyStatus['result'] }) => {
      if (m.kind === 'progress') {
        this.status = { ...this.status, bytesDone: m.bytesDone!, bytesTotal: m.bytesTotal! };
      } else if (m.kind === 'result') {
        const total = this.status.bytesTotal || this.status.bytesDone;
        this.status = { state: 'done', bytesDone: total, bytesTotal: total, result: m.result!, error: null };
      }
    });
    w.on('error', (e) => {
      this.status = { ...this.status, state: 'failed', error: e instanceof Error ? e.message : String(e) };
    });
    w.on('exit', () => {
      if (this.status.state === 'running') this.status = { ...this.status, state: 'failed', error: 'the verify worker exited without a result' };
      this.worker = null;
    });
    return this.status;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
