/** Verification: recording integrity, the canonical digest, and event-by-event comparison. */
export { DIGEST_VERSION, StreamDigest, digestRecording, digestRecordingDetailed, normalizeDigest } from './digest.js';
export { DIGEST_CACHE_NAME, cachedDigest, digestCacheKey, readDigestCache, writeDigestCache, type DigestCacheEntry, type DigestCacheKey } from './digest-cache.js';
export type { DigestOptions, DigestResult } from './digest.js';
export { verifyRecording } from './integrity.js';
export type { ProblemKind, TornTail, VerifyOptions, VerifyProblem, VerifyProgress, VerifyResult } from './integrity.js';
export { RECORDED_GAPS_LISTED, type RecordedGap, type RecordedGaps } from './recorded-gaps.js';
export { KNOWN_FIELDS, compareEvents, diffRecordings, formatFieldValue, toJsonValue } from './diff.js';
export type { DiffCounts, DiffOptions, DiffResult, Divergence, EventRef, FieldDifference } from './diff.js';
export { rerecordBus, replayRoundTrip, type RoundTripOptions, type RoundTripResult } from './roundtrip.js';
