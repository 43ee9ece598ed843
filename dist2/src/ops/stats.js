/**
 * Live statistics of a recording another process is writing: the writer publishes metrics.json
 * beside the segments (Log's `publishMetricsMs`; `tapedeck record` does every second) with its
 * counters and HDR histograms; we read it together with the segment files' sizes. Rates come from
 * the difference between two samples. Wall-clock time is fine here: nothing deterministic depends
 * on it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { METRICS_NAME } from '../log/index.js';
import { SEGMENT_SUFFIX, LOCK_NAME } from '../log/names.js';
import { decodeHistogram, fmtNs, summarize } from '../util/metrics.js';
import { formatBytes, formatCount, requireDir } from './util.js';
const EMPTY = { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
function histogram(b64) {
    if (typeof b64 !== 'string' || b64 === '')
        return EMPTY;
    try {
        return summarize(decodeHistogram(b64));
    }
    catch {
        return EMPTY;
    }
}
function pidAlive(pid) {
    if (pid === process.pid)
        return true;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (err) {
        return err.code === 'EPERM';
    }
}
/** Parses metrics.json text; null when it is not what a writer publishes. */
export function parseMetrics(text, updatedMs) {
    let doc;
    try {
        doc = JSON.parse(text);
    }
    catch {
        return null;
    }
    if (typeof doc !== 'object' || doc === null || typeof doc.records !== 'number')
        return null;
    return {
        pid: typeof doc.pid === 'number' ? doc.pid : 0,
        records: doc.records,
        bytes: typeof doc.bytes === 'number' ? doc.bytes : 0,
        lastSeq: typeof doc.lastSeq === 'number' ? doc.lastSeq : doc.records - 1,
        durableSeq: typeof doc.durableSeq === 'number' ? doc.durableSeq : -1,
        counters: typeof doc.counters === 'object' && doc.counters !== null ? doc.counters : {},
        appendLatencyNs: histogram(doc.appendLatencyNs),
        fsyncLatencyNs: histogram(doc.fsyncLatencyNs),
        updatedMs,
    };
}
/** One sample: metrics.json, the lock holder and the files' sizes. */
export function readStats(dir) {
    requireDir(dir);
    const atMs = Date.now();
    let metrics = null;
    const mp = path.join(dir, METRICS_NAME);
    try {
        const st = fs.statSync(mp);
        metrics = parseMetrics(fs.readFileSync(mp, 'utf8'), st.mtimeMs);
    }
    catch {
        metrics = null;
    }
    let pid = null;
    try {
        const n = parseInt(fs.readFileSync(path.join(dir, LOCK_NAME), 'utf8').trim(), 10);
        if (Number.isFinite(n))
            pid = n;
    }
    catch {
        pid = null;
    }
    let segments = 0;
    let segmentBytes = 0;
    let diskBytes = 0;
    for (const name of fs.readdirSync(dir)) {
        let size;
        try {
            const st = fs.statSync(path.join(dir, name));
            if (!st.isFile())
                continue;
            size = st.size;
        }
        catch {
            continue; // removed between the listing and the stat (a rotation, a compaction)
        }
        diskBytes += size;
        if (name.endsWith(SEGMENT_SUFFIX)) {
            segments++;
            segmentBytes += size;
        }
    }
    return { dir, atMs, metrics, writer: { pid, alive: pid !== null && pidAlive(pid) }, segments, segmentBytes, diskBytes };
}
/**
 * Rates between two samples: from the writer's own counts over the time between its two
 * publications when it published in between, else from the segment bytes over wall time (events/s
 * then unknown unless the writer is gone, when both are 0).
 */
export function statsView(prev, cur) {
    let eventsPerSec = null;
    let bytesPerSec = null;
    const a = prev?.metrics;
    const b = cur.metrics;
    if (a && b && b.updatedMs > a.updatedMs && b.pid === a.pid) {
        const dt = (b.updatedMs - a.updatedMs) / 1000;
        eventsPerSec = Math.max(0, (b.records - a.records) / dt);
        bytesPerSec = Math.max(0, (b.bytes - a.bytes) / dt);
    }
    else if (prev && !cur.writer.alive) {
        eventsPerSec = 0;
        bytesPerSec = 0;
    }
    else if (prev && cur.atMs > prev.atMs) {
        bytesPerSec = Math.max(0, ((cur.segmentBytes - prev.segmentBytes) * 1000) / (cur.atMs - prev.atMs));
    }
    return { ...cur, eventsPerSec, bytesPerSec };
}
/** Two samples `intervalMs` apart (one, when no writer is alive): a view with rates. */
export async function sampleStats(dir, opts = {}) {
    const first = readStats(dir);
    if (!first.writer.alive)
        return statsView(null, first);
    try {
        await sleep(opts.intervalMs ?? 1000, undefined, { signal: opts.signal });
    }
    catch {
        return statsView(null, first);
    }
    return statsView(first, readStats(dir));
}
/**
 * Turns a series of samples into views with rates. Rates are measured against the last sample
 * that saw a new publication of the writer; in between, the last known rates are kept (the writer
 * publishes every `publishMetricsMs`; sampling faster must not read as a rate of zero).
 */
