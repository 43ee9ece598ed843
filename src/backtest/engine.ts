/**
 * The backtest engine: pure and synchronous, driven one input event at a time in replay order.
 *
 * Time. `onEvent(ev)` first runs every scheduled job (order or cancel reaching the venue, strategy
 * timer) due at or before ev.ts, in (ts, scheduling order); then sets the clock to ev.ts and
 * handles the event; then runs jobs that became due at that same instant (zero latency, timers
 * set in the past). Output events carry the clock's time, which never goes back.
 *
 * A tick goes to the venue (book update, fills of working orders), is marked to market, then goes
 * to the strategy (onFill for its fills first, then onTick). An input `risk` event of severity
 * `kill` (a scripted kill switch) trips the kill switch. Other input events only move the clock.
 *
 * Output seqs and causes (the convention the recorder relies on):
 * - The engine numbers its outputs seqBase, seqBase+1, ... in emission order and passes each
 *   number to `emit(event, seq)`. Record the outputs in exactly that order, after whatever the
 *   runner writes first (seqBase = the seq the first output will get in the output log; e.g.
 *   the log's first seq + 1 when a session-start is recorded first), and the numbers equal the
 *   log's seqs. Output events do not carry `seq` themselves; the log assigns it.
 * - `cause` of an event triggered by an input event is that input event's seq (from the input
 *   recording; absent when the input event had none). `cause` of an event triggered by an output
 *   event is that output's number as above. Timers carry the cause current when they were set.
 * - Chains: tick → signal → order new → (risk warn/block → order reject) → ack → fill; a fill on
 *   arrival is caused by the order's `new`, a fill of a working order by the tick that crossed.
 *   An order submitted after a signal in the same callback is caused by that signal, otherwise
 *   by the event being handled. A kill: trigger → risk kill → cancels and flatten orders.
 */
import { TapedeckError, ValidationError } from '../errors.js';
import type { BookEvent, FillEvent, FlatMap, OrderEvent, RiskEvent, SignalEvent, SystemEvent, TapeEvent, TickEvent } from '../events/types.js';
import { Ledger, markPrice, type PositionRef, type PositionSummary } from './ledger.js';
import { RiskManager, type RiskDecision, type RiskOptions } from './risk.js';
import type { BookLevels, OrderRequest, OrderView, Strategy, StrategyContext, TimeInForce } from './strategy.js';
import { SimVenue, remainingOf, type Book, type OrderState, type VenueHost, type VenueOptions, type VenueSlot } from './venue.js';
import { PnlSeries } from './pnl-series.js';
import { SeededRandom } from './random.js';
import { decodeEngineState, encodeEngineState, ENGINE_STATE_FILE, parseStrategyState, strategyStateText, type EngineState, type JobRow } from './engine-state.js';
import type { Stateful } from '../events/state.js';
import { heapPop, heapPush } from '../events/min-heap.js';
import { eventToJson, parseJsonEvent } from '../events/json.js';

export interface BacktestOptions {
  strategy: Strategy;
  /** The output run's id, on every output event. */
  runId: string;
  /**
   * The run's seeded source in [0, 1): latency draws and ctx.random(). A SeededRandom is
   * state-bearing (an engine snapshot saves and restores it); a plain function is not, so an
   * engine given one refuses to snapshot.
   */
  rng: (() => number) | SeededRandom;
  venue?: VenueOptions;
  risk?: RiskOptions;
  /** The output seq of the first emitted event. Default 1. */
  seqBase?: number;
  /** Input `risk` events of severity `kill` trip the kill switch. Default true. */
  honorInputKill?: boolean;
}

/** Receives every output event with its output seq, in order. */
export type EmitFn = (event: TapeEvent, seq: number) => void;

export interface BacktestSummary {
  runId: string;
  strategy: string;
  /** Replay time of the first and last input events (and of the last output). */
  startTs: bigint | undefined;
  endTs: bigint;
  eventsProcessed: number;
  ticks: number;
  eventsEmitted: number;
  /** Output seq range [firstSeq, lastSeq]; lastSeq = firstSeq − 1 when nothing was emitted. */
  firstSeq: number;
  lastSeq: number;
  signals: number;
  orders: number;
  acks: number;
  rejects: number;
  cancels: number;
  expires: number;
  /** Fills. */
  trades: number;
  volume: number;
  fees: number;
  realizedPnl: number;
  unrealizedPnl: number;
  /** realized + unrealized − fees. */
  netPnl: number;
  maxDrawdown: number;
  /** Sharpe-like ratio of the per-second net PnL changes (see pnl-series.ts). */
  sharpe: number;
  /** Max gross notional held (Σ |position × mark|). */
  maxExposure: number;
  riskEvents: number;
  blocked: number;
  killed: boolean;
  killReason: string | undefined;
  /** gtc orders still working, and orders never answered, at the end. */
  openOrders: number;
  positions: Record<string, PositionSummary>;
}

/** A strategy hook threw. The original error is the `cause`. */
export class StrategyError extends TapedeckError {
  readonly strategy: string;
  readonly hook: string;
  constructor(strategy: string, hook: string, ts: bigint, seq: number | undefined, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('BAD_INPUT', `strategy ${strategy} failed in ${hook} at ts ${ts}${seq === undefined ? '' : ` (input seq ${seq})`}: ${why}`, {
      strategy,
      hook,
      ts: String(ts),
      seq,
    }, { cause });
    this.name = 'StrategyError';
    this.strategy = strategy;
    this.hook = hook;
  }
}

/**
 * A scheduled job: an order or a cancel reaching the venue, or a strategy timer. One shape for
 * all kinds keeps the heap monomorphic. n: scheduling order, the tie-break at equal ts.
 */
