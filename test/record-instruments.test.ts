/**
 * Instrument events from venue metadata: Binance exchangeInfo (spot and USD-M futures), Coinbase
 * products (REST list, one product, the ws status channel) and Kraken AssetPairs, mapped by the
 * venue mappings wherever the body appears: in a capture (import), or fetched by a live feed
 * (--instruments-url). The bodies below follow each venue's documented response, cut to the fields
 * that matter and one or two symbols.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { InstrumentEvent, SystemEvent } from '../src/events/types.js';
import { importFile } from '../src/record/importer.js';
import { Recorder } from '../src/record/recorder.js';
import type { InstrumentDraft, MapOutcome } from '../src/record/venue-common.js';
import { mapperFor } from '../src/record/venues.js';
import { recordWebSocket } from '../src/record/ws.js';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { readEvents, waitFor } from './record-helpers.js';

/** GET https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT (abridged). */
const BINANCE_SPOT = {
  timezone: 'UTC',
  serverTime: 1723075200000,
  rateLimits: [],
  exchangeFilters: [],
  symbols: [
    {
      symbol: 'BTCUSDT',
      status: 'TRADING',
      baseAsset: 'BTC',
      baseAssetPrecision: 8,
      quoteAsset: 'USDT',
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
        { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
        { filterType: 'NOTIONAL', minNotional: '5.00000000' },
      ],
    },
  ],
};

/** GET https://fapi.binance.com/fapi/v1/exchangeInfo (abridged to one symbol). */
const BINANCE_FUTURES = {
  timezone: 'UTC',
  serverTime: 1723075200000,
  symbols: [
    {
      symbol: 'BTCUSDT',
      pair: 'BTCUSDT',
      contractType: 'PERPETUAL',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      pricePrecision: 2,
      quantityPrecision: 3,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
        { filterType: 'LOT_SIZE', minQty: '0.001', maxQty: '1000', stepSize: '0.001' },
      ],
    },
  ],
};

/** GET https://api.exchange.coinbase.com/products/BTC-USD (abridged). */
const COINBASE_PRODUCT = {
  id: 'BTC-USD',
  base_currency: 'BTC',
  quote_currency: 'USD',
  quote_increment: '0.01',
  base_increment: '0.00000001',
  display_name: 'BTC/USD',
  min_market_funds: '1',
  status: 'online',
  base_min_size: '0.00000100',
};

/** GET https://api.kraken.com/0/public/AssetPairs?pair=XBTCHF (abridged). */
const KRAKEN_PAIRS = {
  error: [],
  result: {
    XBTCHF: { altname: 'XBTCHF', wsname: 'XBT/CHF', base: 'XXBT', quote: 'CHF', lot: 'unit', pair_decimals: 1, lot_decimals: 8, lot_multiplier: 1, ordermin: '0.0001', costmin: '5', tick_size: '0.1' },
    XMRUSD: { altname: 'XMRUSD', wsname: 'XMR/USD', base: 'XXMR', quote: 'ZUSD', pair_decimals: 2, lot_decimals: 8, ordermin: '0.03' },
  },
};

const shown = (outcome: MapOutcome): Record<string, unknown>[] => {
  assert.ok('events' in outcome, JSON.stringify(outcome));
  return (outcome as { events: InstrumentDraft[] }).events.map((e) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) o[k] = typeof v === 'object' && v !== null ? String(v) : v;
    return o;
  });
};

test('Binance exchangeInfo: tick (PRICE_FILTER), lot and minimum (LOT_SIZE), scales; futures kept as their own venue', () => {
  assert.equal(shown(mapperFor('binance')(BINANCE_SPOT)), [
    { type: 'instrument', venue: 'binance-spot', symbol: 'BTCUSDT', kind: 'spot', base: 'BTC', quote: 'USDT', priceScale: 8, sizeScale: 8, tickSize: '0.01000000', lotSize: '0.00001000', minSize: '0.00001000' },
  ]);
  assert.equal(shown(mapperFor('binance')(BINANCE_FUTURES)), [
    { type: 'instrument', venue: 'binance-futures', symbol: 'BTCUSDT', kind: 'perpetual', base: 'BTC', quote: 'USDT', priceScale: 2, sizeScale: 3, tickSize: '0.10', lotSize: '0.001', minSize: '0.001' },
  ]);
  const bad = { ...BINANCE_SPOT, symbols: [{ ...BINANCE_SPOT.symbols[0], filters: [{ filterType: 'PRICE_FILTER', tickSize: 'a lot' }] }] };
  assert.throws(() => mapperFor('binance')(bad, 'line 3'), /line 3.*symbols\[0\]\.filters\[0\]\.tickSize/);
});

