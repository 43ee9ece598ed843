/**
 * Book keyframes: the books of a recording saved every so often (a snapshot store in
 * `<recording>/keyframes/`, docs/FORMAT.md §20), so the books as of any instant are the newest
 * keyframe at or before it plus the short tail of book events after it, never a rebuild from the
 * start. Keyframes are derived data: the digest and verify never read them, `--rebuild` deletes
 * and rewrites them from the log, and a damaged one is skipped (with a warning) for an older one.
 *
 * Where they go: on a grid of `everyNs` in recording time, and after every `everyEvents` book and
 * system events since the last keyframe, whichever comes first. Before the first book or system
 * event with ts at or past the next grid line, or before the one that would make the tail since
 * the last keyframe longer than everyEvents, the state as of the event before it is saved (seq =
 * the last event applied). The grid is absolute (multiples of everyNs since the epoch) and the
 * count restarts at each keyframe, so writing keyframes as a recording is made and writing them
 * afterwards give the same keyframes. The count bounds the tail a seek replays on a bursty feed,
 * where a minute can hold a hundred times the events of a quiet one; a keyframe may then fall
 * inside a venue message (the builder's snapshot keeps the held events: exact all the same).
 */
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { openRecording, type Recording } from '../events/recording.js';
import { restoreSnapshot } from '../events/state.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type BookEvent, type TapeEvent } from '../events/types.js';
import { listSegmentNames, parseSegmentName, realFileOps, snapshotName, SnapshotStore, type SnapshotMeta, type SnapshotWarning } from '../log/index.js';
import { BookBuilder } from './book-builder.js';
import type { OrderBook } from './order-book.js';

export const KEYFRAMES_DIR = 'keyframes';
/** The default spacing: one keyframe per minute of recording time. */
export const KEYFRAME_EVERY_NS_DEFAULT = 60_000_000_000n;
/**
 * The default bound on the tail: a keyframe after at most 10,000 book events (a seek then applies
 * at most that many, ~10-20 ms; a keyframe of a 1,000-level book is ~8 KiB against ~600 KiB of
 * those events). 0 turns the bound off (spacing by time only).
 */
export const KEYFRAME_EVERY_EVENTS_DEFAULT = 10_000;
const BOOK_TYPES = ['book', 'system'] as const;

export function keyframeStore(recordingDir: string, opts: { onWarning?: (w: SnapshotWarning) => void; cacheListing?: boolean } = {}): SnapshotStore {
  return new SnapshotStore(path.join(recordingDir, KEYFRAMES_DIR), opts);
}

export interface KeyframeOptions {
  everyNs?: bigint;
  /** At most this many book and system events between keyframes (0: no bound). */
  everyEvents?: number;
  /** Delete every keyframe first and write them all from the start of the log. */
  rebuild?: boolean;
  onWarning?: (w: SnapshotWarning) => void;
}

export interface KeyframeReport {
  dir: string;
  everyNs: bigint;
  everyEvents: number;
  /** Keyframes written by this call. */
  written: { seq: number; tsNs: bigint; bytes: number }[];
  /** Where the walk started: after this keyframe's seq (null: the start of the log). */
  resumedFrom: number | null;
  /** Keyframes in the store afterwards. */
  total: number;
}

/**
 * Why a keyframe does not describe this log, or null: the record it ends at (its seq) must still
 * be in the log with the ts the keyframe names. After `repair` cut the log's tail (or the log was
 * written again), a keyframe past the new end would describe records that are gone: it is ignored
 * with a warning, and `keyframe --rebuild` writes them again. A keyframe at a compaction cut (its
 * record removed, the log starting right after it) is fine. One record read per keyframe tried.
 */
function mismatchWithLog(recording: Recording, firstSeq: number, m: SnapshotMeta): string | null {
  if (m.seq + 1 === firstSeq) return null;
  const c = recording.reader.cursor({ fromSeq: m.seq, toSeq: m.seq });
  let problem: string | null;
  try {
    const r = c.next();
    if (r === null || r.seq !== m.seq) problem = `its seq ${m.seq} is past the log's end (the log was cut, e.g. by repair): run keyframe --rebuild`;
    else if (r.tsNs !== m.tsNs) problem = `the log's record ${m.seq} has ts ${r.tsNs}, the keyframe says ${m.tsNs} (the log was written again): run keyframe --rebuild`;
    else problem = null;
  } finally {
    c.close();
  }
  return problem;
}

