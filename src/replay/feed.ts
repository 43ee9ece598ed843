/**
 * What a Replayer paces: items in replay order, each with its ts. The replayer's pass asks the
 * feed for the source of the next item (`peek`), reads the item's ts to know when it is due,
 * takes it, and delivers it. Two feeds exist:
 * - EventMerge (merge.ts): decodes the recordings on this thread and merges them by ts; its items
 *   are the events themselves, published on the bus;
 * - LineFeed (line-feed.ts): a producer (a worker thread) reads, merges, decodes and formats the
 *   events as JSON lines ahead of the clock; its items carry only ts, seq and source, and taking
 *   one hands its line to the feed's consumer.
 * Pacing (due times, lateness, slices, controls) is the replayer's alone, whatever the feed.
 */
import type { EventReadOptions } from '../events/recording.js';
import type { ReadProblem } from '../log/index.js';

/** What pacing reads of an item: its ts, and the seq reported as the position. */
export interface FeedItem {
  readonly ts: bigint;
  readonly seq?: number;
  /**
   * Optionally, ts again as `tsBase + BigInt(tsOffsetNs)`, the offset a safe integer (NaN when it
   * is not: then only `ts` holds it). The replayer then paces and records the position with
   * numbers, making no BigInt per item (LineFeed's items; an event published on the bus has
   * neither). Both or none.
   */
  readonly tsBase?: bigint;
  readonly tsOffsetNs?: number;
}

/** One recording of the feed, with the item it holds next (null when it holds none). */
export interface FeedSource {
  /** The recording's index among the replay's sources (the tie-break order). */
  readonly index: number;
  readonly head: FeedItem | null;
  /** What the log reported while this source was read (a torn tail, say). */
  readonly problems: readonly ReadProblem[];
}

export interface ReplayFeed {
  readonly sources: readonly FeedSource[];
  /** (Re)positions the feed at the start of what `opts` selects. */
  open(opts: EventReadOptions): void;
  /** Following: pulls what was appended since the last look. */
  refill(): void;
  /** The source holding the next item in replay order, or null when none holds one. */
  peek(): FeedSource | null;
  /** Hands over the source's item and moves on. */
  take(src: FeedSource): FeedItem;
  /** Nothing is left: every source ended and holds nothing. */
  readonly exhausted: boolean;
  close(): void;
  /**
   * Non-null while the next item is on its way from elsewhere (a worker thread): the replay holds
   * until it settles, its clock running (so the wait shows as lateness), instead of polling.
   */
  waiting?(): PromiseLike<void> | null;
}

/** A feed that delivers its items itself (LineFeed): the replayer hands each taken item to `emit`, not to the bus. */
export interface EmittingFeed extends ReplayFeed {
  emit(item: FeedItem): void;
  /**
   * Fills the feed at the start of what `opts` selects with at least `items` items (or all there
   * are) before a replay starts its clock: a producer on cold code is then ahead, not behind.
   * Resolves with the items held.
   */
  lead(opts: EventReadOptions, items: number): Promise<number>;
}

/**
 * `ts − base` in ns as a number when it is a safe integer (then exact: `base + BigInt(offset)` is
 * `ts`), else NaN: the one rule for a FeedItem's tsOffsetNs.
 */
export function tsOffsetNs(ts: bigint, base: bigint): number {
  const d = Number(ts - base);
  return Number.isSafeInteger(d) ? d : NaN;
}
