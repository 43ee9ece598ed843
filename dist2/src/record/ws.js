/**
 * A WebSocket feed into a Recorder, reconnecting with capped exponential backoff. Every drop is
 * recorded as a system `gap` (at the moment it was noticed) and every reconnect as a system
 * `reconnect` carrying the gap's length (data.gapMs), so a replay shows where data is missing.
 */
import WebSocket from 'ws';
import { IoError, ValidationError } from '../errors.js';
import { mapperFor } from './venues.js';
export function backoffDelay(attempt, b = {}) {
    const initial = b.initialMs ?? 250;
    const max = b.maxMs ?? 30_000;
    const factor = b.factor ?? 2;
    return Math.min(max, initial * factor ** Math.max(0, attempt - 1));
}
function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const t = setTimeout(done, ms);
        function done() {
            clearTimeout(t);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
    });
}
/** Records the feed until `signal` aborts (resolves) or strict bad input / an I/O error (rejects). */
export async function recordWebSocket(rec, opts) {
    const format = opts.format ?? 'canonical';
    const map = format === 'canonical' ? null : mapperFor(format);
    const status = opts.onStatus ?? (() => { });
    let messageNo = 0;
    let fatal = null;
    let dropAt = null;
    let failures = 0;
    let attemptsInGap = 0;
    const onMessage = (data) => {
        const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
        const pos = `message ${++messageNo}`;
        if (!map) {
            rec.writeLine(text, pos);
            return;
        }
        let msg;
        try {
            msg = JSON.parse(text);
        }
        catch (e) {
            rec.badInput(new ValidationError('(json)', `is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, text, pos), text, pos);
            return;
        }
        let outcome;
        try {
            outcome = map(msg, pos);
        }
        catch (err) {
            if (err instanceof ValidationError) {
                rec.badInput(err, text, pos);
                return;
            }
            throw err;
        }
        rec.writeMapped(outcome, undefined, { position: pos, raw: text });
    };
    const connectOnce = () => new Promise((resolve) => {
        let opened = false;
        let settled = false;
        const ws = new WebSocket(opts.url, { perMessageDeflate: false });
        const onAbort = () => ws.close(1000, 'recorder stopping');
        const finish = (a) => {
            if (settled)
                return;
            settled = true;
            opts.signal?.removeEventListener('abort', onAbort);
            resolve(a);
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
        ws.on('open', () => {
            opened = true;
            failures = 0;
            if (dropAt !== null) {
                const gapMs = Number(rec.now() - dropAt) / 1e6;
                rec.system('reconnect', `reconnected to ${opts.url} after ${gapMs.toFixed(1)} ms`, { url: opts.url, gapMs, attempts: attemptsInGap });
                dropAt = null;
                attemptsInGap = 0;
            }
            status(`connected to ${opts.url}`);
            for (const m of opts.send ?? [])
                ws.send(m);
        });
        ws.on('message', (data) => {
            if (fatal)
                return;
            try {
                onMessage(data);
            }
            catch (err) {
                // Strict bad input or a failed log: stop the feed and report it.
                fatal = err;
                ws.terminate();
            }
        });
        let reasonText = '';
        ws.on('error', (err) => {
            // 'close' follows; remember why.
            reasonText = err.message;
        });
        ws.on('close', (code, reason) => {
            const r = reason.toString() || reasonText || (opened ? 'connection closed' : 'connection failed');
            finish({ opened, code, reason: r });
        });
        if (opts.signal?.aborted)
            onAbort();
    });
    while (!opts.signal?.aborted) {
        const a = await connectOnce();
        if (fatal)
            throw fatal;
        if (opts.signal?.aborted)
            break;
        if (dropAt === null) {
            dropAt = rec.now();
            const data = { url: opts.url, reason: a.reason };
            if (a.code !== undefined)
                data.code = a.code;
            rec.system('gap', a.opened ? `connection to ${opts.url} lost: ${a.reason}` : `cannot connect to ${opts.url}: ${a.reason}`, data);
        }
        if (!a.opened)
            failures++;
        attemptsInGap++;
        if (opts.maxAttempts !== undefined && failures >= opts.maxAttempts) {
            throw new IoError(opts.url, `gave up after ${failures} failed connection attempts (${a.reason})`);
        }
        const delay = backoffDelay(failures + 1, opts.backoff);
        status(`${a.opened ? 'connection lost' : 'connection failed'} (${a.reason}); retrying in ${delay} ms`);
        await sleep(delay, opts.signal);
    }
}
//# sourceMappingURL=ws.js.map