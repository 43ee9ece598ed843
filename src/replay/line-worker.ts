/**
 * The read-ahead worker of a line replay (see line-producer.ts): opens the recordings, and makes
 * batches of JSON lines as the feed on the main thread gives credits. Started by
 * workerLineProducer; its messages are ProducerMessages, its commands LineWorkerCommands.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toWireError } from '../errors.js';
import { openRecording } from '../events/recording.js';
import { LineSource, serveLines, type LineWorkerCommand, type LineWorkerData, type ProducerMessage } from './line-producer.js';

const port = parentPort!;
const data = workerData as LineWorkerData;
let source: LineSource | null = null;
try {
  source = new LineSource(
    data.dirs.map((d) => openRecording(d, data.chunkBytes === undefined ? {} : { chunkBytes: data.chunkBytes })),
    data.format,
  );
} catch (e) {
  // A recording that cannot be opened: reported as the feed's failure, with its code.
  const m: ProducerMessage = { kind: 'error', gen: -1, error: toWireError(e), problems: null };
  (data.port ?? port).postMessage(m);
}
if (source !== null) {
  serveLines(
    source,
    // No transfer list: the batch's buffers are shared memory (line-batch.ts says why).
    (m) => (data.port ?? port).postMessage(m),
    (handle) => port.on('message', (c: LineWorkerCommand) => handle(c)),
  );
}
