/**
 * Venue mappings (src/record/venue-*.ts): exact decimals, one message = one batch of events or a
 * counted non-event, Binance's depth sync procedure, Coinbase trades once, Kraken's checksum on
 * every update. Exact counts per message kind on the committed excerpts (test/fixtures, see
 * SOURCES.md there) and on the full captures in ../shared/data when it is present.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { checkBooks } from '../src/book/verify-book.js';
import { ValidationError } from '../src/errors.js';
import { Decimal } from '../src/events/decimal.js';
import { openRecording } from '../src/events/recording.js';
import { BOOK_FLAG_BAD_BOOK, BOOK_FLAG_LAST, BOOK_FLAG_SNAPSHOT, type BookEvent, type TickEvent } from '../src/events/types.js';
import { parseCaptureLine } from '../src/record/capture.js';
import { importFile } from '../src/record/importer.js';
import { KrakenBook } from '../src/record/kraken-book.js';
import type { EventDraft, MapOutcome } from '../src/record/venue-common.js';
import { mapperFor, type VenueFormat } from '../src/record/venues.js';
import { fixture, readEvents } from './record-helpers.js';
import { runCli } from './helpers/cli.js';
import { repoRoot, rm, tmpDir } from './helpers/tmp.js';

const D = (t: string) => Decimal.parse(t);

/** A bitwise CRC-32/IEEE, independent of src/log/crc.ts's table version. */
function crc32Ieee(text: string): number {
  let c = 0xffffffff;
  for (const ch of Buffer.from(text, 'ascii')) {
    c ^= ch;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const SHARED = path.join(repoRoot, '..', 'shared', 'data');

function captureLines(file: string): string[] {
  let b = fs.readFileSync(file);
  if (file.endsWith('.gz')) b = zlib.gunzipSync(b);
  return b.toString('utf8').split('\n').filter((l) => l.trim() !== '');
}

interface Tally {
  kinds: Record<string, number>;
  types: Record<string, number>;
  events: EventDraft[];
  batches: EventDraft[][];
}

/** Maps every line of a capture with one mapping; counts message kinds (control lines by their kind). */
function tally(file: string, format: VenueFormat): Tally {
  const map = mapperFor(format);
  const t: Tally = { kinds: {}, types: {}, events: [], batches: [] };
  for (const l of captureLines(file)) {
    const c = parseCaptureLine(l);
    let k: string;
    if (c.kind !== 'message') k = c.kind;
    else {
      const out: MapOutcome = map(JSON.parse(c.message));
      if ('events' in out) {
        k = out.kind;
        t.batches.push(out.events);
        for (const e of out.events) {
          t.types[e.type] = (t.types[e.type] ?? 0) + 1;
          t.events.push(e);
        }
      } else k = `-${out.unmapped}`;
    }
    t.kinds[k] = (t.kinds[k] ?? 0) + 1;
  }
  return t;
}

// -- Binance ----------------------------------------------------------------------------------------

test('binance bookTicker: exact decimals with the venue scale, update id, venue binance-spot', () => {
  const out = mapperFor('binance')({ stream: 'btcusdt@bookTicker', data: { u: 50093239212, s: 'BTCUSDT', b: '61837.63000000', B: '3.78826000', a: '61837.64000000', A: '1.54698000' } });
  assert.equal(out, {
    kind: 'bookTicker',
    events: [{ type: 'tick', venue: 'binance-spot', symbol: 'BTCUSDT', bid: D('61837.63000000'), bidSize: D('3.78826000'), ask: D('61837.64000000'), askSize: D('1.54698000'), venueSeq: 50093239212 }],
  });
});

test('binance trade: m=true → aggressor sell, trade id kept, T → exchTs; aggTrade only without the trade stream', () => {
  const map = mapperFor('binance');
  const agg = { e: 'aggTrade', E: 2, s: 'BTCUSDT', a: 77, p: '1.5', q: '2', f: 1, l: 3, T: 1, m: false };
  assert.equal(map(agg), { kind: 'aggTrade', events: [{ type: 'tick', venue: 'binance-spot', symbol: 'BTCUSDT', last: D('1.5'), lastSize: D('2'), aggressor: 'buy', tradeId: 'a77', exchTs: 1_000_000n }] });
  const msg = { e: 'trade', E: 1723161255343, s: 'BTCUSDT', t: 3735683259, p: '61837.63000000', q: '0.02000000', T: 1723161255342, m: true, M: true };
  assert.equal(map({ stream: 'btcusdt@trade', data: msg }), {
    kind: 'trade',
    events: [{ type: 'tick', venue: 'binance-spot', symbol: 'BTCUSDT', last: D('61837.63000000'), lastSize: D('0.02000000'), aggressor: 'sell', tradeId: '3735683259', exchTs: 1723161255342000000n }],
  });
  // With the trade stream present, aggTrades would report the same trades again.
  assert.equal(map(agg), { unmapped: 'aggTrade (trades recorded from the trade stream)' });
});

const depth = (U: number, u: number, b: [string, string][], a: [string, string][] = [], extra = {}) => ({ e: 'depthUpdate', E: 1000, s: 'BTCUSDT', U, u, b, a, ...extra });
const books = (out: MapOutcome) => ('events' in out ? out.events.filter((e): e is Extract<EventDraft, { type: 'book' }> => e.type === 'book') : []);
const systems = (out: MapOutcome) => ('events' in out ? out.events.filter((e) => e.type === 'system') : []);

test('binance spot sync: buffered updates replayed on the snapshot, stale ones counted, U/u continuity, gap → event + bad book', () => {
  const map = mapperFor('binance');
  // Before any snapshot: recorded, flagged bad (the book is not known), kept for the snapshot.
  const pre1 = map(depth(90, 100, [['10.0', '1']]));
  assert.equal(books(pre1).map((e) => e.flags), [BOOK_FLAG_BAD_BOOK | BOOK_FLAG_LAST]);
  map(depth(101, 104, [['10.1', '2']]));
  // The snapshot at 102: clear + levels flagged snapshot, then the buffered update 101..104 (straddles 103).
  const snap = map({ lastUpdateId: 102, bids: [['9.9', '5']], asks: [['10.5', '1']] });
  assert.is('events' in snap && snap.kind, 'snapshot');
  const sb = books(snap);
  assert.equal(sb.map((e) => [e.action, e.side, e.price?.toString(), e.flags, e.venueSeq]), [
    ['clear', undefined, undefined, BOOK_FLAG_SNAPSHOT, 102],
    ['set', 'bid', '9.9', BOOK_FLAG_SNAPSHOT, 102],
    ['set', 'ask', '10.5', BOOK_FLAG_SNAPSHOT, 102],
    ['set', 'bid', '10.1', BOOK_FLAG_LAST, 104],
  ]);
  // Continuity from 104: 105 is next.
  const ok = map(depth(105, 106, [['10.2', '0.00000000']], [['10.6', '3']]));
  assert.equal(books(ok).map((e) => [e.flags, e.venueSeq, e.venueSeqFirst, e.exchTs]), [
    [0, 106, 105, 1_000_000_000n],
    [BOOK_FLAG_LAST, 106, 105, 1_000_000_000n],
  ]);
  assert.equal(systems(ok), []);
  // A break: 107 expected, 110 received.
  const broken = map(depth(110, 112, [['10.3', '1']]));
  assert.equal(systems(broken), [
    { type: 'system', kind: 'gap', message: 'binance-spot BTCUSDT depth: expected first update id 107, received 110; book untrusted until the next snapshot', data: { venue: 'binance-spot', symbol: 'BTCUSDT', expected: 107, received: 110 } },
  ]);
  assert.equal(books(broken).map((e) => e.flags), [BOOK_FLAG_BAD_BOOK | BOOK_FLAG_LAST]);
  assert.equal(books(map(depth(113, 114, [['10.3', '2']]))).map((e) => e.flags), [BOOK_FLAG_BAD_BOOK | BOOK_FLAG_LAST]);
  // A new snapshot restores trust; an update older than it is a counted non-event; the next must straddle.
  map({ lastUpdateId: 200, bids: [], asks: [['11', '1']] });
  assert.equal(map(depth(150, 199, [['1', '1']])), { unmapped: 'depthUpdate (older than the snapshot)' });
  const straddle = map(depth(195, 205, [['1', '1']]));
  assert.equal(systems(straddle), []);
  assert.equal(books(straddle).map((e) => e.flags), [BOOK_FLAG_LAST]);
  const late = map(depth(300, 301, [['1', '1']]));
  assert.is((systems(late)[0] as { data: Record<string, number> }).data.expected, 206);
});

test('binance: a snapshot arriving while the book is synced (late or periodic) gets the updates newer than it applied again: no false gap', () => {
  for (const futures of [false, true]) {
    const map = mapperFor(futures ? 'binance-futures' : 'binance');
    const up = (U: number, u: number, pu: number, b: [string, string][]) => map(depth(U, u, b, [], futures ? { pu } : {}));
    up(90, 100, 89, [['10.0', '1']]);
    map({ lastUpdateId: 100, bids: [['10.0', '1']], asks: [] });
    assert.equal(systems(up(101, 104, 100, [['10.1', '2']])), []);
    assert.equal(systems(up(105, 108, 104, [['10.2', '3']])), []);
    // A snapshot taken at 104 arrives after 105..108 was recorded: its batch re-applies 105..108
    // (futures also 101..104, which ends at lastUpdateId: the straddling one there).
    const snap = map({ lastUpdateId: 104, bids: [['10.0', '1'], ['10.1', '2']], asks: [] });
    assert.equal(systems(snap), []);
    assert.equal(books(snap).map((e) => [e.action, e.price?.toString(), e.size?.toString(), e.venueSeq]), [
      ['clear', undefined, undefined, 104],
      ['set', '10.0', '1', 104],
      ['set', '10.1', '2', 104],
      ...(futures ? [['set', '10.1', '2', 104]] : []),
      ['set', '10.2', '3', 108],
    ]);
    // The stream goes on from 108: no gap, trusted.
    const next = up(109, 110, 108, [['10.3', '4']]);
    assert.equal(systems(next), [], futures ? 'futures' : 'spot');
    assert.equal(books(next).map((e) => e.flags), [BOOK_FLAG_LAST]);
  }
});

test('binance: a REST snapshot before any depth message names no symbol: a ValidationError (pass the symbol)', () => {
  try {
    mapperFor('binance')({ lastUpdateId: 500, bids: [], asks: [] }, 'line 1');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ValidationError);
    assert.is((e as ValidationError).field, 'lastUpdateId');
    assert.match((e as Error).message, /pass the symbol/);
  }
  const out = mapperFor('binance', { symbol: 'ETHUSDT' })({ lastUpdateId: 500, bids: [], asks: [] });
  assert.equal(books(out).map((e) => [e.symbol, e.action]), [['ETHUSDT', 'clear']]);
});

test('binance futures: the first update straddles lastUpdateId, then pu = previous u', () => {
  const map = mapperFor('binance');
  map(depth(1, 2, [], [], { pu: 0 }));
  const snap = map({ lastUpdateId: 500, E: 1626992741264, T: 1626992741261, bids: [['1', '1']], asks: [] });
  assert.is(books(snap)[0]!.venue, 'binance-futures');
  // A futures REST snapshot's transaction time T is its events' exchTs.
  assert.equal(books(snap).map((e) => e.exchTs), [1626992741261000000n, 1626992741261000000n]);
  const first = map(depth(495, 510, [['1', '2']], [], { pu: 494 }));
  assert.equal(systems(first), []);
  assert.equal(systems(map(depth(511, 520, [['1', '3']], [], { pu: 510 }))), []);
  const gap = systems(map(depth(530, 540, [['1', '4']], [], { pu: 525 })));
  assert.equal((gap[0] as { data: Record<string, number> }).data, { venue: 'binance-futures', symbol: 'BTCUSDT', expected: 520, received: 525 });
  assert.equal(mapperFor('binance-futures')({ u: 1, s: 'X', b: '1', B: '1', a: '2', A: '1' }), {
    kind: 'bookTicker',
    events: [{ type: 'tick', venue: 'binance-futures', symbol: 'X', bid: D('1'), bidSize: D('1'), ask: D('2'), askSize: D('1'), venueSeq: 1 }],
  });
});

test('binance futures: the update ending exactly at lastUpdateId is the straddling one (U ≤ id ≤ u), live or buffered', () => {
  // Binance futures: "drop any event where u is < lastUpdateId"; the first processed one has
  // U <= lastUpdateId AND u >= lastUpdateId. Its update ids do not run on (pu links them).
  const live = mapperFor('binance-futures');
  live(depth(400, 450, [], [], { pu: 399 }));
  live({ lastUpdateId: 500, bids: [['1', '1']], asks: [] });
  assert.equal(live(depth(450, 480, [['1', '9']], [], { pu: 450 })), { unmapped: 'depthUpdate (older than the snapshot)' });
  const straddle = live(depth(481, 500, [['1', '2']], [], { pu: 480 }));
  assert.equal(systems(straddle), []);
  assert.equal(books(straddle).map((e) => [e.flags, e.venueSeq, e.venueSeqFirst, e.venueSeqPrev]), [[BOOK_FLAG_LAST, 500, 481, 480]]);
  const next = live(depth(501, 510, [['1', '3']], [], { pu: 500 }));
  assert.equal(systems(next), []);
  assert.equal(books(next).map((e) => e.flags), [BOOK_FLAG_LAST]);
  // Buffered before the snapshot: the one ending at lastUpdateId is applied on top of it.
  const buffered = mapperFor('binance');
  buffered(depth(450, 480, [['1', '9']], [], { pu: 449 }));
  buffered(depth(481, 500, [['1', '2']], [], { pu: 480 }));
  const snap = buffered({ lastUpdateId: 500, bids: [['1', '1']], asks: [] });
  assert.equal(systems(snap), []);
  assert.equal(books(snap).map((e) => [e.action, e.size?.toString(), e.venueSeq]), [
    ['clear', undefined, 500],
    ['set', '1', 500],
    ['set', '2', 500],
  ]);
  assert.equal(systems(buffered(depth(501, 510, [['1', '3']], [], { pu: 500 }))), []);
  // Spot keeps its rule: u = lastUpdateId is stale there (the next one must hold lastUpdateId+1).
  const spot = mapperFor('binance');
  spot(depth(1, 2, []));
  spot({ lastUpdateId: 500, bids: [], asks: [] });
  assert.equal(spot(depth(490, 500, [['1', '1']])), { unmapped: 'depthUpdate (older than the snapshot)' });
});

test('binance partial book depth (<symbol>@depth5|10|20): each message a snapshot of the top levels, symbol from the stream name', () => {
  const map = mapperFor('binance');
  // Spot: {lastUpdateId, bids, asks}; two symbols, no diff stream and no REST snapshot needed.
  const btc = map({ stream: 'btcusdt@depth5@100ms', data: { lastUpdateId: 160, bids: [['61837.63000000', '3.78826000']], asks: [['61837.64000000', '1.54698000']] } }, 'line 1');
  assert.is('events' in btc && btc.kind, 'partialDepth');
  assert.equal(books(btc).map((e) => [e.venue, e.symbol, e.action, e.side, e.price?.toString(), e.size?.toString(), e.flags, e.venueSeq]), [
    ['binance-spot', 'BTCUSDT', 'clear', undefined, undefined, undefined, BOOK_FLAG_SNAPSHOT, 160],
    ['binance-spot', 'BTCUSDT', 'set', 'bid', '61837.63000000', '3.78826000', BOOK_FLAG_SNAPSHOT, 160],
    ['binance-spot', 'BTCUSDT', 'set', 'ask', '61837.64000000', '1.54698000', BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST, 160],
  ]);
  const eth = map({ stream: 'ethusdt@depth10', data: { lastUpdateId: 7, bids: [['2500.10', '1']], asks: [] } });
  assert.equal(books(eth).map((e) => [e.symbol, e.action, e.flags]), [
    ['ETHUSDT', 'clear', BOOK_FLAG_SNAPSHOT],
    ['ETHUSDT', 'set', BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST],
  ]);
  // Futures: a depthUpdate with U/u/pu of the diff stream, but each one the whole top 20: never a gap.
  const fut = mapperFor('binance');
  for (const [U, u, pu] of [
    [100, 120, 99],
    [150, 170, 149],
  ] as const) {
    const out = fut({ stream: 'btcusdt@depth20@100ms', data: { e: 'depthUpdate', E: 1001, T: 1000, s: 'BTCUSDT', U, u, pu, b: [['1.0', '2']], a: [['1.1', '3']] } });
    assert.equal(systems(out), []);
    assert.equal(books(out).map((e) => [e.venue, e.action, e.flags, e.venueSeq, e.exchTs]), [
      ['binance-futures', 'clear', BOOK_FLAG_SNAPSHOT, u, 1_000_000_000n],
      ['binance-futures', 'set', BOOK_FLAG_SNAPSHOT, u, 1_000_000_000n],
      ['binance-futures', 'set', BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST, u, 1_000_000_000n],
    ]);
  }
  // A bad level names the field under data.
  try {
    map({ stream: 'btcusdt@depth5', data: { lastUpdateId: 1, bids: [['x', '1']], asks: [] } }, 'line 9');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ValidationError);
    assert.is((e as ValidationError).field, 'data.bids[0][0]');
  }
});

