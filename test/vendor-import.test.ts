/**
 * Vendor files end to end: every DBN test file imports with the event counts of its schema and
 * exact field values; MBO, trades and OHLCV come back from `export --format dbn` record for record,
 * byte for byte (plain and zstd); the MBO sample rebuilt into an L3 book matches a naive reference
 * built from the raw DBN records; Tardis datasets and column-mapped files import with their counts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Decimal } from '../src/events/decimal.js';
import type { BarEvent, BookEvent, InstrumentEvent, TapeEvent, TickEvent } from '../src/events/types.js';
import { booksAt } from '../src/book/book-at.js';
import { exportDbn } from '../src/ops/dbn-export.js';
import { importFile } from '../src/record/importer.js';
import { openBytes } from '../src/vendor/bytes.js';
import { DbnDecoder } from '../src/vendor/dbn/decoder.js';
import type { DbnRecord } from '../src/vendor/dbn/record.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { fixture, readEvents, SHARED_DATA } from './record-helpers.js';

const FIX = fixture('dbn');
const SHARED_DBN = path.join(SHARED_DATA, 'dbn');
const GLBX_FULL = path.join(SHARED_DBN, 'glbx-esm4-mbo-20240508T000000-2s.dbn.zst');
const GLBX_EXCERPT = path.join(FIX, 'glbx-esm4-mbo-20240508.excerpt595.dbn.zst');

async function readAll(file: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of openBytes(file).chunks()) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
const recordBytes = (b: Buffer) => b.subarray(8 + b.readUInt32LE(4));

async function dbnRecords(file: string): Promise<DbnRecord[]> {
  const d = new DbnDecoder(file);
  const out: DbnRecord[] = [];
  for await (const c of openBytes(file).chunks()) out.push(...d.push(c));
  d.end();
  return out;
}

const quiet = { deterministic: true, onWarning: () => {} };
const count = (evs: TapeEvent[]) => {
  const c: Record<string, number> = {};
  for (const e of evs) if (e.type !== 'system' || (e.kind !== 'session-start' && e.kind !== 'session-end')) c[e.type] = (c[e.type] ?? 0) + 1;
  return c;
};

/** Events per schema: one instrument event announces the DBN ids before the first record. */
const EVENTS: Record<string, Record<string, number>> = {
  mbo: { instrument: 1, book: 2 },
  'mbp-1': { instrument: 1, tick: 2 },
  'mbp-10': { instrument: 1, book: 22 },
  tbbo: { instrument: 1, tick: 2 },
  trades: { instrument: 1, book: 2 },
  'ohlcv-1s': { instrument: 1, bar: 2 },
  status: { instrument: 1, system: 4 },
  definition: { instrument: 2 },
  imbalance: { instrument: 1, system: 2 },
  statistics: { instrument: 1, system: 2 },
};
/** Schemas whose records map one to one: DBN → tapedeck → DBN gives the same bytes. */
const ROUND_TRIP = new Set(['mbo', 'trades', 'ohlcv-1s']);

test('every DBN test file (v1, v2, v3, plain and zstd): event counts per schema; MBO, trades, OHLCV round-trip byte for byte', async () => {
  const root = tmpDir();
  try {
    const files = fs.readdirSync(FIX).filter((f) => f.startsWith('test_data.'));
    assert.is(files.length, 40);
    let roundTrips = 0;
    for (const [i, f] of files.entries()) {
      const schema = /^test_data\.([a-z0-9-]+?)(?:\.v\d)?\.dbn/.exec(f)![1]!;
      const dir = path.join(root, `r${i}`);
      const s = await importFile(path.join(FIX, f), dir, quiet);
      assert.is(s.format, 'dbn', f);
      assert.is(s.rejects, 0, f);
      assert.equal(count(readEvents(dir)), EVENTS[schema], f);
      if (ROUND_TRIP.has(schema)) {
        for (const zstd of [false, true]) {
          const out = path.join(root, `r${i}.${zstd ? 'dbn.zst' : 'dbn'}`);
          await exportDbn(dir, out, { zstd });
          assert.ok(recordBytes(await readAll(out)).equals(recordBytes(await readAll(path.join(FIX, f)))), `${f}: records differ after the round trip (zstd ${zstd})`);
          roundTrips++;
        }
      }
    }
    assert.is(roundTrips, 2 * 13);
  } finally {
    rm(root);
  }
});

test('the shared DBN folder holds the same test files as the fixtures (so every one of them is covered above)', () => {
  if (!fs.existsSync(SHARED_DBN)) {
    console.log(`\n  SKIPPED: comparing ../shared/data/dbn with the fixtures (no ${SHARED_DBN}: the samples are read from ../shared/data beside the checkout)`);
    return;
  }
  const shared = fs.readdirSync(SHARED_DBN).filter((f) => f.startsWith('test_data.'));
  assert.is(shared.length, 40);
  for (const f of shared) assert.ok(fs.readFileSync(path.join(SHARED_DBN, f)).equals(fs.readFileSync(path.join(FIX, f))), f);
});

