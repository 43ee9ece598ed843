import { defineScenario } from 'tapedeck';

/** A quiet market: two symbols on one venue, arithmetic random walks, no incidents. */
export default defineScenario({
  name: 'random-walk',
  description: 'Two symbols in a quiet market: arithmetic random walks, bursty arrivals, no incidents.',
  seed: 1,
  start: '2024-03-01T14:30:00Z',
  duration: '2m',
  symbols: [
    { symbol: 'AAPL', venue: 'XNAS', price: 180.25, tickSize: 0.01 },
    { symbol: 'MSFT', venue: 'XNAS', price: 410.5, tickSize: 0.01 },
  ],
  build(ctx) {
    ctx.ticks('AAPL', { model: 'random-walk', volatility: 0.01, spreadBps: 1.5, ratePerSec: 40 });
    ctx.ticks('MSFT', { model: 'random-walk', volatility: 0.008, spreadBps: 1, ratePerSec: 30, arrival: 'poisson' });
  },
});
