/**
 * Venue message mappings: Binance (bookTicker, trade) and Coinbase (ticker, match) public
 * market-data messages → tick drafts (no ts: the recorder stamps it). Every other kind is reported
 * as unmapped by name, so a summary can count it. Prices and sizes arrive as decimal strings
 * (often with trailing zeros); venue times become exchTs in exact integer ns.
 */
import { ValidationError } from '../errors.js';
import { parseTs } from '../events/ts.js';
export const VENUE_FORMATS = ['binance', 'coinbase'];
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** "61837.63000000" → 61837.63. Refuses anything that is not a plain decimal (or a finite number). */
export function parseDecimal(v, field, position) {
    if (typeof v === 'number' && Number.isFinite(v))
        return v;
    if (typeof v !== 'string' || !DECIMAL.test(v))
        throw new ValidationError(field, 'must be a decimal string', v, position);
    const n = Number(v);
    if (!Number.isFinite(n))
        throw new ValidationError(field, 'is out of range', v, position);
    return n;
}
/** Epoch milliseconds (an integer) → ns, exactly. */
export function msToNs(v, field, position) {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
        return BigInt(v) * 1000000n;
    if (typeof v === 'string' && /^\d{1,16}$/.test(v))
        return BigInt(v) * 1000000n;
    throw new ValidationError(field, 'must be epoch milliseconds (a non-negative integer)', v, position);
}
function isObj(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function symbolOf(v, field, position) {
    if (typeof v !== 'string' || v.length === 0)
        throw new ValidationError(field, 'must be a non-empty symbol', v, position);
    return v;
}
function setDecimal(t, key, v, field, position) {
    if (v === undefined || v === null)
        return;
    t[key] = parseDecimal(v, field, position);
}
// -- Binance ------------------------------------------------------------------------------------
/**
 * Binance spot/futures public streams, raw or in the combined-stream wrapper {stream, data}.
 * bookTicker {u,s,b,B,a,A[,E,T]}; trade {e:"trade",E,s,t,p,q,T,m}: m = buyer is the maker, so
 * the aggressor (taker) sold.
 */
export const mapBinance = (msg, position) => {
    if (!isObj(msg))
        throw new ValidationError('(message)', 'must be a JSON object', msg, position);
    let d = msg;
    let prefix = '';
    if (typeof msg.stream === 'string' && isObj(msg.data)) {
        d = msg.data;
        prefix = 'data.';
    }
    const e = d.e;
    if (e === 'trade') {
        const t = { type: 'tick', venue: 'binance', symbol: symbolOf(d.s, `${prefix}s`, position) };
        setDecimal(t, 'last', d.p, `${prefix}p`, position);
        setDecimal(t, 'lastSize', d.q, `${prefix}q`, position);
        if (t.last === undefined || t.lastSize === undefined)
            throw new ValidationError(`${prefix}p`, 'a trade needs p and q', d.p, position);
        if (typeof d.m !== 'boolean')
            throw new ValidationError(`${prefix}m`, 'must be a boolean', d.m, position);
        t.aggressor = d.m ? 'sell' : 'buy';
        if (d.T !== undefined)
            t.exchTs = msToNs(d.T, `${prefix}T`, position);
        else if (d.E !== undefined)
            t.exchTs = msToNs(d.E, `${prefix}E`, position);
        return { ticks: [t], kind: 'trade' };
    }
    const isBookTicker = e === 'bookTicker' || (e === undefined && 'b' in d && 'a' in d && 'B' in d && 'A' in d && 's' in d);
    if (isBookTicker) {
        const t = { type: 'tick', venue: 'binance', symbol: symbolOf(d.s, `${prefix}s`, position) };
        setDecimal(t, 'bid', d.b, `${prefix}b`, position);
        setDecimal(t, 'bidSize', d.B, `${prefix}B`, position);
        setDecimal(t, 'ask', d.a, `${prefix}a`, position);
        setDecimal(t, 'askSize', d.A, `${prefix}A`, position);
        // Spot bookTicker carries no time; the futures one has T (transaction) and E (event).
        if (d.T !== undefined)
            t.exchTs = msToNs(d.T, `${prefix}T`, position);
        else if (d.E !== undefined)
            t.exchTs = msToNs(d.E, `${prefix}E`, position);
        return { ticks: [t], kind: 'bookTicker' };
    }
    if (typeof e === 'string' && e.length > 0)
        return { unmapped: e };
    if ('lastUpdateId' in d)
        return { unmapped: 'snapshot' };
    if ('result' in d && 'id' in d)
        return { unmapped: 'subscription' };
    if ('error' in d)
        return { unmapped: 'error' };
    return { unmapped: 'unknown' };
};
// -- Coinbase -----------------------------------------------------------------------------------
function coinbaseSide(v, field, position) {
    if (v !== 'buy' && v !== 'sell')
        throw new ValidationError(field, 'must be buy or sell', v, position);
    return v;
}
/**
 * Coinbase Exchange (Pro) ws-feed. ticker {product_id, price, best_bid, best_ask, last_size,
 * side, time}: its side is the taker's. match {product_id, price, size, side, time}: its side is
 * the maker's, so the aggressor is the opposite (the sample's ticker and last_match for the same
 * trade_id show exactly that).
 */
export const mapCoinbase = (msg, position) => {
    if (!isObj(msg))
        throw new ValidationError('(message)', 'must be a JSON object', msg, position);
    const type = msg.type;
    if (type === 'ticker') {
        const t = { type: 'tick', venue: 'coinbase', symbol: symbolOf(msg.product_id, 'product_id', position) };
        setDecimal(t, 'bid', msg.best_bid, 'best_bid', position);
        setDecimal(t, 'ask', msg.best_ask, 'best_ask', position);
        setDecimal(t, 'bidSize', msg.best_bid_size, 'best_bid_size', position);
        setDecimal(t, 'askSize', msg.best_ask_size, 'best_ask_size', position);
        setDecimal(t, 'last', msg.price, 'price', position);
        setDecimal(t, 'lastSize', msg.last_size, 'last_size', position);
        if (msg.side !== undefined)
            t.aggressor = coinbaseSide(msg.side, 'side', position);
        if (msg.time !== undefined)
            t.exchTs = parseTs(msg.time, 'time', position);
        return { ticks: [t], kind: 'ticker' };
    }
    if (type === 'match') {
        const t = { type: 'tick', venue: 'coinbase', symbol: symbolOf(msg.product_id, 'product_id', position) };
        t.last = parseDecimal(msg.price, 'price', position);
        t.lastSize = parseDecimal(msg.size, 'size', position);
        t.aggressor = coinbaseSide(msg.side, 'side', position) === 'buy' ? 'sell' : 'buy';
        if (msg.time !== undefined)
            t.exchTs = parseTs(msg.time, 'time', position);
        return { ticks: [t], kind: 'match' };
    }
    if (typeof type === 'string' && type.length > 0)
        return { unmapped: type };
    return { unmapped: 'unknown' };
};
export function mapperFor(format) {
    return format === 'binance' ? mapBinance : mapCoinbase;
}
//# sourceMappingURL=venues.js.map