/**
 * Moving-average crossover. Per symbol, a fast and a slow simple moving average of the mid
 * (over the last `fast` / `slow` ticks that carry both bid and ask). When the fast average
 * crosses above the slow one the strategy targets +qty; when it crosses below, −qty
 * ('long-short') or flat ('long-flat'). Each crossover is a `cross` signal (value +1 / −1, with
 * both averages in meta); the order that follows is caused by it. Orders are market orders for
 * the difference between the target and the position plus what is already working.
 *
 * A shock guard (off by default): when the mid moves `shockPct` percent or more within
 * `shockWindowMs`, the strategy signals `shock`, flattens, and stands aside for `cooldownMs`, so a
 * flash crash does not find it holding a position.
 *
 * Usage: `tapedeck backtest rec/ --strategy scenarios/strategies/ma-crossover.ts`, or
 * `maCrossover({ fast: 5, slow: 20, qty: 10 })` in code.
 */
import { defineStrategy, toNumber, type StrategyContext, type TickEvent } from 'tapedeck/strategy';

export interface MaCrossoverOptions {
  /** Fast window, in quotes. */
  fast: number;
  /** Slow window, in quotes. */
  slow: number;
  /** Position size held after a crossover. */
  qty: number;
  mode: 'long-short' | 'long-flat';
  /** Only trade this symbol ('' = every symbol, independently). */
  symbol: string;
  /** Time in force of the orders. */
  tif: 'ioc' | 'gtc' | 'day';
  /** Flatten when the mid moves this many percent within shockWindowMs (0: off). */
  shockPct: number;
  shockWindowMs: number;
  /** After a shock, hold no position for this long. */
  cooldownMs: number;
}

/** A fixed window of numbers with a running sum. */
class Window {
  private readonly buf: number[];
  private i = 0;
  private n = 0;
  sum = 0;
  constructor(private readonly size: number) {
    this.buf = new Array<number>(size).fill(0);
  }
  push(v: number): void {
    if (this.n === this.size) this.sum -= this.buf[this.i]!;
    else this.n++;
    this.buf[this.i] = v;
    this.sum += v;
    this.i = (this.i + 1) % this.size;
  }
  get full(): boolean {
    return this.n === this.size;
  }
  get mean(): number {
    return this.sum / this.n;
  }
  /** Everything, the running sum included (recomputing it would round differently). */
  save(): WindowState {
    return { buf: [...this.buf], i: this.i, n: this.n, sum: this.sum };
  }
  static load(size: number, s: WindowState): Window {
    const w = new Window(size);
    w.buf.splice(0, size, ...s.buf);
    w.i = s.i;
    w.n = s.n;
    w.sum = s.sum;
    return w;
  }
}

interface WindowState {
  buf: number[];
  i: number;
  n: number;
  sum: number;
}

interface SymbolState {
  fast: Window;
  slow: Window;
  /** Sign of fast − slow at the last quote where they differed; 0 before that. */
  side: number;
  /** Recent (ts, mid) pairs within the shock window, oldest first. */
  recentTs: bigint[];
  recentMid: number[];
  /** No position until this replay time (after a shock). */
  standAsideUntil: bigint;
}