interface Job {
  ts: bigint;
  n: number;
  kind: 'timer' | 'arrive' | 'cancel';
  order: OrderState | undefined;
  cause: number | undefined;
}

/** Min-heap on (ts, n): a deterministic total order for same-time jobs. */
class JobQueue {
  private readonly heap: Job[] = [];
  private static less(a: Job, b: Job): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.n < b.n);
  }
  get size(): number {
    return this.heap.length;
  }
  /** The heap as it is (for a snapshot: restoring the same array restores the same order). */
  items(): readonly Job[] {
    return this.heap;
  }
  load(jobs: readonly Job[]): void {
    this.heap.length = 0;
    this.heap.push(...jobs);
  }
  peek(): Job | undefined {
    return this.heap[0];
  }
  push(job: Job): void {
    heapPush(this.heap, job, JobQueue.less);
  }
  pop(): Job | undefined {
    return heapPop(this.heap, JobQueue.less);
  }
}

/** How many closed orders ctx.order() still knows. */
const CLOSED_KEPT = 10_000;
const SIDES: ReadonlySet<string> = new Set(['buy', 'sell']);
const KINDS: ReadonlySet<string> = new Set(['market', 'limit', 'stop']);

function view(o: OrderState): OrderView {
  return {
    orderId: o.orderId,
    venue: o.venue,
    symbol: o.symbol,
    side: o.side,
    kind: o.kind,
    price: o.price,
    qty: o.qty,
    filled: o.filled,
    remaining: remainingOf(o),
    tif: o.tif as TimeInForce,
    status: o.status,
    cancelRequested: o.cancelRequested,
  };
}

/**
 * One symbol as the engine sees it, found with one map lookup per tick. It replaced two Map.set
 * (the last tick, the last venue), the venue's two lookups of its slot and the ledger's lookup of
 * the position: ~6% of the samples in the CLI profile of the 1M-tick goal row.
 */
interface SymbolRow {
  readonly symbol: string;
  /** The last tick (ctx.lastTick) and the venue of the last tick or book message (orders go there). */
  tick: TickEvent | undefined;
  venue: string | undefined;
  /** When the symbol got its first tick / its first venue: a snapshot lists them in these orders. */
  tickN: number;
  venueN: number;
  /** The venue's slot for slotVenue (the last tick's venue), and the ledger's position once marked: handles (VenueSlot, PositionRef), valid until a restore, which only a fresh engine (no rows) takes. */
  slotVenue: string | undefined;
  slot: VenueSlot | undefined;
  pos: PositionRef | undefined;
}

function isLive(o: OrderState): boolean {
  return o.status === 'pending' || o.status === 'open';
}

export class BacktestEngine {
  readonly runId: string;
  readonly seqBase: number;
  private readonly strategy: Strategy;
  private readonly emitFn: EmitFn;
  private readonly rng: () => number;
  /** The state-bearing source behind rng, when the caller gave one. */
  private readonly random: SeededRandom | undefined;
  private readonly venue: SimVenue;
  private readonly risk: RiskManager;
  private readonly ledger = new Ledger();
  private readonly jobs = new JobQueue();
  private readonly honorInputKill: boolean;
  private readonly ctx: StrategyContext;

  private seq: number;
  private clock = 0n;
  private readonly pnlSeries = new PnlSeries();
  /** The ledger's net PnL, for the PnL series (one function, not a closure per event). */
  private readonly netPnl = (): number => this.ledger.netPnl();
  private started = false;
  private finished = false;
  /** No more strategy callbacks: after a kill, or after onEnd. */
  private stopped = false;
  private killed = false;
  private killReason: string | undefined;
  private jobCount = 0;
  private orderCount = 0;
  /** Live orders by id, plus the most recently closed ones (closed orders are forgotten after
   *  a while so that long runs stay in bounded memory). */
  private readonly orders = new Map<string, OrderState>();
  private readonly closed: string[] = [];
  private closedHead = 0;
  /** Live (pending or open) orders per symbol, in submission order. */
  private readonly live = new Map<string, OrderState[]>();
  private readonly rows = new Map<string, SymbolRow>();
  private ticksSeen = 0;
  private venuesSeen = 0;
  private dirty = false;

  /**
   * Strategy notifications raised while the venue works; delivered at the end of the step. None is
   * queued for a hook the strategy does not have: delivering it would only run settle(), which has
   * nothing to do inside a flush (settle() handles `dirty` before it flushes, and nothing a
   * callback does marks the ledger dirty: orders and cancels are scheduled, never filled at once).
   */
  private readonly notes: Array<() => void> = [];
  private flushing = false;
  /** The event behind the latest PnL change (a fill or a tick's mark): the kill's cause. */
  private pnlCause: number | undefined;
  /** Symbols the kill switch is flattening (an info event marks each one flat). */
  private readonly flattening = new Set<string>();
  /** Cause for what the current callback produces, and its symbol. */
  private trigger: number | undefined;
  private triggerSymbol: string | undefined;
  private lastSignal: number | undefined;
  private currentInputSeq: number | undefined;

  private startTs: bigint | undefined;
  private stats = { events: 0, ticks: 0, emitted: 0, signals: 0, orders: 0, acks: 0, rejects: 0, cancels: 0, expires: 0, risk: 0, blocked: 0 };

