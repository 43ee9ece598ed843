/**
 * `tapedeck replay <dir...>`: replays recordings as canonical JSONL on stdout (or --out FILE),
 * paced by --speed, or as fast as the reader allows with --max. Several directories are merged
 * by ts (ties: the order given, then seq).
 *
 * Output respects backpressure: when the stream's buffer is full the replay pauses until
 * 'drain' (at a paced speed the timeline then shifts by the stall). A closed pipe (EPIPE, as in
 * `| head`) ends the replay quietly with exit code 0.
 *
 * When stderr is a terminal a one-line status is kept there (at most 10 refreshes a second), also
 * with stdout piped or --out, and keys control the deck: space pause/resume, ←/→ seek −/+10 s of
 * the replay clock (clamped to the recording), +/− double/halve the speed, q (or Ctrl-C) quit. The
 * keys are read from stdin when it is a terminal, otherwise from the controlling terminal
 * (/dev/tty, as less(1) does), so `tapedeck replay rec/ | consumer` is still a deck. The status
 * shows the replay clock, which advances with time while filters hold events back. Without a
 * terminal on stderr there is no status and no keys. --max-gap caps every wait between two events
 * (tcpreplay's --maxsleep).
 *
 * `--to nats://host:port[/prefix]` publishes the replay to NATS instead (src/nats/fanout.ts): the
 * same pacing, filters, keys and status line; a slow NATS connection holds the replay back. The
 * end time and the target can both be given (`--to +10m --to nats://…`).
 */
import type * as fs from 'node:fs';
import { devNull } from 'node:os';
import type { Writable } from 'node:stream';
import type { Argv, CommandModule } from 'yargs';
import { IoError, TapedeckError } from '../../errors.js';
import type { JsonLineWriter } from '../../events/json-line-writer.js';
import type { EventReadOptions, Recording } from '../../events/recording.js';
import { EVENT_TYPES, type EventType, type TapeEvent } from '../../events/types.js';
import type { Replayer, ReplayStartOptions } from '../../replay/index.js';
import type { JsonLineSource } from '../../replay/line-share.js';
import { countArg, durationArg, positiveNumberArg, recordingArg, refuseTogether, TS_UNIT_OPTION } from '../args.js';
import { FILE_BUFFER_BYTES, openOutputFile, resolvePath, type CliIo } from '../io.js';
import { isNatsUrl, natsConnectOptions, natsOptions, NATS_ENV_HELP, type NatsArgs } from '../nats-options.js';

interface ReplayArgs extends NatsArgs {
  dirs: string[];
  'ts-unit'?: 's' | 'ms' | 'us' | 'ns';
  limit?: string;
  stats?: boolean;
  speed?: string;
  max: boolean;
  from?: string;
  to?: string | string[];
  run?: string;
  types?: string | string[];
  symbols?: string | string[];
  follow: boolean;
  iso: boolean;
  out?: string;
  'window-bytes'?: number;
  'max-gap'?: string;
  books?: boolean;
  'warm-up'?: string;
  'read-ahead'?: boolean;
  'crc-ahead'?: boolean;
}

/**
 * Events a paced replay runs through decode and JSON formatting before its clock starts (see
 * Replayer.warmUp): enough for V8 to optimise that path, ~0.1 s of work. Measured in bench/README.md.
 */
const WARM_UP_EVENTS = 30_000;

/** `--to` holds the end time, a NATS target, or both (given twice). */
function splitTo(v: string | string[] | undefined): { to?: string; target?: string } {
  const values = v === undefined ? [] : Array.isArray(v) ? v : [v];
  const targets = values.filter(isNatsUrl);
  const times = values.filter((x) => !isNatsUrl(x));
  if (targets.length > 1) throw new TapedeckError('BAD_ARGUMENT', '--to: at most one NATS target');
  if (times.length > 1) throw new TapedeckError('BAD_ARGUMENT', '--to: at most one end time');
  return { to: times[0], target: targets[0] };
}

