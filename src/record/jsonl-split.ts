/**
 * A JSONL import on two threads. The file is cut at line starts into pieces that alternate
 * between the main thread and a parse worker (jsonl-worker.ts): in each round of `roundBytes`,
 * the main thread reads, parses and writes its piece the usual way (recordJsonlLine), while the
 * worker reads a later piece and turns its canonical tick lines into runs of whole log frames,
 * sealed with seq 0 (tick-batch.ts). The main thread then writes the worker's piece in order: a
 * run whose first ts the recording accepts at that point goes into the log as it is, each frame
 * given its seq (Recorder.writeTickFrames, Log.writeFrameRun), any other line goes through the same per-line code as a one-thread import, with its line number
 * (the piece's lines after those before it). So seq, ts, rejects, --strict and line numbers come
 * out exactly as on one thread (test/record-jsonl-split.test.ts compares the recordings byte for
 * byte); only the log's append stays serial.
 *
 * Why the main thread takes part of the parsing: writing a framed tick costs it a fraction of
 * reading one, so with the whole file parsed by the worker the main thread would wait on it. The
 * main thread's share of each round, MAIN_SHARE, balances the two threads (per-thread CPU
 * measured: see the commit that set it). Only a regular, uncompressed file is split, by default
 * ('auto') only one of at least SPLIT_MIN_BYTES, and then the worker is made only if the main thread
 * had a core to itself while it read the first PROBE_RECORDS lines (util/worker-auto.ts, the one
 * rule export's worker uses too); declined, the main thread reads every piece itself. Stdin, pipes
 * and gzip are read on one thread.
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fromWireError, IoError, type WireError } from '../errors.js';
import type { TsUnit } from '../events/ts.js';
import { openInput, type Line } from './input.js';
import type { Recorder } from './recorder.js';
import { JsonlSink, positionOf, recordJsonlLine, type LoopOptions } from './sources.js';
import { readI64 } from '../log/format.js';
import { PROBE_RECORDS, startStretch, workerPays, type CoreProbe, type CoreSample, type WorkerMode } from '../util/worker-auto.js';
import { ITEM_RUN, RunTicks, TickBatchReader, type TickBatch } from './tick-batch.js';

/** Files under this size are read on one thread. */
export const SPLIT_MIN_BYTES = 8 * 1024 * 1024;
/** Bytes per round of main piece + worker piece. */
export const SPLIT_ROUND_BYTES = 32 * 1024 * 1024;
/** The main thread's share of a round. */
export const MAIN_SHARE = 0.45;
/** A batch's slot of shared memory: an input read of 256 KiB makes ~400 KiB of items. */
const SLOT_BYTES = 512 * 1024;
/** Slots, i.e. batches the worker may be ahead by (32 MiB of encoded ticks with their text). */
const SLOT_COUNT = 64;

/** A piece of the file: bytes [startBytes, endBytes), read by the main thread or the worker. */
export interface Piece {
  startBytes: number;
  endBytes: number;
  worker: boolean;
}

export interface ParseWorkerData {
  file: string;
  pieces: { startBytes: number; endBytes: number }[];
  maxLineBytes: number | undefined;
  tsUnit: TsUnit | undefined;
  slots: SharedArrayBuffer;
  slotBytes: number;
  slotCount: number;
}

export type ParseWorkerMessage =
  | { kind: 'batch'; piece: number; slot: number; bytes: number; lines: Line[]; bytesRead: number }
  | { kind: 'end'; piece: number; lines: number }
  | { kind: 'error'; error: WireError };

/** A batch written: its slot goes back to the worker to be filled again. */
export type ParseWorkerCommand = { kind: 'free'; slot: number };

export interface SplitOptions {
  /** 'auto' (default): plan pieces for a regular uncompressed file of SPLIT_MIN_BYTES or more,
   * and make the worker if `workerPays` (util/worker-auto.ts) says so of the first PROBE_RECORDS
   * lines; 'on': split any regular uncompressed file; 'off': one thread. The recording is the same
   * byte for byte either way. */
  parseWorker?: WorkerMode;
  /** For 'auto': the readings (default processCoreProbe) and the cores (default os.availableParallelism()); tests inject them. */
  probe?: CoreProbe;
  cores?: number;
  /** Bytes per round (default SPLIT_ROUND_BYTES); small values make many pieces (tests). */
  roundBytes?: number;
  /** Bytes per batch slot (default SLOT_BYTES); small values make the worker's lines overflow a slot mid-read (tests). */
  slotBytes?: number;
}

/**
 * The pieces of `file` for a split import, or null when it is read on one thread (stdin, not a
 * regular file, gzip, 'off', under SPLIT_MIN_BYTES in 'auto' (a worker costs tens of ms to
 * start), or one piece only). In 'auto' the worker may still be declined at run time (splitJsonl).
 */
