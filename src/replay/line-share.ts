/**
 * One recording's JSON lines made by two threads (`export`, `replay --max` to a file or a pipe),
 * each record read, CRC-checked and transcoded by exactly one of them.
 *
 * The split is by byte offsets, decided up front per sealed segment (log/handoff.ts planSpans:
 * blocks of `spanBytes` cut at the footer's index entries, every other one a span the worker may
 * take). This thread reads through its own cursor, which stops at each span: if the worker has
 * claimed the span, this thread waits for its lines (they are usually there already), copies them
 * out in order and the cursor steps over the span with the worker's summary (seqs, ts, chain,
 * counts); if the worker has not started it (it is late, or gone), this thread claims and reads it
 * itself. The worker vouches only for plainly good spans (whole single-frame units, the read's
 * range not ending inside): damage, a torn or cut unit, an atomic batch or the range's end in a
 * span, and this thread reads that span itself, so errors, problems, their file, offset and seq,
 * the lines before them and the exit code are exactly a one-thread read's.
 *
 * One thread only (the plain cursor): a filter beyond type and range (runId, symbols and venues
 * need the decoded event: EventCursor.needsDecode), a follow, fault-injecting file ops, and
 * unsealed segments (no index to cut at: the tail of a recording being written, or a crash's).
 * Several recordings merged (`replay a b --max`) never come here.
 *
 * The worker costs a thread and its start (~0.1 s of CPU), so in mode 'auto' (the CLI's default)
 * it is made only if this thread had a core to itself while it read the first `startAfter`
 * records (util/worker-auto.ts, the one rule import's parse worker uses too). The bytes are the same either way.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { writeRecordJson, type EventCursor, type EventReadOptions, type Recording } from '../events/recording.js';
import type { JsonLineWriter } from '../events/json-line-writer.js';
import { TAG_TYPE, TYPE_TAG, type EventType } from '../events/types.js';
import { realFileOps, type LogRecord, type ReadProblem } from '../log/index.js';
import { planSpans, type Span, type SpanHandoff, type SpanSummary } from '../log/handoff.js';
import type { SegmentMeta } from '../log/segment-file.js';
import { PROBE_RECORDS, startStretch, workerPays, type CoreProbe, type CoreSample, type WorkerMode } from '../util/worker-auto.js';
import { claimSpan, isoLine, newSpanRing, SPAN_CLOSED, SPAN_DONE, SPAN_FREE, SPAN_WANT, SpanLineReader, SpanRing, transcodeOnly, type SpanFilterData, type SpanJob, type SpanLines, type SpanWorkerCommand, type SpanWorkerData } from './span-lines.js';


/** What export and replay --max read lines from: an EventCursor, or a SharedLineCursor. */
export interface JsonLineSource {
  nextJson(out: JsonLineWriter, iso: boolean, newline: boolean): EventType | null;
  /**
   * Lines that are ready as bytes (a worker's), copied into `out` in bulk: at most `maxLines`,
   * stopping once `out` holds `maxBytes` (at least one line), each counted by type into `byType`
   * if given; returns how many (0: the next line is nextJson's). Only newline-ended lines in the
   * iso the source was made with.
   */
  takeLines?(out: JsonLineWriter, maxLines: number, maxBytes: number, byType: Record<EventType, number> | null): number;
  readonly problems: ReadProblem[];
  readonly unknownSkipped: number;
  close(): void;
}

/** The other thread, as this one sees it (workerSpanHelper; tests use one on this thread). */
export interface SpanHelper {
  /** Asks for spans to be read (ids rise). */
  post(jobs: SpanJob[]): void;
  /** This thread is at span `id`: true if it is this thread's to read (not started by the helper, which now never will). */
  claim(id: number): boolean;
  /** The helper's lines of span `id` (which it claimed); null if they do not come in time (the helper is then not used again). */
  result(id: number): SpanLines | null;
  /** Slots of spans before `free` are no longer read by this thread. */
  release(free: number): void;
  /** The id of the span the helper finished last (0: none yet). */
  done(): number;
  close(): void;
}

/** Makes the helper of a read with these filters, reading at most `windowSpans` ahead of this thread. */
export type SpanHelperFactory = (filter: SpanFilterData, iso: boolean, windowSpans: number) => SpanHelper;

/** Default span: ~3,600 bench ticks; each costs a message and a claim, so not much smaller. */
export const SPAN_BYTES = 256 * 1024;

