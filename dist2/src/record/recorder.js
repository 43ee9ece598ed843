/**
 * The recorder: validates, stamps (runId, ts) and appends events to a recording, wrapping each run
 * in system `session-start` / `session-end` events. Bad input never disappears: it is stored as a
 * system `reject` event with the raw text and the reason (or, in strict mode, stops the run after
 * everything before it is durable).
 *
 * Two clocks. `receive`: ts is when the recorder got the event (monotonic, anchored to the wall
 * clock once); a tick's own ts, if it brought one, is kept as exchTs. `source`: ts comes from the
 * event; an event whose ts goes back is bad input.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { TapedeckError, ValidationError } from '../errors.js';
import { openEventLog, writeEvent } from '../events/recording.js';
import { parseTs, formatTsIso } from '../events/ts.js';
import { EVENT_TYPES } from '../events/types.js';
import { validateEvent } from '../events/validate.js';
import { Metrics } from '../util/metrics.js';
import { ReceiveClock, defaultClocks } from './clock.js';
import { TAPEDECK_VERSION } from '../util/version.js';
const DEFAULT_RAW_LIMIT = 1024;
/** Rejects and session-start wait for the first good ts under the source clock; at most this many. */
const MAX_PENDING = 10_000;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
function isPlainObject(v) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
        return false;
    const proto = Object.getPrototypeOf(v);
    return proto === Object.prototype || proto === null;
}
function lineOf(position) {
    const m = position ? /^line (\d+)$/.exec(position) : null;
    return m ? Number(m[1]) : undefined;
}
function stringifyRaw(v) {
    if (typeof v === 'string')
        return v;
    try {
        return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
    }
    catch {
        return String(v);
    }
}
/** The first `limit` characters, never splitting a surrogate pair, lone surrogates replaced. */
function truncateRaw(raw, limit) {
    let text = raw;
    let truncated = false;
    if (text.length > limit) {
        let cut = limit;
        const c = text.charCodeAt(cut - 1);
        if (c >= 0xd800 && c <= 0xdbff)
            cut--;
        text = text.slice(0, cut);
        truncated = true;
    }
    return { text: text.replace(LONE_SURROGATES, '\uFFFD'), truncated };
}
function defaultWarning(w) {
    process.stderr.write(`tapedeck: warning: ${w.message} (stored as a reject event)\n`);
}
function generateRunId(opts) {
    if (opts.runId !== undefined)
        return opts.runId;
    if (opts.deterministic) {
        // Reproducible: the same seed (or the same source and arguments) gives the same id.
        const seed = opts.seed ?? JSON.stringify([opts.source ?? '', opts.args ?? []]);
        return `run-${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
    }
    return `run-${randomBytes(8).toString('hex')}`;
}
export class Recorder {
    dir;
    runId;
    clockMode;
    metrics = new Metrics(['events', 'rejects', 'bytes', 'unmapped', 'gaps', 'reconnects']);
    log;
    opts;
    clock;
    strict;
    rawLimit;
    onWarning;
    byType;
    unmapped = Object.create(null);
    control = Object.create(null);
    /** The last ts written (the log's, when appending to an existing recording). */
    lastTs;
    startTs = null;
    /** Under the source clock: session-start and early rejects, waiting for the first real ts. */
    pending = null;
    firstSeq = -1;
    /** Re-recording: the input carries its own session events, so the recorder adds none. */
    passthrough = false;
    closed = false;
    summaryValue = null;
    constructor(dir, log, opts) {
        this.dir = dir;
        this.log = log;
        this.opts = opts;
        this.runId = generateRunId(opts);
        this.clockMode = opts.clock ?? 'receive';
        const d = defaultClocks();
        this.clock = new ReceiveClock({ wallClock: opts.wallClock ?? d.wallClock, monotonic: opts.monotonic ?? d.monotonic });
        this.strict = opts.strict ?? false;
        this.rawLimit = opts.rawLimit ?? DEFAULT_RAW_LIMIT;
        this.onWarning = opts.onWarning ?? defaultWarning;
        this.byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
        this.lastTs = log.nextSeq > 0 && log.lastTs >= 0n ? log.lastTs : -1n;
    }
    /** Opens (creating if needed) the recording in `dir` and starts a session. */
    static async open(dir, opts = {}) {
        if (opts.clock !== undefined && opts.clock !== 'receive' && opts.clock !== 'source') {
            throw new TapedeckError('BAD_ARGUMENT', `unknown clock "${String(opts.clock)}" (expected receive or source)`);
        }
        if (opts.runId !== undefined && (typeof opts.runId !== 'string' || opts.runId.length === 0)) {
            throw new TapedeckError('BAD_ARGUMENT', 'runId must be a non-empty string');
        }
        const log = await openEventLog(dir, {
            durability: opts.durability,
            segmentBytes: opts.segmentSize,
            publishMetricsMs: opts.publishMetricsMs,
        });
        const rec = new Recorder(dir, log, opts);
        rec.start();
        return rec;
    }
    start() {
        const data = {
            version: TAPEDECK_VERSION,
            source: this.opts.source ?? 'api',
            args: JSON.stringify(this.opts.args ?? []),
            clock: this.clockMode,
        };
        if (!this.opts.deterministic) {
            data.host = os.hostname();
            data.pid = process.pid;
            data.node = process.version;
            data.startedAt = formatTsIso(this.clock.anchor);
        }
        const start = { kind: 'session-start', message: `recording ${data.source}`, data };
        if (this.opts.sessionEvents === false) {
            this.passthrough = true;
            return;
        }
        if (this.clockMode === 'receive') {
            this.writeSystem(start, this.stampNow());
        }
        else {
            this.pending = [start];
        }
    }
    /** Receive-clock now (ns since epoch), for measuring gaps and stamping live events. */
    now() {
        return this.clock.now();
    }
    get closedOrFailed() {
        return this.closed;
    }
    // -- writing ---------------------------------------------------------------------------------
    /**
     * Validates, stamps and buffers one event; returns its seq, or null when it was stored as a
     * reject. Durability follows the log's mode (see record / sync). In strict mode bad input
     * throws a ValidationError; call close() (or sync()) to make everything before it durable.
     */
    write(input, ctx = {}) {
        this.checkOpen();
        if (ctx.raw !== undefined)
            this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
        let ev;
        try {
            ev = this.stamp(input, ctx.position);
        }
        catch (err) {
            if (err instanceof ValidationError)
                return this.badInput(err, ctx.raw ?? stringifyRaw(input), ctx.position);
            throw err;
        }
        if (this.pending) {
            if (this.firstSeq < 0 && (this.opts.sessionEvents ?? 'auto') === 'auto' && ev.type === 'system' && ev.kind === 'session-start') {
                // The input is a recording being re-recorded: it brings its own session events.
                this.passthrough = true;
                this.pending = this.pending.filter((p) => p.kind !== 'session-start');
            }
            this.flushPending(ev.ts);
        }
        const seq = writeEvent(this.log, ev);
        if (this.firstSeq < 0)
            this.firstSeq = seq;
        this.lastTs = ev.ts;
        this.byType[ev.type]++;
        this.metrics.inc('events');
        return seq;
    }
    /** One line of canonical JSON. */
    writeLine(text, position) {
        let obj;
        try {
            obj = JSON.parse(text);
        }
        catch (e) {
            this.metrics.inc('bytes', Buffer.byteLength(text) + 1);
            const why = e instanceof Error ? e.message : String(e);
            return this.badInput(new ValidationError('(json)', `is not valid JSON: ${why}`, text, position), text, position);
        }
        return this.write(obj, { position, raw: text });
    }
    /**
     * The outcome of a venue mapping: ticks are written (with `ts` under the source clock),
     * unmapped kinds counted. Returns the number of events written.
     */
    writeMapped(outcome, ts, ctx = {}) {
        if ('unmapped' in outcome) {
            if (ctx.raw !== undefined)
                this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
            this.countUnmapped(outcome.unmapped);
            return 0;
        }
        let n = 0;
        for (let i = 0; i < outcome.ticks.length; i++) {
            const t = outcome.ticks[i];
            // Only the first event of a message accounts for its bytes.
            const c = i === 0 ? ctx : { position: ctx.position };
            // Under the source clock without a receive time, the venue's own time is the only ts there is.
            const at = ts ?? (this.clockMode === 'source' ? t.exchTs : undefined);
            if (this.write(at === undefined ? t : { ...t, ts: at }, c) !== null)
                n++;
        }
        return n;
    }
    /** Like write(), resolving once the event is durable by the log's mode. Strict mode: bad input
     * rejects after everything before it is durable. */
    async record(input, ctx = {}) {
        let seq;
        try {
            seq = this.write(input, ctx);
        }
        catch (err) {
            if (err instanceof ValidationError)
                await this.log.sync();
            throw err;
        }
        if (this.log.durability !== 'async')
            await this.log.sync();
        return seq;
    }
    /** Writes a system event (gap, reconnect, note, …) stamped by the recorder's clock. */
    system(kind, message, data = {}) {
        this.checkOpen();
        if (kind === 'gap')
            this.metrics.inc('gaps');
        if (kind === 'reconnect')
            this.metrics.inc('reconnects');
        const p = { kind, message, data };
        if (this.pending && this.clockMode === 'source') {
            this.queuePending(p);
            return null;
        }
        return this.writeSystem(p, this.stampNow());
    }
    /**
     * Bad input: stored as a system reject (raw text truncated, reason, field, line) and reported
     * through onWarning; in strict mode, thrown instead.
     */
    badInput(err, raw, position) {
        this.checkOpen();
        const placed = position !== undefined && err.position === undefined ? err.at(position) : err;
        if (this.strict) {
            // Start making the prefix durable now; close() / sync() wait for it.
            this.log.sync().catch(() => { });
            throw placed;
        }
        const { text, truncated } = truncateRaw(raw, this.rawLimit);
        const data = { reason: placed.message, field: placed.field, raw: text, rawLength: raw.length };
        if (truncated)
            data.truncated = 1;
        if (position !== undefined)
            data.position = position;
        const line = lineOf(position);
        if (line !== undefined)
            data.line = line;
        this.metrics.inc('rejects');
        const p = { kind: 'reject', message: placed.message, data };
        if (this.pending && this.clockMode === 'source')
            this.queuePending(p);
        else
            this.writeSystem(p, this.stampNow());
        this.onWarning({ message: placed.message, position, field: placed.field, reason: placed.message });
        return null;
    }
    countUnmapped(kind) {
        this.unmapped[kind] = (this.unmapped[kind] ?? 0) + 1;
        this.metrics.inc('unmapped');
    }
    countControl(kind, bytes = 0) {
        this.control[kind] = (this.control[kind] ?? 0) + 1;
        this.metrics.inc('bytes', bytes);
    }
    /** Records every value an Observable emits (events, or canonical JSON strings) until it
     * completes (resolves) or errors (recorded as a system note, then rejected with the error). */
    attach(source) {
        return new Promise((resolve, reject) => {
            let n = 0;
            let done = false;
            let sub;
            const finish = (err) => {
                done = true;
                sub?.unsubscribe();
                const settle = () => (err === undefined ? resolve() : reject(err));
                this.log.sync().then(settle, (e) => reject(err ?? e));
            };
            sub = source.subscribe({
                next: (v) => {
                    if (done)
                        return;
                    n++;
                    try {
                        if (typeof v === 'string')
                            this.writeLine(v, `emission ${n}`);
                        else
                            this.write(v, { position: `emission ${n}` });
                    }
                    catch (err) {
                        finish(err);
                    }
                },
                error: (err) => {
                    if (done)
                        return;
                    const msg = err instanceof Error ? err.message : String(err);
                    try {
                        this.system('note', `source error: ${msg}`, { error: msg, emissions: n });
                    }
                    catch {
                        // The log itself failed: the source's error is still the one to report.
                    }
                    finish(err);
                },
                complete: () => {
                    if (!done)
                        finish();
                },
            });
            // A synchronous source may have finished inside subscribe(), before `sub` was assigned.
            if (done)
                sub.unsubscribe();
        });
    }
    /** Makes everything written so far durable. */
    sync() {
        return this.log.sync();
    }
    // -- closing ---------------------------------------------------------------------------------
    /** Writes session-end (counts, rejects, duration), makes everything durable and seals. */
    async close(opts = {}) {
        if (this.summaryValue)
            return this.summaryValue;
        if (this.closed)
            throw new TapedeckError('LOG_CLOSED', `${this.dir}: the recorder is closing`);
        const errorText = opts.error === undefined ? undefined : opts.error instanceof Error ? opts.error.message : String(opts.error);
        let endWritten = false;
        try {
            if (this.pending)
                this.flushPending(this.lastTs >= 0n ? this.lastTs : 0n);
            if (this.passthrough && errorText === undefined) {
                endWritten = true;
                return this.finishClose(errorText);
            }
            const endTs = this.stampNow();
            const data = {
                events: this.metrics.counters.events,
                rejects: this.metrics.counters.rejects,
                durationMs: this.durationMs(endTs),
            };
            for (const t of EVENT_TYPES)
                if (this.byType[t] > 0)
                    data[`type.${t}`] = this.byType[t];
            for (const [k, v] of Object.entries(this.unmapped))
                data[`unmapped.${k}`] = v;
            for (const [k, v] of Object.entries(this.control))
                data[`control.${k}`] = v;
            if (this.metrics.counters.gaps)
                data.gaps = this.metrics.counters.gaps;
            if (this.metrics.counters.reconnects)
                data.reconnects = this.metrics.counters.reconnects;
            if (errorText !== undefined)
                data.error = errorText;
            this.writeSystem({ kind: 'session-end', message: errorText ? `stopped: ${errorText}` : 'session ended', data }, endTs);
            endWritten = true;
        }
        finally {
            this.closed = true;
            // A failed log refuses close(); its error is what the caller needs to see.
            await this.log.close().catch((e) => {
                if (endWritten || opts.error === undefined)
                    throw e;
            });
        }
        return this.finishClose(errorText);
    }
    finishClose(errorText) {
        this.summaryValue ??= this.buildSummary(errorText);
        return this.summaryValue;
    }
    /** The summary so far (final after close()). */
    summary() {
        return this.summaryValue ?? this.buildSummary(undefined);
    }
    // -- internals -------------------------------------------------------------------------------
    checkOpen() {
        if (this.closed)
            throw new TapedeckError('LOG_CLOSED', `${this.dir}: the recorder is closed`, { path: this.dir });
    }
    /** Stamps runId and ts and validates; throws ValidationError for bad input. */
    stamp(input, position) {
        if (!isPlainObject(input))
            throw new ValidationError('(event)', 'must be an object', input, position);
        const obj = { ...input };
        if (obj.runId === undefined)
            obj.runId = this.runId;
        if (obj.type === 'tick' && obj.exchTs !== undefined)
            obj.exchTs = parseTs(obj.exchTs, 'exchTs', position);
        if (this.clockMode === 'source') {
            if (obj.ts === undefined)
                throw new ValidationError('ts', 'is required with the source clock', undefined, position);
            const ts = parseTs(obj.ts, 'ts', position);
            if (ts < this.lastTs) {
                throw new ValidationError('ts', `goes back in time (the previous event is at ${this.lastTs})`, obj.ts, position);
            }
            obj.ts = ts;
        }
        else {
            // A tick's own timestamp is the venue's: keep it as exchTs; ts is when we received it.
            if (obj.type === 'tick' && obj.ts !== undefined && obj.exchTs === undefined)
                obj.exchTs = parseTs(obj.ts, 'ts', position);
            obj.ts = this.stampNow();
        }
        return validateEvent(obj, position);
    }
    /** The ts for an event the recorder itself stamps: now (receive) or the time axis so far (source). */
    stampNow() {
        if (this.clockMode === 'receive') {
            const t = this.clock.now();
            return t > this.lastTs ? t : this.lastTs;
        }
        return this.lastTs >= 0n ? this.lastTs : 0n;
    }
    queuePending(p) {
        this.pending.push(p);
        // Bounded: a long run of bad lines before any good one is written at the fallback ts.
        if (this.pending.length >= MAX_PENDING)
            this.flushPending(this.lastTs >= 0n ? this.lastTs : 0n);
    }
    flushPending(ts) {
        const pending = this.pending;
        this.pending = null;
        for (const p of pending)
            this.writeSystem(p, ts);
    }
    writeSystem(p, ts) {
        const ev = validateEvent({ type: 'system', ts, runId: this.runId, kind: p.kind, message: p.message, data: p.data });
        const seq = writeEvent(this.log, ev);
        if (this.firstSeq < 0)
            this.firstSeq = seq;
        if (this.startTs === null)
            this.startTs = ts;
        this.lastTs = ts;
        return seq;
    }
    durationMs(endTs) {
        if (this.startTs === null)
            return 0;
        return Number(endTs - this.startTs) / 1e6;
    }
    buildSummary(error) {
        const s = {
            dir: this.dir,
            runId: this.runId,
            clock: this.clockMode,
            events: this.metrics.counters.events,
            rejects: this.metrics.counters.rejects,
            bytes: this.metrics.counters.bytes,
            byType: { ...this.byType },
            unmapped: { ...this.unmapped },
            control: { ...this.control },
            gaps: this.metrics.counters.gaps,
            reconnects: this.metrics.counters.reconnects,
            firstSeq: this.firstSeq,
            lastSeq: this.log.nextSeq - 1,
            firstTs: this.startTs === null ? null : this.startTs.toString(),
            lastTs: this.lastTs >= 0n ? this.lastTs.toString() : null,
            durationMs: this.durationMs(this.lastTs),
        };
        if (error !== undefined)
            s.error = error;
        return s;
    }
}
//# sourceMappingURL=recorder.js.map