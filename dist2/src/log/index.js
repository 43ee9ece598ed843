/** The write-ahead log: a payload-agnostic, segmented, CRC-checked storage engine. */
export { Log, normalizeDurability } from './log.js';
export { compactLog } from './compaction.js';
export { repair } from './recovery.js';
export { decideReader, decideWriter, READER_TABLE, WRITER_TABLE } from './recovery-table.js';
export { UnitScanner } from './scanner.js';
export { acquireLock, readLockHolder, withWriterLock } from './lock.js';
export { LogReader, LogCursor, LogRecord, openReader, RECOVERY_POLICIES } from './reader.js';
export { inspectSegment, listSegmentNames } from './segment-file.js';
export { realFileOps } from './file-ops.js';
export * as format from './format.js';
export { segmentName, parseSegmentName, METRICS_NAME } from './names.js';
export { PowerLossOps } from './power-loss-ops.js';
export { readManifest } from './manifest.js';
//# sourceMappingURL=index.js.map