export interface SharedLineOptions {
  /** Bytes of a block (default SPAN_BYTES; cut at index entries, so at least this). */
  spanBytes?: number;
  /** Spans the worker may read ahead of this thread (default 8). */
  windowSpans?: number;
  /**
   * The worker is made once this thread has read this many records (default PROBE_RECORDS: a
   * short read never starts a thread); 0: at once.
   */
  startAfter?: number;
  /**
   * 'on' (default): the worker is made at `startAfter`; 'auto': only if `workerPays` (util/worker-auto.ts)
   * says so of the stretch up to `startAfter` (needs `startAfter` > 0; else as 'on'); 'off': never.
   */
  mode?: WorkerMode;
  /** For 'auto': the readings (default processCoreProbe) and the cores (default os.availableParallelism()). */
  probe?: CoreProbe;
  cores?: number;
  /** The other thread (default: a worker thread, workerSpanHelper). */
  makeHelper?: SpanHelperFactory;
}

/**
 * The lines of `rec` read with `opts`, spans of its sealed segments read by a helper (see the
 * module comment). Use only with newline-ended lines in the `iso` given here.
 */
export class SharedLineCursor implements JsonLineSource, SpanHandoff {
  private readonly cursor: EventCursor;
  private helper: SpanHelper | null = null;
  private readonly makeHelper: SpanHelperFactory;
  private readonly filter: SpanFilterData;
  private readonly spanBytes: number;
  private readonly windowSpans: number;
  private readonly startAfter: number;
  /** Records read, until the helper is made or declined (then -1). */
  private read = 0;
  private nextId = 0;
  /** The current segment's spans as jobs; jobAt: the next this thread reaches; posted: how many were asked of the helper. */
  private jobs: SpanJob[] = [];
  private jobAt = 0;
  private posted = 0;
  /** Lines of spans taken and not yet copied out; the current one and its next line. */
  private readonly taken: SpanLines[] = [];
  private cur: SpanLines | null = null;
  private i = 0;
  /** What the cursor returned (a record, its end or its error) while taken lines were still to go out first. */
  private held: { record: LogRecord | null; error: unknown } | null = null;
  /** Lines taken from the helper, spans it read, spans it declined (tests and benches). */
  linesFromWorker = 0;
  spansTaken = 0;
  spansDeclined = 0;
  /** What 'auto' measured when it decided (null: not decided that way), and whether it made the helper. */
  decidedOn: CoreSample | null = null;
  workerMade = false;
  private readonly mode: WorkerMode;
  /** 'auto': ends the measured stretch that began when this cursor was made. */
  private readonly stretch: (() => CoreSample) | null;

  constructor(
    private readonly rec: Recording,
    opts: EventReadOptions,
    private readonly iso: boolean,
    options: SharedLineOptions = {},
  ) {
    this.spanBytes = options.spanBytes ?? SPAN_BYTES;
    this.windowSpans = options.windowSpans ?? 8;
    this.startAfter = options.startAfter ?? PROBE_RECORDS;
    this.mode = options.mode ?? 'on';
    this.makeHelper = options.makeHelper ?? workerSpanHelper;
    const known = rec.reader.knownTypes;
    this.filter = {
      fromSeq: opts.fromSeq,
      fromTs: opts.fromTs,
      toSeq: opts.toSeq,
      toTs: opts.toTs,
      known: known ? [...known] : null,
      types: opts.types ? opts.types.map((t) => TYPE_TAG[t]) : null,
    };
    this.stretch = this.mode === 'auto' && this.startAfter > 0 ? startStretch(options.probe, options.cores) : null;
    if (this.startAfter <= 0) {
      this.read = -1; // decided now
      if (this.mode !== 'off') this.startHelper();
    }
    this.cursor = rec.cursor({ ...opts, handoff: this });
  }

  get problems(): ReadProblem[] {
    return this.cursor.problems;
  }

  get unknownSkipped(): number {
    return this.cursor.unknownSkipped;
  }

