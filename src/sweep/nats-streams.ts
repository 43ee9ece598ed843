/**
 * Creates (or finds) the JetStream streams, the shared worker consumer and the object bucket a
 * NATS sweep uses (nats-wire.ts describes them). Idempotent, so the coordinator and every worker
 * call it on start, in any order.
 */
import type { JetStreamClient } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { ACK_WAIT_MS_DEFAULT, JOBS_STREAM, JOBS_SUBJECT, OBJECT_BUCKET, RESULTS_STREAM, RESULTS_SUBJECT, WORKERS_CONSUMER } from './nats-wire.js';
import { natsJetStream, natsObj } from '../util/lazy-deps.js';

const STREAM_NOT_FOUND = 10059;
const CONSUMER_NOT_FOUND = 10014;
const NS_PER_MS = 1_000_000;

export interface SweepNats {
  js: JetStreamClient;
  objects: ObjectStore;
}

function isCode(e: unknown, code: number): boolean {
  return e instanceof natsJetStream().JetStreamApiError && e.code === code;
}

/**
 * Ensures the streams, the consumer and the bucket. `ackWaitMs` (a worker's --ack-wait) sets the
 * consumer's ack wait when given; otherwise an existing consumer keeps its own.
 */
export async function openSweepNats(nc: NatsConnection, options: { ackWaitMs?: number } = {}): Promise<SweepNats> {
  const { AckPolicy, RetentionPolicy, StorageType, jetstreamManager } = natsJetStream();
  const jsm = await jetstreamManager(nc);
  for (const [name, subject, config] of [
    [JOBS_STREAM, JOBS_SUBJECT, { retention: RetentionPolicy.Workqueue }],
    [RESULTS_STREAM, RESULTS_SUBJECT, { retention: RetentionPolicy.Limits, max_msgs_per_subject: 1 }],
  ] as const) {
    try {
      await jsm.streams.info(name);
    } catch (e) {
      if (!isCode(e, STREAM_NOT_FOUND)) throw e;
      await jsm.streams.add({ name, subjects: [`${subject}.>`], storage: StorageType.File, ...config }).catch(async (err: unknown) => {
        // Another process created it between our look and our add: fine if it is there now.
        await jsm.streams.info(name).catch(() => {
          throw err;
        });
      });
    }
  }
  const ackWait = (options.ackWaitMs ?? ACK_WAIT_MS_DEFAULT) * NS_PER_MS;
  try {
    const info = await jsm.consumers.info(JOBS_STREAM, WORKERS_CONSUMER);
    if (options.ackWaitMs !== undefined && info.config.ack_wait !== ackWait) await jsm.consumers.update(JOBS_STREAM, WORKERS_CONSUMER, { ack_wait: ackWait });
  } catch (e) {
    if (!isCode(e, CONSUMER_NOT_FOUND)) throw e;
    await jsm.consumers
      .add(JOBS_STREAM, { durable_name: WORKERS_CONSUMER, ack_policy: AckPolicy.Explicit, ack_wait: ackWait, max_deliver: -1, filter_subject: `${JOBS_SUBJECT}.>` })
      .catch(async (err: unknown) => {
        await jsm.consumers.info(JOBS_STREAM, WORKERS_CONSUMER).catch(() => {
          throw err;
        });
      });
  }
  const js = natsJetStream().jetstream(nc);
  const objects = await new (natsObj().Objm)(js).create(OBJECT_BUCKET, { storage: natsJetStream().StorageType.File });
  return { js, objects };
}
