/**
 * Tardis.dev CSV: each dataset detected from its header, µs → exact ns, decimal text kept,
 * rows sharing a local_timestamp batched, is_snapshot runs as clear + snapshot levels.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ValidationError } from '../src/errors.js';
import { detectTardis, TardisBatcher, TardisRows, unsupportedTardis, type Draft } from '../src/record/tardis.js';
import { fixture } from './record-helpers.js';

function batchesOf(file: string): Draft[][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  const layout = detectTardis(lines[0]!.split(','))!;
  const rows = new TardisRows(layout);
  const b = new TardisBatcher();
  const out: Draft[][] = [];
  lines.slice(1).forEach((l, i) => {
    const done = b.push(rows.row(l.split(','), `line ${i + 2}`));
    if (done) out.push(done);
  });
  const last = b.flush();
  if (last) out.push(last);
  return out;
}

const T = (name: string) => path.join(fixture('tardis'), name);

test('detects each dataset from its header', () => {
  const head = (f: string) => fs.readFileSync(T(f), 'utf8').split('\n')[0]!.split(',');
  assert.is(detectTardis(head('bitmex_trades_XBTUSD.csv'))!.dataset, 'trades');
  assert.is(detectTardis(head('huobi-dm-swap_quotes_BTC-USD.csv'))!.dataset, 'quotes');
  assert.is(detectTardis(head('deribit_incremental_book_L2_BTC-PERPETUAL.csv'))!.dataset, 'incremental_book_L2');
  assert.equal(detectTardis(head('binance-futures_book_snapshot_5_BTCUSDT.csv'))!.depth, 5);
  assert.equal(detectTardis(head('binance-futures_book_snapshot_25_BTCUSDT.csv'))!.depth, 25);
  assert.is(detectTardis(['type', 'ts', 'runId']), null);
  assert.is(detectTardis(['exchange', 'symbol', 'timestamp', 'local_timestamp', 'funding_rate']), null);
});

test('trades: one tick per row, µs → ns, decimal text, trade id, aggressor; equal local_timestamps batched', () => {
  const batches = batchesOf(T('bitmex_trades_XBTUSD.csv'));
  const ticks = batches.flat();
  assert.is(ticks.length, 10);
  assert.equal(ticks[0], {
    type: 'tick',
    ts: 1583020803307160000n,
    venue: 'bitmex',
    symbol: 'XBTUSD',
    last: '8531.5',
    lastSize: '2152',
    aggressor: 'sell',
    tradeId: 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf',
    exchTs: 1583020803145000000n,
  });
  // Rows 2..10 share local_timestamp 1583020803336743: one venue message, one batch.
  assert.equal(batches.map((b) => b.length), [1, 9]);
});

test('quotes: bid/ask and sizes as the venue wrote them', () => {
  const ticks = batchesOf(T('huobi-dm-swap_quotes_BTC-USD.csv')).flat();
  assert.is(ticks.length, 10);
  assert.equal(ticks[0], {
    type: 'tick',
    ts: 1588291201234268000n,
    venue: 'huobi-dm-swap',
    symbol: 'BTC-USD',
    bid: '8629.2',
    ask: '8629.3',
    bidSize: '806',
    askSize: '5494',
    exchTs: 1588291201099000000n,
  });
});

test('book_snapshot_5 and _25: a clear and every level per row, flagged snapshot, the last flagged last', () => {
  for (const [f, depth] of [
    ['binance-futures_book_snapshot_5_BTCUSDT.csv', 5],
    ['binance-futures_book_snapshot_25_BTCUSDT.csv', 25],
  ] as const) {
    const batches = batchesOf(T(f));
    assert.is(batches.length, 10, f);
    for (const b of batches) {
      assert.is(b.length, 1 + 2 * depth, f);
      assert.is(b[0]!.action, 'clear');
      for (const e of b) assert.ok(((e.flags as number) & 32) !== 0, 'snapshot flag');
      assert.is((b.at(-1)!.flags as number) & 128, 128);
      assert.is(b.filter((e) => ((e.flags as number) & 128) !== 0).length, 1);
    }
    const first = batches[0]!;
    assert.equal(first[1], { type: 'book', ts: 1598918403810979000n, venue: 'binance-futures', symbol: 'BTCUSDT', exchTs: 1598918403696000000n, action: 'set', side: 'ask', price: '11657.08', size: '1.714', flags: 32 });
    assert.is(first[1 + depth]!.side, 'bid');
    assert.is(first[1 + depth]!.price, '11657.07');
  }
});

test('incremental_book_L2: the is_snapshot run is a clear + levels; live rows are sets; amount 0 is kept as a delete', () => {
  const events = batchesOf(T('deribit_incremental_book_L2_BTC-PERPETUAL.csv')).flat();
  const lines = fs.readFileSync(T('deribit_incremental_book_L2_BTC-PERPETUAL.csv'), 'utf8').trim().split('\n').slice(1);
  const snapRows = lines.filter((l) => l.split(',')[4] === 'true').length;
  assert.is(events.length, lines.length + 1, 'one clear added');
  assert.is(events[0]!.action, 'clear');
  assert.is(events[0]!.flags, 32);
  assert.is(events.slice(1, 1 + snapRows).every((e) => e.action === 'set' && ((e.flags as number) & 32) === 32), true);
  assert.is(events.slice(1 + snapRows).every((e) => ((e.flags as number) & 32) === 0), true);
});

test('a new is_snapshot run after live rows resets again', () => {
  const header = 'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount'.split(',');
  const rows = new TardisRows(detectTardis(header)!);
  const r = (cells: string) => rows.row(cells.split(','), 'x').drafts.map((d) => d.action);
  assert.equal(r('d,S,1,10,true,bid,1,5'), ['clear', 'set']);
  assert.equal(r('d,S,1,10,true,ask,2,5'), ['set']);
  assert.equal(r('d,S,2,11,false,ask,2,0'), ['set']);
  assert.equal(r('d,S,3,12,true,bid,1,5'), ['clear', 'set']);
});

test('options_chain, derivative_ticker and liquidations are refused by name, never read as quotes or trades', () => {
  const P = 'exchange,symbol,timestamp,local_timestamp,';
  // Tardis.dev's documented columns of each dataset.
  const options = `${P}type,strike_price,expiration,open_interest,last_price,bid_price,bid_amount,bid_iv,ask_price,ask_amount,ask_iv,mark_price,mark_iv,underlying_index,underlying_price,delta,gamma,vega,theta,rho`.split(',');
  const ticker = `${P}funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price`.split(',');
  const trades = `${P}id,side,price,amount`.split(',');
  assert.is(detectTardis(options), null, 'options_chain has the four quote columns but is not quotes');
  assert.is(unsupportedTardis(options), 'options_chain');
  assert.is(detectTardis(ticker), null);
  assert.is(unsupportedTardis(ticker), 'derivative_ticker');
  // liquidations has the columns of trades: the file name Tardis gives it tells them apart.
  assert.is(unsupportedTardis(trades, '/data/binance-futures_liquidations_2020-09-01_BTCUSDT.csv.gz'), 'liquidations');
  assert.is(unsupportedTardis(trades, 'liquidations.csv'), 'liquidations');
  assert.is(unsupportedTardis(trades, '/data/liquidations/bitmex_trades_2020-03-01_XBTUSD.csv.gz'), undefined, 'only the base name counts');
  assert.is(unsupportedTardis(trades, 'bitmex_trades_XBTUSD.csv'), undefined);
  assert.is(detectTardis(trades)!.dataset, 'trades');
});

test('bad rows are ValidationErrors naming the field and line', () => {
  const header = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount'.split(',');
  const rows = new TardisRows(detectTardis(header)!);
  const bad: [string, RegExp][] = [
    ['bitmex,XBTUSD,1583020803.5,1583020803307160,a,sell,1,1', /timestamp.*microseconds/],
    ['bitmex,XBTUSD,1,2,a,sideways,1,1', /side/],
    ['bitmex,XBTUSD,1,2,a,buy,abc,1', /price.*decimal/],
    ['bitmex,XBTUSD,1,2,a,buy,1', /7 cells/],
  ];
  for (const [line, re] of bad) {
    try {
      rows.row(line.split(','), 'line 9');
      assert.unreachable(line);
    } catch (e) {
      assert.instance(e, ValidationError);
      assert.match((e as Error).message, re);
      assert.match((e as Error).message, /^line 9:/);
    }
  }
});

test.run();
