/**
 * The 'l2' fill model: market orders walk the recorded book, resting limits queue behind the
 * displayed size and fill only with what trades past it (hftbacktest's risk-averse queue model),
 * untrusted books refuse orders; and a property test against a naive model of the same rules.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runBacktest, type BacktestRun, type OrderRequest, type Strategy } from '../src/backtest/index.js';
import { Decimal } from '../src/events/decimal.js';
import type { BookEvent, FillEvent, OrderEvent, Side, SystemEvent, TapeEvent, TickEvent } from '../src/events/types.js';
import { validateEvent } from '../src/events/validate.js';
import * as path from 'node:path';
import { importFile } from '../src/record/importer.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';
import { fixture } from './record-helpers.js';

const MM_JS = path.join(repoRoot, 'dist', 'scenarios', 'strategies', 'market-maker.js');

const T0 = 1_700_000_000_000_000_000n;
const MS = 1_000_000n;
const LAST = 128;
const SNAPSHOT = 32;

let seq = 0;
let clock = 0;
const at = () => T0 + BigInt(clock++) * MS;
const dec = (n: number) => new Decimal(Math.round(n * 100), -2);

/** One venue message: sets of [side, price, size], the last flagged LAST (a snapshot starts with a clear). */
function message(levels: [('bid' | 'ask'), number, number][], snapshot = false): BookEvent[] {
  const ts = at();
  const base = { type: 'book' as const, ts, runId: 'in', venue: 'X', symbol: 'ABC' };
  const out: BookEvent[] = [];
  if (snapshot) out.push({ ...base, seq: seq++, action: 'clear', flags: SNAPSHOT });
  for (const [side, price, size] of levels) out.push({ ...base, seq: seq++, action: 'set', side, price: dec(price), size: dec(size), ...(snapshot ? { flags: SNAPSHOT } : {}) });
  const last = out[out.length - 1]!;
  last.flags = (last.flags ?? 0) | LAST;
  return out;
}

/** A trade print (the strategy acts on ticks, so every tick is also a chance to send orders). */
function trade(price: number, size: number, aggressor?: Side): TickEvent {
  return { type: 'tick', ts: at(), runId: 'in', venue: 'X', symbol: 'ABC', seq: seq++, last: dec(price), lastSize: dec(size), ...(aggressor ? { aggressor } : {}) };
}

function gap(): SystemEvent {
  return { type: 'system', ts: at(), runId: 'in', seq: seq++, kind: 'gap', message: 'sequence break', data: { venue: 'X', symbol: 'ABC' } };
}

/** Sends the orders planned for the nth tick (0-based). */
function planned(plan: Map<number, OrderRequest[]>, ids: string[] = []): Strategy {
  let n = 0;
  return {
    name: 'plan',
    onTick(_t, ctx) {
      for (const o of plan.get(n++) ?? []) ids.push(ctx.submit(o));
    },
  };
}

function run(input: TapeEvent[], strategy: Strategy): BacktestRun {
  const r = runBacktest(input, { strategy, runId: 'bt', rng: () => 0.5, venue: { fillModel: 'l2' } });
  r.events.forEach((e, i) => validateEvent(e, `output ${i}`));
  return r;
}
const fills = (r: BacktestRun): FillEvent[] => r.events.filter((e): e is FillEvent => e.type === 'fill');
const orderEvents = (r: BacktestRun, action: string): OrderEvent[] => r.events.filter((e): e is OrderEvent => e.type === 'order' && e.action === action);
const brief = (f: FillEvent) => `${f.side} ${f.qty}@${f.price} ${f.liquidity}`;
const buy = (qty: number, price?: number, tif?: OrderRequest['tif']): OrderRequest => ({ symbol: 'ABC', side: 'buy', kind: price === undefined ? 'market' : 'limit', qty, ...(price !== undefined ? { price } : {}), ...(tif ? { tif } : {}) });
const sell = (qty: number, price?: number, tif?: OrderRequest['tif']): OrderRequest => ({ ...buy(qty, price, tif), side: 'sell' });

