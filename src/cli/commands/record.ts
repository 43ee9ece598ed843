/**
 * `tapedeck record <dir>`: canonical JSONL (or raw venue messages) from stdin / --input, or a
 * WebSocket feed with --ws, into a recording. SIGINT/SIGTERM stop reading, write session-end,
 * make everything durable and seal; the exit code is then 0.
 *
 * `--from nats://host:port --subject <pattern>` records from a JetStream stream through a durable
 * consumer, exactly once (src/nats/jetstream-recorder.ts); a signal stops it after the batch under
 * way is committed, and a restart continues where the recording stands.
 */
import type { KeyframesOption } from '../keyframes-option.js';
import type { DurableRecord } from '../../nats/jetstream-recorder.js';
import type { Argv, CommandModule } from 'yargs';
import { TapedeckError } from '../../errors.js';
import type { DurabilityMode } from '../../log/index.js';
import type { ClockMode, Recorder, RecordSummary, RecordWarning } from '../../record/recorder.js';
import type { WsFormat } from '../../record/ws.js';
import type { MapperOptions } from '../../record/venues.js';
import { countArg, durationArg, holdsRecording, outputDirArg, sizeArg } from '../args.js';
import { resolvePath, type CliIo } from '../io.js';
import { formatCount } from '../progress.js';
import { isNatsUrl, natsConnectOptions, natsOptions, NATS_ENV_HELP, type NatsArgs } from '../nats-options.js';

/** Warnings printed per run before the rest are only counted (rejects are all stored anyway). */
const MAX_WARNINGS = 100;

export function warningPrinter(stream: NodeJS.WritableStream): (w: RecordWarning) => void {
  let n = 0;
  return (w) => {
    if (w.kind === 'notice') {
      stream.write(`tapedeck: note: ${w.message}\n`);
      return;
    }
    n++;
    if (n <= MAX_WARNINGS) stream.write(`tapedeck: warning: ${w.message} (stored as a reject event)\n`);
    else if (n === MAX_WARNINGS + 1) stream.write(`tapedeck: warning: more bad input; further warnings suppressed (the summary counts every reject)\n`);
  };
}

/** JSON with bigints as decimal strings. */
export function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

function kinds(m: Record<string, number>): string {
  return Object.entries(m)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${formatCount(v)}`)
    .join(', ');
}

/** The human summary (stderr). */
export function describeSummary(verb: string, s: RecordSummary & { format?: string }): string {
  const types = Object.entries(s.byType)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${formatCount(n)}`)
    .join(', ');
  const lines = [
    `${verb} ${formatCount(s.events)} event${s.events === 1 ? '' : 's'}${types ? ` (${types})` : ''} into ${s.dir}, run ${s.runId}` +
      `${s.rejects ? `; ${formatCount(s.rejects)} rejected (stored as reject events)` : ''}`,
  ];
  if (Object.keys(s.unmapped).length > 0) lines.push(`  unmapped messages, counted not recorded: ${kinds(s.unmapped)}`);
  if (Object.keys(s.control).length > 0) lines.push(`  connection lines: ${kinds(s.control)}`);
  if (s.gaps || s.reconnects) lines.push(`  gaps ${s.gaps}, reconnects ${s.reconnects}`);
  if (s.tsReplaced) lines.push(`  receive clock: replaced the ts that ${formatCount(s.tsReplaced)} input event${s.tsReplaced === 1 ? '' : 's'} (not ticks) brought; --clock source keeps them`);
  if (s.reordered) lines.push(`  reordered ${formatCount(s.reordered)} event${s.reordered === 1 ? '' : 's'} within the reorder window`);
  if (s.firstTs !== null) lines.push(`  seq ${s.firstSeq}..${s.lastSeq}, ${s.durationMs.toFixed(1)} ms of ${s.clock}-clock time`);
  return lines.join('\n') + '\n';
}

export interface CommonArgs {
  dir: string;
  'run-id'?: string;
  durability: DurabilityMode;
  'segment-size'?: string;
  keyframes?: string;
  'keyframe-events'?: string;
  strict: boolean;
  json: boolean;
  deterministic: boolean;
  'session-events': 'auto' | 'yes' | 'no';
  'max-line-bytes': string;
}

