/** WebSocket feeds: a real ws server on 127.0.0.1 that drops the connection once. */
import * as fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocketServer, type WebSocket } from 'ws';
import { BOOK_FLAG_SNAPSHOT, type BookEvent, type SystemEvent, type TickEvent } from '../src/events/index.js';
import { Recorder, backoffDelay, recordWebSocket } from '../src/record/index.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { fixture, readEvents, runCli, startCli, waitFor } from './record-helpers.js';

interface Server {
  wss: WebSocketServer;
  url: string;
  connections: number;
  close(): Promise<void>;
}

/** A server that runs `onConnection(socket, n)` for the n-th connection (1-based). */
async function startServer(onConnection: (ws: WebSocket, n: number) => void): Promise<Server> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const s: Server = {
    wss,
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connections: 0,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (ws) => onConnection(ws, ++s.connections));
  return s;
}

function tick(i: number): string {
  return JSON.stringify({ type: 'tick', ts: String(1_700_000_000_000_000_000n + BigInt(i)), venue: 'XNAS', symbol: 'AAPL', last: 100 + i });
}

test('backoff: exponential, capped', () => {
  assert.equal([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoffDelay(a, { initialMs: 100, maxMs: 1000 })), [100, 200, 400, 800, 1000, 1000, 1000, 1000]);
});

