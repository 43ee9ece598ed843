/**
 * A k-way merge of recordings by ts, pulling lazily: each source holds at most one decoded event
 * ahead of the merge (its cursor holds one read chunk), so memory does not grow with the length
 * of a recording. Ties on ts go to the source given first; within a source the log's own order
 * (seq) holds, so the merged order is the same in every run.
 */
import type { EventCursor, EventReadOptions, Recording } from '../events/recording.js';
import type { TapeEvent } from '../events/types.js';
import type { ReadProblem } from '../log/index.js';

/** One recording in the merge: its cursor and the one event pulled ahead. */
export class MergeSource {
  head: TapeEvent | null = null;
  /** No more events will come from this source (end of range, or session-end when following). */
  ended = false;
  private cursor: EventCursor | null = null;
  private opts: EventReadOptions | null = null;
  /** Following: the session-end event was seen; the source ends once it has been taken. */
  private endAfterHead = false;
  /** Not following: the next event is simply the cursor's next (the replay's hot path). */
  private sequential = false;
  /**
   * An error met while pulling ahead (corruption after the held event). The held event is still
   * handed over; the error is raised at the next peek, so the last valid event before damage is
   * always published.
   */
  failure: unknown = null;

  constructor(
    readonly index: number,
    readonly recording: Recording,
  ) {}

  open(opts: EventReadOptions): void {
    this.close();
    this.opts = opts;
    this.head = null;
    this.ended = false;
    this.endAfterHead = false;
    this.sequential = opts.follow !== true;
    this.tryOpen();
  }

  private tryOpen(): boolean {
    if (this.cursor) return true;
    if (!this.opts) return false;
    // A log cursor over a directory with no segment yet has nothing to follow: wait for one.
    if (this.opts.follow && this.recording.reader.segments().length === 0) return false;
    this.cursor = this.recording.cursor(this.opts);
    return true;
  }

  /** Pulls the next event when none is held. `accept` filters in the replayer (follow mode). */
  fill(accept: ((ev: TapeEvent) => boolean) | null): void {
    if (this.head !== null || this.ended || this.endAfterHead) return;
    if (!this.tryOpen()) return;
    const c = this.cursor!;
    for (let ev = c.next(); ev !== null; ev = c.next()) {
      if (this.opts!.follow && ev.type === 'system' && ev.kind === 'session-end') {
        // The recording's writer is done: nothing after this belongs to the session being tailed.
        if (accept === null || accept(ev)) {
          this.head = ev;
          this.endAfterHead = true;
        } else this.end();
        return;
      }
      if (accept === null || accept(ev)) {
        this.head = ev;
        return;
      }
    }
    if (c.done || !this.opts!.follow) this.end();
  }

  /** Hands over the held event and pulls the next one. */
  take(accept: ((ev: TapeEvent) => boolean) | null): TapeEvent {
    const ev = this.head!;
    try {
      if (this.sequential && accept === null) {
        // A held event means the cursor is open; the end of the range ends the source.
        const next = this.cursor!.next();
        this.head = next;
        if (next === null) this.end();
        return ev;
      }
      this.head = null;
      if (this.endAfterHead) this.end();
      else this.fill(accept);
    } catch (err) {
      this.head = null;
      this.failure = err;
    }
    return ev;
  }

  private end(): void {
    this.ended = true;
    this.close();
  }

  /** What the log reported while this source read (a torn tail, a follow whose writer died). */
  readonly problems: ReadProblem[] = [];

  close(): void {
    if (this.cursor) this.problems.push(...this.cursor.problems);
    this.cursor?.close();
    this.cursor = null;
  }
}

export class EventMerge {
  readonly sources: MergeSource[];

  constructor(
    recordings: readonly Recording[],
    private readonly accept: ((ev: TapeEvent) => boolean) | null = null,
  ) {
    this.sources = recordings.map((r, i) => new MergeSource(i, r));
  }

  /** (Re)positions every source; the first event of each is pulled at once. */
  open(opts: EventReadOptions): void {
    for (const s of this.sources) s.open(opts);
    this.refill();
  }

  /** Pulls for every source with nothing held (following: events appended since the last look). */
  refill(): void {
    for (const s of this.sources) if (s.head === null && !s.ended) s.fill(this.accept);
  }

  /**
   * The source whose held event comes next in merged order, or null when no source holds one.
   * A linear scan: k is small (one recording per venue), and it beats a heap for k ≤ ~16.
   */
  peek(): MergeSource | null {
    const ss = this.sources;
    if (ss.length === 1) {
      const s = ss[0]!;
      if (s.head !== null) return s;
      if (s.failure !== null) throw s.failure;
      return null;
    }
    let best: MergeSource | null = null;
    for (const s of ss) {
      if (s.failure !== null && s.head === null) throw s.failure;
      // Strict `<`: an equal ts keeps the earlier source (the tie-break).
      if (s.head !== null && (best === null || s.head.ts < best.head!.ts)) best = s;
    }
    return best;
  }

  take(src: MergeSource): TapeEvent {
    return src.take(this.accept);
  }

  /** Every source has ended and holds nothing: the range is exhausted. */
  get exhausted(): boolean {
    for (const s of this.sources) if (!s.ended || s.head !== null) return false;
    return true;
  }

  close(): void {
    for (const s of this.sources) {
      s.close();
      s.ended = true;
      s.head = null;
    }
  }
}
