/**
 * Positions and PnL, average-cost method. Realized PnL is gross of fees; net = realized +
 * unrealized − fees. Unrealized marks each position to the symbol's last mid (or last trade when
 * a side of the quote is missing). Drawdown and exposure are sampled by `update()`, which the
 * engine calls after every step (a tick, an order arriving, a cancel).
 */
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

interface Pos {
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

export class Ledger {
  private readonly pos = new Map<string, Pos>();
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
      p = { qty: 0, avg: 0, mark: undefined, realized: 0, fees: 0, trades: 0, volume: 0 };
      this.pos.set(symbol, p);
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

  mark(symbol: string, price: number): void {
    const p = this.pos.get(symbol);
    if (p) p.mark = price;
    else this.get(symbol).mark = price;
  }

  markOf(symbol: string): number | undefined {
    return this.pos.get(symbol)?.mark;
  }

  fill(symbol: string, side: Side, qty: number, price: number, fee: number): void {
    const p = this.get(symbol);
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
    let u = 0;
    for (const p of this.pos.values()) if (p.qty !== 0 && p.mark !== undefined) u += p.qty * (p.mark - p.avg);
    return u;
  }

  exposure(): number {
    let e = 0;
    for (const p of this.pos.values()) if (p.qty !== 0 && p.mark !== undefined) e += Math.abs(p.qty * p.mark);
    return e;
  }

  netPnl(): number {
    return this.realized + this.unrealized() - this.feeTotal;
  }

  /** Sample equity for drawdown and exposure; returns the current drawdown. */
  update(): number {
    const eq = this.netPnl();
    if (eq > this.peak) this.peak = eq;
    const dd = this.peak - eq;
    if (dd > this.maxDd) this.maxDd = dd;
    const exp = this.exposure();
    if (exp > this.maxExp) this.maxExp = exp;
    return dd;
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