test('binance: a bad price is a ValidationError naming the venue field and line', () => {
  try {
    mapperFor('binance')({ stream: 'x@trade', data: { e: 'trade', s: 'BTCUSDT', t: 1, p: 'abc', q: '1', T: 1, m: true } }, 'line 9');
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ValidationError);
    assert.is((e as ValidationError).field, 'data.p');
    assert.is((e as ValidationError).position, 'line 9');
  }
});

// -- Coinbase ---------------------------------------------------------------------------------------

const TICKER =
  '{"type":"ticker","sequence":333938798,"product_id":"BAND-GBP","price":"14.7775","best_bid":"14.7550","best_ask":"14.8060","side":"buy","time":"2021-04-17T16:43:30.244075Z","trade_id":881613,"last_size":"0.04"}';
const MATCH = '{"type":"match","trade_id":881613,"side":"sell","size":"0.04","price":"14.7775","product_id":"BAND-GBP","sequence":333938797,"time":"2021-04-17T16:43:30.244075Z"}';

test('coinbase: a trade reported by ticker and match is recorded once, whichever comes first', () => {
  const a = mapperFor('coinbase');
  const t1 = a(JSON.parse(TICKER));
  assert.equal(t1, {
    kind: 'ticker',
    events: [{ type: 'tick', venue: 'coinbase', symbol: 'BAND-GBP', bid: D('14.7550'), ask: D('14.8060'), last: D('14.7775'), lastSize: D('0.04'), aggressor: 'buy', tradeId: '881613', exchTs: 1618677810244075000n, venueSeq: 333938798 }],
  });
  assert.equal(a(JSON.parse(MATCH)), { unmapped: 'match (trade already recorded from its ticker)' });
  const b = mapperFor('coinbase');
  const m = b(JSON.parse(MATCH));
  // match: the side is the maker's, so the aggressor bought.
  assert.equal(m, { kind: 'match', events: [{ type: 'tick', venue: 'coinbase', symbol: 'BAND-GBP', last: D('14.7775'), lastSize: D('0.04'), aggressor: 'buy', exchTs: 1618677810244075000n, tradeId: '881613' }] });
  const t2 = b(JSON.parse(TICKER));
  assert.equal('events' in t2 && t2.events[0], { type: 'tick', venue: 'coinbase', symbol: 'BAND-GBP', bid: D('14.7550'), ask: D('14.8060'), exchTs: 1618677810244075000n, venueSeq: 333938798 });
});

