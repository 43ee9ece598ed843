/**
 * DBN record shapes the sample files lack, written with tapedeck's own record codec (whose layouts
 * vendor-dbn checks against the dbn crate and Databento's test files): top-of-book MBO (F_TOB), a
 * file of several publishers, the None action, a corrupt record after good ones in one chunk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { booksAt } from '../src/book/book-at.js';
import type { BookEvent, InstrumentEvent } from '../src/events/types.js';
import { importFile } from '../src/record/importer.js';
import { openBytes } from '../src/vendor/bytes.js';
import { ZstdFrameWriter } from '../src/vendor/zstd.js';
import { FLAG, RTYPE, UNDEF_PRICE } from '../src/vendor/dbn/layout.js';
import { encodeMetadata, type DbnMetadata } from '../src/vendor/dbn/metadata.js';
import { encodedBytes, encodeRecord, type DbnRecord } from '../src/vendor/dbn/record.js';
import { runCli } from './helpers/cli.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { fixture, readEvents } from './record-helpers.js';

const quiet = { deterministic: true, onWarning: () => {} };
/** 2023-11-14T22:13:20Z */
const T0 = 1_700_000_000_000_000_000n;

function metadata(dataset: string, mappings: [symbol: string, instrumentId: number][]): DbnMetadata {
  return {
    version: 2,
    dataset,
    schema: 'mbo',
    start: T0,
    end: T0 + 60_000_000_000n,
    limit: null,
    stypeIn: 'raw_symbol',
    stypeOut: 'instrument_id',
    tsOut: false,
    symbolCstrLen: 71,
    symbols: mappings.map(([s]) => s),
    partial: [],
    notFound: [],
    mappings: mappings.map(([rawSymbol, id]) => ({ rawSymbol, intervals: [{ startDate: 20231114, endDate: 20231115, symbol: String(id) }] })),
  };
}

