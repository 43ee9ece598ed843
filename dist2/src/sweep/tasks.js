/**
 * The work a pool thread (or a `tapedeck worker`) does, as plain messages: generate a scenario
 * input, digest a recording input, run a job. One dispatcher, so the local pool and the
 * distributed worker run exactly the same code for a job.
 */
import { TapedeckError } from '../errors.js';
import { runScenario } from '../scenario/run.js';
import { digestRecordingDetailed } from '../verify/digest.js';
import { verifyRecording } from '../verify/integrity.js';
import { runJobTask } from './run-job.js';
export async function runPoolTask(t) {
    switch (t.kind) {
        case 'job':
            return { kind: 'job', outcome: await runJobTask(t.task) };
        case 'scenario': {
            const r = await runScenario(t.file, { seed: t.seed, out: t.out, force: true, backtest: false });
            return { kind: 'input', input: { dir: r.dir, digest: r.digest, records: r.events } };
        }
        case 'digest': {
            const d = digestRecordingDetailed(t.dir);
            return { kind: 'input', input: { dir: t.dir, digest: d.digest, records: d.records } };
        }
        case 'verify': {
            // Every frame, CRC, footer and index entry, then the digest (verifyRecording).
            const v = verifyRecording(t.dir);
            const p = v.problems[0];
            return { kind: 'verified', ok: v.ok && v.tornTail === null, digest: v.digest, problem: p ? `${t.dir}/${p.file} at byte ${p.offsetBytes}: ${p.kind}: ${p.reason}` : v.tornTail ? `${t.dir}/${v.tornTail.file}: torn tail at byte ${v.tornTail.offsetBytes}` : null };
        }
    }
}
export function toWireError(e) {
    if (e instanceof TapedeckError)
        return { code: e.code, message: e.message, details: JSON.parse(JSON.stringify(e.details, (_k, v) => (typeof v === 'bigint' ? String(v) : v))) };
    const errno = e?.code;
    const message = e instanceof Error ? e.message : String(e);
    return typeof errno === 'string' ? { code: 'IO', message, errno } : { code: 'CHECK_FAILED', message };
}
export function fromWireError(w) {
    if (w.errno !== undefined) {
        const e = new Error(w.message);
        e.code = w.errno;
        return e;
    }
    return new TapedeckError(w.code, w.message, w.details ?? {});
}
//# sourceMappingURL=tasks.js.map