function firstSeqOf(dir: string): number {
  const firstName = listSegmentNames(realFileOps, dir)[0];
  return firstName === undefined ? 0 : parseSegmentName(firstName)!.firstSeq;
}

function checkEvery(everyNs: bigint, everyEvents: number): void {
  if (everyNs <= 0n) throw new TapedeckError('BAD_ARGUMENT', `keyframe spacing must be > 0, got ${everyNs} ns`);
  if (!Number.isSafeInteger(everyEvents) || everyEvents < 0) throw new TapedeckError('BAD_ARGUMENT', `keyframe spacing in events must be a whole number ≥ 0, got ${everyEvents}`);
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
  const writer = await catchUpKeyframes(dir, opts);
  return writer.report(dir);
}

/**
 * A KeyframeWriter brought up to the end of the recording as it is now (missing keyframes
 * written): `record`/`import --keyframes` then push every event they write.
 */
export async function catchUpKeyframes(dir: string, opts: KeyframeOptions & { beforeWrite?: () => Promise<void> } = {}): Promise<KeyframeWriter> {
  const everyNs = opts.everyNs ?? KEYFRAME_EVERY_NS_DEFAULT;
  const everyEvents = opts.everyEvents ?? KEYFRAME_EVERY_EVENTS_DEFAULT;
  checkEvery(everyNs, everyEvents);
  const store = keyframeStore(dir, { onWarning: opts.onWarning });
  if (opts.rebuild) store.clear();
  const builder = new BookBuilder();
  // Keyframes past the log's end (a repair cut it) are removed: derived data that is wrong, and a
  // keyframe written again at the same seq would otherwise keep the stale one.
  if (!opts.rebuild && store.exists() && listSegmentNames(realFileOps, dir).length > 0) {
    const recording = openRecording(dir);
    const firstSeq = firstSeqOf(dir);
    for (const l of store.list()) {
      const problem = l.meta ? mismatchWithLog(recording, firstSeq, l.meta) : null;
      if (problem === null) continue;
      opts.onWarning?.({ name: l.name, problem: `${problem.replace(/: run keyframe --rebuild$/, '')}; removed` });
      store.remove(l.name);
    }
  }
  const from = restoreSnapshot(store, [builder], () => true, (name, problem) => opts.onWarning?.({ name, problem }));
  const writer = new KeyframeWriter(store, builder, { everyNs, everyEvents }, from, opts.beforeWrite);
  if (listSegmentNames(realFileOps, dir).length > 0) {
    for (const ev of openRecording(dir).events({ types: [...BOOK_TYPES], ...(from ? { fromSeq: from.seq + 1 } : {}) })) {
      writer.push(ev);
      // At most one capture waits for the disk: a slow disk slows the walk, never fills memory.
      if (writer.backlog > 1) await writer.flush();
    }
  }
  await writer.flush();
  return writer;
}

/**
 * Feeds a BookBuilder and saves a keyframe at every grid line crossed: used by `keyframe` over a
 * finished recording and by `record`/`import --keyframes` as events are written. push() is
 * synchronous: at a grid line it captures the books (a copy) and queues the write; flush() waits
 * for the queued writes (and reports the first failure).
 */
export class KeyframeWriter {
  readonly written: { seq: number; tsNs: bigint; bytes: number }[] = [];
  private next: bigint | null;
  /** Book and system events applied since the last keyframe (or the one resumed from). */
  private sinceKeyframe = 0;
  private readonly everyNs: bigint;
  private readonly everyEvents: number;
  private lastSeq: number | null;
  private lastTs: bigint | null;
  /** The keyframe resumed from: already in the store. */
  readonly resumedFrom: number | null;
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private queued = 0;

