import { Metrics } from '../util/metrics.js';
import type { FileOps } from './file-ops.js';
export declare function writerMetrics(): Metrics;
export interface MetricsSnapshot {
    records: number;
    bytes: number;
    segments: number;
    lastSeq: number;
    durableSeq: number;
}
/** Writes metrics.json (tmp then rename). Advisory: a failure is swallowed, never fails the log. */
export declare function publishMetricsFile(ops: FileOps, dir: string, metrics: Metrics, s: MetricsSnapshot): void;