test('exact field values: MBO → book (L3), trades → book trade, MBP-1 → tick, OHLCV → bar, definition → instrument', async () => {
  const root = tmpDir();
  try {
    const ev = async (f: string) => {
      const dir = path.join(root, f);
      await importFile(path.join(FIX, f), dir, quiet);
      return readEvents(dir).filter((e) => e.type !== 'system' || e.kind === 'note');
    };
    const mbo = await ev('test_data.mbo.v3.dbn');
    const inst = mbo[0] as InstrumentEvent;
    assert.equal([inst.type, inst.venue, inst.symbol, inst.instrumentId, inst.publisherId], ['instrument', 'GLBX', 'ESH1', 5482, 1]);
    const b = mbo[1] as BookEvent;
    assert.is(b.ts, 1609160400000704060n);
    assert.is(b.exchTs, 1609160400000429831n);
    assert.is(b.action, 'cancel');
    assert.is(b.side, 'ask');
    assert.is(String(b.price), '3722.75');
    assert.ok(b.price instanceof Decimal);
    assert.is(String(b.size), '1', 'a cancel of an order not seen: DBN\'s canceled amount');
    assert.is(b.flags, 128);
    assert.is(b.venueSeq, 1170352);
    assert.is(b.orderId, '647784973705');
    assert.is(b.tsInDelta, 22993);

    const trades = await ev('test_data.trades.v2.dbn.zst');
    const t = trades[1] as BookEvent;
    assert.equal([t.action, t.symbol, String(t.price), String(t.size), t.orderId], ['trade', 'ESH1', '3720.25', '5', undefined]);

    const mbp1 = await ev('test_data.mbp-1.v3.dbn.zst');
    const q = mbp1[1] as TickEvent;
    assert.equal([String(q.bid), String(q.ask), String(q.bidSize), String(q.askSize)], ['3720.25', '3720.5', '24', '11']);

    const bars = await ev('test_data.ohlcv-1s.v3.dbn.zst');
    const bar = bars[1] as BarEvent;
    assert.equal([bar.interval, String(bar.open), String(bar.high), String(bar.low), String(bar.close), String(bar.volume)], ['1s', '372025', '372050', '372025', '372050', '57']);
    assert.is(bar.ts - bar.start, 1_000_000_000n, 'a bar is stamped at its close');

    const defs = await ev('test_data.definition.v1.dbn.zst');
    const d = defs[0] as InstrumentEvent;
    assert.equal([d.symbol, d.venue, d.kind, String(d.lotSize), d.instrumentId], ['MSFT', 'XNAS', 'stock', '100', 6819]);
  } finally {
    rm(root);
  }
});

/** A naive L3 book from raw DBN records (Databento's semantics: a cancel removes what it cancels; fills and trades leave the book alone). */
function naiveDbnBook(recs: DbnRecord[]): Map<string, { side: string; price: bigint; size: number }> {
  const orders = new Map<string, { side: string; price: bigint; size: number }>();
  for (const r of recs) {
    const id = String(r.order_id);
    if (r.action === 'R') orders.clear();
    else if (r.action === 'A' || r.action === 'M') orders.set(id, { side: r.side as string, price: r.price as bigint, size: r.size as number });
    else if (r.action === 'C') {
      const o = orders.get(id);
      if (!o) continue;
      o.size -= r.size as number;
      if (o.size <= 0) orders.delete(id);
    }
  }
  return orders;
}

/** The book from the recording's events, applied at message boundaries (tapedeck's semantics: cancel carries what remains, fill reduces). */
function bookFromEvents(evs: TapeEvent[]): Map<string, { side: string; price: bigint; size: number }> {
  const orders = new Map<string, { side: string; price: bigint; size: number }>();
  const px = (d: BookEvent['price']) => BigInt((d as Decimal).mantissa) * 10n ** BigInt(9 + (d as Decimal).exponent);
  for (const e of evs) {
    if (e.type !== 'book' || e.orderId === undefined) continue;
    const side = e.side === 'bid' ? 'B' : 'A';
    if (e.action === 'clear') orders.clear();
    else if (e.action === 'add' || e.action === 'modify') orders.set(e.orderId, { side, price: px(e.price), size: Number(String(e.size)) });
    else if (e.action === 'cancel') {
      const o = orders.get(e.orderId);
      if (!o) continue;
      const left = Number(String(e.size));
      if (left === 0) orders.delete(e.orderId);
      else o.size = left;
    } else if (e.action === 'fill') {
      const o = orders.get(e.orderId);
      if (o) o.size -= Number(String(e.size));
    }
  }
  return orders;
}