test('a market order walks the levels at their prices; what it took stays taken until the venue reports the level again', () => {
  const input = [
    ...message([['bid', 99, 4], ['ask', 101, 2], ['ask', 102, 3], ['ask', 103, 5]], true),
    trade(100, 1), // tick 0: buy 4 at market
    trade(100, 1), // tick 1: buy 2 more before any new book: 101 and 2 of 102 are gone
    ...message([['ask', 101, 2]]), // the venue reports 101 again (2 displayed)
    trade(100, 1), // tick 2: buy 3: 2 at 101 again, then 1 at 103
  ];
  const r = run(input, planned(new Map([[0, [buy(4)]], [1, [buy(2)]], [2, [buy(3)]]])));
  assert.equal(fills(r).map(brief), ['buy 2@101 taker', 'buy 2@102 taker', 'buy 1@102 taker', 'buy 1@103 taker', 'buy 2@101 taker', 'buy 1@103 taker']);
  assert.ok(fills(r).every((f) => f.fee === 0));
});

test('a crossing limit takes up to its price (ioc remainder expires); a market order larger than the book rests no further than ioc allows', () => {
  const input = [...message([['bid', 99, 4], ['ask', 101, 2], ['ask', 102, 3]], true), trade(100, 1)];
  const r = run(input, planned(new Map([[0, [buy(6, 101.5, 'ioc'), sell(10)]]])));
  assert.equal(fills(r).map(brief), ['buy 2@101 taker', 'sell 4@99 taker']);
  assert.equal(orderEvents(r, 'expire').map((e) => e.qty), [4, 6]);
});

test('a resting limit queues behind the displayed size: trades at its price fill it only past the queue ahead', () => {
  const input = [
    ...message([['bid', 100, 5], ['ask', 102, 5]], true),
    trade(101, 1), // tick 0: buy 2 @100 (5 ahead)
    trade(100, 3, 'sell'), // 2 ahead now
    trade(100, 1, 'buy'), // a buyer's print never meets resting bids
    trade(100, 4, 'sell'), // 2 pass the queue, 2 fill us
  ];
  const r = run(input, planned(new Map([[0, [buy(2, 100)]]])));
  assert.equal(fills(r).map(brief), ['buy 2@100 maker']);
  assert.is(fills(r)[0]!.cause, input.at(-1)!.seq);
});

test('a level that shrinks caps the queue ahead (cancels are behind us); a trade through the price fills at once', () => {
  const input = [
    ...message([['bid', 100, 5], ['ask', 102, 5]], true),
    trade(101, 1), // tick 0: buy 3 @100, sell 3 @102 (5 ahead of each)
    ...message([['bid', 100, 1]]), // 4 canceled: assumed behind; at most 1 ahead now
    trade(100, 2, 'sell'), // 1 passes the queue, 1 fills
    trade(103, 2), // unknown aggressor, through our ask at 102: fills 2
  ];
  const r = run(input, planned(new Map([[0, [buy(3, 100), sell(3, 102)]]])));
  assert.equal(fills(r).map(brief), ['buy 1@100 maker', 'sell 2@102 maker']);
});

test('the book moving to a resting price fills it as maker at its price, up to the size shown there', () => {
  const input = [
    ...message([['bid', 100, 5], ['ask', 102, 5]], true),
    trade(101, 1), // tick 0: buy 4 @101 (a new level: nothing ahead)
    ...message([['ask', 102, 0], ['ask', 101, 3]]), // an ask appears at our price
  ];
  const r = run(input, planned(new Map([[0, [buy(4, 101)]]])));
  assert.equal(fills(r).map(brief), ['buy 3@101 maker']);
  assert.is(fills(r)[0]!.cause, input.at(-1)!.seq);
});

test('orders against a missing or untrusted book are rejected, naming why; a snapshot makes it trusted again', () => {
  const input: TapeEvent[] = [
    trade(100, 1), // tick 0: no book yet
    ...message([['bid', 99, 1], ['ask', 101, 1]], true),
    gap(),
    trade(100, 1), // tick 1: untrusted
    ...message([['bid', 99, 1], ['ask', 101, 1]], true),
    trade(100, 1), // tick 2: trusted again
  ];
  const r = run(input, planned(new Map([[0, [buy(1)]], [1, [buy(1)]], [2, [buy(1)]]])));
  const rejects = orderEvents(r, 'reject').map((e) => e.reason);
  assert.equal(rejects, ['no L2 book for ABC on X', 'the L2 book is not trusted (a gap since its last snapshot) for ABC on X']);
  assert.equal(fills(r).map(brief), ['buy 1@101 taker']);
});

