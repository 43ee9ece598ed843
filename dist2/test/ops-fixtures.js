/** Recordings and CLI helpers for the ops-* tests (info, export, compact, stats). */
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { runCli, startCli } from './helpers/cli.js';
export const T0 = 1700000000000000000n;
export const MS = 1000000n;
/**
 * Two runs (r1: 0..30 ms, r2: 31..60 ms), 60 ticks over AAPL/MSFT, one each of order, fill, signal
 * and risk, a session-start, a gap and a reject; every text that CSV must quote somewhere.
 */
export function fixtureEvents() {
    const out = [];
    let ts = T0;
    out.push({ type: 'system', ts, runId: 'r1', kind: 'session-start', message: 'start', data: { b: 1, a: 'x,y' } });
    for (let i = 0; i < 60; i++) {
        ts += MS;
        const runId = i < 30 ? 'r1' : 'r2';
        out.push({ type: 'tick', ts, runId, venue: 'XNAS', symbol: i % 3 ? 'AAPL' : 'MSFT', bid: 100 + i / 100, ask: 100.5, bidSize: 100, exchTs: ts - 5n });
        if (i === 10)
            out.push({ type: 'system', ts, runId, kind: 'gap', message: 'feed gap of 3 s', data: { ms: 3000 } });
        if (i === 20)
            out.push({ type: 'system', ts, runId, kind: 'reject', message: 'line 7: field "bid", bad\nsecond line', data: { raw: '{"bid": "x"}' } });
        if (i === 40)
            out.push({ type: 'order', ts, runId, orderId: 'o1', venue: 'XNAS', symbol: 'AAPL', side: 'buy', kind: 'limit', action: 'new', price: 100, qty: 5, reason: ' padded ' });
        if (i === 41)
            out.push({ type: 'fill', ts, runId, cause: 45, fillId: 'f1', orderId: 'o1', venue: 'XNAS', symbol: 'AAPL', side: 'buy', price: 100, qty: 5, fee: -0.01, liquidity: 'maker' });
        if (i === 42)
            out.push({ type: 'signal', ts, runId, strategy: 'mom', symbol: 'AAPL', name: 'z', value: -1.5e-7, meta: { z: 1, a: 'q"x', é: 'ü' } });
        if (i === 43)
            out.push({ type: 'risk', ts, runId, rule: 'max-pos', severity: 'warn', detail: 'a, b', value: 1, limit: 2 });
    }
    return out;
}
/** Writes events into a fresh recording with small segments and closes it (all sealed). */
export async function writeRecording(dir, events = fixtureEvents(), segmentBytes = 2048) {
    const log = await openEventLog(dir, { segmentBytes, durability: 'async' });
    for (const ev of events)
        writeEvent(log, ev);
    await log.close();
}
/** The CLI in-process (test/helpers/cli.ts). */
export function cli(args, opts = {}) {
    return runCli(args, opts);
}
/** Like cli(), but returns at once: the test feeds stdin, raises signals, then awaits `done`. */
export function cliAsync(args) {
    const live = startCli(args);
    return { done: live.done, live };
}
//# sourceMappingURL=ops-fixtures.js.map