  constructor(
    private readonly store: SnapshotStore,
    readonly builder: BookBuilder,
    spacing: { everyNs: bigint; everyEvents?: number },
    from: SnapshotMeta | null = null,
    /** Runs before each keyframe is written: a recorder makes the log durable through its seq first. */
    private readonly beforeWrite?: () => Promise<void>,
  ) {
    this.everyNs = spacing.everyNs;
    this.everyEvents = spacing.everyEvents ?? KEYFRAME_EVERY_EVENTS_DEFAULT;
    checkEvery(this.everyNs, this.everyEvents);
    const everyNs = this.everyNs;
    this.next = from ? nextGridLine(from.tsNs, everyNs) : null;
    this.lastSeq = from?.seq ?? null;
    this.lastTs = from?.tsNs ?? null;
    this.resumedFrom = from?.seq ?? null;
  }

  /** Keyframes captured and not yet on disk. */
  get backlog(): number {
    return this.queued;
  }

  /** One event of the log (with its seq), in log order. Only book and system events matter. */
  push(ev: TapeEvent, seq: number | undefined = ev.seq): void {
    if (ev.type !== 'book' && ev.type !== 'system') return;
    if (seq === undefined) throw new TapedeckError('BAD_ARGUMENT', 'a keyframe writer needs events with their seq');
    if (this.next === null) this.next = nextGridLine(ev.ts, this.everyNs);
    else {
      const byTime = ev.ts >= this.next;
      if (byTime || (this.everyEvents > 0 && this.sinceKeyframe >= this.everyEvents)) {
        if (this.lastSeq !== null && this.lastSeq !== this.resumedFrom && this.builder.all().length > 0) {
          this.save(this.lastSeq, this.lastTs!);
          this.sinceKeyframe = 0;
        }
        if (byTime) this.next = nextGridLine(ev.ts, this.everyNs);
      }
    }
    this.builder.push(ev);
    this.sinceKeyframe++;
    this.lastSeq = seq;
    this.lastTs = ev.ts;
  }

  /** Waits for every keyframe captured so far to be on disk; throws the first write's failure. */
  async flush(): Promise<void> {
    await this.chain;
    if (this.failure !== null) throw this.failure;
  }

  report(dir: string): KeyframeReport {
    return { dir, everyNs: this.everyNs, everyEvents: this.everyEvents, written: this.written, resumedFrom: this.resumedFrom, total: this.store.list().filter((l) => l.meta).length };
  }

  private save(seq: number, tsNs: bigint): void {
    const books = this.builder.all();
    const info = { kind: 'books', books: books.length, orders: books.reduce((n, b) => n + b.orderCount, 0) };
    const data = this.builder.captureState();
    this.queued++;
    this.chain = this.chain.then(async () => {
      try {
        if (this.failure !== null) return;
        await this.beforeWrite?.();
        const l = await this.store.write(seq, tsNs, [{ name: this.builder.stateFile, data }], info);
        this.written.push({ seq, tsNs, bytes: l.bytes });
      } catch (e) {
        this.failure ??= e;
      } finally {
        this.queued--;
      }
    });
  }
}