/**
 * The recording directory of record/import, created if needed (an impossible path fails at once,
 * exit 74). Writing into an existing recording appends a new session to it: said on stderr, since
 * its digest and event counts change.
 */
export function createOrAppend(io: CliIo, given: string, json: boolean): string {
  const appending = holdsRecording(resolvePath(io, given));
  const dir = outputDirArg(io, given);
  if (appending) {
    io.stderr.write(`tapedeck: ${given} already holds a recording: appending a new session to it${json ? '' : ' (its digest and counts will change; give a new directory to keep it as it is)'}\n`);
  }
  return dir;
}

/** A reject keeps its line's bytes, and a record's payload must stay under the log's 64 MiB. */
const MAX_LINE_BYTES_LIMIT = 32 * 1024 * 1024;

/** --max-line-bytes as a number of bytes (1 MiB by default, at most 32 MiB). */
export function maxLineBytesOf(argv: CommonArgs): number {
  const n = sizeArg('--max-line-bytes', argv['max-line-bytes']);
  if (n > MAX_LINE_BYTES_LIMIT) {
    throw new TapedeckError('BAD_ARGUMENT', `--max-line-bytes: at most 32MiB (a reject keeps the line, and a record holds at most 64 MiB)`, { flag: '--max-line-bytes' });
  }
  return n;
}

/**
 * --venue / --symbol of a venue mapping, one rule for `record` (--format binance|…, --ws or lines)
 * and `import` (a capture): the venue name recorded instead of the mapping's default, and the
 * symbol of Binance REST depth snapshots (they name none). `alsoWith` names another use of the
 * flags the command has (import's --map), said in the error.
 */
export function venueMapperArgs(format: string | undefined, venue: string | undefined, symbol: string | undefined, alsoWith?: string): MapperOptions {
  if (symbol !== undefined && format !== 'binance' && format !== 'binance-futures') {
    throw new TapedeckError(
      'BAD_ARGUMENT',
      `--symbol goes with ${alsoWith ? `${alsoWith}, or with ` : ''}--format binance|binance-futures (the symbol of REST depth snapshots); other venues' messages, DBN and Tardis files name their symbols`,
      { flag: '--symbol' },
    );
  }
  if (symbol === '' || venue === '') throw new TapedeckError('BAD_ARGUMENT', `--${symbol === '' ? 'symbol' : 'venue'} needs a name`);
  return { ...(venue !== undefined ? { venue } : {}), ...(symbol !== undefined ? { symbol } : {}) };
}

/** The --session-events choice as the Recorder's option. */
export function sessionEventsOption(v: 'auto' | 'yes' | 'no' | undefined): boolean | 'auto' {
  return v === 'yes' ? true : v === 'no' ? false : 'auto';
}

export function commonOptions<T>(y: Argv<T>) {
  return y
    .option('run-id', { type: 'string', describe: 'The run id stamped on events that carry none (default: generated)' })
    .option('durability', {
      choices: ['strict', 'batched', 'async'] as const,
      default: 'batched' as DurabilityMode,
      describe: 'strict: fsync before acknowledging; batched: group fsyncs; async: fsync in the background',
    })
    .option('segment-size', { type: 'string', describe: 'Rotate segments at about this size (e.g. 64MiB)' })
    .option('keyframes', { type: 'string', describe: 'Write book keyframes as events are written, one per this much recording time (e.g. 1m; see `tapedeck keyframe`)' })
    .option('keyframe-events', { type: 'string', describe: 'With --keyframes: also one after at most this many book events (default 10000; 0: by time only)' })
    .option('strict', { type: 'boolean', default: false, describe: 'Stop at the first bad line (exit 65) instead of storing it as a reject event' })
    .option('max-line-bytes', {
      type: 'string',
      default: '1MiB',
      describe: 'A longer input line is bad input (a reject keeping its first bytes; exit 65 with --strict); at most 32MiB',
    })
    .option('json', { type: 'boolean', default: false, describe: 'Print a machine-readable summary on stdout' })
    .option('deterministic', { type: 'boolean', default: false, describe: 'No wall-clock or host details in session-start; a reproducible run id' })
    .option('session-events', {
      choices: ['auto', 'yes', 'no'] as const,
      default: 'auto' as const,
      describe: "Write the recorder's own session-start/end (auto: not when, under the source clock, the input brings its own: a replay or export being re-recorded)",
    });
}

