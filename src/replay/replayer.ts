/**
 * The replayer: reads one or more recordings, merged by ts, and publishes their events onto an
 * EventBus, paced as they originally happened (scaled by a speed factor) or as fast as possible.
 *
 * All timing goes through an RxJS SchedulerLike (`scheduler.now()` in ms is the wall clock,
 * `scheduler.schedule(work, delay)` the only way to wait), so under a VirtualTimeScheduler or
 * TestScheduler a replay is fully deterministic: each event is published at exactly its scaled
 * time. Nothing here reads Date.now().
 *
 * Pacing: event i is due at anchorWall + (ts_i − anchorTs) / speed. start, resume, seek and
 * speed changes re-anchor at the current replay time, so the timeline is continuous (a pause
 * freezes the replay clock; resuming continues from where it stood). Each pass publishes every
 * event already due, then schedules itself for the next due time. A pass publishes at most
 * `sliceMax` events (or runs at most `sliceMs` of scheduler time) before yielding with
 * schedule(…, 0), so controls and other I/O stay responsive even at max speed.
 *
 * Follow mode (`start({ follow: true })`): tails recordings still being written. When every
 * source has nothing new, the replayer polls again after `pollMs` through the scheduler. A
 * source ends at its `system` event of kind 'session-end' (published if it passes the filters,
 * nothing after it is read), or at `to`. The replay ends when every source has ended, or at
 * stop(). Across several followed sources, an event that arrives late is published when it
 * arrives (a live tail cannot wait for a source that may never write again), so the strict
 * ts merge holds only for what was on disk at each poll.
 */
