import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventToJson, parseJsonEvent } from '../src/events/json.js';
import { openRecording } from '../src/events/recording.js';
import type { TapeEvent } from '../src/events/types.js';
import { openReader } from '../src/log/index.js';
import { csvCell, csvColumns, eventToCsvRow } from '../src/ops/csv.js';
import { exportChunks, exportRecording, exportToStrings } from '../src/ops/export.js';
import { splitCsvRecord } from '../src/record/csv.js';
import { StreamDigest, digestRecording } from '../src/verify/digest.js';
import { decodePayload } from '../src/events/codec.js';
import { cli, fixtureEvents, MS, T0, writeRecording } from './ops-fixtures.js';
import { cliPath, rm, tmpDir } from './helpers/tmp.js';

let base = '';
let dir = '';
test.before(async () => {
  base = tmpDir('tapedeck-ops-export-');
  dir = path.join(base, 'rec');
  await writeRecording(dir);
});
test.after(() => rm(base));

const all = (): TapeEvent[] => [...openRecording(dir).events()];
const lines = (evs: readonly TapeEvent[], iso = false) => evs.map((e) => eventToJson(e, { iso }) + '\n').join('');
const noSeq = (l: string) => l.replace(/,"seq":\d+/, '');

test('export: JSONL by default, one eventToJson line per event', async () => {
  const r = await cli(['export', dir]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, lines(all()));
  assert.is(r.stderr, '');
  // The library gives the same text.
  assert.is(exportToStrings(dir).streams.all, r.stdout);
});

test('export: filters --types, --run, --symbols, --from/--to (offsets and ISO), --iso', async () => {
  const evs = all();
  let r = await cli(['export', dir, '--types', 'order,fill', '--types', 'risk']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, lines(evs.filter((e) => ['order', 'fill', 'risk'].includes(e.type))));
  r = await cli(['export', dir, '--run', 'r2', '--symbols', 'MSFT']);
  assert.is(r.stdout, lines(evs.filter((e) => e.runId === 'r2' && 'symbol' in e && e.symbol === 'MSFT')));
  r = await cli(['export', dir, '--from', '+10ms', '--to', '+12ms']);
  assert.is(r.stdout, lines(evs.filter((e) => e.ts >= T0 + 10n * MS && e.ts <= T0 + 12n * MS)));
  assert.ok(r.stdout.split('\n').length > 3);
  r = await cli(['export', dir, '--from', '2023-11-14T22:13:20.059Z', '--iso']);
  const tail = evs.filter((e) => e.ts >= T0 + 59n * MS);
  assert.is(r.stdout, lines(tail, true));
  assert.match(r.stdout, /"ts":"2023-11-14T22:13:20.060000000Z"/);
  assert.match(r.stdout, /"exchTs":"2023-11-14T22:13:20.059999995Z"/);
  // Bad filters are usage errors.
  assert.is((await cli(['export', dir, '--types', 'tick,bogus'])).code, 2);
  assert.is((await cli(['export', dir, '--from', 'yesterday'])).code, 2);
  assert.is((await cli(['export', dir, '--from', '+20ms', '--to', '+10ms'])).code, 2);
  assert.is((await cli(['export', dir, '--format', 'xml'])).code, 2);
});

test('export --format json: one JSON array of the same objects', async () => {
  const r = await cli(['export', dir, '--format', 'json']);
  assert.is(r.code, 0, r.stderr);
  const arr = JSON.parse(r.stdout) as unknown[];
  assert.is(arr.length, all().length);
  assert.equal(arr, lines(all()).trim().split('\n').map((l) => JSON.parse(l)));
  const empty = await cli(['export', dir, '--format', 'json', '--run', 'nobody']);
  assert.is(empty.stdout, '[]\n');
});

