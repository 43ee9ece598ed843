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
import { FLAG_BATCH_CONT, FrameView, readFrameInto } from './format.js';

interface Job {
  job: number;
  slot: number;
  fd: number;
  start: number;
  end: number;
}

const cells = new Int32Array((workerData as { sab: SharedArrayBuffer }).sab);
const READ_BYTES = 1 << 20;
/** Frames between two publications of the verified offset (the main thread reads runs of ~1,000). */
const PUBLISH_EVERY = 256;
let buf = Buffer.allocUnsafe(READ_BYTES);
const view = new FrameView();

function run(j: Job): void {
  const jobAt = 1 + 2 * j.slot;
  Atomics.store(cells, jobAt + 1, -1);
  Atomics.store(cells, jobAt, j.job);
  const end = j.end >= 0 ? j.end : fs.fstatSync(j.fd).size;
  let bufStart = j.start; // file offset of buf[0]
  let len = 0;
  let pos = 0;
  let sinceStore = 0;
  let unitEnd = -1;
  for (;;) {
    if (Atomics.load(cells, 0) !== 0) return;
    const kind = readFrameInto(view, buf, pos, len);
    if (kind === 'frame') {
      pos = view.next;
      if ((view.flags & FLAG_BATCH_CONT) === 0) {
        unitEnd = bufStart + pos;
        if (++sinceStore >= PUBLISH_EVERY) {
          Atomics.store(cells, jobAt + 1, unitEnd);
          sinceStore = 0;
        }
      }
      continue;
    }
    if (kind !== 'end' && kind !== 'incomplete') break;
    // More of the file: move the unread bytes to the front and read on.
    const from = bufStart + len;
    if (from >= end) break;
    const keep = len - pos;
    const need = kind === 'incomplete' && keep >= 4 ? 8 + buf.readUInt32LE(pos) : 0;
    if (Math.max(need, keep + 1) > buf.length) {
      const nb = Buffer.allocUnsafe(Math.max(need, keep + 1, READ_BYTES));
      buf.copy(nb, 0, pos, len);
      buf = nb;
    } else buf.copyWithin(0, pos, len);
    bufStart += pos;
    len = keep;
    pos = 0;
    const n = fs.readSync(j.fd, buf, len, Math.min(buf.length - len, end - from), from);
    if (n === 0) break;
    len += n;
    if (unitEnd >= 0) Atomics.store(cells, jobAt + 1, unitEnd);
    sinceStore = 0;
  }
  if (unitEnd >= 0) Atomics.store(cells, jobAt + 1, unitEnd);
}

parentPort!.on('message', (j: Job) => {
  try {
    run(j);
  } catch {
    // A read error (or a descriptor the cursor closed): the main thread checks the rest itself.
  }
  parentPort!.postMessage(j.job);
});