const SEEK_STEP_NS = 10_000_000_000n;
/**
 * What a paced replay's output file buffers before it pushes back. A full buffer pauses the replay
 * and shifts its timeline by the stall; at 1000x of a 300 ticks/s hour (~48 MB/s of lines) the
 * default 1 MiB (FILE_BUFFER_BYTES) is ~20 ms of output, and a write that waits that long for the
 * thread pool (a busy machine) stalled the replay: 16 stalls, 235 ms of an hour's 3.6 s at load 9
 * (`--stats`). 16 MiB is ~0.3 s; the lines it holds are in memory already (read ahead).
 */
const PACED_FILE_BUFFER_BYTES = 16 << 20;
/** Lines are gathered and written once per replay pass (or at this many bytes). */
const CHUNK_BYTES = 64 * 1024;

function list(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const out = (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
  return out.length > 0 ? out : undefined;
}

function parseTypes(v: string | string[] | undefined): EventType[] | undefined {
  const names = list(v);
  if (!names) return undefined;
  for (const n of names) {
    if (!EVENT_TYPES.includes(n as EventType)) {
      throw new TapedeckError('BAD_ARGUMENT', `--types: unknown event type "${n}" (expected ${EVENT_TYPES.join(', ')})`, { type: n });
    }
  }
  return names as EventType[];
}

/** Gathers event lines as bytes and writes them in chunks; reports when the stream's buffer fills and drains. */
class LineSink {
  private scheduled = false;
  blocked = false;
  /** Times the stream's buffer filled (each paused a paced replay until 'drain'), and for how long in all. */
  stalls = 0;
  stalledMs = 0;
  broken = false;

  constructor(
    private readonly out: Writable,
    private readonly onBlocked: () => void,
    private readonly onDrain: () => void,
    private readonly beforeWrite: () => void,
    /** Where lines are gathered (a JsonLineWriter of about CHUNK_BYTES). */
    private readonly lines: JsonLineWriter,
    private readonly iso: boolean,
  ) {}

  push(ev: TapeEvent): void {
    if (this.broken) return;
    this.lines.event(ev, this.iso, true);
    if (this.lines.length >= CHUNK_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      // After the current pass: one write per pass, not per event.
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.lines.length === 0 || this.broken) return;
    this.write(this.lines.take());
  }

  /**
   * Writes whole lines (formatted here, or by a read-ahead worker: see LineFeed); `done` from the
   * stream's write callback (for a file stream: the bytes went to the kernel, and a feed may reuse
   * the batch's buffer).
   */
  write(chunk: Buffer, done?: () => void): void {
    if (this.broken) return done?.();
    this.beforeWrite();
    if (!this.out.write(chunk, done === undefined ? undefined : () => done()) && !this.blocked) {
      this.blocked = true;
      this.stalls++;
      const t0 = performance.now();
      this.onBlocked();
      this.out.once('drain', () => {
        this.stalledMs += performance.now() - t0;
        this.blocked = false;
        this.onDrain();
      });
    }
  }

  /** Resolves once everything written so far has been handed to the OS. */
  settle(): Promise<void> {
    this.flush();
    if (this.broken) return Promise.resolve();
    return new Promise((resolve) => this.out.write('', () => resolve()));
  }
}

async function handler(argv: ReplayArgs, io: CliIo): Promise<void> {
  const { openRecording } = await import('../../events/recording.js');
  const { JsonLineWriter } = await import('../../events/json-line-writer.js');
  const { resolveTimeRange } = await import('../../ops/time-range.js');
  refuseTogether(argv as unknown as Record<string, unknown>, [['max', 'speed', '--max replays as fast as possible, --speed paces it; give one']]);
  const speed = argv.speed === undefined ? 1 : positiveNumberArg('--speed', argv.speed);
  const dirs = argv.dirs.map((d) => recordingArg(io, d));
  const recordings: Recording[] = dirs.map((d) => openRecording(d));
  const types = parseTypes(argv.types);
  const symbols = list(argv.symbols);
  // Offsets such as +5m count from the earliest start among the recordings, -5s back from the latest end.
  const split = splitTo(argv.to);
  const { from, to } = resolveTimeRange(dirs, argv.from, split.to, argv['ts-unit']);
  if (split.target !== undefined && argv.out !== undefined) throw new TapedeckError('BAD_ARGUMENT', '--out and a NATS target (--to nats://…) exclude each other');
  // Connect first: a wrong address or credentials fail before anything is replayed.
  const nats = split.target !== undefined ? await connectTarget(split.target, argv, io) : null;

  const fileOut = argv.out !== undefined ? openOutputFile(resolvePath(io, argv.out), argv.max ? FILE_BUFFER_BYTES : PACED_FILE_BUFFER_BYTES) : null;
  const out: Writable = fileOut ?? io.stdout;
  // The status line needs a terminal on stderr; keys come from stdin if it is one, else /dev/tty.
  const interactive = io.isTTY.stderr;
  const keys = !interactive ? null : io.isTTY.stdin ? io.stdin : (io.terminal?.() ?? null);
  const maxGapMs = argv['max-gap'] === undefined ? undefined : Number(durationArg('--max-gap', argv['max-gap'])) / 1e6;
  if (maxGapMs !== undefined && argv.max) throw new TapedeckError('BAD_ARGUMENT', '--max-gap caps the waits of a paced replay; --max has none');
  // --limit: stop after that many events.
  const limit = argv.limit === undefined ? Infinity : countArg('--limit', argv.limit, 1);
  if (argv.max && !interactive && recordings.length === 1 && nats === null && !argv.books && argv.follow !== true && !argv.stats) {
    const { shareLines } = await import('../../replay/line-share.js');
    const read: EventReadOptions = { fromTs: from, toTs: to, runId: argv.run, types, symbols };
    const rec = recordings[0]!;
    const lines = shareLines(rec, read, argv.iso === true, { mode: argv['read-ahead'] === undefined ? 'auto' : argv['read-ahead'] ? 'on' : 'off' });
    return replayMaxDirect(lines, argv.iso === true, limit, out, fileOut, argv.out ?? 'stdout', io, JsonLineWriter);
  }
  // Loaded only past the direct path above (rxjs alone is ~6% of a 1M-event run).
  const { lastValueFrom } = await import('rxjs');
  const { EventBus } = await import('../../bus/index.js');
  const { formatTsIso } = await import('../../events/index.js');
  const { Replayer } = await import('../../replay/index.js');
  const { LineFeed } = await import('../../replay/line-feed.js');
  const { workerLineProducer } = await import('../../replay/line-producer.js');
  const { fmtNs } = await import('../../util/metrics.js');
  const { collectGarbage } = await import('../../util/gc.js');


  let failure: unknown = null;
  let replayer: Replayer | null = null;
  const bus = new EventBus({
    onError: (err) => {
      failure ??= err;
      replayer?.stop();
    },
  });
  // --books: at --from and after every seek, the books as of that instant (newest keyframe + tail)
  // go out first as snapshot messages, so a consumer building books from the output is right.
  const booksAt = argv.books ? await booksPreamble(recordings, bus, { types, symbols }) : undefined;
  // A paced replay to a stream reads, decodes and formats in a worker thread ahead of its clock
  // (LineFeed): the main thread only waits and writes. Not for --max (nothing to wait for), a
  // follow (the file grows), --books (snapshot events join the stream) or a NATS target (events).
  const warmUpEvents = argv['warm-up'] === undefined ? WARM_UP_EVENTS : countArg('--warm-up', argv['warm-up']);
  const readAhead = argv['read-ahead'] !== false && !argv.max && argv.follow !== true && !argv.books && nats === null;
  // --stats: what the replay achieved, at the end.
  let written = 0;
  let firstTs: bigint | null = null;
  let lastTs: bigint | null = null;
  // The feed's items are counted without reading each one's ts (a BigInt made per item: see
  // LineFeed's Item); the last one's is the replayer's position at the end.
  const count = (ev: { ts: bigint }, keepTs = true): boolean => {
    if (written >= limit) return false;
    written++;
    firstTs ??= ev.ts;
    if (keepTs) lastTs = ev.ts;
    if (written >= limit && rehearsal === null) replayer?.stop();
    return true;
  };
  let sink: LineSink | null = null;
  // While the lead is rehearsed (below), the same callbacks write to the null device, and what they
  // count is set back to zero after it.
  const noop = (): void => {};
  let rehearsal: LineSink | null = null;
  const onLines = (lines: Buffer, done: () => void): void => (rehearsal ?? sink!).write(lines, done);
  const onItem = (item: { ts: bigint }): void => void count(item, false);
  const feed = readAhead
    ? new LineFeed(recordings.length, workerLineProducer(dirs, { iso: argv.iso === true }), onLines, {
        onItem,
        // Only into the file opened here: its write callback means the bytes went to the kernel. Another
        // stream may keep the chunk after its callback (a PassThrough does), so its batches are not reused.
        recycle: fileOut !== null,
      })
    : undefined;
  replayer = new Replayer(recordings, bus, { stateAt: booksAt, feed, crcAhead: argv['crc-ahead'] === true });
  const r = replayer;

  let userPaused = false;
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) {
      io.stderr.write('\r\x1b[2K');
      statusShown = false;
    }
  };
  sink = new LineSink(
    out,
    () => r.pause(),
    () => {
      if (!userPaused) r.resume();
    },
    interactive ? clearStatus : noop,
    new JsonLineWriter(CHUNK_BYTES + 4096),
    argv.iso === true,
  );
  const lineSink = sink;
  out.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): not a failure, just stop.
    if (err.code === 'EPIPE') lineSink.broken = true;
    else failure ??= new IoError(argv.out ?? 'stdout', 'write failed', err);
    r.stop();
  });
  const fanout = nats
    ? new nats.NatsFanout(nats.nc, bus, r, {
        prefix: nats.endpoint.prefix,
        display: nats.endpoint.display,
        windowBytes: argv['window-bytes'],
        sourceNames: argv.dirs,
        onStatus: (kind, server) => {
          if (interactive) clearStatus();
          io.stderr.write(kind === 'disconnect' ? `tapedeck: NATS connection to ${server} lost; holding the replay\n` : `tapedeck: reconnected to ${server}; unconfirmed messages resent\n`);
        },
      })
    : null;
  bus.events$.subscribe((ev) => {
    if (count(ev) && !fanout) lineSink.push(ev);
  });
  // A paced replay warms its read → decode → format path before the clock starts, so lateness is
  // bounded from the first event (a fresh process is otherwise on cold code for ~100 ms).
  let warmed = 0;
  let warmUpMs = 0;
  let warmSink = 0;
  // Kept to the end (see rehearse: its objects must outlive the replay's optimised code).
  let rehearsed: Replayer | null = null;
  if (feed) {
    // The worker's first events, made before the clock starts, are the replay's own (its lead).
    const t0 = performance.now();
    const leadOpts: ReplayStartOptions = { from, to, runId: argv.run, types, symbols, speed: argv.max ? 'max' : speed, maxGapMs };
    warmed = await r.lead(leadOpts, warmUpEvents);
    warmSink = feed.heldBytes();
    // This thread's share (pacing, the feed, the output's writes) rehearsed on the lead, its lines
    // written to the null device through the same kind of stream and sink (replay/rehearsal.ts).
    if (warmed > 0) {
      const nul = openOutputFile(devNull, PACED_FILE_BUFFER_BYTES);
      try {
        rehearsal = new LineSink(nul, noop, noop, noop, new JsonLineWriter(CHUNK_BYTES + 4096), argv.iso === true);
        const { rehearse } = await import('../../replay/rehearsal.js');
        rehearsed = await rehearse(recordings, feed.heldBatches(), leadOpts, onLines, { recycle: fileOut !== null, onItem });
        await rehearsal.settle();
      } finally {
        rehearsal = null;
        written = 0;
        firstTs = null;
        lastTs = null;
        await new Promise<void>((resolve) => nul.end(() => resolve()));
      }
    }
    warmUpMs = performance.now() - t0;
  } else if (!argv.max && argv.follow !== true && warmUpEvents > 0) {
    const t0 = performance.now();
    // The same line writer the output uses, emptied as it fills: nothing is written anywhere.
    const scratch = new JsonLineWriter(CHUNK_BYTES + 4096);
    const iso = argv.iso === true;
    warmed = r.warmUp({ from, to, runId: argv.run, types, symbols }, warmUpEvents, (ev) => {
      scratch.event(ev, iso, true);
      if (scratch.length >= CHUNK_BYTES) {
        warmSink += scratch.length;
        scratch.clear();
      }
    });
    warmSink += scratch.length;
    warmUpMs = performance.now() - t0;
  }
  if (!argv.max && argv.follow !== true) {
    // The heap grown by start-up and the warm-up is collected now, not in the replay's first
    // seconds (a mark-compact of the main thread: util/gc.ts). Counted in the warm-up's time.
    const t0 = performance.now();
    collectGarbage();
    warmUpMs += performance.now() - t0;
  }
  const wallStartMs = performance.now();

  const cleanups: (() => void)[] = [];
  let statusRender: (() => void) | null = null;
  if (interactive) {
    const render = (statusRender = () => {
      const p = r.progress();
      const glyph = p.state === 'paused' ? '❚❚' : p.state === 'playing' ? '▶ ' : p.state === 'done' ? '■ ' : '… ';
      const speed = p.speed === Infinity ? 'max' : `${p.speed}x`;
      const lag = p.lag.count > 0 ? fmtNs(Math.round(p.lag.p99Ms * 1e6)) : '-';
      const text = `${glyph} ${formatTsIso(p.clock)}  ${speed}  ${p.clockPercent.toFixed(1)}%  lag p99 ${lag}  ${p.emitted} events`;
      io.stderr.write(`\r\x1b[2K${text.slice(0, Math.max(10, (io.stderr.columns || 100) - 1))}`);
      statusShown = true;
    });
    const timer = setInterval(render, 100); // ≤ 10 refreshes a second
    cleanups.push(() => {
      clearInterval(timer);
      clearStatus();
    });
  }
  if (keys) {
    const stdin = keys;
    const render = () => statusRender?.();
    stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    const onKey = (data: string) => {
      for (let i = 0; i < data.length; ) {
        const rest = data.slice(i);
        if (rest.startsWith('\x1b[D') || rest.startsWith('\x1b[C')) {
          const back = rest[2] === 'D';
          // From the clock the status shows; the replayer clamps the target to the recording.
          const now = r.clock();
          r.seek(back ? now - SEEK_STEP_NS : now + SEEK_STEP_NS);
          i += 3;
          continue;
        }
        const k = data[i]!;
        i++;
        if (k === ' ') {
          if (r.state === 'paused') {
            userPaused = false;
            if (!lineSink.blocked) r.resume();
          } else if (r.state === 'playing') {
            userPaused = true;
            r.pause();
          }
        } else if (k === '+' || k === '=') {
          if (r.currentSpeed !== Infinity) r.speed(r.currentSpeed * 2);
        } else if (k === '-' || k === '_') {
          if (r.currentSpeed !== Infinity) r.speed(r.currentSpeed / 2);
        } else if (k === 'q' || k === 'Q' || k === '\x03') {
          r.stop();
        }
      }
      render();
    };
    stdin.on('data', onKey);
    stdin.resume();
    cleanups.push(() => {
      stdin.off('data', onKey);
      stdin.setRawMode?.(false);
      stdin.pause();
      if (stdin !== io.stdin) stdin.destroy();
    });
  } else {
    // Ctrl-C ends the replay cleanly (output flushed) rather than killing it mid-line.
    const onSigint = () => r.stop();
    io.signals.on('SIGINT', onSigint);
    cleanups.push(() => io.signals.off('SIGINT', onSigint));
  }

  const opts: ReplayStartOptions = {
    from,
    to,
    runId: argv.run,
    types,
    symbols,
    speed: argv.max ? 'max' : speed,
    follow: argv.follow === true,
    maxGapMs,
  };
  try {
    await lastValueFrom(r.start(opts));
    if (fanout) {
      failure ??= fanout.failure;
      if (!failure) {
        const s = await fanout.finish(r.progress().percent >= 100 ? 'end' : 'stopped');
        for (const c of cleanups.splice(0)) c();
        io.stderr.write(
          `published ${s.events} event${s.events === 1 ? '' : 's'} to ${nats!.endpoint.display} (subjects ${s.prefix}.<venue>.<symbol>.<type>, origin ${s.origin})` +
            `${s.reconnects > 0 ? `; ${s.reconnects} reconnect(s), ${s.resent} message(s) resent` : ''}\n`,
        );
      }
    } else await lineSink.settle();
    // Say why a follow ended without a session-end: its writer died.
    for (const { source, problem } of r.readProblems()) {
      if (problem.kind === 'writer-gone') io.stderr.write(`tapedeck: ${argv.dirs[source]}: ${problem.reason}; follow ended\n`);
    }
    if (argv.stats) {
      const wallMs = performance.now() - wallStartMs;
      const p = r.progress();
      const last = feed !== undefined && written > 0 ? r.now() : lastTs;
      const spanMs = firstTs !== null && last !== null ? Number(last - firstTs) / 1e6 : 0;
      const achieved = wallMs > 0 && spanMs > 0 ? `${(spanMs / wallMs).toFixed(spanMs / wallMs >= 10 ? 0 : 2)}x` : '-';
      const lag = p.lag.count > 0 ? `lateness p50 ${fmtNs(Math.round(p.lag.p50Ms * 1e6))}  p99 ${fmtNs(Math.round(p.lag.p99Ms * 1e6))}  max ${fmtNs(Math.round(p.lag.maxMs * 1e6))} (${p.lag.count} paced events)` : 'lateness - (not paced: --max)';
      const warm =
        warmed > 0
          ? `; warm-up ${warmed} events (${warmSink > 0 ? (warmSink / warmed).toFixed(0) : 0} B each as JSON) in ${warmUpMs.toFixed(1)} ms before the clock started${feed ? `, read ahead by a worker thread${rehearsed !== null ? ' and its pacing rehearsed on this thread' : ''}` : ''}`
          : '';
      // A full output buffer pauses a paced replay (its timeline shifts by the stall): say so.
      const stalls = lineSink.stalls > 0 ? `; output stalled ${lineSink.stalls} time${lineSink.stalls === 1 ? '' : 's'} (${lineSink.stalledMs.toFixed(1)} ms)` : '';
      io.stderr.write(`replay: ${written} events, ${spanMs.toFixed(1)} ms of recording in ${wallMs.toFixed(1)} ms (achieved speed ${achieved}); ${lag}${warm}${stalls}\n`);
    }
  } finally {
    // Ends the read-ahead worker whatever happened (a live worker would keep the process running).
    feed?.close();
    rehearsed?.stop();
    for (const c of cleanups) c();
    if (fileOut) {
      await new Promise<void>((resolve) => fileOut.end(() => resolve()));
    }
    if (nats) await nats.nc.close().catch(() => {});
  }
  if (failure) throw failure;
}

