/**
 * Writes the golden recordings under recordings/fixtures/ with the real writer. Deterministic: the
 * events, timestamps, runIds and log options are fixed, so running it again gives byte-identical
 * segment files (test/fixtures-golden.test.ts regenerates into a temp dir and compares).
 *
 * The committed fixtures are the contract "files written by format version 1 and schema versions 1
 * and 2 stay readable forever" (v1-*: schema 1, written with schema 1 headers and v1 events only;
 * v2-*: schema 2). Regenerate them only on purpose, after a reviewed format change, with
 *
 *   npx tsc -p tsconfig.json && UPDATE_FIXTURES=1 node dist/scripts/make-fixtures.js [outDir]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeEvent } from '../src/events/codec.js';
import { Decimal } from '../src/events/decimal.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import type { TapeEvent } from '../src/events/types.js';
import { validateEvent } from '../src/events/validate.js';

/** One unit of writing: a single event, or an atomic batch (Log.writeBatch). */
export type FixtureUnit = TapeEvent | { batch: TapeEvent[] };

export interface FixtureSpec {
  /** Directory name under recordings/fixtures/. */
  name: string;
  description: string;
  segmentBytes: number;
  indexEveryBytes: number;
  units: FixtureUnit[];
  /** The schema version in the segment headers (the events must be of that version). */
  schemaVersion: 1 | 2;
}

export const T0 = 1_700_000_000_000_000_000n; // 2023-11-14T22:13:20Z
const MS = 1_000_000n;

/** FORMAT.md's worked example: one segment holding two records. */
function twoRecords(): FixtureSpec {
  return {
    name: 'v1-two-records',
    description: 'one sealed segment holding two records (the worked hex example of docs/FORMAT.md)',
    segmentBytes: 128 * 1024 * 1024,
    indexEveryBytes: 64 * 1024,
    schemaVersion: 1,
    units: [
      { type: 'tick', ts: T0, runId: 'r1', venue: 'XNAS', symbol: 'AAPL', bid: 190.5, ask: 191 },
      {
        type: 'order',
        ts: T0 + 100n,
        runId: 'r1',
        cause: 0,
        orderId: 'o1',
        venue: 'XNAS',
        symbol: 'AAPL',
        side: 'buy',
        kind: 'limit',
        action: 'new',
        price: 190.5,
        qty: 10,
      },
    ],
  };
}

