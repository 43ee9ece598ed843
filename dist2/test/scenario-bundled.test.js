import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findMarkers, generateScenario, isScenario } from '../src/scenario/index.js';
/**
 * Golden fingerprints of the bundled scenarios: sha256 of the canonical JSON of the generated events
 * (bigints as "<digits>n"). A change here means every recording of these scenarios changes: bump
 * them only on purpose. (To be replaced by the recording's log digest once the recorder is wired.)
 */
const GOLDEN = {
    'random-walk': { events: 8975, ticks: 8973, sha256: '06c28fabaa5b51d60aa6f8b497a108e246305d57d879711ea683b6268dac784f' },
    trend: { events: 8855, ticks: 8853, sha256: '9a9893ff2980b2634f8f2d001e0471b4262bc5bbfc86323deb2e2eafd1b830f9' },
    'flash-crash': { events: 14058, ticks: 14055, sha256: '08423dbc17a5e72c3f7c57c2be74ff87655ff2f9f1f8f95171ef9c1b4591e3d1' },
    halt: { events: 9835, ticks: 9829, sha256: '44dd728c8e8758c2e5ea8564a81797257e36f76f68fea7a0cf6810edce2fc83c' },
    'feed-outage': { events: 5606, ticks: 5601, sha256: 'b5c96cecd189e26dfdee3f7c0a9421a3c11cf7ebed9eaa32fe4a99c1ac2274b2' },
};
const canonical = (events) => JSON.stringify(events, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
const fingerprint = (events) => createHash('sha256').update(canonical(events)).digest('hex');
async function load(name) {
    // Compiled next to this test: dist/test → dist/scenarios.
    const mod = (await import(new URL(`../scenarios/${name}.js`, import.meta.url).href));
    assert.ok(isScenario(mod.default), `${name} default-exports a scenario`);
    return mod.default;
}
for (const [name, golden] of Object.entries(GOLDEN)) {
    test(`bundled ${name}: generates, well-formed, matches its golden fingerprint`, async () => {
        const s = await load(name);
        assert.is(s.name, name);
        assert.ok(s.description.length > 0);
        const ev = generateScenario(s);
        const ticks = ev.filter((e) => e.type === 'tick');
        assert.is(ev[0].kind, 'session-start');
        assert.is(ev[ev.length - 1].kind, 'session-end');
        for (let i = 1; i < ev.length; i++)
            assert.ok(ev[i].ts >= ev[i - 1].ts);
        for (const t of ticks) {
            const spec = s.symbols.find((x) => x.symbol === t.symbol);
            assert.ok(t.bid > 0 && t.ask > t.bid);
            assert.ok(Math.abs(t.bid / spec.tickSize - Math.round(t.bid / spec.tickSize)) < 1e-6);
        }
        assert.is(ev.length, golden.events);
        assert.is(ticks.length, golden.ticks);
        assert.is(fingerprint(ev), golden.sha256);
        // And again: nothing carried over between runs.
        assert.is(fingerprint(generateScenario(s)), golden.sha256);
        assert.is.not(fingerprint(generateScenario(s, { seed: 12345 })), golden.sha256);
    });
}
test('bundled flash-crash names a strategy and a flat-within expectation on its marker', async () => {
    const s = await load('flash-crash');
    assert.is(s.strategy?.path, './strategies/ma-crossover.js');
    assert.equal(s.expectations, [{ kind: 'flat-within', afterEvent: 'flash-crash', withinMs: 500, symbol: 'BTC-USD' }]);
    const markers = findMarkers(generateScenario(s));
    assert.is(markers.get('flash-crash'), s.start + 90000000000n);
});
test('bundled halt and feed-outage carry their system events', async () => {
    const halt = generateScenario(await load('halt'));
    const hm = findMarkers(halt);
    assert.ok(hm.has('halt') && hm.has('halt-end'));
    assert.ok(halt.some((e) => e.type === 'risk'));
    const out = generateScenario(await load('feed-outage'));
    const gap = out.find((e) => e.type === 'system' && e.kind === 'gap');
    assert.is(gap.data.gapMs, 10_000);
    assert.ok(out.some((e) => e.type === 'system' && e.kind === 'reconnect'));
});
test.run();
//# sourceMappingURL=scenario-bundled.test.js.map