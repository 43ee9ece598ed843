/**
 * The writer's metrics: its counters and histograms, and metrics.json (advisory, written
 * atomically beside the segments for `tapedeck stats` in another process).
 */
import * as path from 'node:path';
import { Metrics } from '../util/metrics.js';
import { METRICS_NAME, TMP_SUFFIX } from './names.js';
export function writerMetrics() {
    return new Metrics(['records', 'bytesWritten', 'fsyncs', 'rotations', 'batches', 'tornTailsRecovered', 'writeFailures'], ['appendLatencyNs', 'fsyncLatencyNs']);
}
/** Writes metrics.json (tmp then rename). Advisory: a failure is swallowed, never fails the log. */
export function publishMetricsFile(ops, dir, metrics, s) {
    const doc = {
        pid: process.pid,
        ...s,
        counters: metrics.counters,
        appendLatencyNs: metrics.encodeHistogram('appendLatencyNs'),
        fsyncLatencyNs: metrics.encodeHistogram('fsyncLatencyNs'),
    };
    const p = path.join(dir, METRICS_NAME);
    try {
        ops.writeFileSync(p + TMP_SUFFIX, JSON.stringify(doc));
        ops.renameSync(p + TMP_SUFFIX, p);
    }
    catch {
        // Metrics are advisory: never fail the log for them.
    }
}
//# sourceMappingURL=log-metrics.js.map