/** Recording live sessions and importing captures: the Recorder and its sources. */
export { Recorder } from './recorder.js';
export type { ClockMode, RecorderOptions, RecordSummary, RecordWarning, WriteContext } from './recorder.js';
export { ReceiveClock, defaultClocks, type ClockSources } from './clock.js';
export { mapBinance, mapCoinbase, mapperFor, parseDecimal, msToNs, VENUE_FORMATS } from './venues.js';
export type { MapOutcome, Mapper, TickDraft, VenueFormat } from './venues.js';
export { parseCaptureLine, secondsToNs, type CaptureLine } from './capture.js';
export { CsvEvents, splitCsvRecord } from './csv.js';
export { openInput, type InputSource, type Line, type LineSink } from './input.js';
export { recordJsonl, recordCsv, recordCapture, recordVenueLines, type LoopOptions } from './sources.js';
export { recordWebSocket, backoffDelay, type BackoffOptions, type WsFormat, type WsSourceOptions } from './ws.js';
export { importFile, formatFromName, formatFromContent, IMPORT_FORMATS } from './importer.js';
export type { ImportFormat, ImportOptions, ImportProgress, ImportSummary } from './importer.js';
export { parseSize } from './size.js';
export { TAPEDECK_VERSION } from '../util/version.js';
