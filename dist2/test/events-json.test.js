import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../src/errors.js';
import { eventToJson, parseJsonEvent, parseJsonLines } from '../src/events/json.js';
import { SAMPLES, sample } from './events-fixtures.js';
function rejects(line, field) {
    try {
        parseJsonEvent(line, 'line 7');
    }
    catch (e) {
        assert.instance(e, ValidationError);
        assert.is(e.field, field, e.message);
        assert.is(e.position, 'line 7');
        return e;
    }
    assert.unreachable(line);
    throw new Error('unreachable');
}
test('canonical line for a tick, exactly', () => {
    assert.is(eventToJson(sample('tick')), '{"type":"tick","ts":"1700000000123456789","runId":"run-1","venue":"XNAS","symbol":"AAPL","bid":190.12,"ask":190.14,' +
        '"bidSize":300,"askSize":500,"last":190.13,"lastSize":100,"aggressor":"buy","volume":1234567,"exchTs":"1700000000123000000"}');
});
test('seq and cause follow runId; map keys in code point order', () => {
    const line = eventToJson({ ...sample('signal'), seq: 3 });
    assert.is(line, '{"type":"signal","ts":"1700000000423456789","runId":"run-1","seq":3,"cause":1,"strategy":"mm","symbol":"AAPL","name":"zscore",' +
        '"value":-1.75,"meta":{"10":"ten","9":9,"mode":"ewm","window":20}}');
});
test('ISO option writes ts and exchTs as ISO; reading it back is exact', () => {
    const line = eventToJson(sample('tick'), { iso: true });
    assert.match(line, /"ts":"2023-11-14T22:13:20\.123456789Z"/);
    assert.match(line, /"exchTs":"2023-11-14T22:13:20\.123000000Z"/);
    assert.equal(parseJsonEvent(line), sample('tick'));
});
test('every type: export → import → export is byte-identical', () => {
    for (const ev of SAMPLES) {
        const a = eventToJson(ev);
        const back = parseJsonEvent(a);
        assert.equal(back, ev);
        assert.is(eventToJson(back), a);
    }
});
test('input ts forms: decimal string, safe JSON integer, ISO', () => {
    const base = '"runId":"r","kind":"note","message":"m"';
    assert.is(parseJsonEvent(`{"type":"system","ts":"1700000000123456789",${base}}`).ts, 1700000000123456789n);
    assert.is(parseJsonEvent(`{"type":"system","ts":9007199254740991,${base}}`).ts, 9007199254740991n);
    assert.is(parseJsonEvent(`{"type":"system","ts":"2023-11-14T22:13:20.000000001Z",${base}}`).ts, 1700000000000000001n);
});
test('ts as a JSON number above 2^53 - 1 is refused, not rounded', () => {
    const base = '"runId":"r","kind":"note","message":"m"';
    const e = rejects(`{"type":"system","ts":1700000000123456789,${base}}`, 'ts');
    assert.match(e.message, /2\^53/);
    rejects(`{"type":"system","ts":9007199254740993,${base}}`, 'ts');
    rejects(`{"type":"system","ts":1.5,${base}}`, 'ts');
    rejects(`{"type":"tick","ts":"1","runId":"r","venue":"V","symbol":"S","exchTs":9007199254740992}`, 'exchTs');
});
test('bad JSON and bad shapes are ValidationErrors with position', () => {
    const e = rejects('{"type":"tick",', '(json)');
    assert.is(e.code, 'VALIDATION');
    assert.match(e.message, /^line 7: /);
    rejects('[1,2]', '(event)');
    rejects('null', '(event)');
    rejects('{"type":"tick","ts":"1","runId":"r","venue":"V","symbol":"S","bid":null}', 'bid');
    rejects('{"type":"tick","ts":"1","runId":"r","venue":"V","symbol":"S","__proto__":{}}', '__proto__');
    rejects('{"type":"fill","ts":"1","runId":"r","exchTs":"5","fillId":"f","orderId":"o","venue":"V","symbol":"S","side":"buy","price":1,"qty":1}', 'exchTs');
});
test('seq is accepted, kept and written back', () => {
    const line = '{"type":"system","ts":"5","runId":"r","seq":42,"kind":"note","message":"m"}';
    const ev = parseJsonEvent(line);
    assert.is(ev.seq, 42);
    assert.is(eventToJson(ev), line);
});
test('non-canonical input normalises to the canonical line', () => {
    const messy = '{"message":"cafe\u0301","kind":"note","runId":"r","ts":"2023-11-14T22:13:20Z","type":"system","data":{"b":-0,"a":1.50}}';
    const out = eventToJson(parseJsonEvent(messy));
    assert.is(out, '{"type":"system","ts":"1700000000000000000","runId":"r","kind":"note","message":"caf\u00e9","data":{"a":1.5,"b":0}}');
});
test('parseJsonLines numbers lines from 1 and skips blanks', () => {
    const text = SAMPLES.map((e) => eventToJson(e)).join('\n') + '\n\n';
    assert.equal(parseJsonLines(text), [...SAMPLES]);
    try {
        parseJsonLines(`${eventToJson(SAMPLES[0])}\n\n{"type":"tick"}\n`);
        assert.unreachable();
    }
    catch (e) {
        assert.is(e.position, 'line 3');
    }
});
test.run();
//# sourceMappingURL=events-json.test.js.map