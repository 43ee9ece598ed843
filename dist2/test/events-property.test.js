import { decode as foreignDecode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ValidationError } from '../src/errors.js';
import { createCodec, decodePayload, encodePayload, isCanonicalPayload } from '../src/events/codec.js';
import { eventToJson, parseJsonEvent } from '../src/events/json.js';
import { SPECS } from '../src/events/schema.js';
import { TYPE_TAG } from '../src/events/types.js';
import { validateEvent } from '../src/events/validate.js';
import { arbEvent, arbNum, arbPos } from './events-arbitraries.js';
// Fixed seed: runs are reproducible; change it locally to explore.
const params = { numRuns: 1500, seed: 20231114 };
test('arbitrary events are valid and validation is the identity on them', () => {
    fc.assert(fc.property(arbEvent(), (ev) => assert.equal(validateEvent(ev), ev)), params);
});
test('JSON round-trip is exact and export → import → export is byte-identical', () => {
    fc.assert(fc.property(arbEvent(), fc.boolean(), (ev, iso) => {
        const line = eventToJson(ev, { iso });
        const back = parseJsonEvent(line);
        assert.equal(back, ev);
        assert.is(eventToJson(back, { iso }), line);
    }), params);
});
test('binary round-trip is exact and re-encoding reproduces the bytes', () => {
    fc.assert(fc.property(arbEvent(), fc.nat(), (ev, seq) => {
        const bytes = encodePayload(ev);
        const back = decodePayload(TYPE_TAG[ev.type], bytes, seq, ev.ts);
        assert.equal(back, { ...ev, seq });
        assert.ok(Buffer.from(encodePayload(back)).equals(bytes));
        assert.ok(isCanonicalPayload(TYPE_TAG[ev.type], bytes));
    }), params);
});
test('separately constructed encoders agree byte for byte', () => {
    const a = createCodec();
    const b = createCodec();
    fc.assert(fc.property(fc.array(arbEvent(), { maxLength: 5 }), (evs) => {
        // Interleave differently so any state carried between calls would show.
        const xs = evs.map((e) => Buffer.from(a.encodePayload(e)).toString('hex'));
        const ys = [...evs].reverse().map((e) => Buffer.from(b.encodePayload(e)).toString('hex')).reverse();
        assert.equal(xs, ys);
    }), params);
});
test('an independent decoder sees [runId, cause, ...fields] with nils and trimming', () => {
    fc.assert(fc.property(arbEvent(), (ev) => {
        const arr = foreignDecode(encodePayload(ev), { useBigInt64: true });
        const rec = ev;
        const want = [ev.runId, ev.cause ?? null, ...SPECS[ev.type].fields.map((f) => rec[f.name] ?? null)];
        while (want.length > 2 && want[want.length - 1] === null)
            want.pop();
        assert.equal(arr, want);
    }), params);
});
const corrupt = [
    ['NaN/Infinity price', fc.constantFrom(NaN, Infinity, -Infinity), 'price'],
    ['non-positive qty', arbPos().map((x) => -x).chain((x) => fc.constantFrom(x, 0)), 'qty'],
    ['unknown side', fc.string().filter((s) => s !== 'buy' && s !== 'sell'), 'side'],
    ['non-bigint ts', fc.oneof(arbNum(), fc.string()), 'ts'],
];
for (const [name, arb, field] of corrupt) {
    test(`invalid ${name} is rejected naming ${field}`, () => {
        fc.assert(fc.property(arbEvent().filter((e) => e.type === 'fill'), arb, (ev, v) => {
            try {
                validateEvent({ ...ev, [field]: v });
            }
            catch (e) {
                assert.instance(e, ValidationError);
                assert.is(e.field, field);
                return;
            }
            assert.unreachable();
        }), { ...params, numRuns: 200 });
    });
}
test('dropping any required field is rejected naming it', () => {
    fc.assert(fc.property(arbEvent(), fc.nat(), (ev, k) => {
        const required = ['ts', 'runId', ...SPECS[ev.type].fields.filter((f) => !f.optional).map((f) => f.name)];
        const field = required[k % required.length];
        const copy = { ...ev };
        delete copy[field];
        try {
            validateEvent(copy);
        }
        catch (e) {
            assert.is(e.field, field);
            return;
        }
        assert.unreachable();
    }), params);
});
test.run();
//# sourceMappingURL=events-property.test.js.map