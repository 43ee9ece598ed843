/** The write-ahead log: a payload-agnostic, segmented, CRC-checked storage engine. */
export { Log, compactLog, normalizeDurability } from './log.js';
export type { AppendRecord, CompactResult, Durability, DurabilityMode, LogOptions, LogStats, RecoveryReport, RotationStep, SegmentStats } from './log.js';
export { LogReader, LogCursor, LogRecord, openReader, RECOVERY_POLICIES } from './reader.js';
export type { ReadOptions, ReaderOptions, ReadProblem, RecoveryPolicy, ScanResult } from './reader.js';
export { inspectSegment, listSegmentNames } from './segment-file.js';
export type { SegmentMeta } from './segment-file.js';
export { realFileOps } from './file-ops.js';
export type { FileOps } from './file-ops.js';
export * as format from './format.js';
export { segmentName, parseSegmentName, METRICS_NAME } from './names.js';