test('csv: cells quoted per RFC 4180; header of the canonical fields', async () => {
  assert.is(csvCell('plain'), 'plain');
  assert.is(csvCell('a,b'), '"a,b"');
  assert.is(csvCell('say "hi"'), '"say ""hi"""');
  assert.is(csvCell('two\nlines'), '"two\nlines"');
  assert.is(csvCell('cr\r'), '"cr\r"');
  assert.is(csvCell(' edge'), '" edge"');
  assert.is(csvCell(''), '""');
  assert.equal(csvColumns('system'), ['type', 'ts', 'runId', 'seq', 'cause', 'kind', 'message', 'data']);
  assert.equal(csvColumns('tick').slice(5), ['venue', 'symbol', 'bid', 'ask', 'bidSize', 'askSize', 'last', 'lastSize', 'aggressor', 'volume', 'exchTs', 'tradeId', 'venueSeq']);
  const reject = all().find((e) => e.type === 'system' && e.kind === 'reject')!;
  const row = eventToCsvRow(reject);
  assert.is(row, `system,${reject.ts},r1,${reject.seq},,reject,"line 7: field ""bid"", bad\nsecond line","{""raw"":""{\\""bid\\"": \\""x\\""}""}"\n`);
  // The importer's own splitter reads it back.
  const cells = splitCsvRecord(row.slice(0, -1))!;
  assert.is(cells[6], 'line 7: field "bid", bad\nsecond line');
  assert.equal(JSON.parse(cells[7]!), { raw: '{"bid": "x"}' });
});

test('export --format csv: one type to stdout; several need --out DIR', async () => {
  const r = await cli(['export', dir, '--format', 'csv', '--types', 'tick']);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n');
  assert.is(rows[0], csvColumns('tick').join(','));
  assert.is(rows.length, 61);
  assert.is(rows[1], `tick,${T0 + MS},r1,1,,XNAS,MSFT,100,100.5,100,,,,,,${T0 + MS - 5n},,`);
  const many = await cli(['export', dir, '--format', 'csv']);
  assert.is(many.code, 2);
  assert.is(many.stdout, '');
  assert.match(many.stderr, /--out DIR/);
  assert.match(many.stderr, /exactly one type with --types/);
  assert.is((await cli(['export', dir, '--format', 'csv', '--types', 'tick,order'])).code, 2);
  const iso = await cli(['export', dir, '--format', 'csv', '--types', 'tick', '--iso', '--to', '+1ms']);
  assert.is(iso.stdout.split('\n')[1], 'tick,2023-11-14T22:13:20.001000000Z,r1,1,,XNAS,MSFT,100,100.5,100,,,,,,2023-11-14T22:13:20.000999995Z,,');
});

test('export --format csv --out DIR: <type>.csv each, importable by tapedeck import', async () => {
  const out = path.join(base, 'csv');
  const r = await cli(['export', dir, '--format', 'csv', '--out', out]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /exported 67 events \(csv\)/);
  assert.equal(fs.readdirSync(out).sort(), ['fill.csv', 'order.csv', 'risk.csv', 'signal.csv', 'system.csv', 'tick.csv']);
  const evs = all();
  for (const t of ['tick', 'order', 'fill', 'signal', 'risk', 'system'] as const) {
    const text = fs.readFileSync(path.join(out, `${t}.csv`), 'utf8');
    assert.is(text, csvColumns(t).join(',') + '\n' + evs.filter((e) => e.type === t).map((e) => eventToCsvRow(e)).join(''));
    // Round trip through the importer: the same events (the importer adds its own session events).
    const b = path.join(base, `csv-${t}`);
    const imp = await cli(['import', path.join(out, `${t}.csv`), b, '--run-id', 'importer', '--json']);
    assert.is(imp.code, 0, imp.stderr);
    const back = [...openRecording(b).events()].filter((e) => e.runId !== 'importer');
    assert.equal(back.map((e) => noSeq(eventToJson(e))), evs.filter((e) => e.type === t).map((e) => noSeq(eventToJson(e))), t);
  }
  // --json: the summary on stdout.
  const j = await cli(['export', dir, '--format', 'csv', '--types', 'fill', '--out', path.join(base, 'csv2'), '--json']);
  assert.is(j.code, 0, j.stderr);
  const s = JSON.parse(j.stdout);
  assert.is(s.events, 1);
  assert.equal(s.files, [path.join(base, 'csv2', 'fill.csv')]);
  assert.is((await cli(['export', dir, '--json'])).code, 2);
});

