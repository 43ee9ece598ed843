/**
 * One recording's JSON lines made by two threads (`export`, `replay --max` to a file or a pipe):
 * the records are split into blocks by seq, and a worker (the line producer of line-producer.ts,
 * in share mode) transcodes the blocks `workerTakes` gives it while this thread transcodes the
 * others. This thread still reads every record through its own cursor, with every check the
 * reader makes, and writes the lines strictly in order:
 * - a record of a worker block takes the worker's line for that seq when it has arrived (the same
 *   bytes: the worker writes it with the same EventCursor.writeJson);
 * - when it has not (the worker is starting, behind, failed or gone), this thread writes the line
 *   itself, so the worker only ever saves time: it is never waited for and nothing depends on it.
 *   A worker found behind (a batch arrives wholly before this thread's position: it started late,
 *   or gets less of a core) is moved ahead: reopened `leadBlocks` blocks past this thread, twice
 *   as far at each further reopen (up to 32x): a worker that fell behind once (its thread and
 *   modules take ~0.1 s to start, ~100K records of this thread's progress) otherwise tends to be
 *   behind again by the time its first batch is made, reopen after reopen, and save nothing.
 * Errors, torn tails, unknown records and counts are therefore this thread's cursor's, exactly as
 * with one thread; the worker's own errors only end its help.
 *
 * Only without a filter beyond type and range (runId, symbols and venues need the decoded event to
 * know whether a record is in: EventCursor.needsDecode) and not following a growing log; shareLines
 * hands back the plain cursor otherwise.
 *
 * The worker costs CPU (both threads read and check every record), so it only pays with a core to
 * spare: in mode 'auto' (the CLI's default) it is made only if this thread had a core to itself
 * while it read the first `startAfter` records (share-rule.ts workerPays); on a contended machine
 * the read stays on one thread. The bytes are the same either way.
 */
import type { EventCursor, EventReadOptions, Recording } from '../events/recording.js';
import type { JsonLineWriter } from '../events/json-line-writer.js';
import { TAG_TYPE, type EventType } from '../events/types.js';
import type { ReadProblem } from '../log/index.js';
import { batchBuffers, type LineBatch } from './line-batch.js';
import { workerLineProducer, type LineProducer, type LineProducerFactory, type ProducerMessage } from './line-producer.js';
import { availableParallelism } from 'node:os';
import { DEFAULT_LINE_SHARE, workerPays, workerTakes, type CoreSample, type LineShare, type ShareMode } from './share-rule.js';

export { CPU_SHARE_MIN, DEFAULT_LINE_SHARE, workerPays, workerTakes, type CoreSample, type LineShare, type ShareMode } from './share-rule.js';

/** Cumulative readings of the process's CPU time and of the wall clock, in ms (what 'auto' compares). */
export type CoreProbe = () => { cpuMs: number; wallMs: number };

/** The real probe: process.cpuUsage() and performance.now(). */
export const processCoreProbe: CoreProbe = () => {
  const u = process.cpuUsage();
  return { cpuMs: (u.user + u.system) / 1000, wallMs: performance.now() };
};

/** What export and replay --max read lines from: an EventCursor, or a SharedLineCursor around one. */
export interface JsonLineSource {
  nextJson(out: JsonLineWriter, iso: boolean, newline: boolean): EventType | null;
  readonly problems: ReadProblem[];
  readonly unknownSkipped: number;
  close(): void;
}

export interface SharedLineOptions {
  share?: LineShare;
  /** Batches the worker may have made and not yet used (default 16). */
  windowBatches?: number;
  /** How far ahead of this thread a worker found behind is reopened, in blocks (default 8; doubled at each further reopen, up to 32x). */
  leadBlocks?: number;
  /**
   * The worker is made once this thread has read this many records (default 8192: a short read
   * never starts a thread), and opened `leadBlocks` ahead of it; 0: at once, from the start.
   */
  startAfter?: number;
  /**
   * 'on' (default): the worker is made at `startAfter`; 'auto': only if `workerPays` (share-rule.ts)
   * says so of the stretch up to `startAfter` (needs `startAfter` > 0; else as 'on'); 'off': never.
   */
  mode?: ShareMode;
  /** For 'auto': the readings (default processCoreProbe) and the cores (default os.availableParallelism()). */
  probe?: CoreProbe;
  cores?: number;
}