test('coinbase: snapshot = clear + levels flagged snapshot; l2update = sets with the last flagged; heartbeats counted', () => {
  const map = mapperFor('coinbase');
  const snap = map({ type: 'snapshot', product_id: 'X', bids: [['1.10', '2']], asks: [['1.20', '3'], ['1.30', '4']] });
  assert.equal(books(snap).map((e) => [e.action, e.side, e.price?.toString(), e.size?.toString(), e.flags]), [
    ['clear', undefined, undefined, undefined, BOOK_FLAG_SNAPSHOT],
    ['set', 'bid', '1.10', '2', BOOK_FLAG_SNAPSHOT],
    ['set', 'ask', '1.20', '3', BOOK_FLAG_SNAPSHOT],
    ['set', 'ask', '1.30', '4', BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST],
  ]);
  const up = map({ type: 'l2update', product_id: 'X', changes: [['buy', '1.10', '0.00000000'], ['sell', '1.25', '1']], time: '2021-04-17T16:43:30.000001Z' });
  assert.equal(books(up).map((e) => [e.side, e.size?.toString(), e.flags, e.exchTs]), [
    ['bid', '0.00000000', 0, 1618677810000001000n],
    ['ask', '1', BOOK_FLAG_LAST, 1618677810000001000n],
  ]);
  assert.equal(map({ type: 'heartbeat' }), { unmapped: 'heartbeat' });
  assert.throws(() => map({ type: 'l2update', product_id: 'X', changes: [['up', '1', '1']] }), (e: unknown) => e instanceof ValidationError && e.field === 'changes[0][0]');
});