  constructor(options: BacktestOptions, emit: EmitFn) {
    if (typeof options.runId !== 'string' || options.runId.length === 0) {
      throw new TapedeckError('BAD_ARGUMENT', 'runId must be a non-empty string', { runId: options.runId });
    }
    if (typeof options.rng !== 'function' && !(options.rng instanceof SeededRandom)) {
      throw new TapedeckError('BAD_ARGUMENT', 'rng must be a SeededRandom or a seeded () => number', {});
    }
    const seqBase = options.seqBase ?? 1;
    if (!Number.isSafeInteger(seqBase) || seqBase < 0) {
      throw new TapedeckError('BAD_ARGUMENT', 'seqBase must be a non-negative safe integer', { seqBase });
    }
    if (!options.strategy || typeof options.strategy.name !== 'string' || options.strategy.name.length === 0) {
      throw new TapedeckError('BAD_ARGUMENT', 'strategy must have a non-empty name', {});
    }
    this.runId = options.runId;
    this.seqBase = seqBase;
    this.seq = seqBase;
    this.strategy = options.strategy;
    this.emitFn = emit;
    const src = options.rng;
    this.random = src instanceof SeededRandom ? src : undefined;
    this.rng = src instanceof SeededRandom ? () => src.double() : src;
    this.honorInputKill = options.honorInputKill ?? true;
    this.risk = new RiskManager(options.risk);
    const host: VenueHost = {
      runId: this.runId,
      now: () => this.clock,
      emit: (ev) => this.out(ev),
      orderUpdated: (o, ev, seq) => this.onVenueOrder(o, ev, seq),
      filled: (o, ev, seq) => this.onVenueFill(o, ev, seq),
    };
    this.venue = new SimVenue(options.venue ?? {}, host, this.rng);
    this.ctx = this.makeContext();
  }

  /** The output seq the next emitted event will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** The replay clock (0n before the first event). */
  now(): bigint {
    return this.clock;
  }

  get isKilled(): boolean {
    return this.killed;
  }

  /** Start the strategy at replay time ts (done implicitly at the first event). */
  start(ts?: bigint): void {
    if (this.started) return;
    this.started = true;
    if (ts !== undefined) this.clock = ts;
    this.startTs = this.clock;
    this.callStrategy('onStart', undefined, undefined, () => this.strategy.onStart?.(this.ctx));
    this.runDue(this.clock, false);
  }

  /** Feed one input event, in replay order. */
  onEvent(ev: TapeEvent): void {
    if (this.finished) throw new TapedeckError('BAD_ARGUMENT', 'onEvent after finish()', { seq: ev.seq });
    if (typeof ev.ts !== 'bigint') throw new TapedeckError('BAD_INPUT', 'event ts must be a bigint', { seq: ev.seq });
    if (this.started && ev.ts < this.clock) {
      throw new TapedeckError('TS_BACKWARDS', `input ts ${ev.ts} is before the replay clock ${this.clock}`, {
        seq: ev.seq,
        ts: String(ev.ts),
        clock: String(this.clock),
      });
    }
    if (!this.started) this.start(ev.ts);
    this.pnlSeries.advance(ev.ts, this.netPnl);
    this.runDue(ev.ts, false);
    this.clock = ev.ts;
    this.stats.events++;
    this.currentInputSeq = ev.seq;
    if (ev.type === 'tick') this.handleTick(ev);
    else if (ev.type === 'book') this.handleBook(ev);
    else if (ev.type === 'system' && ev.kind === 'gap') this.venue.onGap(ev);
    else if (ev.type === 'risk' && ev.severity === 'kill' && this.honorInputKill && !this.killed) {
      this.kill('input-kill', `input risk event ${ev.rule}: ${ev.detail}`, ev.seq, ev.symbol);
      this.settle();
    }
    this.runDue(ev.ts, false);
    this.currentInputSeq = undefined;
  }

  /** Trip the kill switch by hand: cancel everything, flatten, stop the strategy. */
  killSwitch(detail: string, cause?: number): void {
    if (this.killed) return;
    this.kill('manual', detail, cause, undefined);
    this.settle();
  }

  /**
   * End the run: onEnd, then messages still in flight reach the venue (meeting the last known
   * market; timers no longer fire), then `day` orders expire. Returns the summary.
   */
  finish(): BacktestSummary {
    if (this.finished) throw new TapedeckError('BAD_ARGUMENT', 'finish() called twice', {});
    if (!this.started) this.start();
    this.runDue(this.clock, false);
    this.callStrategy('onEnd', undefined, undefined, () => this.strategy.onEnd?.(this.ctx));
    this.stopped = true;
    this.runDue(undefined, true);
    this.venue.endSession();
    this.finished = true;
    this.ledger.update();
    this.pnlSeries.finish(this.ledger.netPnl());
    let open = 0;
    for (const list of this.live.values()) open += list.length;
    const s = this.stats;
    const realized = this.ledger.realizedPnl;
    const unrealized = this.ledger.unrealized();
    return {
      runId: this.runId,
      strategy: this.strategy.name,
      startTs: this.startTs,
      endTs: this.clock,
      eventsProcessed: s.events,
      ticks: s.ticks,
      eventsEmitted: s.emitted,
      firstSeq: this.seqBase,
      lastSeq: this.seq - 1,
      signals: s.signals,
      orders: s.orders,
      acks: s.acks,
      rejects: s.rejects,
      cancels: s.cancels,
      expires: s.expires,
      trades: this.ledger.trades,
      volume: this.ledger.volume,
      fees: this.ledger.fees,
      realizedPnl: realized,
      unrealizedPnl: unrealized,
      netPnl: realized + unrealized - this.ledger.fees,
      maxDrawdown: this.ledger.maxDrawdown,
      sharpe: this.pnlSeries.sharpe(),
      maxExposure: this.ledger.maxExposure,
      riskEvents: s.risk,
      blocked: s.blocked,
      killed: this.killed,
      killReason: this.killReason,
      openOrders: open,
      positions: this.ledger.summary(),
    };
  }