export function planPieces(file: string, opts: SplitOptions = {}): Piece[] | null {
  const mode = opts.parseWorker ?? 'auto';
  if (mode === 'off' || file === '-') return null;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null; // the one-thread path reports it
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size === 0 || (mode === 'auto' && st.size < SPLIT_MIN_BYTES)) return null;
    const head = Buffer.alloc(2);
    if (fs.readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b) return null;
    // A file under a round is one round: the worker still gets its share.
    const round = opts.roundBytes ?? Math.min(SPLIT_ROUND_BYTES, st.size);
    const pieces: Piece[] = [];
    let at = 0;
    const mainBytes = Math.max(1, Math.round(MAIN_SHARE * round));
    const workerBytes = Math.max(1, round - mainBytes);
    // Each piece ends at the first line start at or after its nominal size: never empty.
    while (at < st.size) {
      const mainEnd = lineStartFrom(fd, at + mainBytes, st.size);
      pieces.push({ startBytes: at, endBytes: mainEnd, worker: false });
      if (mainEnd === st.size) break;
      const workerEnd = lineStartFrom(fd, mainEnd + workerBytes, st.size);
      pieces.push({ startBytes: mainEnd, endBytes: workerEnd, worker: true });
      at = workerEnd;
    }
    return pieces.length > 1 ? pieces : null;
  } finally {
    fs.closeSync(fd);
  }
}

/** The first line start at or after `at` (just after a newline; `size` when there is none). */
function lineStartFrom(fd: number, at: number, size: number): number {
  if (at <= 0) return 0;
  if (at >= size) return size;
  const b = Buffer.allocUnsafe(64 * 1024);
  for (let pos = at - 1; pos < size; ) {
    const n = fs.readSync(fd, b, 0, Math.min(b.length, size - pos), pos);
    if (n <= 0) return size;
    const nl = b.subarray(0, n).indexOf(0x0a);
    if (nl >= 0) return pos + nl + 1;
    pos += n;
  }
  return size;
}

export interface SplitRun {
  /** Bytes of the file read so far (in order: the pieces written). */
  readonly bytesRead: number;
  /** Whether the parse worker was made; what 'auto' measured when it decided (null: not decided that way). */
  readonly workerMade: boolean;
  readonly decidedOn: CoreSample | null;
  /** Stops the worker and any read in progress. */
  close(): void;
  run(): Promise<void>;
}

/**
 * A split import of `file` into `rec` (whose readsCanonicalTicks must be true) over `pieces`
 * (planPieces). Call run() once; close() always (also after a failure). `parseWorker` 'auto'
 * (default 'on' here): the worker is made only if `workerPays` of the stretch in which the main
 * thread reads the first PROBE_RECORDS lines of its first piece (or the whole piece, if shorter);
 * declined, the main thread reads the worker's pieces too, the one-thread way.
 */
export function splitJsonl(
  rec: Recorder,
  file: string,
  pieces: readonly Piece[],
  opts: LoopOptions & { maxLineBytes?: number; tsUnit?: TsUnit; slotBytes?: number } & Pick<SplitOptions, 'parseWorker' | 'probe' | 'cores'>,
): SplitRun {
  const slotBytes = opts.slotBytes ?? SLOT_BYTES;
  let done = 0;
  let current = 0;
  let closeCurrent: (() => void) | null = null;
  const data: ParseWorkerData = {
    file,
    pieces: pieces.filter((p) => p.worker).map((p) => ({ startBytes: p.startBytes, endBytes: p.endBytes })),
    maxLineBytes: opts.maxLineBytes,
    tsUnit: opts.tsUnit,
    slots: new SharedArrayBuffer(slotBytes * SLOT_COUNT),
    slotBytes,
    slotCount: SLOT_COUNT,
  };
  const slotViews = Array.from({ length: SLOT_COUNT }, (_, i) => Buffer.from(data.slots, i * slotBytes, slotBytes));
  let feed: WorkerFeed | null = null;
  let closed = false;
  const startWorker = () => {
    if (!closed) feed = new WorkerFeed(new Worker(new URL('./jsonl-worker.js', import.meta.url), { workerData: data }), file);
  };
  const auto = opts.parseWorker === 'auto';
  let decidedOn: CoreSample | null = null;
  if (!auto) startWorker();
  return {
    get bytesRead() {
      return done + current;
    },
    get workerMade() {
      return feed !== null;
    },
    get decidedOn() {
      return decidedOn;
    },
    close() {
      closed = true;
      closeCurrent?.();
      feed?.close();
    },
    async run() {
      let linesBefore = 0;
      let workerPiece = 0;
      // 'auto': the stretch the rule measures, from here to the first PROBE_RECORDS lines.
      let stretch = auto ? startStretch(opts.probe, opts.cores) : null;
      const decide = () => {
        decidedOn = stretch!();
        stretch = null;
        if (workerPays(decidedOn)) startWorker();
      };
      for (const p of pieces) {
        // Declined: the worker's pieces are read here, as one thread reads them.
        if (!p.worker || (feed === null && stretch === null)) {
          const src = openInput(file, undefined, { maxLineBytes: opts.maxLineBytes, range: { ...p, linesBefore } });
          closeCurrent = () => src.close();
          try {
            const sink = new JsonlSink(rec);
            while (await src.nextInto(sink)) {
              linesBefore = sink.lastNo;
              current = src.bytesRead;
              if (stretch !== null && linesBefore >= PROBE_RECORDS) decide();
              opts.onBatch?.();
              if (opts.signal?.aborted) return;
            }
          } finally {
            src.close();
            closeCurrent = null;
          }
          if (stretch !== null) decide();
        } else {
          for (;;) {
            const m = await feed!.next();
            if (m.piece !== workerPiece) throw new Error(`parse worker: piece ${m.piece} where ${workerPiece} was due`);
            if (m.kind === 'end') {
              linesBefore += m.lines;
              workerPiece++;
              break;
            }
            writeBatch(rec, { buf: slotViews[m.slot]!, bytes: m.bytes, lines: m.lines }, linesBefore);
            feed!.free(m.slot);
            current = m.bytesRead;
            opts.onBatch?.();
            if (opts.signal?.aborted) return;
          }
        }
        done += p.endBytes - p.startBytes;
        current = 0;
      }
    },
  };
}

