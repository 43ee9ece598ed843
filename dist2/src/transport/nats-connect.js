/**
 * Opening a NATS connection (the official `@nats-io/transport-node` client) from a tapedeck address.
 * Credentials go to the client through an authenticator, never into the server list, so no client
 * message or log line can carry them; failures are `IoError`s (exit 74) naming the masked address.
 * Reconnecting is the client's job: by default it retries forever, and callers watch
 * `connection.status()` for disconnect/reconnect to report gaps.
 */
import * as fs from 'node:fs';
import { connect, credsAuthenticator, tokenAuthenticator, usernamePasswordAuthenticator, } from '@nats-io/transport-node';
import { IoError } from '../errors.js';
import { parseNatsUrl, resolveNatsAuth, resolveNatsTls } from './nats-url.js';
/** The client options for an endpoint (credentials as an authenticator; reads the creds file if one is named). */
export function natsClientOptions(endpoint, options = {}) {
    const auth = resolveNatsAuth(endpoint, options);
    const tls = resolveNatsTls(endpoint, options);
    const client = {
        servers: endpoint.servers,
        name: options.name ?? 'tapedeck',
        maxReconnectAttempts: options.reconnectAttemptsMax ?? -1,
        reconnectTimeWait: options.reconnectWaitMs ?? 250,
        timeout: options.connectTimeoutMs ?? 5000,
        noRandomize: true,
    };
    if (tls)
        client.tls = { ...tls };
    switch (auth.kind) {
        case 'user':
            client.authenticator = usernamePasswordAuthenticator(auth.user, auth.pass);
            break;
        case 'token':
            client.authenticator = tokenAuthenticator(auth.token);
            break;
        case 'creds': {
            let bytes;
            try {
                bytes = fs.readFileSync(auth.file);
            }
            catch (err) {
                throw new IoError(auth.file, 'cannot read the NATS creds file', err);
            }
            client.authenticator = credsAuthenticator(bytes);
            break;
        }
        case 'none':
            break;
    }
    return client;
}
/** Connect to `url` (a string or a parsed endpoint). Resolves once connected; rejects with an IoError naming the masked address. */
export async function connectNats(url, options = {}) {
    const endpoint = typeof url === 'string' ? parseNatsUrl(url) : url;
    const client = natsClientOptions(endpoint, options);
    try {
        return await connect(client);
    }
    catch (err) {
        throw new IoError(endpoint.display, 'cannot connect to NATS', scrub(err, endpoint, options));
    }
}
/**
 * The client's error with any secret we know of cut out of its message (defence in depth: the
 * client is given credentials only through the authenticator, but a message may quote input).
 */
function scrub(err, endpoint, options) {
    if (!(err instanceof Error))
        return err;
    const secrets = [endpoint.pass, endpoint.token, options.env?.NATS_PASSWORD, options.env?.NATS_TOKEN].filter((s) => typeof s === 'string' && s.length > 0);
    let message = err.message;
    for (const s of secrets)
        message = message.split(s).join('***');
    if (message === err.message)
        return err;
    const clean = new Error(message);
    clean.code = err.code ?? err.name;
    return clean;
}
//# sourceMappingURL=nats-connect.js.map