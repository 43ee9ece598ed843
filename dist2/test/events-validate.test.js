import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../src/errors.js';
import { validateEvent } from '../src/events/validate.js';
import { SAMPLES, sample } from './events-fixtures.js';
function rejects(input, field, position) {
    try {
        validateEvent(input, position);
    }
    catch (e) {
        assert.instance(e, ValidationError);
        const ve = e;
        assert.is(ve.code, 'VALIDATION');
        assert.is(ve.field, field, `expected field ${field}, got ${ve.field}: ${ve.message}`);
        return ve;
    }
    assert.unreachable(`accepted an event with a bad ${field}`);
    throw new Error('unreachable');
}
test('every sample type validates to an equal, fresh object', () => {
    for (const ev of SAMPLES) {
        const out = validateEvent(ev);
        assert.equal(out, ev);
        assert.ok(out !== ev);
    }
});
test('keys come out in canonical order, undefined keys dropped', () => {
    const out = validateEvent({ qty: 5, symbol: 'S', kind: 'market', reason: undefined, side: 'sell', action: 'new', venue: 'V', orderId: 'o', cause: 2, seq: 9, runId: 'r', ts: 5n, type: 'order' });
    assert.equal(Object.keys(out), ['type', 'ts', 'runId', 'seq', 'cause', 'orderId', 'venue', 'symbol', 'side', 'kind', 'action', 'qty']);
});
test('normalises strings to NFC and -0 to 0', () => {
    const out = validateEvent({ ...sample('signal'), name: 'cafe\u0301', value: -0, meta: { ['e\u0301']: -0 } });
    assert.is(out.name, 'caf\u00e9');
    assert.ok(Object.is(out.value, 0));
    const meta = out.meta;
    assert.equal(Object.keys(meta), ['\u00e9']);
    assert.ok(Object.is(meta['\u00e9'], 0));
});
test('error names field, value and position', () => {
    const e = rejects({ ...sample('fill'), qty: -3 }, 'qty', 'line 12');
    assert.is(e.position, 'line 12');
    assert.is(e.value, -3);
    assert.match(e.message, /^line 12: field "qty"/);
    assert.match(e.message, /-3/);
});
const bad = [
    ['not an object', () => 'tick', '(event)'],
    ['array', () => [sample('tick')], '(event)'],
    ['missing type', () => ({ ...sample('tick'), type: undefined }), 'type'],
    ['unknown type', () => ({ ...sample('tick'), type: 'quote' }), 'type'],
    ['inherited type name', () => ({ ...sample('tick'), type: 'toString' }), 'type'],
    ['missing ts', () => ({ ...sample('tick'), ts: undefined }), 'ts'],
    ['number ts', () => ({ ...sample('tick'), ts: 1700000000 }), 'ts'],
    ['negative ts', () => ({ ...sample('tick'), ts: -1n }), 'ts'],
    ['ts beyond int64', () => ({ ...sample('tick'), ts: 2n ** 63n }), 'ts'],
    ['exchTs string', () => ({ ...sample('tick'), exchTs: '17' }), 'exchTs'],
    ['missing runId', () => ({ ...sample('tick'), runId: undefined }), 'runId'],
    ['empty runId', () => ({ ...sample('tick'), runId: '' }), 'runId'],
    ['missing venue', () => ({ ...sample('tick'), venue: undefined }), 'venue'],
    ['number symbol', () => ({ ...sample('tick'), symbol: 7 }), 'symbol'],
    ['lone surrogate', () => ({ ...sample('tick'), symbol: 'A\uD800' }), 'symbol'],
    ['NaN bid', () => ({ ...sample('tick'), bid: NaN }), 'bid'],
    ['Infinity ask', () => ({ ...sample('tick'), ask: Infinity }), 'ask'],
    ['string bid', () => ({ ...sample('tick'), bid: '190.1' }), 'bid'],
    ['null bid', () => ({ ...sample('tick'), bid: null }), 'bid'],
    ['negative volume', () => ({ ...sample('tick'), volume: -1 }), 'volume'],
    ['negative size', () => ({ ...sample('tick'), bidSize: -0.5 }), 'bidSize'],
    ['unknown aggressor', () => ({ ...sample('tick'), aggressor: 'BUY' }), 'aggressor'],
    ['unknown side', () => ({ ...sample('order'), side: 'long' }), 'side'],
    ['unknown order kind', () => ({ ...sample('order'), kind: 'iceberg' }), 'kind'],
    ['unknown action', () => ({ ...sample('order'), action: 'amend' }), 'action'],
    ['negative qty', () => ({ ...sample('order'), qty: -100 }), 'qty'],
    ['zero qty', () => ({ ...sample('fill'), qty: 0 }), 'qty'],
    ['zero order price', () => ({ ...sample('order'), price: 0 }), 'price'],
    ['negative fill price', () => ({ ...sample('fill'), price: -1 }), 'price'],
    ['missing fill price', () => ({ ...sample('fill'), price: undefined }), 'price'],
    ['unknown liquidity', () => ({ ...sample('fill'), liquidity: 'both' }), 'liquidity'],
    ['fractional cause', () => ({ ...sample('fill'), cause: 1.5 }), 'cause'],
    ['negative cause', () => ({ ...sample('fill'), cause: -1 }), 'cause'],
    ['bad seq', () => ({ ...sample('fill'), seq: '3' }), 'seq'],
    ['NaN signal value', () => ({ ...sample('signal'), value: NaN }), 'value'],
    ['meta array', () => ({ ...sample('signal'), meta: [1] }), 'meta'],
    ['meta nested', () => ({ ...sample('signal'), meta: { a: { b: 1 } } }), 'meta.a'],
    ['meta boolean', () => ({ ...sample('signal'), meta: { ok: true } }), 'meta.ok'],
    ['meta Infinity', () => ({ ...sample('signal'), meta: { x: -Infinity } }), 'meta.x'],
    ['meta __proto__', () => ({ ...sample('signal'), meta: JSON.parse('{"__proto__":1}') }), 'meta.__proto__'],
    ['meta NFC collision', () => ({ ...sample('signal'), meta: { 'e\u0301': 1, '\u00e9': 2 } }), 'meta.\u00e9'],
    ['unknown severity', () => ({ ...sample('risk'), severity: 'fatal' }), 'severity'],
    ['missing detail', () => ({ ...sample('risk'), detail: undefined }), 'detail'],
    ['unknown system kind', () => ({ ...sample('system'), kind: 'boot' }), 'kind'],
    ['data as Map', () => ({ ...sample('system'), data: new Map() }), 'data'],
    ['extra field', () => ({ ...sample('tick'), price: 1 }), 'price'],
    ['field of another type', () => ({ ...sample('fill'), exchTs: 1n }), 'exchTs'],
];
for (const [name, make, field] of bad) {
    test(`rejects ${name} (field ${field})`, () => {
        rejects(make(), field, 'line 3');
    });
}
test('empty text fields and empty maps are allowed', () => {
    const ev = validateEvent({ ...sample('system'), message: '', data: {} });
    assert.equal(ev.data, {});
    validateEvent({ ...sample('risk'), detail: '' });
});
test.run();
//# sourceMappingURL=events-validate.test.js.map