/**
 * A small market maker. On every quote it works one bid and one ask (gtc limit orders) around
 * a reservation price: mid − skew × position, ± halfSpread, on the tick grid and never crossing
 * the market. A quote that is off by requoteThreshold or more is canceled and replaced.
 * Inventory limits: at +maxInventory it stops bidding, at −maxInventory it stops offering, and
 * quote sizes never let the position pass the limit even if every working order fills. Each
 * fill is an `inventory` signal (the new position).
 *
 * Usage: `tapedeck backtest rec/ --strategy scenarios/strategies/market-maker.ts`, or
 * `marketMaker({ halfSpread: 0.02, maxInventory: 10 })` in code.
 */
import { defineStrategy, toNumber, type StrategyContext, type FillEvent, type Side, type TickEvent } from 'tapedeck/strategy';

export interface MarketMakerOptions {
  /** Only quote this symbol ('' = the first symbol seen). */
  symbol: string;
  /** Size of each quote. */
  qty: number;
  /** Distance of each quote from the reservation price, in price units. */
  halfSpread: number;
  /** Price grid. */
  tickSize: number;
  /** Absolute position at which the side that adds to it stops quoting. */
  maxInventory: number;
  /** Reservation price shift per unit of position, in price units. */
  skew: number;
  /** Replace a quote when its price is this far (or more) from the wanted price. */
  requoteThreshold: number;
}

function decimalsOf(step: number): number {
  const s = String(step);
  const i = s.indexOf('.');
  return s.includes('e-') ? Number(s.split('e-')[1]) : i < 0 ? 0 : s.length - i - 1;
}

interface Quote {
  id: string | undefined;
  price: number;
}

export default defineStrategy<MarketMakerOptions>({
  name: 'market-maker',
  description: 'quotes a bid and an ask around the mid, skewed by inventory, within inventory limits',
  defaults: { symbol: '', qty: 1, halfSpread: 0.05, tickSize: 0.01, maxInventory: 5, skew: 0.01, requoteThreshold: 0.01 },
  create(o) {
    if (!(o.qty > 0 && o.halfSpread > 0 && o.tickSize > 0 && o.maxInventory > 0 && o.skew >= 0 && o.requoteThreshold > 0)) {
      throw new RangeError('market-maker: qty, halfSpread, tickSize, maxInventory, requoteThreshold must be > 0 and skew ≥ 0');
    }
    // tickSize = units / scale exactly (scale a power of ten), so k × units / scale is the
    // double nearest the decimal price: no binary dust such as 100.01000000000001.
    const scale = 10 ** decimalsOf(o.tickSize);
    const units = Math.round(o.tickSize * scale);
    const grid = (p: number, dir: 'down' | 'up'): number => {
      const k = dir === 'down' ? Math.floor(p / o.tickSize + 1e-9) : Math.ceil(p / o.tickSize - 1e-9);
      return (k * units) / scale;
    };
    let symbol = o.symbol;
    const quotes: Record<Side, Quote> = { buy: { id: undefined, price: 0 }, sell: { id: undefined, price: 0 } };

    const work = (side: Side, wanted: number | undefined, size: number, ctx: StrategyContext): void => {
      const q = quotes[side];
      if (q.id !== undefined) {
        const v = ctx.order(q.id);
        const live = v !== undefined && (v.status === 'pending' || v.status === 'open');
        if (!live) q.id = undefined;
        else if (wanted === undefined || size <= 0 || Math.abs(v.price! - wanted) >= o.requoteThreshold - 1e-9) {
          ctx.cancel(q.id);
          q.id = undefined;
        } else return; // the working quote is good enough
      }
      if (wanted === undefined || size <= 0) return;
      q.id = ctx.submit({ symbol, side, kind: 'limit', qty: size, price: wanted, tif: 'gtc' });
      q.price = wanted;
    };

    return {
      // Engine snapshots (backtest --snapshot-every / --resume-from): the symbol and working quotes.
      snapshot: () => ({ symbol, quotes: { buy: { ...quotes.buy }, sell: { ...quotes.sell } } }),
      restore(saved: unknown): void {
        const s = saved as { symbol: string; quotes: Record<Side, { id?: string; price: number }> };
        symbol = s.symbol;
        for (const side of ['buy', 'sell'] as const) quotes[side] = { id: s.quotes[side].id, price: s.quotes[side].price };
      },
      onTick(tick: TickEvent, ctx: StrategyContext): void {
        if (symbol === '') symbol = tick.symbol;
        if (tick.symbol !== symbol || tick.bid === undefined || tick.ask === undefined) return;
        const pos = ctx.position(symbol);
        // Worst-case inventory if everything working (other than the quotes we may replace) fills.
        let otherBuys = 0;
        let otherSells = 0;
        for (const w of ctx.openOrders(symbol)) {
          if (w.orderId === quotes.buy.id || w.orderId === quotes.sell.id) continue;
          if (w.side === 'buy') otherBuys += w.remaining;
          else otherSells += w.remaining;
        }
        const bidRoom = o.maxInventory - pos - otherBuys;
        const askRoom = o.maxInventory + pos - otherSells;
        const bid = toNumber(tick.bid);
        const ask = toNumber(tick.ask);
        const mid = (bid + ask) / 2;
        const reservation = mid - o.skew * pos;
        const bidPx = Math.min(grid(reservation - o.halfSpread, 'down'), grid(ask - o.tickSize, 'down'));
        const askPx = Math.max(grid(reservation + o.halfSpread, 'up'), grid(bid + o.tickSize, 'up'));
        work('buy', bidPx > 0 && pos < o.maxInventory ? bidPx : undefined, Math.min(o.qty, bidRoom), ctx);
        work('sell', pos > -o.maxInventory ? askPx : undefined, Math.min(o.qty, askRoom), ctx);
      },
      onFill(fill: FillEvent, ctx: StrategyContext): void {
        ctx.signal('inventory', ctx.position(fill.symbol));
      },
    };
  },
});
