/**
 * A recording: a log directory whose records are events. This is where the payload-agnostic log
 * meets the event codec; everything above (recorder, replayer, verification) goes through here.
 */
import { Log, openReader } from '../log/index.js';
import { decodePayloadAt, encodeEvent } from './codec.js';
import { SCHEMA_VERSION, TAG_TYPE, TYPE_TAG } from './types.js';
const KNOWN_TAGS = [...TAG_TYPE.keys()];
/** Pulls decoded events, filtered; null when nothing is available now (see `done`). */
export class EventCursor {
    cursor;
    symbols;
    venues;
    runId;
    /** Some filter beyond type and range applies (those two are the log cursor's). */
    filtered;
    constructor(cursor, opts) {
        this.cursor = cursor;
        this.symbols = opts.symbols && opts.symbols.length > 0 ? new Set(opts.symbols) : null;
        this.venues = opts.venues && opts.venues.length > 0 ? new Set(opts.venues) : null;
        this.runId = opts.runId;
        this.filtered = this.runId !== undefined || this.symbols !== null || this.venues !== null;
    }
    get done() {
        return this.cursor.done;
    }
    get problems() {
        return this.cursor.problems;
    }
    /** Records of types this version does not know: skipped, never a failure. */
    get unknownSkipped() {
        return this.cursor.unknownSkipped;
    }
    /**
     * The next matching event. Nothing of the record is kept once it is decoded (the schema has no binary fields, so the event.s
     * fields are copies), so the read chunk its payload pointed into can be freed.
     */
    next() {
        if (!this.filtered) {
            const r = this.cursor.next();
            return r === null ? null : decodePayloadAt(r.type, r.chunk, r.payloadStart, r.payloadEnd, r.seq, r.tsNs);
        }
        for (let r = this.cursor.next(); r !== null; r = this.cursor.next()) {
            const ev = decodePayloadAt(r.type, r.chunk, r.payloadStart, r.payloadEnd, r.seq, r.tsNs);
            if (this.runId !== undefined && ev.runId !== this.runId)
                continue;
            if (this.symbols && !('symbol' in ev && ev.symbol !== undefined && this.symbols.has(ev.symbol)))
                continue;
            if (this.venues && !('venue' in ev && this.venues.has(ev.venue)))
                continue;
            return ev;
        }
        return null;
    }
    close() {
        this.cursor.close();
    }
}
export function openRecording(dir, opts = {}) {
    const reader = openReader(dir, { ...opts, knownTypes: KNOWN_TAGS });
    const cursor = (o = {}) => new EventCursor(reader.cursor({
        fromSeq: o.fromSeq,
        fromTs: o.fromTs,
        toSeq: o.toSeq,
        toTs: o.toTs,
        follow: o.follow,
        types: o.types ? o.types.map((t) => TYPE_TAG[t]) : undefined,
    }), o);
    return {
        dir,
        reader,
        cursor,
        *events(o = {}) {
            const c = cursor(o);
            try {
                for (let ev = c.next(); ev !== null; ev = c.next())
                    yield ev;
            }
            finally {
                c.close();
            }
        },
    };
}
/** Opens a log for writing events (its segments say which schema version wrote them). */
export function openEventLog(dir, opts = {}) {
    return Log.open(dir, { ...opts, userVersion: SCHEMA_VERSION });
}
/** Buffers one event in the log (validation is the caller's: see validateEvent); returns its seq. */
export function writeEvent(log, ev) {
    const e = encodeEvent(ev);
    return log.write(e.type, e.tsNs, e.payload);
}
//# sourceMappingURL=recording.js.map