function dbnFile(md: DbnMetadata, records: DbnRecord[]): Buffer {
  const parts: Buffer[] = [encodeMetadata(md)];
  for (const r of records) {
    const b = Buffer.alloc(encodedBytes(r.kind, md.version, md.tsOut));
    encodeRecord(r, md.version, md.tsOut, b, 0);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

interface Mbo {
  pub: number;
  id: number;
  dt: number;
  action: string;
  side: string;
  price: bigint;
  size: number;
  order?: bigint;
  flags: number;
}
/** Prices in 1e-9 units: px(100.01) = 100_010_000_000n. */
const px = (x: number): bigint => BigInt(Math.round(x * 100)) * 10_000_000n;
const mbo = (m: Mbo): DbnRecord => ({
  kind: 'mbo',
  rtype: RTYPE.MBO,
  publisher_id: m.pub,
  instrument_id: m.id,
  ts_event: T0 + BigInt(m.dt) * 1000n - 500n,
  order_id: m.order ?? 0n,
  price: m.price,
  size: m.size,
  flags: m.flags,
  channel_id: 0,
  action: m.action,
  side: m.side,
  ts_recv: T0 + BigInt(m.dt) * 1000n,
  ts_in_delta: 0,
  sequence: m.dt,
});

const IEXG = 41; // DBEQ.BASIC.IEXG: top of book only
const XCHI = 39; // DBEQ.BASIC.XCHI: orders
const { LAST, TOB } = FLAG;

test('DBEQ.BASIC: each publisher is its own venue and book; a top-of-book add replaces its side, an UNDEF one empties it', async () => {
  const root = tmpDir();
  try {
    const file = path.join(root, 'dbeq-basic.mbo.dbn');
    fs.writeFileSync(
      file,
      dbnFile(metadata('DBEQ.BASIC', [['GOOG', 100]]), [
        mbo({ pub: IEXG, id: 100, dt: 1, action: 'A', side: 'B', price: px(100), size: 5, flags: TOB | LAST }),
        mbo({ pub: IEXG, id: 100, dt: 2, action: 'A', side: 'A', price: px(100.1), size: 7, flags: TOB | LAST }),
        mbo({ pub: XCHI, id: 100, dt: 3, action: 'A', side: 'B', price: px(99.5), size: 3, order: 11n, flags: LAST }),
        mbo({ pub: XCHI, id: 100, dt: 4, action: 'A', side: 'A', price: px(100.2), size: 4, order: 12n, flags: LAST }),
        mbo({ pub: IEXG, id: 100, dt: 5, action: 'A', side: 'B', price: px(100.01), size: 2, flags: TOB | LAST }),
        mbo({ pub: IEXG, id: 100, dt: 6, action: 'A', side: 'A', price: UNDEF_PRICE, size: 0, flags: TOB | LAST }),
        mbo({ pub: XCHI, id: 100, dt: 7, action: 'C', side: 'B', price: px(99.5), size: 3, order: 11n, flags: LAST }),
      ]),
    );
    const dir = path.join(root, 'r');
    await importFile(file, dir, quiet);
    const evs = readEvents(dir);
    const instruments = evs.filter((e) => e.type === 'instrument') as InstrumentEvent[];
    assert.equal(
      instruments.map((e) => `${e.venue} ${e.symbol} ${e.publisherId}`),
      ['IEXG GOOG 41', 'XCHI GOOG 39'],
    );
    const iex = evs.filter((e) => e.type === 'book' && e.venue === 'IEXG') as BookEvent[];
    assert.equal(
      iex.map((e) => `${e.action} ${e.side} ${e.price ?? ''} ${e.size ?? ''} ${e.flags}`),
      ['clear bid   64', 'set bid 100 5 192', 'clear ask   64', 'set ask 100.1 7 192', 'clear bid   64', 'set bid 100.01 2 192', 'clear ask   192'],
    );
    const books = booksAt(dir, { at: T0 + 10_000n });
    const view = (venue: string) => {
      const b = books.find((x) => x.venue === venue)!;
      return { bids: b.bids.map((l) => `${l.price}x${l.size}`), asks: b.asks.map((l) => `${l.price}x${l.size}`) };
    };
    assert.equal(view('IEXG'), { bids: ['100.01x2'], asks: [] });
    assert.equal(view('XCHI'), { bids: [], asks: ['100.2x4'] });
    // --venue still names every record's venue.
    const one = path.join(root, 'one');
    await importFile(file, one, { ...quiet, venue: 'DBEQ' });
    assert.equal([...new Set(readEvents(one).filter((e) => e.type === 'book').map((e) => (e as BookEvent).venue))], ['DBEQ']);
  } finally {
    rm(root);
  }
});

test('MBO None action: counted, announces its instrument, and its LAST flag still ends the message', async () => {
  const root = tmpDir();
  try {
    const file = path.join(root, 'glbx.mbo.dbn');
    fs.writeFileSync(
      file,
      dbnFile(metadata('GLBX.MDP3', [['ESZ3', 7], ['NQZ3', 8]]), [
        mbo({ pub: 1, id: 7, dt: 1, action: 'A', side: 'B', price: px(10), size: 1, order: 1n, flags: 0 }),
        mbo({ pub: 1, id: 7, dt: 1, action: 'N', side: 'N', price: UNDEF_PRICE, size: 0, flags: LAST }),
        mbo({ pub: 1, id: 8, dt: 2, action: 'N', side: 'N', price: UNDEF_PRICE, size: 0, flags: LAST }),
        mbo({ pub: 1, id: 8, dt: 3, action: 'A', side: 'A', price: px(11), size: 1, order: 2n, flags: LAST }),
      ]),
    );
    const dir = path.join(root, 'r');
    const s = await importFile(file, dir, quiet);
    assert.equal(s.unmapped, { 'mbo action None': 2 });
    const evs = readEvents(dir);
    assert.equal(
      (evs.filter((e) => e.type === 'instrument') as InstrumentEvent[]).map((e) => `${e.symbol} ${e.instrumentId}`),
      ['ESZ3 7', 'NQZ3 8'],
    );
    const adds = evs.filter((e) => e.type === 'book') as BookEvent[];
    assert.equal(
      adds.map((e) => `${e.symbol} ${e.action} ${e.flags}`),
      ['ESZ3 add 128', 'NQZ3 add 128'],
    );
    const [es] = booksAt(dir, { at: T0 + 1000n });
    assert.equal(es!.bids.map((l) => `${l.price}x${l.size}`), ['10x1'], 'the first message is applied at the None record');
  } finally {
    rm(root);
  }
});

test('parent symbology: ES.FUT names every ES contract at once, so each gets its own symbol and book; a continuous symbol rolls as one', async () => {
  const root = tmpDir();
  try {
    const md: DbnMetadata = {
      ...metadata('GLBX.MDP3', []),
      stypeIn: 'parent',
      symbols: ['ES.FUT', 'NQ.c.0'],
      mappings: [
        {
          rawSymbol: 'ES.FUT',
          intervals: [
            { startDate: 20231114, endDate: 20231115, symbol: '10' },
            { startDate: 20231114, endDate: 20231115, symbol: '11' },
          ],
        },
        {
          rawSymbol: 'NQ.c.0',
          intervals: [
            { startDate: 20231113, endDate: 20231114, symbol: '20' },
            { startDate: 20231114, endDate: 20231115, symbol: '21' },
          ],
        },
      ],
    };
    const file = path.join(root, 'es-fut.mbo.dbn');
    fs.writeFileSync(
      file,
      dbnFile(md, [
        mbo({ pub: 1, id: 10, dt: 1, action: 'A', side: 'B', price: px(4500), size: 1, order: 1n, flags: LAST }),
        mbo({ pub: 1, id: 11, dt: 2, action: 'A', side: 'B', price: px(-12.5), size: 2, order: 2n, flags: LAST }),
        mbo({ pub: 1, id: 21, dt: 3, action: 'A', side: 'A', price: px(15800), size: 3, order: 3n, flags: LAST }),
      ]),
    );
    const dir = path.join(root, 'r');
    await importFile(file, dir, quiet);
    const books = booksAt(dir, { at: T0 + 10_000n });
    assert.equal(
      books.map((b) => `${b.symbol} ${[...b.bids, ...b.asks].map((l) => `${l.price}x${l.size}`).join(' ')}`).sort(),
      ['ES.FUT#10 4500x1', 'ES.FUT#11 -12.5x2', 'NQ.c.0 15800x3'],
    );
  } finally {
    rm(root);
  }
});

test('zstd: a skippable frame first, between and last, and the records split across two frames', async () => {
  const root = tmpDir();
  try {
    const plain = fs.readFileSync(path.join(fixture('dbn'), 'test_data.mbo.v3.dbn'));
    const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const frame = async (b: Buffer) => {
      const w = await ZstdFrameWriter.create();
      w.write(b);
      return Buffer.from(w.flush());
    };
    const cut = 8 + plain.readUInt32LE(4) + 20; // inside the first record
    const file = path.join(root, 'frames.dbn.zst');
    fs.writeFileSync(file, Buffer.concat([skippable, await frame(plain.subarray(0, cut)), skippable, await frame(plain.subarray(cut)), skippable]));
    const s = await importFile(file, path.join(root, 'r'), quiet);
    assert.is(s.zstd, true);
    assert.is(s.byType.book, 2);
    assert.is(s.byType.instrument, 1);
  } finally {
    rm(root);
  }
});

test('a corrupt record after good ones in the same chunk: the good ones are kept, the error names the byte', async () => {
  const root = tmpDir();
  try {
    const parts: Buffer[] = [];
    for await (const c of openBytes(path.join(fixture('dbn'), 'glbx-esm4-mbo-20240508.excerpt595.dbn.zst')).chunks()) parts.push(Buffer.from(c));
    const whole = Buffer.concat(parts);
    const start = 8 + whole.readUInt32LE(4);
    const bad = Buffer.from(whole);
    const at = start + 300 * 56; // MBO records are 56 bytes
    bad[at] = 0; // record length 0
    const file = path.join(root, 'bad.dbn');
    fs.writeFileSync(file, bad);
    const dir = path.join(root, 'r');
    let err: Error | undefined;
    try {
      await importFile(file, dir, quiet);
    } catch (e) {
      err = e as Error;
    }
    assert.ok(err, 'the import fails');
    assert.match(err!.message, new RegExp(`bad\\.dbn: DBN at byte ${at}: record length 0`));
    const book = readEvents(dir).filter((e) => e.type === 'book');
    assert.is(book.length, 300, 'every record before the bad one');
  } finally {
    rm(root);
  }
});

test('export --format dbn of an event DBN cannot hold (a fractional crypto size): exit 65 naming the event, no file', async () => {
  const root = tmpDir();
  try {
    const csv = path.join(root, 'quotes.csv');
    fs.writeFileSync(
      csv,
      'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\n' +
        'huobi-dm-swap,BTC-USD,1588291201099000,1588291201234268,5494,8629.3,8629.2,806\n' +
        'huobi-dm-swap,BTC-USD,1588291201133000,1588291201454126,0.5,8629.3,8629.2,806\n',
    );
    const dir = path.join(root, 'q');
    let r = await runCli(['import', csv, dir]);
    assert.is(r.code, 0, r.stderr);
    const out = path.join(root, 'q.dbn');
    r = await runCli(['export', dir, '--format', 'dbn', '--out', out]);
    assert.is(r.code, 65, r.stderr);
    assert.match(r.stderr, /the tick event seq 2 huobi-dm-swap BTC-USD at ts 1588291201454126000 cannot be written as DBN: askSize 0\.5 is not a whole number/);
    assert.is(fs.existsSync(out), false);
  } finally {
    rm(root);
  }
});

test.run();