/** A few dozen events of all six types over three segments, with one atomic batch. */
function allTypes(): FixtureSpec {
  const runId = 'fixture-v1';
  const units: FixtureUnit[] = [];
  let seq = 0; // the seq the log will assign to the next event (contiguous from 0)
  const add = (ev: TapeEvent): number => {
    units.push(ev);
    return seq++;
  };
  const ts = (ms: number, extraNs = 0) => T0 + BigInt(ms) * MS + BigInt(extraNs);
  add({ type: 'system', ts: ts(0), runId, kind: 'session-start', message: 'recorder started — café', data: { host: 'fixture', pid: 1 } });
  let lastSignal = -1;
  let lastOrder = -1;
  for (let i = 0; i < 6; i++) {
    const tickSeq = add({
      type: 'tick',
      ts: ts(10 + i * 100),
      runId,
      venue: i % 2 === 0 ? 'XNAS' : 'ARCX',
      symbol: 'AAPL',
      bid: 190 + i / 100,
      ask: 190.02 + i / 100,
      ...(i % 3 === 0 ? { bidSize: 300 + i, askSize: 500 } : {}),
      ...(i % 2 === 1 ? { last: 190.01 + i / 100, lastSize: 100, aggressor: i % 4 === 1 ? 'buy' : 'sell' } : {}),
      ...(i === 4 ? { volume: 2 ** 40 } : {}),
      exchTs: ts(10 + i * 100) - 250_000n,
    });
    // Same ts as the tick: equal timestamps are allowed.
    add({ type: 'tick', ts: ts(10 + i * 100), runId, venue: 'XNAS', symbol: 'MSFT', bid: 370.5, ask: 370.6 });
    if (i % 2 === 0) {
      lastSignal = add({
        type: 'signal',
        ts: ts(20 + i * 100),
        runId,
        cause: tickSeq,
        strategy: 'mm',
        symbol: 'AAPL',
        name: 'zscore',
        value: -1.75 + i,
        ...(i === 0 ? { meta: { '10': 'ten', '9': 9, mode: 'ewm', window: 20 } } : i === 2 ? { meta: {} } : {}),
      });
    }
    if (i === 3) {
      // One atomic batch: an order intent and the risk check that let it through.
      const orderSeq = seq;
      units.push({
        batch: [
          {
            type: 'order',
            ts: ts(30 + i * 100),
            runId,
            cause: lastSignal,
            orderId: 'o-batch',
            venue: 'XNAS',
            symbol: 'AAPL',
            side: 'sell',
            kind: 'market',
            action: 'new',
            qty: 0.5,
            reason: '',
          },
          { type: 'risk', ts: ts(30 + i * 100), runId, cause: orderSeq, rule: 'max-notional', severity: 'info', detail: 'ok', value: 95.25, limit: 1e6 },
          { type: 'order', ts: ts(31 + i * 100), runId, cause: orderSeq, orderId: 'o-batch', venue: 'XNAS', symbol: 'AAPL', side: 'sell', kind: 'market', action: 'ack', qty: 0.5 },
        ],
      });
      seq += 3;
      add({ type: 'fill', ts: ts(40 + i * 100), runId, cause: orderSeq, fillId: 'f-batch', orderId: 'o-batch', venue: 'XNAS', symbol: 'AAPL', side: 'sell', price: 190.03, qty: 0.5, liquidity: 'taker' });
    }
    if (i % 2 === 1) {
      lastOrder = add({
        type: 'order',
        ts: ts(50 + i * 100),
        runId,
        cause: lastSignal,
        orderId: `o-${i}`,
        venue: 'XNAS',
        symbol: 'AAPL',
        side: 'buy',
        kind: 'limit',
        action: 'new',
        price: 190.01,
        qty: 100,
        tif: 'day',
        strategy: 'mm',
      });
      add({
        type: 'fill',
        ts: ts(60 + i * 100),
        runId,
        cause: lastOrder,
        fillId: `f-${i}`,
        orderId: `o-${i}`,
        venue: 'XNAS',
        symbol: 'AAPL',
        side: 'buy',
        price: 190.01,
        qty: 40,
        fee: -0.12,
        liquidity: 'maker',
      });
    }
    if (i === 5) {
      add({ type: 'risk', ts: ts(70 + i * 100), runId, rule: 'max-position', severity: 'warn', symbol: 'AAPL', detail: 'position near limit', value: 950, limit: 1000 });
      add({ type: 'order', ts: ts(71 + i * 100), runId, cause: lastOrder, orderId: `o-${i}`, venue: 'XNAS', symbol: 'AAPL', side: 'buy', kind: 'limit', action: 'cancel', qty: 60, reason: 'risk: position near limit' });
      add({ type: 'risk', ts: ts(72 + i * 100), runId, rule: 'kill-switch', severity: 'kill', detail: 'manual halt' });
    }
    if (i === 2) add({ type: 'system', ts: ts(80 + i * 100), runId, kind: 'gap', message: 'feed gap 3 ms', data: { venue: 'ARCX', gapNs: 3_000_000 } });
  }
  add({ type: 'system', ts: ts(1000), runId, kind: 'heartbeat', message: '' });
  add({ type: 'system', ts: ts(1001), runId, kind: 'session-end', message: 'recorder stopped', data: { records: seq + 1 } });
  return {
    name: 'v1-all-types',
    description: 'all six event types, fixed runId and timestamps, three segments, one atomic batch of three records',
    segmentBytes: 1280,
    indexEveryBytes: 256,
    schemaVersion: 1,
    units,
  };
}

/** ~500 ticks of two symbols (a deterministic integer walk, no randomness), several segments. */
function ticks(): FixtureSpec {
  const units: FixtureUnit[] = [];
  let px = 19_000; // cents
  let state = 12345;
  for (let i = 0; i < 500; i++) {
    state = (state * 1103515245 + 12345) % 2147483648; // LCG: the same walk on every machine
    px += (state % 7) - 3;
    const sym = i % 3 === 0 ? 'MSFT' : 'AAPL';
    const base = sym === 'MSFT' ? px + 18_000 : px;
    // Every tenth tick shares the previous one's timestamp (equal ts is allowed, never going back).
    const t = T0 + BigInt(i % 10 === 9 ? i - 1 : i) * 250_000n;
    units.push({
      type: 'tick',
      ts: t,
      runId: 'ticks-v1',
      venue: 'XNAS',
      symbol: sym,
      bid: base / 100,
      ask: (base + 1 + (state % 3)) / 100,
      bidSize: 100 * (1 + (state % 5)),
      askSize: 100 * (1 + ((state >> 3) % 5)),
      ...(i % 4 === 0 ? { last: base / 100, lastSize: 100, aggressor: state % 2 === 0 ? 'buy' : 'sell', volume: 1000 + i * 100 } : {}),
      exchTs: t - 40_000n - BigInt(state % 1000),
    });
  }
  return {
    name: 'v1-ticks',
    description: '500 ticks of AAPL and MSFT, three segments, footer indexes every 2 KiB',
    segmentBytes: 16 * 1024,
    indexEveryBytes: 2048,
    schemaVersion: 1,
    units,
  };
}

