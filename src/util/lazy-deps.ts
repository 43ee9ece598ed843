/**
 * The NATS client libraries and `ws`, required when first used instead of imported when a module
 * loads. They are CommonJS packages that together cost about 0.2 s of CPU to load (of about
 * 0.55 s for the whole library), which every `import ... from 'tapedeck'` paid whether it touched
 * NATS or a WebSocket or not: a strategy in each sweep worker thread, every script.
 *
 * `require` shares Node's CommonJS module cache with `import`, so a program that imports these
 * packages itself gets the very same classes (its `instanceof` checks hold).
 */
import { createRequire } from 'node:module';
import type WebSocket from 'ws';

type NatsCore = typeof import('@nats-io/transport-node');
type NatsJetStream = typeof import('@nats-io/jetstream');
type NatsObj = typeof import('@nats-io/obj');

const require = createRequire(import.meta.url);

let core: NatsCore | undefined;
let jetStream: NatsJetStream | undefined;
let obj: NatsObj | undefined;
let ws: typeof WebSocket | undefined;

/** `@nats-io/transport-node`: connect, headers, inboxes, nanos. */
export function natsCore(): NatsCore {
  return (core ??= require('@nats-io/transport-node') as NatsCore);
}

/** `@nats-io/jetstream`: streams, consumers, their enums and errors. */
export function natsJetStream(): NatsJetStream {
  return (jetStream ??= require('@nats-io/jetstream') as NatsJetStream);
}

/** `@nats-io/obj`: the object store. */
export function natsObj(): NatsObj {
  return (obj ??= require('@nats-io/obj') as NatsObj);
}

/** `ws`: the WebSocket client class. */
export function wsClient(): typeof WebSocket {
  return (ws ??= require('ws') as typeof WebSocket);
}