test('a strategy reads the L2 book through ctx.book and can trade a book-only input from a timer', () => {
  seq = 0;
  clock = 0;
  const input = [...message([['bid', 99, 4], ['bid', 98, 1], ['ask', 101, 2], ['ask', 102, 3]], true), ...message([['ask', 101, 1]]), trade(100, 1)];
  const seen: unknown[] = [];
  const strategy: Strategy = {
    name: 'timer',
    onStart(ctx) {
      seen.push(ctx.book('ABC'));
      ctx.setTimer(T0 + 2n * MS); // after the second message (a timer runs before input of its own ts)
    },
    onTimer(_ts, ctx) {
      const b = ctx.book('ABC', 1)!;
      seen.push(b);
      ctx.submit({ symbol: 'ABC', side: 'buy', kind: 'market', qty: b.asks[0]!.size + 1 });
    },
  };
  const r = run(input, strategy);
  assert.equal(seen, [undefined, { venue: 'X', symbol: 'ABC', trusted: true, bids: [{ price: 99, size: 4 }], asks: [{ price: 101, size: 1 }] }]);
  assert.equal(fills(r).map(brief), ['buy 1@101 taker', 'buy 1@102 taker']);
  const top = runBacktest(input, { strategy: { name: 'b', onEnd: (ctx) => void seen.push(ctx.book('ABC')) }, runId: 'bt', rng: () => 0.5 });
  assert.is(seen.at(-1), undefined, "no book under the 'top' model");
  assert.is(top.summary.trades, 0);
});

test("the default 'top' model ignores book events (ticks are its market), as before", () => {
  const input = [...message([['bid', 99, 1], ['ask', 101, 1]], true), trade(100, 1)];
  const r = runBacktest(input, { strategy: planned(new Map([[0, [buy(1)]]])), runId: 'bt', rng: () => 0.5 });
  assert.equal(orderEvents(r, 'reject').map((e) => e.reason), ['no market for ABC on X']);
});

// ---- property: the venue equals a naive model of the same rules ---------------------------------

interface NaiveOrder {
  id: number;
  side: Side;
  kind: 'market' | 'limit';
  price: number | undefined;
  qty: number;
  filled: number;
  ahead: number;
  tif: 'ioc' | 'gtc';
}

/** The documented 'l2' rules, written plainly over maps and arrays (no shared code with the venue). */
class NaiveL2 {
  readonly book = { bid: new Map<number, number>(), ask: new Map<number, number>() };
  readonly taken = { bid: new Map<number, number>(), ask: new Map<number, number>() };
  trusted = false;
  resting: NaiveOrder[] = [];
  readonly fills: string[] = [];

  private fill(o: NaiveOrder, price: number, qty: number, liq: string): void {
    o.filled += qty;
    this.fills.push(`#${o.id} ${o.side} ${qty}@${price} ${liq}`);
  }

  private walk(o: NaiveOrder, limit: number | undefined, maker: boolean): void {
    const from = o.side === 'buy' ? 'ask' : 'bid';
    const prices = [...this.book[from].keys()].sort((a, b) => (o.side === 'buy' ? a - b : b - a));
    for (const p of prices) {
      const want = o.qty - o.filled;
      if (want <= 0) break;
      if (limit !== undefined && (o.side === 'buy' ? p > limit : p < limit)) break;
      const avail = this.book[from].get(p)! - (this.taken[from].get(p) ?? 0);
      if (avail <= 0) continue;
      const q = Math.min(want, avail);
      this.taken[from].set(p, (this.taken[from].get(p) ?? 0) + q);
      this.fill(o, maker ? limit! : p, q, maker ? 'maker' : 'taker');
    }
  }

  /** Priority: market first, better price, then arrival. */
  private sorted(side: Side): NaiveOrder[] {
    return this.resting
      .filter((o) => o.side === side)
      .sort((a, b) => (a.kind !== b.kind ? (a.kind === 'market' ? -1 : 1) : a.price !== b.price ? (side === 'buy' ? b.price! - a.price! : a.price! - b.price!) : a.id - b.id));
  }

