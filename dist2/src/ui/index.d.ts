/** The browser UI: a local server with a live dashboard, a replay deck and backtest reports. */
export { startUiServer, staticRoutes, type UiServer, type UiServerOptions } from './server.js';
export { Catalog, CatalogEntry, findRecordings } from './catalog.js';
export { Deck, type DeckAction, type DeckControl, type DeckState, type AroundEvent } from './deck.js';
export { Timeline, type Marker, type Quote, type SymbolSeries } from './timeline.js';
export { downsampleMinMax, lowerBound, upperBound, type Downsampled } from './downsample.js';
export { backtestReport, readBacktestManifest, type BacktestManifest, type BacktestReport } from './backtest-report.js';
export { CSP, SECURITY_HEADERS } from './security.js';
