import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RiskManager, runBacktest, type BacktestOptions, type BacktestRun, type Strategy, type StrategyContext } from '../src/backtest/index.js';
import type { FillEvent, OrderEvent, RiskEvent, TapeEvent, TickEvent } from '../src/events/types.js';
import { validateEvent } from '../src/events/validate.js';

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;

let nextSeq = 500;
function tick(ms: number, f: Partial<TickEvent>): TickEvent {
  return { type: 'tick', ts: T0 + BigInt(ms) * MS, runId: 'in', venue: 'X', symbol: 'ABC', seq: nextSeq++, ...f };
}
const quote = (ms: number, bid: number, ask: number): TickEvent => tick(ms, { bid, ask, bidSize: 10, askSize: 10 });

function run(input: TapeEvent[], strategy: Strategy, opts: Partial<BacktestOptions> = {}): BacktestRun {
  const r = runBacktest(input, { strategy, runId: 'bt', rng: () => 0.5, ...opts });
  r.events.forEach((e, i) => validateEvent(e, `output ${i}`));
  return r;
}
const byType = <T extends TapeEvent['type']>(r: BacktestRun, type: T) =>
  r.events.filter((e) => e.type === type) as Extract<TapeEvent, { type: T }>[];
const seqOf = (r: BacktestRun, ev: TapeEvent): number => r.seqs[r.events.indexOf(ev)]!;

function perTick(fns: ((ctx: StrategyContext) => void)[], extra: Omit<Strategy, 'name' | 'onTick'> = {}): Strategy & { ticks: number } {
  const s = {
    name: 'test',
    ticks: 0,
    onTick(_t: TickEvent, ctx: StrategyContext) {
      fns[s.ticks++]?.(ctx);
    },
    ...extra,
  };
  return s;
}

test('max position blocks orders that could take the position past the limit; warns near it', () => {
  const rejected: string[] = [];
  const strat = perTick([
    (ctx) => {
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 3, price: 99 }); // worst 3: pass
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 2, price: 99 }); // worst 5: warn
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 99 }); // worst 6: block
      ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 8, price: 102 }); // worst −8: block
      ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 5, price: 102 }); // worst −5: warn
    },
  ], { onOrder: (o) => { if (o.action === 'reject') rejected.push(o.orderId); } });
  const r = run([quote(0, 100, 101)], strat, { risk: { maxPosition: 5 } });
  const risk = byType(r, 'risk');
  assert.equal(risk.map((e) => [e.rule, e.severity, e.value]), [
    ['max-position', 'warn', 5],
    ['max-position', 'block', 6],
    ['max-position', 'block', -8],
    ['max-position', 'warn', -5],
  ]);
  const news = byType(r, 'order').filter((o) => o.action === 'new');
  const rej = byType(r, 'order').filter((o) => o.action === 'reject');
  assert.equal(rej.map((o) => [o.orderId, o.reason]), [['O3', 'risk: max-position'], ['O4', 'risk: max-position']]);
  // new → risk block → reject
  assert.is(risk[1]!.cause, seqOf(r, news[2]!));
  assert.is(rej[0]!.cause, seqOf(r, risk[1]!));
  assert.equal(rejected, ['O3', 'O4']); // the strategy hears about it after its callback
  assert.is(byType(r, 'order').filter((o) => o.action === 'ack').length, 3);
  assert.is(r.summary.blocked, 2);
});

test('a warning fires once on entering the warn zone, again after leaving it', () => {
  const buy = (ctx: StrategyContext, qty: number) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty });
  const strat = perTick([(ctx) => buy(ctx, 9), (ctx) => buy(ctx, 9), (ctx) => buy(ctx, 1), (ctx) => buy(ctx, 9)]);
  const r = run([quote(0, 100, 101), quote(1, 100, 101), quote(2, 100, 101), quote(3, 100, 101)], strat, { risk: { maxNotional: 1000 } });
  // 909, 909 (still in the zone), 101 (leaves it), 909 (enters again)
  assert.equal(byType(r, 'risk').map((e) => [e.severity, e.value, e.ts]), [
    ['warn', 909, T0],
    ['warn', 909, T0 + 3n * MS],
  ]);
});