/**
 * Schema version 2: an instrument, a Binance-style L2 snapshot and diff messages as atomic batches,
 * bookTicker and trade ticks with exact decimals and trade ids, an L3 order life cycle, and a gap
 * followed by a bad-book update and a fresh snapshot. Two segments.
 */
function book(): FixtureSpec {
  const runId = 'book-v2';
  const V = 'binance-spot';
  const S = 'BTCUSDT';
  const D = (t: string) => Decimal.parse(t);
  const ts = (ms: number) => T0 + BigInt(ms) * MS;
  const exch = (ms: number) => T0 + BigInt(ms) * MS - 1_270_000_000n; // the venue's clock runs ahead
  const L = 128;
  const SNAP = 32;
  const BAD = 4;
  const units: FixtureUnit[] = [];
  const setBatch = (ms: number, levels: [('bid' | 'ask'), string, string][], extra: Record<string, unknown>, flags = 0, clear = false): void => {
    const evs: TapeEvent[] = [];
    if (clear) evs.push({ type: 'book', ts: ts(ms), runId, venue: V, symbol: S, action: 'clear', flags: flags, ...extra } as TapeEvent);
    levels.forEach(([side, px, sz], i) => {
      const last = i === levels.length - 1 ? L : 0;
      evs.push({ type: 'book', ts: ts(ms), runId, venue: V, symbol: S, action: 'set', side, price: D(px), size: D(sz), flags: flags | last, ...extra } as TapeEvent);
    });
    units.push({ batch: evs });
  };
  units.push({ type: 'system', ts: ts(0), runId, kind: 'session-start', message: 'capture binance-spot', data: { source: 'fixture' } });
  units.push({ type: 'instrument', ts: ts(0), runId, venue: V, symbol: S, kind: 'spot', base: 'BTC', quote: 'USDT', tickSize: D('0.01'), lotSize: D('0.00001'), minSize: D('0.00001'), priceScale: 8, sizeScale: 8 });
  setBatch(1, [
    ['bid', '61837.63000000', '1.50000000'],
    ['bid', '61837.62000000', '0.00012000'],
    ['ask', '61837.64000000', '2.00000000'],
    ['ask', '61837.70000000', '0.30000000'],
  ], { venueSeq: 50_000_000_000 }, SNAP, true);
  units.push({ type: 'tick', ts: ts(2), runId, venue: V, symbol: S, bid: D('61837.63000000'), ask: D('61837.64000000'), bidSize: D('1.50000000'), askSize: D('2.00000000'), exchTs: exch(2) });
  let u = 50_000_000_001;
  for (let i = 0; i < 12; i++) {
    const first = u;
    u += 3;
    setBatch(10 + i * 100, [
      ['bid', '61837.63000000', i % 2 === 0 ? '1.25000000' : '0.00000000'],
      ['ask', `61837.${70 + (i % 5)}000000`, `0.${i + 1}0000000`],
    ], { exchTs: exch(10 + i * 100), venueSeq: u - 1, venueSeqFirst: first });
    units.push({ type: 'tick', ts: ts(11 + i * 100), runId, venue: V, symbol: S, last: D('61837.64000000'), lastSize: D(`0.0${i + 1}000000`), aggressor: i % 3 === 0 ? 'sell' : 'buy', exchTs: exch(11 + i * 100), tradeId: `${3_700_000_000 + i}` });
  }
  units.push({ type: 'system', ts: ts(1300), runId, kind: 'gap', message: 'BTCUSDT depth: expected first update id 50000000037, received 50000000040', data: { venue: V, symbol: S, expected: 50_000_000_037, received: 50_000_000_040 } });
  setBatch(1301, [['bid', '61830.00000000', '9.99000000']], { exchTs: exch(1301), venueSeq: 50_000_000_042, venueSeqFirst: 50_000_000_040 }, BAD);
  setBatch(1400, [
    ['bid', '61830.00000000', '9.99000000'],
    ['ask', '61830.01000000', '0.10000000'],
  ], { venueSeq: 50_000_000_050 }, SNAP, true);
  // An L3 order life cycle (DBN MBO style) on another venue, with a long exact price.
  const l3 = { venue: 'xcme', symbol: 'ESM4' };
  const o = (ms: number, action: string, rest: Record<string, unknown>) =>
    ({ type: 'book', ts: ts(ms), runId, ...l3, action, flags: L, exchTs: exch(ms), ...rest }) as TapeEvent;
  units.push(o(1500, 'clear', { venueSeq: 1 }));
  units.push(o(1501, 'add', { side: 'bid', price: D('5200.250000000'), size: 5, orderId: '6473649712', venueSeq: 2 }));
  units.push(o(1502, 'modify', { side: 'bid', price: D('5200.250000000'), size: 3, orderId: '6473649712', venueSeq: 3 }));
  units.push(o(1503, 'fill', { side: 'bid', price: D('5200.250000000'), size: 1, orderId: '6473649712', venueSeq: 4 }));
  units.push(o(1503, 'trade', { side: 'ask', price: D('5200.250000000'), size: 1, venueSeq: 5 }));
  units.push(o(1504, 'cancel', { side: 'bid', price: D('5200.250000000'), size: 0, orderId: '6473649712', venueSeq: 6 }));
  units.push({ type: 'tick', ts: ts(1600), runId, venue: 'sim', symbol: 'X', bid: D('123456789.123456789'), ask: D('1e3'), last: 190.12, tradeId: 't-1' });
  units.push({ type: 'system', ts: ts(2000), runId, kind: 'session-end', message: 'capture stopped' });
  return {
    name: 'v2-book',
    description: 'schema version 2: instrument, L2 snapshot/diff batches, decimal ticks with trade ids, a gap, L3 actions; two segments',
    segmentBytes: 4096,
    indexEveryBytes: 512,
    schemaVersion: 2,
    units,
  };
}

