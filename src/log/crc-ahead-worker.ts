/**
 * The CRC-ahead worker thread (crc-ahead.ts starts it): walks a segment's frames from the offset
 * the main thread's cursor starts at, checks each frame as readFrameInto does (structure and CRC),
 * and publishes how far the frames are whole, CRC-valid and ending a complete unit. It never
 * decides anything about the data: it stops advancing at the first frame that is not plainly
 * good (or at a read error), and the main thread then checks everything after that itself, so a
 * corruption or a torn tail is found and reported by the one per-frame path, as without a worker.
 *
 * Jobs arrive as messages { job, slot, fd, start, end } (end -1: the file's size at the job's
 * start); the fd is the cursor's own (threads share the process's descriptors, so this reads the
 * very file the cursor holds open). Cells: [0] stop, then per slot [job id, verified-to offset].
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { realFileOps } from './file-ops.js';
import { FLAG_BATCH_CONT } from './format.js';
import { SegmentWalker } from './walker.js';

interface Job {
  job: number;
  slot: number;
  fd: number;
  start: number;
  end: number;
}

const cells = new Int32Array((workerData as { sab: SharedArrayBuffer }).sab);
/** Frames between two publications of the verified offset (the main thread reads runs of ~1,000). */
const PUBLISH_EVERY = 256;
/** The previous job's chunk, read into again by the next job's walker. */
let spare: Buffer | null = null;

function run(j: Job): void {
  const jobAt = 1 + 2 * j.slot;
  Atomics.store(cells, jobAt + 1, -1);
  Atomics.store(cells, jobAt, j.job);
  // The same chunked walk as the cursor's (walker.ts), over the bytes the file had at the job's start.
  const walker = new SegmentWalker(realFileOps, j.fd, j.start, j.end >= 0 ? j.end : fs.fstatSync(j.fd).size, undefined, spare);
  walker.reuse = true; // nothing here keeps a view into a chunk
  walker.view.tsWanted = false; // checked here: structure and CRC; a ts read would be a BigInt per frame for nothing
  let sinceStore = 0;
  let unitEnd = -1;
  try {
    for (;;) {
      if (Atomics.load(cells, 0) !== 0) return;
      const v = walker.next();
      if (v.kind !== 'frame') break; // the end, or anything not plainly good: the main thread judges it
      if ((v.flags & FLAG_BATCH_CONT) === 0) {
        unitEnd = walker.offset;
        if (++sinceStore >= PUBLISH_EVERY) {
          Atomics.store(cells, jobAt + 1, unitEnd);
          sinceStore = 0;
        }
      }
    }
  } finally {
    if (unitEnd >= 0) Atomics.store(cells, jobAt + 1, unitEnd);
    spare = walker.buf.length > 0 ? walker.buf : spare;
  }
}

parentPort!.on('message', (j: Job) => {
  try {
    run(j);
  } catch {
    // A read error (or a descriptor the cursor closed): the main thread checks the rest itself.
  }
  parentPort!.postMessage(j.job);
});
