/**
 * `tapedeck worker --nats URL [--concurrency N]`: a sweep worker for as long as it runs: pulls jobs
 * of any sweep from the NATS work queue, runs them on local threads, publishes the results (the
 * library's runSweepWorker, where the protocol is described). SIGINT/SIGTERM stop it after the
 * jobs in hand; a second signal exits at once (those jobs are redelivered to another worker).
 */
import * as path from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { durationArg } from '../args.js';
import { resolvePath, type CliIo } from '../io.js';
import { natsConnectOptions, natsOptions, type NatsArgs } from '../nats-options.js';
import { onStopSignals } from './record.js';

interface WorkerArgs extends NatsArgs {
  nats: string;
  concurrency?: number;
  cache?: string;
  root?: string;
  shared: boolean;
  'ack-wait': string;
  'worker-memory-mb'?: number;
}

export default function workerCommand(io: CliIo): CommandModule<object, WorkerArgs> {
  return {
    builder: (y) =>
      natsOptions(y)
        .option('nats', { type: 'string', demandOption: true, describe: 'nats://host:port of the JetStream server the sweep publishes to (credentials: the URL, --creds or NATS_* variables)' })
        .option('concurrency', { type: 'number', describe: 'Jobs at once, one worker thread each (default: the number of cores)' })
        .option('cache', { type: 'string', describe: 'Where fetched inputs and outputs in progress live (default .tapedeck-worker)' })
        .option('root', { type: 'string', describe: "Relative strategy and input paths of a job resolve against this (default: the working directory; the coordinator's checkout layout)" })
        .option('shared', { type: 'boolean', default: true, describe: "Use an input in place at the coordinator's path when it exists here with the right digest (--no-shared: always the object store)" })
        .option('ack-wait', { type: 'string', default: '30s', describe: 'How long a job may go unacknowledged before it is redelivered (a dead worker); a running job renews it' })
        .option('worker-memory-mb', { type: 'number', describe: 'Heap cap per worker thread, MiB (default 1024)' })
        .example('$0 worker --nats nats://10.0.0.5:4222', 'Serve sweeps with every core of this host')
        .example('$0 worker --nats nats://10.0.0.5:4222 --concurrency 2 --no-shared', 'Two at a time, inputs always from the object store') as Argv<WorkerArgs>,
    handler: async (args) => {
      const { runSweepWorker } = await import('../../sweep/nats-worker.js');
      const ackWaitMs = Number(durationArg('--ack-wait', args['ack-wait'])) / 1e6;
      const ac = new AbortController();
      const uninstall = onStopSignals(io, ac);
      try {
        const stats = await runSweepWorker({
          url: args.nats,
          connect: natsConnectOptions(args, io, 'tapedeck worker'),
          ...(args.concurrency !== undefined ? { concurrency: args.concurrency } : {}),
          ...(args['worker-memory-mb'] !== undefined ? { memoryMbMax: args['worker-memory-mb'] } : {}),
          cacheDir: resolvePath(io, args.cache ?? '.tapedeck-worker'),
          root: args.root !== undefined ? resolvePath(io, args.root) : path.resolve(io.cwd),
          shared: args.shared,
          ackWaitMs,
          log: (line) => io.stderr.write(`worker: ${line}\n`),
          signal: ac.signal,
        });
        io.stderr.write(`worker: stopped; ${stats.done} jobs done, ${stats.failed} failed, ${stats.refusedCopies} copies refused\n`);
      } finally {
        uninstall();
      }
    },
  };
}
