/** `tapedeck record` and `tapedeck import` as real child processes on real files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeEvent, eventToJson, type SystemEvent, type TapeEvent, type TickEvent } from '../src/events/index.js';
import { openEventLog } from '../src/events/recording.js';
import { inspectSegment, listSegmentNames, realFileOps } from '../src/log/index.js';
import { Recorder } from '../src/record/index.js';
import { SAMPLES } from './events-fixtures.js';
import { collect, fixture, readEvents, readJsonFile, runCli, SHARED_DATA, spawnCli, waitFor } from './record-helpers.js';
import { rm, tmpDir } from './helpers/tmp.js';

function tickLine(i: number, extra = ''): string {
  return `{"type":"tick","ts":"${1_700_000_000_000_000_000n + BigInt(i) * 1000n}","venue":"XNAS","symbol":"AAPL","bid":${100 + i / 100},"ask":${100.5 + i / 100}${extra}}`;
}

function nonSession(evs: TapeEvent[]): TapeEvent[] {
  return evs.filter((e) => !(e.type === 'system' && (e.kind === 'session-start' || e.kind === 'session-end')));
}

/** Every segment sealed and nothing to recover: the log was closed cleanly. */
async function assertClean(dir: string): Promise<void> {
  for (const n of listSegmentNames(realFileOps, dir)) assert.ok(inspectSegment(realFileOps, dir, n).footer, `${n} is sealed`);
  const log = await openEventLog(dir);
  assert.equal(log.recovered, []);
  await log.close();
}

test('record from stdin with --clock source: every line comes back, stamped with the run id', async () => {
  const dir = tmpDir();
  try {
    const lines = Array.from({ length: 500 }, (_, i) => tickLine(i));
    const r = await runCli(['record', path.join(dir, 'rec'), '--clock', 'source', '--run-id', 'cli-1', '--json'], lines.join('\n') + '\n');
    assert.is(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.is(summary.events, 500);
    assert.is(summary.rejects, 0);
    assert.is(summary.runId, 'cli-1');
    const evs = readEvents(path.join(dir, 'rec'));
    assert.is(evs.length, 502);
    assert.is((evs[0] as SystemEvent).kind, 'session-start');
    assert.is((evs[501] as SystemEvent).kind, 'session-end');
    const back = evs.slice(1, 501).map((e) => eventToJson({ ...e, seq: undefined }).replace(',"runId":"cli-1"', ''));
    assert.equal(back, lines);
    await assertClean(path.join(dir, 'rec'));
  } finally {
    rm(dir);
  }
});

test('bad lines without --strict: stored as reject events, warned with line numbers, exit 0', async () => {
  const dir = tmpDir();
  try {
    const input = [tickLine(1), 'not json at all', '{"type":"tick","ts":"1700000000000003000","venue":"XNAS","symbol":"AAPL","bid":"oops"}', tickLine(0), tickLine(5)].join('\n');
    const r = await runCli(['record', path.join(dir, 'rec'), '--clock', 'source'], input);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: stdin: line 2: field "\(json\)"/);
    assert.match(r.stderr, /warning: stdin: line 3: field "bid"/);
    assert.match(r.stderr, /warning: stdin: line 4: field "ts" goes back/);
    assert.match(r.stderr, /3 rejected/);
    const rejects = readEvents(path.join(dir, 'rec')).filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'reject');
    assert.equal(rejects.map((e) => e.data!.line), [2, 3, 4]);
    assert.is(rejects[0]!.data!.raw, 'not json at all');
    // The stored reason keeps its text (part of the format): the line, not the input's name.
    assert.match(rejects[0]!.data!.reason as string, /^line 2: field "\(json\)"/);
    assert.equal(
      nonSession(readEvents(path.join(dir, 'rec'))).filter((e) => e.type === 'tick').length,
      2,
    );
  } finally {
    rm(dir);
  }
});

test('--strict: exit 65 naming line and field; everything before the bad line is durable', async () => {
  const dir = tmpDir();
  try {
    const input = [tickLine(1), tickLine(2), '{"type":"tick","ts":"1700000000000003000","venue":"XNAS","symbol":"AAPL","aggressor":"sideways"}', tickLine(4)].join('\n');
    const r = await runCli(['record', path.join(dir, 'rec'), '--clock', 'source', '--strict', '--durability', 'strict'], input);
    assert.is(r.code, 65, r.stderr);
    assert.match(r.stderr, /tapedeck: stdin: line 3: field "aggressor"/);
    const evs = readEvents(path.join(dir, 'rec'));
    const ticks = evs.filter((e) => e.type === 'tick');
    assert.is(ticks.length, 2);
    assert.is(evs.filter((e) => e.type === 'system' && e.kind === 'reject').length, 0);
    assert.match(((evs.at(-1) as SystemEvent).data!.error as string) ?? '', /aggressor/);
    await assertClean(path.join(dir, 'rec'));
  } finally {
    rm(dir);
  }
});

