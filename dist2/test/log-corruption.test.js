import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log, openReader } from '../src/log/index.js';
import { CorruptionError } from '../src/errors.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { rejects } from './helpers/assert.js';
const T0 = 1700000000000000000n;
const PAYLOAD = 40;
const FRAME = 26 + PAYLOAD;
const HEADER = 64;
const payload = (i) => Buffer.from(`p${i}-`.padEnd(PAYLOAD, 'x'));
const frameAt = (i) => HEADER + i * FRAME;
/** Two sealed segments of 10 records each, then an active one with `tail` records, left as a crash would. */
async function crashImage(tail = 10) {
    const live = tmpDir();
    for (let s = 0; s < 2; s++) {
        const log = await Log.open(live);
        for (let i = 0; i < 10; i++)
            log.write(1, T0 + BigInt(s * 10 + i), payload(s * 10 + i));
        await log.close();
    }
    const log = await Log.open(live);
    for (let i = 0; i < tail; i++)
        log.write(1, T0 + BigInt(20 + i), payload(20 + i));
    await log.sync();
    // The directory as a SIGKILL would leave it: everything synced, nothing sealed.
    const dir = tmpDir();
    fs.cpSync(live, dir, { recursive: true });
    await log.close();
    rm(live);
    return { dir, segs: segmentFiles(dir) };
}
function readAll(dir, policy = 'tolerate-tail') {
    const recs = [];
    let error = null;
    let problems = [];
    try {
        problems = openReader(dir, { policy }).scan({}, (r) => void recs.push(r)).problems;
    }
    catch (err) {
        error = err;
    }
    return { seqs: recs.map((r) => r.seq), error, problems: problems };
}
const FIELDS = [
    ['length', 0],
    ['type', 4],
    ['flags', 5],
    ['seq', 6],
    ['ts', 14],
    ['payload', 30],
    ['crc', 22 + PAYLOAD + 1],
];
for (const [field, at] of FIELDS) {
    test(`corruption - a bit flip in the ${field} of a sealed segment's frame is a CorruptionError with file and offset`, async () => {
        const { dir, segs } = await crashImage();
        flipByte(path.join(dir, segs[0]), frameAt(3) + at, field === 'length' ? 0x40 : 0x04);
        const { seqs, error } = readAll(dir);
        assert.instance(error, CorruptionError);
        const e = error;
        assert.is(e.file, segs[0]);
        assert.is(e.offsetBytes, frameAt(3));
        assert.match(e.message, new RegExp(`${segs[0]}.*byte ${frameAt(3)}`));
        // Nothing after the corruption is returned.
        assert.equal(seqs, [0, 1, 2]);
        rm(dir);
    });
}
test('corruption - a length of 0xFFFFFFFF never allocates and is reported', async () => {
    const { dir, segs } = await crashImage();
    const fd = fs.openSync(path.join(dir, segs[1]), 'r+');
    fs.writeSync(fd, Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, frameAt(2));
    fs.closeSync(fd);
    const { seqs, error } = readAll(dir);
    assert.instance(error, CorruptionError);
    assert.match(error.message, /exceeds maximum/);
    assert.equal(seqs, [...Array(12).keys()]);
    rm(dir);
});
test('corruption - several corruptions: the first one is reported', async () => {
    const { dir, segs } = await crashImage();
    flipByte(path.join(dir, segs[1]), frameAt(7) + 30);
    flipByte(path.join(dir, segs[0]), frameAt(5) + 30);
    const { error } = readAll(dir);
    assert.is(error.file, segs[0]);
    assert.is(error.offsetBytes, frameAt(5));
    rm(dir);
});
test('corruption - truncation at every byte offset of the last frame recovers the prefix and keeps the evidence', async () => {
    for (let k = 0; k <= FRAME; k++) {
        const { dir, segs } = await crashImage(3);
        const tail = path.join(dir, segs[2]);
        fs.truncateSync(tail, frameAt(2) + k);
        const expected = k === FRAME ? 23 : 22;
        const r = readAll(dir);
        assert.is(r.error, null, `reader at cut ${k}`);
        assert.is(r.seqs.length, expected, `reader at cut ${k}`);
        if (k > 0 && k < FRAME)
            assert.is(r.problems[0].kind, 'torn');
        const log = await Log.open(dir);
        assert.is(log.nextSeq, expected, `cut at ${k}`);
        if (k > 0 && k < FRAME) {
            assert.is(log.recovered.length, 1);
            const rep = log.recovered[0];
            assert.is(rep.offsetBytes, frameAt(2));
            assert.is(rep.bytes, k);
            assert.is(fs.statSync(path.join(dir, rep.sideFile)).size, k);
        }
        else
            assert.equal(log.recovered, []);
        log.write(1, T0 + 100n, payload(99));
        await log.close();
        assert.is(readAll(dir).seqs.length, expected + 1);
        rm(dir);
    }
});
test('corruption - zeros and random garbage appended to the tail are a torn tail, not corruption', async () => {
    for (const junk of [Buffer.alloc(4096), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) & 0xff))]) {
        const { dir, segs } = await crashImage(5);
        fs.appendFileSync(path.join(dir, segs[2]), junk);
        const r = readAll(dir);
        assert.is(r.error, null);
        assert.is(r.seqs.length, 25);
        assert.is(r.problems[0].kind, 'torn');
        assert.is(r.problems[0].bytes, junk.length);
        const log = await Log.open(dir);
        assert.is(log.nextSeq, 25);
        assert.is(log.recovered[0].bytes, junk.length);
        await log.close();
        rm(dir);
    }
});
test('corruption - a bad frame in the tail followed by valid frames is corruption, not a torn tail', async () => {
    const { dir, segs } = await crashImage(8);
    flipByte(path.join(dir, segs[2]), frameAt(3) + 30);
    const { seqs, error } = readAll(dir);
    assert.instance(error, CorruptionError);
    assert.equal(seqs, [...Array(23).keys()]);
    await rejects(() => Log.open(dir), (e) => e instanceof CorruptionError && e.offsetBytes === frameAt(3));
    rm(dir);
});
test('corruption - a missing middle segment is detected by reader and writer', async () => {
    const live = tmpDir();
    for (let s = 0; s < 3; s++) {
        const log = await Log.open(live);
        log.write(1, T0 + BigInt(s), payload(s));
        await log.close();
    }
    const segs = segmentFiles(live);
    fs.unlinkSync(path.join(live, segs[1]));
    const { error } = readAll(live);
    assert.is(error.code, 'MISSING_SEGMENT');
    await rejects(() => Log.open(live), (e) => e.code === 'MISSING_SEGMENT');
    rm(live);
});
test('corruption - a segment replaced by one with the same seq range is caught by the chain checksum', async () => {
    const a = tmpDir();
    const b = tmpDir();
    for (const [dir, tag] of [[a, 'a'], [b, 'b']]) {
        for (let s = 0; s < 3; s++) {
            const log = await Log.open(dir);
            log.write(1, T0 + BigInt(s), Buffer.from(`${tag}${s}`));
            await log.close();
        }
    }
    const name = segmentFiles(a)[1];
    fs.copyFileSync(path.join(b, name), path.join(a, name));
    const { error } = readAll(a);
    assert.is(error.code, 'MISSING_SEGMENT');
    assert.match(error.message, /chain/);
    rm(a);
    rm(b);
});
test('corruption - recovery policies: absolute, point-in-time, skip', async () => {
    const { dir, segs } = await crashImage(5);
    fs.appendFileSync(path.join(dir, segs[2]), Buffer.from('garbage!'));
    const abs = readAll(dir, 'absolute');
    assert.is(abs.error.code, 'TORN_TAIL');
    await rejects(() => Log.open(dir, { policy: 'absolute' }), (e) => e.code === 'TORN_TAIL');
    flipByte(path.join(dir, segs[0]), frameAt(4) + 30);
    const pit = readAll(dir, 'point-in-time');
    assert.is(pit.error, null);
    assert.equal(pit.seqs, [0, 1, 2, 3]);
    assert.is(pit.problems[0].kind, 'corrupt');
    const skip = readAll(dir, 'skip');
    assert.is(skip.error, null);
    // The damaged record 4 is skipped, and so is the unit read right after it: with its predecessor
    // damaged, nothing proves record 5 is not the rest of a batch, and skip never delivers part of one.
    assert.equal(skip.seqs, [...Array(25).keys()].filter((s) => s !== 4 && s !== 5));
    assert.is(skip.problems.filter((p) => p.kind === 'skipped').length, 2);
    rm(dir);
});
test('corruption - an atomic batch whose end never reached the disk is dropped whole', async () => {
    const live = tmpDir();
    const log = await Log.open(live);
    log.write(1, T0, payload(0));
    log.writeBatch([0, 1, 2].map((i) => ({ type: 1, tsNs: T0 + 1n, payload: payload(10 + i) })));
    await log.sync();
    const dir = tmpDir();
    fs.cpSync(live, dir, { recursive: true });
    await log.close();
    const seg = path.join(dir, segmentFiles(dir)[0]);
    fs.truncateSync(seg, frameAt(3) + 10); // the batch's last frame is cut, its first two are whole
    const r = readAll(dir);
    assert.equal(r.seqs, [0]);
    assert.is(r.problems[0].offsetBytes, frameAt(1));
    const again = await Log.open(dir);
    assert.is(again.nextSeq, 1);
    assert.is(again.recovered[0].offsetBytes, frameAt(1));
    await again.close();
    rm(live);
    rm(dir);
});
test('corruption - every prefix of a frame fails as incomplete, never decodes to a wrong value', async () => {
    const { readFrame, writeFrame } = await import('../src/log/format.js');
    const b = Buffer.alloc(FRAME);
    writeFrame(b, 0, 7, 0, 42, T0, payload(1));
    for (let n = 0; n < FRAME; n++) {
        const out = readFrame(b, 0, n);
        assert.ok(out.kind === 'end' || out.kind === 'incomplete', `prefix ${n}: ${out.kind}`);
    }
    const whole = readFrame(b, 0, FRAME);
    assert.is(whole.kind, 'frame');
});
test.run();
//# sourceMappingURL=log-corruption.test.js.map