/**
 * The worker's batch, in order. A run of ticks whose first ts the recorder accepts now goes into
 * the log as it is (its ts never go back); otherwise its ticks go line by line through writeLine
 * until one is accepted, and the rest of the run from there as frames.
 */
function writeBatch(rec: Recorder, batch: TickBatch, linesBefore: number): void {
  const r = new TickBatchReader(batch);
  const b = batch.buf;
  for (let kind = r.next(); kind >= 0; kind = r.next()) {
    if (kind === ITEM_RUN) {
      if (rec.acceptsParsedTick(readI64(b, r.framesStart + 14))) {
        rec.writeTickFrames(b, r.framesStart, r.framesEnd, r.count, r.lineBytes);
        continue;
      }
      const t = new RunTicks(b, r);
      let lineBytes = r.lineBytes;
      for (let k = 0; k < r.count; k++) {
        if (rec.acceptsParsedTick(readI64(b, t.frameAt + 14))) {
          rec.writeTickFrames(b, t.frameAt, r.framesEnd, r.count - k, lineBytes);
          break;
        }
        lineBytes -= t.textBytes + 1;
        rec.writeLine(t.text(), positionOf(linesBefore + t.lineNo));
        t.skip();
      }
    } else {
      recordJsonlLine(rec, lineAfter(r.line!, linesBefore));
    }
  }
}

/** A worker's line as the main thread's splitter would have made it: numbered in the file, its
 * problem bytes a Buffer again (they cross the thread as a Uint8Array). */
function lineAfter(l: Line, linesBefore: number): Line {
  const out: Line = { text: l.text, no: linesBefore + l.no };
  if (l.problem !== undefined) {
    const raw = l.problem.raw as Uint8Array;
    out.problem = { ...l.problem, raw: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength) };
  }
  return out;
}

type Batch = Extract<ParseWorkerMessage, { kind: 'batch' | 'end' }>;

/** The worker's messages as a queue the main thread awaits; its failure as an error. */
class WorkerFeed {
  private queue: Batch[] = [];
  private waiting: { resolve: (m: Batch) => void; reject: (e: unknown) => void } | null = null;
  private failure: unknown = null;
  private closed = false;

  constructor(
    private readonly worker: Worker,
    private readonly file: string,
  ) {
    worker.on('message', (m: ParseWorkerMessage) => {
      if (m.kind === 'error') this.fail(fromWireError(m.error));
      else if (this.waiting !== null) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(m);
      } else this.queue.push(m);
    });
    worker.on('error', (e) => this.fail(new IoError(file, 'the parse worker failed', e)));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(new IoError(file, `the parse worker stopped (exit code ${code})`, new Error('worker exit')));
    });
  }

  next(): Promise<Batch> {
    const m = this.queue.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  free(slot: number): void {
    if (!this.closed) this.worker.postMessage({ kind: 'free', slot } satisfies ParseWorkerCommand);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker.terminate();
  }

  private fail(e: unknown): void {
    if (this.failure !== null || this.closed) return;
    this.failure = e;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(e);
  }
}
