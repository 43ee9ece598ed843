/**
 * `recordingInfo(dir)`: what a recording holds, in one read of every record: segments, counts by
 * type, run and symbol, the time range, the durable position, the digest, the rejects and gaps
 * recorded, records of unknown types, a torn tail, and how much smaller the log is than the same
 * events as canonical JSONL.
 */
import { decodePayload, eventToJson, isKnownTag } from '../events/index.js';
import { EVENT_TYPES } from '../events/types.js';
import { openReader } from '../log/index.js';
import { StreamDigest } from '../verify/digest.js';
import { alignRows, formatBytes, formatCount, isoOrNull, requireDir, table } from './util.js';
function mark(ev) {
    const m = { seq: ev.seq ?? -1, ts: ev.ts, tsIso: isoOrNull(ev.ts) ?? '', runId: ev.runId, message: ev.message };
    if (ev.data)
        m.data = ev.data;
    return m;
}
/** Reads the whole recording once (tolerating a torn tail, like every reader) and describes it. */
export function recordingInfo(dir, opts = {}) {
    requireDir(dir);
    const listMax = opts.listMax ?? 10;
    const reader = openReader(dir, { policy: 'tolerate-tail' });
    const metas = reader.segments();
    const segments = metas.map((m) => ({
        name: m.name,
        bytes: m.sizeBytes,
        sealed: m.footer !== null,
        records: 0,
        firstSeq: m.firstSeq,
        lastSeq: null,
        firstTs: null,
        lastTs: null,
    }));
    const byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0]));
    const runs = new Map();
    const symbols = new Map();
    const rejects = [];
    const gaps = [];
    let rejectCount = 0;
    let gapCount = 0;
    let records = 0;
    let events = 0;
    let unknown = 0;
    let jsonlBytes = 0;
    let firstSeq = null;
    let lastSeq = null;
    let firstTs = null;
    let lastTs = null;
    let segIdx = 0;
    const digest = new StreamDigest();
    const result = reader.scan({}, (r) => {
        digest.update(r.tsNs, r.type, r.payload);
        records++;
        firstSeq ??= r.seq;
        lastSeq = r.seq;
        firstTs ??= r.tsNs;
        lastTs = r.tsNs;
        // Segments are in seq order: move to the one holding this seq.
        while (segIdx + 1 < segments.length && segments[segIdx + 1].firstSeq <= r.seq)
            segIdx++;
        const seg = segments[segIdx];
        if (seg) {
            seg.records++;
            seg.lastSeq = r.seq;
            seg.firstTs ??= r.tsNs;
            seg.lastTs = r.tsNs;
        }
        if (!isKnownTag(r.type)) {
            unknown++;
            return;
        }
        const ev = decodePayload(r.type, r.payload, r.seq, r.tsNs);
        events++;
        byType[ev.type]++;
        jsonlBytes += Buffer.byteLength(eventToJson(ev)) + 1;
        const run = runs.get(ev.runId);
        if (run) {
            run.events++;
            run.lastTs = ev.ts;
        }
        else
            runs.set(ev.runId, { runId: ev.runId, events: 1, firstTs: ev.ts, lastTs: ev.ts });
        if ('symbol' in ev && ev.symbol !== undefined)
            symbols.set(ev.symbol, (symbols.get(ev.symbol) ?? 0) + 1);
        if (ev.type === 'system') {
            if (ev.kind === 'reject') {
                rejectCount++;
                if (rejects.length < listMax)
                    rejects.push(mark(ev));
            }
            else if (ev.kind === 'gap') {
                gapCount++;
                if (gaps.length < listMax)
                    gaps.push(mark(ev));
            }
        }
    });
    const torn = result.problems.find((p) => p.kind === 'torn');
    const bytes = segments.reduce((n, s) => n + s.bytes, 0);
    const bySymbol = [...symbols].map(([symbol, n]) => ({ symbol, events: n }));
    bySymbol.sort((a, b) => b.events - a.events || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
    const ft = firstTs;
    const lt = lastTs;
    return {
        dir,
        segmentCount: segments.length,
        segments,
        records,
        events,
        bytes,
        firstSeq,
        durableSeq: lastSeq,
        firstTs: ft,
        lastTs: lt,
        firstTsIso: isoOrNull(ft),
        lastTsIso: isoOrNull(lt),
        durationNs: ft !== null && lt !== null ? lt - ft : null,
        byType,
        byRun: [...runs.values()],
        bySymbol,
        jsonlBytes,
        compressionRatio: bytes > 0 && events > 0 ? jsonlBytes / bytes : null,
        digest: digest.hex(),
        rejects: { count: rejectCount, first: rejects },
        gaps: { count: gapCount, first: gaps },
        unknownSkipped: unknown,
        tornTail: torn
            ? { file: torn.file, offsetBytes: torn.offsetBytes, bytes: torn.bytes ?? null, seq: torn.seq ?? null, reason: torn.reason }
            : null,
    };
}
function tsLine(ts) {
    return ts === null ? '-' : `${ts}  ${isoOrNull(ts) ?? ''}`.trimEnd();
}
function fmtDuration(ns) {
    const ms = Number(ns / 1000000n);
    if (ms < 1000)
        return `${Number(ns) / 1e6} ms`;
    const s = ms / 1000;
    if (s < 120)
        return `${s.toFixed(3)} s`;
    const m = Math.floor(s / 60);
    if (m < 120)
        return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
/** The human report: aligned, short; lists are cut at `maxRows` lines (default 10). */
export function formatInfo(info, opts = {}) {
    const max = opts.maxRows ?? 10;
    const out = [info.dir];
    const rows = [
        ['segments', `${info.segmentCount} (${info.segments.filter((s) => s.sealed).length} sealed, ${info.segments.filter((s) => !s.sealed).length} active)`],
        ['records', `${formatCount(info.records)}${info.unknownSkipped ? ` (${formatCount(info.unknownSkipped)} of unknown types, skipped)` : ''}`],
        ['bytes', `${formatCount(info.bytes)} (${formatBytes(info.bytes)})`],
        ['first ts', tsLine(info.firstTs)],
        ['last ts', tsLine(info.lastTs)],
    ];
    if (info.durationNs !== null)
        rows.push(['duration', fmtDuration(info.durationNs)]);
    rows.push(['seq', info.firstSeq === null ? '-' : `${info.firstSeq}..${info.durableSeq}`]);
    rows.push(['durable seq', info.durableSeq === null ? '-' : String(info.durableSeq)]);
    rows.push([
        'compression',
        info.compressionRatio === null ? '-' : `${info.compressionRatio.toFixed(2)}x (${formatBytes(info.jsonlBytes)} as JSONL)`,
    ]);
    rows.push(['digest', info.digest]);
    rows.push(['rejects', formatCount(info.rejects.count)]);
    rows.push(['gaps', formatCount(info.gaps.count)]);
    const t = info.tornTail;
    rows.push(['torn tail', t ? `${t.file} at byte ${t.offsetBytes}${t.bytes !== null ? `, ${t.bytes} bytes` : ''} (${t.reason}); the next writer drops it` : 'none']);
    out.push(...alignRows(rows));
    const types = EVENT_TYPES.filter((ty) => info.byType[ty] > 0).map((ty) => [ty, formatCount(info.byType[ty])]);
    if (types.length > 0) {
        out.push('events by type');
        out.push(...table(types, [false, true], '  '));
    }
    const cut = (xs, f) => xs.slice(0, max).map(f);
    const more = (n) => (n > max ? [`  … ${n - max} more`] : []);
    if (info.byRun.length > 0) {
        out.push('events by run');
        out.push(...table(cut(info.byRun, (r) => [r.runId, formatCount(r.events), `${isoOrNull(r.firstTs) ?? r.firstTs}  ..  ${isoOrNull(r.lastTs) ?? r.lastTs}`]), [false, true, false]));
        out.push(...more(info.byRun.length));
    }
    if (info.bySymbol.length > 0) {
        out.push('events by symbol');
        out.push(...table(cut(info.bySymbol, (s) => [s.symbol, formatCount(s.events)]), [false, true]));
        out.push(...more(info.bySymbol.length));
    }
    out.push('segments');
    out.push(...table(cut(info.segments, (s) => [
        s.name,
        formatBytes(s.bytes),
        s.sealed ? 'sealed' : 'active',
        `${formatCount(s.records)} rec`,
        s.lastSeq === null ? '-' : `seq ${s.firstSeq}..${s.lastSeq}`,
    ]), [false, true, false, true, false]));
    out.push(...more(info.segments.length));
    const marks = (label, m) => {
        if (m.count === 0)
            return;
        out.push(`${label} (first ${m.first.length} of ${m.count})`);
        out.push(...table(m.first.map((x) => [`seq ${x.seq}`, x.tsIso, x.message.replace(/\s+/g, ' ').slice(0, 100)]), [false, false, false]));
    };
    marks('rejects', info.rejects);
    marks('gaps', info.gaps);
    return out.join('\n') + '\n';
}
//# sourceMappingURL=info.js.map