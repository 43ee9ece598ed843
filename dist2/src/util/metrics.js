/**
 * Counters and HDR histograms, readable at any time and printable as a short report. Used by the
 * log, the recorder and the replayer (each owns its own Metrics).
 */
import * as hdr from 'hdr-histogram-js';
/** A histogram of non-negative integer values (nanoseconds, say) from 1 up to one hour in ns. */
export function newHistogram() {
    return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000_000, numberOfSignificantValueDigits: 3 });
}
export function summarize(h) {
    if (h.totalCount === 0)
        return { count: 0, p50: 0, p99: 0, p999: 0, max: 0, mean: 0 };
    return {
        count: h.totalCount,
        p50: h.getValueAtPercentile(50),
        p99: h.getValueAtPercentile(99),
        p999: h.getValueAtPercentile(99.9),
        max: h.maxValue,
        mean: h.mean,
    };
}
export class Metrics {
    counters = {};
    histograms = {};
    constructor(counterNames = [], histogramNames = []) {
        for (const c of counterNames)
            this.counters[c] = 0;
        for (const h of histogramNames)
            this.histograms[h] = newHistogram();
    }
    inc(name, by = 1) {
        this.counters[name] = (this.counters[name] ?? 0) + by;
    }
    /** Records a value (clamped to the histogram's range: a lag is never negative). */
    record(name, value) {
        const h = (this.histograms[name] ??= newHistogram());
        h.recordValue(Math.min(Math.max(1, Math.round(value)), 3_600_000_000_000));
    }
    snapshot() {
        const histograms = {};
        for (const [k, h] of Object.entries(this.histograms))
            histograms[k] = summarize(h);
        return { counters: { ...this.counters }, histograms };
    }
    /** Encodes a histogram so another process can read it (HdrHistogram's compressed base64 form). */
    encodeHistogram(name) {
        const h = this.histograms[name];
        return h ? hdr.encodeIntoCompressedBase64(h) : '';
    }
    /** A short human report; histogram values are taken to be nanoseconds. */
    report() {
        const lines = [];
        for (const [k, v] of Object.entries(this.counters))
            lines.push(`${k.padEnd(22)} ${v}`);
        for (const [k, h] of Object.entries(this.histograms)) {
            const s = summarize(h);
            lines.push(`${k.padEnd(22)} n=${s.count} p50=${fmtNs(s.p50)} p99=${fmtNs(s.p99)} p99.9=${fmtNs(s.p999)} max=${fmtNs(s.max)}`);
        }
        return lines.join('\n');
    }
}
export function decodeHistogram(base64) {
    return hdr.decodeFromCompressedBase64(base64);
}
export function fmtNs(ns) {
    if (ns < 1_000)
        return `${ns}ns`;
    if (ns < 1_000_000)
        return `${(ns / 1_000).toFixed(1)}µs`;
    if (ns < 1_000_000_000)
        return `${(ns / 1_000_000).toFixed(2)}ms`;
    return `${(ns / 1_000_000_000).toFixed(2)}s`;
}
//# sourceMappingURL=metrics.js.map