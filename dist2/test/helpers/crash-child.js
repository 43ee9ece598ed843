/**
 * A child process for crash tests: appends to a log in strict mode and prints `ack <seq>` for every
 * acknowledged append (a batch acks its last seq), until it is killed. Records are derived from
 * their seq so the parent can check exactly what survived.
 *
 * argv: dir seed [killAtStep] [segmentBytes]
 */
import seedrandom from 'seedrandom';
import { Log } from '../../src/log/index.js';
const [dir, seedArg, killAtStep, segArg] = process.argv.slice(2);
const rng = seedrandom(seedArg ?? '1');
const T0 = 1700000000000000000n;
export function recordPayload(seq, batchStart, batchSize) {
    return Buffer.from(`seq=${seq};b=${batchStart};n=${batchSize};`.padEnd(48, '.'));
}
const log = await Log.open(dir, {
    durability: 'strict',
    segmentBytes: segArg ? Number(segArg) : 64 * 1024,
    onStep: (step) => {
        if (step === killAtStep)
            process.kill(process.pid, 'SIGKILL');
    },
});
process.stdout.write(`open ${log.nextSeq}\n`);
let ts = log.lastTs < T0 ? T0 : log.lastTs;
for (;;) {
    const start = log.nextSeq;
    const size = rng() < 0.3 ? 1 + Math.floor(rng() * 5) : 1;
    ts += BigInt(Math.floor(rng() * 1000));
    if (size === 1) {
        const seq = await log.append(1, ts, recordPayload(start, start, 1));
        process.stdout.write(`ack ${seq}\n`);
    }
    else {
        const recs = Array.from({ length: size }, (_, i) => ({ type: 2, tsNs: ts, payload: recordPayload(start + i, start, size) }));
        const first = await log.appendBatch(recs);
        process.stdout.write(`ack ${first + size - 1}\n`);
    }
}
//# sourceMappingURL=crash-child.js.map