/**
 * `--max` of one recording to a file or a pipe, with nobody at a terminal: nothing paces, seeks or
 * watches this replay and its output is the only consumer, so the events go from the payload to
 * the output as `export` writes them (EventCursor.nextJson: straight from the payload bytes, no
 * event object) instead of through the replayer and the bus. The same lines in the same order as
 * the replayer path (one source: the cursor's order, the same filters); what was read before
 * damage is written out before the error is raised. With the read-ahead on, a worker thread
 * reads and transcodes every other block of each sealed segment (replay/line-share.ts: the same
 * bytes, this thread's errors). Measured in bench/README.md (replay --max -o).
 */
async function replayMaxDirect(
  cursor: JsonLineSource,
  iso: boolean,
  limit: number,
  out: Writable,
  fileOut: fs.WriteStream | null,
  outName: string,
  io: CliIo,
  Writer: typeof JsonLineWriter,
): Promise<void> {
  let broken = false;
  let failure: unknown = null;
  let stopped = false;
  const onError = (err: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): not a failure, just stop.
    if (err.code === 'EPIPE') broken = true;
    else failure ??= new IoError(outName, 'write failed', err);
  };
  out.on('error', onError);
  const onSigint = () => {
    stopped = true;
  };
  io.signals.on('SIGINT', onSigint);
  const lines = new Writer(CHUNK_BYTES + 4096);
  // Chunk buffers the stream is done with (see ops/export.ts take: the same measured reason).
  const spares: ArrayBufferLike[] = [];
  const sent = (chunk: Buffer) => (err?: Error | null) => {
    if (!err && spares.length < 32) spares.push(chunk.buffer);
  };
  let written = 0;
  let sinceYield = 0;
  try {
    let readFailure: unknown = null;
    while (!broken && failure === null && !stopped) {
      let more = true;
      try {
        while (lines.length < CHUNK_BYTES && written < limit) {
          const k = cursor.takeLines?.(lines, limit - written, CHUNK_BYTES, null) ?? 0;
          if (k > 0) {
            written += k;
            continue;
          }
          if (cursor.nextJson(lines, iso, true) === null) {
            more = false;
            break;
          }
          written++;
        }
      } catch (err) {
        readFailure = err;
        more = false;
      }
      // The writer's buffer goes to the stream as it is (detach) and comes back for reuse once written.
      const chunk = lines.length > 0 ? lines.detach(spares.pop()) : null;
      if (chunk !== null && !out.write(chunk, sent(chunk))) {
        sinceYield = 0;
        await new Promise<void>((resolve) => {
          const done = () => {
            out.off('drain', done);
            out.off('error', done);
            out.off('close', done);
            resolve();
          };
          out.once('drain', done);
          out.once('error', done);
          out.once('close', done);
        });
      } else if (++sinceYield === 16) {
        // A turn of the event loop now and then, so a Ctrl-C is seen.
        sinceYield = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!more || written >= limit) break;
    }
    if (readFailure !== null) failure ??= readFailure;
    if (!broken && failure === null && !fileOut) await new Promise<void>((resolve) => out.write('', () => resolve()));
  } finally {
    cursor.close();
    io.signals.off('SIGINT', onSigint);
    if (fileOut) await new Promise<void>((resolve) => fileOut.end(() => resolve()));
  }
  if (failure !== null) throw failure;
}

