export * from './types.js';
export { INT64_MAX, compareCodePoints } from './schema.js';
export { validateEvent, checkEvent } from './validate.js';
export { parseTs, formatTs, formatTsIso, parseTimeArg } from './ts.js';
export { eventToJson, parseJsonEvent, parseJsonLines } from './json.js';
export { PACKR_OPTIONS, PayloadError, createCodec, decodePayload, encodeEvent, encodePayload, isCanonicalPayload, isKnownTag, } from './codec.js';
export { pendingOrders } from './pending.js';
export { openRecording, openEventLog, writeEvent, EventCursor } from './recording.js';
//# sourceMappingURL=index.js.map