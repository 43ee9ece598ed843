/**
 * The UI server's heavy reads, each on a worker thread so the server's event loop (the deck's
 * replay, every other request) never waits on them: verify (with progress), info, the timeline
 * columns, a backtest report. A thread takes jobs one at a time, `{ id, data }`, and answers with
 * that id; jobs.ts reuses an idle thread for the next job. Results travel by structured clone
 * (bigints, Maps and typed arrays included; the timeline's columns are transferred, not copied).
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../errors.js';
import { recordingInfo } from '../ops/info.js';
import { verifyRecording } from '../verify/integrity.js';
import { backtestReport } from './backtest-report.js';
import { Timeline } from './timeline.js';

export type JobName = 'verify' | 'info' | 'timeline' | 'report';

export interface JobData {
  job: JobName;
  dir: string;
  /** report: served recordings by digest, for the backtest's inputs. */
  inputs?: [string, string][];
}

const port = parentPort!;

port.on('message', ({ id, data }: { id: number; data: JobData }) => {
  try {
    run(id, data);
  } catch (err) {
    // Errors cross the thread boundary as data: the server rebuilds the typed error (jobs.ts).
    port.postMessage({ id, kind: 'error', error: toWireError(err) });
  }
});

function run(id: number, { job, dir, inputs }: JobData): void {
switch (job) {
  case 'verify': {
    let lastDone = -1;
    const result = verifyRecording(dir, {
      all: true,
      onProgress: (p) => {
        // Progress calls come every 8192 frames: posting each is cheap enough.
        if (p.bytesDone === lastDone) return;
        lastDone = p.bytesDone;
        port.postMessage({ id, kind: 'progress', bytesDone: p.bytesDone, bytesTotal: p.bytesTotal });
      },
    });
    port.postMessage({ id, kind: 'result', result });
    break;
  }
  case 'info':
    port.postMessage({ id, kind: 'result', result: recordingInfo(dir) });
    break;
  case 'timeline': {
    const parts = Timeline.build(dir).parts();
    const columns = [parts.offs, parts.seqs, ...[...parts.symbols.values()].flatMap((s) => [s.x, s.bid, s.ask, s.last])];
    port.postMessage({ id, kind: 'result', result: parts }, columns.map((c) => c.buffer as ArrayBuffer));
    break;
  }
  case 'report':
    port.postMessage({ id, kind: 'result', result: backtestReport(dir, new Map(inputs ?? [])) });
    break;
}
}