function topLevels(orders: Map<string, { side: string; price: bigint; size: number }>, side: string, n: number): string[] {
  const levels = new Map<bigint, number>();
  for (const o of orders.values()) if (o.side === side) levels.set(o.price, (levels.get(o.price) ?? 0) + o.size);
  return [...levels.entries()]
    .sort(([a], [b]) => (side === 'B' ? (a > b ? -1 : 1) : a < b ? -1 : 1))
    .slice(0, n)
    .map(([p, s]) => `${p}x${s}`);
}

test('the MBO sample rebuilt from the recording matches a naive book from the raw records (resting orders, ten levels a side)', async () => {
  const file = fs.existsSync(GLBX_FULL) ? GLBX_FULL : GLBX_EXCERPT;
  if (file === GLBX_EXCERPT) console.log(`\n  SKIPPED: the full glbx MBO sample (no ${GLBX_FULL}: the samples are read from ../shared/data beside the checkout); checking the excerpt`);
  const root = tmpDir();
  try {
    const s = await importFile(file, path.join(root, 'es'), quiet);
    const evs = readEvents(path.join(root, 'es'));
    const raw = await dbnRecords(file);
    assert.is(s.byType.book, raw.length);
    const snapshot = evs.filter((e) => e.type === 'book' && ((e.flags ?? 0) & 32) !== 0);
    assert.is(snapshot.length, file === GLBX_FULL ? 13_601 : 400, 'the clear and the snapshot adds stay marked as snapshot');
    const want = naiveDbnBook(raw);
    const got = bookFromEvents(evs);
    assert.is(got.size, want.size);
    for (const [id, o] of want) assert.equal(got.get(id), o, `order ${id}`);
    for (const side of ['B', 'A']) assert.equal(topLevels(got, side, 10), topLevels(want, side, 10), side);
    if (file === GLBX_FULL) {
      assert.is(topLevels(want, 'B', 1)[0], '5214000000000x28');
      assert.ok(want.size > 13_000);
    }
    // Every message ends with LAST: the last book event of each batch carries flag 128.
    assert.is(((evs.filter((e) => e.type === 'book').at(-1) as BookEvent).flags ?? 0) & 128, 128);
  } finally {
    rm(root);
  }
});

/** 1e-9 units of a decimal price string ("5214.25" → 5214250000000n), as DBN prices are. */
function nanoUnits(price: string): bigint {
  const [i, f = ''] = price.split('.');
  return BigInt(i!) * 1_000_000_000n + BigInt(f.padEnd(9, '0'));
}

test('book --at on the imported MBO sample (src/book): top levels equal the naive book of the raw records up to each instant', async () => {
  const file = fs.existsSync(GLBX_FULL) ? GLBX_FULL : GLBX_EXCERPT;
  if (file === GLBX_EXCERPT) console.log(`\n  SKIPPED: book --at on the full glbx MBO sample (no ${GLBX_FULL}: the samples are read from ../shared/data beside the checkout); checking the excerpt`);
  const root = tmpDir();
  try {
    const dir = path.join(root, 'es');
    await importFile(file, dir, quiet);
    const raw = await dbnRecords(file);
    const times = [...new Set(raw.map((r) => r.ts_recv as bigint))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // The snapshot's end, a few instants through the live part, and the very end.
    const picks = [0.1, 0.3, 0.5, 0.7, 0.9, 1].map((q) => times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))]!);
    for (const at of picks) {
      const [view, ...more] = booksAt(dir, { at, depth: 10 });
      assert.is(more.length, 0);
      assert.ok(view!.trusted, `trusted at ${at}`);
      assert.ok(view!.bids.length > 0 && view!.asks.length > 0, `a two-sided book at ${at}`);
      const want = naiveDbnBook(raw.filter((r) => (r.ts_recv as bigint) <= at));
      const got = (levels: { price: string; size: string }[]) => levels.map((l) => `${nanoUnits(l.price)}x${l.size}`);
      assert.equal(got(view!.bids), topLevels(want, 'B', 10), `bids at ${at}`);
      assert.equal(got(view!.asks), topLevels(want, 'A', 10), `asks at ${at}`);
    }
    // The CLI prints the same book (exact decimals) for the last instant, given as -0s from the end.
    const r = await runCli(['book', dir, '--at', '-0s', '--json', '--depth', '3']);
    assert.is(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { bids: { price: string; size: string }[]; trusted: boolean };
    const want = naiveDbnBook(raw);
    assert.equal(j.bids.map((l) => `${nanoUnits(l.price)}x${l.size}`), topLevels(want, 'B', 3));
  } finally {
    rm(root);
  }
});

