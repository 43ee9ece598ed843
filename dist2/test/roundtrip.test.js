/**
 * The replay round trip (the original definition of done): 10,000 generated ticks → record →
 * replay at 1000x onto the bus → re-record from the bus with the source clock → the copy verifies
 * against the source and the digests are equal. Also for a range, at max speed, and through the CLI.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { Recorder } from '../src/record/index.js';
import { digestRecording, replayRoundTrip } from '../src/verify/index.js';
import { openRecording } from '../src/events/index.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
const T0 = 1700000000000000000n;
async function makeSource(dir, n) {
    const rng = seedrandom('roundtrip');
    const rec = await Recorder.open(dir, { clock: 'source', deterministic: true, runId: 'rt-source', segmentSize: 256 * 1024 });
    let ts = T0;
    let mid = 100;
    const stamps = [];
    for (let i = 0; i < n; i++) {
        ts += BigInt(Math.floor(rng() * 2_000_000)); // irregular arrivals, some equal timestamps
        mid = Math.max(1, mid + (rng() - 0.5) * 0.1);
        const bid = Math.round(mid * 100) / 100;
        rec.write({ type: 'tick', ts, venue: 'XNAS', symbol: i % 3 === 0 ? 'MSFT' : 'AAPL', bid, ask: Math.round((bid + 0.02) * 100) / 100, bidSize: 1 + Math.floor(rng() * 500), askSize: 1 + Math.floor(rng() * 500) });
        stamps.push(ts);
    }
    await rec.close();
    return stamps;
}
test('roundtrip - 10,000 ticks replayed at 1000x and re-recorded are identical to the source', async () => {
    const root = tmpDir();
    const source = path.join(root, 'source');
    const copy = path.join(root, 'copy');
    await makeSource(source, 10_000);
    const res = await replayRoundTrip(source, copy, { speed: 1000, segmentBytes: 64 * 1024 });
    assert.is(res.events, 10_002); // session-start + ticks + session-end
    assert.ok(res.identical, `digests differ: ${res.sourceDigest} vs ${res.copyDigest}`);
    assert.is(digestRecording(copy), digestRecording(source));
    // The CI one-liner.
    const out = await runCli(['verify', source, '--against', copy]);
    assert.is(out.code, 0, out.stderr + out.stdout);
    const digestCheck = await runCli(['verify', copy, '--digest', res.sourceDigest]);
    assert.is(digestCheck.code, 0, digestCheck.stderr);
    rm(root);
});
test('roundtrip - a replayed range re-records to exactly the digest of that range; max speed too', async () => {
    const root = tmpDir();
    const source = path.join(root, 'source');
    const stamps = await makeSource(source, 3000);
    const from = stamps[1000];
    const to = stamps[2000];
    const ranged = await replayRoundTrip(source, path.join(root, 'range'), { speed: 1000, from, to });
    assert.ok(ranged.identical);
    assert.is(ranged.sourceDigest, digestRecording(source, { fromTs: from, toTs: to }));
    assert.is.not(ranged.sourceDigest, digestRecording(source));
    const first = openRecording(path.join(root, 'range')).events().next().value;
    assert.is(first.ts, from);
    const max = await replayRoundTrip(source, path.join(root, 'max'), { speed: 'max' });
    assert.ok(max.identical);
    rm(root);
});
test('roundtrip - a corrupted copy is caught: verify --against and --digest exit 1', async () => {
    const root = tmpDir();
    const source = path.join(root, 'source');
    const copy = path.join(root, 'copy');
    await makeSource(source, 500);
    const rec = await Recorder.open(copy, { clock: 'source', deterministic: true, runId: 'rt-source', sessionEvents: false });
    let i = 0;
    for (const ev of openRecording(source).events()) {
        const { seq: _s, ...e } = ev;
        if (i++ === 250 && e.type === 'tick')
            e.bid = 1.23;
        rec.write(e);
    }
    await rec.close();
    const out = await runCli(['verify', source, '--against', copy]);
    assert.is(out.code, 1);
    assert.match(out.stdout + out.stderr, /bid/);
    const digestCheck = await runCli(['verify', copy, '--digest', digestRecording(source)]);
    assert.is(digestCheck.code, 1);
    rm(root);
});
test('roundtrip - through the CLI: replay | record --clock source, and export | import, are digest-identical', async () => {
    const root = tmpDir();
    const source = path.join(root, 'source');
    await makeSource(source, 2000);
    const run = async (args, input) => {
        const r = await runCli(args, { input });
        assert.is(r.code, 0, r.stderr);
        return r.stdoutBytes;
    };
    const replayed = await run(['replay', source, '--max']);
    await run(['record', path.join(root, 'rerecorded'), '--clock', 'source', '--deterministic'], replayed);
    assert.is(digestRecording(path.join(root, 'rerecorded')), digestRecording(source));
    const exported = await run(['export', source]);
    await run(['import', '-', path.join(root, 'imported'), '--deterministic'], exported);
    assert.is(digestRecording(path.join(root, 'imported')), digestRecording(source));
    // export → import → export is byte-identical.
    const again = await run(['export', path.join(root, 'imported')]);
    assert.ok(again.equals(exported), 'second export differs');
    rm(root);
});
test.run();
//# sourceMappingURL=roundtrip.test.js.map