test("exportChunks: a chunk's buffer is handed over without a copy and written into again only once released", () => {
  const want = lines(all());
  // Small chunks: many of them, from one recording.
  const { chunks } = exportChunks(dir, { chunkBytes: 512 });
  const got: string[] = [];
  const kept: { text: string; bytes: Buffer }[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let i = 0;
  for (const c of chunks) {
    got.push(c.text);
    buffers.add(c.bytes.buffer);
    if (i++ % 2 === 0) c.release(); // the consumer is done with it
    else kept.push({ text: c.text, bytes: c.bytes }); // still held: must not change
  }
  assert.is(got.join(''), want);
  for (const k of kept) assert.is(k.bytes.toString('utf8'), k.text, 'a chunk not released is never written into');
  // Every other chunk came back, so later chunks reuse those buffers instead of new ones.
  assert.ok(i > 8, `${i} chunks`);
  assert.ok(buffers.size <= kept.length + 2, `${buffers.size} buffers for ${i} chunks, ${kept.length} kept`);
});

test('export --out FILE (jsonl) and the library sink', async () => {
  const f = path.join(base, 'out.jsonl');
  const r = await cli(['export', dir, '--out', f, '--types', 'signal']);
  assert.is(r.code, 0, r.stderr);
  assert.is(fs.readFileSync(f, 'utf8'), lines(all().filter((e) => e.type === 'signal')));
  const got: string[] = [];
  const s = await exportRecording(dir, { chunkBytes: 100 }, async (stream, text) => {
    assert.is(stream, 'all');
    got.push(text);
    await new Promise((res) => setImmediate(res));
  });
  assert.ok(got.length > 10, 'chunked');
  assert.is(got.join(''), lines(all()));
  assert.is(s.events, 67);
  assert.is(s.byType.tick, 60);
  // Each parsed line validates as an event.
  for (const l of got.join('').trimEnd().split('\n')) parseJsonEvent(l);
});

/** The digest of `dir` without the records of one run (the importer's session events). */
function digestWithoutRun(d: string, runId: string): string {
  const sd = new StreamDigest();
  openReader(d).scan({}, (r) => {
    if (decodePayload(r.type, r.payload, r.seq, r.tsNs).runId !== runId) sd.update(r.tsNs, r.type, r.payload);
  });
  return sd.hex();
}

test('export | import - b through a real pipe: digest-identical', async () => {
  const b = path.join(base, 'copy');
  const exp = spawn(process.execPath, [cliPath, 'export', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const imp = spawn(process.execPath, [cliPath, 'import', '-', b, '--run-id', 'importer', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
  exp.stdout!.pipe(imp.stdin!);
  let err = '';
  let out = '';
  exp.stderr!.on('data', (d) => (err += d));
  imp.stderr!.on('data', (d) => (err += d));
  imp.stdout!.on('data', (d) => (out += d));
  const codes = await Promise.all([new Promise((r) => exp.on('close', r)), new Promise((r) => imp.on('close', r))]);
  assert.equal(codes, [0, 0], err);
  assert.is(JSON.parse(out).events, 67);
  // Every exported event arrives unchanged, in order (seq aside: the log assigns its own).
  const a = all().map((e) => noSeq(eventToJson(e)));
  const got = [...openRecording(b).events()].filter((e) => e.runId !== 'importer').map((e) => noSeq(eventToJson(e)));
  assert.equal(got, a);
  // The whole recording is digest-identical: the export starts with its own session-start, so the
  // importer (--session-events auto) adds no session events of its own.
  assert.is(digestRecording(b), digestRecording(dir));
  assert.equal([...openRecording(b).events()].filter((e) => e.runId === 'importer'), []);
});

test('export | import --session-events no: digest-identical for a recording without session events', async () => {
  const src = path.join(base, 'nosession');
  await writeRecording(src, fixtureEvents().filter((e) => !(e.type === 'system' && e.kind === 'session-start')));
  const b = path.join(base, 'nosession-copy');
  const exp = await cli(['export', src]);
  const imp = await cli(['import', '-', b, '--session-events', 'no', '--json'], { input: exp.stdout });
  assert.equal([exp.code, imp.code], [0, 0], exp.stderr + imp.stderr);
  assert.is(digestRecording(b), digestRecording(src));
  // With the importer's own session events (default for such input) the rest is still byte-identical.
  const c = path.join(base, 'nosession-wrapped');
  const r = await cli(['import', '-', c, '--run-id', 'importer'], { input: (await cli(['export', src])).stdout });
  assert.is(r.code, 0, r.stderr);
  assert.is(digestWithoutRun(c, 'importer'), digestRecording(src));
});

test('export into a closed pipe (| head) ends quietly with 0', async () => {
  const big = path.join(base, 'big');
  const evs: TapeEvent[] = [];
  for (let i = 0; i < 20000; i++) evs.push({ type: 'tick', ts: T0 + BigInt(i), runId: 'r', venue: 'XNAS', symbol: 'AAPL', bid: i / 7, ask: i / 3 });
  await writeRecording(big, evs, 1 << 20);
  const child = spawn(process.execPath, [cliPath, 'export', big], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
  child.stdout!.destroy();
  const code = await new Promise((r) => child.on('close', r));
  assert.is(code, 0, err);
  assert.is(err, '');
});

test('export: missing recording exits 74; --help has examples', async () => {
  const r = await cli(['export', path.join(base, 'none')]);
  assert.is(r.code, 74);
  assert.match(r.stderr, /no such recording/);
  const h = await cli(['export', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /Examples:/);
  assert.match(h.stdout, /import - /);
});

test('CSV: text a spreadsheet would run as a formula is escaped with an apostrophe, and imports back exactly', async () => {
  const evil = ['=HYPERLINK("http://x","y")', '+1+1', '-2', '@SUM(A1)', '\tx', "'quoted", 'plain'];
  const evs: TapeEvent[] = evil.map((sym, i) => ({ type: 'tick', ts: T0 + BigInt(i) * MS, runId: 'r', venue: 'XNAS', symbol: sym, bid: 1 }));
  evs.push({ type: 'risk', ts: T0 + 10n * MS, runId: 'r', rule: '=cmd|calc', severity: 'warn', detail: '@here' });
  const src = path.join(base, 'formula');
  await writeRecording(src, evs);
  const r = await cli(['export', src, '--format', 'csv', '--types', 'tick']);
  assert.is(r.code, 0, r.stderr);
  const rows = r.stdout.trimEnd().split('\n');
  const col = splitCsvRecord(rows[0]!)!.indexOf('symbol');
  const symbols = rows.slice(1).map((l) => splitCsvRecord(l)![col]);
  assert.equal(symbols, ['\'=HYPERLINK("http://x","y")', "'+1+1", "'-2", "'@SUM(A1)", "'\tx", "''quoted", 'plain']);
  for (const c of symbols) assert.ok(!/^[=+\-@\t\r]/.test(c!), `unescaped formula cell ${c}`);
  const out = path.join(base, 'formula-csv');
  assert.is((await cli(['export', src, '--format', 'csv', '--out', out])).code, 0);
  const back = path.join(base, 'formula-back');
  for (const t of ['tick', 'risk']) {
    const imp = await cli(['import', path.join(out, `${t}.csv`), back, '--run-id', 'importer', '--session-events', 'no']);
    assert.is(imp.code, 0, imp.stderr);
  }
  const got = [...openRecording(back).events()].map((e) => noSeq(eventToJson(e)));
  assert.equal(got, evs.map((e) => noSeq(eventToJson(e))));
});

test.run();
