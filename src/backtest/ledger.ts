/**
 * Positions and PnL, average-cost method. Realized PnL is gross of fees; net = realized +
 * unrealized − fees. Unrealized marks each position to the symbol's last mid (or last trade when
 * a side of the quote is missing). Drawdown and exposure are sampled by `update()`, which the
 * engine calls after every step (a tick, an order arriving, a cancel).
 */
import { TapedeckError } from '../errors.js';
import { readJsonLines, type Stateful } from '../events/state.js';
import { isBinaryState, StateReader, StateWriter } from '../events/state-binary.js';
import { CaptureRegistry } from '../events/lazy-capture.js';
import type { Side } from '../events/types.js';

export interface PositionSummary {
  qty: number;
  avgPrice: number;
  mark: number | undefined;
  realizedPnl: number;
  unrealizedPnl: number;
  fees: number;
  trades: number;
  volume: number;
}

/** A handle on one position (Ledger.positionRef). */
export type PositionRef = { readonly qty: number };

interface Pos {
  /** Insertion number (lazy-capture.ts): positions are never removed, so the order is ascending n. */
  readonly n: number;
  qty: number;
  avg: number;
  mark: number | undefined;
  realized: number;
  fees: number;
  trades: number;
  volume: number;
}

const EPS = 1e-9;

/** The price a position is marked at: the mid of the quote, or the last trade when a side is missing. */
export function markPrice(q: { bid?: number | undefined; ask?: number | undefined; last?: number | undefined }): number | undefined {
  return q.bid !== undefined && q.ask !== undefined ? (q.bid + q.ask) / 2 : q.last;
}

export const LEDGER_FORMAT = 'tapedeck-ledger/2';
/** The JSON-lines encoding before the binary one (`ledger.jsonl`): read, never written. */
export const LEDGER_FORMAT_JSON = 'tapedeck-ledger/1';

/** One position's row: symbol, qty, avg, mark, realized, fees, trades, volume. */
type PositionRow = [string, number, number, number | undefined, number, number, number, number];

function positionRow(symbol: string, p: Pos): PositionRow {
  return [symbol, p.qty, p.avg, p.mark, p.realized, p.fees, p.trades, p.volume];
}

/** Positions encoded per chunk (one chunk per turn of the event loop while a snapshot is written). */
const POSITIONS_PER_CHUNK = 1024;

/**
 * The snapshot contract (events/state.ts): `ledger.bin` is the binary state layout
 * (events/state-binary.ts, docs/FORMAT.md §20.4) with format `tapedeck-ledger/2`: the totals as
 * 7 × f64 (realized, fees, peak, maxDrawdown, maxExposure, fills, volume), uvarint positions, then
 * per position in the ledger's order (the order symbols were first seen): str symbol, u8 1 when a
 * mark follows, f64 qty, f64 avg, [f64 mark], f64 realized, f64 fees, f64 trades, f64 volume.
 * Every double round-trips exactly (-0 included). `ledger.jsonl` (`tapedeck-ledger/1`, JSON
 * lines) from before is still read.
 */
export class Ledger implements Stateful {
  readonly stateFile = 'ledger.bin';
  readonly legacyStateFile = 'ledger.jsonl';
  private pos = new Map<string, Pos>();
  /** The same positions in the map's order (first seen first): a loop over an array, per tick, instead of a map iterator. */
  private list: Pos[] = [];
  /** Net PnL as the last update() computed it. */
  private lastNet = 0;
  /** Snapshots still reading the positions (captureState). */
  private readonly captures = new CaptureRegistry<PositionRow>();
  private realized = 0;
  private feeTotal = 0;
  private peak = 0;
  private maxDd = 0;
  private maxExp = 0;
  private fillCount = 0;
  private volumeTotal = 0;

  private get(symbol: string): Pos {
    let p = this.pos.get(symbol);
    if (!p) {
      p = { n: this.pos.size + 1, qty: 0, avg: 0, mark: undefined, realized: 0, fees: 0, trades: 0, volume: 0 };
      this.pos.set(symbol, p);
      this.list.push(p);
    }
    return p;
  }

  position(symbol: string): number {
    return this.pos.get(symbol)?.qty ?? 0;
  }

  hasPosition(symbol: string): boolean {
    const p = this.pos.get(symbol);
    return p !== undefined && p.qty !== 0;
  }

  symbols(): string[] {
    return [...this.pos.keys()];
  }

