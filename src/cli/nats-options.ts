/**
 * The NATS options every NATS-speaking command shares (replay --to, record --from, serve): where
 * credentials and TLS material come from. Secrets are never options: a password or token comes
 * from the URL's user info, NATS_USER/NATS_PASSWORD, NATS_TOKEN, or a creds file (a path is not a
 * secret), so `ps` and shell history show none; messages show the URL masked.
 */
import type { Argv } from 'yargs';
import type { NatsConnectOptions } from '../transport/index.js';
import { resolvePath, type CliIo } from './io.js';

export interface NatsArgs {
  creds?: string;
  'tls-ca'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'tls-handshake-first'?: boolean;
}

export const NATS_ENV_HELP =
  'Credentials: the URL user info, NATS_USER + NATS_PASSWORD, NATS_TOKEN, or a creds file (--creds or NATS_CREDS); TLS files also from NATS_CA, NATS_CERT, NATS_KEY.';

export function natsOptions<T>(y: Argv<T>): Argv<T & NatsArgs> {
  return y
    .option('creds', { type: 'string', describe: 'NATS creds file (JWT and nkey seed); or NATS_CREDS' })
    .option('tls-ca', { type: 'string', describe: 'CA certificate (PEM) to verify the NATS server; or NATS_CA' })
    .option('tls-cert', { type: 'string', describe: 'Client certificate (PEM) for TLS; or NATS_CERT' })
    .option('tls-key', { type: 'string', describe: 'Client key (PEM) for TLS; or NATS_KEY' })
    .option('tls-handshake-first', { type: 'boolean', describe: 'TLS before the NATS handshake (the server must be configured for it)' }) as unknown as Argv<T & NatsArgs>;
}

export function isNatsUrl(text: string): boolean {
  return /^(nats|tls):\/\//i.test(text);
}

/** The connection options from the CLI arguments and the environment. */
export function natsConnectOptions(argv: NatsArgs, io: CliIo, name: string): NatsConnectOptions {
  const tls: NonNullable<NatsConnectOptions['tls']> = {};
  if (argv['tls-ca']) tls.caFile = resolvePath(io, argv['tls-ca']);
  if (argv['tls-cert']) tls.certFile = resolvePath(io, argv['tls-cert']);
  if (argv['tls-key']) tls.keyFile = resolvePath(io, argv['tls-key']);
  if (argv['tls-handshake-first']) tls.handshakeFirst = true;
  return {
    name,
    env: io.env,
    credsFile: argv.creds ? resolvePath(io, argv.creds) : undefined,
    tls,
  };
}