export interface BooksStateOptions {
  /** Include events at exactly `ts` (book --at: "as of"); false: only events before it (a seek). */
  inclusive: boolean;
  /** Ignore keyframes: rebuild from the start of the log (the reference the keyframes must equal). */
  noKeyframes?: boolean;
  onWarning?: (w: SnapshotWarning) => void;
  /** The keyframe store to use (one kept across calls caches the keyframes' metadata). */
  store?: SnapshotStore;
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
  const store = opts.noKeyframes ? null : (opts.store ?? keyframeStore(recording.dir, { onWarning: opts.onWarning }));
  if (!store || !store.exists()) {
    into.reset();
    return { builder: into, keyframe: null, tailEvents: applyTail(recording, into, toTs, null) as number };
  }
  // After a compaction the log starts later: a keyframe from before the cut would need records
  // that are gone (compaction leaves a keyframe at the cut, which is usable).
  const firstSeq = firstSeqOf(recording.dir);
  // Checked once per keyframe for a store kept across seeks (and warned about once).
  const verdicts = opts.store ? verdictsOf(opts.store) : new Map<number, string | null>();
  const warn = (name: string, problem: string) => opts.onWarning?.({ name, problem });
  const judge = (m: SnapshotMeta, problem: string | null): void => {
    verdicts.set(m.seq, problem);
    if (problem !== null) warn(snapshotName(m.seq), problem);
  };
  for (;;) {
    const keyframe = restoreSnapshot(
      store,
      [into],
      (m) => m.seq + 1 >= firstSeq && typeof verdicts.get(m.seq) !== 'string',
      warn,
      // Keyframes are in log order, and ts never goes back in a log: a binary search finds the
      // newest one at or before the bound.
      (m) => m.tsNs <= toTs,
    );
    if (!keyframe) {
      into.reset();
      return { builder: into, keyframe: null, tailEvents: applyTail(recording, into, toTs, null) as number };
    }
    // A keyframe not judged yet is checked against the log by the tail read itself: its own record
    // comes first (one cursor per seek, not two).
    const check = !verdicts.has(keyframe.seq) && keyframe.seq + 1 !== firstSeq ? keyframe : null;
    const tail = applyTail(recording, into, toTs, keyframe, check);
    if (typeof tail === 'number') {
      if (check) judge(check, null);
      return { builder: into, keyframe, tailEvents: tail };
    }
    judge(keyframe, tail.problem);
    into.reset();
  }
}

/**
 * Applies the book and system events after `from` (or from the start) up to toTs; returns how
 * many. With `check`, the read starts at the keyframe's own record, which must be there with the
 * keyframe's ts (mismatchWithLog), and is not applied again; a mismatch is returned instead.
 */
function applyTail(recording: Recording, into: BookBuilder, toTs: bigint, from: SnapshotMeta | null, check: SnapshotMeta | null = null): number | { problem: string } {
  let n = 0;
  let checking = check !== null;
  for (const ev of recording.events({ toTs, types: [...BOOK_TYPES], ...(from ? { fromSeq: check ? from.seq : from.seq + 1 } : {}) })) {
    if (checking) {
      checking = false;
      if (ev.seq === check!.seq && ev.ts === check!.tsNs) continue;
      // Not the keyframe's record first (or another ts): the careful check says why, or clears it
      // (a keyframe that ends at a record of another type).
      const problem = mismatchWithLog(recording, firstSeqOf(recording.dir), check!);
      if (problem !== null) return { problem };
    }
    into.push(ev);
    n++;
  }
  if (checking) {
    const problem = mismatchWithLog(recording, firstSeqOf(recording.dir), check!);
    if (problem !== null) return { problem };
  }
  return n;
}

/** Per store (kept across seeks): keyframe seq → its verdict against the log (mismatchWithLog). */
const VERDICTS = new WeakMap<SnapshotStore, Map<number, string | null>>();
function verdictsOf(store: SnapshotStore): Map<number, string | null> {
  let v = VERDICTS.get(store);
  if (!v) VERDICTS.set(store, (v = new Map()));
  return v;
}

/** Read size of a seek's tail (see SeekableBooks). */
const SEEK_CHUNK_BYTES = 256 * 1024;

/**
 * Books that follow a replay, seeks included: attach to the replayer's bus, and pass `restoreAt`
 * as the Replayer's `stateAt` hook, so after a seek to t the books are those of every book event
 * before t (the newest keyframe before t plus its tail), exactly as a replay from the start.
 */
export class SeekableBooks {
  readonly builder = new BookBuilder();
  private readonly recordingOpen: Recording;
  private readonly store: SnapshotStore;
  /** The last restore: which keyframe and how long a tail. */
  last: { keyframe: SnapshotMeta | null; tailEvents: number } | null = null;

  constructor(
    recording: Recording | string,
    private readonly opts: { noKeyframes?: boolean; onWarning?: (w: SnapshotWarning) => void } = {},
  ) {
    // Its own reader, with smaller chunks: a seek reads a short tail (the sparse index lands within
    // ~64 KiB of the keyframe, the tail is ~1,000 events), and 1 MiB reads were 15% of a seek.
    const given = typeof recording === 'string' ? null : recording;
    this.recordingOpen = openRecording(given ? given.dir : (recording as string), { chunkBytes: SEEK_CHUNK_BYTES, ...(given ? { policy: given.reader.policy, fileOps: given.reader.ops } : {}) });
    // Seeks look often: the keyframe listing is kept while the directory is unchanged.
    this.store = keyframeStore(this.recordingOpen.dir, { onWarning: opts.onWarning, cacheListing: true });
  }