  nextJson(out: JsonLineWriter, iso: boolean, newline: boolean): EventType | null {
    for (;;) {
      if (this.cur !== null) {
        if (this.i < this.cur.n) {
          if (!newline || iso !== this.iso) throw new Error('SharedLineCursor: lines are newline-ended and in the iso it was made with');
          return this.copyLine(out);
        }
        this.cur = null;
        this.release();
      }
      const next = this.taken.shift();
      if (next !== undefined) {
        this.cur = next;
        this.i = 0;
        continue;
      }
      let r: LogRecord | null;
      if (this.held !== null) {
        const h = this.held;
        this.held = null;
        if (h.error !== null) throw h.error;
        r = h.record;
      } else {
        try {
          r = this.cursor.advance();
        } catch (error) {
          // The lines of spans taken before the damage go out first, as one thread would have written them.
          if (this.taken.length === 0) throw error;
          this.held = { record: null, error };
          continue;
        }
        // Spans stepped over on the way to this record: their lines come first (the record stays
        // valid: the cursor is not called until it is written).
        if (this.taken.length > 0) {
          this.held = { record: r, error: null };
          continue;
        }
      }
      if (r === null) return null;
      if (this.read >= 0 && ++this.read >= this.startAfter) {
        this.read = -1; // decided: never again
        if (this.wanted()) this.startHelper();
      }
      return this.cursor.writeJson(r, out, iso, newline);
    }
  }

  takeLines(out: JsonLineWriter, maxLines: number, maxBytes: number, byType: Record<EventType, number> | null): number {
    let k = 0;
    while (k < maxLines && out.length < maxBytes) {
      if (this.cur === null) {
        const next = this.taken.shift();
        if (next === undefined) break;
        this.cur = next;
        this.i = 0;
      }
      const b = this.cur;
      const start = this.i === 0 ? 0 : b.ends[this.i - 1]!;
      const budget = maxBytes - out.length;
      const lim = Math.min(b.n, this.i + (maxLines - k));
      let j = this.i;
      while (j < lim && (j === this.i || b.ends[j]! - start <= budget)) {
        if (byType !== null) byType[TAG_TYPE.get(b.tags[j]!)!]++;
        j++;
      }
      const end = b.ends[j - 1]!;
      out.room(end - start);
      b.bytes.copy(out.buf, out.length, start, end);
      out.length += end - start;
      k += j - this.i;
      this.i = j;
      if (j >= b.n) {
        this.cur = null;
        this.release();
      }
    }
    this.linesFromWorker += k;
    return k;
  }

  private copyLine(out: JsonLineWriter): EventType {
    const b = this.cur!;
    const start = this.i === 0 ? 0 : b.ends[this.i - 1]!;
    const end = b.ends[this.i]!;
    out.room(end - start);
    b.bytes.copy(out.buf, out.length, start, end);
    out.length += end - start;
    const type = TAG_TYPE.get(b.tags[this.i]!)!;
    this.i++;
    this.linesFromWorker++;
    return type;
  }

  /** At `startAfter` records: whether to make the helper (see WorkerMode). */
  private wanted(): boolean {
    if (this.mode === 'off') return false;
    if (this.stretch === null) return true;
    this.decidedOn = this.stretch();
    return workerPays(this.decidedOn);
  }

  private startHelper(): void {
    this.workerMade = true;
    this.helper = this.makeHelper(this.filter, this.iso, this.windowSpans);
    // The spans of the current segment not reached yet.
    this.posted = this.jobAt;
    this.post();
    this.release();
  }

  private post(): void {
    if (this.helper === null || this.posted >= this.jobs.length) return;
    this.helper.post(this.jobs.slice(this.posted));
    this.posted = this.jobs.length;
  }

  /** SpanHandoff: the cursor opens a sealed segment. */
  spans(seg: SegmentMeta, startOffset: number): readonly Span[] {
    const spans = planSpans(seg, startOffset, this.spanBytes);
    const file = path.join(this.rec.dir, seg.name);
    this.jobs = spans.map((span) => ({ id: ++this.nextId, file, span }));
    this.jobAt = 0;
    this.posted = 0;
    this.post();
    return spans;
  }

  /** SpanHandoff: the cursor is at `span` (the next job's). */
  take(span: Span): SpanSummary | null {
    const job = this.jobs[this.jobAt];
    if (job === undefined || job.span !== span) return null;
    const posted = this.jobAt < this.posted;
    this.jobAt++;
    const h = this.helper;
    if (h === null || !posted) return null;
    if (h.claim(job.id)) {
      this.release();
      return null;
    }
    const lines = h.result(job.id);
    if (lines === null) {
      // It did not come: this thread reads the rest alone.
      h.close();
      this.helper = null;
      return null;
    }
    if (lines.summary === null) {
      this.spansDeclined++;
      return null;
    }
    this.spansTaken++;
    if (lines.n > 0) this.taken.push(lines);
    this.release();
    return lines.summary;
  }

