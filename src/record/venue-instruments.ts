/**
 * Instrument metadata venues publish, as `instrument` events (docs/VENUES.md "Instruments"):
 * - Binance `GET /api/v3/exchangeInfo` (spot) and `GET /fapi/v1/exchangeInfo` (USD-M futures):
 *   `symbols[]` with PRICE_FILTER.tickSize, LOT_SIZE.stepSize / minQty, the asset precisions;
 * - Coinbase `GET /products`, `GET /products/<id>` and the ws `status` channel's `products[]`:
 *   quote_increment (tick), base_increment (lot), base_min_size;
 * - Kraken `GET /0/public/AssetPairs`: `result{}` with wsname, pair_decimals, lot_decimals,
 *   ordermin, tick_size (when sent).
 * Sizes and increments stay exact decimals as the venue wrote them. Pure mapping: the venue
 * mappings call these when a message has the shape (a capture, an import, or a live fetch).
 */
import { ValidationError } from '../errors.js';
import { Decimal } from '../events/decimal.js';
import { isObj, parseExact, type InstrumentDraft, type Obj } from './venue-common.js';

/** Decimal places of a decimal string ("0.01000000" → 8: the scale as written). */
function scaleOf(text: string): number {
  const i = text.indexOf('.');
  return i < 0 ? 0 : text.length - i - 1;
}

function decimalsField(v: unknown, field: string, position?: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 30) return v;
  throw new ValidationError(field, 'must be a number of decimal places (0..30)', v, position);
}

/** 10^-n as an exact Decimal ("0.001" for 3). */
const stepOf = (n: number): Decimal => new Decimal(1, -n);

/** A Binance exchangeInfo body: `{timezone, serverTime, symbols: [...]}`. */
export function isBinanceExchangeInfo(d: Obj): boolean {
  return Array.isArray(d.symbols) && (d.serverTime !== undefined || d.timezone !== undefined);
}

/** Binance exchangeInfo → one instrument per symbol. `futures`: the body is USD-M futures (it has contractType). */
export function binanceInstruments(d: Obj, venue: string, position?: string): InstrumentDraft[] {
  const out: InstrumentDraft[] = [];
  (d.symbols as unknown[]).forEach((raw, i) => {
    const at = `symbols[${i}]`;
    if (!isObj(raw) || typeof raw.symbol !== 'string' || raw.symbol.length === 0) throw new ValidationError(`${at}.symbol`, 'must be a non-empty symbol', raw, position);
    const ins: InstrumentDraft = { type: 'instrument', venue, symbol: raw.symbol };
    const contract = raw.contractType;
    ins.kind = typeof contract === 'string' ? (contract === 'PERPETUAL' ? 'perpetual' : 'future') : 'spot';
    if (typeof raw.baseAsset === 'string') ins.base = raw.baseAsset;
    if (typeof raw.quoteAsset === 'string') ins.quote = raw.quoteAsset;
    // Spot sends prices with the quote asset's precision and sizes with the base asset's; futures
    // states pricePrecision and quantityPrecision.
    const px = raw.pricePrecision ?? raw.quoteAssetPrecision ?? raw.quotePrecision;
    const qty = raw.quantityPrecision ?? raw.baseAssetPrecision;
    if (px !== undefined) ins.priceScale = decimalsField(px, `${at}.pricePrecision`, position);
    if (qty !== undefined) ins.sizeScale = decimalsField(qty, `${at}.quantityPrecision`, position);
    const filters = Array.isArray(raw.filters) ? raw.filters : [];
    filters.forEach((f, j) => {
      if (!isObj(f)) return;
      const fa = `${at}.filters[${j}]`;
      if (f.filterType === 'PRICE_FILTER' && f.tickSize !== undefined) ins.tickSize = parseExact(f.tickSize, `${fa}.tickSize`, position);
      if (f.filterType === 'LOT_SIZE') {
        if (f.stepSize !== undefined) ins.lotSize = parseExact(f.stepSize, `${fa}.stepSize`, position);
        if (f.minQty !== undefined) ins.minSize = parseExact(f.minQty, `${fa}.minQty`, position);
      }
    });
    out.push(ins);
  });
  return out;
}

/** A Coinbase product object (`/products` item, `/products/<id>`, or a `status` channel product). */
export function isCoinbaseProduct(v: unknown): v is Obj {
  return isObj(v) && typeof v.id === 'string' && v.base_increment !== undefined && v.quote_increment !== undefined;
}

export function coinbaseInstruments(products: readonly unknown[], venue: string, field: string, position?: string): InstrumentDraft[] {
  return products.map((p, i) => {
    const at = `${field}[${i}]`;
    if (!isCoinbaseProduct(p)) throw new ValidationError(at, 'must be a product with id, base_increment and quote_increment', p, position);
    const tick = parseExact(p.quote_increment, `${at}.quote_increment`, position);
    const lot = parseExact(p.base_increment, `${at}.base_increment`, position);
    const ins: InstrumentDraft = { type: 'instrument', venue, symbol: p.id as string, kind: 'spot', tickSize: tick, lotSize: lot };
    if (typeof p.base_currency === 'string') ins.base = p.base_currency;
    if (typeof p.quote_currency === 'string') ins.quote = p.quote_currency;
    if (p.base_min_size !== undefined) ins.minSize = parseExact(p.base_min_size, `${at}.base_min_size`, position);
    if (typeof p.quote_increment === 'string') ins.priceScale = scaleOf(p.quote_increment);
    if (typeof p.base_increment === 'string') ins.sizeScale = scaleOf(p.base_increment);
    return ins;
  });
}

/** A Kraken AssetPairs body: `{error: [], result: {PAIR: {wsname, pair_decimals, ...}}}`. */
export function isKrakenAssetPairs(d: Obj): boolean {
  if (!Array.isArray(d.error) || !isObj(d.result)) return false;
  const first = Object.values(d.result)[0];
  return isObj(first) && first.pair_decimals !== undefined;
}

/** Kraken AssetPairs → one instrument per pair, named as the WebSocket names it (wsname, e.g. XBT/CHF). */
export function krakenInstruments(d: Obj, venue: string, position?: string): InstrumentDraft[] {
  return Object.entries(d.result as Obj).map(([key, raw]) => {
    const at = `result.${key}`;
    if (!isObj(raw)) throw new ValidationError(at, 'must be an asset pair object', raw, position);
    const symbol = typeof raw.wsname === 'string' && raw.wsname.length > 0 ? raw.wsname : typeof raw.altname === 'string' ? raw.altname : key;
    const priceDecimals = decimalsField(raw.pair_decimals, `${at}.pair_decimals`, position);
    const lotDecimals = raw.lot_decimals === undefined ? undefined : decimalsField(raw.lot_decimals, `${at}.lot_decimals`, position);
    const ins: InstrumentDraft = { type: 'instrument', venue, symbol, kind: 'spot', priceScale: priceDecimals };
    // tick_size when Kraken sends it; else one unit of the price's last decimal place.
    ins.tickSize = raw.tick_size !== undefined ? parseExact(raw.tick_size, `${at}.tick_size`, position) : stepOf(priceDecimals);
    if (lotDecimals !== undefined) {
      ins.sizeScale = lotDecimals;
      ins.lotSize = stepOf(lotDecimals);
    }
    if (raw.ordermin !== undefined) ins.minSize = parseExact(raw.ordermin, `${at}.ordermin`, position);
    const [base, quote] = symbol.includes('/') ? symbol.split('/') : [undefined, undefined];
    if (base) ins.base = base;
    if (quote) ins.quote = quote;
    return ins;
  });
}
