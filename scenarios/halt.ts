import { defineScenario } from 'tapedeck';

/** A single-stock halt: no ticks for 30 s, system events at both ends, and a risk block when it starts. */
export default defineScenario({
  name: 'halt',
  description: 'TSLA is halted from 1m to 1m30s (volatility pause) while NVDA trades on; TSLA reopens at a new price.',
  seed: 3,
  start: '2024-03-01T17:00:00Z',
  duration: '3m',
  symbols: [
    { symbol: 'TSLA', venue: 'XNAS', price: 175.4, tickSize: 0.01 },
    { symbol: 'NVDA', venue: 'XNAS', price: 880.1, tickSize: 0.01 },
  ],
  build(ctx) {
    ctx.ticks('TSLA', { model: 'gbm', volatility: 0.03, spreadBps: 2, ratePerSec: 30 });
    ctx.ticks('NVDA', { model: 'gbm', volatility: 0.02, spreadBps: 1.5, ratePerSec: 30 });
    ctx.spreadBlowout({ symbol: 'TSLA', at: '55s', durationSec: 5, factor: 6 });
    ctx.halt({ symbol: 'TSLA', from: '1m', to: '1m30s', reason: 'LULD volatility pause' });
    ctx.risk('1m', { rule: 'venue-halt', severity: 'block', symbol: 'TSLA', detail: 'orders blocked: TSLA halted by venue' });
  },
});
