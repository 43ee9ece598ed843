/**
 * Work the benchmarks run in a separate process: filling a large log and being SIGKILLed (a
 * crash), timing an open in a fresh process, and the profiled append / scan paths.
 *
 *   node dist/bench/child.js fill <dir> <bytes>          writes until <bytes>, syncs, prints "ready", keeps writing
 *   node dist/bench/child.js open <dir> [close]          prints {"ms":…,"recovered":…}; exits without closing unless "close"
 *   node dist/bench/child.js append <dir> <n>            write() n records, batched (for --cpu-prof)
 *   node dist/bench/child.js scan <dir>                  full scan (for --cpu-prof)
 *   node dist/bench/child.js ingest-sqlite <in.jsonl> <db>   peer ingest: parse each line, one row per event (txn per 1000)
 *   node dist/bench/child.js ingest-jsonl <in.jsonl> <out>   peer ingest: parse, re-serialize, append (fdatasync per 1000)
 *   node dist/bench/child.js replay-rss <dir>            replay at max speed; prints {"ms","events","maxRssKiB","peakSampledRss"}
 */
import { Log, openReader } from '../src/log/index.js';
import { openEventLog } from '../src/events/recording.js';
import fs from 'node:fs';
import readline from 'node:readline';
import { lastValueFrom } from 'rxjs';
import { openSqlite } from './peers.js';
import { payloadPool, POOL_MASK, TICK_TAG, tsOf } from './data.js';
import { importSrc } from './table.js';
const [cmd, dir, arg] = process.argv.slice(2);
if (!cmd || !dir) {
    process.stderr.write('usage: child.js fill|open|append|scan <dir> [arg]\n');
    process.exit(2);
}
async function fill(target) {
    const { payloads } = payloadPool();
    const log = await openEventLog(dir, { durability: 'async' });
    let i = 0;
    for (;;) {
        for (let k = 0; k < 65536; k++, i++)
            log.write(TICK_TAG, tsOf(i), payloads[i & POOL_MASK]);
        if (log.stats().bytes >= target)
            break;
    }
    await log.sync();
    process.stdout.write(`ready ${i} ${log.stats().bytes}\n`);
    // Keep writing (and handing bytes to the OS) until the parent SIGKILLs us: a crash mid-write.
    // Throttled (~1000 records per 5 ms) so the tail grows by only a few MiB before the kill.
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
        for (let k = 0; k < 1000; k++, i++)
            log.write(TICK_TAG, tsOf(i), payloads[i & POOL_MASK]);
        await new Promise((r) => setTimeout(r, 5));
    }
    process.exit(3);
}
async function open(close) {
    const t0 = process.hrtime.bigint();
    const log = await Log.open(dir, { durability: 'batched' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const st = log.stats();
    const out = {
        ms,
        records: st.records,
        segments: st.segments.length,
        tailBytes: st.segments[st.segments.length - 1]?.bytes ?? 0,
        recovered: log.recovered.map((r) => ({ file: r.file, offsetBytes: r.offsetBytes, bytes: r.bytes, reason: r.reason })),
    };
    if (close)
        await log.close();
    process.stdout.write(JSON.stringify(out) + '\n');
    // Without close the tail stays unsealed (the exit hook only fdatasyncs): still a crashed log.
    process.exit(0);
}
async function append(n) {
    const { payloads } = payloadPool();
    const log = await openEventLog(dir, { durability: 'batched' });
    for (let i = 0; i < n; i += 1000) {
        const to = Math.min(n, i + 1000);
        for (let j = i; j < to; j++)
            log.write(TICK_TAG, tsOf(j), payloads[j & POOL_MASK]);
        await new Promise((r) => setImmediate(r));
    }
    await log.close();
}
function scan() {
    const reader = openReader(dir);
    let n = 0;
    let bytes = 0;
    for (let k = 0; k < 3; k++) {
        reader.scan({}, (r) => {
            n++;
            bytes += r.payload.length;
        });
    }
    process.stdout.write(`${n} ${bytes}\n`);
}
async function replayRss() {
    const R = await importSrc('src/replay/index.js');
    const B = await importSrc('src/bus/index.js');
    const bus = new B.EventBus();
    let events = 0;
    bus.subscribe(() => {
        events++;
    });
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage.rss());
    }, 50);
    const rp = new R.Replayer(dir, bus);
    const t0 = process.hrtime.bigint();
    await lastValueFrom(rp.start({ speed: 'max' }), { defaultValue: undefined });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage.rss());
    process.stdout.write(JSON.stringify({ ms, events, maxRssKiB: process.resourceUsage().maxRSS, peakSampledRss: peak }) + '\n');
}
/** The peers' ingest: readline over the file, JSON.parse, a minimal shape check, store. */
async function ingest(kind, out) {
    const rl = readline.createInterface({ input: fs.createReadStream(dir, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    let n = 0;
    let bad = 0;
    const TAGS = { tick: 1, order: 2, fill: 3, signal: 4, risk: 5, system: 6 };
    if (kind === 'sqlite') {
        const db = openSqlite(out, 'batched');
        const ins = db.prepare('INSERT INTO rec (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
        let rows = [];
        const tx = db.transaction((rs) => {
            for (const r of rs)
                ins.run(n++, r[0], r[1], r[2]);
        });
        for await (const line of rl) {
            const o = JSON.parse(line);
            const tag = TAGS[o.type];
            if (tag === undefined || typeof o.ts !== 'string') {
                bad++;
                continue;
            }
            rows.push([BigInt(o.ts), tag, Buffer.from(line)]);
            if (rows.length === 1000) {
                tx(rows);
                rows = [];
            }
        }
        if (rows.length)
            tx(rows);
        db.close();
    }
    else {
        const fd = fs.openSync(out, 'a');
        let buf = '';
        let k = 0;
        for await (const line of rl) {
            const o = JSON.parse(line);
            if (TAGS[o.type] === undefined || typeof o.ts !== 'string') {
                bad++;
                continue;
            }
            buf += JSON.stringify(o) + '\n';
            n++;
            if (++k === 1000) {
                fs.writeSync(fd, buf);
                fs.fdatasyncSync(fd);
                buf = '';
                k = 0;
            }
        }
        if (buf)
            fs.writeSync(fd, buf);
        fs.fdatasyncSync(fd);
        fs.closeSync(fd);
    }
    process.stdout.write(JSON.stringify({ events: n, bad }) + '\n');
}
switch (cmd) {
    case 'ingest-sqlite':
        await ingest('sqlite', arg);
        break;
    case 'ingest-jsonl':
        await ingest('jsonl', arg);
        break;
    case 'replay-rss':
        await replayRss();
        break;
    case 'fill':
        await fill(Number(arg));
        break;
    case 'open':
        await open(arg === 'close');
        break;
    case 'append':
        await append(Number(arg));
        break;
    case 'scan':
        scan();
        break;
    default:
        process.stderr.write(`unknown command ${cmd}\n`);
        process.exit(2);
}
//# sourceMappingURL=child.js.map