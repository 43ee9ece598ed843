/**
 * Instrument id → symbol over the date ranges of the metadata's symbology mappings (the rule of
 * `TsSymbolMap` in Databento's `dbn` crate), plus SymbolMapping records met in the stream (live
 * data). A record's symbol is looked up by its instrument id and the UTC date of its index time
 * (ts_recv where the record has one, else ts_event).
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

export class SymbolMap {
  /** instrument id → sorted intervals [startDay, endDay) → symbol. */
  private readonly byId = new Map<number, { from: number; to: number; symbol: string }[]>();
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
    return map;
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
