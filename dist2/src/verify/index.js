/** Verification: recording integrity, the canonical digest, and event-by-event comparison. */
export { DIGEST_VERSION, StreamDigest, digestRecording, digestRecordingDetailed, normalizeDigest } from './digest.js';
export { verifyRecording } from './integrity.js';
export { KNOWN_FIELDS, compareEvents, diffRecordings, formatFieldValue, toJsonValue } from './diff.js';
export { rerecordBus, replayRoundTrip } from './roundtrip.js';
//# sourceMappingURL=index.js.map