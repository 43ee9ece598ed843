import { type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { type NatsAuthSources, type NatsEndpoint } from './nats-url.js';
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
export declare function natsClientOptions(endpoint: NatsEndpoint, options?: NatsConnectOptions): ConnectionOptions;
/** Connect to `url` (a string or a parsed endpoint). Resolves once connected; rejects with an IoError naming the masked address. */
export declare function connectNats(url: string | NatsEndpoint, options?: NatsConnectOptions): Promise<NatsConnection>;
