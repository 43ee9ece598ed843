/**
 * Venue message mappings: raw public market-data messages → event drafts (no ts: the recorder
 * stamps it). One message becomes the events of one atomic batch, or a counted non-event. The
 * mappings are stateful (sequence checks, checksummed books, trade ids seen), so each feed gets its
 * own from `mapperFor`. What each message kind becomes is listed in docs/VENUES.md.
 */
import { binanceMapper } from './venue-binance.js';
import { coinbaseMapper } from './venue-coinbase.js';
import type { Mapper } from './venue-common.js';
import { krakenMapper } from './venue-kraken.js';

export { msToNs, parseDecimal, parseExact } from './venue-common.js';
export type { BookDraft, EventDraft, InstrumentDraft, MapOutcome, Mapper, SystemDraft, TickDraft } from './venue-common.js';

export type VenueFormat = 'binance' | 'binance-futures' | 'coinbase' | 'kraken';
export const VENUE_FORMATS: readonly VenueFormat[] = ['binance', 'binance-futures', 'coinbase', 'kraken'];

export interface MapperOptions {
  /** The venue name to record instead of the mapping's default (binance-spot, binance-futures, coinbase, kraken). */
  venue?: string;
  /** Binance: the symbol of REST depth snapshots (they carry none). */
  symbol?: string;
}

/** A fresh mapping for one feed. `binance` recognises futures from the messages; `binance-futures` forces it. */
export function mapperFor(format: VenueFormat, opts: MapperOptions = {}): Mapper {
  switch (format) {
    case 'binance':
      return binanceMapper(opts);
    case 'binance-futures':
      return binanceMapper({ ...opts, futures: true });
    case 'coinbase':
      return coinbaseMapper(opts);
    case 'kraken':
      return krakenMapper(opts);
  }
}

/** A fresh Binance mapping (spot unless the messages say futures). */
export const mapBinance: Mapper = (msg, position) => binanceMapper()(msg, position);
/** A fresh Coinbase mapping: for single messages (a feed needs one mapping for all its messages). */
export const mapCoinbase: Mapper = (msg, position) => coinbaseMapper()(msg, position);