test('recordWebSocket stops when its recorder is closed: connected, and while reconnecting', async () => {
  const dir = tmpDir();
  // Connected and quiet: only closing the recorder can end the feed.
  const server = await startServer((ws) => ws.send(tick(0)));
  try {
    const rec = await Recorder.open(path.join(dir, 'a'), { clock: 'source', onWarning: () => {} });
    const feed = recordWebSocket(rec, { url: server.url });
    await waitFor(() => server.connections >= 1 && rec.summary().events >= 1, 'the first message');
    await rec.close();
    const ended = await Promise.race([feed.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still running'), 5000))]);
    assert.is(ended, 'ended');
  } finally {
    await server.close();
  }
  // Nothing listens: the feed is in its reconnect loop when the recorder closes.
  const rec = await Recorder.open(path.join(dir, 'b'), { clock: 'receive', onWarning: () => {} });
  const feed = recordWebSocket(rec, { url: 'ws://127.0.0.1:9', backoff: { initialMs: 20, maxMs: 50 } });
  // Its first attempt has failed (the gap is written before the backoff wait), not a fixed sleep.
  await waitFor(() => rec.summary().gaps >= 1, 'the first failed attempt');
  await rec.close();
  const ended = await Promise.race([feed.then(() => 'ended'), new Promise((r) => setTimeout(() => r('still running'), 5000))]);
  assert.is(ended, 'ended');
  rm(dir);
});

test('canonical JSON over ws: a dropped connection is recorded as gap + reconnect with its length', async () => {
  const dir = tmpDir();
  let received = 0;
  const server = await startServer((ws, n) => {
    if (n === 1) {
      // Drop without a close handshake, like a network failure, once the three are written out
      // (a timer could fire first under load and discard what is still queued).
      for (let i = 0; i < 3; i++) ws.send(tick(i), i === 2 ? () => ws.terminate() : undefined);
    } else {
      for (let i = 3; i < 6; i++) ws.send(tick(i));
      ws.send('this is not json');
    }
  });
  try {
    const rec = await Recorder.open(dir, { runId: 'ws-1', onWarning: () => received++ });
    const ac = new AbortController();
    const feed = recordWebSocket(rec, { url: server.url, signal: ac.signal, backoff: { initialMs: 20, maxMs: 100 } });
    await waitFor(() => rec.metrics.counters.events! >= 6 && received >= 1, 'six events and one reject');
    ac.abort();
    await feed;
    const s = await rec.close();
    assert.is(s.gaps, 1);
    assert.is(s.reconnects, 1);
    assert.is(s.rejects, 1);
    const evs = readEvents(dir);
    const kinds = evs.map((e) => (e.type === 'system' ? e.kind : e.type));
    assert.equal(kinds, ['session-start', 'tick', 'tick', 'tick', 'gap', 'reconnect', 'tick', 'tick', 'tick', 'reject', 'session-end']);
    const gap = evs[4] as SystemEvent;
    const rc = evs[5] as SystemEvent;
    assert.is(gap.data!.url, server.url);
    assert.type(rc.data!.gapMs, 'number');
    assert.ok((rc.data!.gapMs as number) >= 15, `gap ${rc.data!.gapMs} ms covers the backoff`);
    // The gap's length is the ts distance between the two events, exactly: both are stamped at the
    // instants it is measured between (a 1 ms tolerance over two clock reads each flipped under load).
    assert.is(Number(rc.ts - gap.ts) / 1e6, rc.data!.gapMs);
    const t = evs[1] as TickEvent;
    assert.is(t.exchTs, 1_700_000_000_000_000_000n);
    for (let i = 1; i < evs.length; i++) assert.ok(evs[i]!.ts >= evs[i - 1]!.ts);
  } finally {
    await server.close();
    rm(dir);
  }
});


/** Kraken lines of one pair from the fixture capture: the snapshot and its first updates (payload text). */
function krakenPair(pair: string): string[] {
  const text = zlib.gunzipSync(fs.readFileSync(fixture('kraken-20210417.head300.ws.txt.gz'))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.endsWith(`"book-1000","${pair}"]`))
    .map((l) => l.slice(l.indexOf(': ') + 2));
}

test('live Kraken: a failed checksum is recorded as a gap, then the feed resubscribes once and the new snapshot makes the book trusted', async () => {
  const dir = tmpDir();
  const [snapshot, update] = krakenPair('XBT/CHF');
  const corrupt = update!.replace(/"c":"\d+"/, '"c":"1"');
  const subscribe = JSON.stringify({ event: 'subscribe', pair: ['XBT/CHF'], subscription: { name: 'book', depth: 1000 } });
  const received: string[] = [];
  const server = await startServer((ws) => {
    ws.on('message', (m) => {
      const text = m.toString();
      received.push(JSON.parse(text).event);
      if (received.length === 1) {
        // The first subscription: a snapshot, then updates whose checksums fail (three: one resubscribe).
        ws.send(snapshot!);
        ws.send(corrupt);
        ws.send(corrupt);
        ws.send(corrupt);
      } else if (JSON.parse(text).event === 'subscribe') {
        ws.send(snapshot!);
        ws.send(update!);
      }
    });
  });
  try {
    const rec = await Recorder.open(path.join(dir, 'k'), { clock: 'receive', onWarning: () => {} });
    const feed = recordWebSocket(rec, { url: server.url, format: 'kraken', send: [subscribe] });
    await waitFor(() => received.length >= 3, 'the resubscription');
    await waitFor(() => {
      const evs = readEvents(path.join(dir, 'k'));
      return evs.filter((e) => e.type === 'book' && e.action === 'clear').length >= 2 && evs.some((e) => e.type === 'book' && e.checksum !== undefined && ((e.flags ?? 0) & 4) === 0 && e.seq! > 10);
    }, 'the second snapshot and a good update');
    await rec.close();
    await feed;
    assert.equal(received, ['subscribe', 'unsubscribe', 'subscribe'], 'one resubscription for three bad checksums');
    const evs = readEvents(path.join(dir, 'k'));
    const gaps = evs.filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'gap');
    assert.ok(gaps.length >= 1 && gaps.every((g) => g.data?.symbol === 'XBT/CHF'), 'the checksum failures are gap events naming the pair');
    const { BookBuilder } = await import('../src/book/index.js');
    const b = new BookBuilder();
    for (const e of evs) b.push(e);
    assert.ok(b.book('kraken', 'XBT/CHF')!.trusted, 'trusted again after the new snapshot');
  } finally {
    await server.close();
    rm(dir);
  }
});

test('live Binance: updates before a snapshot and a sequence break fetch the REST snapshot (once each); the synced book is trusted', async () => {
  const dir = tmpDir();
  const depth = (U: number, u: number, bid: string) => JSON.stringify({ e: 'depthUpdate', E: 1_700_000_000_000 + u, s: 'BTCUSDT', U, u, b: [[bid, '1.00']], a: [['101.00', '2.00']] });
  let socket: WebSocket | undefined;
  const server = await startServer((ws) => {
    socket = ws;
    ws.send(depth(1, 5, '99.00')); // before any snapshot: buffered, flagged bad → fetch
    ws.send(depth(6, 6, '99.10')); // still before the snapshot arrives: no second fetch
  });
  const fetched: string[] = [];
  const snapshots = [
    { lastUpdateId: 3, bids: [['98.00', '5.00']], asks: [['102.00', '5.00']] },
    { lastUpdateId: 11, bids: [['98.50', '5.00']], asks: [['102.50', '5.00']] },
  ];
  const fetchText = async (url: string): Promise<string> => {
    const n = fetched.push(url);
    // Answer after the updates above are in, like a REST call that takes a while.
    await waitFor(() => n > 1 || rec.metrics.counters.events! >= 2, 'both early updates');
    setTimeout(() => {
      if (n === 1) {
        socket!.send(depth(7, 8, '99.20')); // continues
        socket!.send(depth(10, 12, '99.30')); // a break: expected 9 → gap → fetch
      } else {
        socket!.send(depth(13, 14, '99.40')); // continues after the second snapshot
      }
    }, 20);
    return JSON.stringify(snapshots[n - 1]);
  };
  const rec = await Recorder.open(path.join(dir, 'b'), { clock: 'receive', onWarning: () => {} });
  try {
    const feed = recordWebSocket(rec, { url: server.url, format: 'binance', snapshotUrl: 'http://127.0.0.1:9/depth?symbol=BTCUSDT', fetchText });
    await waitFor(() => readEvents(path.join(dir, 'b')).some((e) => e.type === 'book' && e.venueSeq === 14), 'the update after the second snapshot');
    await rec.close();
    await feed;
    assert.is(fetched.length, 2, 'one fetch at the start, one after the break');
    const evs = readEvents(path.join(dir, 'b'));
    const gaps = evs.filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'gap');
    assert.equal(gaps.map((g) => [g.data?.expected, g.data?.received]), [[9, 10]]);
    const { BookBuilder } = await import('../src/book/index.js');
    const b = new BookBuilder();
    for (const e of evs) b.push(e);
    const book = b.book('binance-spot', 'BTCUSDT')!;
    assert.ok(book.trusted);
    // The second snapshot (11) with the buffered update 10..12 on top, then 13..14.
    assert.equal(book.top('bid', 3).map((l) => `${l.price}x${l.size}`), ['99.40x1.00', '99.30x1.00', '98.50x5.00']);
    assert.is(book.venueSeq, 14);
  } finally {
    await server.close();
    rm(dir);
  }
});