  // ---- snapshots (events/state.ts; docs/BACKTEST.md "Snapshots and resume") -----------------

  /**
   * Why this engine's state cannot be saved, or undefined. The strategy must have snapshot() and
   * restore() hooks: its state lives in its own closure, and the only other way to rebuild it is
   * to replay the run from the start, which is what a snapshot is there to avoid; resuming with a
   * fresh strategy would silently give a different run. The RNG must be a SeededRandom.
   */
  snapshotProblem(): string | undefined {
    if (typeof this.strategy.snapshot !== 'function' || typeof this.strategy.restore !== 'function') {
      return `strategy ${this.strategy.name} has no snapshot()/restore() hooks, so its state cannot be saved (add them: docs/BACKTEST.md "Snapshots and resume")`;
    }
    if (!this.random) return 'the run\'s random source is a plain function: pass a SeededRandom as rng so its state can be saved';
    if (this.finished) return 'the run has finished';
    return undefined;
  }

  /**
   * The engine's snapshot parts, each a Stateful: `backtest.jsonl` (orders, jobs, venue queues,
   * risk, RNG, strategy, counters), the ledger's `ledger.bin`, and under the 'l2' fill model the
   * venue's books (`books.bin`). Capture between input events (after onEvent returns); restore
   * into a fresh engine built with the same options, then feed the input after the snapshot.
   */
  stateParts(): Stateful[] {
    const core: Stateful = {
      stateFile: ENGINE_STATE_FILE,
      captureState: () => encodeEngineState(this.saveState()),
      restoreState: (bytes) => this.loadState(decodeEngineState(bytes)),
    };
    const books = this.venue.books;
    return books ? [core, this.ledger, books] : [core, this.ledger];
  }

  private saveState(): EngineState {
    const problem = this.snapshotProblem();
    if (problem) throw new TapedeckError('BAD_ARGUMENT', `cannot snapshot the backtest: ${problem}`, { strategy: this.strategy.name });
    if (this.notes.length > 0 || this.flushing || this.trigger !== undefined) {
      throw new TapedeckError('BAD_ARGUMENT', 'an engine snapshot is taken between input events, not from inside a callback', {});
    }
    // Every order referred to, once, in first-reference order.
    const table = new Map<string, OrderState>();
    const note = (o: OrderState) => {
      if (!table.has(o.orderId)) table.set(o.orderId, o);
    };
    for (const o of this.orders.values()) note(o);
    for (const list of this.live.values()) list.forEach(note);
    for (const j of this.jobs.items()) if (j.order) note(j.order);
    const venue = this.venue.saveState();
    const strategyState = strategyStateText(this.strategy.snapshot!(), this.strategy.name);
    // Orders only the venue still holds are in `orders` (the venue never outlives the registry's
    // live set); jobs can point at orders the registry forgot (a cancel racing a close).
    return {
      runId: this.runId,
      strategy: this.strategy.name,
      seqBase: this.seqBase,
      fillModel: this.venue.fillModel,
      seq: this.seq,
      clock: this.clock,
      started: this.started,
      stopped: this.stopped,
      killed: this.killed,
      killReason: this.killReason,
      jobCount: this.jobCount,
      orderCount: this.orderCount,
      startTs: this.startTs,
      dirty: this.dirty,
      pnlCause: this.pnlCause,
      flattening: [...this.flattening],
      stats: { ...this.stats },
      pnl: this.pnlSeries.saveState(),
      risk: this.risk.saveState(),
      rng: this.random!.state(),
      strategyState,
      orders: [...table.values()].map((o) => ({ ...o })),
      known: [...this.orders.keys()],
      closed: this.closed.slice(this.closedHead),
      live: [...this.live].map(([s, list]) => [s, list.map((o) => o.orderId)]),
      lastTicks: this.rowsBy('tickN').map((r) => eventToJson(r.tick!)),
      lastVenue: this.rowsBy('venueN').map((r): [string, string] => [r.symbol, r.venue!]),
      jobs: this.jobs.items().map((j): JobRow => ({ ts: j.ts, n: j.n, kind: j.kind, orderId: j.order?.orderId, cause: j.cause })),
      venue,
    };
  }