import type { ReadProblem } from '../log/index.js';
import { AsyncSubject, BehaviorSubject, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { EventBus } from '../bus/index.js';
import { TapedeckError } from '../errors.js';
import { openRecording, type EventReadOptions, type Recording } from '../events/recording.js';
import type { EventType, TapeEvent } from '../events/types.js';
import { HistogramTally } from '../util/histogram-tally.js';
import { Metrics, percentile, type Histogram } from '../util/metrics.js';
import { tsOffsetNs, type EmittingFeed, type FeedItem, type FeedSource, type ReplayFeed } from './feed.js';
import { EventMerge } from './merge.js';
import { realtimeScheduler } from './scheduler.js';
import { recordingsSpan } from './span.js';

export type ReplayState = 'idle' | 'playing' | 'paused' | 'seeking' | 'done';
/** A multiplier (> 0), or Infinity / 'max' for fast-forward without delays. */
export type ReplaySpeed = number | 'max';

export interface ReplayerOptions {
  /**
   * The clock and timer of the replay (default: realtimeScheduler, the real clock with sub-ms
   * precision and setImmediate yields; tests pass a virtual one).
   */
  scheduler?: SchedulerLike;
  /** Most events published in one pass before yielding to the event loop (default 4096). */
  sliceMax?: number;
  /** Most scheduler time (ms) one pass may run before yielding (default 8). */
  sliceMs?: number;
  /** Follow mode: how long to wait before looking for new events again (ms, default 50). */
  pollMs?: number;
  /** progress$ emits at most once per this many ms of scheduler time, besides state changes (default 100). */
  progressMs?: number;
  /**
   * Read size of the recordings opened here from a path (default 256 KiB). Replay reads
   * sequentially and decodes every record at once, so a modest chunk is as fast as a large one
   * and keeps memory low: each chunk is a fresh buffer that lives until the GC frees it.
   * Recordings passed in as objects keep their own reader's setting.
   */
  chunkBytes?: number;
  /**
   * Called with the position whenever the replay starts at `from` or seeks, before any event at
   * or after it is published: restore stateful consumers to the state of every event before it
   * (book/keyframes.ts SeekableBooks.restoreAt: the newest keyframe plus the tail after it).
   */
  stateAt?: (ts: bigint) => void;
  /**
   * Pace this feed instead of merging the recordings' events onto the bus: each item taken is
   * handed to `feed.emit` and nothing is published (a LineFeed: JSON lines made ahead of the
   * clock by a worker thread, see line-feed.ts). Not with follow. The recordings still give the
   * replay its range.
   */
  feed?: EmittingFeed;
  /**
   * Max-speed replays (not following) check the frames' CRCs in a worker thread ahead of the
   * read, for segments of 4 MiB or more (log/crc-ahead.ts): same events and errors, ~10-13% less
   * CPU on this thread, but ~10-14 MiB more peak RSS (a worker's own V8 heap) and the worker's
   * CPU. Default false: on, the 4 GiB replay's peak RSS (88 MiB) would pass the 100 MB goal of
   * bench/README.md.
   */
  crcAhead?: boolean;
}

export interface ReplayStartOptions {
  /** Inclusive range in ns; also the anchor of the first event's pacing when given. */
  from?: bigint;
  /** Inclusive. */
  to?: bigint;
  runId?: string;
  types?: readonly EventType[];
  symbols?: readonly string[];
  venues?: readonly string[];
  /** Default 1. */
  speed?: ReplaySpeed;
  /** Tail recordings still being written (see the module comment). */
  follow?: boolean;
  /** Start paused (state 'paused'): step() or resume() to go. */
  paused?: boolean;
  /**
   * Caps every wait between two published events at this many ms of scheduler time (as
   * tcpreplay's --maxsleep): a longer silence in the recording is cut short and the timeline
   * continues from the next event. Default: no cap.
   */
  maxGapMs?: number;
}

export interface LagSummary {
  /** Events whose lag was measured (paced events; fast-forward has no due times). */
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ReplayProgress {
  state: ReplayState;
  /** seq of the last published event (null before the first, or right after a seek). */
  seq: number | null;
  /** Which source (index into the sources as given) the last published event came from. */
  source: number | null;
  /** The position: see Replayer.now(). */
  ts: bigint;
  /** Position within [from ?? first ts, to ?? last ts], 0–100. */
  percent: number;
  /**
   * The replay clock (see Replayer.clock()): between events it advances with scheduler time, so
   * it moves while filters hold back every event. Never outside the range.
   */
  clock: bigint;
  /** The clock within the range, 0–100. */
  clockPercent: number;
  emitted: number;
  /** Events per second of scheduler time spent playing (0 until time has passed). */
  eventsPerSec: number;
  lag: LagSummary;
  /** Infinity when fast-forwarding. */
  speed: number;
}

/** A read-only BehaviorSubject: subscribe for changes, `value` for the current one. */
export class ValueObservable<T> extends Observable<T> {
  constructor(private readonly subject: BehaviorSubject<T>) {
    super((subscriber) => subject.subscribe(subscriber));
  }
  get value(): T {
    return this.subject.getValue();
  }
  getValue(): T {
    return this.subject.getValue();
  }
}

/** Scheduler time below this (1 ns, in ms) counts as "now": float rounding of due times. */
const EPS_MS = 1e-6;
/** The default read size of the recordings a Replayer opens itself (see ReplayerOptions.chunkBytes). */
export const REPLAY_CHUNK_BYTES = 256 * 1024;
/** Largest value the lag histogram holds (one hour in ns; see newHistogram). */
const LAG_MAX_NS = 3_600_000_000_000;

export class Replayer {
  /** Counters, and the lagNs histogram once a paced pass measured a lag (a max-speed replay has none). */
  readonly metrics = new Metrics(['events', 'passes', 'seeks', 'polls']);
  readonly state$: ValueObservable<ReplayState>;
  readonly progress$: ValueObservable<ReplayProgress>;
  /** The recordings, in the order given (the tie-break order). */
  readonly recordings: readonly Recording[];

  private readonly sched: SchedulerLike;
  private readonly sliceMax: number;
  private readonly sliceMs: number;
  private readonly pollMs: number;
  private readonly progressMs: number;
  private readonly stateSubject = new BehaviorSubject<ReplayState>('idle');
  private readonly progressSubject: BehaviorSubject<ReplayProgress>;
  private readonly done$ = new AsyncSubject<void>();
  /**
   * Made by the first paced pass: a max-speed replay never loads the histogram code (see
   * util/metrics.ts). Each paced event's lag is counted in `lagTally` (a few ns, against ~230 ns
   * for the histogram's own recordValue: most of a 1000x replay's main-thread time per event) and
   * added to the histogram at every progress report (progressMs) and at the end.
   */
  private lagHist: Histogram | null = null;
  private lagTally: HistogramTally | null = null;
  private readonly stateAt: ((ts: bigint) => void) | undefined;

  /** What the replay reads: options.feed, or an EventMerge of the recordings made at start. */
  private merge: ReplayFeed | null = null;
  private readonly lineFeed: EmittingFeed | null;
  private readonly bus: EventBus;

  /** Problems the log reported per source (index as given): a torn tail, a follow whose writer died. */
  readProblems(): { source: number; problem: ReadProblem }[] {
    return (this.merge?.sources ?? []).flatMap((s) => s.problems.map((problem) => ({ source: s.index, problem })));
  }
  /** Open hold() calls: while > 0, no pass publishes. */
  private holds = 0;
  private opts: ReplayStartOptions = {};
  private speedValue = 1;
  private readonly crcAhead: boolean;
  private follow = false;
  private task: Subscription | null = null;
  /** Bumped by every control; a pass that sees it change stops (the control rescheduled). */
  private epoch = 0;

  // The anchor of pacing: anchorTs is due at anchorWall (null until the first event is known).
  private anchorTs: bigint | null = null;
  /**
   * The anchor as an offset from a feed item's base (FeedItem.tsOffsetNs), for the anchor
   * `anchorFor` and the base `anchorBase` (see sinceAnchorNs); NaN when not a safe integer.
   */
  private anchorOffsetNs = NaN;
  private anchorBase: bigint | null = null;
  private anchorFor: bigint | null = null;
  private anchorWall = 0;
  /** The due time of the last event published paced (or of the anchor): where --max-gap counts from. */
  private prevDue = 0;
  private maxGapMs = Infinity;
  /** The replay clock frozen at pause (the anchor to resume from). */
  private pausedClock = 0n;

  /**
   * The position's ts is posBase + posOffsetNs (posTs), or posBase where the offset is NaN: an item
   * with an exact offset from its base (FeedItem.tsOffsetNs) is published without making a BigInt.
   */
  private posBase = 0n;
  private posOffsetNs = NaN;
  private get posTs(): bigint {
    const off = this.posOffsetNs;
    return off !== off ? this.posBase : this.posBase + BigInt(off);
  }
  private set posTs(ts: bigint) {
    this.posBase = ts;
    this.posOffsetNs = NaN;
  }
  private posSeq: number | null = null;
  private posSource: number | null = null;
  private emitted = 0;
  private rangeStart = 0n;
  private rangeEnd = 0n;
  private playingMs = 0;
  private playingSince = 0;
  private lastProgressWall = -Infinity;
  /** The range was played to its end (not stopped early). */
  private completed = false;

  constructor(source: string | Recording | readonly (string | Recording)[], bus: EventBus, options: ReplayerOptions = {}) {
    const list = Array.isArray(source) ? source : [source as string | Recording];
    if (list.length === 0) throw new TapedeckError('BAD_ARGUMENT', 'replay needs at least one recording');
    const chunkBytes = positiveInt(options.chunkBytes ?? REPLAY_CHUNK_BYTES, 'chunkBytes');
    this.recordings = list.map((s) => (typeof s === 'string' ? openRecording(s, { chunkBytes }) : s));
    this.sched = options.scheduler ?? realtimeScheduler;
    this.sliceMax = positiveInt(options.sliceMax ?? 4096, 'sliceMax');
    this.sliceMs = positive(options.sliceMs ?? 8, 'sliceMs');
    this.pollMs = positive(options.pollMs ?? 50, 'pollMs');
    this.progressMs = options.progressMs ?? 100;
    this.stateAt = options.stateAt;
    this.crcAhead = options.crcAhead === true;
    const feed = (this.lineFeed = options.feed ?? null);
    this.bus = bus;
    this.state$ = new ValueObservable(this.stateSubject);
    this.progressSubject = new BehaviorSubject<ReplayProgress>(this.snapshot());
    this.progress$ = new ValueObservable(this.progressSubject);
  }

  get state(): ReplayState {
    return this.stateSubject.getValue();
  }

  /** Which source (index into the recordings) the event being published, or last published, came from. */
  get sourceIndex(): number | null {
    return this.posSource;
  }

  /** The current speed: a multiplier, Infinity when fast-forwarding. */
  get currentSpeed(): number {
    return this.speedValue;
  }

  /**
   * The replay clock, in ns: the ts of the current position, i.e. of the last event published
   * (during a subscriber's handling of an event, exactly that event's ts), or the target of the
   * last seek, or the start of the range before the first event. Never the wall clock.
   */
  now(): bigint {
    return this.posTs;
  }

  /**
   * The replay clock, in ns: the recording time being played now. While playing paced it runs
   * with the scheduler between events (events filtered out still take their time), never past
   * the next event due; paused it stands still; fast-forwarding or done it is now().
   */
  clock(): bigint {
    return this.clockAt(this.sched.now());
  }

  /**
   * Warms up a paced replay before its clock starts: reads and decodes the first `events` events
   * that `start(opts)` would publish and hands each to `consume` (the consumer's own work, such
   * as formatting it), publishing nothing. A fresh process otherwise runs the first ~100 ms of a
   * replay on cold code (interpreted, then baseline-compiled) at a fraction of its steady rate, and
   * at 1000x that window alone set the lateness p99 (bench/README.md). Reads no clock and changes
   * nothing the replay does: call it before start(). Returns the events consumed (at most
   * `events` over all recordings, in no particular order: this is only for the compiler).
   */
  warmUp(opts: ReplayStartOptions, events: number, consume: (ev: TapeEvent) => void = () => {}): number {
    if (this.state !== 'idle') throw new TapedeckError('BAD_ARGUMENT', 'warm up before start');
    if (this.lineFeed !== null) throw new TapedeckError('BAD_ARGUMENT', 'a replay from a feed warms up with lead()');
    if (!(events > 0)) return 0;
    const read = this.readOptions(opts.from, opts, false);
    const each = Math.ceil(events / Math.max(1, this.recordings.length));
    let n = 0;
    for (const rec of this.recordings) {
      if (n >= events) break;
      const c = rec.cursor(read);
      try {
        for (let k = 0; k < each && n < events; k++) {
          let ev: TapeEvent | null;
          try {
            ev = c.next();
          } catch {
            // Damage before `each` events: the replay meets the same error in its place, after
            // every event before it (the warm-up must not fail it earlier).
            break;
          }
          if (ev === null) break;
          consume(ev);
          n++;
        }
      } finally {
        c.close();
      }
    }
    return n;
  }

  /**
   * A replay from a feed (options.feed): fills the feed with the first `events` items that
   * `start(opts)` will pace, before the clock starts, and resolves with the items held (fewer when
   * the range holds fewer). The producer runs its cold code on these; start(opts) then begins
   * from them without reading again. Reads no clock.
   */
  lead(opts: ReplayStartOptions, events: number): Promise<number> {
    if (this.state !== 'idle') throw new TapedeckError('BAD_ARGUMENT', 'lead before start');
    if (this.lineFeed === null) throw new TapedeckError('BAD_ARGUMENT', 'lead() fills a feed (options.feed); warmUp() warms a replay of events');
    return this.lineFeed.lead(this.readOptions(opts.from, opts, false), events);
  }

  /**
   * Starts the replay. Returns an Observable that emits once (undefined) and completes when the
   * range is exhausted (or at stop()), and errors if reading fails (a corrupt recording, say);
   * `await lastValueFrom(replayer.start())` waits for the end. The replay runs whether or not
   * the Observable is subscribed; subscribe late and it still reports the end. The bus is never
   * completed by the replayer (others may publish to it).
   */
  start(opts: ReplayStartOptions = {}): Observable<void> {
    if (this.state !== 'idle') throw new TapedeckError('BAD_ARGUMENT', 'this replayer was already started');
    if (opts.from !== undefined && opts.to !== undefined && opts.from > opts.to) {
      throw new TapedeckError('BAD_ARGUMENT', `--from (${opts.from}) is after --to (${opts.to})`, { from: opts.from, to: opts.to });
    }
    if (opts.maxGapMs !== undefined && !(opts.maxGapMs >= 0)) {
      throw new TapedeckError('BAD_ARGUMENT', `maxGapMs must be a number ≥ 0, got ${String(opts.maxGapMs)}`);
    }
    this.opts = opts;
    if (opts.speed !== undefined) this.speedValue = normalizeSpeed(opts.speed);
    this.follow = opts.follow === true;
    if (this.follow && this.lineFeed !== null) throw new TapedeckError('BAD_ARGUMENT', 'a replay from a feed cannot follow');
    this.merge = this.lineFeed ?? new EventMerge(this.recordings, this.follow ? followFilter(opts) : null);
    // A paced replay makes its lag histogram now: loading its code in the first pass would be lateness.
    if (this.speedValue !== Infinity) this.lagTallyMade();
    let span: ReturnType<typeof recordingsSpan>;
    try {
      span = recordingsSpan(this.recordings);
      this.merge.open(this.readOptions(opts.from));
      if (opts.from !== undefined) this.stateAt?.(opts.from);
    } catch (e) {
      // A recording that cannot be read (corrupt, say) is reported through the Observable.
      this.fail(e);
      return this.done$.asObservable();
    }
    const first = this.merge.peek()?.head?.ts;
    this.rangeStart = opts.from ?? span?.firstTs ?? first ?? 0n;
    const end = span?.lastTs ?? this.rangeStart;
    this.rangeEnd = opts.to !== undefined && opts.to < end ? opts.to : end;
    this.posTs = this.rangeStart;
    this.pausedClock = this.rangeStart;
    const now = this.sched.now();
    // With `from`, the silence before the first event is part of the timeline; without, the
    // first event is due at once (the anchor is set when it is known: following, it may not be).
    // The recordings' own start anchors the timeline too, so filters change which events are
    // published, never when: the time of the events filtered out still passes.
    const anchor = opts.from ?? span?.firstTs;
    if (anchor !== undefined) {
      this.anchorTs = anchor;
      this.anchorWall = now;
    }
    this.maxGapMs = opts.maxGapMs ?? Infinity;
    this.prevDue = now;
    if (opts.paused) {
      this.setState('paused', now);
    } else {
      this.setState('playing', now);
      this.reschedule(0);
    }
    return this.done$.asObservable();
  }

  pause(): void {
    if (this.state !== 'playing') return;
    const now = this.sched.now();
    this.pausedClock = this.clockAt(now);
    this.cancel();
    this.setState('paused', now);
  }

  resume(): void {
    if (this.state !== 'paused') return;
    const now = this.sched.now();
    this.anchorTs = this.pausedClock;
    this.anchorWall = now;
    this.prevDue = now;
    this.setState('playing', now);
    this.reschedule(0);
  }

  /**
   * Moves the position to `ts` (clamped to `from`): the next event published is the first at or
   * after it. Works forward, backward and while paused (the replay stays paused). Past the end
   * (or past `to`) nothing is left: a playing replay is then done; a paused one is done once
   * resumed. Pacing re-anchors at `ts`.
   */
  seek(ts: bigint): void {
    const was = this.state;
    if (was === 'done') return;
    if (was === 'idle') throw new TapedeckError('BAD_ARGUMENT', 'seek before start');
    const now = this.sched.now();
    this.cancel();
    this.setState('seeking', now);
    // Clamped to the range: before its start is its start (never a time before the recording).
    const target = ts < this.rangeStart ? this.rangeStart : ts;
    this.metrics.inc('seeks');
    try {
      this.merge!.open(this.readOptions(target));
      this.stateAt?.(target);
    } catch (e) {
      this.fail(e);
      return;
    }
    // Past the end nothing is left to publish; the position stops at the end of the range.
    const pos = !this.follow && target > this.rangeEnd ? this.rangeEnd : target;
    this.posTs = pos;
    this.posSeq = null;
    this.posSource = null;
    this.pausedClock = pos;
    this.anchorTs = pos;
    this.anchorWall = now;
    this.prevDue = now;
    if (was === 'playing') {
      this.setState('playing', now);
      this.reschedule(0);
    } else {
      this.setState('paused', now);
    }
  }

  /** Changes the speed (a multiplier > 0, or Infinity / 'max'); the timeline stays continuous. */
  speed(multiplier: ReplaySpeed): void {
    const next = normalizeSpeed(multiplier);
    if (this.state === 'playing') {
      const now = this.sched.now();
      this.anchorTs = this.clockAt(now);
      this.anchorWall = now;
      this.speedValue = next;
      this.reschedule(0);
      this.emitProgress(now);
    } else {
      this.speedValue = next;
      if (this.state !== 'idle' && this.state !== 'done') this.emitProgress(this.sched.now());
    }
  }

  /**
   * While paused: publishes the next `n` events at once (synchronously, no pacing, no lag
   * measured) and stays paused; resuming continues from the last of them. Returns how many
   * were published (fewer at the end of the range, or following with nothing new on disk).
   */
  step(n = 1): number {
    if (this.state !== 'paused') throw new TapedeckError('BAD_ARGUMENT', `step while ${this.state}: pause first`, { state: this.state });
    if (!Number.isInteger(n) || n < 0) throw new TapedeckError('BAD_ARGUMENT', `step count must be a whole number ≥ 0, got ${n}`);
    const merge = this.merge!;
    const epoch = ++this.epoch;
    let k = 0;
    try {
      if (this.follow) merge.refill();
      while (k < n) {
        const src = merge.peek();
        if (src === null) break;
        const ev = merge.take(src);
        this.publish(ev, src.index);
        k++;
        this.pausedClock = ev.ts;
        // A subscriber resumed, seeked or stopped: that wins.
        if (this.epoch !== epoch) break;
      }
    } catch (e) {
      this.fail(e);
    }
    this.metrics.counters.events = this.emitted;
    this.emitProgress(this.sched.now());
    return k;
  }

  /**
   * Backpressure from a consumer (a network sink, say): no event is published until `until`
   * settles. The pass under way stops after the event being published; state stays 'playing'
   * and the replay clock keeps running, so a paced replay falls behind (measured as lag) and
   * catches up when released. Holds nest; pause, seek and speed work as usual while held.
   */
  hold(until: PromiseLike<unknown>): void {
    this.holds++;
    this.cancel();
    const release = (): void => {
      this.holds--;
      if (this.holds === 0 && this.state === 'playing' && this.task === null) this.reschedule(0);
    };
    until.then(release, release);
  }

  /** Ends the replay now: state 'done', the start() Observable completes, cursors close. */
  stop(): void {
    this.finish();
  }

  /** The progress now (progress$ emits it throttled; this computes it on demand). */
  progress(): ReplayProgress {
    return this.snapshot();
  }

  // -- the pass ----------------------------------------------------------------------------------

  private pass(): void {
    this.task = null;
    if (this.state !== 'playing' || this.holds > 0) return;
    this.metrics.counters.passes!++;
    try {
      if (this.follow) this.merge!.refill();
      if (this.speedValue === Infinity) this.passMax();
      else this.passPaced();
    } catch (e) {
      this.fail(e);
    } finally {
      // Counted here, not per event: the hot loop only bumps `emitted`.
      this.metrics.counters.events = this.emitted;
    }
  }

  /**
   * Fast-forward: publish until the slice is used up. Per event: pick the source (no comparison
   * with a single source), take its event (which pulls the next), publish.
   */
  private passMax(): void {
    const merge = this.merge!;
    const sched = this.sched;
    const epoch = this.epoch;
    const sliceMax = this.sliceMax;
    const sliceMs = this.sliceMs;
    const single = merge.sources.length === 1 ? merge.sources[0]! : null;
    const sliceStart = sched.now();
    let now = sliceStart;
    let n = 0;
    for (;;) {
      // The single source's own head, or peek(), which raises a read failure held after the last event.
      const src: FeedSource | null = single !== null && single.head !== null ? single : merge.peek();
      if (src === null) return this.noneHeld(now);
      // Only a scheduler whose clock moves during a pass (the real one) can hit the time budget.
      // One exit for both budgets: while the loop is interpreted its first slices end by time, and
      // an exit by count seen only once it ran optimised had no type feedback and deoptimised it.
      let over = n >= sliceMax;
      if (!over && (n & 255) === 255) {
        now = sched.now();
        over = now - sliceStart >= sliceMs;
      }
      if (over) return this.later(0, now);
      const ev = merge.take(src);
      this.posTs = ev.ts;
      this.posSeq = ev.seq ?? null;
      this.posSource = src.index;
      this.emitted++;
      this.deliver(ev);
      n++;
      if (this.epoch !== epoch) return;
    }
  }

  /**
   * Paced: publish every event already due, then wait for the next one. The clock is read every
   * 16 events (and always before deciding to wait), so each event's lag is measured against a
   * reading at most 15 events old, and a pass never sleeps on a stale clock.
   */
  private passPaced(): void {
    const merge = this.merge!;
    const sched = this.sched;
    const epoch = this.epoch;
    const speed = this.speedValue;
    const lag = this.lagTally ?? this.lagTallyMade();
    const sliceStart = sched.now();
    let now = sliceStart;
    let n = 0;
    for (;;) {
      const src = merge.peek();
      if (src === null) return this.noneHeld(now);
      if (n >= this.sliceMax) return this.later(0, now);
      if ((n & 15) === 15) {
        now = sched.now();
        if (now - sliceStart >= this.sliceMs) return this.later(0, now);
      }
      const ev = src.head!;
      if (this.anchorTs === null) {
        this.anchorTs = ev.ts;
        this.anchorWall = now;
      }
      let due = this.anchorWall + this.sinceAnchorNs(ev, this.anchorTs) / 1e6 / speed;
      if (due - this.prevDue > this.maxGapMs) {
        // --max-gap: the silence is cut short; the timeline continues from this event.
        this.anchorTs = ev.ts;
        this.anchorWall = due = this.prevDue + this.maxGapMs;
      }
      if (due - now > EPS_MS) {
        now = sched.now();
        const wait = due - now;
        if (wait > EPS_MS) return this.later(wait, now);
      }
      lag.add(Math.min(Math.max(1, Math.round((now - due) * 1e6)), LAG_MAX_NS));
      this.prevDue = due;
      merge.take(src);
      this.publish(ev, src.index);
      n++;
      if (this.epoch !== epoch) return;
    }
  }

  /**
   * `Number(ev.ts − anchorTs)`: from the item's exact offset when it has one (FeedItem.tsOffsetNs;
   * the anchor is re-expressed in the item's base once per base and anchor, not per item), else by
   * BigInt subtraction. The same number either way: both are the exact difference rounded once
   * to a double. The offsets make no BigInt, so a paced line replay allocates nothing per item.
   */
  private sinceAnchorNs(ev: FeedItem, anchorTs: bigint): number {
    const off = ev.tsOffsetNs;
    if (off !== undefined && off === off) {
      const base = ev.tsBase!;
      if (base !== this.anchorBase || anchorTs !== this.anchorFor) {
        this.anchorBase = base;
        this.anchorFor = anchorTs;
        this.anchorOffsetNs = tsOffsetNs(anchorTs, base);
      }
      const a = this.anchorOffsetNs;
      if (a === a) return off - a;
    }
    return Number(ev.ts - anchorTs);
  }

  private lagTallyMade(): HistogramTally {
    const h = (this.lagHist ??= this.metrics.histogram('lagNs'));
    return (this.lagTally ??= new HistogramTally(h));
  }

  /** No source holds an event: the range is exhausted, or (following) nothing new is on disk yet. */
  private noneHeld(now: number): void {
    if (this.merge!.exhausted) {
      this.completed = true;
      return this.finish();
    }
    // A feed whose next items are on their way: hold until they arrive (the clock runs on).
    const arriving = this.merge!.waiting?.() ?? null;
    if (arriving !== null) return this.hold(arriving);
    this.metrics.inc('polls');
    return this.later(this.pollMs, now);
  }

  /**
   * Hands a taken item on: to the line feed's consumer, or to the bus. A method, not a closure made
   * per replayer: optimised callers then call the same function for every replayer, so a rehearsal's
   * (rehearsal.ts) optimised code stays valid for the replay after it.
   */
  private deliver(item: FeedItem): void {
    if (this.lineFeed !== null) this.lineFeed.emit(item);
    else this.bus.publish(item as TapeEvent);
  }

  private publish(ev: FeedItem, source: number): void {
    const off = ev.tsOffsetNs;
    if (off !== undefined && off === off) {
      this.posBase = ev.tsBase!;
      this.posOffsetNs = off;
    } else this.posTs = ev.ts;
    this.posSeq = ev.seq ?? null;
    this.posSource = source;
    this.emitted++;
    this.deliver(ev);
  }

  /** Schedules the next pass and reports progress (throttled). */
  private later(delay: number, now: number): void {
    this.task = this.sched.schedule(() => this.pass(), delay);
    if (now - this.lastProgressWall >= this.progressMs) this.emitProgress(now);
  }

  private reschedule(delay: number): void {
    this.cancel();
    this.task = this.sched.schedule(() => this.pass(), delay);
  }

  private cancel(): void {
    this.epoch++;
    this.task?.unsubscribe();
    this.task = null;
  }

  /** The replay time at wall time `now`: between the position and the next held event. */
  private clockAt(now: number): bigint {
    if (this.state !== 'playing') return this.state === 'paused' ? this.pausedClock : this.posTs;
    if (this.anchorTs === null || this.speedValue === Infinity) return this.posTs;
    let t = this.anchorTs + BigInt(Math.round((now - this.anchorWall) * this.speedValue * 1e6));
    if (t < this.posTs) t = this.posTs;
    const next = this.merge?.peek()?.head;
    if (next && t > next.ts) t = next.ts;
    return t;
  }

  private readOptions(fromTs: bigint | undefined, o: ReplayStartOptions = this.opts, follow = this.follow): EventReadOptions {
    if (follow) {
      // Filters run in the replayer when following (followFilter): the cursor must still see
      // the session-end event, whatever the filters say.
      return { fromTs, toTs: o.to, follow: true, types: o.types && o.types.length > 0 ? [...new Set<EventType>([...o.types, 'system'])] : undefined };
    }
    return {
      fromTs,
      toTs: o.to,
      types: o.types && o.types.length > 0 ? o.types : undefined,
      runId: o.runId,
      symbols: o.symbols,
      venues: o.venues,
      crcAhead: this.crcAhead && this.speedValue === Infinity,
    };
  }

  private finish(): void {
    if (this.state === 'done') return;
    this.cancel();
    this.merge?.close();
    this.setState('done', this.sched.now());
    this.done$.next();
    this.done$.complete();
  }

  private fail(e: unknown): void {
    this.cancel();
    this.merge?.close();
    if (this.state !== 'done') this.setState('done', this.sched.now());
    this.done$.error(e);
  }

  private setState(s: ReplayState, now: number): void {
    const prev = this.state;
    if (prev === 'playing' && s !== 'playing') this.playingMs += now - this.playingSince;
    if (s === 'playing' && prev !== 'playing') this.playingSince = now;
    this.stateSubject.next(s);
    // 'seeking' is a passing state: progress is reported once the seek has landed.
    if (s !== 'seeking') this.emitProgress(now);
  }

  private emitProgress(now: number): void {
    this.lastProgressWall = now;
    this.progressSubject?.next(this.snapshot(now));
  }

  private snapshot(now = this.sched.now()): ReplayProgress {
    const state = this.state;
    let end = this.rangeEnd;
    if (this.follow && this.posTs > end) end = this.posTs; // a followed recording grows
    const width = end - this.rangeStart;
    let percent: number;
    if (this.completed) percent = 100;
    else if (width <= 0n) percent = this.emitted > 0 ? 100 : 0;
    else percent = Math.min(100, Math.max(0, (Number(this.posTs - this.rangeStart) / Number(width)) * 100));
    const ms = this.playingMs + (state === 'playing' ? now - this.playingSince : 0);
    this.lagTally?.flush();
    const lag = lagSummary(this.lagHist);
    let clock = this.clockAt(now);
    if (clock < this.rangeStart) clock = this.rangeStart;
    if (clock > end) clock = end;
    const clockPercent = this.completed ? 100 : width <= 0n ? percent : Math.min(100, Math.max(0, (Number(clock - this.rangeStart) / Number(width)) * 100));
    return {
      state,
      seq: this.posSeq,
      source: this.posSource,
      ts: this.posTs,
      percent,
      clock,
      clockPercent,
      emitted: this.emitted,
      eventsPerSec: ms > 0 ? (this.emitted * 1000) / ms : 0,
      lag,
      speed: this.speedValue,
    };
  }
}

/**
 * The lag percentiles, read straight from the histogram. Not `summarize`: its mean walks every
 * recorded value (~10 ms for a histogram of a million lags), and progress is computed every
 * `progressMs` during a replay, inside the pass, where that pause would be lag itself.
 */
function lagSummary(h: Histogram | null): LagSummary {
  if (h === null || h.totalCount === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  return { count: h.totalCount, p50Ms: percentile(h, 50) / 1e6, p99Ms: percentile(h, 99) / 1e6, maxMs: h.maxValue / 1e6 };
}

function normalizeSpeed(s: ReplaySpeed): number {
  if (s === 'max' || s === Infinity) return Infinity;
  if (typeof s !== 'number' || !(s > 0) || Number.isNaN(s)) {
    throw new TapedeckError('BAD_ARGUMENT', `speed must be a number > 0, Infinity or 'max', got ${String(s)}`, { speed: String(s) });
  }
  return s;
}

function positive(n: number, name: string): number {
  if (!(n > 0)) throw new TapedeckError('BAD_ARGUMENT', `${name} must be > 0, got ${n}`);
  return n;
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new TapedeckError('BAD_ARGUMENT', `${name} must be a whole number ≥ 1, got ${n}`);
  return n;
}

/** The filters applied in the replayer when following (the cursor only filters by type and ts). */
function followFilter(o: ReplayStartOptions): ((ev: TapeEvent) => boolean) | null {
  const types = o.types && o.types.length > 0 ? new Set<EventType>(o.types) : null;
  const symbols = o.symbols && o.symbols.length > 0 ? new Set(o.symbols) : null;
  const venues = o.venues && o.venues.length > 0 ? new Set(o.venues) : null;
  if (!types && !symbols && !venues && o.runId === undefined) return null;
  return (ev) => {
    if (types && !types.has(ev.type)) return false;
    if (o.runId !== undefined && ev.runId !== o.runId) return false;
    if (symbols && !('symbol' in ev && ev.symbol !== undefined && symbols.has(ev.symbol))) return false;
    if (venues && !('venue' in ev && venues.has(ev.venue))) return false;
    return true;
  };
}
