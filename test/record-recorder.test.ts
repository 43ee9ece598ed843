/** The Recorder library: stamping, clocks, rejects, strict mode, attach(), mappings, CSV, sizes. */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Observable, from } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TapedeckError, ValidationError } from '../src/errors.js';
import { eventToJson, type SystemEvent, type TapeEvent, type TickEvent } from '../src/events/index.js';
import { openRecording } from '../src/events/recording.js';
import { formatCount, renderProgress } from '../src/cli/progress.js';
import {
  CsvEvents,
  Recorder,
  formatFromContent,
  mapBinance,
  mapCoinbase,
  parseCaptureLine,
  parseDecimal,
  parseSize,
  splitCsvRecord,
  type RecordWarning,
} from '../src/record/index.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { fixture } from './record-helpers.js';

function readAll(dir: string): TapeEvent[] {
  return [...openRecording(dir).events()];
}

/** A fake pair of clocks: wall time fixed, monotonic advanced by hand. */
function fakeClocks(wallNs = 1_700_000_000_000_000_000n) {
  let mono = 5_000n;
  return {
    wallClock: () => wallNs,
    monotonic: () => mono,
    advance(ns: bigint) {
      mono += ns;
    },
  };
}

test('receive clock: ts = wall anchor + monotonic elapsed; a tick keeps its own ts as exchTs', async () => {
  const dir = tmpDir();
  try {
    const c = fakeClocks();
    const rec = await Recorder.open(dir, { runId: 'r1', wallClock: c.wallClock, monotonic: c.monotonic, deterministic: true });
    c.advance(1_500n);
    rec.write({ type: 'tick', venue: 'X', symbol: 'A', bid: 1, ts: '42' });
    c.advance(10n);
    rec.write({ type: 'signal', strategy: 's', symbol: 'A', name: 'z', value: 1, ts: '7' });
    const s = await rec.close();
    assert.is(s.events, 2);
    const evs = readAll(dir);
    assert.equal(
      evs.map((e) => e.ts),
      [1_700_000_000_000_000_000n, 1_700_000_000_000_001_500n, 1_700_000_000_000_001_510n, 1_700_000_000_000_001_510n],
    );
    const tick = evs[1] as TickEvent;
    assert.is(tick.exchTs, 42n);
    assert.is(tick.runId, 'r1');
    const start = evs[0] as SystemEvent;
    assert.is(start.kind, 'session-start');
    // Deterministic: none of host, pid, wall-clock start.
    assert.equal(Object.keys(start.data!).sort(), ['args', 'clock', 'source', 'version']);
    const end = evs[3] as SystemEvent;
    assert.is(end.kind, 'session-end');
    assert.is(end.data!.events, 2);
    assert.is(end.data!.rejects, 0);
    assert.is(end.data!.durationMs, 0.00151);
  } finally {
    rm(dir);
  }
});

test('non-deterministic session-start carries host, pid and start time; runIds differ per run', async () => {
  const a = tmpDir();
  const b = tmpDir();
  try {
    const ra = await Recorder.open(a, { source: 'test' });
    const rb = await Recorder.open(b, { source: 'test' });
    assert.is.not(ra.runId, rb.runId);
    await ra.close();
    await rb.close();
    const start = readAll(a)[0] as SystemEvent;
    for (const k of ['host', 'pid', 'startedAt', 'version', 'source']) assert.ok(k in start.data!, k);
  } finally {
    rm(a);
    rm(b);
  }
});

test('deterministic runs with the same inputs write identical bytes', async () => {
  const dirs = [tmpDir(), tmpDir()];
  try {
    for (const d of dirs) {
      const c = fakeClocks();
      const rec = await Recorder.open(d, { deterministic: true, seed: 'abc', wallClock: c.wallClock, monotonic: c.monotonic });
      for (let i = 0; i < 5; i++) {
        c.advance(1000n);
        rec.write({ type: 'tick', venue: 'X', symbol: 'A', last: i + 1 });
      }
      await rec.close();
    }
    const [x, y] = dirs.map((d) => readAll(d).map((e) => eventToJson(e)).join('\n'));
    assert.is(x, y);
    assert.match(x!, /"runId":"run-[0-9a-f]{16}"/);
  } finally {
    dirs.forEach(rm);
  }
});

