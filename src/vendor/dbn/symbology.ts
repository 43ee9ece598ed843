/**
 * Instrument id → symbol over the date ranges of the metadata's symbology mappings (the rule of
 * `TsSymbolMap` in Databento's `dbn` crate), plus SymbolMapping records met in the stream (live
 * data). A record's symbol is looked up by its instrument id and the UTC date of its index time
 * (ts_recv where the record has one, else ts_event).
 *
 * A symbol that names several instruments at once (stype_in `parent`: `ES.FUT` is every ES
 * contract and spread) would put all their orders in one book; each of those instruments becomes
 * `symbol#instrumentId` (`ES.FUT#5482`). A symbol that names one instrument at a time (a
 * continuous `ES.c.0` rolling from one contract to the next) stays as it is.
 */
import type { DbnMetadata } from './metadata.js';

const NS_PER_DAY = 86_400_000_000_000n;

/** YYYYMMDD → days since 1970-01-01. */
export function yyyymmddToDays(d: number): number {
  const y = Math.floor(d / 10000);
  const m = Math.floor(d / 100) % 100;
  const day = d % 100;
  return Math.floor(Date.UTC(y, m - 1, day) / 86_400_000);
}

interface Interval {
  from: number;
  to: number;
  symbol: string;
}

export class SymbolMap {
  /** instrument id → intervals [startDay, endDay) → symbol. */
  private readonly byId = new Map<number, Interval[]>();
  /** Latest mapping from in-stream SymbolMapping records (they apply from their ts onwards). */
  private readonly live = new Map<number, string>();

  static fromMetadata(m: DbnMetadata): SymbolMap {
    const map = new SymbolMap();
    const inverse = m.stypeIn === 'instrument_id' && m.stypeOut !== 'instrument_id';
    for (const mp of m.mappings) {
      for (const iv of mp.intervals) {
        if (iv.symbol === '') continue; // old symbology format
        const idText = inverse ? mp.rawSymbol : iv.symbol;
        const symbol = inverse ? iv.symbol : mp.rawSymbol;
        if (!/^\d+$/.test(idText)) continue;
        map.add(Number(idText), yyyymmddToDays(iv.startDate), yyyymmddToDays(iv.endDate), symbol);
      }
    }
    map.disambiguate();
    return map;
  }

  /** Gives `symbol#id` to the instruments of a symbol that names two of them on one day. */
  private disambiguate(): void {
    const bySymbol = new Map<string, { id: number; iv: Interval }[]>();
    for (const [id, list] of this.byId) {
      for (const iv of list) {
        let l = bySymbol.get(iv.symbol);
        if (!l) bySymbol.set(iv.symbol, (l = []));
        l.push({ id, iv });
      }
    }
    for (const [symbol, l] of bySymbol) {
      l.sort((a, b) => a.iv.from - b.iv.from);
      // Sweep by start: an interval starting before the furthest end so far, of another id, overlaps.
      let maxTo = -Infinity;
      let maxId = -1;
      let shared = false;
      for (const { id, iv } of l) {
        if (iv.from < maxTo && id !== maxId) {
          shared = true;
          break;
        }
        if (iv.to > maxTo) {
          maxTo = iv.to;
          maxId = id;
        }
      }
      if (shared) for (const { id, iv } of l) iv.symbol = `${symbol}#${id}`;
    }
  }

  add(instrumentId: number, fromDay: number, toDay: number, symbol: string): void {
    if (toDay <= fromDay) return;
    let list = this.byId.get(instrumentId);
    if (!list) this.byId.set(instrumentId, (list = []));
    list.push({ from: fromDay, to: toDay, symbol });
  }

  /** A SymbolMapping record in the stream: from now on this id is this symbol. */
  setLive(instrumentId: number, symbol: string): void {
    this.live.set(instrumentId, symbol);
  }

  /** The symbol of an instrument at a time, or undefined when no mapping covers it. */
  get(instrumentId: number, indexTsNs: bigint): string | undefined {
    const live = this.live.get(instrumentId);
    if (live !== undefined) return live;
    const list = this.byId.get(instrumentId);
    if (!list) return undefined;
    const day = Number(indexTsNs / NS_PER_DAY);
    for (const iv of list) if (day >= iv.from && day < iv.to) return iv.symbol;
    return undefined;
  }
}
