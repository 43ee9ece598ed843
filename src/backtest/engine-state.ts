/**
 * The backtest engine's snapshot encoding (`backtest.jsonl`, docs/BACKTEST.md "Snapshots and
 * resume"; the snapshot contract is events/state.ts). A pure codec: the engine copies its state
 * into an `EngineState` (engine.ts), this writes it as JSON lines and reads it back, checking
 * every field; nothing here touches the engine or the disk.
 *
 * Layout: a header line (format, the run's identity, every scalar, the venue's books and queues,
 * risk, RNG and the strategy's own state), then one row per order ["o", ...] and one per scheduled
 * job ["j", ...]. Orders are written once and referred to by orderId everywhere else (the live
 * lists, the venue's priority lists, the queues, the jobs), so a restored engine shares one object
 * per order exactly as the running one did. bigints are decimal strings; doubles are JSON numbers
 * (shortest round-trip form) except -0, ±Infinity and NaN, written as strings ("-0", "Infinity").
 * Same state → same bytes: every list is written in the engine's own order.
 */
import { TapedeckError } from '../errors.js';
import { jsonLines, readJsonLines } from '../events/state.js';
import type { SeededRandomState } from './random.js';

export const ENGINE_STATE_FILE = 'backtest.jsonl';
export const ENGINE_STATE_FORMAT = 'tapedeck-backtest/1';

export interface OrderRow {
  orderId: string;
  venue: string;
  symbol: string;
  side: 'buy' | 'sell';
  kind: 'market' | 'limit' | 'stop';
  price: number | undefined;
  qty: number;
  tif: string;
  strategy: string | undefined;
  flatten: boolean;
  newSeq: number | undefined;
  filled: number;
  status: 'pending' | 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';
  cancelRequested: boolean;
  arrival: number;
}

export interface JobRow {
  ts: bigint;
  n: number;
  kind: 'timer' | 'arrive' | 'cancel';
  orderId: string | undefined;
  cause: number | undefined;
}

export interface SlotRow {
  venue: string;
  symbol: string;
  book: { bid: number | undefined; ask: number | undefined; bidAvail: number; askAvail: number; last: number | undefined; ts: bigint };
  buys: string[];
  sells: string[];
  /** 'l2': displayed size taken per level, [price, qty] pairs per side, in insertion order. */
  taken: { bid: [number, number][]; ask: [number, number][] } | undefined;
}

export interface VenueState {
  lastArrival: bigint;
  arrivals: number;
  fillCount: number;
  slots: SlotRow[];
  /** Resting limit orders' queue positions: [orderId, price, aheadQty]. */
  queues: [string, number, number][];
}

export interface PnlSeriesState {
  boundary: bigint | undefined;
  lastPnl: number;
  n: number;
  mean: number;
  m2: number;
}

export interface RiskState {
  /** Accept times still in the rate window, oldest first. */
  accepted: bigint[];
  /** Warning keys in the warn zone, in insertion order. */
  warned: string[];
}

export interface EngineState {
  runId: string;
  strategy: string;
  seqBase: number;
  fillModel: string;
  seq: number;
  clock: bigint;
  started: boolean;
  stopped: boolean;
  killed: boolean;
  killReason: string | undefined;
  jobCount: number;
  orderCount: number;
  startTs: bigint | undefined;
  dirty: boolean;
  pnlCause: number | undefined;
  flattening: string[];
  stats: Record<string, number>;
  pnl: PnlSeriesState;
  risk: RiskState;
  rng: SeededRandomState;
  /** The strategy's snapshot() result as JSON text (bigints tagged {"$bigint": "…"}). */
  strategyState: string;
  /** Every order the state refers to, by orderId, in first-reference order. */
  orders: OrderRow[];
  /** The ids ctx.order() knows (live and recently closed), in the engine's order. */
  known: string[];
  /** Recently closed ids, oldest first (the oldest is forgotten first). */
  closed: string[];
  live: [string, string[]][];
  /** Latest tick per symbol, as canonical event JSON. */
  lastTicks: string[];
  lastVenue: [string, string][];
  /** The latency heap, in heap order. */
  jobs: JobRow[];
  venue: VenueState;
}

