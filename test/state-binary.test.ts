/**
 * The binary state encoding (src/events/state-binary.ts, docs/FORMAT.md §20.4) and the two parts
 * written in it (books: tapedeck-books/2, the ledger: tapedeck-ledger/2): primitives round-trip;
 * a file cut at any length or with any byte changed is CORRUPT_SNAPSHOT naming the byte, never a
 * wrong state; a length that cannot fit is refused before anything is allocated; and snapshots in
 * the JSON-lines encoding from before (test/fixtures/snapshots-v1) still restore to the same state.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ledger } from '../src/backtest/ledger.js';
import { BookBuilder } from '../src/book/book-builder.js';
import { BOOKS_FORMAT } from '../src/book/book-state.js';
import { Decimal } from '../src/events/decimal.js';
import { parseJsonEvent } from '../src/events/json.js';
import { isBinaryState, StateReader, StateWriter } from '../src/events/state-binary.js';
import { restoreSnapshot } from '../src/events/state.js';
import { SnapshotStore } from '../src/log/snapshot-store.js';
import { repoRoot } from './helpers/tmp.js';

const LEGACY = path.join(repoRoot, 'test', 'fixtures', 'snapshots-v1');

const bytesOf = (chunks: Iterable<Uint8Array>): Buffer => Buffer.concat([...chunks]);

function codeOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'THROWN', message: (e as Error).message };
  }
  return { code: 'NONE', message: '' };
}

/** The fixture's books and ledger, built by this version from the fixture's inputs. */
function legacyInputs(): { books: BookBuilder; ledger: Ledger } {
  const books = new BookBuilder();
  for (const line of fs.readFileSync(path.join(LEGACY, 'events.jsonl'), 'utf8').split('\n')) if (line) books.push(parseJsonEvent(line));
  const ledger = new Ledger();
  for (const [op, ...a] of JSON.parse(fs.readFileSync(path.join(LEGACY, 'ledger-fills.json'), 'utf8')) as [string, ...unknown[]][]) {
    if (op === 'fill') ledger.fill(a[0] as string, a[1] as 'buy' | 'sell', a[2] as number, a[3] as number, a[4] as number);
    else if (op === 'mark') ledger.mark(a[0] as string, a[1] as number);
    else ledger.update();
  }
  return { books, ledger };
}

const decimalArb = fc.oneof(
  fc.tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: -128, max: 127 })).map(([m, e]) => new Decimal(m, e)),
  fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: -128, max: 127 })).map(([m, e]) => new Decimal(m, e)),
);

test('state binary - every primitive round-trips (varints to 2^53-1, doubles with -0 and NaN, i64, UTF-8 strings, decimals with int64 mantissas)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.nat({ max: Number.MAX_SAFE_INTEGER }).map((v) => ['u', v] as const),
          fc.double().map((v) => ['f', v] as const),
          fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ['i', v] as const),
          fc.string({ unit: 'binary', maxLength: 80 }).map((v) => ['s', v] as const),
          decimalArb.map((v) => ['d', v] as const),
        ),
        { maxLength: 40 },
      ),
      (items) => {
        const w = new StateWriter('test/1');
        for (const [k, v] of items) {
          if (k === 'u') w.uvarint(v);
          else if (k === 'f') w.f64(v);
          else if (k === 'i') w.i64(v);
          else if (k === 's') w.str(v);
          else w.decimal(v);
        }
        const b = Buffer.concat([w.take(), w.finish()]);
        assert.ok(isBinaryState(b));
        const r = new StateReader(b, 'x.bin');
        r.expectFormat('test/1');
        for (const [k, v] of items) {
          if (k === 'u') assert.is(r.uvarint(), v);
          else if (k === 'f') assert.ok(Object.is(r.f64(), v), `double ${v}`);
          else if (k === 'i') assert.is(r.i64(), v);
          else if (k === 's') assert.is(r.str(), v);
          else {
            const d = r.decimal();
            assert.is(d.mantissa, v.mantissa);
            assert.is(d.exponent, v.exponent);
          }
        }
        r.done();
      },
    ),
    { seed: 15, numRuns: 300 },
  );
});