/** How many times leadBlocks a reopen's lead grows to at most. */
const LEAD_GROWTH_MAX = 32;

/**
 * The lines of `cursor` (opened with `opts`), with the worker blocks' lines taken from a producer
 * made by `makeProducer` (workerLineProducer in share mode, with the same options, iso and share).
 */
export class SharedLineCursor implements JsonLineSource {
  private readonly share: LineShare;
  private producer: LineProducer | null = null;
  private readonly makeProducer: LineProducerFactory;
  private readonly startAfter: number;
  /** Records read, until the worker is made or declined (then -1). */
  private read = 0;
  private readonly opts: EventReadOptions;
  private readonly windowBatches: number;
  /** The lead of the next (re)open, in blocks: leadBlocks, doubled at each reopen up to LEAD_GROWTH_MAX times it. */
  private lead: number;
  private readonly leadMax: number;
  /** The producer's generation: each reopen starts one; batches of older ones are dropped. */
  private gen = 0;
  /** After a poll found nothing, the next seq worth polling again for (a block later). */
  private pollFrom = -1;
  private readonly queue: LineBatch[] = [];
  private cur: LineBatch | null = null;
  /** `cur`'s bytes as a Buffer (for Buffer.copy into the output). */
  private curBytes: Buffer | null = null;
  private i = 0;
  /** No more batches will come (the worker ended, failed or was closed). */
  private producerDone = false;
  /** Lines taken from the worker, and times it was found behind and moved ahead (tests and benches). */
  linesFromWorker = 0;
  reopens = 0;
  /** What 'auto' measured when it decided (null: not decided that way), and whether it made the worker. */
  decidedOn: CoreSample | null = null;
  workerMade = false;
  private readonly mode: ShareMode;
  private readonly probe: CoreProbe;
  private readonly cores: number;
  private readonly probeStart: { cpuMs: number; wallMs: number } | null;

  constructor(
    private readonly cursor: EventCursor,
    opts: EventReadOptions,
    private readonly iso: boolean,
    makeProducer: LineProducerFactory,
    options: SharedLineOptions = {},
  ) {
    this.share = options.share ?? DEFAULT_LINE_SHARE;
    this.opts = opts;
    this.windowBatches = options.windowBatches ?? 16;
    this.lead = options.leadBlocks ?? 8;
    this.leadMax = this.lead * LEAD_GROWTH_MAX;
    this.makeProducer = makeProducer;
    this.startAfter = options.startAfter ?? 8192;
    this.mode = options.mode ?? 'on';
    this.probe = options.probe ?? processCoreProbe;
    this.cores = options.cores ?? availableParallelism();
    this.probeStart = this.mode === 'auto' && this.startAfter > 0 ? this.probe() : null;
    if (this.startAfter <= 0 && this.mode !== 'off') {
      this.workerMade = true;
      this.producer = makeProducer((m) => this.receive(m));
      this.producer.open(0, opts, this.windowBatches);
    }
  }

  /** At `startAfter` records: whether to make the worker (see ShareMode). */
  private wanted(): boolean {
    if (this.mode === 'off') return false;
    if (this.probeStart === null) return true;
    const now = this.probe();
    this.decidedOn = { cpuMs: now.cpuMs - this.probeStart.cpuMs, wallMs: now.wallMs - this.probeStart.wallMs, cores: this.cores };
    return workerPays(this.decidedOn);
  }

  get problems(): ReadProblem[] {
    return this.cursor.problems;
  }

  get unknownSkipped(): number {
    return this.cursor.unknownSkipped;
  }

  get lastTs(): bigint {
    return this.cursor.lastTs;
  }

  get lastSeq(): number {
    return this.cursor.lastSeq;
  }

  nextJson(out: JsonLineWriter, iso: boolean, newline: boolean): EventType | null {
    const r = this.cursor.advance();
    if (r === null) return null;
    if (this.producer === null && this.read >= 0 && ++this.read >= this.startAfter) {
      this.read = -1; // decided: never again
      if (this.wanted()) {
        this.workerMade = true;
        this.producer = this.makeProducer((m) => this.receive(m));
        this.openAhead(r.seq);
      }
    }
    // The worker's lines end in '\n' and follow its iso: anything else is this thread's.
    if (this.producer !== null && newline && iso === this.iso && workerTakes(this.share, r.seq) && this.copyLine(r.seq, out)) return TAG_TYPE.get(r.type)!;
    return this.cursor.writeJson(r, out, iso, newline);
  }

