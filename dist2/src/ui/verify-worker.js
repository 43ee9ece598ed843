/**
 * Runs verifyRecording in a worker thread, so a long verify never blocks the UI server's event
 * loop, and posts its progress (at most every 50 ms of the worker's own progress calls) and result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyRecording } from '../verify/integrity.js';
const { dir } = workerData;
let lastDone = -1;
const result = verifyRecording(dir, {
    all: true,
    onProgress: (p) => {
        // Progress calls come every 8192 frames: posting each is cheap enough.
        if (p.bytesDone === lastDone)
            return;
        lastDone = p.bytesDone;
        parentPort.postMessage({ kind: 'progress', bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, file: p.file });
    },
});
parentPort.postMessage({ kind: 'result', result: JSON.parse(JSON.stringify(result, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))) });
//# sourceMappingURL=verify-worker.js.map