/** Recording live sessions and importing captures: the Recorder and its sources. */
export { Recorder } from './recorder.js';
export { ReceiveClock, defaultClocks } from './clock.js';
export { mapBinance, mapCoinbase, mapperFor, parseDecimal, msToNs, VENUE_FORMATS } from './venues.js';
export { parseCaptureLine, secondsToNs } from './capture.js';
export { CsvEvents, splitCsvRecord } from './csv.js';
export { openInput } from './input.js';
export { recordJsonl, recordCsv, recordCapture, recordVenueLines } from './sources.js';
export { recordWebSocket, backoffDelay } from './ws.js';
export { importFile, formatFromName, formatFromContent, IMPORT_FORMATS } from './importer.js';
export { parseSize } from './size.js';
export { TAPEDECK_VERSION } from '../util/version.js';
//# sourceMappingURL=index.js.map