export function fixtureSpecs(): FixtureSpec[] {
  return [twoRecords(), allTypes(), ticks(), book()];
}

/** The events of a spec in log order (batches flattened), validated, each with the seq the log assigns. */
export function fixtureEvents(spec: FixtureSpec): TapeEvent[] {
  const out: TapeEvent[] = [];
  for (const u of spec.units) for (const ev of 'batch' in u ? u.batch : [u]) out.push({ ...validateEvent(ev), seq: out.length });
  return out;
}

/** Writes one fixture into `root/<name>` (which must not exist) and returns the directory. */
export async function writeFixture(spec: FixtureSpec, root: string): Promise<string> {
  const dir = path.join(root, spec.name);
  if (fs.existsSync(dir)) throw new Error(`${dir} already exists`);
  const log = await openEventLog(dir, {
    segmentBytes: spec.segmentBytes,
    indexEveryBytes: spec.indexEveryBytes,
    measureLatency: false,
    schemaVersion: spec.schemaVersion,
    // The golden fixtures are the format as first written: no recording id (zeros), pinned by hash.
    recordingId: null,
  });
  for (const u of spec.units) {
    if ('batch' in u) log.writeBatch(u.batch.map((ev) => encodeEvent(validateEvent(ev))));
    else writeEvent(log, validateEvent(u));
  }
  await log.close();
  // close() publishes metrics.json (pid, latencies: never deterministic); it is not part of a recording.
  fs.rmSync(path.join(dir, 'metrics.json'), { force: true });
  // The MANIFEST (format §3.1) is not part of the version 1 golden set: the pinned fixtures are
  // the segments, and recordings written before manifests existed must still open without one.
  fs.rmSync(path.join(dir, 'MANIFEST'), { force: true });
  const stray = fs.readdirSync(dir).filter((n) => !n.endsWith('.tdseg'));
  if (stray.length > 0) throw new Error(`${dir}: unexpected files after close: ${stray.join(', ')}`);
  return dir;
}

export async function writeFixtures(root: string): Promise<string[]> {
  fs.mkdirSync(root, { recursive: true });
  const dirs: string[] = [];
  for (const spec of fixtureSpecs()) dirs.push(await writeFixture(spec, root));
  return dirs;
}

async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // dist/scripts/make-fixtures.js (compiled) or scripts/make-fixtures.ts (tsx): find the repo root.
  const root = fs.existsSync(path.join(here, '..', 'package.json')) ? path.join(here, '..') : path.join(here, '..', '..');
  const out = path.resolve(process.argv[2] ?? path.join(root, 'recordings', 'fixtures'));
  if (process.env.UPDATE_FIXTURES !== '1') {
    console.error('make-fixtures rewrites the golden recordings; run it only on purpose, with UPDATE_FIXTURES=1.');
    process.exit(2);
  }
  for (const spec of fixtureSpecs()) fs.rmSync(path.join(out, spec.name), { recursive: true, force: true });
  for (const dir of await writeFixtures(out)) {
    const files = fs.readdirSync(dir).sort();
    console.log(`${path.relative(process.cwd(), dir)}: ${files.length} segment(s), ${files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)} bytes`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
