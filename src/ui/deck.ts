/**
 * The replay deck: one Replayer per recording, run on the server and driven by the browser's
 * controls (play, pause, step, speed, seek). It is the same Replayer the CLI's `replay` uses,
 * publishing onto an EventBus; the deck reads its position and progress, and answers the
 * browser's questions about the cursor (the quote of each symbol, the events around it) from the
 * recording's Timeline and a short read of the log.
 *
 * A replay that reached its end is done and cannot move; a seek, step or play after that starts
 * a fresh Replayer (paused) on the same recording and seeks it.
 */
import type { SchedulerLike } from 'rxjs';
import { EventBus } from '../bus/index.js';
import { TapedeckError } from '../errors.js';
import { eventToJson } from '../events/json.js';
import { openRecording, type Recording } from '../events/recording.js';
import { formatTsIso } from '../events/ts.js';
import { BookBuilder } from '../book/book-builder.js';
import { viewOf } from '../book/book-at.js';
import { Replayer, type ReplayState } from '../replay/index.js';
import { lowerBound } from './downsample.js';
import type { Quote, Timeline } from './timeline.js';

export type DeckAction = 'play' | 'pause' | 'step' | 'speed' | 'seek';

export interface DeckControl {
  action: DeckAction;
  /** step: how many events (default 1). */
  count?: number;
  /** speed: a multiplier > 0 or 'max'. */
  speed?: number | 'max';
  /** seek: the target ts in ns (decimal string). */
  ts?: string;
}

export interface AroundEvent {
  seq: number;
  ts: string;
  tsIso: string;
  type: string;
  /** The event as canonical JSON. */
  json: string;
  /** True for the event at the cursor (the last one published). */
  current: boolean;
}

/** One book at the cursor (as `tapedeck book --at` shows it: levels as exact decimal strings). */
export interface DeckBook {
  venue: string;
  symbol: string;
  trusted: boolean;
  /** ts of the last message applied (ns, decimal string). */
  ts: string;
  messages: number;
  bids: { price: string; size: string }[];
  asks: { price: string; size: string }[];
}

export interface DeckState {
  state: ReplayState;
  /** The replay clock (ns, decimal string) and as ISO-8601. */
  ts: string;
  tsIso: string;
  seq: number | null;
  percent: number;
  speed: number | 'max';
  emitted: number;
  firstTs: string;
  lastTs: string;
  quotes: Quote[];
  around: AroundEvent[];
  /** The books of the asked symbol at the cursor, when the recording has depth (book events); else null. */
  books: DeckBook[] | null;
}

export interface DeckStateOptions {
  /** Whose books to show (none when absent). */
  symbol?: string;
  /** Levels per side (default 10). */
  depth?: number;
}

/** How many events of the log to show before and after the cursor. */
const AROUND = 8;

export class Deck {
  private recording: Recording;
  private replayer: Replayer;
  private bus = new EventBus();
  private speedValue: number | 'max' = 1;
  /** The books as of `atTs` (every book message with ts ≤ atTs applied). */
  private books: { builder: BookBuilder; atTs: bigint | null } | null = null;

  constructor(
    readonly dir: string,
    private readonly timeline: () => Promise<Timeline>,
    private readonly scheduler?: SchedulerLike,
  ) {
    this.recording = openRecording(dir);
    this.replayer = this.fresh();
  }

  private fresh(): Replayer {
    const r = new Replayer(this.recording, this.bus, this.scheduler ? { scheduler: this.scheduler } : {});
    r.start({ paused: true, speed: this.speedValue }).subscribe({ error: () => undefined });
    return r;
  }

  /** The replayer, ready to move: a done one is replaced by a fresh paused one at `atNs`. */
  private live(atNs?: bigint): Replayer {
    if (this.replayer.state === 'done') {
      const at = atNs ?? this.replayer.now();
      this.replayer = this.fresh();
      this.replayer.seek(at);
    }
    return this.replayer;
  }

