/**
 * Book keyframes: the books of a recording saved every so often (a snapshot store in
 * `<recording>/keyframes/`, docs/FORMAT.md §15), so the books as of any instant are the newest
 * keyframe at or before it plus the short tail of book events after it, never a rebuild from the
 * start. Keyframes are derived data: the digest and verify never read them, `--rebuild` deletes
 * and rewrites them from the log, and a damaged one is skipped (with a warning) for an older one.
 *
 * Where they go: on a grid of `everyNs` in recording time. Before the first book or system event
 * with ts at or past the next grid line, the state as of the event before it is saved (seq = the
 * last event applied). The grid is absolute (multiples of everyNs since the epoch), so writing
 * keyframes as a recording is made and writing them afterwards give the same keyframes.
 */
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { openRecording, type Recording } from '../events/recording.js';
import { restoreSnapshot } from '../events/state.js';
import type { TapeEvent } from '../events/types.js';
import { SnapshotStore, type SnapshotMeta, type SnapshotWarning } from '../log/index.js';
import { BookBuilder } from './book-builder.js';

export const KEYFRAMES_DIR = 'keyframes';
/** The default spacing: one keyframe per minute of recording time. */
export const KEYFRAME_EVERY_NS_DEFAULT = 60_000_000_000n;
const BOOK_TYPES = ['book', 'system'] as const;

export function keyframeStore(recordingDir: string, opts: { onWarning?: (w: SnapshotWarning) => void } = {}): SnapshotStore {
  return new SnapshotStore(path.join(recordingDir, KEYFRAMES_DIR), opts);
}

export interface KeyframeOptions {
  everyNs?: bigint;
  /** Delete every keyframe first and write them all from the start of the log. */
  rebuild?: boolean;
  onWarning?: (w: SnapshotWarning) => void;
}

export interface KeyframeReport {
  dir: string;
  everyNs: bigint;
  /** Keyframes written by this call. */
  written: { seq: number; tsNs: bigint; bytes: number }[];
  /** Where the walk started: after this keyframe's seq (null: the start of the log). */
  resumedFrom: number | null;
  /** Keyframes in the store afterwards. */
  total: number;
}

function checkEvery(everyNs: bigint): void {
  if (everyNs <= 0n) throw new TapedeckError('BAD_ARGUMENT', `keyframe spacing must be > 0, got ${everyNs} ns`);
}

/** The next grid line strictly after ts. */
export function nextGridLine(ts: bigint, everyNs: bigint): bigint {
  const q = ts >= 0n ? ts / everyNs : -((-ts + everyNs - 1n) / everyNs);
  return (q + 1n) * everyNs;
}

/**
 * Writes the keyframes a recording is missing: from its newest valid keyframe (or the start) to
 * its end. With `rebuild`, all of them from the start.
 */
export async function writeKeyframes(dir: string, opts: KeyframeOptions = {}): Promise<KeyframeReport> {
  const everyNs = opts.everyNs ?? KEYFRAME_EVERY_NS_DEFAULT;
  checkEvery(everyNs);
  const store = keyframeStore(dir, { onWarning: opts.onWarning });
  if (opts.rebuild) store.clear();
  const rec = openRecording(dir);
  const builder = new BookBuilder();
  const from = restoreSnapshot(store, [builder], () => true, (name, problem) => opts.onWarning?.({ name, problem }));
  const writer = new KeyframeWriter(store, builder, everyNs, from);
  for (const ev of rec.events({ types: [...BOOK_TYPES], ...(from ? { fromSeq: from.seq + 1 } : {}) })) await writer.push(ev);
  return { dir, everyNs, written: writer.written, resumedFrom: from?.seq ?? null, total: store.list().filter((l) => l.meta).length };
}

/**
 * Feeds a BookBuilder and saves a keyframe at every grid line crossed: used by `keyframe` over a
 * finished recording and by `record`/`import --keyframes` as events are written.
 */
export class KeyframeWriter {
  readonly written: { seq: number; tsNs: bigint; bytes: number }[] = [];
  private next: bigint | null;
  private lastSeq: number | null;
  private lastTs: bigint | null;
  /** The keyframe resumed from: already in the store. */
  private readonly resumedSeq: number | null;

  constructor(
    private readonly store: SnapshotStore,
    readonly builder: BookBuilder,
    private readonly everyNs: bigint,
    from: SnapshotMeta | null = null,
  ) {
    checkEvery(everyNs);
    this.next = from ? nextGridLine(from.tsNs, everyNs) : null;
    this.lastSeq = from?.seq ?? null;
    this.lastTs = from?.tsNs ?? null;
    this.resumedSeq = from?.seq ?? null;
  }

