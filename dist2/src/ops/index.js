/** Operating recordings: info, export (JSONL, CSV, JSON), compaction and live stats. The CLI's
 * info / export / compact / stats commands are thin shells over these. */
export { recordingInfo, formatInfo } from './info.js';
export { EXPORT_FORMATS, exportChunks, exportRecording, exportToStrings, firstTsOf, parseEventTypes, resolveTimeRange, } from './export.js';
export { canonicalMapJson, csvCell, csvColumns, csvHeader, eventToCsvRow } from './csv.js';
export { compactRecording, formatCompact } from './compact.js';
export { formatStats, formatStatsLine, parseMetrics, readStats, sampleStats, statsJson, statsView, StatsTracker, watchStats } from './stats.js';
export { formatBytes, toJson } from './util.js';
//# sourceMappingURL=index.js.map