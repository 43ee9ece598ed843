/**
 * A seeded simulation of the log on a disk that forgets (in the spirit of TigerBeetle's VOPR):
 * appends, batches, syncs, rotations, compactions, clean closes and power losses at random steps,
 * a reopen after each, and after every recovery a check against a model:
 * - every append acknowledged as durable (by the durability mode) is present, byte for byte;
 * - nothing else is visible but a prefix of what was written (no garbage, no half batch);
 * - the reader, verify and the writer's own position agree.
 * One seed, one run: a failure names its seed, and `LOG_SIM_SEED=<seed>` replays it.
 */
import seedrandom from 'seedrandom';
import { Log, openReader } from '../../src/log/index.js';
import { PowerLossOps } from '../../src/log/power-loss-ops.js';
import { verifyRecording } from '../../src/verify/integrity.js';
import { TapedeckError } from '../../src/errors.js';
const DIR = '/sim/rec';
const T0 = 1700000000000000000n;
class Failure extends Error {
}
export async function simulate(seed, opts = {}) {
    const rng = seedrandom(String(seed));
    const int = (n) => Math.floor(rng() * n);
    const ops = new PowerLossOps();
    ops.syncsWork = !opts.brokenSync;
    const mode = ['strict', 'batched', 'async'][int(3)];
    const segmentBytes = 600 + int(3000);
    let incarnation = 0;
    const probe = () => {
        const me = 100_000 + incarnation;
        return { pid: me, startTime: () => 'boot', isAlive: (pid) => pid === me };
    };
    const written = [];
    /** Every seq up to this one must survive anything. */
    let durableMark = -1;
    /** Records with ts below this may have been compacted away. */
    let compactedBeforeTs = -1n;
    let ts = T0;
    const result = { seed, ok: true, problem: null, steps: 0, powerLosses: 0, reopens: 0, pointInTimeReopens: 0, records: 0 };
    const steps = opts.steps ?? 40;
    const durability = mode === 'batched' ? { mode, intervalMs: 1, batchSize: 3 } : mode === 'async' ? { mode, intervalMs: 1 } : mode;
    const open = async () => {
        result.reopens++;
        try {
            return await Log.open(DIR, { fileOps: ops, durability, segmentBytes, processProbe: probe(), measureLatency: false });
        }
        catch (err) {
            // Sectors of unsynced writes can survive out of order: valid frames after a hole. Only
            // unacknowledged data can be there, so a point-in-time recovery must lose nothing acknowledged.
            if (!(err instanceof TapedeckError) || err.code !== 'CORRUPT_FRAME')
                throw err;
            result.pointInTimeReopens++;
            return Log.open(DIR, { fileOps: ops, durability, segmentBytes, processProbe: probe(), measureLatency: false, policy: 'point-in-time' });
        }
    };
    const check = (log, when) => {
        const fail = (why) => {
            throw new Failure(`${when}: ${why}`);
        };
        const seqs = [];
        const reader = openReader(DIR, { fileOps: ops });
        const scan = reader.scan({}, (r) => {
            seqs.push(r.seq);
            const w = written[r.seq];
            if (!w)
                fail(`seq ${r.seq} was never written`);
            else if (w.tsNs !== r.tsNs || !w.payload.equals(r.payload))
                fail(`seq ${r.seq} does not hold what was written`);
        });
        if (scan.problems.length > 0)
            fail(`reader problems after recovery: ${JSON.stringify(scan.problems)}`);
        for (let i = 1; i < seqs.length; i++)
            if (seqs[i] !== seqs[i - 1] + 1)
                fail(`seq ${seqs[i]} follows ${seqs[i - 1]}`);
        const first = seqs.length > 0 ? seqs[0] : log.nextSeq;
        const last = seqs.length > 0 ? seqs[seqs.length - 1] : log.nextSeq - 1;
        if (log.nextSeq !== last + 1)
            fail(`the writer resumes at seq ${log.nextSeq}, the reader ends at ${last}`);
        for (let s = 0; s < first && s < written.length; s++) {
            if (written[s].tsNs >= compactedBeforeTs)
                fail(`seq ${s} is gone but no compaction removed it`);
        }
        if (durableMark > last)
            fail(`acknowledged seq ${durableMark} lost: the log ends at ${last}`);
        const lastW = written[last];
        if (lastW && lastW.batchLast !== last)
            fail(`half a batch is visible: seqs ${lastW.batchFirst}..${last} of ${lastW.batchFirst}..${lastW.batchLast}`);
        const v = verifyRecording(DIR, { fileOps: ops, all: true });
        if (!v.ok)
            fail(`verify disagrees: ${JSON.stringify(v.problems.slice(0, 2))}`);
        if (v.records !== seqs.length)
            fail(`verify counts ${v.records} records, the reader ${seqs.length}`);
        // What was written past the recovered end was never acknowledged: it is gone.
        written.length = last + 1;
        result.records = seqs.length;
    };
    let log;
    try {
        log = await open();
        check(log, 'first open');
        for (let step = 0; step < steps; step++) {
            result.steps = step + 1;
            const r = rng();
            if (r < 0.4) {
                ts += BigInt(int(3));
                const payload = Buffer.alloc(int(400), seed + step);
                const seq = log.nextSeq;
                written[seq] = { tsNs: ts, payload, batchFirst: seq, batchLast: seq };
                const p = log.append(1 + int(3), ts, payload);
                p.catch(() => { }); // an unawaited append may be rejected by a later simulated crash
                if (mode !== 'async' && rng() < 0.8) {
                    await p;
                    durableMark = Math.max(durableMark, seq);
                }
            }
            else if (r < 0.55) {
                const n = 1 + int(4);
                const first = log.nextSeq;
                const recs = Array.from({ length: n }, (_, k) => {
                    ts += BigInt(int(2));
                    const payload = Buffer.alloc(int(200), step * 7 + k);
                    written[first + k] = { tsNs: ts, payload, batchFirst: first, batchLast: first + n - 1 };
                    return { type: 1, tsNs: ts, payload };
                });
                const p = log.appendBatch(recs);
                p.catch(() => { });
                if (mode !== 'async' && rng() < 0.8) {
                    await p;
                    durableMark = Math.max(durableMark, first + n - 1);
                }
            }
            else if (r < 0.65) {
                const upTo = log.nextSeq - 1;
                await log.sync();
                durableMark = Math.max(durableMark, upTo);
            }
            else if (r < 0.72) {
                if (written.length > 0) {
                    const before = written[int(written.length)].tsNs;
                    log.compact({ beforeTs: before });
                    if (before > compactedBeforeTs)
                        compactedBeforeTs = before;
                }
            }
            else if (r < 0.9) {
                // A burst nobody waits for, then let the writer get part way: a flush may have written
                // bytes whose sync has not completed when the power goes.
                for (let k = int(8); k > 0; k--) {
                    ts += BigInt(int(2));
                    const payload = Buffer.alloc(int(400), k);
                    const seq = log.nextSeq;
                    written[seq] = { tsNs: ts, payload, batchFirst: seq, batchLast: seq };
                    log.append(1, ts, payload).catch(() => { });
                }
                for (let k = int(3); k > 0; k--)
                    await new Promise((res) => setImmediate(res));
                ops.powerLoss(rng);
                log.abandon();
                result.powerLosses++;
                incarnation++;
                log = await open();
                check(log, `after power loss ${result.powerLosses} (step ${step})`);
            }
            else {
                const upTo = log.nextSeq - 1;
                await log.close();
                durableMark = Math.max(durableMark, upTo);
                if (rng() < 0.5) {
                    // Even a clean close must survive a power loss right after it.
                    ops.powerLoss(rng);
                    result.powerLosses++;
                }
                incarnation++;
                log = await open();
                check(log, `after close (step ${step})`);
            }
        }
        const upTo = log.nextSeq - 1;
        await log.close();
        durableMark = Math.max(durableMark, upTo);
        ops.powerLoss(rng);
        incarnation++;
        log = await open();
        check(log, 'final reopen');
        await log.close();
    }
    catch (err) {
        result.ok = false;
        result.problem = err instanceof Failure ? err.message : `unexpected ${err instanceof Error ? err.stack : String(err)}`;
    }
    return result;
}
export function replayHint(seed, opts = {}) {
    return `replay with: LOG_SIM_SEED=${seed}${opts.brokenSync ? ' LOG_SIM_CANARY=1' : ''} node dist/test/log-sim.test.js`;
}
//# sourceMappingURL=log-sim.js.map