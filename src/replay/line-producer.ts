/**
 * Line producers: read, merge, decode and format a replay's events as JSON lines, a batch at a
 * time, for a LineFeed (line-feed.ts). The producing loop is `LineSource`, whatever thread it runs
 * on:
 * - `workerLineProducer` runs it in a worker thread (line-worker.ts), so a paced replay's main
 *   thread only waits and writes: reading, decoding and formatting cost ~3 µs per event, about the
 *   whole budget of a 300k events/s replay (1000x of a 300 ticks/s hour) on one core;
 * - `LocalLineProducer` runs it on the calling thread, synchronously, as credits arrive: the same
 *   lines, deterministically interleaved with the replay (virtual-time replays and tests).
 *
 * Flow control is by credits: the producer may have `credits` batches made and not yet consumed;
 * the feed returns one credit per batch it has used up. Each open (a start or a seek) starts a
 * new generation with a fresh allowance; batches and errors carry their generation.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { TapedeckError, toWireError, type WireError } from '../errors.js';
import type { EventCursor, EventReadOptions, Recording } from '../events/recording.js';
import type { ReadProblem } from '../log/index.js';
import { LineBatcher, LINE_SOURCES_MAX, type BatchBuffers, type LineBatch } from './line-batch.js';
import { EventMerge } from './merge.js';

/** What a producer tells its feed. `gen` -1: the producer itself failed (whatever the generation). */
export type ProducerMessage =
  | { kind: 'batch'; batch: LineBatch; problems: ReadProblem[][] | null }
  | { kind: 'error'; gen: number; error: WireError; problems: ReadProblem[][] | null };

export interface LineProducer {
  /** Starts a generation: produce from the start of `opts`, at most `credits` batches ahead. */
  open(gen: number, opts: EventReadOptions, credits: number): void;
  /** `n` more batches of generation `gen` may be made. */
  credit(gen: number, n: number): void;
  /** Takes in, synchronously, what the producer has sent so far (a polled worker: see workerLineProducer). */
  poll?(): void;
  /** Hands back the buffers of a batch it made that nothing reads any more, for its next batches (line-batch.ts BatchBuffers). */
  recycle?(buffers: BatchBuffers): void;
  close(): void;
}

/** Makes a producer that reports to `receive`. */
export type LineProducerFactory = (receive: (m: ProducerMessage) => void) => LineProducer;

export interface LineFormat {
  /** Write ts as ISO-8601 text (`replay --iso`). */
  iso: boolean;
  /** Most items per batch (default 8192). */
  batchItems?: number;
  /** A batch ends once its lines pass this many bytes (default 1 MiB). */
  batchBytes?: number;
}

/**
 * Batches of ~6,500 tick lines (~1 MiB): each batch is a message between the threads (a
 * postMessage of its shared buffers, a receive and a credit back), ~0.1-0.2 ms of each
 * thread's time, so fewer and larger ones (4x fewer than the 256 KiB batches before).
 */
const BATCH_ITEMS = 8192;
const BATCH_BYTES = 1024 * 1024;

/**
 * The producing loop: the recordings merged by ts (EventMerge, the one merge), as batches of lines.
 * One recording is read through its cursor's nextJson instead: the same lines in the same order
 * (one source: the cursor's order), written straight from the payload bytes without an event
 * object where the transcoder takes the payload (json-transcode.ts).
 */
export class LineSource {
  private merge: EventMerge | null = null;
  private cursor: EventCursor | null = null;
  private readonly batcher: LineBatcher;
  private gen = -1;
  private finished = true;

  constructor(
    private readonly recordings: readonly Recording[],
    format: LineFormat,
  ) {
    if (recordings.length > LINE_SOURCES_MAX) throw new TapedeckError('BAD_ARGUMENT', `a line replay reads at most ${LINE_SOURCES_MAX} recordings`);
    this.batcher = new LineBatcher(format.iso, format.batchItems ?? BATCH_ITEMS, format.batchBytes ?? BATCH_BYTES);
  }

