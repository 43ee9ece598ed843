/**
 * The book builder (src/book/): L2 and L3 against a naive reference model (fast-check), message
 * boundaries, trust after gaps and bad-book flags, and the venue checks of `verify --book` on the
 * real captures (excerpts always; the full captures when ../shared/data is present).
 */
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BookBuilder } from '../src/book/book-builder.js';
import { checkBooks } from '../src/book/verify-book.js';
import { compareDecimals, Decimal } from '../src/events/decimal.js';
import { openRecording } from '../src/events/recording.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type BookEvent, type TapeEvent } from '../src/events/types.js';
import { importFile } from '../src/record/importer.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';
import { fixture } from './record-helpers.js';

const SHARED = path.join(repoRoot, '..', 'shared', 'data');
const D = (t: string) => Decimal.parse(t);
let ts = 1_700_000_000_000_000_000n;
const ev = (fields: Partial<BookEvent>): BookEvent => ({ type: 'book', ts: ts++, runId: 'r', venue: 'V', symbol: 'S', action: 'set', ...fields }) as BookEvent;
const levels = (b: BookBuilder, side: 'bid' | 'ask') => b.book('V', 'S')!.top(side, 100).map((l) => [l.price.toString(), l.size.toString()]);

test('L2: sets apply at the message boundary; size 0 removes; best first; depth at a price', () => {
  const b = new BookBuilder();
  b.push(ev({ action: 'clear', flags: BOOK_FLAG_SNAPSHOT }));
  b.push(ev({ side: 'bid', price: D('10.00'), size: D('1.5'), flags: BOOK_FLAG_SNAPSHOT }));
  assert.is(b.book('V', 'S'), undefined, 'nothing applied before LAST');
  b.push(ev({ side: 'ask', price: D('10.02'), size: D('2'), flags: BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST }));
  const book = b.book('V', 'S')!;
  assert.ok(book.trusted);
  b.push(ev({ side: 'bid', price: D('10.01'), size: D('3'), flags: BOOK_FLAG_LAST }));
  b.push(ev({ side: 'ask', price: D('10.03'), size: D('4') }));
  b.push(ev({ side: 'ask', price: D('10.02'), size: D('0.000'), flags: BOOK_FLAG_LAST }));
  assert.equal(levels(b, 'bid'), [['10.01', '3'], ['10.00', '1.5']]);
  assert.equal(levels(b, 'ask'), [['10.03', '4']]);
  assert.is(book.bestBid()!.price.toString(), '10.01');
  assert.is(book.depthAt('bid', D('10.0')).toString(), '1.5', 'a price at another scale finds its level');
  assert.is(book.depthAt('bid', D('9')).toString(), '0');
  assert.is(book.messages, 3);
});

test('L3: add, modify, cancel (remaining), fill, trade, clear aggregate into levels', () => {
  const b = new BookBuilder();
  const L = BOOK_FLAG_LAST;
  b.push(ev({ action: 'clear', flags: L }));
  b.push(ev({ action: 'add', side: 'bid', price: D('5.25'), size: 5, orderId: 'a', flags: L }));
  b.push(ev({ action: 'add', side: 'bid', price: D('5.25'), size: 2, orderId: 'b', flags: L }));
  b.push(ev({ action: 'add', side: 'ask', price: D('5.50'), size: 1, orderId: 'c', flags: L }));
  assert.equal(levels(b, 'bid'), [['5.25', '7']]);
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.25'), size: 3, orderId: 'a', flags: L }));
  assert.equal(levels(b, 'bid'), [['5.25', '5']]);
  b.push(ev({ action: 'cancel', side: 'bid', price: D('5.25'), size: 1, orderId: 'a', flags: L })); // 1 remains of a
  assert.equal(levels(b, 'bid'), [['5.25', '3']]);
  b.push(ev({ action: 'trade', side: 'ask', price: D('5.25'), size: 2, flags: L })); // informational
  b.push(ev({ action: 'fill', side: 'bid', price: D('5.25'), size: 2, orderId: 'b', flags: L }));
  assert.equal(levels(b, 'bid'), [['5.25', '1']]);
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.30'), size: 1, orderId: 'a', flags: L })); // price change
  assert.equal(levels(b, 'bid'), [['5.30', '1']]);
  assert.is(b.book('V', 'S')!.orderCount, 2);
  b.push(ev({ action: 'clear', side: 'bid', flags: L }));
  assert.equal(levels(b, 'bid'), []);
  assert.equal(levels(b, 'ask'), [['5.50', '1']]);
});