  private loadState(s: EngineState): void {
    if (this.started || this.stats.events > 0) throw new TapedeckError('BAD_ARGUMENT', 'restore a snapshot into a fresh engine (this one has already run)', {});
    const mismatch: string[] = [];
    if (s.runId !== this.runId) mismatch.push(`runId ${s.runId} (this engine: ${this.runId})`);
    if (s.strategy !== this.strategy.name) mismatch.push(`strategy ${s.strategy} (this engine: ${this.strategy.name})`);
    if (s.seqBase !== this.seqBase) mismatch.push(`seqBase ${s.seqBase} (this engine: ${this.seqBase})`);
    if (s.fillModel !== this.venue.fillModel) mismatch.push(`fill model ${s.fillModel} (this engine: ${this.venue.fillModel})`);
    if (mismatch.length > 0) throw new TapedeckError('BAD_ARGUMENT', `the snapshot is of another run: ${mismatch.join(', ')}`, { mismatch });
    const problem = this.snapshotProblem();
    if (problem) throw new TapedeckError('BAD_ARGUMENT', `cannot restore the backtest: ${problem}`, { strategy: this.strategy.name });
    const byId = new Map<string, OrderState>();
    for (const r of s.orders) byId.set(r.orderId, { ...r });
    const order = (id: string): OrderState => {
      const o = byId.get(id);
      if (!o) throw new TapedeckError('CORRUPT_SNAPSHOT', `${ENGINE_STATE_FILE}: order ${id} is referred to but not listed`, { file: ENGINE_STATE_FILE, orderId: id });
      return o;
    };
    let ticks: TickEvent[];
    try {
      ticks = s.lastTicks.map((t) => parseJsonEvent(t) as TickEvent);
    } catch (e) {
      throw new TapedeckError('CORRUPT_SNAPSHOT', `${ENGINE_STATE_FILE}: a last tick: ${e instanceof Error ? e.message : String(e)}`, { file: ENGINE_STATE_FILE });
    }
    const strategyState = parseStrategyState(s.strategyState);
    this.orders.clear();
    for (const id of s.known) this.orders.set(id, order(id));
    this.live.clear();
    for (const [sym, ids] of s.live) this.live.set(sym, ids.map(order));
    this.closed.length = 0;
    this.closed.push(...s.closed);
    this.closedHead = 0;
    this.rows.clear();
    this.ticksSeen = this.venuesSeen = 0;
    for (const t of ticks) this.setTick(this.row(t.symbol), t);
    for (const [sym, v] of s.lastVenue) this.setVenue(this.row(sym), v);
    this.jobs.load(s.jobs.map((j) => ({ ts: j.ts, n: j.n, kind: j.kind, order: j.orderId === undefined ? undefined : order(j.orderId), cause: j.cause })));
    this.venue.loadState(s.venue, order);
    this.flattening.clear();
    for (const sym of s.flattening) this.flattening.add(sym);
    this.pnlSeries.loadState(s.pnl);
    this.risk.loadState(s.risk);
    this.random!.restore(s.rng);
    this.seq = s.seq;
    this.clock = s.clock;
    this.started = s.started;
    this.stopped = s.stopped;
    this.killed = s.killed;
    this.killReason = s.killReason;
    this.jobCount = s.jobCount;
    this.orderCount = s.orderCount;
    this.startTs = s.startTs;
    this.dirty = s.dirty;
    this.pnlCause = s.pnlCause;
    this.stats = { ...this.stats, ...s.stats };
    try {
      this.strategy.restore!(strategyState);
    } catch (e) {
      throw new StrategyError(this.strategy.name, 'restore', this.clock, undefined, e);
    }
  }

  // ---- internals ---------------------------------------------------------------------------

  private out(ev: TapeEvent): number {
    const seq = this.seq++;
    this.stats.emitted++;
    this.emitFn(ev, seq);
    return seq;
  }

  private row(symbol: string): SymbolRow {
    let r = this.rows.get(symbol);
    if (r === undefined) {
      r = { symbol, tick: undefined, venue: undefined, tickN: 0, venueN: 0, slotVenue: undefined, slot: undefined, pos: undefined };
      this.rows.set(symbol, r);
    }
    return r;
  }

  private setTick(r: SymbolRow, tick: TickEvent): void {
    if (r.tick === undefined) r.tickN = ++this.ticksSeen;
    r.tick = tick;
  }

  private setVenue(r: SymbolRow, venue: string): void {
    if (r.venue === undefined) r.venueN = ++this.venuesSeen;
    r.venue = venue;
  }

  /** The rows that have a tick (tickN) or a venue (venueN), in the order they got it. */
  private rowsBy(key: 'tickN' | 'venueN'): SymbolRow[] {
    return [...this.rows.values()].filter((r) => r[key] > 0).sort((a, b) => a[key] - b[key]);
  }

  private handleTick(tick: TickEvent): void {
    this.stats.ticks++;
    const r = this.row(tick.symbol);
    this.setTick(r, tick);
    this.setVenue(r, tick.venue);
    if (r.slotVenue !== tick.venue) {
      r.slot = this.venue.slotRef(tick.venue, tick.symbol, tick.ts);
      r.slotVenue = tick.venue;
    }
    this.marked(r, this.venue.onTickAt(r.slot!, tick), tick.seq);
    if (this.stopped || this.strategy.onTick === undefined) return;
    // Inlined callStrategy: the per-tick path allocates nothing.
    this.trigger = tick.seq;
    this.triggerSymbol = tick.symbol;
    this.lastSignal = undefined;
    try {
      this.strategy.onTick(tick, this.ctx);
    } catch (e) {
      throw new StrategyError(this.strategy.name, 'onTick', this.clock, this.currentInputSeq, e);
    } finally {
      this.trigger = undefined;
      this.triggerSymbol = undefined;
      this.lastSignal = undefined;
    }
    this.settle(tick.seq);
  }

  /** 'l2' fill model: a completed venue message moves the book, marks and matches (no strategy call). */
  private handleBook(ev: BookEvent): void {
    const book = this.venue.onBook(ev);
    if (book === undefined) return;
    const r = this.row(ev.symbol);
    this.setVenue(r, ev.venue);
    this.marked(r, book, ev.seq);
  }

  /** The market moved (a tick, or a book message): mark the position, keep a killed run flat, settle. */
  private marked(r: SymbolRow, book: Readonly<Book>, cause: number | undefined): void {
    const mark = markPrice(book);
    if (mark !== undefined) {
      // The first mark makes the position as before (ledger.mark), later ones go through its handle.
      const held = r.pos !== undefined ? this.ledger.markAt(r.symbol, r.pos, mark) : this.ledger.mark(r.symbol, mark);
      r.pos ??= this.ledger.positionRef(r.symbol);
      if (held) {
        this.dirty = true;
        this.pnlCause = cause;
      }
    }
    if (this.killed) this.ensureFlat(r.symbol, cause);
    this.settle(cause);
  }