  /** The books as of just before `ts` (the replayer publishes the events at ts next). */
  restoreAt(ts: bigint): void {
    const s = booksStateAt(this.recordingOpen, ts, { inclusive: false, ...this.opts, store: this.store }, this.builder);
    this.last = { keyframe: s.keyframe, tailEvents: s.tailEvents };
  }
}

/**
 * Makes sure a keyframe as of `seq` (a record with ts `tsNs`) exists: compaction calls this for
 * the last record it removes, so the rest of the log still replays with the right books. Starts
 * from the newest keyframe at or before it. Returns false when the log up to `seq` has no book
 * (nothing to keep).
 */
export async function ensureKeyframeAt(dir: string, seq: number, tsNs: bigint, opts: { onWarning?: (w: SnapshotWarning) => void } = {}): Promise<{ written: boolean; existed: boolean; books: number }> {
  const store = keyframeStore(dir, opts);
  const existing = store.exists() ? store.newest((m) => m.seq === seq) : null;
  if (existing) return { written: false, existed: true, books: Number(existing.meta.info.books ?? 0) };
  const builder = new BookBuilder();
  const from = store.exists() ? restoreSnapshot(store, [builder], (m) => m.seq <= seq, (name, problem) => opts.onWarning?.({ name, problem })) : null;
  for (const ev of openRecording(dir).events({ toSeq: seq, types: [...BOOK_TYPES], ...(from ? { fromSeq: from.seq + 1 } : {}) })) builder.push(ev);
  const books = builder.all();
  if (books.length === 0) return { written: false, existed: false, books: 0 };
  await store.write(seq, tsNs, [{ name: builder.stateFile, data: builder.captureState() }], {
    kind: 'books',
    books: books.length,
    orders: books.reduce((n, b) => n + b.orderCount, 0),
  });
  return { written: true, existed: false, books: books.length };
}

/** Removes the keyframes before `seq` (after a compaction they describe records that are gone). */
export function pruneKeyframesBefore(dir: string, seq: number): string[] {
  const store = keyframeStore(dir);
  if (!store.exists()) return [];
  return store.removeBefore(seq);
}

/**
 * A book as snapshot messages: `clear`, then a `set` per level (L2) or an `add` per resting order
 * (L3), all flagged SNAPSHOT, the last one LAST (and BAD_BOOK when the book is untrusted, so a
 * builder fed them marks it untrusted too). `replay --books` writes these before the first event
 * and after each seek, so whoever builds books from the output starts from the right ones. ts is
 * the book's last message's; runId is given.
 */
export function bookSnapshotEvents(b: OrderBook, runId: string): BookEvent[] {
  const base = { type: 'book' as const, ts: b.ts, runId, venue: b.venue, symbol: b.symbol, ...(b.venueSeq === undefined ? {} : { venueSeq: b.venueSeq }) };
  const out: BookEvent[] = [{ ...base, action: 'clear', flags: BOOK_FLAG_SNAPSHOT }];
  const s = b.copyState();
  if (s.orders.length > 0) {
    for (const [orderId, side, price, size] of s.orders) out.push({ ...base, action: 'add', side, price, size, orderId, flags: BOOK_FLAG_SNAPSHOT });
  } else {
    for (const l of s.bids) out.push({ ...base, action: 'set', side: 'bid', price: l.price, size: l.size, flags: BOOK_FLAG_SNAPSHOT });
    for (const l of s.asks) out.push({ ...base, action: 'set', side: 'ask', price: l.price, size: l.size, flags: BOOK_FLAG_SNAPSHOT });
  }
  const last = out[out.length - 1]!;
  last.flags = BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST | (b.trusted ? 0 : BOOK_FLAG_BAD_BOOK);
  return out;
}