test('L3 modify keeps queue priority when only the size goes down at the same price (Databento MBO); a new price or a larger size goes to the back', () => {
  const b = new BookBuilder();
  const L = BOOK_FLAG_LAST;
  const queue = () => [...b.book('V', 'S')!.copyState().orders].map((r) => `${r[0]}:${r[2].toString()}x${r[3].toString()}`);
  b.push(ev({ action: 'clear', flags: L }));
  for (const id of ['a', 'b', 'c']) b.push(ev({ action: 'add', side: 'bid', price: D('5.25'), size: 10, orderId: id, flags: L }));
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.25'), size: 4, orderId: 'a', flags: L })); // smaller: keeps its place
  assert.equal(queue(), ['a:5.25x4', 'b:5.25x10', 'c:5.25x10']);
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.250'), size: 4, orderId: 'a', flags: L })); // the same, at another scale: keeps it
  assert.equal(queue(), ['a:5.25x4', 'b:5.25x10', 'c:5.25x10']);
  assert.equal(levels(b, 'bid'), [['5.25', '24']]);
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.25'), size: 11, orderId: 'b', flags: L })); // larger: to the back
  assert.equal(queue(), ['a:5.25x4', 'c:5.25x10', 'b:5.25x11']);
  b.push(ev({ action: 'modify', side: 'bid', price: D('5.26'), size: 2, orderId: 'a', flags: L })); // new price: to the back
  assert.equal(queue(), ['c:5.25x10', 'b:5.25x11', 'a:5.26x2']);
  assert.equal(levels(b, 'bid'), [['5.26', '2'], ['5.25', '21']]);
});

test('trust: a gap event or a bad-book flag makes the book untrusted until the next snapshot', () => {
  const b = new BookBuilder();
  const untrusted: string[] = [];
  b.onUntrusted = (book, e) => untrusted.push(`${book.symbol}:${e.type}`);
  b.push(ev({ action: 'clear', flags: BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST }));
  assert.ok(b.book('V', 'S')!.trusted);
  b.push({ type: 'system', ts: ts++, runId: 'r', kind: 'gap', message: 'x', data: { venue: 'V', symbol: 'S', expected: 1, received: 3 } });
  assert.not.ok(b.book('V', 'S')!.trusted);
  b.push(ev({ action: 'clear', flags: BOOK_FLAG_SNAPSHOT }));
  b.push(ev({ side: 'bid', price: D('1'), size: D('1'), flags: BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST }));
  assert.ok(b.book('V', 'S')!.trusted);
  b.push(ev({ side: 'bid', price: D('1'), size: D('2'), flags: BOOK_FLAG_BAD_BOOK | BOOK_FLAG_LAST }));
  assert.not.ok(b.book('V', 'S')!.trusted);
  assert.equal(untrusted, ['S:system', 'S:book']);
});

// -- against a naive reference model -----------------------------------------------------------------

/** The reference: a plain map from the price's value to the size; sorted only when asked. */
class NaiveL2 {
  bids = new Map<string, Decimal>();
  asks = new Map<string, Decimal>();
  apply(e: BookEvent): void {
    if (e.action === 'clear') {
      if (e.side !== 'ask') this.bids.clear();
      if (e.side !== 'bid') this.asks.clear();
      return;
    }
    const m = e.side === 'bid' ? this.bids : this.asks;
    const p = e.price as Decimal;
    const s = e.size as Decimal;
    if (s.isZero()) m.delete(p.key);
    else m.set(p.key, s);
  }
  top(side: 'bid' | 'ask'): [string, string][] {
    const m = side === 'bid' ? this.bids : this.asks;
    const keys = [...m.keys()].map((k) => Decimal.parse(k)).sort((a, b) => (side === 'bid' ? -1 : 1) * compareDecimals(a, b));
    return keys.map((k) => [k.key, m.get(k.key)!.key]);
  }
}