  /** Starts generation `gen` at the start of `opts`; a recording that cannot be read is the first batch's error. */
  open(gen: number, opts: EventReadOptions): void {
    this.close();
    this.gen = gen;
    this.finished = false;
    this.pending = null;
    this.batcher.reset(); // nothing of the previous generation
    try {
      if (this.recordings.length === 1) this.cursor = this.recordings[0]!.cursor(opts);
      else {
        this.merge = new EventMerge(this.recordings);
        this.merge.open(opts);
      }
    } catch (e) {
      this.pending = e;
    }
  }

  private pending: unknown = null;

  /** Buffers of a used batch, for the next batches (LineBatcher.recycle). */
  recycle(buffers: BatchBuffers): void {
    this.batcher.recycle(buffers);
  }

  /** Nothing more to make at this generation. */
  get done(): boolean {
    return this.finished;
  }

  /**
   * The next batch. A read error ends the batch after the last good event; the batch (possibly
   * empty) comes with the error, and nothing follows it.
   */
  next(): { batch: LineBatch; error: unknown; problems: ReadProblem[][] | null } {
    let error: unknown = this.pending;
    this.pending = null;
    let last = error !== null;
    if (!last) {
      try {
        last = this.cursor === null ? this.fillFromMerge(this.merge!) : this.fillFrom(this.cursor);
      } catch (e) {
        error = e;
        last = true;
      }
    }
    let problems: ReadProblem[][] | null = null;
    if (last) {
      const cursor = this.cursor;
      const merge = this.merge;
      const cursorProblems = cursor !== null ? [...cursor.problems] : null;
      this.close(); // a merge's sources collect their cursors' problems as they close
      problems = cursorProblems !== null ? [cursorProblems] : (merge?.sources.map((src) => src.problems) ?? null);
    }
    // A batch cut short by an error is not the last word: the error follows it (the feed must
    // not see the range as exhausted in between).
    return { batch: this.batcher.take(this.gen, last && error === null), error, problems };
  }

  /** Fills the batch from one recording's cursor; true at its end. */
  private fillFrom(cursor: EventCursor): boolean {
    const batcher = this.batcher;
    for (;;) {
      const full = batcher.addNext(cursor, 0);
      if (full === null) return true;
      if (full) return false;
    }
  }

  /** Fills the batch from the merge; true at its end. */
  private fillFromMerge(merge: EventMerge): boolean {
    for (;;) {
      const src = merge.peek();
      if (src === null) return true;
      if (this.batcher.add(merge.take(src), src.index)) return false;
    }
  }

  close(): void {
    this.merge?.close();
    this.merge = null;
    this.cursor?.close();
    this.cursor = null;
    this.finished = true;
  }
}

/** One producing step: the next batch as messages (the batch, then its error if reading failed). */
function step(source: LineSource): ProducerMessage[] {
  const { batch, error, problems } = source.next();
  if (error === null) return [{ kind: 'batch', batch, problems }];
  return [
    { kind: 'batch', batch, problems: null },
    { kind: 'error', gen: batch.gen, error: toWireError(error), problems },
  ];
}

/** Runs a LineSource on the calling thread: each credit makes its batch at once (see the module comment). */
export class LocalLineProducer implements LineProducer {
  private gen = -1;
  private credits = 0;
  private busy = false;

  constructor(
    private readonly source: LineSource,
    private readonly receive: (m: ProducerMessage) => void,
  ) {}

  /** A factory for a LineFeed: the recordings read on this thread. */
  static factory(recordings: readonly Recording[], format: LineFormat): LineProducerFactory {
    return (receive) => new LocalLineProducer(new LineSource(recordings, format), receive);
  }

  open(gen: number, opts: EventReadOptions, credits: number): void {
    this.gen = gen;
    this.credits = credits;
    this.source.open(gen, opts);
    this.run();
  }

  credit(gen: number, n: number): void {
    if (gen !== this.gen) return;
    this.credits += n;
    this.run();
  }

  recycle(buffers: BatchBuffers): void {
    this.source.recycle(buffers);
  }