// -- Kraken -----------------------------------------------------------------------------------------

test('kraken checksum: CRC32 of the top 10 asks then bids, price and volume without point and leading zeros', () => {
  const b = new KrakenBook(10);
  b.set('ask', '0.05005', '0.00000500');
  b.set('bid', '0.05000', '1.00000000');
  // "5005" + "500" + "5000" + "100000000"
  // asks then bids, best first: "5005" "500" then "5000" "100000000".
  assert.is(b.checksum(), crc32Ieee('5005' + '500' + '5000' + '100000000'));
  // Truncation: the worst levels beyond the depth are dropped and reported.
  const t = new KrakenBook(2);
  t.set('bid', '3', '1');
  t.set('bid', '1', '1');
  t.set('bid', '2', '1');
  assert.equal(t.truncate(), [{ side: 'bid', price: '1' }]);
  assert.equal(t.levels('bid').map((l) => l.price), ['3', '2']);
});

test('kraken: a corrupted update fails its checksum → gap event and bad book until the next snapshot', () => {
  const lines = captureLines(fixture('kraken-20210417.head300.ws.txt.gz'));
  const map = mapperFor('kraken');
  let corrupted = false;
  let after: number[] = [];
  let gap: EventDraft | undefined;
  for (const l of lines) {
    const c = parseCaptureLine(l);
    if (c.kind !== 'message') continue;
    let msg = JSON.parse(c.message);
    if (!corrupted && Array.isArray(msg) && msg[1].c !== undefined && msg[msg.length - 1] === 'XMR/USD') {
      // One digit of one volume: the book Kraken checksummed is no longer the one we hold.
      const e = (msg[1].a ?? msg[1].b)[0];
      e[1] = e[1] === '0.00000000' ? '0.00000001' : '0.00000000';
      corrupted = true;
      const out = map(msg);
      gap = 'events' in out ? out.events.find((x) => x.type === 'system') : undefined;
      continue;
    }
    const out = map(msg);
    if (corrupted && 'events' in out) for (const e of out.events) if (e.type === 'book' && e.symbol === 'XMR/USD') after.push(e.flags ?? 0);
  }
  assert.ok(corrupted);
  assert.ok(gap && gap.type === 'system' && gap.kind === 'gap', 'gap event');
  assert.match((gap as { message: string }).message, /^kraken XMR\/USD book checksum: expected \d+, computed \d+/);
  assert.ok(after.length > 0 && after.every((f) => (f & BOOK_FLAG_BAD_BOOK) !== 0), 'every later XMR/USD event flagged bad');
});

