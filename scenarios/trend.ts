import { defineScenario } from 'tapedeck';

/** A steady uptrend a trend follower should ride: GBM with a strong drift over low noise. */
export default defineScenario({
  name: 'trend',
  description: 'A steady uptrend: geometric Brownian motion drifting about +3% over three minutes.',
  seed: 7,
  start: '2024-03-01T15:00:00Z',
  duration: '3m',
  symbols: [{ symbol: 'ETH-USD', venue: 'sim', price: 3500, tickSize: 0.05, lotSize: 0.01 }],
  build(ctx) {
    // drift is per hour: 0.6/h over 3 min is about +3%, well above the 3-minute noise (~0.4%).
    ctx.ticks('ETH-USD', { model: 'gbm', drift: 0.6, volatility: 0.02, spreadBps: 1, size: { mean: 2 }, ratePerSec: 50 });
  },
});