  /** After a step: sample PnL, check the kill switch, deliver queued notifications. */
  private settle(cause?: number): void {
    if (!this.dirty && this.notes.length === 0) return;
    if (this.dirty) {
      this.dirty = false;
      const dd = this.ledger.update();
      if (!this.killed) {
        const d = this.risk.checkKill(this.ledger.updatedNetPnl, dd);
        if (d) this.kill(d.rule, d.detail, this.pnlCause ?? cause, undefined, d);
      }
    }
    // One flush at a time: notes raised while flushing join the end of the same pass, so the
    // strategy hears about things in the order they happened.
    if (this.flushing || this.notes.length === 0) return;
    this.flushing = true;
    try {
      for (let i = 0; i < this.notes.length; i++) this.notes[i]!();
    } finally {
      this.notes.length = 0;
      this.flushing = false;
    }
  }

  /** Run jobs due at or before `until` (all of them when undefined). */
  private runDue(until: bigint | undefined, drain: boolean): void {
    for (;;) {
      const job = this.jobs.peek();
      if (!job || (until !== undefined && job.ts > until)) return;
      this.jobs.pop();
      if (job.ts > this.clock) this.clock = job.ts;
      if (job.kind === 'timer') {
        if (drain) continue;
        this.callStrategy('onTimer', job.cause, undefined, () => this.strategy.onTimer?.(job.ts, this.ctx));
      } else if (job.kind === 'arrive') {
        this.venue.arrive(job.order!);
        this.settle(job.order!.newSeq);
      } else {
        this.venue.cancel(job.order!, job.cause);
        this.settle(job.cause);
      }
    }
  }

  private schedule(kind: Job['kind'], ts: bigint, order: OrderState | undefined, cause: number | undefined): void {
    this.jobs.push({ ts, n: ++this.jobCount, kind, order, cause });
  }

  private callStrategy(hook: string, cause: number | undefined, symbol: string | undefined, fn: () => void): void {
    if (this.stopped) return;
    this.trigger = cause;
    this.triggerSymbol = symbol;
    this.lastSignal = undefined;
    try {
      fn();
    } catch (e) {
      throw new StrategyError(this.strategy.name, hook, this.clock, this.currentInputSeq, e);
    } finally {
      this.trigger = undefined;
      this.triggerSymbol = undefined;
      this.lastSignal = undefined;
    }
    // Risk rejects raised inside the callback are delivered now, never re-entrantly.
    this.settle(cause);
  }

  private onVenueOrder(o: OrderState, ev: OrderEvent, seq: number): void {
    switch (ev.action) {
      case 'ack':
        this.stats.acks++;
        break;
      case 'reject':
        this.stats.rejects++;
        break;
      case 'cancel':
        this.stats.cancels++;
        break;
      case 'expire':
        this.stats.expires++;
        break;
      default:
        break;
    }
    if (!isLive(o)) this.dropLive(o);
    // A flatten order's cancel settled (canceled, or too late because it filled): re-check.
    if (this.killed && o.flatten && (ev.action === 'cancel' || (ev.action === 'reject' && o.status !== 'rejected'))) {
      this.ensureFlat(o.symbol, seq);
    }
    if (!o.flatten && this.strategy.onOrder !== undefined) this.notes.push(() => this.callStrategy('onOrder', seq, o.symbol, () => this.strategy.onOrder?.(ev, this.ctx)));
  }

  private onVenueFill(o: OrderState, ev: FillEvent, seq: number): void {
    this.ledger.fill(ev.symbol, ev.side, ev.qty, ev.price, ev.fee ?? 0);
    this.dirty = true;
    this.pnlCause = seq;
    if (!isLive(o)) this.dropLive(o);
    if (this.killed) this.ensureFlat(o.symbol, seq);
    if (this.strategy.onFill !== undefined) this.notes.push(() => this.callStrategy('onFill', seq, ev.symbol, () => this.strategy.onFill?.(ev, this.ctx)));
  }

  private dropLive(o: OrderState): void {
    const list = this.live.get(o.symbol);
    if (!list) return;
    const i = list.indexOf(o);
    if (i < 0) return;
    list.splice(i, 1);
    this.closed.push(o.orderId);
    if (this.closed.length - this.closedHead > CLOSED_KEPT) {
      this.orders.delete(this.closed[this.closedHead++]!);
      if (this.closedHead >= CLOSED_KEPT) {
        this.closed.splice(0, this.closedHead);
        this.closedHead = 0;
      }
    }
  }

  private emitRisk(d: RiskDecision, cause: number | undefined): number {
    const ev: RiskEvent = { type: 'risk', ts: this.clock, runId: this.runId, rule: d.rule, severity: d.severity, detail: d.detail };
    if (cause !== undefined) ev.cause = cause;
    if (d.symbol !== undefined) ev.symbol = d.symbol;
    if (d.value !== undefined && Number.isFinite(d.value)) ev.value = d.value;
    if (d.limit !== undefined && Number.isFinite(d.limit)) ev.limit = d.limit;
    this.stats.risk++;
    if (d.severity === 'block') this.stats.blocked++;
    return this.out(ev);
  }

  private kill(rule: string, detail: string, cause: number | undefined, symbol: string | undefined, d?: RiskDecision): void {
    this.killed = true;
    this.stopped = true;
    this.killReason = `${rule}: ${detail}`;
    const killSeq = this.emitRisk(d ?? { rule, severity: 'kill', detail, ...(symbol === undefined ? {} : { symbol }) }, cause);
    for (const list of this.live.values()) {
      for (const o of list) if (!o.flatten && !o.cancelRequested) this.requestCancel(o, killSeq);
    }
    for (const s of this.ledger.symbols()) if (this.ledger.hasPosition(s)) this.ensureFlat(s, killSeq);
  }