// -- exact counts per message kind ------------------------------------------------------------------

const EXCERPTS: { file: string; format: VenueFormat; kinds: Record<string, number>; types: Record<string, number> }[] = [
  {
    file: 'binance-spot-btcusdt-20240808.head300.capture.gz',
    format: 'binance',
    kinds: { depthUpdate: 10, bookTicker: 233, trade: 56, snapshot: 1 },
    types: { book: 2651, tick: 289 },
  },
  {
    file: 'coinbase-pro-20210417.head300.ws.txt',
    format: 'coinbase',
    kinds: {
      connect: 1,
      sent: 3,
      '-subscriptions': 3,
      snapshot: 10,
      ticker: 20,
      '-last_match (trade already recorded from its ticker)': 10,
      l2update: 243,
      match: 8,
      '-match (trade already recorded from its ticker)': 2,
    },
    types: { book: 8615, tick: 28 },
  },
  {
    file: 'kraken-20210417.head300.ws.txt.gz',
    format: 'kraken',
    kinds: { connect: 1, sent: 1, '-systemStatus': 1, '-subscriptionStatus': 10, '-heartbeat': 3, 'book snapshot': 10, 'book update': 274 },
    types: { book: 7757 },
  },
];

const FULL: { file: string; format: VenueFormat; kinds: Record<string, number>; types: Record<string, number> }[] = [
  {
    file: 'binance-spot-btcusdt-20240808.capture.gz',
    format: 'binance',
    kinds: { depthUpdate: 3451, bookTicker: 28040, trade: 9757, snapshot: 1 },
    types: { book: 126107, tick: 37797 },
  },
  {
    file: 'coinbase-pro-20210417.ws.txt',
    format: 'coinbase',
    kinds: {
      connect: 1,
      sent: 3,
      '-subscriptions': 3,
      snapshot: 10,
      ticker: 107,
      '-last_match (trade already recorded from its ticker)': 10,
      l2update: 9719,
      match: 80,
      '-match (trade already recorded from its ticker)': 17,
    },
    types: { book: 18091, tick: 187 },
  },
  {
    file: 'kraken-20210417.ws.txt',
    format: 'kraken',
    kinds: { connect: 1, sent: 1, '-systemStatus': 1, '-subscriptionStatus': 10, '-heartbeat': 31, 'book snapshot': 10, 'book update': 4269 },
    types: { book: 11755 },
  },
];

