import { defineScenario } from 'tapedeck';

/** A flaky feed: a 10 s outage, duplicate packets and late (out-of-order) venue timestamps. */
export default defineScenario({
  name: 'feed-outage',
  description: 'EUR-USD feed drops for 10 s at 50s (gap, then reconnect), with duplicate and late packets throughout.',
  seed: 11,
  start: '2024-03-01T09:00:00Z',
  duration: '2m',
  symbols: [{ symbol: 'EUR-USD', venue: 'fx', price: 1.0842, tickSize: 0.00001, lotSize: 1000 }],
  build(ctx) {
    ctx.ticks('EUR-USD', { model: 'gbm', volatility: 0.004, spreadBps: 0.8, size: { mean: 1_000_000 }, ratePerSec: 60 });
    ctx.feedOutage({ at: '50s', durationSec: 10 });
    // A burst of retransmissions right after the reconnect, and a trickle all session.
    ctx.duplicates({ at: '1m', count: 20 });
    ctx.duplicates({ rate: 0.002 });
    ctx.outOfOrder({ rate: 0.003, maxSkewMs: 5 });
    ctx.system('1m', { kind: 'note', message: 'primary line restored; running on line A', data: { line: 'A' } });
  },
});