test('per-symbol maxPosition map with a * default', () => {
  const strat = perTick([
    (ctx) => {
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 3, price: 99 });
      ctx.submit({ symbol: 'DEF', side: 'buy', kind: 'limit', qty: 3, price: 99 });
    },
  ]);
  const r = run([quote(0, 100, 101)], strat, { risk: { maxPosition: { ABC: 10, '*': 2 }, warnAt: 0 } });
  assert.equal(byType(r, 'risk').map((e) => [e.symbol, e.severity]), [['DEF', 'block']]);
});

test('order rate: orders per second of replay time', () => {
  const limit = (ctx: StrategyContext) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 1, price: 90, tif: 'gtc' });
  const strat = perTick([
    (ctx) => {
      limit(ctx);
      limit(ctx);
      limit(ctx); // third in the same second: blocked
    },
    (ctx) => limit(ctx), // 999 ms later: still 2 in the window
    (ctx) => {
      limit(ctx); // 1 s after the first two: they left the window
      limit(ctx);
    },
  ]);
  const r = run([quote(0, 100, 101), quote(999, 100, 101), quote(1000, 100, 101)], strat, { risk: { maxOrdersPerSecond: 2 } });
  const risk = byType(r, 'risk');
  assert.equal(risk.map((e) => [e.rule, e.severity, e.ts]), [
    ['max-order-rate', 'block', T0],
    ['max-order-rate', 'block', T0 + 999n * MS],
  ]);
  assert.is(byType(r, 'order').filter((o) => o.action === 'ack').length, 4);
});

test('the order-rate window is kept only under a rate limit (it is not memory, nor snapshot state, that grows with the run)', () => {
  const order = (i: number) => ({ symbol: 'ABC', side: 'buy' as const, qty: 1, refPrice: 100, position: 0, openBuy: 0, openSell: 0, now: T0 + BigInt(i) * MS });
  const free = new RiskManager({ maxPosition: 1e9 });
  const limited = new RiskManager({ maxOrdersPerSecond: 1e9 });
  for (let i = 0; i < 3000; i++) {
    assert.equal(free.checkOrder(order(i)), []);
    assert.equal(limited.checkOrder(order(i)), []);
  }
  assert.equal(free.saveState().accepted, []);
  // 3 s of orders, 1 per ms: the window holds the last second's (pruned as it goes).
  const kept = limited.saveState().accepted;
  assert.ok(kept.length >= 1000 && kept.length <= 2100, `kept ${kept.length}`);
});

test('max notional: market orders priced at the touch, limits at their price', () => {
  const strat = perTick([
    (ctx) => {
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10 }); // 10 × 101 = 1010: block
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'limit', qty: 9, price: 100 }); // 900: warn (≥ 90%)
      ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'market', qty: 5 }); // 500: pass silently
    },
  ]);
  const r = run([quote(0, 100, 101)], strat, { risk: { maxNotional: 1000 } });
  assert.equal(byType(r, 'risk').map((e) => [e.rule, e.severity, e.value, e.limit]), [
    ['max-notional', 'block', 1010, 1000],
    ['max-notional', 'warn', 900, 1000],
  ]);
  assert.is(byType(r, 'fill').length, 1);
});