test('Coinbase products: one product (REST), a list (REST), and the status channel give the same instrument', () => {
  const want = [{ type: 'instrument', venue: 'coinbase', symbol: 'BTC-USD', kind: 'spot', tickSize: '0.01', lotSize: '0.00000001', base: 'BTC', quote: 'USD', minSize: '0.00000100', priceScale: 2, sizeScale: 8 }];
  assert.equal(shown(mapperFor('coinbase')(COINBASE_PRODUCT)), want);
  assert.equal(shown(mapperFor('coinbase')([COINBASE_PRODUCT])), want);
  assert.equal(shown(mapperFor('coinbase')({ type: 'status', currencies: [], products: [COINBASE_PRODUCT] })), want);
  assert.equal(mapperFor('coinbase')({ type: 'status', products: [] }), { unmapped: 'status' });
});

test('Kraken AssetPairs: named as the WebSocket names the pair; tick_size, or one unit of pair_decimals', () => {
  assert.equal(shown(mapperFor('kraken')(KRAKEN_PAIRS)), [
    { type: 'instrument', venue: 'kraken', symbol: 'XBT/CHF', kind: 'spot', priceScale: 1, tickSize: '0.1', sizeScale: 8, lotSize: '0.00000001', minSize: '0.0001', base: 'XBT', quote: 'CHF' },
    { type: 'instrument', venue: 'kraken', symbol: 'XMR/USD', kind: 'spot', priceScale: 2, tickSize: '0.01', sizeScale: 8, lotSize: '0.00000001', minSize: '0.03', base: 'XMR', quote: 'USD' },
  ]);
  assert.throws(() => mapperFor('kraken')({ error: [], result: { X: { pair_decimals: -1 } } }, 'message 2'), /message 2.*pair_decimals/);
});

test('import: an exchangeInfo body in a Binance capture becomes instrument events with the stream data', async () => {
  const root = tmpDir();
  try {
    const cap = path.join(root, 'btc.capture');
    const depth = { e: 'depthUpdate', E: 1723075200100, s: 'BTCUSDT', U: 1, u: 2, b: [['61837.63000000', '1.00000000']], a: [] };
    fs.writeFileSync(cap, `1723075200000000000 ${JSON.stringify(BINANCE_SPOT)}\n1723075200100000000 ${JSON.stringify(depth)}\n`);
    const s = await importFile(cap, path.join(root, 'r'), { format: 'binance', deterministic: true, onWarning: () => {} });
    assert.is(s.byType.instrument, 1);
    const ins = readEvents(path.join(root, 'r')).find((e): e is InstrumentEvent => e.type === 'instrument')!;
    assert.equal([ins.symbol, String(ins.tickSize), String(ins.lotSize), ins.ts], ['BTCUSDT', '0.01000000', '0.00001000', 1723075200000000000n]);
  } finally {
    rm(root);
  }
});

test('live: --instruments-url bodies are fetched after connecting and recorded; a failed fetch is a note event', async () => {
  const root = tmpDir();
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  try {
    const rec = await Recorder.open(path.join(root, 'k'), { clock: 'receive', onWarning: () => {} });
    const fetched: string[] = [];
    const feed = recordWebSocket(rec, {
      url,
      format: 'kraken',
      instrumentsUrls: ['http://127.0.0.1:9/0/public/AssetPairs', 'http://127.0.0.1:9/missing'],
      fetchText: async (u) => {
        fetched.push(u);
        if (u.endsWith('missing')) throw new Error('HTTP 404 Not Found');
        return JSON.stringify(KRAKEN_PAIRS);
      },
    });
    await waitFor(() => {
      const evs = readEvents(path.join(root, 'k'));
      return evs.filter((e) => e.type === 'instrument').length === 2 && evs.some((e) => e.type === 'system' && e.kind === 'note');
    }, 'two instruments and a note');
    await rec.close();
    await feed;
    assert.is(fetched.length, 2);
    const evs = readEvents(path.join(root, 'k'));
    assert.equal(evs.filter((e): e is InstrumentEvent => e.type === 'instrument').map((e) => e.symbol), ['XBT/CHF', 'XMR/USD']);
    const note = evs.find((e): e is SystemEvent => e.type === 'system' && e.kind === 'note')!;
    assert.equal([note.data?.url, note.data?.reason], ['http://127.0.0.1:9/missing', 'HTTP 404 Not Found']);
  } finally {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
    rm(root);
  }
});

test('CLI: --instruments-url and --snapshot-url need --ws with a venue format and an http(s) URL (exit 2)', async () => {
  const root = tmpDir();
  try {
    let r = await runCli(['record', path.join(root, 'a'), '--instruments-url', 'https://api.kraken.com/0/public/AssetPairs']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--instruments-url needs --ws/);
    r = await runCli(['record', path.join(root, 'a'), '--ws', 'ws://127.0.0.1:9', '--format', 'kraken', '--instruments-url', 'ftp://x']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /http:\/\/ or https:\/\//);
    r = await runCli(['record', path.join(root, 'a'), '--ws', 'ws://127.0.0.1:9', '--snapshot-url', 'https://x/depth']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--snapshot-url needs --ws with a venue --format/);
  } finally {
    rm(root);
  }
});

test.run();
