/**
 * Opening a NATS connection (the official `@nats-io/transport-node` client) from a tapedeck address.
 * Credentials go to the client through an authenticator, never into the server list, so no client
 * message or log line can carry them; failures are `IoError`s (exit 74) naming the masked address.
 * Reconnecting is the client's job: by default it retries forever, and callers watch
 * `connection.status()` for disconnect/reconnect to report gaps.
 */
import * as fs from 'node:fs';
import type { ConnectionOptions, NatsConnection } from '@nats-io/transport-node';
import { IoError } from '../errors.js';
import { natsCore } from '../util/lazy-deps.js';
import { parseNatsUrl, resolveNatsAuth, resolveNatsTls, type NatsAuthSources, type NatsEndpoint } from './nats-url.js';

export interface NatsConnectOptions extends NatsAuthSources {
  /** The client name the server shows (`tapedeck <command>`). */
  name?: string;
  /** Reconnect attempts after a lost connection; -1 (default) retries forever. */
  reconnectAttemptsMax?: number;
  /** Wait between reconnect attempts to one server (default 250 ms). */
  reconnectWaitMs?: number;
  /** Give up on the first connection after this long (default 5000 ms). */
  connectTimeoutMs?: number;
}

/** The client options for an endpoint (credentials as an authenticator; reads the creds file if one is named). */
export function natsClientOptions(endpoint: NatsEndpoint, options: NatsConnectOptions = {}): ConnectionOptions {
  const auth = resolveNatsAuth(endpoint, options);
  const tls = resolveNatsTls(endpoint, options);
  const client: ConnectionOptions = {
    servers: endpoint.servers,
    name: options.name ?? 'tapedeck',
    maxReconnectAttempts: options.reconnectAttemptsMax ?? -1,
    reconnectTimeWait: options.reconnectWaitMs ?? 250,
    timeout: options.connectTimeoutMs ?? 5000,
    noRandomize: true,
  };
  if (tls) client.tls = { ...tls };
  switch (auth.kind) {
    case 'user':
      client.authenticator = natsCore().usernamePasswordAuthenticator(auth.user, auth.pass);
      break;
    case 'token':
      client.authenticator = natsCore().tokenAuthenticator(auth.token);
      break;
    case 'creds': {
      let bytes: Uint8Array;
      try {
        bytes = fs.readFileSync(auth.file);
      } catch (err) {
        throw new IoError(auth.file, 'cannot read the NATS creds file', err);
      }
      client.authenticator = natsCore().credsAuthenticator(bytes);
      break;
    }
    case 'none':
      break;
  }
  return client;
}

/** Connect to `url` (a string or a parsed endpoint). Resolves once connected; rejects with an IoError naming the masked address. */
export async function connectNats(url: string | NatsEndpoint, options: NatsConnectOptions = {}): Promise<NatsConnection> {
  const endpoint = typeof url === 'string' ? parseNatsUrl(url) : url;
  const client = natsClientOptions(endpoint, options);
  try {
    return await natsCore().connect(client);
  } catch (err) {
    throw new IoError(endpoint.display, 'cannot connect to NATS', scrub(err, endpoint, options));
  }
}

/**
 * The client's error with any secret we know of cut out of its message (defence in depth: the
 * client is given credentials only through the authenticator, but a message may quote input).
 */
function scrub(err: unknown, endpoint: NatsEndpoint, options: NatsAuthSources): unknown {
  if (!(err instanceof Error)) return err;
  const secrets = [endpoint.pass, endpoint.token, options.env?.NATS_PASSWORD, options.env?.NATS_TOKEN].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  let message = err.message;
  for (const s of secrets) message = message.split(s).join('***');
  if (message === err.message) return err;
  const clean = new Error(message);
  (clean as NodeJS.ErrnoException).code = (err as NodeJS.ErrnoException).code ?? err.name;
  return clean;
}