test('kill switch on max loss: cancels working orders, flattens with market orders, stops the strategy', () => {
  const t0 = quote(0, 100, 101);
  const t1 = quote(1, 97.5, 98.5); // mid 98: 10 × (98 − 101) = −30 ≤ −20
  const t2 = quote(2, 99, 100);
  const strat = perTick([
    (ctx) => {
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10 });
      ctx.submit({ symbol: 'ABC', side: 'sell', kind: 'limit', qty: 10, price: 110, tif: 'gtc' });
    },
  ]);
  let ended = false;
  strat.onEnd = () => (ended = true);
  const r = run([t0, t1, t2], strat, { risk: { maxLoss: 20 } });
  assert.is(strat.ticks, 1); // never called after the kill
  assert.not.ok(ended);
  const risk = byType(r, 'risk');
  const kill = risk.find((e) => e.severity === 'kill')!;
  assert.equal([kill.rule, kill.value, kill.limit, kill.cause, kill.ts], ['max-loss', -30, -20, t1.seq, t1.ts]);
  const killSeq = seqOf(r, kill);
  const orders = byType(r, 'order');
  const cancel = orders.find((o) => o.action === 'cancel')!;
  assert.equal([cancel.orderId, cancel.cause], ['O2', killSeq]);
  const flatten = orders.find((o) => o.action === 'new' && o.reason === 'kill switch: flatten')!;
  assert.equal([flatten.side, flatten.kind, flatten.qty, flatten.cause], ['sell', 'market', 10, killSeq]);
  const fills = byType(r, 'fill');
  const ff = fills[1]!;
  assert.equal([ff.orderId, ff.price, ff.qty, ff.cause], [flatten.orderId, 97.5, 10, seqOf(r, flatten)]);
  const info = risk.find((e) => e.severity === 'info')!;
  assert.equal([info.rule, info.symbol, info.cause], ['kill-switch', 'ABC', seqOf(r, ff)]);
  assert.ok(r.summary.killed);
  assert.match(r.summary.killReason!, /^max-loss/);
  assert.is(r.summary.positions['ABC']!.qty, 0);
  assert.is(r.summary.realizedPnl, -35);
  assert.is(r.summary.openOrders, 0);
});

test('kill switch on drawdown, and a scripted kill from the input', () => {
  const buy = (ctx: StrategyContext) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 10 });
  // Up 10 × (110.5 − 101) then back to 105.5: a 50 drawdown ≥ 40.
  const s1 = perTick([buy]);
  const r1 = run([quote(0, 100, 101), quote(1, 110, 111), quote(2, 105, 106)], s1, { risk: { maxDrawdown: 40 } });
  const k1 = byType(r1, 'risk').find((e) => e.severity === 'kill')!;
  assert.equal([k1.rule, k1.value], ['max-drawdown', 50]);
  assert.is(r1.summary.positions['ABC']!.qty, 0);

  const s2 = perTick([buy]);
  const scripted: RiskEvent = { type: 'risk', ts: T0 + 5n * MS, runId: 'in', seq: 9999, rule: 'exchange-halt', severity: 'kill', detail: 'scripted' };
  const r2 = run([quote(0, 100, 101), scripted, quote(6, 100, 101)], s2);
  const k2 = byType(r2, 'risk').find((e) => e.severity === 'kill')!;
  assert.equal([k2.rule, k2.cause, k2.ts], ['input-kill', 9999, scripted.ts]);
  assert.equal(byType(r2, 'fill').map((f: FillEvent) => [f.side, f.price]), [['buy', 101], ['sell', 100]]);
  assert.is(s2.ticks, 1);
  const r3 = run([quote(0, 100, 101), scripted], perTick([buy]), { honorInputKill: false });
  assert.not.ok(r3.summary.killed);
});

test('kill with no market to flatten into retries on the next quote', () => {
  const strat = perTick([(ctx) => ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: 5 })]);
  const scripted: RiskEvent = { type: 'risk', ts: T0 + 1n * MS, runId: 'in', seq: 1, rule: 'x', severity: 'kill', detail: 'd' };
  // A one-sided book (offers only): the flatten sell finds no bid and is rejected; the next
  // quote with a bid gets a new one, which takes 2 there and the last 3 at the following quote.
  const r = run([tick(0, { ask: 101, askSize: 10 }), scripted, tick(2, { bid: 99, bidSize: 2 }), tick(3, { bid: 98, bidSize: 10 })], strat);
  const fl = byType(r, 'order').filter((o: OrderEvent) => o.reason === 'kill switch: flatten' || o.orderId === 'O2' || o.orderId === 'O3');
  assert.equal(fl.map((o) => [o.orderId, o.action]), [['O2', 'new'], ['O2', 'reject'], ['O3', 'new'], ['O3', 'ack']]);
  assert.equal(byType(r, 'fill').map((f) => [f.side, f.price, f.qty]), [['buy', 101, 5], ['sell', 99, 2], ['sell', 98, 3]]);
  assert.is(r.summary.positions['ABC']!.qty, 0);
  assert.is(byType(r, 'risk').filter((e) => e.severity === 'info').length, 1);
});

test.run();
