/**
 * A verify of one recording, started from the browser and watched as it goes: the walk runs in a
 * worker thread (verify-worker.ts), the job keeps its progress and the last result.
 */
import { Worker } from 'node:worker_threads';
export class VerifyJob {
    dir;
    status = { state: 'never', bytesDone: 0, bytesTotal: 0, result: null, error: null };
    worker = null;
    constructor(dir) {
        this.dir = dir;
    }
    get() {
        return this.status;
    }
    /** Starts a verify unless one is running; returns the status. */
    start() {
        if (this.status.state === 'running')
            return this.status;
        this.status = { state: 'running', bytesDone: 0, bytesTotal: 0, result: null, error: null };
        const w = new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: { dir: this.dir } });
        this.worker = w;
        w.on('message', (m) => {
            if (m.kind === 'progress') {
                this.status = { ...this.status, bytesDone: m.bytesDone, bytesTotal: m.bytesTotal };
            }
            else if (m.kind === 'result') {
                const total = this.status.bytesTotal || this.status.bytesDone;
                this.status = { state: 'done', bytesDone: total, bytesTotal: total, result: m.result, error: null };
            }
        });
        w.on('error', (e) => {
            this.status = { ...this.status, state: 'failed', error: e instanceof Error ? e.message : String(e) };
        });
        w.on('exit', () => {
            if (this.status.state === 'running')
                this.status = { ...this.status, state: 'failed', error: 'the verify worker exited without a result' };
            this.worker = null;
        });
        return this.status;
    }
    async close() {
        await this.worker?.terminate();
    }
}
//# sourceMappingURL=verify-job.js.map