/**
 * The worker thread of a shared line read (line-share.ts workerSpanHelper): reads the spans it is
 * sent (a segment's at a time) in order into the shared ring (span-lines.ts), each only once its
 * slot is free and only if it claims the span first (the main thread reads the ones it reaches
 * unclaimed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { claimSpan, isoLine, SPAN_CLOSED, SPAN_DONE, SPAN_FREE, SPAN_WANT, SpanLineReader, SpanRing, transcodeOnly, type LineMaker, type SpanJob, type SpanWorkerCommand, type SpanWorkerData } from './span-lines.js';

const data = workerData as SpanWorkerData;
const ring = new SpanRing(data.ring);
const cells = ring.cells;
// ISO lines need the event decoder; decimal-ns lines are the transcoder's alone (transcodeOnly).
const line: LineMaker = data.iso ? isoLine((await import('../events/recording.js')).writeRecordJson) : transcodeOnly;
const reader = new SpanLineReader(ring, data.filter, line, data.chunkBytes);
const queue: SpanJob[] = [];

/**
 * Waits until span `id`'s slot is free; false once the main thread is done. Waiting, it asks to be
 * woken only once half the ring is free again (one wake-up per few spans, not one per span).
 */
function slotFree(id: number): boolean {
  for (;;) {
    if (Atomics.load(cells, SPAN_CLOSED) !== 0) return false;
    const free = Atomics.load(cells, SPAN_FREE);
    if (id < free + ring.slots) return true;
    Atomics.store(cells, SPAN_WANT, id - ring.slots + 1 + (ring.slots >> 1));
    Atomics.wait(cells, SPAN_FREE, free, 100);
  }
}

function run(): void {
  for (let job = queue.shift(); job !== undefined; job = queue.shift()) {
    if (!slotFree(job.id)) return;
    Atomics.store(cells, SPAN_WANT, 0);
    if (!claimSpan(cells, job.id)) continue; // the main thread got there first
    reader.read(job);
    Atomics.store(cells, SPAN_DONE, job.id);
    Atomics.notify(cells, SPAN_DONE);
  }
}

parentPort!.on('message', (c: SpanWorkerCommand) => {
  if (c.kind === 'jobs') {
    queue.push(...c.jobs);
    run();
  } else {
    reader.close();
    parentPort!.close();
  }
});