export default defineStrategy<MaCrossoverOptions>({
  name: 'ma-crossover',
  description: 'fast/slow moving average of the mid; long above, short (or flat) below',
  defaults: { fast: 5, slow: 20, qty: 1, mode: 'long-short', symbol: '', tif: 'ioc', shockPct: 0, shockWindowMs: 250, cooldownMs: 10_000 },
  create(o) {
    if (!(Number.isInteger(o.fast) && Number.isInteger(o.slow) && o.fast >= 1 && o.slow > o.fast)) {
      throw new RangeError(`ma-crossover: need integer windows with 1 ≤ fast < slow (got ${o.fast}, ${o.slow})`);
    }
    if (!(o.qty > 0)) throw new RangeError(`ma-crossover: qty must be > 0 (got ${o.qty})`);
    const states = new Map<string, SymbolState>();

    const retarget = (symbol: string, target: number, ctx: StrategyContext): void => {
      let working = 0;
      for (const w of ctx.openOrders(symbol)) working += w.side === 'buy' ? w.remaining : -w.remaining;
      const delta = target - ctx.position(symbol) - working;
      if (Math.abs(delta) < 1e-9) return;
      ctx.submit({ symbol, side: delta > 0 ? 'buy' : 'sell', kind: 'market', qty: Math.abs(delta), tif: o.tif });
    };

    /** Did the mid move shockPct or more within the window? Keeps the window's (ts, mid) pairs. */
    const shocked = (st: SymbolState, ts: bigint, mid: number): boolean => {
      const horizon = ts - BigInt(Math.round(o.shockWindowMs * 1e6));
      let drop = 0;
      while (drop < st.recentTs.length && st.recentTs[drop]! < horizon) drop++;
      if (drop > 0) {
        st.recentTs.splice(0, drop);
        st.recentMid.splice(0, drop);
      }
      st.recentTs.push(ts);
      st.recentMid.push(mid);
      let hit = false;
      for (const m of st.recentMid) if (Math.abs(mid - m) / m >= o.shockPct / 100) hit = true;
      if (hit) {
        // One shock per move: start the window afresh.
        st.recentTs.length = 0;
        st.recentMid.length = 0;
      }
      return hit && ts >= st.standAsideUntil;
    };

    return {
      // Engine snapshots (backtest --snapshot-every / --resume-from): the per-symbol state.
      snapshot: () =>
        [...states].map(([sym, st]) => ({ sym, fast: st.fast.save(), slow: st.slow.save(), side: st.side, recentTs: [...st.recentTs], recentMid: [...st.recentMid], standAsideUntil: st.standAsideUntil })),
      restore(saved: unknown): void {
        states.clear();
        for (const x of saved as Array<{ sym: string; fast: WindowState; slow: WindowState; side: number; recentTs: bigint[]; recentMid: number[]; standAsideUntil: bigint }>) {
          states.set(x.sym, { fast: Window.load(o.fast, x.fast), slow: Window.load(o.slow, x.slow), side: x.side, recentTs: [...x.recentTs], recentMid: [...x.recentMid], standAsideUntil: x.standAsideUntil });
        }
      },
      onTick(tick: TickEvent, ctx: StrategyContext): void {
        if (o.symbol !== '' && tick.symbol !== o.symbol) return;
        if (tick.bid === undefined || tick.ask === undefined) return;
        let st = states.get(tick.symbol);
        if (!st) {
          st = { fast: new Window(o.fast), slow: new Window(o.slow), side: 0, recentTs: [], recentMid: [], standAsideUntil: -1n };
          states.set(tick.symbol, st);
        }
        const mid = (toNumber(tick.bid) + toNumber(tick.ask)) / 2;
        if (o.shockPct > 0 && shocked(st, tick.ts, mid)) {
          st.standAsideUntil = tick.ts + BigInt(Math.round(o.cooldownMs * 1e6));
          ctx.signal('shock', mid, { windowMs: o.shockWindowMs });
          retarget(tick.symbol, 0, ctx);
        }
        st.fast.push(mid);
        st.slow.push(mid);
        if (!st.slow.full) return;
        const fast = st.fast.mean;
        const slow = st.slow.mean;
        const side = Math.sign(fast - slow);
        if (side === 0 || side === st.side) return;
        const first = st.side === 0;
        st.side = side;
        if (first) return; // the first comparison is a state, not a crossover
        ctx.signal('cross', side, { fast, slow });
        if (tick.ts < st.standAsideUntil) return;
        retarget(tick.symbol, side > 0 ? o.qty : o.mode === 'long-short' ? -o.qty : 0, ctx);
      },
    };
  },
});
