export declare const NATS_PORT_DEFAULT = 4222;
export interface NatsEndpoint {
    /** `host:port` of each server, without credentials. */
    servers: string[];
    /** The scheme was `tls://`: the connection must be encrypted. */
    tlsRequired: boolean;
    /** The dotted subject prefix from the URL path, or undefined. */
    prefix: string | undefined;
    /** From the URL's user info (secret: never print). */
    user: string | undefined;
    pass: string | undefined;
    token: string | undefined;
    /** The address with credentials masked: the only printable form. */
    display: string;
}
/** The text with anything between `://` and `@` masked (used before the URL is known to parse). */
export declare function maskUserInfo(text: string): string;
export declare function parseNatsUrl(text: string): NatsEndpoint;
/** Where credentials and TLS material come from besides the URL. */
export interface NatsAuthSources {
    /** Environment to read NATS_CREDS, NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CA, NATS_CERT, NATS_KEY from (the CLI passes process.env). */
    env?: Readonly<Record<string, string | undefined>>;
    /** A NATS creds file (JWT and nkey seed). */
    credsFile?: string;
    /** TLS options, passed through to the client (and on to Node's tls.connect). */
    tls?: NatsTlsOptions;
}
export interface NatsTlsOptions {
    caFile?: string;
    certFile?: string;
    keyFile?: string;
    /** TLS before the NATS INFO exchange (the server must be configured with handshake_first). */
    handshakeFirst?: boolean;
    /** Accept a server certificate that does not verify (testing only). */
    rejectUnauthorized?: boolean;
}
/** What to authenticate with, decided without I/O: the creds file is read by the connector. */
export type NatsAuth = {
    kind: 'none';
} | {
    kind: 'user';
    user: string;
    pass: string;
    from: 'url' | 'env';
} | {
    kind: 'token';
    token: string;
    from: 'url' | 'env';
} | {
    kind: 'creds';
    file: string;
    from: 'option' | 'env';
};
export declare function resolveNatsAuth(endpoint: NatsEndpoint, sources?: NatsAuthSources): NatsAuth;
/** TLS options from explicit options, else the environment; undefined when nothing asks for TLS. */
export declare function resolveNatsTls(endpoint: NatsEndpoint, sources?: NatsAuthSources): NatsTlsOptions | undefined;
/** A one-line description of the auth in use, safe to print (no secret, only where it came from). */
export declare function describeNatsAuth(auth: NatsAuth): string;
