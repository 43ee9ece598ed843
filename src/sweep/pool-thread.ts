/**
 * The entry of a pool thread: takes one task at a time from the pool, runs it, posts the result
 * (or the error, as a WireError). See pool.ts.
 */
import { parentPort } from 'node:worker_threads';
import { toWireError } from '../errors.js';
import { runPoolTask, type PoolTask } from './tasks.js';

const port = parentPort;
if (port === null) throw new Error('pool-thread.js runs inside a worker thread of the sweep pool');
port.on('message', (msg: { id: number; task: PoolTask }) => {
  runPoolTask(msg.task).then(
    (result) => port.postMessage({ id: msg.id, result }),
    (e: unknown) => port.postMessage({ id: msg.id, error: toWireError(e) }),
  );
});