/** What every capture must satisfy beyond its counts. */
function invariants(t: Tally, format: VenueFormat): void {
  // Every batch of book events ends with LAST, and only there.
  for (const b of t.batches) {
    const bookEvs = b.filter((e) => e.type === 'book') as BookEvent[];
    if (bookEvs.length === 0) continue;
    bookEvs.forEach((e, i) => assert.is(((e.flags ?? 0) & BOOK_FLAG_LAST) !== 0, i === bookEvs.length - 1));
  }
  // Trades once: every trade tick has a trade id (where the venue sends one), none repeats.
  const ids = (t.events as TickEvent[]).filter((e) => e.type === 'tick' && e.last !== undefined).map((e) => `${e.symbol}/${e.tradeId}`);
  if (format !== 'kraken') assert.ok(ids.every((id) => !id.endsWith('/undefined')), 'trade ids');
  assert.is(new Set(ids).size, ids.length, 'no trade twice');
  // No gap on these captures: every Binance update continues the last, every Kraken checksum passes.
  assert.is(t.types.system ?? 0, 0, 'gap events');
}

for (const x of EXCERPTS) {
  test(`excerpt ${x.file}: exact counts per message kind, every message an event batch or a counted non-event`, () => {
    const t = tally(fixture(x.file), x.format);
    assert.equal(t.kinds, x.kinds);
    assert.equal(t.types, x.types);
    assert.is(Object.values(t.kinds).reduce((a, b) => a + b, 0), captureLines(fixture(x.file)).length);
    invariants(t, x.format);
  });
}

