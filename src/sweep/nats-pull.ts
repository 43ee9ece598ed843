/**
 * One pull of the sweep worker: asks the shared work-queue consumer for the next job and waits up
 * to `expiresMs`. It answers a message, or null when the pull ended without one.
 *
 * A pull the server never finishes is one of the ways a pull ends without a message, not a fault
 * of the worker. nats.js (@nats-io/jetstream 3.x) asks for idle heartbeats on every fetch/next
 * and rejects the pull with JetStreamError("heartbeats missed") when two are missed, because that
 * is how a request the server dropped is detected (nats.js PR #150). Debian's nats-server 2.9.10
 * drops one in this very situation: a job was handed back with a nak delay, the worker's next
 * pull was sent right after, and the delayed redelivery fell due as that pull expired. The
 * server sent the pull's first heartbeat and then neither the redelivery nor the 408 that ends
 * an expired pull. The job is still in the consumer and a new pull gets it at once. The worker
 * used to let that rejection end its process, so the job was never delivered again and its
 * sweep waited forever. So the lost pull counts as an empty one (logged) and the worker pulls
 * again. Any other error (a closed connection, a deleted consumer) still ends the worker, loudly.
 * (The worker also keeps its nak delay apart from its pull expiry, which avoids that server
 * path; see nats-worker.ts. Other hosts' workers and other servers can still lose a pull.)
 */
import type { Consumer, JsMsg } from '@nats-io/jetstream';
import { natsJetStream } from '../util/lazy-deps.js';

/** The message nats.js rejects a fetch/next with when the server stopped answering the pull. */
const HEARTBEATS_MISSED = 'heartbeats missed';

export function isLostPull(e: unknown): boolean {
  return e instanceof natsJetStream().JetStreamError && e.message === HEARTBEATS_MISSED;
}

export async function pullJob(consumer: Pick<Consumer, 'next'>, expiresMs: number, log: (line: string) => void): Promise<JsMsg | null> {
  try {
    return await consumer.next({ expires: expiresMs });
  } catch (e) {
    if (!isLostPull(e)) throw e;
    log(`a pull for jobs was never answered by the server (${HEARTBEATS_MISSED}); pulling again`);
    return null;
  }
}