  private prune(): void {
    this.resting = this.resting.filter((o) => o.filled < o.qty);
  }

  arrive(o: NaiveOrder): void {
    const from = o.side === 'buy' ? 'ask' : 'bid';
    if (!this.trusted || (this.book.bid.size === 0 && this.book.ask.size === 0)) return this.fills.push(`#${o.id} reject`), undefined;
    if (o.kind === 'market' && this.book[from].size === 0) return this.fills.push(`#${o.id} reject`), undefined;
    this.walk(o, o.price, false);
    if (o.filled >= o.qty || o.tif === 'ioc') return;
    o.ahead = o.kind === 'limit' ? (this.book[o.side === 'buy' ? 'bid' : 'ask'].get(o.price!) ?? 0) : 0;
    this.resting.push(o);
  }

  trade(price: number, size: number, aggressor: Side | undefined): void {
    let left = size;
    for (const side of ['buy', 'sell'] as const) {
      if (aggressor === side || left <= 0) continue;
      const limits = this.sorted(side).filter((o) => o.kind === 'limit');
      for (const o of limits) {
        if ((side === 'buy' ? o.price! > price : o.price! < price) && left > 0) {
          const q = Math.min(o.qty - o.filled, left);
          this.fill(o, o.price!, q, 'maker');
          left -= q;
        }
      }
      let given = 0;
      for (const o of limits) {
        if (o.price !== price) continue;
        const reach = size - o.ahead - given;
        o.ahead = Math.max(0, o.ahead - size);
        const q = Math.min(o.qty - o.filled, reach, left);
        if (q > 0) {
          this.fill(o, o.price!, q, 'maker');
          left -= q;
          given += q;
        }
      }
      this.prune();
    }
  }

  message(levels: [('bid' | 'ask'), number, number][], snapshot: boolean): void {
    if (snapshot) {
      this.book.bid.clear();
      this.book.ask.clear();
      this.taken.bid.clear();
      this.taken.ask.clear();
      this.trusted = true;
    }
    for (const [side, p, s] of levels) {
      if (s === 0) this.book[side].delete(p);
      else this.book[side].set(p, s);
      this.taken[side].delete(p);
    }
    for (const o of this.resting) if (o.kind === 'limit') o.ahead = Math.min(o.ahead, this.book[o.side === 'buy' ? 'bid' : 'ask'].get(o.price!) ?? 0);
    if (!this.trusted) return;
    for (const side of ['buy', 'sell'] as const) {
      for (const o of this.sorted(side)) this.walk(o, o.kind === 'market' ? undefined : o.price, o.kind === 'limit');
    }
    this.prune();
  }
}

type Step =
  | { kind: 'msg'; levels: [('bid' | 'ask'), number, number][]; snapshot: boolean }
  | { kind: 'trade'; price: number; size: number; aggressor: Side | undefined; orders: { side: Side; market: boolean; price: number; qty: number; ioc: boolean }[] };

// Bids mostly below asks (they meet at 100, so books sometimes cross a resting order), orders
// mostly priced to rest, prints anywhere: queues form, shrink and are traded through.
const level = fc.oneof(
  fc.tuple(fc.constant<'bid' | 'ask'>('bid'), fc.integer({ min: 95, max: 100 }), fc.integer({ min: 0, max: 6 })),
  fc.tuple(fc.constant<'bid' | 'ask'>('ask'), fc.integer({ min: 100, max: 105 }), fc.integer({ min: 0, max: 6 })),
);
const orderArb = fc.oneof(
  fc.record({ side: fc.constant<Side>('buy'), market: fc.boolean(), price: fc.integer({ min: 96, max: 101 }), qty: fc.integer({ min: 1, max: 6 }), ioc: fc.boolean() }),
  fc.record({ side: fc.constant<Side>('sell'), market: fc.boolean(), price: fc.integer({ min: 99, max: 104 }), qty: fc.integer({ min: 1, max: 6 }), ioc: fc.boolean() }),
);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('msg' as const), levels: fc.array(level, { minLength: 1, maxLength: 4 }), snapshot: fc.boolean() }),
  fc.record({
    kind: fc.constant('trade' as const),
    price: fc.integer({ min: 95, max: 105 }),
    size: fc.integer({ min: 1, max: 8 }),
    aggressor: fc.constantFrom<Side | undefined>('buy', 'sell', undefined),
    orders: fc.array(orderArb, { maxLength: 2 }),
  }),
);