  /** Marks the symbol at `price`; returns whether a position is held in it (hasPosition). */
  mark(symbol: string, price: number): boolean {
    const p = this.pos.get(symbol);
    if (p) return this.markAt(symbol, p, price);
    this.get(symbol).mark = price;
    return false;
  }

  private beforeChange(symbol: string, p: Pos): void {
    this.captures.beforeChange(symbol, p.n, () => positionRow(symbol, p), false);
  }

  /**
   * The position in `symbol` (made if new, as a fill makes it), as a handle for markAt: the engine
   * keeps it per symbol instead of a map lookup per tick. Valid until restoreState.
   */
  positionRef(symbol: string): PositionRef {
    return this.get(symbol);
  }

  /** mark() of a position that exists, through its handle (positionRef of the same symbol). */
  markAt(symbol: string, ref: PositionRef, price: number): boolean {
    const p = ref as Pos;
    if (this.captures.active) this.beforeChange(symbol, p);
    p.mark = price;
    return p.qty !== 0;
  }

  markOf(symbol: string): number | undefined {
    return this.pos.get(symbol)?.mark;
  }

  fill(symbol: string, side: Side, qty: number, price: number, fee: number): void {
    const p = this.get(symbol);
    if (this.captures.active) this.beforeChange(symbol, p);
    const signed = side === 'buy' ? qty : -qty;
    if (p.qty === 0 || Math.sign(p.qty) === Math.sign(signed)) {
      const abs = Math.abs(p.qty);
      p.avg = (p.avg * abs + price * qty) / (abs + qty);
      p.qty += signed;
    } else {
      const closing = Math.min(Math.abs(p.qty), qty);
      const pnl = closing * (price - p.avg) * Math.sign(p.qty);
      p.realized += pnl;
      this.realized += pnl;
      p.qty += signed;
      if (Math.abs(p.qty) <= EPS * Math.max(1, qty)) {
        p.qty = 0;
        p.avg = 0;
      } else if (Math.sign(p.qty) === Math.sign(signed)) {
        p.avg = price; // flipped: the rest opens a new position at this price
      }
    }
    p.fees += fee;
    this.feeTotal += fee;
    p.trades++;
    p.volume += qty;
    this.fillCount++;
    this.volumeTotal += qty;
    if (p.mark === undefined) p.mark = price;
  }