for (const x of FULL) {
  test(`full capture ../shared/data/${x.file}: exact counts per message kind, no gap, every checksum passes, trades once`, () => {
    const file = path.join(SHARED, x.file);
    if (!fs.existsSync(SHARED)) {
      console.log(`\n  SKIPPED: full capture ${x.file} (no ../shared/data)`);
      return;
    }
    const t = tally(file, x.format);
    assert.equal(t.kinds, x.kinds);
    assert.equal(t.types, x.types);
    invariants(t, x.format);
  });
}

test('import: one venue message is one atomic batch in the log; the recording holds exactly the mapped events', async () => {
  const dir = path.join(tmpDir(), 'k');
  const summary = await importFile(fixture('kraken-20210417.head300.ws.txt.gz'), dir, { format: 'kraken' });
  assert.is(summary.byType.book, 7757);
  const evs = [...openRecording(dir).events()].filter((e) => e.type === 'book');
  assert.is(evs.length, 7757);
  const first = evs[0] as BookEvent;
  assert.is(first.type, 'book');
  assert.is(first.action, 'clear');
  assert.instance(evs[1]!.type === 'book' ? (evs[1] as BookEvent).price : undefined, Decimal);
  // One LAST per book message (10 snapshots + 274 updates), in the same order as the mapping gave them.
  assert.is(evs.filter((e) => e.type === 'book' && ((e as BookEvent).flags ?? 0) & BOOK_FLAG_LAST).length, 284);
  rm(path.dirname(dir));
});

test('a feed of another API version is counted by its channel, not as unknown: Kraken WebSocket v2, Coinbase Advanced Trade', () => {
  const kraken = mapperFor('kraken');
  assert.equal(kraken({ channel: 'book', type: 'snapshot', data: [{ symbol: 'BTC/USD', bids: [{ price: 1, qty: 1 }], asks: [], checksum: 1 }] }), { unmapped: 'book (WebSocket v2: only v1 is mapped)' });
  assert.equal(kraken({ method: 'subscribe', result: { channel: 'book' }, success: true }), { unmapped: 'subscribe (WebSocket v2: only v1 is mapped)' });
  assert.equal(kraken({ foo: 1 }), { unmapped: 'unknown' });
  const coinbase = mapperFor('coinbase');
  assert.equal(coinbase({ channel: 'l2_data', client_id: '', timestamp: '2023-02-09T20:32:50.714964855Z', sequence_num: 0, events: [] }), {
    unmapped: 'l2_data (Advanced Trade: only the Exchange ws-feed is mapped)',
  });
});

