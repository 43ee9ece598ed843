/**
 * A Kraken WebSocket v1 book as the venue's checksum sees it: per side, the levels in price order
 * with the price and volume **strings Kraken sent**, truncated to the subscribed depth, and the
 * CRC32 Kraken sends with every update: over the top 10 asks (best first) then the top 10 bids
 * (best first), each level's price then volume, each with the decimal point removed and leading
 * zeros stripped, concatenated as ASCII. Pure: no I/O, no events.
 */
import { crc32 } from '../log/crc.js';

/**
 * Kraken's book checksum over levels given best first, as the venue's decimal strings: CRC32 of the
 * top 10 asks then the top 10 bids, price then volume, point removed, leading zeros stripped.
 */
export function krakenChecksum(asks: readonly { price: string; volume: string }[], bids: readonly { price: string; volume: string }[]): number {
  const strip = (s: string) => s.replace('.', '').replace(/^0+/, '');
  let text = '';
  for (let i = 0; i < asks.length && i < 10; i++) text += strip(asks[i]!.price) + strip(asks[i]!.volume);
  for (let i = 0; i < bids.length && i < 10; i++) text += strip(bids[i]!.price) + strip(bids[i]!.volume);
  return crc32(Buffer.from(text, 'ascii')) >>> 0;
}

interface Level {
  /** The price as a double, for ordering only (distinct venue prices stay distinct and ordered). */
  px: number;
  price: string;
  volume: string;
}

export class KrakenBook {
  /** Asks ascending, bids descending: best first. */
  private readonly asks: Level[] = [];
  private readonly bids: Level[] = [];

  constructor(readonly depth: number) {}

  clear(): void {
    this.asks.length = 0;
    this.bids.length = 0;
  }

  /** Sets a level (volume 0 removes it). */
  set(side: 'bid' | 'ask', price: string, volume: string): void {
    const arr = side === 'ask' ? this.asks : this.bids;
    const px = Number(price);
    const better = side === 'ask' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
    let lo = 0;
    let hi = arr.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (better(arr[mid]!.px, px)) lo = mid + 1;
      else hi = mid;
    }
    const removing = Number(volume) === 0;
    if (lo < arr.length && arr[lo]!.px === px) {
      if (removing) arr.splice(lo, 1);
      else arr[lo] = { px, price, volume };
    } else if (!removing) {
      arr.splice(lo, 0, { px, price, volume });
    }
  }

  /** Drops the levels beyond the depth (Kraken sends no delete for them); returns their prices. */
  truncate(): { side: 'bid' | 'ask'; price: string }[] {
    const out: { side: 'bid' | 'ask'; price: string }[] = [];
    for (const [side, arr] of [['ask', this.asks], ['bid', this.bids]] as const) {
      if (arr.length > this.depth) for (const l of arr.splice(this.depth)) out.push({ side, price: l.price });
    }
    return out;
  }

  /** The checksum of the current book, as an unsigned 32-bit integer. */
  checksum(): number {
    return krakenChecksum(this.asks, this.bids);
  }

  levels(side: 'bid' | 'ask'): readonly { price: string; volume: string }[] {
    return side === 'ask' ? this.asks : this.bids;
  }
}
