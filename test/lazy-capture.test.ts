/**
 * Lazy captures (src/events/lazy-capture.ts): a snapshot's rows read from live state while the
 * owner keeps changing it are exactly the rows of a copy taken when the capture started — for the
 * L3 order book (adds, modifies, partial and whole cancels and fills, clears, re-added ids, changes
 * between every row read) and for the ledger (fills and marks between chunks, new symbols).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Ledger } from '../src/backtest/ledger.js';
import { OrderBook } from '../src/book/order-book.js';
import { Decimal } from '../src/events/decimal.js';
import type { BookEvent } from '../src/events/types.js';

const T0 = 1_700_000_000_000_000_000n;
const d = (n: number) => new Decimal(n, 0);

/** A random L3 event over a small id space (so ids are hit again: modified, removed, re-added). */
const eventArb = fc.record({
  action: fc.constantFrom('add', 'add', 'modify', 'cancel', 'fill', 'clear'),
  id: fc.integer({ min: 0, max: 60 }),
  bid: fc.boolean(),
  price: fc.integer({ min: 90, max: 110 }),
  size: fc.integer({ min: 0, max: 9 }),
  bothSides: fc.boolean(),
});
type Ev = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

function toEvent(e: Ev, ts: bigint): BookEvent {
  const base = { type: 'book' as const, ts, runId: 'r', venue: 'V', symbol: 'S' };
  if (e.action === 'clear') return { ...base, action: 'clear', ...(e.bothSides ? {} : { side: e.bid ? 'bid' : 'ask' }) };
  return { ...base, action: e.action as BookEvent['action'], orderId: `o${e.id}`, side: e.bid ? 'bid' : 'ask', price: d(e.price), size: d(e.action === 'add' ? e.size + 1 : e.size) };
}

const rowText = (r: readonly [string, string, Decimal, Decimal]) => `${r[0]} ${r[1]} ${r[2].toString()} ${r[3].toString()}`;

test('an order book capture read row by row while the book changes yields the rows of a copy taken at the capture', () => {
  fc.assert(
    fc.property(fc.array(eventArb, { minLength: 20, maxLength: 120 }), fc.array(fc.array(eventArb, { maxLength: 4 }), { maxLength: 80 }), (before, during) => {
      const book = new OrderBook('V', 'S');
      let ts = T0;
      for (const e of before) book.apply(toEvent(e, ts++));
      const expected = [...book.copyState().orders].map(rowText);
      const captured = book.captureState();
      assert.is(captured.orders.length, expected.length);
      const second = book.captureState(); // a second capture at the same instant, read later
      const got: string[] = [];
      let k = 0;
      for (const r of captured.orders) {
        got.push(rowText(r));
        for (const e of during[k++] ?? []) book.apply(toEvent(e, ts++));
      }
      assert.equal(got, expected);
      assert.equal([...second.orders].map(rowText), expected, 'a capture read after every change');
      // Once read, the capture no longer costs the book anything, and the book is its live self.
      const after = book.captureState();
      assert.equal([...after.orders].map(rowText), [...book.copyState().orders].map(rowText));
    }),
    { numRuns: 200, seed: 15 },
  );
});

test('a ledger capture read chunk by chunk while fills and marks land yields the bytes of a capture read at once', () => {
  const ledger = new Ledger();
  let x = 1;
  const rnd = () => ((x = (x * 48271) % 2147483647) / 2147483647);
  for (let i = 0; i < 6000; i++) ledger.fill(`s${i}`, rnd() < 0.5 ? 'buy' : 'sell', 1 + Math.floor(rnd() * 5), 100 + rnd(), rnd() / 10);
  const lazy = ledger.captureState()[Symbol.iterator]();
  const atOnce = Buffer.concat([...ledger.captureState()]);
  const chunks: Buffer[] = [];
  for (let r = lazy.next(); !r.done; r = lazy.next()) {
    chunks.push(Buffer.from(r.value));
    for (let j = 0; j < 500; j++) {
      const s = `s${Math.floor(rnd() * 6500)}`; // some symbols new after the capture
      if (rnd() < 0.5) ledger.fill(s, rnd() < 0.5 ? 'buy' : 'sell', 1, 100 + rnd(), 0.01);
      else ledger.mark(s, 100 + rnd());
    }
  }
  assert.ok(chunks.length >= 3, `read in ${chunks.length} chunks`);
  assert.ok(Buffer.concat(chunks).equals(atOnce), 'the same bytes');
  assert.not.ok(Buffer.concat([...ledger.captureState()]).equals(atOnce), 'the ledger did change');
});

test.run();