test('source clock: ts from the event; going back is a reject; events keep their runId', async () => {
  const dir = tmpDir();
  try {
    const warnings: RecordWarning[] = [];
    const rec = await Recorder.open(dir, { clock: 'source', runId: 'mine', onWarning: (w) => warnings.push(w) });
    rec.writeLine('{"type":"tick","ts":"1000","runId":"theirs","venue":"X","symbol":"A"}', 'line 1');
    rec.writeLine('{"type":"tick","ts":"1000","venue":"X","symbol":"A"}', 'line 2'); // equal ts: fine
    rec.writeLine('{"type":"tick","ts":"999","venue":"X","symbol":"A"}', 'line 3');
    rec.writeLine('{"type":"tick","ts":"2000","venue":"X","symbol":"A","bid":"x"}', 'line 4');
    rec.writeLine('{nope', 'line 5');
    const s = await rec.close();
    assert.is(s.events, 2);
    assert.is(s.rejects, 3);
    assert.equal(
      warnings.map((w) => [w.position, w.field]),
      [
        ['line 3', 'ts'],
        ['line 4', 'bid'],
        ['line 5', '(json)'],
      ],
    );
    const evs = readAll(dir);
    assert.equal(
      evs.map((e) => [e.type, e.ts, e.runId]),
      [
        ['system', 1000n, 'mine'],
        ['tick', 1000n, 'theirs'],
        ['tick', 1000n, 'mine'],
        ['system', 1000n, 'mine'],
        ['system', 1000n, 'mine'],
        ['system', 1000n, 'mine'],
        ['system', 1000n, 'mine'],
      ],
    );
    const rej = evs[3] as SystemEvent;
    assert.is(rej.kind, 'reject');
    assert.is(rej.data!.line, 3);
    assert.is(rej.data!.field, 'ts');
    assert.is(rej.data!.raw, '{"type":"tick","ts":"999","venue":"X","symbol":"A"}');
  } finally {
    rm(dir);
  }
});

test('rejects keep a truncated raw text (never splitting a surrogate pair)', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source', rawLimit: 10, onWarning: () => {} });
    rec.writeLine('{"type":"tick","ts":"5","venue":"X","symbol":"A"}');
    rec.writeLine('123456789\u{1F600}tail', 'line 2');
    await rec.close();
    const rej = readAll(dir)[2] as SystemEvent;
    assert.is(rej.data!.raw, '123456789');
    assert.is(rej.data!.truncated, 1);
    assert.is(rej.data!.rawLength, 17, 'bytes of the input, not UTF-16 units');
  } finally {
    rm(dir);
  }
});

test('strict: the first bad input throws a ValidationError naming line and field; record() made the prefix durable', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source', strict: true, durability: 'async' });
    await rec.record({ type: 'tick', ts: 10n, venue: 'X', symbol: 'A' }, { position: 'line 1' });
    let err: unknown;
    try {
      await rec.record({ type: 'tick', ts: 11n, venue: 'X', symbol: 'A', aggressor: 'up' }, { position: 'line 2' });
    } catch (e) {
      err = e;
    }
    assert.instance(err, ValidationError);
    assert.is((err as ValidationError).field, 'aggressor');
    assert.is((err as ValidationError).position, 'line 2');
    assert.match((err as Error).message, /^line 2: field "aggressor"/);
    const s = await rec.close({ error: err });
    assert.is(s.rejects, 0);
    const evs = readAll(dir);
    assert.equal(evs.map((e) => e.type), ['system', 'tick', 'system']);
    assert.match((evs[2] as SystemEvent).data!.error as string, /aggressor/);
  } finally {
    rm(dir);
  }
});

test('source clock: session-start waits for the first good ts, so early rejects do not pin ts to 0', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source', onWarning: () => {} });
    rec.writeLine('garbage', 'line 1');
    rec.writeLine('{"type":"tick","ts":"77","venue":"X","symbol":"A"}', 'line 2');
    await rec.close();
    const evs = readAll(dir) as SystemEvent[];
    assert.equal(evs.map((e) => [e.type, e.kind ?? '', e.ts]), [
      ['system', 'session-start', 77n],
      ['system', 'reject', 77n],
      ['tick', '', 77n],
      ['system', 'session-end', 77n],
    ]);
  } finally {
    rm(dir);
  }
});

test('attach(): records every emission until complete', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source' });
    const evs = [1, 2, 3].map((i) => ({ type: 'tick', ts: BigInt(i * 10), venue: 'X', symbol: 'A', last: i }));
    await rec.attach(from([...evs, '{"type":"tick","ts":"40","venue":"X","symbol":"A"}']));
    const s = await rec.close();
    assert.is(s.events, 4);
    assert.is(readAll(dir).length, 6);
  } finally {
    rm(dir);
  }
});

