/** WebSocket feeds: a real ws server on 127.0.0.1 that drops the connection once. */
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SystemEvent, TickEvent } from '../src/events/index.js';
import { Recorder, backoffDelay, recordWebSocket } from '../src/record/index.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { fixture, readEvents, startCli, waitFor } from './record-helpers.js';

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
  await new Promise((r) => setTimeout(r, 200));
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
      for (let i = 0; i < 3; i++) ws.send(tick(i));
      // Drop without a close handshake, like a network failure.
      setTimeout(() => ws.terminate(), 50);
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
    // The gap's length matches the ts distance between the two events.
    assert.ok(Math.abs(Number(rc.ts - gap.ts) / 1e6 - (rc.data!.gapMs as number)) < 1);
    const t = evs[1] as TickEvent;
    assert.is(t.exchTs, 1_700_000_000_000_000_000n);
    for (let i = 1; i < evs.length; i++) assert.ok(evs[i]!.ts >= evs[i - 1]!.ts);
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
      for (const m of first) ws.send(m);
      setTimeout(() => ws.terminate(), 100);
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
    }, 'the child to record both connections', 15_000);
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

test.run();