  /** Keep a killed run's position in a symbol heading to flat: market orders for what is left. */
  private ensureFlat(symbol: string, cause: number | undefined): void {
    const pos = this.ledger.position(symbol);
    let pending = 0;
    let canceling = false;
    const flatteners: OrderState[] = [];
    for (const o of this.live.get(symbol) ?? []) {
      if (!o.flatten) continue;
      flatteners.push(o);
      pending += o.side === 'buy' ? remainingOf(o) : -remainingOf(o);
      if (o.cancelRequested) canceling = true;
    }
    const need = -(pos + pending);
    if (Math.abs(need) <= 1e-9 * Math.max(1, Math.abs(pos))) {
      if (pos === 0 && flatteners.length === 0 && this.flattening.delete(symbol)) {
        this.emitRisk({ rule: 'kill-switch', severity: 'info', symbol, detail: `${symbol} position is flat` }, cause);
      }
      return;
    }
    if (canceling) return; // wait for the cancel's outcome before sending more
    if (pending !== 0 && Math.sign(need) !== Math.sign(pending)) {
      // Late fills left flatten orders larger than the position: take them back, then re-check.
      for (const o of flatteners) this.requestCancel(o, cause);
      return;
    }
    this.flattening.add(symbol);
    this.sendOrder({ symbol, side: need > 0 ? 'buy' : 'sell', kind: 'market', qty: Math.abs(need), tif: 'gtc' }, cause, true);
  }

  private requestCancel(o: OrderState, cause: number | undefined): void {
    o.cancelRequested = true;
    this.schedule('cancel', this.venue.arrivalTime(this.clock), o, cause);
  }

  /** Why an order cannot even be written as an order event, if it cannot. */
  private unrepresentable(r: OrderRequest): [string, string] | undefined {
    if (typeof r.symbol !== 'string' || r.symbol.length === 0) return ['symbol', 'must be a non-empty string'];
    if (!SIDES.has(r.side)) return ['side', "must be 'buy' or 'sell'"];
    if (!KINDS.has(r.kind)) return ['kind', "must be 'market', 'limit' or 'stop'"];
    if (typeof r.qty !== 'number' || !Number.isFinite(r.qty) || r.qty <= 0) return ['qty', 'must be a finite number > 0'];
    if (r.price !== undefined && (typeof r.price !== 'number' || !Number.isFinite(r.price) || r.price <= 0)) {
      return ['price', 'must be a finite number > 0'];
    }
    if (r.tif !== undefined && (typeof r.tif !== 'string' || r.tif.length === 0)) return ['tif', 'must be a non-empty string'];
    if (r.venue !== undefined && (typeof r.venue !== 'string' || r.venue.length === 0)) return ['venue', 'must be a non-empty string'];
    return undefined;
  }

  private sendOrder(r: OrderRequest, cause: number | undefined, flatten: boolean): string {
    const orderId = `O${++this.orderCount}`;
    const venueName = r.venue ?? this.rows.get(r.symbol)?.venue ?? this.venue.name;
    const tif = r.tif ?? (r.kind === 'market' ? 'ioc' : 'day');
    const bad = this.unrepresentable(r);
    if (bad) {
      // Not writable as an order event (qty ≤ 0, NaN, ...): a system reject records the attempt.
      const o = this.track(orderId, r, venueName, tif, flatten, undefined);
      o.status = 'rejected';
      this.dropLive(o);
      const ev: SystemEvent = {
        type: 'system',
        ts: this.clock,
        runId: this.runId,
        kind: 'reject',
        message: `order ${orderId} rejected: ${bad[0]} ${bad[1]}`,
        data: { orderId, field: bad[0], value: String((r as unknown as Record<string, unknown>)[bad[0]]) },
      };
      if (cause !== undefined) ev.cause = cause;
      this.stats.rejects++;
      this.out(ev);
      return orderId;
    }
    const newEv: OrderEvent = {
      type: 'order',
      ts: this.clock,
      runId: this.runId,
      orderId,
      venue: venueName,
      symbol: r.symbol,
      side: r.side,
      kind: r.kind,
      action: 'new',
      qty: r.qty,
      tif,
      strategy: this.strategy.name,
    };
    if (cause !== undefined) newEv.cause = cause;
    if (r.price !== undefined) newEv.price = r.price;
    if (flatten) newEv.reason = 'kill switch: flatten';
    this.stats.orders++;
    const newSeq = this.out(newEv);
    const o = this.track(orderId, r, venueName, tif, flatten, newSeq);
    if (!flatten) {
      const blocked = this.preTrade(o, newSeq);
      if (blocked !== undefined) {
        o.status = 'rejected';
        this.dropLive(o);
        const rej: OrderEvent = { ...newEv, action: 'reject', cause: blocked.seq, reason: `risk: ${blocked.rule}` };
        this.stats.rejects++;
        const seq = this.out(rej);
        if (this.strategy.onOrder !== undefined) this.notes.push(() => this.callStrategy('onOrder', seq, o.symbol, () => this.strategy.onOrder?.(rej, this.ctx)));
        return orderId;
      }
    }
    this.schedule('arrive', this.venue.arrivalTime(this.clock), o, newSeq);
    return orderId;
  }