test('live Binance: a failing snapshot URL is a note event and is retried after a backoff, not on every message', async () => {
  const dir = tmpDir();
  const depth = (u: number) => JSON.stringify({ e: 'depthUpdate', E: 1_700_000_000_000 + u, s: 'BTCUSDT', U: u, u, b: [['99.00', '1.00']], a: [] });
  const server = await startServer((ws) => {
    for (let u = 1; u <= 20; u++) ws.send(depth(u));
  });
  let calls = 0;
  const rec = await Recorder.open(path.join(dir, 'f'), { clock: 'receive', onWarning: () => {} });
  try {
    const feed = recordWebSocket(rec, {
      url: server.url,
      format: 'binance',
      snapshotUrl: 'http://127.0.0.1:9/depth',
      backoff: { initialMs: 60_000 },
      fetchText: async () => {
        calls++;
        throw new Error('HTTP 503 Service Unavailable');
      },
    });
    await waitFor(() => readEvents(path.join(dir, 'f')).filter((e) => e.type === 'book').length >= 20, 'all twenty updates');
    await rec.close();
    await feed;
    assert.is(calls, 1, 'one fetch; the next waits for the backoff');
    const notes = readEvents(path.join(dir, 'f')).filter((e): e is SystemEvent => e.type === 'system' && e.kind === 'note');
    assert.equal(notes.map((n) => n.data?.reason), ['HTTP 503 Service Unavailable']);
  } finally {
    await server.close();
    rm(dir);
  }
});

