export * from './types.js';
export { INT64_MAX, compareCodePoints, type FieldKind, type FieldSpec } from './schema.js';
export { validateEvent, checkEvent } from './validate.js';
export { parseTs, formatTs, formatTsIso, parseTimeArg } from './ts.js';
export { eventToJson, parseJsonEvent, parseJsonLines, type JsonOptions } from './json.js';
export { PACKR_OPTIONS, PayloadError, createCodec, decodePayload, encodeEvent, encodePayload, isCanonicalPayload, isKnownTag, type EncodedEvent, type EventCodec, } from './codec.js';
export { pendingOrders, type PendingOrder, type PendingOptions } from './pending.js';
export { openRecording, openEventLog, writeEvent, EventCursor, type EventReadOptions, type Recording } from './recording.js';
