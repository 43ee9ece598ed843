/** The browser UI: a local server with a live dashboard, a replay deck and backtest reports. */
export { startUiServer, staticRoutes } from './server.js';
export { Catalog, CatalogEntry, findRecordings } from './catalog.js';
export { Deck } from './deck.js';
export { Timeline } from './timeline.js';
export { downsampleMinMax, lowerBound, upperBound } from './downsample.js';
export { backtestReport, readBacktestManifest } from './backtest-report.js';
export { CSP, SECURITY_HEADERS } from './security.js';
//# sourceMappingURL=index.js.map