/** Shared helpers of the replay tests: small recordings in temp dirs, and a bus that logs when. */
import { VirtualTimeScheduler } from 'rxjs';
import { EventBus } from '../src/bus/index.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { tmpDir } from './helpers/tmp.js';
export const T0 = 1700000000000000000n;
export const MS = 1000000n;
export function tick(offsetMs, o = {}) {
    return {
        type: 'tick',
        ts: T0 + BigInt(offsetMs) * MS,
        runId: 'run-1',
        venue: 'XNAS',
        symbol: 'AAPL',
        bid: 100,
        ask: 100.5,
        ...o,
    };
}
export function sys(offsetMs, kind, o = {}) {
    return { type: 'system', ts: T0 + BigInt(offsetMs) * MS, runId: 'run-1', kind, message: kind, ...o };
}
/** A recording in a fresh temp dir holding `events` (seq from 0, in order). */
export async function makeRecording(events, dir = tmpDir('tapedeck-replay-')) {
    const log = await openEventLog(dir, { durability: 'async' });
    for (const ev of events)
        writeEvent(log, ev);
    await log.close();
    return dir;
}
/** A bus whose events are logged with the scheduler time they arrived at. */
export function watchedBus(sched) {
    const bus = new EventBus();
    const seen = [];
    bus.events$.subscribe((e) => seen.push({ at: sched.now(), ts: e.ts, seq: e.seq, symbol: e.type === 'system' ? undefined : e.symbol, type: e.type }));
    return { bus, seen };
}
export function virtual() {
    return new VirtualTimeScheduler();
}
/** Offsets (ms from T0) of what was seen. */
export const offsets = (seen) => seen.map((s) => Number((s.ts - T0) / MS));
export const times = (seen) => seen.map((s) => s.at);
//# sourceMappingURL=replay-fixtures.js.map