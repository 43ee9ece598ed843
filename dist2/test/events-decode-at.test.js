import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePayload, decodePayloadAt, encodeEvent } from '../src/events/codec.js';
import { SAMPLES } from './events-fixtures.js';
test('decodePayloadAt - a payload read in place inside a larger chunk decodes like the payload alone', () => {
    for (const ev of SAMPLES) {
        const e = encodeEvent(ev);
        const chunk = Buffer.concat([Buffer.from([0xc1, 0xff, 0x00]), e.payload, Buffer.from([0x93, 0xa1, 0x78])]);
        const at = decodePayloadAt(e.type, chunk, 3, 3 + e.payload.length, 7, ev.ts);
        assert.equal(at, decodePayload(e.type, e.payload, 7, ev.ts));
    }
});
test('decodePayloadAt - outside the canonical subset it falls back to the generic decoder, errors included', () => {
    const ev = SAMPLES[0];
    const e = encodeEvent(ev);
    const chunk = Buffer.concat([Buffer.from([0x00]), e.payload]);
    // An unknown tag: the same typed error either way.
    assert.throws(() => decodePayloadAt(99, chunk, 1, chunk.length, 0, ev.ts), /unknown event type tag/);
    // A payload cut short: the generic decoder's error, not a wrong value.
    assert.throws(() => decodePayloadAt(e.type, chunk, 1, chunk.length - 2, 0, ev.ts));
});
test.run();
//# sourceMappingURL=events-decode-at.test.js.map