  async control(c: DeckControl, opts: DeckStateOptions = {}): Promise<DeckState> {
    switch (c.action) {
      case 'play':
        this.live().resume();
        break;
      case 'pause':
        this.replayer.pause();
        break;
      case 'step': {
        const n = c.count ?? 1;
        if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new TapedeckError('BAD_ARGUMENT', `step count must be a whole number 1..100000, got ${String(n)}`);
        const r = this.live();
        r.pause();
        r.step(n);
        break;
      }
      case 'speed': {
        const s = c.speed;
        if (!(s === 'max' || (typeof s === 'number' && s > 0 && Number.isFinite(s)))) {
          throw new TapedeckError('BAD_ARGUMENT', `speed must be a number > 0 or "max", got ${JSON.stringify(s)}`);
        }
        this.speedValue = s;
        if (this.replayer.state !== 'done') this.replayer.speed(s);
        break;
      }
      case 'seek': {
        if (typeof c.ts !== 'string' || !/^\d{1,19}$/.test(c.ts)) throw new TapedeckError('BAD_ARGUMENT', `seek needs ts: ns as a decimal string, got ${JSON.stringify(c.ts)}`);
        const ts = BigInt(c.ts);
        if (this.replayer.state === 'done') this.live(ts);
        else this.replayer.seek(ts);
        break;
      }
      default:
        throw new TapedeckError('BAD_ARGUMENT', `unknown deck action ${JSON.stringify((c as { action?: unknown }).action)} (play, pause, step, speed, seek)`);
    }
    return this.state(opts);
  }

  async state(opts: DeckStateOptions = {}): Promise<DeckState> {
    const tl = await this.timeline();
    const p = this.replayer.progress();
    const ts = p.ts;
    const off = tl.offsetOf(ts);
    return {
      state: p.state,
      ts: ts.toString(),
      tsIso: ts >= 0n ? formatTsIso(ts) : '',
      seq: p.seq,
      percent: p.percent,
      speed: this.speedValue,
      emitted: p.emitted,
      firstTs: tl.originNs.toString(),
      lastTs: tl.lastNs.toString(),
      quotes: tl.quotesAt(off),
      around: this.around(tl, p.seq, off),
      books: tl.bookEvents > 0 && opts.symbol !== undefined ? this.booksAt(ts, opts.symbol, opts.depth ?? 10) : null,
    };
  }

  /**
   * The books of `symbol` as of `at`, built the way `tapedeck book --at` builds them (every book
   * message with ts ≤ at, through the same BookBuilder). Moving forward applies only the events
   * since the last call, so playing and stepping cost what they add; moving back rebuilds from the
   * start of the recording.
   */
  private booksAt(at: bigint, symbol: string, depth: number): DeckBook[] {
    if (!Number.isSafeInteger(depth) || depth < 1 || depth > 1000) throw new TapedeckError('BAD_ARGUMENT', `depth must be a whole number 1..1000, got ${String(depth)}`);
    if (this.books === null || (this.books.atTs !== null && at < this.books.atTs)) this.books = { builder: new BookBuilder(), atTs: null };
    const b = this.books;
    if (b.atTs === null || at > b.atTs) {
      for (const ev of this.recording.events({ ...(b.atTs === null ? {} : { fromTs: b.atTs + 1n }), toTs: at, types: ['book', 'system'] })) b.builder.push(ev);
      b.atTs = at;
    }
    return b.builder
      .all()
      .filter((x) => x.symbol === symbol && x.messages > 0)
      .map((x) => {
        const v = viewOf(x, depth);
        return { venue: v.venue, symbol: v.symbol, trusted: v.trusted, ts: v.ts.toString(), messages: v.messages, bids: v.bids, asks: v.asks };
      });
  }

  /** The events of the log around the cursor: up to AROUND before it, the current one, AROUND after. */
  private around(tl: Timeline, seq: number | null, off: number): AroundEvent[] {
    if (tl.events === 0) return [];
    // The current event: the last published one, or after a seek the last one before the target.
    const cur = seq !== null ? lowerBound(tl.seqs, seq) : tl.positionAt(off) - 1;
    const a = Math.max(0, cur - AROUND);
    const b = Math.min(tl.events - 1, cur + AROUND);
    if (b < a) return [];
    const out: AroundEvent[] = [];
    for (const ev of this.recording.events({ fromSeq: tl.seqs[a]!, toSeq: tl.seqs[b]! })) {
      out.push({ seq: ev.seq ?? -1, ts: ev.ts.toString(), tsIso: formatTsIso(ev.ts), type: ev.type, json: eventToJson(ev), current: ev.seq === tl.seqs[cur] });
    }
    return out;
  }

  close(): void {
    this.replayer.stop();
  }
}