test('import --symbol / --venue reach a capture\'s mapping: a REST snapshot ahead of the depth stream is not rejected', async () => {
  const root = tmpDir();
  const file = path.join(root, 'snap-first.capture');
  const line = (ns: number, msg: object) => `${1723161600000000000 + ns} ${JSON.stringify(msg)}`;
  fs.writeFileSync(file, [line(1, { lastUpdateId: 100, bids: [['9.00', '5']], asks: [['11.00', '1']] }), line(2, { stream: 'btcusdt@depth@100ms', data: depth(101, 102, [['10.00', '1']]) })].join('\n') + '\n');
  // Without the symbol: a reject that says how to pass it.
  let r = await runCli(['import', file, path.join(root, 'a'), '--format', 'binance']);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /line 1: .*pass the symbol \(--symbol\)/);
  r = await runCli(['import', file, path.join(root, 'b'), '--format', 'binance', '--symbol', 'BTCUSDT', '--venue', 'binance-test', '--json']);
  assert.is(r.code, 0, r.stderr);
  assert.is(JSON.parse(r.stdout).rejects, 0);
  const evs = readEvents(path.join(root, 'b')).filter((e) => e.type === 'book') as BookEvent[];
  assert.equal(evs.map((e) => [e.venue, e.symbol, e.action, e.flags]), [
    ['binance-test', 'BTCUSDT', 'clear', BOOK_FLAG_SNAPSHOT],
    ['binance-test', 'BTCUSDT', 'set', BOOK_FLAG_SNAPSHOT],
    ['binance-test', 'BTCUSDT', 'set', BOOK_FLAG_SNAPSHOT | BOOK_FLAG_LAST],
    ['binance-test', 'BTCUSDT', 'set', BOOK_FLAG_LAST],
  ]);
  // --symbol means nothing to other formats: a usage error.
  r = await runCli(['import', fixture('kraken-20210417.head300.ws.txt.gz'), path.join(root, 'c'), '--format', 'kraken', '--symbol', 'X']);
  assert.is(r.code, 2);
  rm(root);
});

test('cryptofeed capture lines: `<url> -> <ts>: <body>` is an HTTP response received, `configuration: <json>` its header', () => {
  assert.equal(parseCaptureLine('https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=1000 -> 1633998512.320639: {"lastUpdateId":1}'), {
    kind: 'message',
    ts: 1633998512320639000n,
    message: '{"lastUpdateId":1}',
    url: 'https://api.binance.com/api/v3/depth?symbol=NKNUSDT&limit=1000',
  });
  assert.equal(parseCaptureLine('configuration: {"trades":["NKN-USDT"]}'), { kind: 'configuration', message: '{"trades":["NKN-USDT"]}' });
  // The body's symbol comes from the URL: several symbols, no `pass the symbol`.
  const map = mapperFor('binance');
  map(depth(1, 2, []));
  map({ ...depth(1, 2, []), s: 'ETHUSDT' });
  const snap = map({ lastUpdateId: 5, bids: [], asks: [] }, 'line 3', 'https://api.binance.com/api/v3/depth?symbol=ethusdt&limit=10');
  assert.equal(books(snap).map((e) => [e.symbol, e.action]), [['ETHUSDT', 'clear']]);
});

for (const [file, format, symbols] of [
  ['cryptofeed-binance-spot-20211012.ws.txt.gz', 'binance', ['BLZETH', 'LRCBTC', 'NKNUSDT', 'RUNEEUR']],
  ['cryptofeed-binance-futures-20210722.head120.ws.txt.gz', 'binance-futures', ['AKROUSDT', 'CTKUSDT', 'KEEPUSDT', 'SUSHIUSDT']],
] as const) {
  test(`import cryptofeed ${file} (ws stream + its REST snapshots): every book synced, no gap, verify --book passes`, async () => {
    const dir = path.join(tmpDir(), 'cf');
    const s = await importFile(fixture(file), dir);
    assert.is(s.format, format);
    assert.is(s.rejects, 0);
    assert.is(s.gaps, 0);
    assert.equal(s.control, { connect: 1 });
    const rs = checkBooks(openRecording(dir).events({ types: ['book', 'system', 'tick'] }));
    assert.equal(rs.map((r) => r.symbol).sort(), [...symbols]);
    for (const r of rs) {
      assert.is(r.firstFailure, null, `${r.symbol}: ${r.firstFailure?.detail}`);
      assert.ok(r.checks.continuity.checked > 0, `${r.symbol} continuity checked`);
    }
    assert.ok(rs.some((r) => r.checks['top-of-book'].checked > 0), 'top of book compared');
    rm(path.dirname(dir));
  });
}

test.run();
