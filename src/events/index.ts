export * from './types.js';
export { Decimal, compareDecimals, addDecimals, toNumber, toDecimal, DECIMAL_EXPONENT_MIN, DECIMAL_EXPONENT_MAX } from './decimal.js';
export { INT64_MAX, compareCodePoints, type FieldKind, type FieldSpec } from './schema.js';
export { validateEvent, checkEvent } from './validate.js';
export { parseTs, formatTs, formatTsIso, parseTimeArg, parseDurationArg, implausibleNsUnit, TS_UNITS, type TsUnit, type TimeArgOptions } from './ts.js';
export { eventToJson, parseJsonEvent, parseJsonLines, type JsonOptions } from './json.js';
export {
  PACKR_OPTIONS,
  PayloadError,
  createCodec,
  decodePayload,
  encodeEvent,
  encodePayload,
  isCanonicalPayload,
  isKnownTag,
  type EncodedEvent,
  type EventCodec,
} from './codec.js';
export { pendingOrders, PendingTracker, type PendingOrder, type PendingOptions } from './pending.js';
export { takeSnapshot, restoreSnapshot, jsonLines, readJsonLines, ROWS_PER_CHUNK, type Stateful } from './state.js';
export { openRecording, openEventLog, writeEvent, writeEvents, EventCursor, type EventReadOptions, type Recording } from './recording.js';