const arbPrice = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom(-2, -3)).map(([m, e]) => new Decimal(e === -3 ? m * 10 : m, e));
const arbSize = fc.oneof(fc.constant(new Decimal(0, -4)), fc.integer({ min: 1, max: 1000 }).map((m) => new Decimal(m, -3)));
const arbL2Msg = fc.oneof(
  { weight: 9, arbitrary: fc.array(fc.tuple(fc.constantFrom('bid' as const, 'ask' as const), arbPrice, arbSize), { minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constant('clear' as const) },
);

test('L2 property: after every message the builder equals the naive model (levels, order, sizes)', () => {
  fc.assert(
    fc.property(fc.array(arbL2Msg, { maxLength: 40 }), (msgs) => {
      const b = new BookBuilder();
      const ref = new NaiveL2();
      for (const m of msgs) {
        const evs: BookEvent[] =
          m === 'clear' ? [ev({ action: 'clear', flags: BOOK_FLAG_SNAPSHOT })] : m.map(([side, price, size]) => ev({ side, price, size, flags: 0 }));
        evs[evs.length - 1]!.flags = (evs[evs.length - 1]!.flags ?? 0) | BOOK_FLAG_LAST;
        for (const e of evs) {
          b.push(e);
          ref.apply(e);
        }
        const book = b.book('V', 'S')!;
        for (const side of ['bid', 'ask'] as const) {
          assert.equal(book.top(side, 1000).map((l) => [l.price.key, l.size.key]), ref.top(side));
        }
      }
    }),
    { seed: 20261129, numRuns: 300 },
  );
});

/** The L3 reference: orders by id; a level is the sum of its orders. */
class NaiveL3 {
  orders = new Map<string, { side: 'bid' | 'ask'; price: Decimal; size: number }>();
  apply(e: BookEvent): void {
    const o = e.orderId === undefined ? undefined : this.orders.get(e.orderId);
    const size = Number(e.size);
    switch (e.action) {
      case 'clear':
        this.orders.clear();
        break;
      case 'add':
        if (size > 0) this.orders.set(e.orderId!, { side: e.side!, price: e.price as Decimal, size });
        else this.orders.delete(e.orderId!);
        break;
      case 'modify':
        // Databento's rule: same price and no larger size keeps the queue place; else to the back.
        if (o && size > 0 && size <= o.size && compareDecimals(o.price, e.price as Decimal) === 0) o.size = size;
        else {
          this.orders.delete(e.orderId!);
          if (size > 0) this.orders.set(e.orderId!, { side: e.side!, price: e.price as Decimal, size });
        }
        break;
      case 'cancel':
        if (o) size === 0 ? this.orders.delete(e.orderId!) : (o.size = size);
        break;
      case 'fill':
        if (o) o.size - size <= 0 ? this.orders.delete(e.orderId!) : (o.size -= size);
        break;
    }
  }
  top(side: 'bid' | 'ask'): [string, string][] {
    const lv = new Map<string, number>();
    for (const o of this.orders.values()) if (o.side === side) lv.set(o.price.key, (lv.get(o.price.key) ?? 0) + o.size);
    return [...lv.entries()]
      .sort((a, b) => (side === 'bid' ? -1 : 1) * compareDecimals(Decimal.parse(a[0]), Decimal.parse(b[0])))
      .map(([p, s]) => [p, new Decimal(s, 0).key]);
  }
}

test('L3 property: random order actions keep the builder equal to the naive model', () => {
  const ids = ['o1', 'o2', 'o3', 'o4', 'o5', 'o6'];
  const arbAction = fc.record({
    action: fc.constantFrom('add', 'modify', 'cancel', 'fill', 'trade', 'add', 'add') as fc.Arbitrary<BookEvent['action']>,
    orderId: fc.constantFrom(...ids),
    side: fc.constantFrom('bid' as const, 'ask' as const),
    price: arbPrice,
    size: fc.integer({ min: 0, max: 20 }),
  });
  fc.assert(
    fc.property(fc.array(arbAction, { maxLength: 60 }), (acts) => {
      const b = new BookBuilder();
      const ref = new NaiveL3();
      const open = new Map<string, { side: 'bid' | 'ask'; size: number }>();
      b.push(ev({ action: 'clear', flags: BOOK_FLAG_LAST }));
      for (const a of acts) {
        const o = open.get(a.orderId);
        // Keep the stream plausible: actions on an order name its side; cancel and fill never exceed it.
        let size = a.size;
        if (a.action === 'add' && (o || size === 0)) continue;
        if ((a.action === 'modify' || a.action === 'cancel' || a.action === 'fill') && !o) continue;
        if (a.action === 'cancel') size = Math.min(size, o!.size);
        if (a.action === 'fill') size = Math.min(Math.max(size, 1), o!.size);
        const side = o ? o.side : a.side;
        const e = ev({ action: a.action, orderId: a.action === 'trade' ? undefined : a.orderId, side, price: a.price, size: new Decimal(size, 0), flags: BOOK_FLAG_LAST });
        if (a.action === 'add' || a.action === 'modify') size > 0 ? open.set(a.orderId, { side, size }) : open.delete(a.orderId);
        if (a.action === 'cancel') size === 0 ? open.delete(a.orderId) : open.set(a.orderId, { side, size });
        if (a.action === 'fill') o!.size - size <= 0 ? open.delete(a.orderId) : open.set(a.orderId, { side, size: o!.size - size });
        if (a.action === 'modify' || a.action === 'cancel' || a.action === 'fill') e.price = ref.orders.get(a.orderId)?.price ?? a.price;
        if (a.action === 'modify') e.price = a.price;
        b.push(e);
        ref.apply(e);
        const book = b.book('V', 'S')!;
        for (const s of ['bid', 'ask'] as const) assert.equal(book.top(s, 1000).map((l) => [l.price.key, l.size.key]), ref.top(s));
        // Queue priority: the resting orders in the book's order (each level's queue is its orders in it).
        assert.equal([...book.copyState().orders].map((r) => r[0]), [...ref.orders.keys()]);
      }
    }),
    { seed: 20261130, numRuns: 300 },
  );
});

// -- verify --book on real captures -----------------------------------------------------------------

async function imported(file: string, format: 'binance' | 'kraken' | 'coinbase'): Promise<{ dir: string; root: string }> {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  await importFile(file, dir, { format });
  return { dir, root };
}

function checksOf(dir: string) {
  return checkBooks(openRecording(dir).events({ types: ['book', 'system', 'tick'] }));
}

test('verify --book on the Binance excerpt: every update continues the last; the rebuilt top of book equals bookTicker at the same update id', async () => {
  const { dir, root } = await imported(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'), 'binance');
  const [r] = checksOf(dir);
  assert.is(r!.venue, 'binance-spot');
  assert.is(r!.checks.continuity.failed, 0);
  assert.ok(r!.checks.continuity.checked >= 2);
  assert.is(r!.checks['top-of-book'].failed, 0);
  assert.ok(r!.checks['top-of-book'].checked >= 1, `top of book compared ${r!.checks['top-of-book'].checked} times`);
  assert.is(r!.firstFailure, null);
  rm(root);
});

test('verify --book on the Kraken excerpt: all 274 checksums pass on the rebuilt books', async () => {
  const { dir, root } = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  const rs = checksOf(dir);
  assert.is(rs.length, 10);
  assert.is(rs.reduce((n, r) => n + r.checks.checksum.passed, 0), 274);
  assert.ok(rs.every((r) => r.checks.checksum.failed === 0 && r.firstFailure === null));
  rm(root);
});

for (const [file, format] of [
  ['binance-spot-btcusdt-20240808.capture.gz', 'binance'],
  ['kraken-20210417.ws.txt', 'kraken'],
] as const) {
  test(`verify --book on the full ../shared/data/${file}: no failure`, async () => {
    if (!fs.existsSync(SHARED)) {
      console.log(`\n  SKIPPED: verify --book on ${file} (no ../shared/data)`);
      return;
    }
    const { dir, root } = await imported(path.join(SHARED, file), format);
    const rs = checksOf(dir);
    for (const r of rs) assert.is(r.firstFailure, null, `${r.venue} ${r.symbol}: ${JSON.stringify(r.firstFailure, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
    if (format === 'kraken') assert.is(rs.reduce((n, r) => n + r.checks.checksum.passed, 0), 4269);
    else {
      assert.ok(rs[0]!.checks['top-of-book'].checked > 100, `top of book compared ${rs[0]!.checks['top-of-book'].checked} times`);
      // Every depth message after the first snapshot (the 2 received before it have no book to continue).
      assert.is(rs[0]!.checks.continuity.checked, 3449);
    }
    rm(root);
  });
}

test('verify --book says how many messages found the book untrusted (a capture starting without a snapshot checks nothing)', async () => {
  const root = tmpDir();
  const line = (ns: number, data: object) => `${1723161600000000000 + ns} ${JSON.stringify({ stream: 'btcusdt@depth@100ms', data })}`;
  const depth = (U: number, u: number) => ({ e: 'depthUpdate', E: 1723161601273, s: 'BTCUSDT', U, u, b: [['10.00', '1']], a: [['11.00', '2']] });
  // A day's second file: the depth stream goes on, with no snapshot in it.
  const noSnap = path.join(root, 'day2.capture');
  fs.writeFileSync(noSnap, [line(1, depth(90, 100)), line(2, depth(101, 104)), line(3, depth(105, 106))].join('\n') + '\n');
  await importFile(noSnap, path.join(root, 'a'), { format: 'binance' });
  let [r] = checksOf(path.join(root, 'a'));
  assert.equal([r!.messages, r!.untrusted, r!.checks.continuity.checked, r!.firstFailure], [3, 3, 0, null]);
  let cli = await runCli(['verify', path.join(root, 'a'), '--book']);
  assert.is(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /binance-spot BTCUSDT {2}3 messages \(all untrusted: no snapshot yet or after a gap\) {2}continuity -/);
  // With its snapshot: only the two messages before it were untrusted.
  const withSnap = path.join(root, 'day1.capture');
  fs.writeFileSync(withSnap, [line(1, depth(90, 100)), line(2, depth(101, 104)), `${1723161600000000003} {"lastUpdateId":102,"bids":[["9.00","5"]],"asks":[]}`, line(4, depth(105, 106))].join('\n') + '\n');
  await importFile(withSnap, path.join(root, 'b'), { format: 'binance' });
  [r] = checksOf(path.join(root, 'b'));
  assert.equal([r!.messages, r!.untrusted, r!.checks.continuity.failed], [4, 2, 0]);
  cli = await runCli(['verify', path.join(root, 'b'), '--book']);
  assert.match(cli.stdout, /4 messages \(2 untrusted: no snapshot yet or after a gap\)/);
  rm(root);
});

test('verify --book: the golden v2 fixture reports its recorded gap as a continuity failure (seq and ts)', () => {
  const rs = checksOf(path.join(repoRoot, 'recordings', 'fixtures', 'v2-book'));
  const bin = rs.find((r) => r.venue === 'binance-spot')!;
  assert.is(bin.checks.continuity.failed, 1);
  assert.is(bin.firstFailure!.check, 'continuity');
  assert.is(bin.firstFailure!.seq, 45);
  assert.is(bin.firstFailure!.ts, 1700000001301000000n);
  assert.match(bin.firstFailure!.detail, /expected first update id 50000000037, got 50000000040/);
});

test('CLI: book --at prints the levels as exact decimals; --json; verify --book exits 0, and 1 on a failure', async () => {
  const { dir, root } = await imported(fixture('kraken-20210417.head300.ws.txt.gz'), 'kraken');
  let r = await runCli(['book', dir, '--at', '+1h', '--symbol', 'XMR/USD', '--depth', '3']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /^kraken XMR\/USD as of .* trusted/);
  assert.match(r.stdout, /\d+\.\d{8}/);
  r = await runCli(['book', dir, '--at', '+1h', '--symbol', 'XMR/USD', '--depth', '2', '--json']);
  const v = JSON.parse(r.stdout);
  assert.is(v.bids.length, 2);
  assert.match(v.bids[0].price, /^\d+\.\d{8}$/);
  assert.ok(Number(v.bids[0].price) > Number(v.bids[1].price));
  assert.ok(Number(v.asks[0].price) > Number(v.bids[0].price));
  r = await runCli(['book', dir, '--at', '+0s', '--venue', 'nowhere']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /no book as of/);
  r = await runCli(['book', dir, '--at', '+1h', '--depth', '0']);
  assert.is(r.code, 2);
  r = await runCli(['verify', dir, '--book']);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /book checks: 10 books, all passed/);
  assert.match(r.stdout, /kraken XMR\/USD .* checksum \d+\/\d+/);
  const golden = path.join(repoRoot, 'recordings', 'fixtures', 'v2-book');
  r = await runCli(['verify', golden, '--book']);
  assert.is(r.code, 1);
  assert.match(r.stdout, /first failure: continuity at seq 45 ts 1700000001301000000/);
  rm(root);
});

test.run();