/** Installs SIGINT/SIGTERM handlers that abort `ac`; a second signal exits at once (the log's exit
 * hook still makes written data durable). Returns the uninstaller. */
export function onStopSignals(io: CliIo, ac: AbortController): () => void {
  let count = 0;
  const handler = (sig: NodeJS.Signals) => {
    count++;
    if (count > 1) io.exit(sig === 'SIGINT' ? 130 : 143);
    ac.abort();
  };
  io.signals.on('SIGINT', handler);
  io.signals.on('SIGTERM', handler);
  return () => {
    io.signals.off('SIGINT', handler);
    io.signals.off('SIGTERM', handler);
  };
}

interface RecordArgs extends CommonArgs, NatsArgs {
  from?: string;
  subject?: string;
  stream?: string;
  consumer?: string;
  'until-end'?: boolean;
  batch?: number;
  input?: string;
  ws?: string;
  format: WsFormat;
  send?: string[];
  'snapshot-url'?: string;
  'instruments-url'?: string[];
  venue?: string;
  symbol?: string;
  resync: boolean;
  clock: ClockMode;
  'max-attempts'?: string;
  'metrics-interval'?: string;
}

export default function recordCommand(io: CliIo, rawArgs: readonly string[]): CommandModule<object, RecordArgs> {
  return {
    builder: (y) =>
      commonOptions(
        natsOptions(y)
          .positional('dir', { type: 'string', demandOption: true, describe: 'The recording directory (created if needed)' })
          .option('input', { alias: 'i', type: 'string', nargs: 1, describe: "Read this file instead of stdin ('-': stdin)" })
          .option('ws', { type: 'string', describe: 'Record this WebSocket feed (ws:// or wss://)' })
          .option('format', {
            choices: ['canonical', 'binance', 'binance-futures', 'coinbase', 'kraken'] as const,
            default: 'canonical' as WsFormat,
            describe: 'Messages: canonical tapedeck events, or Binance / Coinbase public market data mapped to ticks',
          })
          .option('send', { type: 'string', array: true, describe: 'With --ws: send this message after each (re)connect (e.g. a subscribe request)' })
          .option('snapshot-url', {
            type: 'string',
            describe: 'With --ws and a venue format: the REST depth snapshot to fetch when a book needs one (Binance: at the start and after a sequence break)',
          })
          .option('instruments-url', {
            type: 'string',
            array: true,
            describe: 'With --ws and a venue format: instrument metadata to fetch after each connect, recorded as instrument events (Binance exchangeInfo, Coinbase products, Kraken AssetPairs; repeatable)',
          })
          .option('venue', { type: 'string', describe: 'With a venue --format: the venue name to record (default binance-spot/binance-futures, coinbase, kraken)' })
          .option('symbol', {
            type: 'string',
            describe: 'With --format binance|binance-futures: the symbol of REST depth snapshots (--snapshot-url) that name none and whose URL has no symbol=',
          })
          .option('resync', {
            type: 'boolean',
            default: true,
            describe: 'With --ws and a venue format: after a sequence break or failed checksum, refetch the snapshot (--snapshot-url) or resubscribe (--send); --no-resync only records the gap',
          })
          .option('clock', {
            choices: ['receive', 'source'] as const,
            default: 'receive' as ClockMode,
            describe: "ts: when the recorder received the event, or the event's own ts",
          })
          .option('max-attempts', { type: 'string', describe: 'With --ws: give up after this many failed connection attempts in a row' })
          .option('metrics-interval', { type: 'string', hidden: true, describe: 'Time between metrics.json updates, with its unit (0: never; default 250ms so the live dashboard updates 4 times a second; 0 with --deterministic)' })
          .option('from', { type: 'string', describe: 'Record from a NATS JetStream stream: nats://host:port (or tls://), with --subject' })
          .option('subject', { type: 'string', describe: 'With --from: the subjects to record (a NATS pattern, e.g. md.>)' })
          .option('stream', { type: 'string', describe: 'With --from: the stream (default: the one holding --subject, else a new stream TAPEDECK)' })
          .option('consumer', { type: 'string', describe: 'With --from: the durable consumer name (default derived from the subject and directory)' })
          .option('until-end', { type: 'boolean', default: false, describe: 'With --from: stop once an end-of-replay marker (from replay --to nats://…) is recorded' })
          .option('batch', { type: 'number', describe: 'With --from: messages per committed batch (default 256)' })
          .conflicts('ws', 'input')
          .conflicts('from', 'ws')
          .conflicts('from', 'input')
          .example('$0 replay rec/a --max | $0 record rec/b --clock source', 'Re-record a replay with its own timestamps')
          .example('$0 record rec/live --input events.jsonl.gz', 'Canonical JSONL from a (gzipped) file, stamped with the receive clock')
          .example("$0 record rec/btc --ws wss://stream.binance.com:9443/ws/btcusdt@bookTicker --format binance", 'A live venue feed, until Ctrl-C')
          .example(
            "$0 record rec/btc --ws wss://stream.binance.com:9443/ws/btcusdt@depth@100ms --format binance --snapshot-url 'https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000'",
            'The order book: updates plus the REST snapshot, refetched after a sequence break',
          )
          .example("$0 record rec/copy --from nats://127.0.0.1:4222 --subject 'md.>' --until-end", 'Record a replay published to NATS (exactly once, resumable)')
          .epilogue(`NATS: ${NATS_ENV_HELP}`)
          .check((a) => {
            // TapedeckError BAD_ARGUMENT: a usage error, exit 2 (a plain Error here would exit 1).
            if (a.from !== undefined && !isNatsUrl(a.from)) throw new TapedeckError('BAD_ARGUMENT', `--from needs a nats:// or tls:// URL`);
            if (a.from !== undefined && !a.subject) throw new TapedeckError('BAD_ARGUMENT', '--from needs --subject (e.g. --subject "md.>")');
            if (a.subject !== undefined && a.from === undefined) throw new TapedeckError('BAD_ARGUMENT', '--subject needs --from');
            if (a.ws !== undefined && !/^wss?:\/\//.test(a.ws)) throw new TapedeckError('BAD_ARGUMENT', `--ws needs a ws:// or wss:// URL (got "${a.ws}")`);
            if (a.send && a.ws === undefined) throw new TapedeckError('BAD_ARGUMENT', '--send needs --ws');
            if (a['snapshot-url'] !== undefined && (a.ws === undefined || a.format === 'canonical')) {
              throw new TapedeckError('BAD_ARGUMENT', '--snapshot-url needs --ws with a venue --format (binance, binance-futures)');
            }
            for (const u of a['instruments-url'] ?? []) {
              if (a.ws === undefined || a.format === 'canonical') throw new TapedeckError('BAD_ARGUMENT', '--instruments-url needs --ws with a venue --format');
              if (!/^https?:\/\//.test(u)) throw new TapedeckError('BAD_ARGUMENT', `--instruments-url needs an http:// or https:// URL (got "${u}")`);
            }
            if (a.venue !== undefined && a.format === 'canonical') {
              throw new TapedeckError('BAD_ARGUMENT', '--venue needs a venue --format (binance, binance-futures, coinbase, kraken): canonical events name their own venue');
            }
            if (a['snapshot-url'] !== undefined && !/^https?:\/\//.test(a['snapshot-url'])) {
              throw new TapedeckError('BAD_ARGUMENT', `--snapshot-url needs an http:// or https:// URL (got "${a['snapshot-url']}")`);
            }
            return true;
          }),
      ) as unknown as Argv<RecordArgs>,
    handler: async (argv) => {
      if (argv.from !== undefined) {
        if (argv.keyframes !== undefined || argv['keyframe-events'] !== undefined) (await import('../keyframes-option.js')).keyframeSpacingArgs(argv.keyframes, argv['keyframe-events']);
        return recordFromNats(argv, io);
      }
      if (argv.keyframes !== undefined || argv['keyframe-events'] !== undefined) (await import('../keyframes-option.js')).keyframeSpacingArgs(argv.keyframes, argv['keyframe-events']);
      const { normalizeDurability } = await import('../../log/index.js');
      const { openInput } = await import('../../record/input.js');
      const { Recorder } = await import('../../record/recorder.js');
      const { recordJsonl, recordVenueLines } = await import('../../record/sources.js');
      const { recordWebSocket } = await import('../../record/ws.js');
      normalizeDurability(argv.durability);
      const segmentSize = argv['segment-size'] !== undefined ? sizeArg('--segment-size', argv['segment-size']) : undefined;
      const maxLineBytes = maxLineBytesOf(argv);
      const mapper = venueMapperArgs(argv.format, argv.venue, argv.symbol);
      const maxAttempts = argv['max-attempts'] !== undefined ? countArg('--max-attempts', argv['max-attempts'], 1) : undefined;
      const metricsMs = argv['metrics-interval'] !== undefined ? Number(durationArg('--metrics-interval', argv['metrics-interval']) / 1_000_000n) : undefined;
      // yargs hands a lone '-' over as ''.
      const inputName = argv.input === undefined || argv.input === '' ? '-' : argv.input;
      // Open a named input before creating anything, so a missing file is a plain I/O error.
      const input = argv.ws === undefined ? openInput(resolvePath(io, inputName), io.stdin, { maxLineBytes }) : null;
      const dir = createOrAppend(io, argv.dir, argv.json);
      const source = argv.ws !== undefined ? `ws:${argv.ws}` : inputName === '-' ? 'stdin' : `file:${inputName}`;
      const ac = new AbortController();
      const uninstall = onStopSignals(io, ac);
      let rec: Recorder | null = null;
      const { keyframesOption } = await import('../keyframes-option.js');
      const keyframes = await keyframesOption(io, dir, argv.keyframes, argv['keyframe-events']);
      try {
        rec = await Recorder.open(dir, {
          onWritten: keyframes?.onWritten,
          runId: argv['run-id'],
          durability: argv.durability,
          segmentSize,
          clock: argv.clock,
          strict: argv.strict,
          rawLimit: maxLineBytes,
          deterministic: argv.deterministic,
          sessionEvents: sessionEventsOption(argv['session-events']),
          source,
          inputName: argv.ws ?? (inputName === '-' ? 'stdin' : inputName),
          args: [...rawArgs],
          onWarning: warningPrinter(io.stderr),
          // A deterministic recording holds nothing that changes run to run (metrics.json would).
          publishMetricsMs: metricsMs ?? (argv.deterministic ? 0 : 250),
        });
        const stopInput = () => input?.close();
        ac.signal.addEventListener('abort', stopInput, { once: true });
        if (argv.ws !== undefined) {
          await recordWebSocket(rec, {
            url: argv.ws,
            format: argv.format,
            send: argv.send,
            mapper,
            ...(argv['snapshot-url'] !== undefined ? { snapshotUrl: argv['snapshot-url'] } : {}),
            resync: argv.resync,
            ...(argv['instruments-url'] !== undefined ? { instrumentsUrls: argv['instruments-url'] } : {}),
            signal: ac.signal,
            maxAttempts,
            onStatus: argv.json ? undefined : (m) => io.stderr.write(`tapedeck: ${m}\n`),
          });
        } else if (argv.format === 'canonical') {
          await recordJsonl(rec, input!, { signal: ac.signal });
        } else {
          await recordVenueLines(rec, input!, argv.format, { signal: ac.signal, mapper });
        }
        input?.close();
        const summary = await rec.close();
        const kfLine = await keyframes?.finish();
        if (argv.json) io.stdout.write(`${toJson({ ...summary, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
        else io.stderr.write(describeSummary('recorded', summary) + (kfLine ?? ''));
      } catch (err) {
        input?.close();
        if (rec) {
          const s = await rec.close({ error: err }).catch(() => null);
          if (s && argv.json) io.stdout.write(`${toJson(s)}\n`);
        }
        throw err;
      } finally {
        uninstall();
      }
    },
  };
}

async function recordFromNats(argv: RecordArgs, io: CliIo): Promise<void> {
  const { normalizeDurability } = await import('../../log/index.js');
  const { parseSize } = await import('../../record/size.js');
  const { recordFromJetStream } = await import('../../nats/jetstream-recorder.js');
  const { parseNatsUrl } = await import('../../transport/index.js');
  if (argv.durability === 'async') throw new TapedeckError('BAD_ARGUMENT', '--from acknowledges a message only once it is durable: --durability strict or batched');
  normalizeDurability(argv.durability);
  const display = parseNatsUrl(argv.from!).display;
  const ac = new AbortController();
  const uninstall = onStopSignals(io, ac);
  const note = argv.json ? undefined : (t: string) => io.stderr.write(`tapedeck: ${t}\n`);
  // --keyframes: fed each batch once it is durable (book and system records only, decoded here).
  const dir = resolvePath(io, argv.dir);
  let keyframes: KeyframesOption | undefined;
  let onDurable: ((records: readonly DurableRecord[]) => void) | undefined;
  if (argv.keyframes !== undefined) {
    const { mkdirs } = await import('../../util/mkdirs.js');
    const { keyframesOption } = await import('../keyframes-option.js');
    const { decodePayloadAt } = await import('../../events/codec.js');
    const { TYPE_TAG } = await import('../../events/types.js');
    const wanted = new Set([TYPE_TAG.book, TYPE_TAG.system]);
    mkdirs(dir);
    keyframes = await keyframesOption(io, dir, argv.keyframes, argv['keyframe-events']);
    onDurable = (records) => {
      for (const r of records) {
        if (!wanted.has(r.tag)) continue;
        const b = Buffer.from(r.payload.buffer, r.payload.byteOffset, r.payload.byteLength);
        keyframes!.onDurable(decodePayloadAt(r.tag, b, 0, b.length, r.seq, r.tsNs), r.seq);
      }
    };
  }
  try {
    const s = await recordFromJetStream(dir, argv.from!, {
      ...natsConnectOptions(argv, io, 'tapedeck record'),
      subject: argv.subject!,
      stream: argv.stream,
      consumer: argv.consumer,
      durability: argv.durability,
      segmentBytes: argv['segment-size'] !== undefined ? parseSize(argv['segment-size']) : undefined,
      batchMessages: argv.batch,
      untilEnd: argv['until-end'],
      strict: argv.strict,
      signal: ac.signal,
      onNote: note,
      onReady: (r) => note?.(`recording ${argv.subject} from ${display} (stream ${r.stream}, consumer ${r.consumer}, from stream seq ${r.fromStreamSeq}); Ctrl-C stops`),
      ...(onDurable ? { onDurable } : {}),
    });
    const kfLine = await keyframes?.finish();
    if (argv.json) io.stdout.write(`${toJson({ ...s, from: display, stopped: ac.signal.aborted ? 'signal' : 'end' })}\n`);
    else {
      io.stderr.write(
        `recorded ${formatCount(s.events)} event${s.events === 1 ? '' : 's'} from ${display} (stream ${s.stream}, consumer ${s.consumer}, subject ${s.subject}) into ${s.dir}\n` +
          `  stream seq ${s.committedStreamSeq} committed; ${s.redelivered} redelivered and ${s.resent} resent message(s) dropped as duplicates` +
          `${s.rejects ? `; ${s.rejects} rejected (stored as reject events)` : ''}${s.gaps ? `; ${s.gaps} gap(s), ${s.missing} message(s) missing` : ''}` +
          `${s.reconnects ? `; ${s.reconnects} reconnect(s)` : ''}\n` +
          (kfLine ?? ''),
      );
    }
  } finally {
    uninstall();
  }
}
