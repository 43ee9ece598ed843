import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodePayload } from '../src/events/codec.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { TYPE_TAG } from '../src/events/types.js';
import { crc32 } from '../src/log/crc.js';
import { Log } from '../src/log/log.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { digestRecording } from '../src/verify/digest.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { T0, footerOf, framesOf, indexEntryAt, record, seg, snapshot, ticks, writeAt } from './verify-fixtures.js';
const dirs = [];
function fresh() {
    const d = tmpDir('tapedeck-verify-');
    dirs.push(d);
    return d;
}
test.after(() => {
    for (const d of dirs)
        rm(d);
});
const EVENTS = ticks(300);
async function clean(opts = {}) {
    const dir = path.join(fresh(), 'rec');
    await record(dir, EVENTS, { segmentBytes: 4096, ...opts });
    return dir;
}
function firstProblem(r) {
    assert.is(r.ok, false, 'verify should fail');
    assert.is(r.digest, null);
    return r.problems[0];
}
test('a clean multi-segment recording verifies, with totals and a digest', async () => {
    const dir = await clean();
    const names = segmentFiles(dir);
    assert.ok(names.length >= 4, `want several segments, got ${names.length}`);
    const r = verifyRecording(dir);
    assert.ok(r.ok, JSON.stringify(r.problems));
    assert.is(r.segments, names.length);
    assert.is(r.records, EVENTS.length);
    assert.is(r.bytes, names.reduce((a, n) => a + fs.statSync(path.join(dir, n)).size, 0));
    assert.is(r.firstTs, EVENTS[0].ts);
    assert.is(r.lastTs, EVENTS[EVENTS.length - 1].ts);
    assert.match(r.digest, /^[0-9a-f]{64}$/);
    assert.is(r.digest, digestRecording(dir));
    assert.is(r.tornTail, null);
    assert.is(r.uncheckedRecords, 0);
    assert.equal(r.problems, []);
});
test('progress is reported, ending at the total', async () => {
    const dir = await clean();
    const seen = [];
    let total = 0;
    verifyRecording(dir, { onProgress: (p) => (seen.push(p.bytesDone), (total = p.bytesTotal)) });
    assert.ok(seen.length >= segmentFiles(dir).length);
    assert.is(seen[seen.length - 1], total);
});
test('payload bit flip: the frame, its file and byte offset', async () => {
    const dir = await clean();
    const file = seg(dir, 1);
    const f = framesOf(file)[3];
    flipByte(file, f.payloadStart + 2);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.offsetBytes, f.offset);
    assert.is(p.kind, 'frame');
    assert.is(p.seq, f.seq);
    assert.match(p.reason, /checksum/);
});
test('CRC bit flip: the frame, its file and byte offset', async () => {
    const dir = await clean();
    const file = seg(dir, 2);
    const f = framesOf(file)[0];
    flipByte(file, f.crcAt + 1, 0x80);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.offsetBytes, f.offset);
    assert.match(p.reason, /checksum/);
});
test('frame length bit flip in a sealed segment is caught', async () => {
    const dir = await clean();
    const file = seg(dir, 0);
    const f = framesOf(file)[5];
    flipByte(file, f.offset, 0x04);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.offsetBytes, f.offset);
});
test('header bit flip: segment problem at byte 0 of that file', async () => {
    const dir = await clean();
    const file = seg(dir, 1);
    flipByte(file, 20); // inside segmentNo
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.offsetBytes, 0);
    assert.is(p.kind, 'segment');
    assert.match(p.reason, /header checksum/);
});
test('header and file name disagreeing (valid header checksum) is caught', async () => {
    const dir = await clean();
    const a = seg(dir, 1);
    const b = seg(dir, 2);
    // Swap two segments' headers: each is valid, but says another segment number and first seq.
    const ha = fs.readFileSync(a).subarray(0, 64);
    const hb = fs.readFileSync(b).subarray(0, 64);
    writeAt(a, 0, Buffer.from(hb));
    writeAt(b, 0, Buffer.from(ha));
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(a));
    assert.is(p.kind, 'segment');
    assert.match(p.reason, /file name says/);
});
test('footer bit flip (record count): footer problem at the field, checksum mismatch with --all', async () => {
    const dir = await clean();
    const file = seg(dir, 1);
    const ft = footerOf(file);
    flipByte(file, ft.trailerStart + 8);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.kind, 'footer');
    assert.is(p.offsetBytes, ft.trailerStart + 8);
    assert.match(p.reason, /records/);
    const all = verifyRecording(dir, { all: true });
    assert.ok(all.problems.some((q) => q.kind === 'footer' && q.offsetBytes === ft.start && /checksum/.test(q.reason)));
});
test('footer checksum flip: caught at the footer start', async () => {
    const dir = await clean();
    const file = seg(dir, 0);
    const ft = footerOf(file);
    flipByte(file, ft.trailerStart + 69);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.offsetBytes, ft.start);
    assert.match(p.reason, /checksum/);
});
test("the last segment's trailer magic flipped is damage, never a torn tail", async () => {
    const dir = await clean();
    const file = seg(dir, -1);
    const ft = footerOf(file);
    flipByte(file, ft.trailerStart);
    const r = verifyRecording(dir);
    const p = firstProblem(r);
    assert.is(r.tornTail, null);
    assert.is(p.file, path.basename(file));
    assert.is(p.kind, 'footer');
    assert.is(p.offsetBytes, ft.trailerStart);
});
test('index entry bit flip: index problem at the entry', async () => {
    const dir = await clean();
    const file = seg(dir, 1);
    const at = indexEntryAt(file, 0);
    flipByte(file, at); // seq of entry 0
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.file, path.basename(file));
    assert.is(p.kind, 'index');
    assert.is(p.offsetBytes, at);
});
test('index entry pointing inside a frame (footer checksum recomputed) is caught', async () => {
    const dir = await clean({ indexEveryBytes: 256 });
    const file = seg(dir, 1);
    const ft = footerOf(file);
    assert.ok(ft.entries >= 3, `want several index entries, got ${ft.entries}`);
    const at = indexEntryAt(file, 1);
    const b = fs.readFileSync(file);
    b.writeBigUInt64LE(b.readBigUInt64LE(at + 16) + 4n, at + 16);
    b.writeUInt32LE(crc32(b.subarray(ft.start, b.length - 4)), b.length - 4);
    fs.writeFileSync(file, b);
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.kind, 'index');
    assert.is(p.offsetBytes, at);
    assert.match(p.reason, /not the start of a frame/);
});
test('non-canonical payload with a valid CRC (float64-encoded integer) fails the canonical check', async () => {
    const dir = path.join(fresh(), 'rec');
    const log = await openEventLog(dir, { segmentBytes: 4096, durability: 'async', measureLatency: false });
    for (const ev of EVENTS.slice(0, 50))
        writeEvent(log, ev);
    const bad = { type: 'tick', ts: EVENTS[49].ts, runId: 'run-1', venue: 'XNAS', symbol: 'AAPL', bidSize: 300 };
    const canonical = encodePayload(bad);
    const k = canonical.indexOf(Buffer.from('cd012c', 'hex')); // bidSize 300 as uint16
    assert.ok(k > 0 && canonical.indexOf(Buffer.from('cd012c', 'hex'), k + 1) < 0);
    const f64 = Buffer.alloc(9);
    f64[0] = 0xcb;
    f64.writeDoubleBE(300, 1);
    const payload = Buffer.concat([canonical.subarray(0, k), f64, canonical.subarray(k + 3)]);
    const seq = log.write(TYPE_TAG.tick, bad.ts, payload);
    for (const ev of EVENTS.slice(50, 80))
        writeEvent(log, ev);
    await log.close();
    const r = verifyRecording(dir);
    const p = firstProblem(r);
    assert.is(p.kind, 'canonical');
    assert.is(p.seq, seq);
    const where = segmentFiles(dir).map((n) => [n, framesOf(path.join(dir, n)).find((f) => f.seq === seq)]).find(([, f]) => f);
    assert.is(p.file, where[0]);
    assert.is(p.offsetBytes, where[1].offset);
    assert.match(p.reason, /not canonical/);
});
test('non-canonical payload rewritten in place with its CRC fixed is caught before the chain', async () => {
    const dir = await clean();
    const file = seg(dir, 1);
    const b = fs.readFileSync(file);
    // A frame whose bidSize is 300 (uint16 cd 01 2c): rewrite it as int16 (d1 01 2c), same length.
    const f = framesOf(file).find((x) => b.subarray(x.payloadStart, x.payloadEnd).indexOf(Buffer.from('cd012c', 'hex')) >= 0);
    assert.ok(f, 'a frame with bidSize 300');
    const k = f.payloadStart + b.subarray(f.payloadStart, f.payloadEnd).indexOf(Buffer.from('cd012c', 'hex'));
    b[k] = 0xd1;
    b.writeUInt32LE(crc32(b.subarray(f.offset + 4, f.crcAt)), f.crcAt);
    fs.writeFileSync(file, b);
    const r = verifyRecording(dir, { all: true });
    assert.is(r.problems[0].kind, 'canonical');
    assert.is(r.problems[0].offsetBytes, f.offset);
    assert.is(r.problems[0].seq, f.seq);
    // The rewritten CRC no longer matches the chain sealed into the footer.
    assert.ok(r.problems.some((q) => q.kind === 'footer' && /chain/.test(q.reason)));
});
test('torn tail of an unclosed log: reported, passes, nothing modified', async () => {
    const dir = path.join(fresh(), 'rec');
    const log = await openEventLog(dir, { segmentBytes: 4096, durability: 'strict', measureLatency: false });
    for (const ev of EVENTS.slice(0, 120))
        writeEvent(log, ev);
    await log.sync();
    const last = seg(dir, -1);
    const size = fs.statSync(last).size;
    const garbage = Buffer.from([0x40, 0, 0, 0, 1, 0, 7, 7, 7]); // the start of a frame, cut short
    fs.appendFileSync(last, garbage);
    const before = snapshot(dir);
    const r = verifyRecording(dir);
    assert.ok(r.ok, JSON.stringify(r.problems));
    assert.is(r.records, 120);
    assert.ok(r.tornTail);
    assert.is(r.tornTail.file, path.basename(last));
    assert.is(r.tornTail.offsetBytes, size);
    assert.is(r.tornTail.bytes, garbage.length);
    assert.is(r.tornTail.seq, 120);
    assert.equal(snapshot(dir), before);
    // The digest is that of the records before the tail.
    const ref = path.join(fresh(), 'ref');
    await record(ref, EVENTS.slice(0, 120));
    assert.is(r.digest, digestRecording(ref));
    // Leave the log open on purpose: closing would write over the garbage.
    void log;
});
test("torn tail: verify's report is exactly what the next writer cuts", async () => {
    const dir = await clean();
    const last = seg(dir, -1);
    const ft = footerOf(last);
    fs.truncateSync(last, ft.dataEnd); // a crash before sealing: no footer
    // ...and the manifest as that crash leaves it: no clean-close mark, the last segment not listed.
    const mf = path.join(dir, 'MANIFEST');
    const m = JSON.parse(fs.readFileSync(mf, 'utf8'));
    m.cleanClose = false;
    m.sealed.pop();
    fs.writeFileSync(mf, JSON.stringify(m));
    const frames = framesOf(last);
    const lastFrame = frames[frames.length - 1];
    // Cut the last frame in half and add zeros after: a torn write.
    fs.truncateSync(last, lastFrame.offset + 10);
    fs.appendFileSync(last, Buffer.alloc(7));
    const before = snapshot(dir);
    const r = verifyRecording(dir);
    assert.ok(r.ok, JSON.stringify(r.problems));
    assert.is(r.records, EVENTS.length - 1);
    assert.equal(snapshot(dir), before, 'verify never modifies');
    assert.is(r.tornTail.offsetBytes, lastFrame.offset);
    assert.is(r.tornTail.bytes, 17);
    const log = await Log.open(dir, { measureLatency: false });
    try {
        assert.is(log.recovered.length, 1);
        assert.is(log.recovered[0].file, r.tornTail.file);
        assert.is(log.recovered[0].offsetBytes, r.tornTail.offsetBytes);
        assert.is(log.recovered[0].bytes, r.tornTail.bytes);
    }
    finally {
        await log.close();
    }
});
test('damage in the middle of the last unsealed segment is corruption, not a torn tail', async () => {
    const dir = await clean();
    const last = seg(dir, -1);
    fs.truncateSync(last, footerOf(last).dataEnd);
    const f = framesOf(last)[1];
    assert.ok(framesOf(last).length >= 4);
    flipByte(last, f.payloadStart + 1);
    const r = verifyRecording(dir);
    const p = firstProblem(r);
    assert.is(r.tornTail, null);
    assert.is(p.file, path.basename(last));
    assert.is(p.offsetBytes, f.offset);
});
test('a missing middle segment is detected at the segment after the gap', async () => {
    const dir = await clean();
    const names = segmentFiles(dir);
    fs.unlinkSync(path.join(dir, names[1]));
    const p = firstProblem(verifyRecording(dir));
    assert.is(p.kind, 'missing-segment');
    assert.is(p.file, names[2]);
    assert.is(p.offsetBytes, 0);
    assert.match(p.reason, /missing/);
});
test('a segment replaced by another recording breaks the chain', async () => {
    const a = await clean();
    const other = path.join(fresh(), 'other');
    await record(other, ticks(300, { runId: 'other' }));
    const name = segmentFiles(a)[1];
    assert.ok(fs.existsSync(path.join(other, name)), 'same segment name in both');
    const r = verifyRecording(a, { all: true });
    assert.ok(r.ok);
    fs.copyFileSync(path.join(other, name), path.join(a, name));
    const p = firstProblem(verifyRecording(a));
    assert.is(p.kind, 'missing-segment');
    assert.is(p.file, name);
    assert.match(p.reason, /chain/);
});
test('--all lists every problem; the default stops at the first', async () => {
    const dir = await clean();
    const f0 = seg(dir, 0);
    const f2 = seg(dir, 2);
    const a = framesOf(f0)[2];
    const b = framesOf(f2)[3];
    flipByte(f0, a.payloadStart);
    flipByte(f2, b.payloadStart + 1);
    const first = verifyRecording(dir);
    assert.is(first.problems.length, 1);
    assert.is(first.problems[0].file, path.basename(f0));
    const all = verifyRecording(dir, { all: true });
    assert.ok(all.problems.length >= 2, JSON.stringify(all.problems));
    assert.ok(all.problems.some((p) => p.file === path.basename(f0) && p.offsetBytes === a.offset));
    assert.ok(all.problems.some((p) => p.file === path.basename(f2) && p.offsetBytes === b.offset));
    // It read on after each: the records after the damage are still counted.
    assert.is(all.records, EVENTS.length - 2);
});
test('verify never modifies a corrupt recording either', async () => {
    const dir = await clean();
    flipByte(seg(dir, 1), framesOf(seg(dir, 1))[0].payloadStart);
    fs.truncateSync(seg(dir, -1), footerOf(seg(dir, -1)).dataEnd - 3);
    const before = snapshot(dir);
    verifyRecording(dir, { all: true });
    verifyRecording(dir);
    assert.equal(snapshot(dir), before);
});
test('not a recording: typed NOT_FOUND errors', () => {
    const empty = fresh();
    for (const d of [path.join(empty, 'nope'), empty]) {
        try {
            verifyRecording(d);
            assert.unreachable();
        }
        catch (e) {
            assert.is(e.code, 'NOT_FOUND');
        }
    }
});
test('timestamps: the summary holds the exact first and last ns', async () => {
    const dir = path.join(fresh(), 'rec');
    await record(dir, [{ type: 'system', ts: T0 + 123n, runId: 'r', kind: 'note', message: 'hi' }]);
    const r = verifyRecording(dir);
    assert.ok(r.ok);
    assert.is(r.segments, 1);
    assert.is(r.firstTs, T0 + 123n);
    assert.is(r.lastTs, T0 + 123n);
});
test.run();
//# sourceMappingURL=verify-integrity.test.js.map