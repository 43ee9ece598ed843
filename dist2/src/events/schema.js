const SIDES = new Set(['buy', 'sell']);
function f(_type, name, kind, optional = false, values) {
    return values ? { name, kind, optional, values: new Set(values) } : { name, kind, optional };
}
const FIELD_LISTS = {
    tick: [
        f('tick', 'venue', 'id'),
        f('tick', 'symbol', 'id'),
        f('tick', 'bid', 'num', true),
        f('tick', 'ask', 'num', true),
        f('tick', 'bidSize', 'nonneg', true),
        f('tick', 'askSize', 'nonneg', true),
        f('tick', 'last', 'num', true),
        f('tick', 'lastSize', 'nonneg', true),
        f('tick', 'aggressor', 'enum', true, [...SIDES]),
        f('tick', 'volume', 'nonneg', true),
        f('tick', 'exchTs', 'ns', true),
    ],
    order: [
        f('order', 'orderId', 'id'),
        f('order', 'venue', 'id'),
        f('order', 'symbol', 'id'),
        f('order', 'side', 'enum', false, [...SIDES]),
        f('order', 'kind', 'enum', false, ['market', 'limit', 'stop']),
        f('order', 'action', 'enum', false, ['new', 'cancel', 'replace', 'ack', 'reject', 'expire']),
        f('order', 'price', 'pos', true),
        f('order', 'qty', 'pos'),
        f('order', 'tif', 'id', true),
        f('order', 'strategy', 'id', true),
        f('order', 'reason', 'text', true),
    ],
    fill: [
        f('fill', 'fillId', 'id'),
        f('fill', 'orderId', 'id'),
        f('fill', 'venue', 'id'),
        f('fill', 'symbol', 'id'),
        f('fill', 'side', 'enum', false, [...SIDES]),
        f('fill', 'price', 'pos'),
        f('fill', 'qty', 'pos'),
        f('fill', 'fee', 'num', true),
        f('fill', 'liquidity', 'enum', true, ['maker', 'taker']),
    ],
    signal: [
        f('signal', 'strategy', 'id'),
        f('signal', 'symbol', 'id'),
        f('signal', 'name', 'id'),
        f('signal', 'value', 'num'),
        f('signal', 'meta', 'map', true),
    ],
    risk: [
        f('risk', 'rule', 'id'),
        f('risk', 'severity', 'enum', false, ['info', 'warn', 'block', 'kill']),
        f('risk', 'symbol', 'id', true),
        f('risk', 'detail', 'text'),
        f('risk', 'value', 'num', true),
        f('risk', 'limit', 'num', true),
    ],
    system: [
        f('system', 'kind', 'enum', false, [
            'session-start',
            'session-end',
            'gap',
            'reconnect',
            'heartbeat',
            'reject',
            'checkpoint',
            'note',
        ]),
        f('system', 'message', 'text'),
        f('system', 'data', 'map', true),
    ],
};
/** Keys every event may carry, in canonical order (seq is the log's, see docs/EVENTS.md). */
export const BASE_KEYS = ['type', 'ts', 'runId', 'seq', 'cause'];
function build(fields) {
    let lastRequired = -1;
    fields.forEach((fs, i) => {
        if (!fs.optional)
            lastRequired = i;
    });
    return {
        fields,
        allowed: new Set([...BASE_KEYS, ...fields.map((fs) => fs.name)]),
        minLen: 2 + lastRequired + 1,
        maxLen: 2 + fields.length,
    };
}
export const SPECS = {
    tick: build(FIELD_LISTS.tick),
    order: build(FIELD_LISTS.order),
    fill: build(FIELD_LISTS.fill),
    signal: build(FIELD_LISTS.signal),
    risk: build(FIELD_LISTS.risk),
    system: build(FIELD_LISTS.system),
};
export function specOf(type) {
    return Object.prototype.hasOwnProperty.call(SPECS, type) ? SPECS[type] : undefined;
}
/** Largest ts/exchTs: int64 max (2262-04-11T23:47:16.854775807Z). */
export const INT64_MAX = 0x7fffffffffffffffn;
/** Lone UTF-16 surrogates cannot be encoded as UTF-8, so they would not round-trip. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export function isWellFormed(s) {
    return !LONE_SURROGATE.test(s);
}
/**
 * Code point order (= UTF-8 byte order), the canonical order of map keys. Plain `<` compares
 * UTF-16 code units, which puts U+E000..U+FFFF after astral characters.
 */
export function compareCodePoints(a, b) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        let x = a.charCodeAt(i);
        let y = b.charCodeAt(i);
        if (x === y)
            continue;
        // Surrogates (astral code points) sort above the rest of the BMP.
        x = x >= 0xd800 && x <= 0xdfff ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
        y = y >= 0xd800 && y <= 0xdfff ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
        return x - y;
    }
    return a.length - b.length;
}
export function sortedKeys(map) {
    return Object.keys(map).sort(compareCodePoints);
}
//# sourceMappingURL=schema.js.map