  private track(orderId: string, r: OrderRequest, venue: string, tif: string, flatten: boolean, newSeq: number | undefined): OrderState {
    const o: OrderState = {
      orderId,
      venue,
      symbol: r.symbol,
      side: r.side,
      kind: r.kind,
      price: r.price,
      qty: r.qty,
      tif,
      strategy: this.strategy.name,
      flatten,
      newSeq,
      filled: 0,
      status: 'pending',
      cancelRequested: false,
      arrival: 0,
    };
    this.orders.set(orderId, o);
    let list = this.live.get(r.symbol);
    if (!list) {
      list = [];
      this.live.set(r.symbol, list);
    }
    list.push(o);
    return o;
  }

  /** Pre-trade checks; emits their risk events; returns the block, if any. */
  private preTrade(o: OrderState, newSeq: number): { rule: string; seq: number } | undefined {
    if (this.killed) {
      const seq = this.emitRisk({ rule: 'kill-switch', severity: 'block', symbol: o.symbol, detail: 'the kill switch is on' }, newSeq);
      return { rule: 'kill-switch', seq };
    }
    let openBuy = 0;
    let openSell = 0;
    for (const x of this.live.get(o.symbol) ?? []) {
      if (x === o) continue;
      if (x.side === 'buy') openBuy += remainingOf(x);
      else openSell += remainingOf(x);
    }
    const book = this.venue.book(o.venue, o.symbol);
    const touch = book ? (o.side === 'buy' ? book.ask : book.bid) : undefined;
    const refPrice = o.kind === 'limit' && o.price !== undefined ? o.price : (touch ?? this.ledger.markOf(o.symbol));
    const decisions = this.risk.checkOrder({
      symbol: o.symbol,
      side: o.side,
      qty: o.qty,
      refPrice,
      position: this.ledger.position(o.symbol),
      openBuy,
      openSell,
      now: this.clock,
    });
    let blocked: { rule: string; seq: number } | undefined;
    for (const d of decisions) {
      const seq = this.emitRisk(d, newSeq);
      if (d.severity === 'block' || d.severity === 'kill') blocked = { rule: d.rule, seq };
    }
    return blocked;
  }

  private isPastOrderId(id: string): boolean {
    const m = /^O([1-9][0-9]*)$/.exec(id);
    return m !== null && Number(m[1]) <= this.orderCount;
  }

  private makeContext(): StrategyContext {
    const self = this;
    const need = (what: string): void => {
      if (self.finished) throw new TapedeckError('BAD_ARGUMENT', `ctx.${what} after the run finished`, {});
    };
    return {
      strategy: this.strategy.name,
      submit(order: OrderRequest): string {
        need('submit');
        if (typeof order !== 'object' || order === null) throw new TapedeckError('BAD_ARGUMENT', 'submit needs an order object', {});
        return self.sendOrder(order, self.lastSignal ?? self.trigger, false);
      },
      cancel(orderId: string): void {
        need('cancel');
        const o = self.orders.get(orderId);
        if (!o) {
          if (self.isPastOrderId(orderId)) return; // closed long ago: nothing to cancel
          throw new TapedeckError('BAD_ARGUMENT', `cancel: unknown order ${orderId}`, { orderId });
        }
        if (o.cancelRequested || !isLive(o)) return; // nothing left to cancel
        self.requestCancel(o, self.lastSignal ?? self.trigger);
      },
      signal(name: string, value: number, meta?: FlatMap, symbol?: string): void {
        need('signal');
        if (typeof name !== 'string' || name.length === 0) throw new ValidationError('name', 'must be a non-empty string', name);
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new ValidationError('value', 'must be a finite number', value);
        const sym = symbol ?? self.triggerSymbol;
        if (sym === undefined || sym.length === 0) {
          throw new TapedeckError('BAD_ARGUMENT', `signal ${name}: no symbol (pass one outside onTick/onFill/onOrder)`, { name });
        }
        const ev: SignalEvent = { type: 'signal', ts: self.clock, runId: self.runId, strategy: self.strategy.name, symbol: sym, name, value };
        if (self.trigger !== undefined) ev.cause = self.trigger;
        if (meta !== undefined) ev.meta = { ...meta };
        self.stats.signals++;
        self.lastSignal = self.out(ev);
      },
      position(symbol: string): number {
        return self.ledger.position(symbol);
      },
      now(): bigint {
        return self.clock;
      },
      setTimer(ts: bigint): void {
        need('setTimer');
        if (typeof ts !== 'bigint') throw new TapedeckError('BAD_ARGUMENT', 'setTimer needs a bigint ts (ns)', { ts: String(ts) });
        const at = ts < self.clock ? self.clock : ts;
        self.schedule('timer', at, undefined, self.lastSignal ?? self.trigger);
      },
      random(): number {
        return self.rng();
      },
      order(orderId: string): OrderView | undefined {
        const o = self.orders.get(orderId);
        return o ? view(o) : undefined;
      },
      openOrders(symbol?: string): OrderView[] {
        if (symbol !== undefined) return (self.live.get(symbol) ?? []).map(view);
        const all: OrderState[] = [];
        for (const list of self.live.values()) all.push(...list);
        all.sort((a, b) => Number(a.orderId.slice(1)) - Number(b.orderId.slice(1)));
        return all.map(view);
      },
      lastTick(symbol: string): TickEvent | undefined {
        return self.rows.get(symbol)?.tick;
      },
      book(symbol: string, depth = 10): BookLevels | undefined {
        if (!Number.isSafeInteger(depth) || depth < 1) throw new TapedeckError('BAD_ARGUMENT', `book(${symbol}, ${depth}): depth must be a positive integer`, { depth });
        return self.venue.bookLevels(self.rows.get(symbol)?.venue ?? self.venue.name, symbol, depth);
      },
      pnl(): number {
        return self.ledger.netPnl();
      },
    };
  }
}