  private run(): void {
    // A feed that credits from inside receive() must not start a second loop.
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.credits > 0 && !this.source.done) {
        this.credits--;
        const gen = this.gen;
        for (const m of step(this.source)) {
          this.receive(m);
          if (this.gen !== gen) break;
        }
      }
    } finally {
      this.busy = false;
    }
  }

  close(): void {
    this.source.close();
  }
}

/** What line-worker.ts is started with. */
export interface LineWorkerData {
  dirs: string[];
  chunkBytes: number | undefined;
  format: LineFormat;
  /** Where the worker posts its messages when polled (else its parent port). */
  port?: MessagePort;
}

/** What the feed sends the worker. */
export type LineWorkerCommand =
  | { kind: 'open'; gen: number; opts: EventReadOptions; credits: number }
  | { kind: 'credit'; gen: number; n: number }
  | { kind: 'recycle'; buffers: BatchBuffers }
  | { kind: 'close' };

/**
 * A factory for a LineFeed: the recordings in `dirs` read by a worker thread (line-worker.ts).
 * `polled`: the worker's messages wait on a port until the producer's poll() takes them, on the
 * calling thread, synchronously (a consumer that never yields to the event loop: see
 * line-share.ts); the worker then does not keep the process alive.
 */
export function workerLineProducer(dirs: readonly string[], format: LineFormat, chunkBytes?: number, options: { polled?: boolean } = {}): LineProducerFactory {
  return (receive) => {
    const data: LineWorkerData = { dirs: [...dirs], chunkBytes, format };
    const channel = options.polled === true ? new MessageChannel() : null;
    if (channel !== null) data.port = channel.port2;
    const worker = new Worker(new URL('./line-worker.js', import.meta.url), { workerData: data, transferList: channel !== null ? [channel.port2] : [] });
    if (channel !== null) worker.unref();
    let closed = false;
    worker.on('message', (m: ProducerMessage) => {
      if (!closed) receive(m);
    });
    // The worker failing outside its loop (it reports read errors itself, as messages).
    worker.on('error', (e) => {
      if (!closed) receive({ kind: 'error', gen: -1, error: toWireError(e), problems: null });
    });
    worker.on('exit', (code) => {
      if (!closed) receive({ kind: 'error', gen: -1, error: toWireError(new TapedeckError('WORKER_DIED', `the replay's read-ahead worker exited (code ${code})`, { code })), problems: null });
      closed = true;
    });
    const send = (c: LineWorkerCommand): void => {
      if (!closed) worker.postMessage(c);
    };
    const poll = (): void => {
      for (let m = receiveMessageOnPort(channel!.port1); m !== undefined && !closed; m = receiveMessageOnPort(channel!.port1)) receive(m.message as ProducerMessage);
    };
    return {
      open: (gen, opts, credits) => send({ kind: 'open', gen, opts, credits }),
      credit: (gen, n) => send({ kind: 'credit', gen, n }),
      recycle: (buffers) => {
        if (!closed) worker.postMessage({ kind: 'recycle', buffers } satisfies LineWorkerCommand);
      },
      poll: channel !== null ? poll : undefined,
      close: () => {
        if (closed) return;
        closed = true;
        channel?.port1.close();
        void worker.terminate();
      },
    };
  };
}

/** The worker's loop (line-worker.ts calls this with its port): batches as credits allow, a macrotask each so commands get in between. */
export function serveLines(source: LineSource, post: (m: ProducerMessage) => void, onCommand: (handler: (c: LineWorkerCommand) => void) => void): void {
  let gen = -1;
  let credits = 0;
  let scheduled = false;
  const run = (): void => {
    scheduled = false;
    if (credits <= 0 || source.done) return;
    credits--;
    for (const m of step(source)) post(m);
    soon();
  };
  const soon = (): void => {
    if (!scheduled && credits > 0 && !source.done) {
      scheduled = true;
      setImmediate(run);
    }
  };
  onCommand((c) => {
    if (c.kind === 'open') {
      gen = c.gen;
      credits = c.credits;
      source.open(c.gen, c.opts);
      soon();
    } else if (c.kind === 'credit') {
      if (c.gen !== gen) return;
      credits += c.n;
      soon();
    } else if (c.kind === 'recycle') source.recycle(c.buffers);
    else source.close();
  });
}
