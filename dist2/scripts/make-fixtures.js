/**
 * Writes the golden recordings under recordings/fixtures/ with the real writer. Deterministic: the
 * events, timestamps, runIds and log options are fixed, so running it again gives byte-identical
 * segment files (test/fixtures-golden.test.ts regenerates into a temp dir and compares).
 *
 * The committed fixtures are the contract "files written by schema/format version 1 stay readable
 * forever": regenerate them only on purpose, after a reviewed format change, with
 *
 *   npx tsc -p tsconfig.json && UPDATE_FIXTURES=1 node dist/scripts/make-fixtures.js [outDir]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeEvent } from '../src/events/codec.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { validateEvent } from '../src/events/validate.js';
export const T0 = 1700000000000000000n; // 2023-11-14T22:13:20Z
const MS = 1000000n;
/** FORMAT.md's worked example: one segment holding two records. */
function twoRecords() {
    return {
        name: 'v1-two-records',
        description: 'one sealed segment holding two records (the worked hex example of docs/FORMAT.md)',
        segmentBytes: 128 * 1024 * 1024,
        indexEveryBytes: 64 * 1024,
        units: [
            { type: 'tick', ts: T0, runId: 'r1', venue: 'XNAS', symbol: 'AAPL', bid: 190.5, ask: 191 },
            {
                type: 'order',
                ts: T0 + 100n,
                runId: 'r1',
                cause: 0,
                orderId: 'o1',
                venue: 'XNAS',
                symbol: 'AAPL',
                side: 'buy',
                kind: 'limit',
                action: 'new',
                price: 190.5,
                qty: 10,
            },
        ],
    };
}
/** A few dozen events of all six types over three segments, with one atomic batch. */
function allTypes() {
    const runId = 'fixture-v1';
    const units = [];
    let seq = 0; // the seq the log will assign to the next event (contiguous from 0)
    const add = (ev) => {
        units.push(ev);
        return seq++;
    };
    const ts = (ms, extraNs = 0) => T0 + BigInt(ms) * MS + BigInt(extraNs);
    add({ type: 'system', ts: ts(0), runId, kind: 'session-start', message: 'recorder started — café', data: { host: 'fixture', pid: 1 } });
    let lastSignal = -1;
    let lastOrder = -1;
    for (let i = 0; i < 6; i++) {
        const tickSeq = add({
            type: 'tick',
            ts: ts(10 + i * 100),
            runId,
            venue: i % 2 === 0 ? 'XNAS' : 'ARCX',
            symbol: 'AAPL',
            bid: 190 + i / 100,
            ask: 190.02 + i / 100,
            ...(i % 3 === 0 ? { bidSize: 300 + i, askSize: 500 } : {}),
            ...(i % 2 === 1 ? { last: 190.01 + i / 100, lastSize: 100, aggressor: i % 4 === 1 ? 'buy' : 'sell' } : {}),
            ...(i === 4 ? { volume: 2 ** 40 } : {}),
            exchTs: ts(10 + i * 100) - 250000n,
        });
        // Same ts as the tick: equal timestamps are allowed.
        add({ type: 'tick', ts: ts(10 + i * 100), runId, venue: 'XNAS', symbol: 'MSFT', bid: 370.5, ask: 370.6 });
        if (i % 2 === 0) {
            lastSignal = add({
                type: 'signal',
                ts: ts(20 + i * 100),
                runId,
                cause: tickSeq,
                strategy: 'mm',
                symbol: 'AAPL',
                name: 'zscore',
                value: -1.75 + i,
                ...(i === 0 ? { meta: { '10': 'ten', '9': 9, mode: 'ewm', window: 20 } } : i === 2 ? { meta: {} } : {}),
            });
        }
        if (i === 3) {
            // One atomic batch: an order intent and the risk check that let it through.
            const orderSeq = seq;
            units.push({
                batch: [
                    {
                        type: 'order',
                        ts: ts(30 + i * 100),
                        runId,
                        cause: lastSignal,
                        orderId: 'o-batch',
                        venue: 'XNAS',
                        symbol: 'AAPL',
                        side: 'sell',
                        kind: 'market',
                        action: 'new',
                        qty: 0.5,
                        reason: '',
                    },
                    { type: 'risk', ts: ts(30 + i * 100), runId, cause: orderSeq, rule: 'max-notional', severity: 'info', detail: 'ok', value: 95.25, limit: 1e6 },
                    { type: 'order', ts: ts(31 + i * 100), runId, cause: orderSeq, orderId: 'o-batch', venue: 'XNAS', symbol: 'AAPL', side: 'sell', kind: 'market', action: 'ack', qty: 0.5 },
                ],
            });
            seq += 3;
            add({ type: 'fill', ts: ts(40 + i * 100), runId, cause: orderSeq, fillId: 'f-batch', orderId: 'o-batch', venue: 'XNAS', symbol: 'AAPL', side: 'sell', price: 190.03, qty: 0.5, liquidity: 'taker' });
        }
        if (i % 2 === 1) {
            lastOrder = add({
                type: 'order',
                ts: ts(50 + i * 100),
                runId,
                cause: lastSignal,
                orderId: `o-${i}`,
                venue: 'XNAS',
                symbol: 'AAPL',
                side: 'buy',
                kind: 'limit',
                action: 'new',
                price: 190.01,
                qty: 100,
                tif: 'day',
                strategy: 'mm',
            });
            add({
                type: 'fill',
                ts: ts(60 + i * 100),
                runId,
                cause: lastOrder,
                fillId: `f-${i}`,
                orderId: `o-${i}`,
                venue: 'XNAS',
                symbol: 'AAPL',
                side: 'buy',
                price: 190.01,
                qty: 40,
                fee: -0.12,
                liquidity: 'maker',
            });
        }
        if (i === 5) {
            add({ type: 'risk', ts: ts(70 + i * 100), runId, rule: 'max-position', severity: 'warn', symbol: 'AAPL', detail: 'position near limit', value: 950, limit: 1000 });
            add({ type: 'order', ts: ts(71 + i * 100), runId, cause: lastOrder, orderId: `o-${i}`, venue: 'XNAS', symbol: 'AAPL', side: 'buy', kind: 'limit', action: 'cancel', qty: 60, reason: 'risk: position near limit' });
            add({ type: 'risk', ts: ts(72 + i * 100), runId, rule: 'kill-switch', severity: 'kill', detail: 'manual halt' });
        }
        if (i === 2)
            add({ type: 'system', ts: ts(80 + i * 100), runId, kind: 'gap', message: 'feed gap 3 ms', data: { venue: 'ARCX', gapNs: 3_000_000 } });
    }
    add({ type: 'system', ts: ts(1000), runId, kind: 'heartbeat', message: '' });
    add({ type: 'system', ts: ts(1001), runId, kind: 'session-end', message: 'recorder stopped', data: { records: seq + 1 } });
    return {
        name: 'v1-all-types',
        description: 'all six event types, fixed runId and timestamps, three segments, one atomic batch of three records',
        segmentBytes: 1280,
        indexEveryBytes: 256,
        units,
    };
}
/** ~500 ticks of two symbols (a deterministic integer walk, no randomness), several segments. */
function ticks() {
    const units = [];
    let px = 19_000; // cents
    let state = 12345;
    for (let i = 0; i < 500; i++) {
        state = (state * 1103515245 + 12345) % 2147483648; // LCG: the same walk on every machine
        px += (state % 7) - 3;
        const sym = i % 3 === 0 ? 'MSFT' : 'AAPL';
        const base = sym === 'MSFT' ? px + 18_000 : px;
        // Every tenth tick shares the previous one's timestamp (equal ts is allowed, never going back).
        const t = T0 + BigInt(i % 10 === 9 ? i - 1 : i) * 250000n;
        units.push({
            type: 'tick',
            ts: t,
            runId: 'ticks-v1',
            venue: 'XNAS',
            symbol: sym,
            bid: base / 100,
            ask: (base + 1 + (state % 3)) / 100,
            bidSize: 100 * (1 + (state % 5)),
            askSize: 100 * (1 + ((state >> 3) % 5)),
            ...(i % 4 === 0 ? { last: base / 100, lastSize: 100, aggressor: state % 2 === 0 ? 'buy' : 'sell', volume: 1000 + i * 100 } : {}),
            exchTs: t - 40000n - BigInt(state % 1000),
        });
    }
    return {
        name: 'v1-ticks',
        description: '500 ticks of AAPL and MSFT, three segments, footer indexes every 2 KiB',
        segmentBytes: 16 * 1024,
        indexEveryBytes: 2048,
        units,
    };
}
export function fixtureSpecs() {
    return [twoRecords(), allTypes(), ticks()];
}
/** The events of a spec in log order (batches flattened), validated, each with the seq the log assigns. */
export function fixtureEvents(spec) {
    const out = [];
    for (const u of spec.units)
        for (const ev of 'batch' in u ? u.batch : [u])
            out.push({ ...validateEvent(ev), seq: out.length });
    return out;
}
/** Writes one fixture into `root/<name>` (which must not exist) and returns the directory. */
export async function writeFixture(spec, root) {
    const dir = path.join(root, spec.name);
    if (fs.existsSync(dir))
        throw new Error(`${dir} already exists`);
    const log = await openEventLog(dir, { segmentBytes: spec.segmentBytes, indexEveryBytes: spec.indexEveryBytes, measureLatency: false });
    for (const u of spec.units) {
        if ('batch' in u)
            log.writeBatch(u.batch.map((ev) => encodeEvent(validateEvent(ev))));
        else
            writeEvent(log, validateEvent(u));
    }
    await log.close();
    // close() publishes metrics.json (pid, latencies: never deterministic); it is not part of a recording.
    fs.rmSync(path.join(dir, 'metrics.json'), { force: true });
    // The MANIFEST (format §3.1) is not part of the version 1 golden set: the pinned fixtures are
    // the segments, and recordings written before manifests existed must still open without one.
    fs.rmSync(path.join(dir, 'MANIFEST'), { force: true });
    const stray = fs.readdirSync(dir).filter((n) => !n.endsWith('.tdseg'));
    if (stray.length > 0)
        throw new Error(`${dir}: unexpected files after close: ${stray.join(', ')}`);
    return dir;
}
export async function writeFixtures(root) {
    fs.mkdirSync(root, { recursive: true });
    const dirs = [];
    for (const spec of fixtureSpecs())
        dirs.push(await writeFixture(spec, root));
    return dirs;
}
async function main() {
    const here = path.dirname(fileURLToPath(import.meta.url));
    // dist/scripts/make-fixtures.js (compiled) or scripts/make-fixtures.ts (tsx): find the repo root.
    const root = fs.existsSync(path.join(here, '..', 'package.json')) ? path.join(here, '..') : path.join(here, '..', '..');
    const out = path.resolve(process.argv[2] ?? path.join(root, 'recordings', 'fixtures'));
    if (process.env.UPDATE_FIXTURES !== '1') {
        console.error('make-fixtures rewrites the golden recordings; run it only on purpose, with UPDATE_FIXTURES=1.');
        process.exit(2);
    }
    for (const spec of fixtureSpecs())
        fs.rmSync(path.join(out, spec.name), { recursive: true, force: true });
    for (const dir of await writeFixtures(out)) {
        const files = fs.readdirSync(dir).sort();
        console.log(`${path.relative(process.cwd(), dir)}: ${files.length} segment(s), ${files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)} bytes`);
    }
}
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main().catch((err) => {
        console.error(err);
        process.exit(1);
    });
}
//# sourceMappingURL=make-fixtures.js.map