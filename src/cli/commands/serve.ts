/**
 * `tapedeck serve <dir...> --nats <url>`: the replay service (src/nats/service.ts) until Ctrl-C or
 * SIGTERM, which stop taking requests, end the running replays (their clients get an end marker)
 * and exit 0. One line per request on stderr.
 */
import type { Argv, CommandModule } from 'yargs';
import { TapedeckError } from '../../errors.js';
import { resolvePath, type CliIo } from '../io.js';
import { isNatsUrl, natsConnectOptions, natsOptions, NATS_ENV_HELP, type NatsArgs } from '../nats-options.js';
import { onStopSignals } from './record.js';

interface ServeArgs extends NatsArgs {
  recordings: string[];
  nats: string;
  'max-concurrent': number;
  'window-max': number;
  'idle-timeout': number;
}

export default function serveCommand(io: CliIo): CommandModule<object, ServeArgs> {
  return {
    builder: (y) =>
      natsOptions(y)
        .positional('recordings', { type: 'string', array: true, demandOption: true, describe: 'Recording directories to serve (name=dir to name one; default: the last path component)' })
        .option('nats', { type: 'string', demandOption: true, describe: 'NATS server: nats://host:port[/prefix] (requests on <prefix>.svc.replay; default prefix tapedeck)' })
        .option('max-concurrent', { type: 'number', default: 16, describe: 'Replays at once; more are refused (BUSY)' })
        .option('window-max', { type: 'number', default: 10_000, describe: 'The largest credit window (unacknowledged events) a client may ask for' })
        .option('idle-timeout', { type: 'number', default: 30_000, describe: 'ms a replay waits for a silent client before ending it' })
        .example('$0 serve recordings/demo/source --nats nats://127.0.0.1:4222', 'Serve one recording; clients call replayFrom(nc, { recording: "source" })')
        .epilogue(`NATS: ${NATS_ENV_HELP}`)
        .check((a) => {
          if (!isNatsUrl(a.nats)) throw new TapedeckError('BAD_ARGUMENT', '--nats needs a nats:// or tls:// URL');
          return true;
        }) as unknown as Argv<ServeArgs>,
    handler: async (argv) => {
      const { connectNats, parseNatsUrl } = await import('../../transport/index.js');
      const { ReplayService, servedRecordings } = await import('../../nats/service.js');
      const recordings = servedRecordings(argv.recordings).map((r) => ({ name: r.name, dir: resolvePath(io, r.dir) }));
      const endpoint = parseNatsUrl(argv.nats);
      const nc = await connectNats(endpoint, natsConnectOptions(argv, io, 'tapedeck serve'));
      const ac = new AbortController();
      const uninstall = onStopSignals(io, ac);
      try {
        const service = new ReplayService(nc, recordings, {
          prefix: endpoint.prefix,
          concurrentMax: argv['max-concurrent'],
          windowEventsMax: argv['window-max'],
          idleTimeoutMs: argv['idle-timeout'],
          onLog: (line) => io.stderr.write(`tapedeck: ${line}\n`),
        });
        await service.ready();
        io.stderr.write(
          `serving ${recordings.map((r) => r.name).join(', ')} on ${endpoint.display} (requests on ${service.prefix}.svc.replay); Ctrl-C stops\n`,
        );
        const statusLoop = (async () => {
          for await (const s of nc.status()) {
            if (s.type === 'disconnect') io.stderr.write(`tapedeck: NATS connection to ${s.server} lost; reconnecting\n`);
            else if (s.type === 'reconnect') io.stderr.write(`tapedeck: reconnected to ${s.server}\n`);
          }
        })();
        await new Promise<void>((resolve) => {
          if (ac.signal.aborted) resolve();
          ac.signal.addEventListener('abort', () => resolve(), { once: true });
          void nc.closed().then(() => resolve());
        });
        await service.close();
        io.stderr.write(`stopped: ${service.history.length} replay(s) served\n`);
        void statusLoop;
      } finally {
        uninstall();
        await nc.close().catch(() => {});
      }
    },
  };
}