test('attach(): an error is recorded as a system event, then rethrown', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source' });
    const boom = new Error('feed died');
    const src = new Observable<unknown>((sub) => {
      sub.next({ type: 'tick', ts: 5n, venue: 'X', symbol: 'A' });
      setTimeout(() => sub.error(boom), 5);
    });
    let caught: unknown;
    await rec.attach(src).catch((e) => (caught = e));
    assert.is(caught, boom);
    await rec.close({ error: caught });
    const evs = readAll(dir) as SystemEvent[];
    const note = evs.find((e) => e.type === 'system' && e.kind === 'note');
    assert.ok(note);
    assert.is(note!.data!.error, 'feed died');
  } finally {
    rm(dir);
  }
});

test('attach() in strict mode: bad emission stops and rejects with the ValidationError', async () => {
  const dir = tmpDir();
  try {
    const rec = await Recorder.open(dir, { clock: 'source', strict: true });
    let caught: unknown;
    await rec.attach(from([{ type: 'tick', ts: 5n, venue: 'X', symbol: 'A' }, { type: 'tick', ts: 6n, venue: '', symbol: 'A' }])).catch((e) => (caught = e));
    assert.instance(caught, ValidationError);
    assert.is((caught as ValidationError).position, 'emission 2');
    await rec.close({ error: caught });
  } finally {
    rm(dir);
  }
});

test('appending a second session to an existing recording continues its time axis', async () => {
  const dir = tmpDir();
  try {
    let rec = await Recorder.open(dir, { clock: 'source' });
    rec.write({ type: 'tick', ts: 500n, venue: 'X', symbol: 'A' });
    await rec.close();
    rec = await Recorder.open(dir, { clock: 'source', onWarning: () => {} });
    rec.write({ type: 'tick', ts: 400n, venue: 'X', symbol: 'A' }); // before the first session's end
    rec.write({ type: 'tick', ts: 600n, venue: 'X', symbol: 'A' });
    const s = await rec.close();
    assert.is(s.rejects, 1);
    assert.is(s.events, 1);
  } finally {
    rm(dir);
  }
});

test('bad options are typed errors', async () => {
  const dir = tmpDir();
  try {
    await Recorder.open(dir, { clock: 'wall' as never }).then(
      () => assert.unreachable(),
      (e) => assert.is((e as TapedeckError).code, 'BAD_ARGUMENT'),
    );
  } finally {
    rm(dir);
  }
});

// -- venue helpers (the mappings themselves: test/record-venues.test.ts) ---------------------------

test('decimals: trailing zeros, plain numbers; garbage refused', () => {
  assert.is(parseDecimal('61837.63000000', 'p'), 61837.63);
  assert.is(parseDecimal('0.00000000', 'p'), 0);
  assert.is(parseDecimal('985', 'p'), 985);
  assert.is(parseDecimal(1.5, 'p'), 1.5);
  for (const bad of ['', '1,5', '0x10', 'NaN', '1e999', null]) assert.throws(() => parseDecimal(bad, 'p'));
});

test('capture lines: ns and seconds prefixes are exact; connect and sent lines recognised', () => {
  assert.equal(parseCaptureLine('1723161254087891268 {"a":1}'), { kind: 'message', ts: 1723161254087891268n, message: '{"a":1}' });
  assert.equal(parseCaptureLine('1618677817.0618958: {"a":1}'), { kind: 'message', ts: 1618677817061895800n, message: '{"a":1}' });
  assert.equal(parseCaptureLine('1618677817: {}'), { kind: 'message', ts: 1618677817000000000n, message: '{}' });
  assert.equal(parseCaptureLine('wss://ws-feed.pro.coinbase.com <-> 1618677816.8434298'), { kind: 'connect', ts: 1618677816843429800n, url: 'wss://ws-feed.pro.coinbase.com' });
  const sent = parseCaptureLine('wss://x <- 1618677817.020616: {"type":"subscribe"}');
  assert.is(sent.kind, 'sent');
  assert.throws(() => parseCaptureLine('hello world'), (e: unknown) => e instanceof ValidationError && e.field === '(capture)');
});