test('several inputs into one recording: each warning and --strict error names its file (once), line and field', async () => {
  const dir = tmpDir();
  try {
    const rec = path.join(dir, 'rec');
    const a = path.join(dir, 'a.jsonl');
    const b = path.join(dir, 'b.jsonl');
    fs.writeFileSync(a, [tickLine(1), '{"type":"tick","ts":"1700000000000002000","venue":"XNAS","symbol":"AAPL","bid":"oops"}', tickLine(3)].join('\n') + '\n');
    fs.writeFileSync(b, [tickLine(4), tickLine(5), 'not json'].join('\n') + '\n');
    let r = await runCli(['import', a, rec]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: warning: ${a}: line 2: field "bid"`), r.stderr);
    r = await runCli(['import', b, rec]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: warning: ${b}: line 3: field "(json)"`), r.stderr);
    assert.not.ok(r.stderr.includes(a), 'the second run names only its own file');
    // A capture then a CSV into the same recording.
    const cap = path.join(dir, 'cap.txt');
    fs.writeFileSync(
      cap,
      [
        '1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"1.0","B":"1","a":"2.0","A":"1"}}',
        '1723161254087891269 {"stream":"btcusdt@bookTicker","data":{"u":2,"s":"BTCUSDT","b":"x","B":"1","a":"2.0","A":"1"}}',
      ].join('\n'),
    );
    r = await runCli(['import', cap, rec, '--format', 'binance']);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: warning: ${cap}: line 2: `), r.stderr);
    const csv = path.join(dir, 'c.csv');
    fs.writeFileSync(csv, ['type,ts,venue,symbol,bid', 'tick,1723161254087891300,XNAS,AAPL,1.5', 'tick,1723161254087891400,XNAS,AAPL,abc'].join('\n'));
    r = await runCli(['import', csv, rec]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: warning: ${csv}: line 3: field "bid"`), r.stderr);
    // Stored reasons keep their text; each reject's session-start names its input.
    const evs = readEvents(rec);
    const rejects = evs.filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'reject');
    assert.equal(rejects.map((e) => e.data!.line), [2, 3, 2, 3]);
    for (const e of rejects) assert.not.ok((e.data!.reason as string).includes(dir), 'no file name in a stored reason');
    // --strict: the error names the file once.
    r = await runCli(['import', b, path.join(dir, 'strict'), '--strict']);
    assert.is(r.code, 65, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: ${b}: line 3: field "(json)"`), r.stderr);
    assert.is(r.stderr.split(b).length - 1, 1, `the file is named once: ${r.stderr}`);
    // record --input names its file too.
    r = await runCli(['record', path.join(dir, 'rec2'), '--clock', 'source', '--input', a]);
    assert.is(r.code, 0, r.stderr);
    assert.ok(r.stderr.includes(`tapedeck: warning: ${a}: line 2: field "bid"`), r.stderr);
  } finally {
    rm(dir);
  }
});

test('SIGINT mid-stream: exit 0, session-end written, log sealed and clean', async () => {
  const dir = tmpDir();
  const rec = path.join(dir, 'rec');
  try {
    const child = spawnCli(['record', rec, '--metrics-interval', '20ms']);
    const done = collect(child);
    for (let i = 0; i < 50; i++) child.stdin!.write(tickLine(i) + '\n');
    await waitFor(() => ((readJsonFile(path.join(rec, 'metrics.json'))?.records as number) ?? 0) >= 51, 'the child to record 50 lines');
    child.kill('SIGINT');
    const r = await done;
    assert.is(r.code, 0, r.stderr);
    const evs = readEvents(rec);
    assert.is((evs.at(-1) as SystemEvent).kind, 'session-end');
    assert.is((evs.at(-1) as SystemEvent).data!.events, 50);
    // Receive clock: ts is the recorder's, the tick's own ts kept as exchTs.
    const t = evs[1] as TickEvent;
    assert.is(t.exchTs, 1_700_000_000_000_000_000n);
    assert.ok(t.ts > 1_700_000_000_000_000_000n);
    await assertClean(rec);
  } finally {
    rm(dir);
  }
});

test('SIGKILL under --durability strict: reopen recovers a clean prefix holding everything acknowledged', async () => {
  const dir = tmpDir();
  const rec = path.join(dir, 'rec');
  try {
    const child = spawnCli(['record', rec, '--clock', 'source', '--durability', 'strict', '--metrics-interval', '10ms']);
    const done = collect(child);
    const lines: string[] = [];
    let acked = -1;
    // Feed in bursts; metrics.json's durableSeq is what the child has acknowledged as durable.
    for (let burst = 0; burst < 20; burst++) {
      for (let i = 0; i < 25; i++) {
        const l = tickLine(lines.length);
        lines.push(l);
        child.stdin!.write(l + '\n');
      }
      await new Promise((r) => setTimeout(r, 15));
      const m = readJsonFile(path.join(rec, 'metrics.json'));
      if (m) acked = Math.max(acked, m.durableSeq as number);
    }
    await waitFor(() => {
      const m = readJsonFile(path.join(rec, 'metrics.json'));
      if (m) acked = Math.max(acked, m.durableSeq as number);
      return acked >= 100;
    }, 'the child to acknowledge 100 events');
    child.kill('SIGKILL');
    const r = await done;
    assert.is(r.signal, 'SIGKILL');
    const log = await openEventLog(rec);
    await log.close();
    const evs = readEvents(rec);
    assert.is((evs[0] as SystemEvent).kind, 'session-start');
    const ticks = evs.slice(1);
    // A clean prefix of what was sent, in order, with every acknowledged seq present.
    assert.ok(evs.length - 1 >= acked, `recovered up to seq ${evs.length - 1}, acknowledged ${acked}`);
    ticks.forEach((e, i) => {
      assert.is(e.seq, i + 1);
      assert.is(eventToJson({ ...e, seq: undefined }).replace(/,"runId":"[^"]*"/, ''), lines[i]);
    });
  } finally {
    rm(dir);
  }
});

test('import JSONL (auto-detected) and CSV (header row, typed cells, empty = absent)', async () => {
  const dir = tmpDir();
  try {
    const jsonl = path.join(dir, 'in.jsonl');
    fs.writeFileSync(jsonl, [tickLine(1), tickLine(2), tickLine(3)].join('\n') + '\n');
    let r = await runCli(['import', jsonl, path.join(dir, 'a'), '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).events, 3);
    assert.is(JSON.parse(r.stdout).format, 'jsonl');

    const csv = path.join(dir, 'in.csv');
    fs.writeFileSync(
      csv,
      [
        'type,ts,runId,venue,symbol,bid,ask,exchTs,strategy,name,value,meta',
        'tick,1700000000000000100,r,XNAS,AAPL,190.10,190.20,1700000000000000000,,,,',
        'signal,2023-11-14T22:13:20.000000200Z,r,,AAPL,,,,mm,"z,score",-1.5,"{""w"":20}"',
        'tick,1700000000000000300,r,XNAS,AAPL,,190.30,,,,,',
      ].join('\r\n'),
    );
    r = await runCli(['import', csv, path.join(dir, 'b'), '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).format, 'csv');
    const evs = nonSession(readEvents(path.join(dir, 'b'))).map((e) => eventToJson({ ...e, seq: undefined }));
    assert.equal(evs, [
      '{"type":"tick","ts":"1700000000000000100","runId":"r","venue":"XNAS","symbol":"AAPL","bid":190.1,"ask":190.2,"exchTs":"1700000000000000000"}',
      '{"type":"signal","ts":"1700000000000000200","runId":"r","strategy":"mm","symbol":"AAPL","name":"z,score","value":-1.5,"meta":{"w":20}}',
      '{"type":"tick","ts":"1700000000000000300","runId":"r","venue":"XNAS","symbol":"AAPL","ask":190.3}',
    ]);
  } finally {
    rm(dir);
  }
});

test('export → import round trip: the events come back byte-identical', async () => {
  const dir = tmpDir();
  try {
    // A recording with every event type (causes, maps, exchTs), as the recorder writes it.
    const a = path.join(dir, 'a');
    const rec = await Recorder.open(a, { clock: 'source', runId: 'orig', deterministic: true });
    for (const s of [...SAMPLES].sort((x, y) => (x.ts < y.ts ? -1 : x.ts > y.ts ? 1 : 0))) assert.is.not(rec.write(s), null);
    await rec.close();
    const original = readEvents(a);
    const exported = original.map((e) => eventToJson(e)).join('\n') + '\n';
    const file = path.join(dir, 'export.jsonl');
    fs.writeFileSync(file, exported);
    const r = await runCli(['import', file, path.join(dir, 'b')]);
    assert.is(r.code, 0, r.stderr);
    const back = readEvents(path.join(dir, 'b'));
    // The export begins with its own session-start, so the importer adds none (--session-events
    // auto): the events come back exactly, seqs included.
    assert.equal(back.map((e) => eventToJson(e)), original.map((e) => eventToJson(e)));
    back.forEach((e, i) => assert.ok(encodeEvent(e).payload.equals(encodeEvent(original[i]!).payload), `payload ${i}`));
    // Forcing the importer's own session events wraps them instead.
    const forced = await runCli(['import', file, path.join(dir, 'c'), '--session-events', 'yes']);
    assert.is(forced.code, 0, forced.stderr);
    const wrapped = readEvents(path.join(dir, 'c'));
    assert.is(wrapped.length, original.length + 2);
    assert.equal(
      wrapped.slice(1, -1).map((e) => eventToJson({ ...e, seq: undefined })),
      original.map((e) => eventToJson({ ...e, seq: undefined })),
    );
  } finally {
    rm(dir);
  }
});

async function importCounts(file: string, extra: string[] = []): Promise<{ summary: Record<string, any>; dir: string; root: string }> {
  const root = tmpDir();
  const dir = path.join(root, 'rec');
  const r = await runCli(['import', file, dir, '--json', ...extra]);
  assert.is(r.code, 0, r.stderr);
  return { summary: JSON.parse(r.stdout), dir, root };
}

function assertReceiveTsOrdered(dir: string): TickEvent[] {
  const ticks = readEvents(dir).filter((e): e is TickEvent => e.type === 'tick');
  for (let i = 1; i < ticks.length; i++) assert.ok(ticks[i]!.ts >= ticks[i - 1]!.ts);
  return ticks;
}

test('import the committed Binance excerpt (gzip detected by magic bytes, format by content)', async () => {
  const { summary, dir, root } = await importCounts(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'));
  try {
    assert.is(summary.format, 'binance');
    assert.is(summary.gzip, true);
    // 233 bookTicker + 56 trade ticks; 10 depth updates and the snapshot as 2,651 book events.
    assert.is(summary.events, 2940);
    assert.is(summary.byType.tick, 289);
    assert.is(summary.byType.book, 2651);
    assert.equal(summary.unmapped, {});
    assert.is(summary.rejects, 0);
    const ticks = assertReceiveTsOrdered(dir);
    assert.is(ticks[0]!.ts, 1723161254087891268n);
    assert.is(String(ticks[0]!.bid), '61837.63000000');
    // The venue's clock runs ahead of the receive clock: exchTs > ts is kept as is.
    assert.ok(ticks.some((t) => t.exchTs !== undefined && t.exchTs > t.ts));
  } finally {
    rm(root);
  }
});

test('import the committed Coinbase excerpt (connect/sent lines counted, not events)', async () => {
  const { summary, root } = await importCounts(fixture('coinbase-pro-20210417.head300.ws.txt'));
  try {
    assert.is(summary.format, 'coinbase');
    // Each trade once: 20 tickers + 8 matches whose trade no ticker reported first.
    assert.is(summary.events, 8643);
    assert.is(summary.byType.tick, 28);
    assert.is(summary.byType.book, 8615);
    assert.equal(summary.unmapped, { subscriptions: 3, 'last_match (trade already recorded from its ticker)': 10, 'match (trade already recorded from its ticker)': 2 });
    assert.equal(summary.control, { connect: 1, sent: 3 });
  } finally {
    rm(root);
  }
});

test('import from stdin (-) with the format given', async () => {
  const root = tmpDir();
  try {
    const gz = fs.readFileSync(fixture('binance-spot-btcusdt-20240808.head300.capture.gz'));
    const r = await runCli(['import', '-', path.join(root, 'rec'), '--format', 'binance', '--json'], gz);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).events, 2940);
  } finally {
    rm(root);
  }
});

test('a capture whose receive time goes back: reject (default) or exit 65 (--strict)', async () => {
  const root = tmpDir();
  try {
    const file = path.join(root, 'cap.txt');
    fs.writeFileSync(
      file,
      [
        '1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"1.0","B":"1","a":"2.0","A":"1"}}',
        '1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":2,"s":"BTCUSDT","b":"1.1","B":"1","a":"2.0","A":"1"}}',
        '1723161254087891000 {"stream":"btcusdt@bookTicker","data":{"u":3,"s":"BTCUSDT","b":"1.2","B":"1","a":"2.0","A":"1"}}',
        '1723161254087892000 {"stream":"btcusdt@bookTicker","data":{"u":4,"s":"BTCUSDT","b":"1.3","B":"1","a":"2.0","A":"1"}}',
      ].join('\n'),
    );
    let r = await runCli(['import', file, path.join(root, 'a'), '--format', 'binance', '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).events, 3);
    assert.is(JSON.parse(r.stdout).rejects, 1);
    assert.match(r.stderr, /line 3: field "\(receive time\)" goes back/);
    r = await runCli(['import', file, path.join(root, 'b'), '--format', 'binance', '--strict']);
    assert.is(r.code, 65);
    assert.match(r.stderr, /line 3/);
    assert.is(readEvents(path.join(root, 'b')).filter((e) => e.type === 'tick').length, 2);
  } finally {
    rm(root);
  }
});

test('the real Binance sample imports with the counts SOURCES.md gives', async () => {
  const file = path.join(SHARED_DATA, 'binance-spot-btcusdt-20240808.capture.gz');
  if (!fs.existsSync(file)) {
    console.log('\n  SKIPPED: the real Binance sample (no ../shared/data)');
    return;
  }
  const { summary, dir, root } = await importCounts(file);
  try {
    assert.is(summary.events, 28_040 + 9_757 + 126_107);
    assert.is(summary.byType.book, 126_107);
    assert.equal(summary.unmapped, {});
    assert.is(summary.rejects, 0);
    const ticks = assertReceiveTsOrdered(dir);
    assert.is(ticks.filter((t) => t.bid !== undefined).length, 28_040);
    assert.is(ticks.filter((t) => t.last !== undefined).length, 9_757);
  } finally {
    rm(root);
  }
});

test('the real Coinbase sample imports with the counts SOURCES.md gives', async () => {
  const file = path.join(SHARED_DATA, 'coinbase-pro-20210417.ws.txt');
  if (!fs.existsSync(file)) {
    console.log('\n  SKIPPED: the real Coinbase sample (no ../shared/data)');
    return;
  }
  const { summary, dir, root } = await importCounts(file);
  try {
    // 107 tickers + 80 matches (17 matches and 10 last_matches repeat a ticker's trade); 18,091 book events.
    assert.is(summary.events, 107 + 80 + 18_091);
    assert.equal(summary.unmapped, { subscriptions: 3, 'last_match (trade already recorded from its ticker)': 10, 'match (trade already recorded from its ticker)': 17 });
    assert.equal(summary.control, { connect: 1, sent: 3 });
    assert.is(summary.rejects, 0);
    assertReceiveTsOrdered(dir);
  } finally {
    rm(root);
  }
});

test('exit codes: missing input 74 with the path; bad option 2', async () => {
  const root = tmpDir();
  try {
    let r = await runCli(['import', path.join(root, 'nope.jsonl'), path.join(root, 'a')]);
    assert.is(r.code, 74);
    assert.match(r.stderr, /nope\.jsonl: cannot open the input: ENOENT/);
    r = await runCli(['record', path.join(root, 'b'), '--durability', 'sometimes']);
    assert.is(r.code, 2);
    r = await runCli(['record', path.join(root, 'c'), '--segment-size', 'huge']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /huge/);
  } finally {
    rm(root);
  }
});

test('--segment-size accepts 64MiB-like sizes and rotates', async () => {
  const root = tmpDir();
  try {
    const lines = Array.from({ length: 400 }, (_, i) => tickLine(i)).join('\n');
    const r = await runCli(['record', path.join(root, 'rec'), '--clock', 'source', '--segment-size', '8KiB'], lines);
    assert.is(r.code, 0, r.stderr);
    assert.ok(listSegmentNames(realFileOps, path.join(root, 'rec')).length > 2);
    assert.is(readEvents(path.join(root, 'rec')).length, 402);
  } finally {
    rm(root);
  }
});

test.run();