test('property: fills equal a naive model of the l2 rules (random books, prints and orders)', () => {
  fc.assert(
    fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), (steps) => {
      seq = 0;
      clock = 0;
      // The first message is a snapshot, so the book starts trusted (no crossing book in a snapshot).
      const first: Step = { kind: 'msg', levels: [['bid', 98, 4], ['bid', 99, 3], ['ask', 101, 3], ['ask', 102, 4]], snapshot: true };
      const all = [first, ...steps];
      const input: TapeEvent[] = [];
      const plan = new Map<number, OrderRequest[]>();
      const naive = new NaiveL2();
      let ticks = 0;
      let ids = 0;
      for (const s of all) {
        if (s.kind === 'msg') {
          input.push(...message(s.levels, s.snapshot));
          naive.message(s.levels, s.snapshot);
        } else {
          input.push(trade(s.price, s.size, s.aggressor));
          naive.trade(s.price, s.size, s.aggressor);
          const reqs = s.orders.map((o) => (o.market ? { symbol: 'ABC', side: o.side, kind: 'market' as const, qty: o.qty, tif: o.ioc ? ('ioc' as const) : ('gtc' as const) } : { symbol: 'ABC', side: o.side, kind: 'limit' as const, qty: o.qty, price: o.price, tif: o.ioc ? ('ioc' as const) : ('gtc' as const) }));
          plan.set(ticks++, reqs);
          for (const q of reqs) naive.arrive({ id: ids++, side: q.side, kind: q.kind, price: q.kind === 'limit' ? q.price : undefined, qty: q.qty, filled: 0, ahead: 0, tif: q.tif });
        }
      }
      const idList: string[] = [];
      const r = runBacktest(input, { strategy: planned(plan, idList), runId: 'bt', rng: () => 0.5, venue: { fillModel: 'l2' } });
      const got: string[] = [];
      for (const e of r.events) {
        if (e.type === 'fill') got.push(`#${idList.indexOf(e.orderId)} ${e.side} ${e.qty}@${e.price} ${e.liquidity}`);
        else if (e.type === 'order' && e.action === 'reject') got.push(`#${idList.indexOf(e.orderId)} reject`);
      }
      assert.equal(got, naive.fills);
    }),
    { numRuns: 300, seed: 11 },
  );
});

test('deterministic: the same input gives the same output events', () => {
  seq = 0;
  clock = 0;
  const input = [...message([['bid', 100, 5], ['ask', 102, 5]], true), trade(101, 1), trade(100, 6, 'sell'), ...message([['ask', 100, 2]])];
  const plan = new Map([[0, [buy(3, 100), sell(1)]]]);
  const a = run(input, planned(plan));
  const b = run(input, planned(plan));
  assert.equal(a.events, b.events);
  assert.ok(fills(a).length > 0);
});

test('CLI: backtest --fill-model l2 on the Binance excerpt (book + ticks): recorded in the manifest, byte-identical twice; a bad model is exit 2', async () => {
  const root = tmpDir();
  try {
    const rec = path.join(root, 'bn');
    await importFile(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), rec, { deterministic: true, onWarning: () => {} });
    const args = ['backtest', rec, '--strategy', MM_JS, '--option', 'halfSpread=0.01', '--option', 'tickSize=0.01', '--option', 'qty=0.01', '--fill-model', 'l2', '--json'];
    const a = await runCli([...args, '--out', path.join(root, 'a')]);
    assert.is(a.code, 0, a.stderr);
    const j = JSON.parse(a.stdout) as { manifest: Record<string, string>; summary: { trades: number; acks: number }; digest: string };
    assert.is(j.manifest['venue.fillModel'], 'l2');
    assert.ok(j.summary.acks > 0 && j.summary.trades > 0, 'the market maker quotes and is filled against the book');
    const b = await runCli([...args, '--out', path.join(root, 'b')]);
    assert.is((JSON.parse(b.stdout) as { digest: string }).digest, j.digest);
    const bad = await runCli(['backtest', rec, '--strategy', MM_JS, '--fill-model', 'l3']);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /fill-model/);
  } finally {
    rm(root);
  }
});

test.run();