  /** Copies the worker's line of `seq` into `out`; false if it is not there (yet). */
  private copyLine(seq: number, out: JsonLineWriter): boolean {
    for (;;) {
      const b = this.cur;
      if (b === null || this.i >= b.n) {
        if (seq < this.pollFrom || !this.nextBatch(seq)) return false;
        continue;
      }
      const s = b.seq[this.i]!;
      // Lines of records this thread wrote itself while the worker was behind.
      if (s < seq) {
        this.i++;
        continue;
      }
      if (s > seq) return false;
      const start = this.i === 0 ? 0 : b.ends[this.i - 1]!;
      const end = b.ends[this.i]!;
      out.room(end - start);
      this.curBytes!.copy(out.buf, out.length, start, end);
      out.length += end - start;
      this.i++;
      this.linesFromWorker++;
      return true;
    }
  }

  /** Moves to the next batch that has arrived (polling the worker's port) with lines for `seq` on; false if none has. */
  private nextBatch(seq: number): boolean {
    this.drop();
    for (;;) {
      if (this.producer === null) return false;
      if (this.queue.length === 0 && !this.producerDone) this.producer.poll?.();
      const b = this.queue.shift();
      if (b === undefined) break;
      if (b.seq[b.n - 1]! >= seq) return this.use(b);
      // Wholly behind this thread: the worker is moved ahead (once per generation).
      this.producer.credit(b.gen, 1);
      if (b.gen === this.gen && !this.producerDone) this.reopen(seq);
    }
    this.pollFrom = (Math.floor(seq / this.share.blockRecords) + 1) * this.share.blockRecords;
    return false;
  }

  private reopen(seq: number): void {
    this.reopens++;
    this.lead = Math.min(this.lead * 2, this.leadMax);
    this.openAhead(seq);
  }

  /** (Re)opens the producer `lead` blocks past `seq`, as a new generation. */
  private openAhead(seq: number): void {
    this.gen++;
    this.queue.length = 0;
    const fromSeq = (Math.floor(seq / this.share.blockRecords) + this.lead) * this.share.blockRecords;
    this.producer!.open(this.gen, { ...this.opts, fromSeq }, this.windowBatches);
  }

  /** Done with the current batch: its credit goes back, and its buffers (its lines were copied: nothing reads them). */
  private drop(): void {
    if (this.cur === null) return;
    if (!this.producerDone) {
      this.producer!.credit(this.cur.gen, 1);
      this.producer!.recycle?.(batchBuffers(this.cur));
    }
    this.cur = null;
    this.curBytes = null;
  }

  private use(b: LineBatch): boolean {
    this.cur = b;
    this.curBytes = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
    this.i = 0;
    return true;
  }

  private receive(m: ProducerMessage): void {
    if (m.kind === 'batch') {
      if (m.batch.gen !== this.gen) return;
      if (m.batch.n > 0) this.queue.push(m.batch);
      else if (!m.batch.last) this.producer!.credit(m.batch.gen, 1);
      if (m.batch.last) this.producerDone = true;
    } else if (m.gen === this.gen || m.gen === -1) this.producerDone = true; // its error is this thread's cursor's to meet (or not)
  }

  close(): void {
    this.producerDone = true;
    this.queue.length = 0;
    this.cur = null;
    this.curBytes = null;
    this.producer?.close();
    this.cursor.close();
  }
}

/**
 * The lines of `cursor` (just opened on `rec` with `opts`): shared with a worker thread (polled:
 * see workerLineProducer) when the read can be shared, else the cursor itself.
 */
export function shareLines(rec: Recording, cursor: EventCursor, opts: EventReadOptions, iso: boolean, options: SharedLineOptions & { makeProducer?: LineProducerFactory } = {}): JsonLineSource {
  if (cursor.needsDecode || opts.follow === true || options.mode === 'off') return cursor;
  const share = options.share ?? DEFAULT_LINE_SHARE;
  const make = options.makeProducer ?? workerLineProducer([rec.dir], { iso, share, batchItems: share.blockRecords }, undefined, { polled: true });
  return new SharedLineCursor(cursor, opts, iso, make, { ...options, share });
}