test('tapedeck record --ws --format binance: mapped ticks, unmapped counted, drop + reconnect, SIGINT → exit 0', async () => {
  const dir = tmpDir();
  const rec = path.join(dir, 'rec');
  const messages = zlib
    .gunzipSync(fs.readFileSync(fixture('binance-spot-btcusdt-20240808.head300.capture.gz')))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(l.indexOf(' ') + 1));
  const first = messages.slice(0, 100);
  const second = messages.slice(100);
  const server = await startServer((ws, n) => {
    if (n === 1) {
      // Dropped once all 100 are written out (86 KB: a timer could discard some still queued).
      first.forEach((m, i) => ws.send(m, i === first.length - 1 ? () => ws.terminate() : undefined));
    } else {
      for (const m of second) ws.send(m);
    }
  });
  try {
    const live = startCli(['record', rec, '--ws', server.url, '--format', 'binance', '--json', '--metrics-interval', '20ms']);
    await waitFor(() => {
      try {
        const m = JSON.parse(fs.readFileSync(path.join(rec, 'metrics.json'), 'utf8'));
        // 289 ticks + 2,651 book events + session-start + gap + reconnect
        return m.records >= 2943;
      } catch {
        return false;
      }
    }, 'the child to record both connections');
    live.signal('SIGINT');
    const r = await live.done;
    assert.is(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.is(summary.events, 2940);
    assert.equal(summary.unmapped, {});
    assert.is(summary.gaps, 1);
    assert.is(summary.reconnects, 1);
    assert.is(summary.stopped, 'signal');
    const evs = readEvents(rec);
    assert.is((evs.at(-1) as SystemEvent).kind, 'session-end');
    const ticks = evs.filter((e): e is TickEvent => e.type === 'tick');
    assert.is(ticks.length, 289);
    assert.ok(ticks.every((t) => t.venue === 'binance-spot' && t.symbol === 'BTCUSDT'));
    const trades = ticks.filter((t) => t.last !== undefined);
    assert.is(trades.length, 56);
    assert.ok(trades.every((t) => t.exchTs !== undefined && (t.aggressor === 'buy' || t.aggressor === 'sell')));
  } finally {
    await server.close();
    rm(dir);
  }
});

