/**
 * The golden recordings under recordings/fixtures/ were written by format version 1 / schema
 * version 1 (scripts/make-fixtures.ts). They must stay readable, with the same content, forever;
 * and the current writer must still produce exactly their bytes (so any change to the format shows
 * up here, in review). Regenerate only on purpose: UPDATE_FIXTURES=1 node dist/scripts/make-fixtures.js
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { eventToJson } from '../src/events/json.js';
import { openRecording } from '../src/events/recording.js';
import { Log, inspectSegment, realFileOps } from '../src/log/index.js';
import { fixtureEvents, fixtureSpecs, writeFixtures } from '../scripts/make-fixtures.js';
import { foreignRead } from './helpers/foreign-reader.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';
const FIXTURES = path.join(repoRoot, 'recordings', 'fixtures');
/** sha256 of every segment file, pinned. A change here is a change of the on-disk format. */
const DIGESTS = {
    'v1-two-records': {
        '0000000000000000-0000000000000000.tdseg': '3cb2c3afdac90dba6c7854f545dc57cbec2070799398ad8253a341a31c268436',
    },
    'v1-all-types': {
        '0000000000000000-0000000000000000.tdseg': 'd3d970f1f3d6b606e718d976f183a04ef6ab246d0f1467477f28a1b76f47df93',
        '0000000000000001-000000000000000c.tdseg': '98ea3e40d69bcba6cacc2847fbd2a2e054ad4913c30f0575b6da613318ac0ff5',
        '0000000000000002-0000000000000018.tdseg': '07bca6f9a01598d426b2b31b48be4ed951636f8d8f79da575ae457d97037fc96',
    },
    'v1-ticks': {
        '0000000000000000-0000000000000000.tdseg': 'cd205c9e20c3765acfcada25d2f9bb53966e9d4802b1d73d6fbefc30276df5c7',
        '0000000000000001-00000000000000ba.tdseg': 'fd58b09be4bd2fb83cc3547a7614170995abb209756f86bdcf1b946e37e5819a',
        '0000000000000002-0000000000000173.tdseg': '6d90295cb0178dd5c333d2ae727cc4f6b9c0434d55cd73e3e6831943b62f7a02',
    },
};
/** A few events written out by hand (canonical JSON), independent of the generator's code. */
const EXPECTED_LINES = {
    'v1-two-records': {
        0: '{"type":"tick","ts":"1700000000000000000","runId":"r1","seq":0,"venue":"XNAS","symbol":"AAPL","bid":190.5,"ask":191}',
        1: '{"type":"order","ts":"1700000000000000100","runId":"r1","seq":1,"cause":0,"orderId":"o1","venue":"XNAS","symbol":"AAPL","side":"buy","kind":"limit","action":"new","price":190.5,"qty":10}',
    },
    'v1-all-types': {
        0: '{"type":"system","ts":"1700000000000000000","runId":"fixture-v1","seq":0,"kind":"session-start","message":"recorder started — café","data":{"host":"fixture","pid":1}}',
        1: '{"type":"tick","ts":"1700000000010000000","runId":"fixture-v1","seq":1,"venue":"XNAS","symbol":"AAPL","bid":190,"ask":190.02,"bidSize":300,"askSize":500,"exchTs":"1700000000009750000"}',
        3: '{"type":"signal","ts":"1700000000020000000","runId":"fixture-v1","seq":3,"cause":1,"strategy":"mm","symbol":"AAPL","name":"zscore","value":-1.75,"meta":{"10":"ten","9":9,"mode":"ewm","window":20}}',
        14: '{"type":"order","ts":"1700000000330000000","runId":"fixture-v1","seq":14,"cause":10,"orderId":"o-batch","venue":"XNAS","symbol":"AAPL","side":"sell","kind":"market","action":"new","qty":0.5,"reason":""}',
        15: '{"type":"risk","ts":"1700000000330000000","runId":"fixture-v1","seq":15,"cause":14,"rule":"max-notional","severity":"info","detail":"ok","value":95.25,"limit":1000000}',
        16: '{"type":"order","ts":"1700000000331000000","runId":"fixture-v1","seq":16,"cause":14,"orderId":"o-batch","venue":"XNAS","symbol":"AAPL","side":"sell","kind":"market","action":"ack","qty":0.5}',
        31: '{"type":"system","ts":"1700000001001000000","runId":"fixture-v1","seq":31,"kind":"session-end","message":"recorder stopped","data":{"records":32}}',
    },
    'v1-ticks': {
        0: '{"type":"tick","ts":"1700000000000000000","runId":"ticks-v1","seq":0,"venue":"XNAS","symbol":"MSFT","bid":369.99,"ask":370.01,"bidSize":200,"askSize":100,"last":369.99,"lastSize":100,"aggressor":"buy","volume":1000,"exchTs":"1699999999999959394"}',
        9: '{"type":"tick","ts":"1700000000002000000","runId":"ticks-v1","seq":9,"venue":"XNAS","symbol":"MSFT","bid":369.98,"ask":370,"bidSize":400,"askSize":200,"exchTs":"1700000000001959072"}',
        499: '{"type":"tick","ts":"1700000000124500000","runId":"ticks-v1","seq":499,"venue":"XNAS","symbol":"AAPL","bid":189.95,"ask":189.98,"bidSize":500,"askSize":400,"exchTs":"1700000000124459976"}',
    },
};
const COUNTS = {
    'v1-two-records': { tick: 1, order: 1 },
    'v1-all-types': { system: 4, tick: 12, signal: 3, order: 6, fill: 4, risk: 3 },
    'v1-ticks': { tick: 500 },
};
const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
function readAll(dir) {
    return [...openRecording(dir, { policy: 'absolute' }).events()];
}
function copyDir(from) {
    const to = tmpDir();
    for (const n of fs.readdirSync(from))
        fs.copyFileSync(path.join(from, n), path.join(to, n));
    return to;
}
test('golden: the fixture directories hold exactly the pinned segment files (no LOCK, no metrics.json)', () => {
    const dirs = fs.readdirSync(FIXTURES).filter((n) => fs.statSync(path.join(FIXTURES, n)).isDirectory()).sort();
    assert.equal(dirs, Object.keys(DIGESTS).sort());
    for (const [name, files] of Object.entries(DIGESTS)) {
        const dir = path.join(FIXTURES, name);
        assert.equal(fs.readdirSync(dir).sort(), Object.keys(files).sort(), name);
        for (const [file, digest] of Object.entries(files))
            assert.is(sha256(path.join(dir, file)), digest, `${name}/${file}`);
    }
});
test('golden: every segment is sealed, format version 1, written by schema version 1', () => {
    for (const [name, files] of Object.entries(DIGESTS)) {
        let next = 0;
        for (const [i, file] of Object.keys(files).sort().entries()) {
            const m = inspectSegment(realFileOps, path.join(FIXTURES, name), file);
            assert.is(m.header.formatVersion, 1);
            assert.is(m.header.userVersion, 1);
            assert.is(m.segmentNo, i);
            assert.is(m.firstSeq, next);
            assert.ok(m.footer, `${name}/${file} sealed`);
            assert.ok(m.footer.index.length >= 1);
            next = m.footer.lastSeq + 1;
        }
    }
});
test('golden: contents — counts, exact events by hand, and every event as the generator describes it', () => {
    const specs = new Map(fixtureSpecs().map((s) => [s.name, s]));
    for (const name of Object.keys(DIGESTS)) {
        const events = readAll(path.join(FIXTURES, name));
        const counts = {};
        for (const e of events)
            counts[e.type] = (counts[e.type] ?? 0) + 1;
        assert.equal(counts, COUNTS[name], name);
        events.forEach((e, i) => assert.is(e.seq, i));
        for (const [seq, line] of Object.entries(EXPECTED_LINES[name]))
            assert.is(eventToJson(events[Number(seq)]), line, `${name} seq ${seq}`);
        assert.equal(events, fixtureEvents(specs.get(name)), name);
        // The independent reader agrees.
        assert.is(foreignRead(path.join(FIXTURES, name), { absolute: true }).records.length, events.length);
    }
});
test('golden: the batch in v1-all-types is one unit (flags) and never an index target', () => {
    const dir = path.join(FIXTURES, 'v1-all-types');
    const segs = foreignRead(dir, { absolute: true }).segments;
    const holder = segs.find((s) => s.firstSeq <= 14 && 16 < s.firstSeq + s.records);
    assert.ok(holder, 'the batch sits in one segment');
    assert.ok(holder.index.every((e) => e.seq !== 15 && e.seq !== 16));
    const file = fs.readFileSync(path.join(dir, holder.name));
    const flags = [];
    for (let pos = 64, seq = holder.firstSeq; seq < holder.firstSeq + holder.records; seq++) {
        flags.push(file[pos + 5]);
        pos += 8 + file.readUInt32LE(pos);
    }
    const at = (seq) => flags[seq - holder.firstSeq];
    assert.equal([at(13), at(14), at(15), at(16), at(17)], [0, 1, 1, 0, 0]);
});
test('golden: regenerating with the current writer gives byte-identical files', async () => {
    const root = tmpDir();
    await writeFixtures(root);
    for (const [name, files] of Object.entries(DIGESTS)) {
        const dir = path.join(root, name);
        assert.equal(fs.readdirSync(dir).sort(), Object.keys(files).sort(), `${name}: files (LOCK and metrics.json must not remain)`);
        for (const file of Object.keys(files)) {
            const fresh = fs.readFileSync(path.join(dir, file));
            const golden = fs.readFileSync(path.join(FIXTURES, name, file));
            assert.ok(fresh.equals(golden), `${name}/${file} differs from the golden fixture: the on-disk format changed`);
        }
    }
    rm(root);
});
test('golden: seeking by seq and by ts through the footer index', () => {
    const dir = path.join(FIXTURES, 'v1-ticks');
    const all = readAll(dir);
    const rec = openRecording(dir);
    for (const s of [0, 1, 185, 186, 187, 300, 371, 499]) {
        const got = [...rec.events({ fromSeq: s, toSeq: s + 2 })];
        assert.equal(got, all.slice(s, s + 3), `fromSeq ${s}`);
    }
    // seq 9 and 8 share a ts: seeking to it must return both.
    for (const s of [9, 189, 400]) {
        const ts = all[s].ts;
        const first = all.findIndex((e) => e.ts >= ts);
        assert.equal([...rec.events({ fromTs: ts })], all.slice(first), `fromTs of seq ${s}`);
    }
    assert.is(all.findIndex((e) => e.ts === all[9].ts), 8);
});
test('golden: a record type this version does not know is skipped and counted, not an error', async () => {
    const dir = copyDir(path.join(FIXTURES, 'v1-all-types'));
    const log = await Log.open(dir);
    const seq = log.write(99, 1700000002000000000n, Buffer.from('from the future'));
    assert.is(seq, 32);
    await log.close();
    const c = openRecording(dir, { policy: 'absolute' }).cursor();
    const events = [];
    for (let e = c.next(); e; e = c.next())
        events.push(e);
    assert.is(events.length, 32);
    assert.is(c.unknownSkipped, 1);
    assert.equal(c.problems, []);
    c.close();
    const foreign = foreignRead(dir, { absolute: true });
    assert.is(foreign.unknownSkipped, 1);
    assert.is(foreign.records.length, 32);
    assert.is(foreign.segments.length, 4);
    rm(dir);
});
test.run();
//# sourceMappingURL=fixtures-golden.test.js.map