  /** One event of the log (with its seq), in log order. Only book and system events matter. */
  async push(ev: TapeEvent): Promise<void> {
    if (ev.type !== 'book' && ev.type !== 'system') return;
    if (ev.seq === undefined) throw new TapedeckError('BAD_ARGUMENT', 'a keyframe writer needs events with their seq');
    if (this.next === null) this.next = nextGridLine(ev.ts, this.everyNs);
    else if (ev.ts >= this.next) {
      if (this.lastSeq !== null && this.builder.all().length > 0) await this.save(this.lastSeq, this.lastTs!);
      this.next = nextGridLine(ev.ts, this.everyNs);
    }
    this.builder.push(ev);
    this.lastSeq = ev.seq;
    this.lastTs = ev.ts;
  }

  /** Saves the state as of the last event pushed (compaction's keyframe at the cut). */
  async saveNow(): Promise<void> {
    if (this.lastSeq !== null) await this.save(this.lastSeq, this.lastTs!);
  }

  private async save(seq: number, tsNs: bigint): Promise<void> {
    if (seq === this.resumedSeq) return;
    const books = this.builder.all();
    const l = await this.store.write(seq, tsNs, [{ name: this.builder.stateFile, data: this.builder.captureState() }], {
      kind: 'books',
      books: books.length,
      orders: books.reduce((n, b) => n + b.orderCount, 0),
    });
    this.written.push({ seq, tsNs, bytes: l.bytes });
  }
}

export interface BooksStateOptions {
  /** Include events at exactly `ts` (book --at: "as of"); false: only events before it (a seek). */
  inclusive: boolean;
  /** Ignore keyframes: rebuild from the start of the log (the reference the keyframes must equal). */
  noKeyframes?: boolean;
  onWarning?: (w: SnapshotWarning) => void;
}

export interface BooksState {
  builder: BookBuilder;
  /** The keyframe used (null: rebuilt from the start of the log). */
  keyframe: SnapshotMeta | null;
  /** Events applied after it. */
  tailEvents: number;
}

/**
 * The books as of `ts` (every book event with ts ≤ ts, or < ts when not inclusive): the newest
 * keyframe whose last event is in range, plus the tail after it. Loads into `into` when given
 * (a consumer that keeps its builder across seeks).
 */
export function booksStateAt(rec: Recording | string, ts: bigint, opts: BooksStateOptions, into: BookBuilder = new BookBuilder()): BooksState {
  const recording = typeof rec === 'string' ? openRecording(rec) : rec;
  const toTs = opts.inclusive ? ts : ts - 1n;
  let keyframe: SnapshotMeta | null = null;
  into.reset();
  if (!opts.noKeyframes) {
    const store = keyframeStore(recording.dir, { onWarning: opts.onWarning });
    if (store.exists()) keyframe = restoreSnapshot(store, [into], (m) => m.tsNs <= toTs, (name, problem) => opts.onWarning?.({ name, problem }));
  }
  let tailEvents = 0;
  for (const ev of recording.events({ toTs, types: [...BOOK_TYPES], ...(keyframe ? { fromSeq: keyframe.seq + 1 } : {}) })) {
    into.push(ev);
    tailEvents++;
  }
  return { builder: into, keyframe, tailEvents };
}

/**
 * Books that follow a replay, seeks included: attach to the replayer's bus, and pass `restoreAt`
 * as the Replayer's `stateAt` hook, so after a seek to t the books are those of every book event
 * before t (the newest keyframe before t plus its tail), exactly as a replay from the start.
 */
export class SeekableBooks {
  readonly builder = new BookBuilder();
  /** The last restore: which keyframe and how long a tail. */
  last: { keyframe: SnapshotMeta | null; tailEvents: number } | null = null;

  constructor(
    private readonly recording: Recording | string,
    private readonly opts: { noKeyframes?: boolean; onWarning?: (w: SnapshotWarning) => void } = {},
  ) {}

  /** The books as of just before `ts` (the replayer publishes the events at ts next). */
  restoreAt(ts: bigint): void {
    const s = booksStateAt(this.recording, ts, { inclusive: false, ...this.opts }, this.builder);
    this.last = { keyframe: s.keyframe, tailEvents: s.tailEvents };
  }
}