export class StatsTracker {
    base = null;
    last = null;
    next(cur) {
        const base = this.base;
        const published = !base || !base.metrics || !cur.metrics || cur.metrics.updatedMs !== base.metrics.updatedMs;
        let v = statsView(base, cur);
        if (!published && this.last && cur.writer.alive)
            v = { ...v, eventsPerSec: this.last.eventsPerSec, bytesPerSec: this.last.bytesPerSec };
        this.last = v;
        if (published)
            this.base = cur;
        return v;
    }
}
/** Calls `onView` every `intervalMs` until the signal aborts (rates: see StatsTracker). */
export async function watchStats(dir, opts, onView) {
    const interval = opts.intervalMs ?? 1000;
    const tracker = new StatsTracker();
    while (!opts.signal?.aborted) {
        onView(tracker.next(readStats(dir)));
        try {
            await sleep(interval, undefined, { signal: opts.signal });
        }
        catch {
            return;
        }
    }
}
function rate(n, unit) {
    return n === null ? '-' : unit(n);
}
/** Plain-data view for --json. */
export function statsJson(v) {
    const m = v.metrics;
    return {
        dir: v.dir,
        at: new Date(v.atMs).toISOString(),
        writer: v.writer,
        records: m?.records ?? null,
        lastSeq: m?.lastSeq ?? null,
        durableSeq: m?.durableSeq ?? null,
        eventsPerSec: v.eventsPerSec,
        bytesPerSec: v.bytesPerSec,
        appendLatencyNs: m ? { p50: m.appendLatencyNs.p50, p99: m.appendLatencyNs.p99, max: m.appendLatencyNs.max, count: m.appendLatencyNs.count } : null,
        fsyncLatencyNs: m ? { p50: m.fsyncLatencyNs.p50, p99: m.fsyncLatencyNs.p99, max: m.fsyncLatencyNs.max, count: m.fsyncLatencyNs.count } : null,
        fsyncs: m?.counters.fsyncs ?? null,
        counters: m?.counters ?? null,
        metricsUpdated: m ? new Date(m.updatedMs).toISOString() : null,
        segments: v.segments,
        segmentBytes: v.segmentBytes,
        diskBytes: v.diskBytes,
    };
}
/** One line (for a refreshing TTY view, or a line per interval when piped). */
export function formatStatsLine(v) {
    const m = v.metrics;
    const parts = [
        `${rate(v.eventsPerSec, (x) => formatCount(x))} ev/s`,
        `${rate(v.bytesPerSec, (x) => formatBytes(Math.round(x)))}/s`,
        m ? `append p50 ${fmtNs(m.appendLatencyNs.p50)} p99 ${fmtNs(m.appendLatencyNs.p99)}` : 'append -',
        `fsyncs ${m ? formatCount(m.counters.fsyncs ?? 0) : '-'}`,
        `records ${m ? formatCount(m.records) : '-'}`,
        `segments ${v.segments}`,
        `disk ${formatBytes(v.diskBytes)}`,
    ];
    if (!v.writer.alive)
        parts.push('(no live writer)');
    return parts.join('  ');
}
/** The multi-line report of one sample. */
export function formatStats(v) {
    const m = v.metrics;
    const rows = [
        ['writer', v.writer.alive ? `pid ${v.writer.pid}` : v.writer.pid !== null ? `pid ${v.writer.pid} (not running: a stale lock)` : 'none'],
        ['events/s', rate(v.eventsPerSec, (x) => formatCount(x))],
        ['bytes/s', rate(v.bytesPerSec, (x) => `${formatBytes(Math.round(x))}/s`)],
        ['append p50/p99', m && m.appendLatencyNs.count > 0 ? `${fmtNs(m.appendLatencyNs.p50)} / ${fmtNs(m.appendLatencyNs.p99)}` : '-'],
        ['fsync p50/p99', m && m.fsyncLatencyNs.count > 0 ? `${fmtNs(m.fsyncLatencyNs.p50)} / ${fmtNs(m.fsyncLatencyNs.p99)}` : '-'],
        ['fsyncs', m ? formatCount(m.counters.fsyncs ?? 0) : '-'],
        ['records', m ? `${formatCount(m.records)} (durable seq ${m.durableSeq})` : '-'],
        ['segments', String(v.segments)],
        ['disk', `${formatCount(v.diskBytes)} bytes (${formatBytes(v.diskBytes)})`],
        ['metrics', m ? `updated ${new Date(m.updatedMs).toISOString()}` : `no ${METRICS_NAME} (no writer has published metrics here)`],
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    return [v.dir, ...rows.map(([k, x]) => `  ${k.padEnd(w)}  ${x}`)].join('\n') + '\n';
}
//# sourceMappingURL=stats.js.map