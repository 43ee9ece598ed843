import { defineScenario } from 'tapedeck';

/**
 * A flash crash: the mid falls 8% in a second and a half, spreads blow out, books thin, then it
 * recovers over 40 s. A strategy should be flat within 500 ms of the crash's start (the system
 * event with data.marker 'flash-crash').
 */
export default defineScenario({
  name: 'flash-crash',
  description: 'BTC-USD falls 8% in 1.5 s at 1m30s and recovers over 40 s; the strategy must be flat within 500 ms.',
  seed: 42,
  start: '2024-03-01T16:00:00Z',
  duration: '3m',
  symbols: [{ symbol: 'BTC-USD', venue: 'sim', price: 62000, tickSize: 0.5, lotSize: 0.001 }],
  build(ctx) {
    ctx.ticks('BTC-USD', { model: 'gbm', volatility: 0.015, spreadBps: 0.5, size: { mean: 0.25 }, ratePerSec: 50 });
    ctx.flashCrash({ symbol: 'BTC-USD', at: '1m30s', depthPct: 8, dropSec: 1.5, recoverySec: 40 });
  },
  // Resolved relative to this file: dist/scenarios/strategies/ma-crossover.js once compiled.
  strategy: { path: './strategies/ma-crossover.js', options: { fast: 20, slow: 100, qty: 0.1, shockPct: 0.5, shockWindowMs: 250, cooldownMs: 60_000 } },
  expectations: [{ kind: 'flat-within', afterEvent: 'flash-crash', withinMs: 500, symbol: 'BTC-USD' }],
});