  unrealized(): number {
    const list = this.list;
    let u = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.qty !== 0 && p.mark !== undefined) u += p.qty * (p.mark - p.avg);
    }
    return u;
  }

  exposure(): number {
    const list = this.list;
    let e = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.qty !== 0 && p.mark !== undefined) e += Math.abs(p.qty * p.mark);
    }
    return e;
  }

  netPnl(): number {
    return this.realized + this.unrealized() - this.feeTotal;
  }

  /**
   * Sample equity for drawdown and exposure; returns the current drawdown. Unrealized PnL and
   * exposure are summed in one pass, each in the positions' order (the same sums, bit for bit, as
   * unrealized() and exposure()): the engine calls this after every tick that moves a held position.
   */
  update(): number {
    const list = this.list;
    let u = 0;
    let e = 0;
    for (let i = 0; i < list.length; i++) {
      const p = list[i]!;
      if (p.qty !== 0 && p.mark !== undefined) {
        u += p.qty * (p.mark - p.avg);
        e += Math.abs(p.qty * p.mark);
      }
    }
    const eq = this.realized + u - this.feeTotal;
    this.lastNet = eq;
    if (eq > this.peak) this.peak = eq;
    const dd = this.peak - eq;
    if (dd > this.maxDd) this.maxDd = dd;
    if (e > this.maxExp) this.maxExp = e;
    return dd;
  }

  /** Net PnL as the last update() computed it (netPnl() without a second pass, until the ledger changes). */
  get updatedNetPnl(): number {
    return this.lastNet;
  }

  get realizedPnl(): number {
    return this.realized;
  }
  get fees(): number {
    return this.feeTotal;
  }
  get maxDrawdown(): number {
    return this.maxDd;
  }
  get maxExposure(): number {
    return this.maxExp;
  }
  get trades(): number {
    return this.fillCount;
  }
  get volume(): number {
    return this.volumeTotal;
  }

  /**
   * The totals are copied now; the positions are read lazily as the chunks are written, through a
   * capture that keeps the before-image of each position changed before it is read
   * (lazy-capture.ts): the bytes are those of a copy taken now, at no cost now.
   */
  captureState(): Iterable<Uint8Array> {
    const c = this.captures.start(this.pos.size, this.pos.size);
    const live = this.pos;
    const totals = [this.realized, this.feeTotal, this.peak, this.maxDd, this.maxExp, this.fillCount, this.volumeTotal];
    return (function* () {
      const w = new StateWriter(LEDGER_FORMAT);
      for (const t of totals) w.f64(t);
      w.uvarint(c.count);
      let n = 0;
      for (const [symbol, qty, avg, mark, realized, fees, trades, volume] of c.rows(live, positionRow)) {
        w.str(symbol);
        w.bool(mark !== undefined);
        w.f64(qty);
        w.f64(avg);
        if (mark !== undefined) w.f64(mark);
        w.f64(realized);
        w.f64(fees);
        w.f64(trades);
        w.f64(volume);
        if (++n % POSITIONS_PER_CHUNK === 0) yield w.take();
      }
      if (n !== c.count) throw new Error(`internal: a ledger capture of ${c.count} positions gave ${n}`);
      yield w.finish();
    })();
  }

  restoreState(bytes: Uint8Array): void {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { totals, pos } = isBinaryState(b) ? this.decodeBinary(b) : this.decodeJson(b);
    if (this.captures.active) for (const [k, p] of this.pos) this.captures.beforeChange(k, p.n, () => positionRow(k, p), true);
    // The decoded map replaces the live one (a capture still reading the old one keeps it).
    this.pos = pos;
    this.list = [...pos.values()];
    [this.realized, this.feeTotal, this.peak, this.maxDd, this.maxExp, this.fillCount, this.volumeTotal] = totals;
  }

  private decodeBinary(b: Buffer): { totals: number[]; pos: Map<string, Pos> } {
    const r = new StateReader(b, this.stateFile);
    r.expectFormat(LEDGER_FORMAT);
    const totals = [r.f64('realized'), r.f64('fees'), r.f64('peak'), r.f64('maxDrawdown'), r.f64('maxExposure'), r.f64('fills'), r.f64('volume')];
    const n = r.count('the position count', 50);
    const pos = new Map<string, Pos>();
    for (let i = 0; i < n; i++) {
      const at = r.offset;
      const symbol = r.str('a symbol');
      const hasMark = r.bool('the mark flag');
      const qty = r.f64('qty');
      const avg = r.f64('avg');
      const mark = hasMark ? r.f64('mark') : undefined;
      pos.set(symbol, { n: i + 1, qty, avg, mark, realized: r.f64('realized'), fees: r.f64('fees'), trades: r.f64('trades'), volume: r.f64('volume') });
      if (pos.size !== i + 1) throw r.fail(at, `position ${JSON.stringify(symbol)} given twice`);
    }
    r.done();
    return { totals, pos };
  }

  private decodeJson(b: Buffer): { totals: number[]; pos: Map<string, Pos> } {
    const file = this.legacyStateFile;
    const { header: h, rows } = readJsonLines(b, file, LEDGER_FORMAT_JSON);
    const num = (k: string): number => {
      const v = h[k];
      if (typeof v !== 'number') throw new TapedeckError('CORRUPT_SNAPSHOT', `${file}: header ${k} is not a number`, { file });
      return v;
    };
    const totals = [num('realized'), num('fees'), num('peak'), num('maxDrawdown'), num('maxExposure'), num('fills'), num('volume')];
    const pos = new Map<string, Pos>();
    rows.forEach((r, i) => {
      const a = r as unknown[];
      const ok = Array.isArray(a) && a.length === 8 && typeof a[0] === 'string' && [1, 2, 4, 5, 6, 7].every((k) => typeof a[k] === 'number') && (a[3] === null || typeof a[3] === 'number');
      if (!ok) throw new TapedeckError('CORRUPT_SNAPSHOT', `${file}: row ${i + 2} is not a position`, { file, line: i + 2 });
      pos.set(a[0] as string, { n: i + 1, qty: a[1] as number, avg: a[2] as number, mark: (a[3] as number | null) ?? undefined, realized: a[4] as number, fees: a[5] as number, trades: a[6] as number, volume: a[7] as number });
    });
    return { totals, pos };
  }

  summary(): Record<string, PositionSummary> {
    const out: Record<string, PositionSummary> = {};
    for (const [s, p] of [...this.pos.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (p.trades === 0) continue;
      out[s] = {
        qty: p.qty,
        avgPrice: p.avg,
        mark: p.mark,
        realizedPnl: p.realized,
        unrealizedPnl: p.qty !== 0 && p.mark !== undefined ? p.qty * (p.mark - p.avg) : 0,
        fees: p.fees,
        trades: p.trades,
        volume: p.volume,
      };
    }
    return out;
  }
}