test('format detection from content', () => {
  assert.is(formatFromContent(['{"type":"tick"}']), 'jsonl');
  assert.is(formatFromContent(['type,ts,venue,symbol']), 'csv');
  assert.is(formatFromContent(['1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate"}}']), 'binance');
  assert.is(formatFromContent(['wss://ws-feed.pro.coinbase.com <-> 1618677816.8434298']), 'coinbase');
  assert.is(formatFromContent(['hello']), null);
  // Binance futures (hftbacktest's usdm captures name no host): by `pu` or a book ticker's `e`, even after a trade.
  const trade = '1723161255088176367 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}';
  assert.is(formatFromContent([trade, '1723161255030314667 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":5,"u":7,"pu":4,"b":[],"a":[]}}']), 'binance-futures');
  assert.is(formatFromContent([trade, '1723161255088169167 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1,"E":1}}']), 'binance-futures');
  assert.is(formatFromContent(['https://fapi.binance.com/fapi/v1/depth?symbol=SUSHIUSDT&limit=1000 -> 1626992741.301402: {"lastUpdateId":1,"bids":[],"asks":[]}']), 'binance-futures');
  assert.is(formatFromContent(['https://api.binance.com/api/v3/exchangeInfo -> 1633998511.132921: {"timezone":"UTC","symbols":[]}']), 'binance');
  assert.is(formatFromContent(['https://api.kraken.com/0/public/AssetPairs -> 1618678132.358447: {"error":[],"result":{}}']), 'kraken');
});

test('CSV: quoting, typed cells, empty = absent, maps as JSON', () => {
  assert.equal(splitCsvRecord('a,"b,c","d""e",'), ['a', 'b,c', 'd"e', '']);
  assert.is(splitCsvRecord('a,"open'), null);
  const csv = new CsvEvents(['type', 'ts', 'venue', 'symbol', 'bid', 'exchTs', 'strategy', 'name', 'value', 'meta']);
  assert.equal(csv.push('tick,100,X,A,1.50,,,,,'), { type: 'tick', ts: '100', venue: 'X', symbol: 'A', bid: 1.5 });
  assert.equal(csv.push('signal,200,,A,,,s,"z,1",-2,"{""k"":1}"'), { type: 'signal', ts: '200', symbol: 'A', strategy: 's', name: 'z,1', value: -2, meta: { k: 1 } });
  assert.is(csv.push('signal,300,,A,,,s,"multi'), 'more');
  assert.equal(csv.push('line",1,'), { type: 'signal', ts: '300', symbol: 'A', strategy: 's', name: 'multi\nline', value: 1 });
  assert.throws(() => csv.push('tick,100,X,A,abc,,,,,', 'line 4'), (e: unknown) => e instanceof ValidationError && e.field === 'bid');
  assert.throws(() => csv.push('tick,100', 'line 5'), (e: unknown) => e instanceof ValidationError && e.field === '(row)');
  assert.throws(() => new CsvEvents(['ts', 'venue']), (e: unknown) => e instanceof TapedeckError && e.code === 'BAD_INPUT');
});

test('sizes: 64MiB-like spellings', () => {
  assert.is(parseSize('64MiB'), 64 * 1024 * 1024);
  assert.is(parseSize('64M'), 64 * 1024 * 1024);
  assert.is(parseSize('512k'), 512 * 1024);
  assert.is(parseSize('1.5GiB'), 1.5 * 1024 ** 3);
  assert.is(parseSize('4096'), 4096);
  for (const bad of ['', '-1', 'big', '0', '64 parsecs']) assert.throws(() => parseSize(bad), (e: unknown) => (e as TapedeckError).code === 'BAD_ARGUMENT');
});

test('progress bar text: bytes, %, events/s, ETA', () => {
  const s = renderProgress('import', { bytes: 512 * 1024, totalBytes: 1024 * 1024, events: 1000 }, 2, 120);
  assert.match(s, /^import {2}\[#+\.+\] {2}50%/);
  assert.match(s, /512\.0 KiB\/1\.0 MiB/);
  assert.match(s, /1,000 ev {2}500 ev\/s {2}ETA 2s/);
  assert.match(renderProgress('record', { bytes: 10, events: 5 }, 1, 120), /record {2}10 B {2}5 ev {2}5 ev\/s/);
});

test('progress - formatCount writes what toLocaleString en-US writes for a whole number', () => {
  for (const n of [0, 7, 999, 1000, 65_536, 1_000_000, 123_456_789, 2 ** 53, -4321, -1_000_000, 12.6, 999.5, 1e21, NaN, Infinity]) {
    assert.is(formatCount(n), Math.round(n).toLocaleString('en-US'), String(n));
  }
  assert.is(formatCount(-0.4), '0');
});

test.run();
