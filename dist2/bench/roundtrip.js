/**
 * Issue 6: the replay round trip at scale. N generated ticks → recording → replay at max speed
 * onto the bus → re-recorded from the bus (source clock: each event keeps its ts and runId) →
 * digests of both (SHA-256 over the canonical event stream) must be equal; `diffRecordings`
 * confirms. Each phase timed; median of BENCH_RUNS.
 */
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { tickStream } from './data.js';
import { writeRecording } from './replay.js';
import { CONFIG, fmtCount, fmtMs, fmtRate, importSrc, log, med, need, rmrf, scratch, target } from './table.js';
export async function benchRoundtrip() {
    const N = CONFIG.records;
    const RUNS = CONFIG.runs;
    const R = await importSrc('src/replay/index.js');
    const B = await importSrc('src/bus/index.js');
    const V = await importSrc('src/verify/index.js');
    need(R, 'src/replay', 'Replayer');
    need(B, 'src/bus', 'EventBus');
    need(V, 'src/verify', 'digestRecording');
    const runs = [];
    let digest = '';
    for (let r = 0; r < RUNS; r++) {
        log(`roundtrip: run ${r + 1}/${RUNS}`);
        const work = scratch('roundtrip');
        const src = path.join(work, 'source');
        const copy = path.join(work, 'copy');
        let t0 = process.hrtime.bigint();
        const el = () => Number(process.hrtime.bigint() - t0) / 1e6;
        await writeRecording(src, tickStream(N, 'roundtrip'));
        const record = el();
        t0 = process.hrtime.bigint();
        const out = await openEventLog(copy, { durability: 'batched' });
        const bus = new B.EventBus();
        let failure = null;
        bus.subscribe((ev) => {
            try {
                writeEvent(out, ev);
            }
            catch (e) {
                failure ??= e;
            }
        });
        const rp = new R.Replayer(src, bus);
        await lastValueFrom(rp.start({ speed: 'max' }), { defaultValue: undefined });
        await out.close();
        if (failure)
            throw failure;
        const replay = el();
        t0 = process.hrtime.bigint();
        const a = V.digestRecording(src);
        const b = V.digestRecording(copy);
        const dig = el();
        digest = a;
        let diffOk = null;
        let diff = NaN;
        if (typeof V.diffRecordings === 'function') {
            t0 = process.hrtime.bigint();
            const d = V.diffRecordings(src, copy);
            diff = el();
            diffOk = d?.identical === true;
        }
        runs.push({ record, replay, digest: dig, diff, same: a === b, diffOk });
        rmrf(work);
    }
    const rec = med(runs, (x) => x.record);
    const rep = med(runs, (x) => x.replay);
    const dig = med(runs, (x) => x.digest);
    const diff = med(runs, (x) => x.diff);
    const allSame = runs.every((x) => x.same);
    return {
        id: 'roundtrip',
        title: 'Replay round trip (issue 6)',
        intro: `${fmtCount(N)} generated ticks → recording → replay at max speed onto the bus → re-recorded from the bus (source clock, same runId) → digests compared. Median of ${RUNS} runs.`,
        tables: [
            {
                header: ['phase', 'time', 'events/s'],
                rows: [
                    ['record the source (encode + log, batched)', fmtMs(rec), fmtRate((N / rec) * 1000, 'ev/s')],
                    ['replay (max) → bus → re-record (encode + log, batched)', fmtMs(rep), fmtRate((N / rep) * 1000, 'ev/s')],
                    ['`digestRecording` of both (2 × N events)', fmtMs(dig), fmtRate(((2 * N) / dig) * 1000, 'ev/s')],
                    ['`diffRecordings(source, copy)` event by event', Number.isFinite(diff) ? fmtMs(diff) : 'not measured: diffRecordings missing', Number.isFinite(diff) ? fmtRate((N / diff) * 1000, 'ev/s') : '–'],
                    ['**round trip total** (record + replay/re-record + digests)', fmtMs(rec + rep + dig), fmtRate((N / (rec + rep + dig)) * 1000, 'ev/s')],
                    [
                        'digests equal',
                        target(allSame, allSame ? `yes in ${runs.length}/${runs.length} runs: ${digest.slice(0, 16)}…` : `differed in ${runs.filter((x) => !x.same).length} run(s)`),
                        runs.every((x) => x.diffOk !== false) ? 'diff: identical' : '**diff reported differences**',
                    ],
                ],
            },
        ],
    };
}
//# sourceMappingURL=roundtrip.js.map