async function connectTarget(url: string, argv: ReplayArgs, io: CliIo) {
  const { connectNats, parseNatsUrl } = await import('../../transport/index.js');
  const { NatsFanout } = await import('../../nats/fanout.js');
  const endpoint = parseNatsUrl(url);
  const nc = await connectNats(endpoint, natsConnectOptions(argv, io, 'tapedeck replay'));
  return { nc, endpoint, NatsFanout };
}

async function booksPreamble(
  recordings: readonly Recording[],
  bus: import('../../bus/index.js').EventBus,
  filter: { types: readonly EventType[] | undefined; symbols: readonly string[] | undefined },
): Promise<((ts: bigint) => void) | undefined> {
  if (filter.types !== undefined && filter.types.length > 0 && !filter.types.includes('book')) return undefined;
  const { SeekableBooks, bookSnapshotEvents } = await import('../../book/keyframes.js');
  const books = recordings.map((rec) => new SeekableBooks(rec));
  const wanted = filter.symbols && filter.symbols.length > 0 ? new Set(filter.symbols) : null;
  return (ts) => {
    const all = books.flatMap((b) => (b.restoreAt(ts), b.builder.all())).filter((b) => b.messages > 0 && (wanted === null || wanted.has(b.symbol)));
    all.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    for (const b of all) for (const ev of bookSnapshotEvents(b, 'books-at-' + ts.toString())) bus.publish(ev);
  };
}