/** A double as JSON: -0 and non-finite values as strings (JSON numbers cannot hold them). */
export function numOut(x: number): number | string {
  return Number.isFinite(x) && !Object.is(x, -0) ? x : String(x);
}

function bad(what: string): TapedeckError {
  return new TapedeckError('CORRUPT_SNAPSHOT', `${ENGINE_STATE_FILE}: ${what}`, { file: ENGINE_STATE_FILE });
}

/** Field readers that refuse what the encoder never writes. */
const read = {
  num(v: unknown, what: string): number {
    if (typeof v === 'number') return v;
    if (v === '-0') return -0;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    if (v === 'NaN') return NaN;
    throw bad(`${what} is not a number`);
  },
  int(v: unknown, what: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(`${what} is not a whole number`);
    return v;
  },
  big(v: unknown, what: string): bigint {
    if (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)) throw bad(`${what} is not a decimal integer`);
    return BigInt(v);
  },
  str(v: unknown, what: string): string {
    if (typeof v !== 'string') throw bad(`${what} is not a string`);
    return v;
  },
  bool(v: unknown, what: string): boolean {
    if (typeof v !== 'boolean') throw bad(`${what} is not true or false`);
    return v;
  },
  arr(v: unknown, what: string): unknown[] {
    if (!Array.isArray(v)) throw bad(`${what} is not a list`);
    return v;
  },
  obj(v: unknown, what: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${what} is not an object`);
    return v as Record<string, unknown>;
  },
  opt<T>(v: unknown, f: (x: unknown) => T): T | undefined {
    return v === undefined || v === null ? undefined : f(v);
  },
};

const STATUSES = new Set(['pending', 'open', 'filled', 'canceled', 'rejected', 'expired']);
const JOB_KINDS = new Set(['timer', 'arrive', 'cancel']);

/** The strategy's state as JSON text; bigints tagged so they read back as bigints. */
export function strategyStateText(state: unknown, strategy: string): string {
  try {
    const t = JSON.stringify(state === undefined ? null : state, (_k, v: unknown) => (typeof v === 'bigint' ? { $bigint: v.toString() } : v));
    return t ?? 'null';
  } catch (e) {
    throw new TapedeckError('BAD_ARGUMENT', `strategy ${strategy}: snapshot() returned what JSON cannot hold: ${e instanceof Error ? e.message : String(e)}`, { strategy });
  }
}

export function parseStrategyState(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && keys[0] === '$bigint' && typeof o.$bigint === 'string') return BigInt(o.$bigint);
    }
    return v;
  });
}

function orderRow(o: OrderRow): unknown[] {
  return ['o', o.orderId, o.venue, o.symbol, o.side, o.kind, o.price ?? null, numOut(o.qty), o.tif, o.strategy ?? null, o.flatten, o.newSeq ?? null, numOut(o.filled), o.status, o.cancelRequested, o.arrival];
}

function jobRow(j: JobRow): unknown[] {
  return ['j', j.ts.toString(), j.n, j.kind, j.orderId ?? null, j.cause ?? null];
}

/** The engine's state as JSON lines, produced lazily (events/state.ts jsonLines). */
export function encodeEngineState(s: EngineState): Iterable<Uint8Array> {
  const { orders, jobs, ...rest } = s;
  const header = {
    format: ENGINE_STATE_FORMAT,
    ...rest,
    pnl: { ...s.pnl, lastPnl: numOut(s.pnl.lastPnl), mean: numOut(s.pnl.mean), m2: numOut(s.pnl.m2) },
    venue: {
      ...s.venue,
      slots: s.venue.slots.map((w) => ({ ...w, book: { ...w.book, bidAvail: numOut(w.book.bidAvail), askAvail: numOut(w.book.askAvail) } })),
      queues: s.venue.queues.map(([id, px, ahead]) => [id, px, numOut(ahead)]),
    },
    orders: orders.length,
    jobs: jobs.length,
  };
  const rows: unknown[] = new Array(orders.length + jobs.length);
  let i = 0;
  for (const o of orders) rows[i++] = orderRow(o);
  for (const j of jobs) rows[i++] = jobRow(j);
  return jsonLines(header, rows);
}

/** Reads what encodeEngineState wrote; CORRUPT_SNAPSHOT names the first field that is wrong. */
export function decodeEngineState(bytes: Uint8Array): EngineState {
  const { header: h, rows } = readJsonLines(bytes, ENGINE_STATE_FILE, ENGINE_STATE_FORMAT);
  const orders: OrderRow[] = [];
  const jobs: JobRow[] = [];
  rows.forEach((r, i) => {
    const a = read.arr(r, `line ${i + 2}`);
    const at = `line ${i + 2}`;
    if (a[0] === 'o' && a.length === 16) {
      const status = read.str(a[13], `${at} status`);
      if (!STATUSES.has(status)) throw bad(`${at}: status ${status}`);
      const side = read.str(a[4], `${at} side`);
      if (side !== 'buy' && side !== 'sell') throw bad(`${at}: side ${side}`);
      orders.push({
        orderId: read.str(a[1], `${at} orderId`),
        venue: read.str(a[2], `${at} venue`),
        symbol: read.str(a[3], `${at} symbol`),
        side,
        kind: read.str(a[5], `${at} kind`) as OrderRow['kind'],
        price: read.opt(a[6], (x) => read.num(x, `${at} price`)),
        qty: read.num(a[7], `${at} qty`),
        tif: read.str(a[8], `${at} tif`),
        strategy: read.opt(a[9], (x) => read.str(x, `${at} strategy`)),
        flatten: read.bool(a[10], `${at} flatten`),
        newSeq: read.opt(a[11], (x) => read.int(x, `${at} newSeq`)),
        filled: read.num(a[12], `${at} filled`),
        status: status as OrderRow['status'],
        cancelRequested: read.bool(a[14], `${at} cancelRequested`),
        arrival: read.int(a[15], `${at} arrival`),
      });
    } else if (a[0] === 'j' && a.length === 6) {
      const kind = read.str(a[3], `${at} kind`);
      if (!JOB_KINDS.has(kind)) throw bad(`${at}: job kind ${kind}`);
      jobs.push({
        ts: read.big(a[1], `${at} ts`),
        n: read.int(a[2], `${at} n`),
        kind: kind as JobRow['kind'],
        orderId: read.opt(a[4], (x) => read.str(x, `${at} orderId`)),
        cause: read.opt(a[5], (x) => read.int(x, `${at} cause`)),
      });
    } else throw bad(`${at} is neither an order nor a job`);
  });
  if (orders.length !== h.orders || jobs.length !== h.jobs) throw bad(`the header counts ${String(h.orders)} orders and ${String(h.jobs)} jobs, the rows ${orders.length} and ${jobs.length}`);
  const strs = (v: unknown, what: string) => read.arr(v, what).map((x, i) => read.str(x, `${what}[${i}]`));
  const pairs = (v: unknown, what: string) => read.arr(v, what).map((x, i) => {
    const p = read.arr(x, `${what}[${i}]`);
    return [read.str(p[0], `${what}[${i}][0]`), p[1]] as [string, unknown];
  });
  const pnl = read.obj(h.pnl, 'pnl');
  const risk = read.obj(h.risk, 'risk');
  const rng = read.obj(h.rng, 'rng');
  const v = read.obj(h.venue, 'venue');
  const stats = read.obj(h.stats, 'stats');
  return {
    runId: read.str(h.runId, 'runId'),
    strategy: read.str(h.strategy, 'strategy'),
    seqBase: read.int(h.seqBase, 'seqBase'),
    fillModel: read.str(h.fillModel, 'fillModel'),
    seq: read.int(h.seq, 'seq'),
    clock: read.big(h.clock, 'clock'),
    started: read.bool(h.started, 'started'),
    stopped: read.bool(h.stopped, 'stopped'),
    killed: read.bool(h.killed, 'killed'),
    killReason: read.opt(h.killReason, (x) => read.str(x, 'killReason')),
    jobCount: read.int(h.jobCount, 'jobCount'),
    orderCount: read.int(h.orderCount, 'orderCount'),
    startTs: read.opt(h.startTs, (x) => read.big(x, 'startTs')),
    dirty: read.bool(h.dirty, 'dirty'),
    pnlCause: read.opt(h.pnlCause, (x) => read.int(x, 'pnlCause')),
    flattening: strs(h.flattening, 'flattening'),
    stats: Object.fromEntries(Object.entries(stats).map(([k, x]) => [k, read.int(x, `stats.${k}`)])),
    pnl: {
      boundary: read.opt(pnl.boundary, (x) => read.big(x, 'pnl.boundary')),
      lastPnl: read.num(pnl.lastPnl, 'pnl.lastPnl'),
      n: read.int(pnl.n, 'pnl.n'),
      mean: read.num(pnl.mean, 'pnl.mean'),
      m2: read.num(pnl.m2, 'pnl.m2'),
    },
    risk: { accepted: read.arr(risk.accepted, 'risk.accepted').map((x, i) => read.big(x, `risk.accepted[${i}]`)), warned: strs(risk.warned, 'risk.warned') },
    rng: { c: read.int(rng.c, 'rng.c'), s0: read.num(rng.s0, 'rng.s0'), s1: read.num(rng.s1, 'rng.s1'), s2: read.num(rng.s2, 'rng.s2') },
    strategyState: read.str(h.strategyState, 'strategyState'),
    orders,
    known: strs(h.known, 'known'),
    closed: strs(h.closed, 'closed'),
    live: pairs(h.live, 'live').map(([s, ids], i) => [s, strs(ids, `live[${i}]`)]),
    lastTicks: strs(h.lastTicks, 'lastTicks'),
    lastVenue: pairs(h.lastVenue, 'lastVenue').map(([s, x], i) => [s, read.str(x, `lastVenue[${i}]`)]),
    jobs,
    venue: {
      lastArrival: read.big(v.lastArrival, 'venue.lastArrival'),
      arrivals: read.int(v.arrivals, 'venue.arrivals'),
      fillCount: read.int(v.fillCount, 'venue.fillCount'),
      slots: read.arr(v.slots, 'venue.slots').map((x, i) => {
        const w = read.obj(x, `venue.slots[${i}]`);
        const b = read.obj(w.book, `venue.slots[${i}].book`);
        const at = `venue.slots[${i}]`;
        const levels = (y: unknown, what: string) => read.arr(y, what).map((p, k) => {
          const q = read.arr(p, `${what}[${k}]`);
          return [read.num(q[0], `${what}[${k}][0]`), read.num(q[1], `${what}[${k}][1]`)] as [number, number];
        });
        const taken = read.opt(w.taken, (t) => {
          const o = read.obj(t, `${at}.taken`);
          return { bid: levels(o.bid, `${at}.taken.bid`), ask: levels(o.ask, `${at}.taken.ask`) };
        });
        return {
          venue: read.str(w.venue, `${at}.venue`),
          symbol: read.str(w.symbol, `${at}.symbol`),
          book: {
            bid: read.opt(b.bid, (y) => read.num(y, `${at}.book.bid`)),
            ask: read.opt(b.ask, (y) => read.num(y, `${at}.book.ask`)),
            bidAvail: read.num(b.bidAvail, `${at}.book.bidAvail`),
            askAvail: read.num(b.askAvail, `${at}.book.askAvail`),
            last: read.opt(b.last, (y) => read.num(y, `${at}.book.last`)),
            ts: read.big(b.ts, `${at}.book.ts`),
          },
          buys: strs(w.buys, `${at}.buys`),
          sells: strs(w.sells, `${at}.sells`),
          taken,
        };
      }),
      queues: read.arr(v.queues, 'venue.queues').map((x, i) => {
        const q = read.arr(x, `venue.queues[${i}]`);
        return [read.str(q[0], `venue.queues[${i}][0]`), read.num(q[1], `venue.queues[${i}][1]`), read.num(q[2], `venue.queues[${i}][2]`)] as [string, number, number];
      }),
    },
  };
}
