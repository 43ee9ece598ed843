/**
 * The pieces of the 'l2' fill model (docs/BACKTEST.md, "Fill models"): matching simulated orders
 * against the recorded L2 book, with a resting order's place in the queue of its price level.
 *
 * - Taking liquidity walks the levels of the other side best first, at each level's price, up to
 *   what the level displays minus what our own orders already took from it since the venue last
 *   reported that level (`TakenLiquidity`): the same displayed size is never filled twice.
 * - A resting limit joins its level's queue behind everything displayed there when it arrives
 *   (`aheadQty`). Trades at its price consume the queue ahead first; only what trades beyond the
 *   queue ahead fills the order. A trade through its price (a buy limit above the trade price)
 *   means the whole level went: the order fills. When the level shrinks, the queue ahead is capped
 *   at the new displayed size, and a decrease is otherwise assumed to be behind us: hftbacktest's
 *   `RiskAdverseQueueModel` (queue position advances only on trades at the level, never on
 *   cancels), the conservative anchor among its queue models.
 *
 * Pure bookkeeping over numbers: the venue (venue.ts) decides when each piece runs and emits the
 * fills. Everything is in input order, so a run is deterministic.
 */
import type { Level } from '../book/order-book.js';
import type { BookSide, Side } from '../events/types.js';

const EPS = 1e-9;

/** Displayed size our own orders have taken at a level, until the venue next reports that level. */
export class TakenLiquidity {
  private readonly bid = new Map<number, number>();
  private readonly ask = new Map<number, number>();

  private side(s: BookSide): Map<number, number> {
    return s === 'bid' ? this.bid : this.ask;
  }

  get(s: BookSide, price: number): number {
    return this.side(s).get(price) ?? 0;
  }

  add(s: BookSide, price: number, qty: number): void {
    const m = this.side(s);
    m.set(price, (m.get(price) ?? 0) + qty);
  }

  /** The venue reported the level again: its displayed size is new liquidity. */
  reset(s: BookSide, price: number): void {
    this.side(s).delete(price);
  }

  /** [price, qty] pairs per side, in insertion order (an engine snapshot: engine-state.ts). */
  saveState(): { bid: [number, number][]; ask: [number, number][] } {
    return { bid: [...this.bid], ask: [...this.ask] };
  }

  loadState(s: { bid: readonly [number, number][]; ask: readonly [number, number][] }): void {
    this.clear();
    for (const [px, q] of s.bid) this.bid.set(px, q);
    for (const [px, q] of s.ask) this.ask.set(px, q);
  }

  clear(s?: BookSide): void {
    if (s === undefined || s === 'bid') this.bid.clear();
    if (s === undefined || s === 'ask') this.ask.clear();
  }
}

/** The book side an order of `side` takes from (a buy takes asks), and the side it rests on. */
export const takesFrom = (side: Side): BookSide => (side === 'buy' ? 'ask' : 'bid');
export const restsOn = (side: Side): BookSide => (side === 'buy' ? 'bid' : 'ask');

/**
 * Walks `levels` (the other side, best first) for an order of `side`: each level gives what it
 * displays minus what was taken, up to `want`, never past `limit` (undefined: a market order).
 * `fill(levelPrice, qty)` is called once per level used; returns the quantity filled.
 */
export function walkLevels(
  levels: readonly Level[],
  side: Side,
  limit: number | undefined,
  want: number,
  taken: TakenLiquidity,
  fill: (levelPrice: number, qty: number) => void,
): number {
  const from = takesFrom(side);
  const buy = side === 'buy';
  let done = 0;
  for (const l of levels) {
    if (want - done <= EPS * Math.max(1, want)) break;
    const px = l.price.value;
    if (limit !== undefined && (buy ? px > limit : px < limit)) break;
    const avail = l.size.value - taken.get(from, px);
    if (avail <= 0) continue;
    const qty = Math.min(want - done, avail);
    taken.add(from, px, qty);
    done += qty;
    fill(px, qty);
  }
  return done;
}

/** A resting limit order's queue state. */
export interface QueueSlot {
  readonly side: Side;
  readonly price: number;
  /** Displayed size still ahead of the order at its level. */
  aheadQty: number;
}

/**
 * One trade print at `price` for `size`, met by the resting orders of one side (priority order).
 * Returns each order's fill (0 for none), in the same order; `left` is shared: the print's size is
 * never filled more than once. Orders priced through the trade fill first (they were better than
 * the price the trade happened at); orders at the price fill with what passed their queue ahead.
 */
export function tradeFills(
  slots: readonly QueueSlot[],
  remaining: readonly number[],
  price: number,
  size: number,
  left: { qty: number },
): number[] {
  const out = new Array<number>(slots.length).fill(0);
  // Through: better-priced orders first (the list is in priority order).
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    const through = s.side === 'buy' ? s.price > price : s.price < price;
    if (!through || left.qty <= 0) continue;
    const q = Math.min(remaining[i]!, left.qty);
    out[i] = q;
    left.qty -= q;
  }
  // At the price: the print passes everyone's queue ahead; what reaches past an order's place
  // fills it, less what earlier orders of ours at the level took (they were ahead of it too).
  let givenAtPrice = 0;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    if (s.price !== price) continue;
    const reach = size - s.aheadQty - givenAtPrice;
    s.aheadQty = Math.max(0, s.aheadQty - size);
    if (reach <= 0 || left.qty <= 0) continue;
    const q = Math.min(remaining[i]!, reach, left.qty);
    out[i] = q;
    left.qty -= q;
    givenAtPrice += q;
  }
  return out;
}