export default function replayCommand(io: CliIo): CommandModule<object, ReplayArgs> {
  return {
    builder: (y: Argv<object>) =>
      natsOptions(y)
        .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'Recording directories (merged by ts)' })
        .option('speed', { type: 'string', describe: 'Speed multiplier (10 = ten times faster than recorded; default 1)' })
        .option('max', { type: 'boolean', default: false, describe: 'As fast as possible: no delays (not with --speed)' })
        .option('from', { type: 'string', describe: 'Start: ns, ISO-8601 (any UTC offset, or a date), +5m after the start, or --from=-5s before the end' })
        .option('ts-unit', TS_UNIT_OPTION)
        .option('to', { type: 'string', describe: 'End (inclusive): ns, ISO-8601 UTC, or an offset (+10m); or a NATS target nats://host:port[/prefix] to publish to (both: give --to twice)' })
        .option('run', { type: 'string', describe: 'Only events of this run id' })
        .option('types', { type: 'string', describe: `Only these event types, comma-separated (${EVENT_TYPES.join(', ')})` })
        .option('symbols', { type: 'string', describe: 'Only events for these symbols, comma-separated' })
        .option('follow', { type: 'boolean', default: false, describe: 'Tail a recording still being written, until its session-end event (or Ctrl-C)' })
        .option('iso', { type: 'boolean', default: false, describe: 'Write ts as ISO-8601 UTC instead of decimal ns' })
        .option('limit', { type: 'string', describe: 'Stop after this many events' })
        .option('max-gap', { type: 'string', describe: 'Cap every wait between two events at this duration (e.g. 1s; as tcpreplay --maxsleep)' })
        .option('stats', { type: 'boolean', default: false, describe: 'At the end, on stderr: events, achieved speed, lateness p50/p99/max' })
        .option('warm-up', {
          type: 'string',
          describe: `Paced replays: run this many events through decode and formatting before the clock starts, so lateness is low from the first event (default ${WARM_UP_EVENTS}; 0: none; with the read-ahead worker, the events it makes before the clock starts, which this thread then paces once into the null device)`,
        })
        .option('read-ahead', {
          type: 'boolean',
          describe:
            'Paced replays to stdout or --out: read, decode and format in a worker thread ahead of the clock, the main thread only waiting and writing (default on); --max of one recording to a file or pipe: a worker thread reads and transcodes every other block of each sealed segment (not with --run or --symbols; by default only when the replay had a core to itself over its first 8,192 records, --read-ahead: always) (--no-read-ahead: all on the main thread)',
        })
        .option('crc-ahead', {
          type: 'boolean',
          default: false,
          describe: '--max replays through the replayer (not the direct --max -o path): check frame CRCs in a worker thread ahead of the read (segments of 4 MiB or more): less CPU on the main thread, ~10-14 MiB more peak memory; same output and errors',
        })
        .option('out', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' })
        .option('books', {
          type: 'boolean',
          default: false,
          describe: 'At --from and after each seek, first write the order books as of that instant as snapshot book messages (from the newest keyframe plus the tail)',
        })
        .option('window-bytes', { type: 'number', describe: 'With a NATS target: unconfirmed bytes at most before the replay waits (default 1 MiB)' })
        .example('$0 replay rec/ --max | jq .', 'Dump a recording as fast as possible')
        .example('$0 replay rec/ --speed 10 --types tick --symbols AAPL,MSFT', 'Ticks for two symbols at 10x')
        .example('$0 replay rec/ --from +5m --to +10m --max --out slice.jsonl', 'Minutes 5 to 10 of the session into a file')
        .example('$0 replay rec/ --from 2024-08-08T12:00:00Z --books --max', 'From noon, the books as of noon first (keyframes make that fast)')
        .example('$0 replay venue-a/ venue-b/ --max', 'Two recordings merged by ts')
        .example('$0 replay live/ --follow --speed 1', 'Watch a session that is still being recorded')
        .example('$0 replay rec/ --speed 10 --to nats://127.0.0.1:4222/md', 'Publish the replay to NATS subjects md.<venue>.<symbol>.<type>')
        .epilogue(`NATS: ${NATS_ENV_HELP}`) as unknown as Argv<ReplayArgs>,
    handler: (argv) => handler(argv as unknown as ReplayArgs, io),
  };
}

