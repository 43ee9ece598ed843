/**
 * fast-check arbitraries of valid events, in validated form (NFC strings, no -0, canonical keys,
 * no seq), for anyone's property tests: `arbEvent`, `arbEventOf('fill')`, and the field pieces.
 */
import fc from 'fast-check';
const INT64_MAX = 0x7fffffffffffffffn;
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const noNegZero = (x) => (x === 0 ? 0 : x);
/** Any well-formed NFC string (full Unicode, some ASCII-heavy), optionally non-empty. */
export const arbText = (minLength = 0) => fc
    .oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), fc.string({ maxLength: 70 }))
    .map((s) => s.normalize('NFC'))
    .filter((s) => s.length >= minLength && !LONE.test(s));
export const arbId = () => fc.oneof(fc.constantFrom('XNAS', 'AAPL', 'run-1', 'o-1', 'mm'), arbText(1));
/** Finite doubles with small integers, large integers and fractions all well represented. */
export const arbNum = () => fc
    .oneof(fc.integer({ min: -200, max: 200 }), fc.integer(), fc.maxSafeInteger(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(190.12, 0.1, 1e21, -1e-7, 2 ** 32, 2 ** 31, -(2 ** 31) - 1, 2 ** 53))
    .map(noNegZero);
export const arbNonNeg = () => arbNum().map(Math.abs).map(noNegZero);
export const arbPos = () => arbNonNeg().filter((x) => x > 0);
export const arbNs = () => fc.oneof(fc.bigInt({ min: 0n, max: INT64_MAX }), fc.bigInt({ min: 1600000000000000000n, max: 1800000000000000000n }), fc.constantFrom(0n, INT64_MAX));
export const arbCount = () => fc.oneof(fc.nat(1000), fc.maxSafeNat());
export const arbFlatMap = () => fc.dictionary(fc.oneof(arbText(0), fc.constantFrom('9', '10', 'a', 'b', '\uE000', '\u{1F600}')).filter((k) => k !== '__proto__'), fc.oneof(arbText(0), arbNum()), { maxKeys: 6, noNullPrototype: true });
const side = () => fc.constantFrom('buy', 'sell');
const base = {
    ts: arbNs(),
    runId: arbId(),
    cause: arbCount(),
};
function withType(type, rec) {
    return rec.map((r) => {
        const { ts, runId, cause, ...rest } = r;
        const ev = { type, ts, runId };
        if (cause !== undefined)
            ev.cause = cause;
        return Object.assign(ev, rest);
    });
}
export const arbTick = () => withType('tick', fc.record({
    ...base,
    venue: arbId(),
    symbol: arbId(),
    bid: arbNum(),
    ask: arbNum(),
    bidSize: arbNonNeg(),
    askSize: arbNonNeg(),
    last: arbNum(),
    lastSize: arbNonNeg(),
    aggressor: side(),
    volume: arbNonNeg(),
    exchTs: arbNs(),
}, { requiredKeys: ['ts', 'runId', 'venue', 'symbol'] }));
export const arbOrder = () => withType('order', fc.record({
    ...base,
    orderId: arbId(),
    venue: arbId(),
    symbol: arbId(),
    side: side(),
    kind: fc.constantFrom('market', 'limit', 'stop'),
    action: fc.constantFrom('new', 'cancel', 'replace', 'ack', 'reject', 'expire'),
    price: arbPos(),
    qty: arbPos(),
    tif: arbId(),
    strategy: arbId(),
    reason: arbText(),
}, { requiredKeys: ['ts', 'runId', 'orderId', 'venue', 'symbol', 'side', 'kind', 'action', 'qty'] }));
export const arbFill = () => withType('fill', fc.record({
    ...base,
    fillId: arbId(),
    orderId: arbId(),
    venue: arbId(),
    symbol: arbId(),
    side: side(),
    price: arbPos(),
    qty: arbPos(),
    fee: arbNum(),
    liquidity: fc.constantFrom('maker', 'taker'),
}, { requiredKeys: ['ts', 'runId', 'fillId', 'orderId', 'venue', 'symbol', 'side', 'price', 'qty'] }));
export const arbSignal = () => withType('signal', fc.record({ ...base, strategy: arbId(), symbol: arbId(), name: arbId(), value: arbNum(), meta: arbFlatMap() }, { requiredKeys: ['ts', 'runId', 'strategy', 'symbol', 'name', 'value'] }));
export const arbRisk = () => withType('risk', fc.record({
    ...base,
    rule: arbId(),
    severity: fc.constantFrom('info', 'warn', 'block', 'kill'),
    symbol: arbId(),
    detail: arbText(),
    value: arbNum(),
    limit: arbNum(),
}, { requiredKeys: ['ts', 'runId', 'rule', 'severity', 'detail'] }));
export const arbSystem = () => withType('system', fc.record({
    ...base,
    kind: fc.constantFrom('session-start', 'session-end', 'gap', 'reconnect', 'heartbeat', 'reject', 'checkpoint', 'note'),
    message: arbText(),
    data: arbFlatMap(),
}, { requiredKeys: ['ts', 'runId', 'kind', 'message'] }));
const BY_TYPE = {
    tick: arbTick,
    order: arbOrder,
    fill: arbFill,
    signal: arbSignal,
    risk: arbRisk,
    system: arbSystem,
};
export const arbEventOf = (type) => BY_TYPE[type]();
export const arbEvent = () => fc.oneof(arbTick(), arbOrder(), arbFill(), arbSignal(), arbRisk(), arbSystem());
//# sourceMappingURL=events-arbitraries.js.map