test('CLI: import a DBN file (detected by its magic inside zstd), verify, info, replay; export --format dbn --zstd gives the records back', async () => {
  const root = tmpDir();
  try {
    const src = path.join(root, 'mbo.bin');
    fs.copyFileSync(path.join(FIX, 'test_data.mbo.v3.dbn.zst'), src); // no telling name: the content says DBN
    let r = await runCli(['import', src, path.join(root, 'a')]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported \(dbn v3 mbo GLBX\.MDP3, zstd\) 3 events \(book 2, instrument 1\)/);
    r = await runCli(['verify', path.join(root, 'a')]);
    assert.is(r.code, 0, r.stderr + r.stdout);
    r = await runCli(['info', path.join(root, 'a')]);
    assert.match(r.stdout, /ESH1/);
    r = await runCli(['replay', path.join(root, 'a'), '--max', '--types', 'book']);
    assert.is(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.is(lines.length, 2);
    assert.match(lines[0]!, /"type":"book".*"action":"cancel".*"price":"3722.75"/);
    r = await runCli(['export', path.join(root, 'a'), '--format', 'dbn', '--zstd', '--out', path.join(root, 'out.dbn.zst')]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /exported DBN v3 \(zstd\) mbo records: mbo 2/);
    assert.ok(recordBytes(await readAll(path.join(root, 'out.dbn.zst'))).equals(recordBytes(await readAll(src))));
    r = await runCli(['export', path.join(root, 'a'), '--format', 'dbn']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /needs|pass --out/);
  } finally {
    rm(root);
  }
});

test('CLI: a truncated or corrupt DBN file fails with exit 65 naming the byte offset', async () => {
  const root = tmpDir();
  try {
    const whole = fs.readFileSync(path.join(FIX, 'test_data.mbo.v3.dbn'));
    const cut = path.join(root, 'cut.dbn');
    fs.writeFileSync(cut, whole.subarray(0, whole.length - 10));
    let r = await runCli(['import', cut, path.join(root, 'a')]);
    assert.is(r.code, 65);
    assert.match(r.stderr, /cut\.dbn: DBN at byte \d+: the input ends inside a record/);
    const bad = Buffer.from(whole);
    bad[3] = 7;
    fs.writeFileSync(path.join(root, 'v7.dbn'), bad);
    r = await runCli(['import', path.join(root, 'v7.dbn'), path.join(root, 'b'), '--format', 'dbn']);
    assert.is(r.code, 65);
    assert.match(r.stderr, /byte 3: version 7 is newer/);
  } finally {
    rm(root);
  }
});

test('Tardis: every dataset imports from the CLI with its counts; µs → ns; snapshot runs and batches kept', async () => {
  const root = tmpDir();
  try {
    const T = (f: string) => path.join(fixture('tardis'), f);
    const want: [string, string, Record<string, number>][] = [
      ['bitmex_trades_XBTUSD.csv', 'trades', { tick: 10 }],
      ['huobi-dm-swap_quotes_BTC-USD.csv', 'quotes', { tick: 10 }],
      ['binance-futures_book_snapshot_5_BTCUSDT.csv', 'book_snapshot_5', { book: 10 * 11 }],
      ['binance-futures_book_snapshot_25_BTCUSDT.csv', 'book_snapshot_25', { book: 10 * 51 }],
      ['deribit_incremental_book_L2_BTC-PERPETUAL.csv', 'incremental_book_L2', { book: 16 }],
    ];
    for (const [f, dataset, counts] of want) {
      const dir = path.join(root, dataset);
      const r = await runCli(['import', T(f), dir, '--json']);
      assert.is(r.code, 0, `${f}: ${r.stderr}`);
      assert.is(JSON.parse(r.stdout).tardis, dataset);
      assert.equal(count(readEvents(dir)), counts, f);
    }
    const trades = readEvents(path.join(root, 'trades')).filter((e) => e.type === 'tick') as TickEvent[];
    assert.is(trades[0]!.ts, 1583020803307160000n);
    assert.is(trades[0]!.exchTs, 1583020803145000000n);
    assert.is(trades[0]!.tradeId, 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf');
    const l2 = readEvents(path.join(root, 'incremental_book_L2')).filter((e) => e.type === 'book') as BookEvent[];
    assert.is(l2[0]!.action, 'clear');
    // The gzip form imports the same.
    const gz = path.join(root, 'trades.csv.gz');
    fs.writeFileSync(gz, (await import('node:zlib')).gzipSync(fs.readFileSync(T('bitmex_trades_XBTUSD.csv'))));
    const r = await runCli(['import', gz, path.join(root, 'gz')]);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /imported \(tardis trades, gzip\) 10 events/);
  } finally {
    rm(root);
  }
});

test('Tardis: --strict stops at a bad row keeping every row before it; unsupported datasets exit 65 naming the dataset', async () => {
  const root = tmpDir();
  try {
    // Rows 2 and 3 are separate messages; the bad row 4 comes while row 3's batch is still open.
    const csv = [
      'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
      'bitmex,XBTUSD,1583020803145000,1583020803307160,a,sell,8531.5,2152',
      'bitmex,XBTUSD,1583020803276000,1583020803336743,,buy,8531.5,1',
      'bitmex,XBTUSD,1583020803277000,1583020803336799,c,sell,85x31.5,1',
      'bitmex,XBTUSD,1583020803278000,1583020803336800,d,sell,8531,1',
    ].join('\r\n');
    const f = path.join(root, 'bitmex_trades_XBTUSD.csv');
    fs.writeFileSync(f, csv);
    let r = await runCli(['import', f, path.join(root, 's'), '--strict']);
    assert.is(r.code, 65, r.stderr);
    assert.match(r.stderr, /bitmex_trades_XBTUSD\.csv: line 4: field "price" must be a decimal number \(got "85x31\.5"\)/);
    assert.is(r.stderr.split('bitmex_trades_XBTUSD.csv').length - 1, 1, `the file is named once: ${r.stderr}`);
    const kept = readEvents(path.join(root, 's')).filter((e) => e.type === 'tick') as TickEvent[];
    assert.equal(
      kept.map((e) => e.ts),
      [1583020803307160000n, 1583020803336743000n],
      'both rows before the bad one',
    );
    assert.is(kept[1]!.tradeId, undefined, 'an empty trade id is absent');
    const liq = path.join(root, 'binance-futures_liquidations_2020-09-01_BTCUSDT.csv');
    fs.writeFileSync(liq, csv.split('\r\n').slice(0, 3).join('\n'));
    r = await runCli(['import', liq, path.join(root, 'l')]);
    assert.is(r.code, 65);
    assert.match(r.stderr, /liquidations_2020-09-01_BTCUSDT\.csv: line 1: a Tardis\.dev liquidations dataset, which tapedeck does not import/);
    const opt = path.join(root, 'deribit_options_chain.csv');
    fs.writeFileSync(
      opt,
      'exchange,symbol,timestamp,local_timestamp,type,strike_price,expiration,open_interest,last_price,bid_price,bid_amount,bid_iv,ask_price,ask_amount,ask_iv,mark_price,mark_iv,underlying_index,underlying_price,delta,gamma,vega,theta,rho\n' +
        'deribit,BTC-9JUN20-9875-P,1591574399013000,1591574399338000,put,9875,1591689600000000,0.1,0.0105,0.0095,21.3,56.66,0.013,15,61.57,0.0118,59.5,SYN.BTC-9JUN20,9710.06,-0.41,0.0009,2.5,-19.5,-0.1\n',
    );
    r = await runCli(['import', opt, path.join(root, 'o'), '--format', 'tardis']);
    assert.is(r.code, 65);
    assert.match(r.stderr, /a Tardis\.dev options_chain dataset/);
  } finally {
    rm(root);
  }
});

test('Tardis: BOM, CRLF and gzip; book_snapshot_10 with empty deep levels; two symbols in one incremental_book_L2 file, one re-snapshotted', async () => {
  const root = tmpDir();
  try {
    const zlib = await import('node:zlib');
    const levels = (n: number, filled: number, p0: number, step: number) =>
      Array.from({ length: n }, (_, i) => (i < filled ? `${(p0 + i * step).toFixed(2)},0.00${i + 1}` : ',')).join(',');
    const head = ['exchange,symbol,timestamp,local_timestamp'];
    for (let i = 0; i < 10; i++) head.push(`asks[${i}].price,asks[${i}].amount,bids[${i}].price,bids[${i}].amount`);
    const row = (us: number, askFilled: number) => {
      const asks = levels(10, askFilled, 100.5, 0.5).split(',');
      const bids = levels(10, 10, 100, -0.5).split(',');
      const cells: string[] = [];
      for (let i = 0; i < 10; i++) cells.push(asks[2 * i]!, asks[2 * i + 1]!, bids[2 * i]!, bids[2 * i + 1]!);
      return `binance-futures,BTCUSDT,${us},${us + 5},${cells.join(',')}`;
    };
    const snap = path.join(root, 'binance-futures_book_snapshot_10_2020-09-01_BTCUSDT.csv.gz');
    fs.writeFileSync(snap, zlib.gzipSync(Buffer.from(`\uFEFF${head.join(',')}\r\n${row(1598918403696000, 10)}\r\n${row(1598918403697000, 7)}\r\n`)));
    let r = await runCli(['import', snap, path.join(root, 's'), '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).tardis, 'book_snapshot_10');
    const sb = readEvents(path.join(root, 's')).filter((e) => e.type === 'book') as BookEvent[];
    assert.is(sb.length, 1 + 20 + 1 + 17, 'a clear and every level present, per row');
    assert.is(sb[1]!.price!.toString(), '100.50', 'the venue digits kept');
    assert.is(sb[0]!.ts, 1598918403696005000n);
    const l2 = path.join(root, 'deribit_incremental_book_L2_2020-04-01_PERPETUALS.csv');
    fs.writeFileSync(
      l2,
      [
        'exchange,symbol,timestamp,local_timestamp,is_snapshot,side,price,amount',
        'deribit,BTC-PERPETUAL,1,10,true,bid,6420,100',
        'deribit,ETH-PERPETUAL,1,10,true,ask,133.5,7',
        'deribit,BTC-PERPETUAL,2,11,false,bid,6420,0',
        'deribit,ETH-PERPETUAL,2,11,false,ask,133.5,9',
        'deribit,BTC-PERPETUAL,3,12,true,ask,6421,5',
        'deribit,ETH-PERPETUAL,4,13,false,bid,133,1',
      ].join('\r\n') + '\r\n',
    );
    r = await runCli(['import', l2, path.join(root, 'l2')]);
    assert.is(r.code, 0, r.stderr);
    const ev = readEvents(path.join(root, 'l2')).filter((e) => e.type === 'book') as BookEvent[];
    assert.equal(
      ev.map((e) => `${e.symbol.slice(0, 3)} ${e.action} ${e.side ?? ''} ${e.price ?? ''} ${e.size ?? ''} ${e.flags ?? 0}`),
      [
        'BTC clear    32',
        'BTC set bid 6420 100 160',
        'ETH clear    32',
        'ETH set ask 133.5 7 160',
        'BTC set bid 6420 0 128',
        'ETH set ask 133.5 9 128',
        'BTC clear    32',
        'BTC set ask 6421 5 160',
        'ETH set bid 133 1 128',
      ],
    );
  } finally {
    rm(root);
  }
});

test('the full Tardis folder imports with the same counts', async () => {
  const dir = path.join(SHARED_DATA, 'tardis');
  if (!fs.existsSync(dir)) {
    console.log(`\n  SKIPPED: ../shared/data/tardis (no ${dir}: the samples are read from ../shared/data beside the checkout)`);
    return;
  }
  const root = tmpDir();
  try {
    for (const f of fs.readdirSync(dir)) {
      const s = await importFile(path.join(dir, f), path.join(root, f), quiet);
      assert.is(s.rejects, 0, f);
      assert.ok(s.events >= 10, f);
    }
  } finally {
    rm(root);
  }
});

test('--map: a Dukascopy-style JSON array in ms and a TrueFX-style headerless CSV import without jq or sed', async () => {
  const root = tmpDir();
  try {
    const json = path.join(root, 'eurusd.json');
    fs.writeFileSync(json, JSON.stringify([
      { timestamp: 1709303400000, askPrice: 1.08013, bidPrice: 1.0801, askVolume: 1.5, bidVolume: 2.25 },
      { timestamp: 1709303400150, askPrice: 1.08014, bidPrice: 1.08011, askVolume: 1.2, bidVolume: 0.9 },
    ]));
    const map = 'ts=timestamp,bid=bidPrice,ask=askPrice,bidSize=bidVolume,askSize=askVolume';
    let r = await runCli(['import', json, path.join(root, 'a'), '--map', map, '--venue', 'DUKAS', '--symbol', 'EURUSD']);
    assert.is(r.code, 65, 'ms without --ts-unit: every row refused');
    assert.match(r.stderr, /looks like milliseconds since the epoch \(2024-03-01T14:30:00Z\).*--ts-unit ms/);
    assert.match(r.stderr, /nothing imported: all 2 records were rejected/);
    r = await runCli(['import', json, path.join(root, 'b'), '--map', map, '--venue', 'DUKAS', '--symbol', 'EURUSD', '--ts-unit', 'ms']);
    assert.is(r.code, 0, r.stderr);
    const ticks = readEvents(path.join(root, 'b')).filter((e) => e.type === 'tick') as TickEvent[];
    assert.equal(ticks.map((t) => [t.ts, t.venue, t.symbol, String(t.bid), String(t.ask), String(t.bidSize)]), [
      [1709303400000000000n, 'DUKAS', 'EURUSD', '1.0801', '1.08013', '2.25'],
      [1709303400150000000n, 'DUKAS', 'EURUSD', '1.08011', '1.08014', '0.9'],
    ]);
    const csv = path.join(root, 'truefx.csv');
    fs.writeFileSync(csv, 'EUR/USD,2024-03-01T14:30:00.123Z,1.0801,1.0802\nEUR/USD,2024-03-01T14:30:00.456Z,1.0803,1.0804\n');
    const mapFile = path.join(root, 'map.json');
    fs.writeFileSync(mapFile, JSON.stringify({ map: { symbol: '1', ts: '2', bid: '3', ask: '4' }, venue: 'TRUEFX' }));
    r = await runCli(['import', csv, path.join(root, 'c'), '--map', mapFile]);
    assert.is(r.code, 0, r.stderr);
    const fx = readEvents(path.join(root, 'c')).filter((e) => e.type === 'tick') as TickEvent[];
    assert.equal(fx.map((t) => [t.ts, t.symbol, String(t.ask)]), [
      [1709303400123000000n, 'EUR/USD', '1.0802'],
      [1709303400456000000n, 'EUR/USD', '1.0804'],
    ]);
    r = await runCli(['import', csv, path.join(root, 'd'), '--map', 'bid=3']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /no column for ts/);
    r = await runCli(['import', json, path.join(root, 'e'), '--map', 'ts=time,bid=bidPrice', '--venue', 'X', '--symbol', 'Y', '--ts-unit', 'ms']);
    assert.is(r.code, 65, 'a mapped column missing from every row');
    assert.match(r.stderr, /ts \(column time\)" is missing/);
  } finally {
    rm(root);
  }
});

test('DBN with ts_out: the send time is kept as tsOut and written back', async () => {
  const root = tmpDir();
  try {
    const V = await import('../src/vendor/index.js');
    const md = { version: 3 as const, dataset: 'XNAS.ITCH', schema: 'trades' as const, start: 1n, end: null, limit: null, stypeIn: 'raw_symbol', stypeOut: 'instrument_id', tsOut: true, symbolCstrLen: 71, symbols: ['AAPL'], partial: [], notFound: [], mappings: [{ rawSymbol: 'AAPL', intervals: [{ startDate: 20240301, endDate: 20240302, symbol: '32' }] }] };
    const rec = { kind: 'trade' as const, rtype: 0, publisher_id: 2, instrument_id: 32, ts_event: 1709303400000000000n, price: 180_250_000_000n, size: 100, action: 'T', side: 'B', flags: 130, depth: 0, ts_recv: 1709303400000001000n, ts_in_delta: -5, sequence: 77, ts_out: 1709303400000002000n };
    const body = Buffer.alloc(V.encodedBytes('trade', 3, true));
    V.encodeRecord(rec, 3, true, body, 0);
    const file = path.join(root, 't.dbn');
    fs.writeFileSync(file, Buffer.concat([V.encodeMetadata(md), body]));
    await importFile(file, path.join(root, 'a'), quiet);
    const t = readEvents(path.join(root, 'a')).find((e) => e.type === 'book') as BookEvent;
    assert.equal([t.symbol, t.venue, String(t.price), t.tsOut, t.tsInDelta, t.flags, t.venueSeq], ['AAPL', 'XNAS', '180.25', 1709303400000002000n, -5, 130, 77]);
    await exportDbn(path.join(root, 'a'), path.join(root, 'b.dbn'));
    const back = fs.readFileSync(path.join(root, 'b.dbn'));
    assert.ok(recordBytes(back).equals(body));
    assert.is(back[8 + 16 + 2 + 24 + 2], 1, 'ts_out in the metadata');
  } finally {
    rm(root);
  }
});

test('DBN MBP-1 data-quality flags (F_BAD_TS_RECV, F_MAYBE_BAD_BOOK), which a tick cannot hold, are counted in the import summary and named on stderr', async () => {
  const root = tmpDir();
  try {
    const V = await import('../src/vendor/index.js');
    const { FLAG } = await import('../src/vendor/dbn/layout.js');
    const md = { version: 3 as const, dataset: 'XNAS.ITCH', schema: 'mbp-1' as const, start: 1n, end: null, limit: null, stypeIn: 'raw_symbol', stypeOut: 'instrument_id', tsOut: false, symbolCstrLen: 71, symbols: ['AAPL'], partial: [], notFound: [], mappings: [{ rawSymbol: 'AAPL', intervals: [{ startDate: 20240301, endDate: 20240302, symbol: '32' }] }] };
    const mbp1 = (i: number, flags: number) => ({
      kind: 'mbp1' as const, rtype: 1, publisher_id: 2, instrument_id: 32, ts_event: 1709303400000000000n + BigInt(i), price: 180_250_000_000n, size: 100, action: 'A', side: 'B', flags, depth: 0,
      ts_recv: 1709303400000001000n + BigInt(i), ts_in_delta: 0, sequence: i, levels: [{ bid_px: 180_250_000_000n, ask_px: 180_260_000_000n, bid_sz: 100, ask_sz: 200, bid_ct: 1, ask_ct: 1 }],
    });
    const recs = [mbp1(1, FLAG.LAST), mbp1(2, FLAG.LAST | FLAG.BAD_TS_RECV), mbp1(3, FLAG.LAST | FLAG.MAYBE_BAD_BOOK | FLAG.BAD_TS_RECV)];
    const n = V.encodedBytes('mbp1', 3, false);
    const body = Buffer.alloc(n * recs.length);
    recs.forEach((r, i) => V.encodeRecord(r, 3, false, body, i * n));
    const file = path.join(root, 'q.dbn');
    fs.writeFileSync(file, Buffer.concat([V.encodeMetadata(md), body]));
    let r = await runCli(['import', file, path.join(root, 'a'), '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).dbn.tickFlagsDropped, { F_BAD_TS_RECV: 2, F_MAYBE_BAD_BOOK: 1 });
    assert.is(readEvents(path.join(root, 'a')).filter((e) => e.type === 'tick').length, 3);
    r = await runCli(['import', file, path.join(root, 'b')]);
    assert.match(r.stderr, /DBN quality flags on MBP-1\/TBBO\/BBO records, not kept \(a tick has no flags\): F_BAD_TS_RECV 2, F_MAYBE_BAD_BOOK 1/);
  } finally {
    rm(root);
  }
});

test('export --format dbn: a symbol given a free id is never given one an instrument event claims later (two symbols, one id, would merge on the way back in)', async () => {
  const root = tmpDir();
  try {
    const { openEventLog, writeEvents } = await import('../src/events/recording.js');
    const T = 1_709_303_400_000_000_000n;
    const tick = (i: number, symbol: string, bid: string): TickEvent => ({ type: 'tick', ts: T + BigInt(i), runId: 'r', venue: 'XNAS', symbol, bid: Decimal.parse(bid), bidSize: new Decimal(1, 0), ask: Decimal.parse('200'), askSize: new Decimal(1, 0) });
    const dir = path.join(root, 'a');
    const log = await openEventLog(dir, { durability: 'async' });
    writeEvents(log, [
      // AAPL comes first and has no instrument event: it is given a free id...
      tick(0, 'AAPL', '180.25'),
      // ...then MSFT's instrument event claims id 1, and later AAPL's claims its own (7).
      { type: 'instrument', ts: T + 1n, runId: 'r', venue: 'XNAS', symbol: 'MSFT', instrumentId: 1, publisherId: 2 } as InstrumentEvent,
      tick(2, 'MSFT', '410.5'),
      { type: 'instrument', ts: T + 3n, runId: 'r', venue: 'XNAS', symbol: 'AAPL', instrumentId: 7, publisherId: 2 } as InstrumentEvent,
      tick(4, 'AAPL', '180.5'),
      // A symbol no instrument event names: a free id that is neither 1 nor 7.
      tick(5, 'NVDA', '900'),
    ]);
    await log.close();
    const out = path.join(root, 'b.dbn');
    await exportDbn(dir, out);
    const recs: DbnRecord[] = [];
    const dec = new DbnDecoder(out);
    for await (const chunk of openBytes(out).chunks()) for (const r of dec.push(chunk)) recs.push(r);
    const md = dec.metadata!;
    const idOf = new Map(md.mappings.map((m) => [m.rawSymbol, Number(m.intervals[0]!.symbol)]));
    assert.equal(Object.fromEntries(idOf), { AAPL: 7, MSFT: 1, NVDA: idOf.get('NVDA')! });
    assert.ok(![1, 7].includes(idOf.get('NVDA')!), `NVDA's free id ${idOf.get('NVDA')} is claimed by no instrument event`);
    assert.equal(recs.map((r) => r.instrument_id), [7, 1, 7, idOf.get('NVDA')!], 'every record under its symbol\'s one id');
    // And back in: each tick under its own symbol.
    await importFile(out, path.join(root, 'c'), quiet);
    const back = readEvents(path.join(root, 'c')).filter((e): e is TickEvent => e.type === 'tick');
    assert.equal(back.map((t) => [t.symbol, String(t.bid)]), [['AAPL', '180.25'], ['MSFT', '410.5'], ['AAPL', '180.5'], ['NVDA', '900']]);
  } finally {
    rm(root);
  }
});

test('time arguments: --from=-1ms counts back from the end, --ts-unit s says what a bare integer is', async () => {
  const root = tmpDir();
  try {
    await importFile(GLBX_EXCERPT, path.join(root, 'es'), quiet);
    let r = await runCli(['replay', path.join(root, 'es'), '--max', '--types', 'book', '--from', '1715126401']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /looks like seconds since the epoch \(2024-05-08T00:00:01Z\).*--ts-unit s/);
    r = await runCli(['replay', path.join(root, 'es'), '--max', '--types', 'book', '--from', '1715126401', '--ts-unit', 's']);
    assert.is(r.code, 0, r.stderr);
    const after1s = r.stdout.trim().split('\n').length;
    assert.ok(after1s > 0 && after1s < 195);
    r = await runCli(['export', path.join(root, 'es'), '--types', 'book', '--from', '2024-05-08T02:00:01+02:00']);
    assert.is(r.stdout.trim().split('\n').length, after1s, 'an ISO time with an offset names the same instant');
    r = await runCli(['replay', path.join(root, 'es'), '--max', '--types', 'book', '--from=-1ms']);
    assert.is(r.code, 0, r.stderr);
    const lastMs = r.stdout.trim().split('\n').map((l) => BigInt(JSON.parse(l).ts));
    const end = lastMs.at(-1)!;
    assert.ok(lastMs.every((t) => t >= end - 1_000_000n));
  } finally {
    rm(root);
  }
});

test.run();