test('tapedeck record --ws takes the mapping options import takes: --snapshot-url names the snapshot by its symbol=, --symbol, --venue; the same usage errors', async () => {
  const dir = tmpDir();
  const depth = (s: string, U: number, u: number, bid: string) => JSON.stringify({ e: 'depthUpdate', E: 1_700_000_000_000 + u, s, U, u, b: [[bid, '1.00']], a: [['101.00', '2.00']] });
  // A REST depth endpoint on 127.0.0.1: Binance's snapshot body names no symbol.
  const fetched: string[] = [];
  const http = createServer((req, res) => {
    fetched.push(req.url!);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ lastUpdateId: 3, bids: [['98.00', '5.00']], asks: [['102.00', '5.00']] }));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  // Two symbols on one stream, neither synced: the depth stream alone cannot say whose a snapshot is.
  const server = await startServer((ws) => {
    ws.send(depth('BTCUSDT', 1, 1, '50.00'));
    ws.send(depth('ETHUSDT', 1, 5, '99.00'));
  });
  const ethSnapshot = (rec: string) => {
    try {
      return readEvents(rec).some((e) => e.type === 'book' && e.symbol === 'ETHUSDT' && ((e.flags ?? 0) & BOOK_FLAG_SNAPSHOT) !== 0);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return false; // the recorder has not created its first segment yet
      throw e;
    }
  };
  const run = async (rec: string, extra: string[]) => {
    const live = startCli(['record', rec, '--ws', server.url, '--format', 'binance', '--json', ...extra]);
    await waitFor(() => ethSnapshot(rec), `the ETHUSDT snapshot in ${path.basename(rec)}`);
    live.signal('SIGINT');
    const r = await live.done;
    assert.is(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as { rejects: number };
  };
  try {
    // The URL's symbol= names the snapshot (before, the snapshot was a reject: "names no symbol").
    let rec = path.join(dir, 'url');
    let s = await run(rec, ['--snapshot-url', `${base}/api/v3/depth?symbol=ETHUSDT&limit=1000`, '--venue', 'binance-test']);
    assert.is(s.rejects, 0);
    assert.ok(fetched.length >= 1 && fetched.every((u) => u === '/api/v3/depth?symbol=ETHUSDT&limit=1000'), fetched.join(' '));
    let books = readEvents(rec).filter((e): e is BookEvent => e.type === 'book');
    assert.ok(books.every((e) => e.venue === 'binance-test'), 'every event under --venue');
    assert.not.ok(books.some((e) => e.symbol === 'BTCUSDT' && ((e.flags ?? 0) & BOOK_FLAG_SNAPSHOT) !== 0), 'no snapshot given to BTCUSDT');
    const { BookBuilder } = await import('../src/book/index.js');
    let b = new BookBuilder();
    for (const e of readEvents(rec)) b.push(e);
    assert.ok(b.book('binance-test', 'ETHUSDT')!.trusted, 'ETHUSDT synced: its snapshot plus the buffered update');
    assert.equal(b.book('binance-test', 'ETHUSDT')!.top('bid', 2).map((l) => `${l.price}x${l.size}`), ['99.00x1.00', '98.00x5.00']);
    // A URL without symbol=: --symbol names it.
    rec = path.join(dir, 'sym');
    s = await run(rec, ['--snapshot-url', `${base}/depth`, '--symbol', 'ETHUSDT']);
    assert.is(s.rejects, 0);
    b = new BookBuilder();
    for (const e of readEvents(rec)) b.push(e);
    assert.ok(b.book('binance-spot', 'ETHUSDT')!.trusted);
    // Raw venue lines (record --input --format binance) take them too: a snapshot line ahead of the depth.
    const lines = path.join(dir, 'lines.jsonl');
    fs.writeFileSync(lines, [JSON.stringify({ lastUpdateId: 3, bids: [['98.00', '5.00']], asks: [] }), depth('ETHUSDT', 3, 5, '99.00')].join('\n') + '\n');
    let r = await runCli(['record', path.join(dir, 'lines'), '--input', lines, '--format', 'binance', '--symbol', 'ETHUSDT', '--venue', 'binance-x', '--json']);
    assert.is(r.code, 0, r.stderr);
    assert.is(JSON.parse(r.stdout).rejects, 0);
    assert.ok(readEvents(path.join(dir, 'lines')).filter((e): e is BookEvent => e.type === 'book').every((e) => e.venue === 'binance-x' && e.symbol === 'ETHUSDT'));
    // The same usage errors as import.
    r = await runCli(['record', path.join(dir, 'x'), '--ws', server.url, '--format', 'coinbase', '--symbol', 'BTC-USD']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--symbol goes with --format binance\|binance-futures \(the symbol of REST depth snapshots\)/);
    r = await runCli(['record', path.join(dir, 'x'), '--ws', server.url, '--venue', 'v']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--venue needs a venue --format/);
    r = await runCli(['import', lines, path.join(dir, 'x'), '--format', 'kraken', '--symbol', 'X']);
    assert.is(r.code, 2);
    assert.match(r.stderr, /--symbol goes with --map, or with --format binance\|binance-futures/);
    assert.not.ok(fs.existsSync(path.join(dir, 'x')), 'a usage error creates nothing');
  } finally {
    await server.close();
    await new Promise<void>((r) => http.close(() => r()));
    rm(dir);
  }
});

test.run();
