/**
 * Pre-trade risk checks between the strategy and the venue, and the kill switch. Pure: the
 * engine supplies the state (position, open orders, prices, PnL) and turns each decision into a
 * `risk` event.
 */
import { TapedeckError } from '../errors.js';
import type { RiskState } from './engine-state.js';
import type { RiskSeverity, Side } from '../events/types.js';

export interface RiskOptions {
  /** Max absolute position per symbol, counting open orders as if filled. A number for every
   *  symbol, or a map by symbol ('*' for the rest). */
  maxPosition?: number | Readonly<Record<string, number>>;
  /** Max orders accepted per second of replay time (a trailing 1 s window). */
  maxOrdersPerSecond?: number;
  /** Max notional (qty × price) of one order; market orders are priced at the touch. */
  maxNotional?: number;
  /** Kill when net PnL (realized + unrealized − fees) ≤ −maxLoss. */
  maxLoss?: number;
  /** Kill when net PnL has fallen this far from its peak. */
  maxDrawdown?: number;
  /** A passing order that brings a position (per symbol and side) or order notional (per
   *  symbol) to at least this fraction of its limit gets a `warn` event, once until an order
   *  for the same key passes below the fraction again. Default 0.9; 0 turns warnings off. */
  warnAt?: number;
}

export interface RiskDecision {
  rule: string;
  severity: RiskSeverity;
  symbol?: string;
  detail: string;
  value?: number;
  limit?: number;
}

/** What the risk checks need to know about an order and its symbol. */
export interface OrderRiskInput {
  symbol: string;
  side: Side;
  qty: number;
  /** The price used for notional: the limit price, or the touch for market orders. */
  refPrice: number | undefined;
  position: number;
  /** Remaining qty of the strategy's live buy / sell orders in this symbol. */
  openBuy: number;
  openSell: number;
  now: bigint;
}

const NS_PER_SEC = 1_000_000_000n;

function checkLimit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
    throw new TapedeckError('BAD_ARGUMENT', `risk option ${name} must be a finite number ≥ 0`, { option: name, value: v });
  }
}

export class RiskManager {
  private readonly opts: RiskOptions;
  private readonly warnAt: number;
  /** Accept times of recent orders, oldest first; `head` skips the expired ones. */
  private readonly accepted: bigint[] = [];
  private head = 0;
  /** Warning keys currently in the warn zone: each warns once on the way in. */
  private readonly warned = new Set<string>();

  constructor(options: RiskOptions = {}) {
    const mp = options.maxPosition;
    if (typeof mp === 'number') checkLimit('maxPosition', mp);
    else if (mp) for (const [k, v] of Object.entries(mp)) checkLimit(`maxPosition.${k}`, v);
    checkLimit('maxOrdersPerSecond', options.maxOrdersPerSecond);
    checkLimit('maxNotional', options.maxNotional);
    checkLimit('maxLoss', options.maxLoss);
    checkLimit('maxDrawdown', options.maxDrawdown);
    checkLimit('warnAt', options.warnAt);
    this.opts = { ...options };
    this.warnAt = options.warnAt ?? 0.9;
  }

  maxPositionFor(symbol: string): number | undefined {
    const mp = this.opts.maxPosition;
    if (mp === undefined || typeof mp === 'number') return mp;
    return Object.prototype.hasOwnProperty.call(mp, symbol) ? mp[symbol] : mp['*'];
  }

  /**
   * Decisions for one order: warnings first, then at most one block (the order stops there).
   * An order that passes is counted for the rate limit.
   */
  checkOrder(o: OrderRiskInput): RiskDecision[] {
    const out: RiskDecision[] = [];
    const block = this.positionRule(o, out) ?? this.notionalRule(o, out) ?? this.rateRule(o);
    if (block) {
      out.push(block);
      return out;
    }
    // The rate window only matters under a rate limit: without one, keeping every accepted
    // order's ts grew memory and every engine snapshot with the length of the run.
    if (this.opts.maxOrdersPerSecond !== undefined) this.accepted.push(o.now);
    return out;
  }