  /** Tells the helper which slots this thread still reads: from the first span whose lines are still to go out, or the next to reach. */
  private release(): void {
    const pending = this.cur ?? this.taken[0];
    this.helper?.release(pending !== undefined ? pending.id : (this.jobs[this.jobAt]?.id ?? this.nextId + 1));
  }

  close(): void {
    this.taken.length = 0;
    this.cur = null;
    this.held = null;
    this.helper?.close();
    this.helper = null;
    this.cursor.close();
  }
}

/** How long this thread waits for a span the worker has started before it reads on alone. */
const RESULT_WAIT_MS = 1000;

/**
 * The helper as a worker thread (span-worker.ts), sharing a ring of `windowSpans` + 1 slots with
 * this thread: its lines, claims and completions are read from shared memory (span-lines.ts says
 * why not messages); it does not keep the process alive.
 */
export function workerSpanHelper(filter: SpanFilterData, iso: boolean, windowSpans: number): SpanHelper {
  const ring = new SpanRing(newSpanRing(windowSpans + 1));
  const cells = ring.cells;
  const data: SpanWorkerData = { ring: ring.data, filter, iso, chunkBytes: 1 << 20 };
  const worker = new Worker(new URL('./span-worker.js', import.meta.url), { workerData: data });
  worker.unref();
  worker.on('error', () => {}); // seen as lines that do not come
  let closed = false;
  return {
    post: (jobs) => {
      if (!closed) worker.postMessage({ kind: 'jobs', jobs } satisfies SpanWorkerCommand);
    },
    claim: (id) => claimSpan(cells, id),
    result: (id) => {
      const t0 = performance.now();
      for (;;) {
        const done = Atomics.load(cells, SPAN_DONE);
        if (done >= id) return ring.lines(id);
        const left = RESULT_WAIT_MS - (performance.now() - t0);
        if (left <= 0) return null;
        Atomics.wait(cells, SPAN_DONE, done, left);
      }
    },
    done: () => Atomics.load(cells, SPAN_DONE),
    release: (free) => {
      Atomics.store(cells, SPAN_FREE, free);
      const want = Atomics.load(cells, SPAN_WANT);
      if (want !== 0 && free >= want) Atomics.notify(cells, SPAN_FREE);
    },
    close: () => {
      if (closed) return;
      closed = true;
      Atomics.store(cells, SPAN_CLOSED, 1);
      Atomics.notify(cells, SPAN_FREE);
      void worker.terminate();
    },
  };
}

/** A helper on this thread (tests): claims a span when `claims(id)` says so, and reads it when asked for its result. */
export function localSpanHelper(claims: (id: number) => boolean, filter: SpanFilterData, iso: boolean, windowSpans: number): SpanHelper {
  const ring = new SpanRing(newSpanRing(windowSpans + 1));
  const reader = new SpanLineReader(ring, filter, iso ? isoLine(writeRecordJson) : transcodeOnly);
  const jobs = new Map<number, SpanJob>();
  return {
    post: (posted) => {
      for (const job of posted) {
        jobs.set(job.id, job);
        // The helper "starts" the spans it claims as they are posted.
        if (claims(job.id)) claimSpan(ring.cells, job.id);
      }
    },
    claim: (id) => claimSpan(ring.cells, id),
    result: (id) => {
      const job = jobs.get(id);
      if (job === undefined) return null;
      reader.read(job);
      return ring.lines(id);
    },
    release: () => {},
    done: () => 0,
    close: () => reader.close(),
  };
}

/**
 * The lines of `rec` read with `opts`: shared with a worker thread when the read can be shared
 * (see the module comment), else the plain cursor.
 */
export function shareLines(rec: Recording, opts: EventReadOptions, iso: boolean, options: SharedLineOptions = {}): JsonLineSource {
  const plain = options.mode === 'off' || opts.follow === true || (opts.runId !== undefined || (opts.symbols?.length ?? 0) > 0 || (opts.venues?.length ?? 0) > 0) || rec.reader.ops !== realFileOps;
  if (plain) return rec.cursor(opts);
  return new SharedLineCursor(rec, opts, iso, options);
}