test('state binary - books and ledger cut at every length, or with any byte changed, are CORRUPT_SNAPSHOT naming the byte', () => {
  const { books, ledger } = legacyInputs();
  for (const [what, bytes, restore] of [
    ['books.bin', bytesOf(books.captureState()), (b: Buffer) => new BookBuilder().restoreState(b)],
    ['ledger.bin', bytesOf(ledger.captureState()), (b: Buffer) => new Ledger().restoreState(b)],
  ] as const) {
    assert.ok(isBinaryState(bytes), `${what} is written in the binary encoding`);
    restore(bytes);
    for (let n = 0; n < bytes.length; n++) {
      const r = codeOf(() => restore(bytes.subarray(0, n)));
      assert.is(r.code, 'CORRUPT_SNAPSHOT', `${what} cut to ${n} bytes: ${r.message}`);
      if (n >= 4) assert.match(r.message, new RegExp(`^${what.replace('.', '\\.')}: byte \\d+: `), `${what} cut to ${n}`);
    }
    for (let i = 0; i < bytes.length; i++) {
      const hurt = Buffer.from(bytes);
      hurt[i] ^= 0x20;
      const r = codeOf(() => restore(hurt));
      assert.is(r.code, 'CORRUPT_SNAPSHOT', `${what} byte ${i} changed: ${r.message}`);
    }
    const longer = Buffer.concat([bytes, Buffer.from([0])]);
    assert.is(codeOf(() => restore(longer)).code, 'CORRUPT_SNAPSHOT', `${what} with a byte appended`);
  }
});

test('state binary - a count that cannot fit, leftover bytes and another format are refused with the offset', () => {
  const huge = new StateWriter(BOOKS_FORMAT);
  huge.uvarint(2 ** 40); // books
  const r1 = codeOf(() => new BookBuilder().restoreState(huge.finish()));
  assert.is(r1.code, 'CORRUPT_SNAPSHOT');
  assert.match(r1.message, /books\.bin: byte 21: the book count: 1099511627776 items cannot fit in the 0 bytes left/);
  const extra = new StateWriter(BOOKS_FORMAT);
  for (const v of [0, 0, 0, 0, 7]) extra.uvarint(v);
  const r2 = codeOf(() => new BookBuilder().restoreState(extra.finish()));
  assert.match(r2.message, /byte 25: 1 bytes left over after the state/);
  const other = new StateWriter('tapedeck-ledger/2');
  const r3 = codeOf(() => new BookBuilder().restoreState(other.finish()));
  assert.match(r3.message, /books\.bin: byte 4: format "tapedeck-ledger\/2", expected tapedeck-books\/2/);
  const badDecimal = new StateWriter('t/1');
  badDecimal.uvarint(2000); // a decimal head whose exponent is outside -128..127
  badDecimal.uvarint(1);
  const r = new StateReader(badDecimal.finish(), 'd.bin');
  assert.match(codeOf(() => r.decimal('a price')).message, /d\.bin: byte 8: a price: exponent out of range/);
});

test('state binary - a ledger keeps every double exactly (-0, NaN, Infinity) and positions without a mark', () => {
  const l = new Ledger();
  l.fill('A', 'buy', 1, 0.1 + 0.2, -0);
  l.fill('B', 'sell', 3, 1e-300, 0);
  l.mark('C', Infinity);
  const bytes = bytesOf(l.captureState());
  const r = new Ledger();
  r.restoreState(bytes);
  assert.ok(bytesOf(r.captureState()).equals(bytes), 'restore → capture is the identity');
  assert.ok(Object.is(r.fees, l.fees));
  assert.equal(r.summary(), l.summary());
  assert.is(r.markOf('C'), Infinity);
});

test('state binary - snapshots in the JSON-lines encoding from before (books.jsonl, ledger.jsonl) restore to the same state', () => {
  const store = new SnapshotStore(path.join(LEGACY, 'store'));
  const snap = store.newest()!;
  assert.equal(snap.meta.files.map((f) => f.name).sort(), ['books.jsonl', 'ledger.jsonl'], 'the fixture is the old encoding');
  const books = new BookBuilder();
  const ledger = new Ledger();
  const meta = restoreSnapshot(store, [books, ledger]);
  assert.is(meta!.seq, 13);
  const want = legacyInputs();
  assert.ok(bytesOf(books.captureState()).equals(bytesOf(want.books.captureState())), 'books: the same state as built from the events');
  assert.ok(bytesOf(ledger.captureState()).equals(bytesOf(want.ledger.captureState())), 'ledger: the same state as built from the fills');
  const cme = books.book('cme', 'ESU4')!;
  assert.is(cme.orderCount, 3);
  assert.is(cme.bestAsk()!.size.toString(), '9223372036854775807');
  assert.is(books.book('kraken', 'XBT/USD')!.trusted, false);
  assert.is(books.book('binance', 'BTCUSDT')!.checksum, 3141592653);
});

test.run();