  private positionRule(o: OrderRiskInput, out: RiskDecision[]): RiskDecision | undefined {
    const limit = this.maxPositionFor(o.symbol);
    if (limit === undefined) return undefined;
    // Worst case: every open order on this side fills, then this one.
    const worst = o.side === 'buy' ? o.position + o.openBuy + o.qty : o.position - o.openSell - o.qty;
    const reducing = Math.abs(o.position + (o.side === 'buy' ? o.qty : -o.qty)) < Math.abs(o.position);
    const abs = Math.abs(worst);
    if (abs > limit && !reducing) {
      return {
        rule: 'max-position',
        severity: 'block',
        symbol: o.symbol,
        detail: `${o.side} ${o.qty} would take the position to ${worst} (limit ±${limit})`,
        value: worst,
        limit,
      };
    }
    if (this.warnAt > 0 && limit > 0 && !reducing && this.zone(`position|${o.symbol}|${o.side}`, abs >= limit * this.warnAt)) {
      out.push({
        rule: 'max-position',
        severity: 'warn',
        symbol: o.symbol,
        detail: `position could reach ${worst}, ${Math.round((abs / limit) * 100)}% of the limit`,
        value: worst,
        limit,
      });
    }
    return undefined;
  }

  private notionalRule(o: OrderRiskInput, out: RiskDecision[]): RiskDecision | undefined {
    const limit = this.opts.maxNotional;
    if (limit === undefined || o.refPrice === undefined) return undefined;
    const notional = Math.abs(o.qty * o.refPrice);
    if (notional > limit) {
      return {
        rule: 'max-notional',
        severity: 'block',
        symbol: o.symbol,
        detail: `order notional ${notional} exceeds ${limit}`,
        value: notional,
        limit,
      };
    }
    if (this.warnAt > 0 && limit > 0 && this.zone(`notional|${o.symbol}`, notional >= limit * this.warnAt)) {
      out.push({
        rule: 'max-notional',
        severity: 'warn',
        symbol: o.symbol,
        detail: `order notional ${notional} is ${Math.round((notional / limit) * 100)}% of the limit`,
        value: notional,
        limit,
      });
    }
    return undefined;
  }

  /** True when `key` enters the warn zone now (not when it was already there). */
  private zone(key: string, inZone: boolean): boolean {
    if (!inZone) {
      this.warned.delete(key);
      return false;
    }
    if (this.warned.has(key)) return false;
    this.warned.add(key);
    return true;
  }

  private rateRule(o: OrderRiskInput): RiskDecision | undefined {
    const limit = this.opts.maxOrdersPerSecond;
    if (limit === undefined) return undefined;
    const since = o.now - NS_PER_SEC;
    while (this.head < this.accepted.length && this.accepted[this.head]! <= since) this.head++;
    if (this.head > 1024 && this.head * 2 > this.accepted.length) {
      this.accepted.splice(0, this.head); // keep the window array from growing without bound
      this.head = 0;
    }
    const count = this.accepted.length - this.head;
    if (count + 1 > limit) {
      return {
        rule: 'max-order-rate',
        severity: 'block',
        symbol: o.symbol,
        detail: `${count} orders in the last second of replay time (limit ${limit}/s)`,
        value: count + 1,
        limit,
      };
    }
    return undefined;
  }

  /** The rate window and the warn zones, for an engine snapshot (engine-state.ts). */
  saveState(): RiskState {
    return { accepted: this.accepted.slice(this.head), warned: [...this.warned] };
  }

  loadState(s: RiskState): void {
    this.accepted.length = 0;
    this.accepted.push(...s.accepted);
    this.head = 0;
    this.warned.clear();
    for (const k of s.warned) this.warned.add(k);
  }

  /** The kill decision for the current PnL, if a kill limit is breached. */
  checkKill(netPnl: number, drawdown: number): RiskDecision | undefined {
    const { maxLoss, maxDrawdown } = this.opts;
    if (maxLoss !== undefined && netPnl <= -maxLoss) {
      return { rule: 'max-loss', severity: 'kill', detail: `net PnL ${netPnl} breached the loss limit ${maxLoss}`, value: netPnl, limit: -maxLoss };
    }
    if (maxDrawdown !== undefined && drawdown >= maxDrawdown) {
      return {
        rule: 'max-drawdown',
        severity: 'kill',
        detail: `drawdown ${drawdown} reached the limit ${maxDrawdown}`,
        value: drawdown,
        limit: maxDrawdown,
      };
    }
    return undefined;
  }
}
