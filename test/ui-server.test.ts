/**
 * The UI server without a browser: the gate (token, Host, methods, traversal, CSP), the API's
 * numbers against the library's, the deck's controls, the backtest report, verify with progress,
 * min/max downsampling, and the `tapedeck ui` command's start-up and failures.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recordingInfo } from '../src/ops/info.js';
import { downsampleMinMax } from '../src/ui/downsample.js';
import { startUiServer, type UiServer } from '../src/ui/server.js';
import { findRecordings } from '../src/ui/catalog.js';
import { jobThreads, runJob } from '../src/ui/jobs.js';
import { CSP } from '../src/ui/security.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { runCli, startCli } from './helpers/cli.js';
import { makeUiFixtures, type UiFixtures } from './ui-fixtures.js';
import { fixtureEvents } from './ops-fixtures.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { waitFor } from './helpers/wait.js';

let base = '';
let fx: UiFixtures;
let server: UiServer;

test.before(async () => {
  base = tmpDir('tapedeck-ui-server-');
  fx = await makeUiFixtures(base);
  server = await startUiServer([fx.ticks, fx.mixed, fx.bt1, fx.bt2]);
});
test.after(async () => {
  await server?.close();
  rm(base);
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path goes out exactly as written (no normalisation of '..'). */
function request(rawPath: string, opts: { method?: string; headers?: Record<string, string>; body?: string; token?: boolean } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.token === false ? {} : { 'x-tapedeck-token': server.token }), ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: rawPath, method: opts.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

async function json<T = Record<string, unknown>>(rawPath: string, body?: unknown): Promise<T> {
  const r = await request(rawPath, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  assert.is(r.status, 200, `${rawPath}: ${r.body}`);
  return JSON.parse(r.body) as T;
}

// ---- downsampling -------------------------------------------------------------------------------

test('downsample - few points come back exact; NaN becomes null', () => {
  const d = downsampleMinMax([1, 2, 3], [[5, NaN, 7]], 0, 10, 10);
  assert.ok(d.exact);
  assert.equal(d.x, [1, 2, 3]);
  assert.equal(d.y[0], [5, null, 7]);
});

test('downsample - every bucket keeps its min and max, at most 2 points per bucket (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.integer({ min: 1, max: 40 }), (ys, buckets) => {
      const xs = ys.map((_, i) => i);
      const d = downsampleMinMax(xs, [ys], 0, xs.length - 1, buckets);
      assert.ok(d.x.length <= Math.max(2 * buckets, ys.length));
      const out = d.y[0]!.filter((v): v is number => v !== null);
      assert.is(Math.min(...out), Math.min(...ys));
      assert.is(Math.max(...out), Math.max(...ys));
      // Every output value is an input value, and x stays ascending.
      for (const v of out) assert.ok(ys.includes(v));
      for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i]! >= d.x[i - 1]!);
    }),
    { seed: 17, numRuns: 200 },
  );
});

test('downsample - only the visible range counts', () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i);
  const ys = xs.map((x) => (x === 10 ? 1e9 : x));
  const d = downsampleMinMax(xs, [ys], 500, 999, 10);
  assert.is(d.rawPoints, 500);
  assert.not.ok(d.y[0]!.includes(1e9), 'a spike outside the range must not show');
  assert.is(Math.min(...(d.y[0] as number[])), 500);
});

// ---- the gate -----------------------------------------------------------------------------------

test('security - no token, a wrong token: 401, with the CSP', async () => {
  for (const p of ['/', '/api/recordings', '/app/app.js', '/vendor/uPlot.esm.js']) {
    const r = await request(p, { token: false });
    assert.is(r.status, 401, p);
    assert.is(r.headers['content-security-policy'], CSP);
    const w = await request(p, { token: false, headers: { 'x-tapedeck-token': `${server.token}x` } });
    assert.is(w.status, 401, `${p} with a wrong token`);
  }
  assert.ok(CSP.includes("script-src 'self'") && !CSP.includes('unsafe-inline'));
});

test('security - the token in the URL becomes an HttpOnly SameSite cookie, and the cookie works', async () => {
  const r = await request(`/?token=${server.token}`, { token: false });
  assert.is(r.status, 303);
  assert.is(r.headers.location, '/');
  const cookie = r.headers['set-cookie']![0]!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const page = await request('/', { token: false, headers: { cookie: cookie.split(';')[0]! } });
  assert.is(page.status, 200);
  assert.match(page.body, /<script type="module" src="\/app\/app.js"><\/script>/);
  assert.not.match(page.body, /<script>/, 'no inline script');
});

test('security - traversal attempts never reach the file system', async () => {
  const secret = fs.readFileSync(path.join(base, 'ticks', segmentFiles(fx.ticks)[0]!)).subarray(0, 8).toString('latin1');
  const attempts = [
    '/app/../package.json',
    '/app/..%2f..%2fpackage.json',
    '/app/%2e%2e/%2e%2e/package.json',
    '/vendor/..%2F..%2F..%2Fpackage.json',
    '/app/views/../../package.json',
    '/..%2f..%2f..%2fetc%2fpasswd',
    '/app/..\\..\\package.json',
    '/api/recordings/..%2F..%2Fetc/info',
    `/api/recordings/${encodeURIComponent(fx.ticks)}/info`,
    '/api/recordings/r99/info',
    '/api/recordings/r0/../../../etc/passwd',
    '/app/%00app.js',
    '/package.json',
    '/web/index.html',
  ];
  for (const p of attempts) {
    const r = await request(p);
    assert.ok(r.status === 404 || r.status === 400, `${p}: ${r.status}`);
    assert.not.match(r.body, /"name": "tapedeck"|root:x:0|tapedeck-ui-server/, `${p} leaked a file or a path`);
    assert.not.ok(r.body.includes(secret), p);
  }
});

test('security - a foreign Host (DNS rebinding) is refused on loopback', async () => {
  const r = await request('/api/recordings', { headers: { host: 'evil.example:80' } });
  assert.is(r.status, 403);
  const ok = await request('/api/recordings', { headers: { host: `localhost:${server.port}` } });
  assert.is(ok.status, 200);
});

test('security - read-only: other methods 405, POST only to the controls, JSON only, same origin', async () => {
  for (const m of ['PUT', 'DELETE', 'PATCH']) assert.is((await request('/api/recordings/r0/info', { method: m })).status, 405, m);
  assert.is((await request('/api/recordings/r0/info', { method: 'POST', body: '{}' })).status, 404);
  assert.is((await request('/', { method: 'POST', body: '{}' })).status, 405);
  assert.is((await request('/api/recordings/r0/deck', { method: 'POST', body: 'action=play', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status, 415);
  assert.is((await request('/api/recordings/r0/deck', { method: 'POST', body: '{"action":"pause"}', headers: { origin: 'http://evil.example' } })).status, 403);
  assert.is((await request('/api/recordings/r0/deck', { method: 'POST', body: '{not json' })).status, 400);
});

// ---- the API ------------------------------------------------------------------------------------

test('api - recordings are named by id; backtests are told apart', async () => {
  const r = await json<{ recordings: { id: string; name: string; kind: string }[] }>('/api/recordings');
  assert.equal(
    r.recordings.map((x) => [x.id, x.kind]),
    [['r0', 'recording'], ['r1', 'recording'], ['r2', 'backtest'], ['r3', 'backtest']],
  );
});

test('api - info matches recordingInfo; segment states', async () => {
  const d = await json<{ info: Record<string, unknown>; segments: { state: string; bytes: number }[]; venues: Record<string, number> }>('/api/recordings/r1/info');
  const i = recordingInfo(fx.mixed);
  assert.is(d.info.records, i.records);
  assert.is(d.info.bytes, i.bytes);
  assert.is(d.info.digest, i.digest);
  assert.is(d.info.firstTsIso, i.firstTsIso);
  assert.equal(d.info.byType, i.byType);
  assert.is(d.segments.length, i.segmentCount);
  assert.ok(d.segments.length > 1);
  assert.ok(d.segments.every((s) => s.state === 'sealed'));
  assert.equal(d.venues, { XNAS: 60 });
});

test('api - segment states: sealed, the active one of a writer, and a torn tail', async () => {
  const d = path.join(base, 'torn');
  const log = await openEventLog(d, { durability: 'async', segmentBytes: 2048 });
  for (const ev of fixtureEvents().slice(0, 40)) writeEvent(log, ev);
  await log.sync();
  const s3 = await startUiServer([d]);
  const get = async () =>
    JSON.parse(
      await new Promise<string>((resolve, reject) =>
        http.get({ host: '127.0.0.1', port: s3.port, path: '/api/recordings/r0/info', headers: { 'x-tapedeck-token': s3.token } }, (res) => {
          let b = '';
          res.on('data', (x) => (b += x));
          res.on('end', () => resolve(b));
        }).on('error', reject),
      ),
    ) as { segments: { name: string; state: string }[] };
  try {
    const names = segmentFiles(d);
    assert.ok(names.length > 1);
    let states = (await get()).segments.map((x) => x.state);
    assert.equal(states, [...names.slice(0, -1).map(() => 'sealed'), 'active']);
    fs.appendFileSync(path.join(d, names[names.length - 1]!), Buffer.from([1, 2, 3, 4, 5, 6, 7]));
    states = (await get()).segments.map((x) => x.state);
    assert.equal(states, [...names.slice(0, -1).map(() => 'sealed'), 'torn']);
  } finally {
    await s3.close();
    await log.close().catch(() => undefined);
  }
});

test('api - chart: downsampled to the width, exact when zoomed in, bad arguments are 400', async () => {
  const i = recordingInfo(fx.ticks);
  const sym = i.bySymbol[0]!;
  const all = await json<{ rawPoints: number; exact: boolean; x: number[]; bid: unknown[]; symbols: string[] }>(`/api/recordings/r0/chart?width=100&symbol=${sym.symbol}`);
  assert.is(all.rawPoints, sym.events, 'every tick of the symbol is in the whole range');
  assert.not.ok(all.exact);
  assert.ok(all.x.length <= 200);
  assert.is(all.bid.length, all.x.length);
  const from = (i.firstTs as bigint) + 1_000_000_000n;
  const near = await json<{ rawPoints: number; exact: boolean; x: number[] }>(`/api/recordings/r0/chart?width=2000&symbol=${sym.symbol}&from=${from}&to=${from + 200_000_000n}`);
  assert.ok(near.exact);
  assert.is(near.x.length, near.rawPoints);
  for (const bad of ['width=0', 'width=abc', 'from=-5', 'from=20&to=10', 'symbol=NOPE']) {
    const r = await request(`/api/recordings/r0/chart?${bad}`);
    assert.is(r.status, 400, bad);
    assert.is(JSON.parse(r.body).code, 'BAD_ARGUMENT');
  }
  const marks = await json<{ markers: { type: string }[] }>('/api/recordings/r1/chart?width=500');
  assert.equal([...new Set(marks.markers.map((m) => m.type))].sort(), ['fill', 'order', 'risk', 'signal', 'system']);
});

test('api - deck: seek, step, speed, play to the end and back', async () => {
  const i = recordingInfo(fx.ticks);
  let s = await json<{ state: string; ts: string; seq: number | null; around: { seq: number; current: boolean }[] }>('/api/recordings/r0/deck');
  assert.is(s.state, 'paused');
  const target = (i.firstTs as bigint) + 30_000_000_000n;
  s = await json('/api/recordings/r0/deck', { action: 'seek', ts: target.toString() });
  assert.is(s.ts, target.toString());
  assert.is(s.seq, null);
  s = await json('/api/recordings/r0/deck', { action: 'step', count: 3 });
  const stepped = s.seq!;
  // The third event at or after the target: the current one in the log around the cursor.
  assert.ok(BigInt(s.ts) >= target);
  assert.is(s.around.filter((e) => e.current).length, 1);
  assert.is(s.around.find((e) => e.current)!.seq, stepped);
  s = await json('/api/recordings/r0/deck', { action: 'step' });
  assert.is(s.seq, stepped + 1);
  s = await json('/api/recordings/r0/deck', { action: 'speed', speed: 'max' });
  s = await json('/api/recordings/r0/deck', { action: 'play' });
  await waitFor(async () => (s = await json('/api/recordings/r0/deck')).state === 'done', 'the deck to play to the end');
  assert.is(s.ts, String(i.lastTs));
  // After the end, a seek starts over (paused) at the target.
  s = await json('/api/recordings/r0/deck', { action: 'seek', ts: String(i.firstTs) });
  assert.is(s.state, 'paused');
  assert.is(s.ts, String(i.firstTs));
  for (const bad of [{ action: 'jump' }, { action: 'speed', speed: -1 }, { action: 'seek', ts: 'soon' }, { action: 'step', count: 0 }]) {
    const r = await request('/api/recordings/r0/deck', { method: 'POST', body: JSON.stringify(bad) });
    assert.is(r.status, 400, JSON.stringify(bad));
  }
});

test('api - backtest report: the equity curve ends at the run net PnL; manifest; compare', async () => {
  const r = await json<{ marks: string; finalNetPnl: number; summary: Record<string, number>; manifest: Record<string, unknown>; fills: unknown[]; inputIds: string[]; x: number[] }>('/api/recordings/r2/backtest');
  assert.is(r.marks, 'inputs');
  assert.equal(r.inputIds, ['r0']);
  assert.ok(Math.abs(r.finalNetPnl - r.summary.netPnl!) < 1e-9, `${r.finalNetPnl} vs ${r.summary.netPnl}`);
  assert.is(r.fills.length, r.summary.trades);
  assert.is(r.manifest.seed, 7);
  assert.ok(r.x.length > 2);
  assert.is((await request('/api/recordings/r0/backtest')).status, 404);
  const c = await json<{ identical: boolean; firstTs: string | null; counts: { a: number } }>('/api/compare?a=r2&b=r3');
  assert.is(c.identical, false);
  assert.ok(c.firstTs !== null);
  const same = await json<{ identical: boolean }>('/api/compare?a=r2&b=r2');
  assert.ok(same.identical);
});

test('api - backtest report without its inputs marks at fill prices, and says so', async () => {
  const solo = await startUiServer([fx.bt1]);
  try {
    const r = await new Promise<string>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: solo.port, path: '/api/recordings/r0/backtest', headers: { 'x-tapedeck-token': solo.token } }, (res) => {
        let b = '';
        res.on('data', (d) => (b += d));
        res.on('end', () => resolve(b));
      }).on('error', reject),
    );
    const j = JSON.parse(r) as { marks: string; inputIds: unknown[] };
    assert.is(j.marks, 'fills');
    assert.equal(j.inputIds, []);
  } finally {
    await solo.close();
  }
});

test('api - verify runs in a worker with progress; a damaged segment shows as damaged', async () => {
  const dir = path.join(base, 'damaged');
  fs.cpSync(fx.mixed, dir, { recursive: true });
  const seg = segmentFiles(dir)[1]!;
  flipByte(path.join(dir, seg), 200);
  const s2 = await startUiServer([fx.mixed, dir]);
  try {
    const get = (p: string, post = false) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: s2.port, path: p, method: post ? 'POST' : 'GET', headers: { 'x-tapedeck-token': s2.token, 'content-type': 'application/json' } }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(JSON.parse(b) as Record<string, unknown>));
        });
        req.on('error', reject);
        req.end(post ? '{}' : undefined);
      });
    for (const id of ['r0', 'r1']) {
      assert.is((await get(`/api/recordings/${id}/verify`)).state, 'never');
      assert.is((await get(`/api/recordings/${id}/verify`, true)).state, 'running');
      let v = await get(`/api/recordings/${id}/verify`);
      await waitFor(async () => (v = await get(`/api/recordings/${id}/verify`)).state !== 'running', `the verify of ${id} to finish`, undefined, 20);
      assert.is(v.state, 'done');
      assert.ok((v.bytesTotal as number) > 0 && v.bytesDone === v.bytesTotal);
    }
    const ok = (await get('/api/recordings/r0/verify')).result as { ok: boolean };
    const bad = (await get('/api/recordings/r1/verify')).result as { ok: boolean; problems: { file: string }[] };
    assert.ok(ok.ok);
    assert.not.ok(bad.ok);
    assert.ok(bad.problems.some((p) => p.file === seg));
    // The damaged recording does not read through: the listing marks the segment, with the error.
    const info = await get('/api/recordings/r1/info');
    assert.is(info.info, null);
    assert.is(info.code, 'CORRUPT_FRAME');
    assert.match(String(info.error), new RegExp(seg));
    assert.is((info.segments as { name: string; state: string }[]).find((s) => s.name === seg)?.state, 'damaged');
    assert.ok((info.segments as { name: string; state: string }[]).filter((s) => s.name !== seg).every((s) => s.state === 'unread'));
  } finally {
    await s2.close();
  }
});

test('jobs - a thread is reused after a result and after a typed error; terminate ends a running job and is a no-op once settled', async () => {
  const dir = path.join(tmpDir('tapedeck-ui-jobs-'), 'damaged');
  fs.cpSync(fx.mixed, dir, { recursive: true });
  flipByte(path.join(dir, segmentFiles(dir)[1]!), 200);
  try {
    const first = runJob<{ records: number }>({ job: 'info', dir: fx.mixed });
    assert.is((await first.result).records, recordingInfo(fx.mixed).records);
    assert.is(await first.terminate(), 0, 'settled: nothing to end');
    const before = jobThreads();
    assert.ok(before.idle >= 1, 'the thread waits for the next job');
    // The typed error crosses the thread boundary as before; the thread then takes the next job.
    const failing = runJob({ job: 'info', dir });
    const err = await failing.result.then(
      () => null,
      (e: unknown) => e as { code?: string; file?: string },
    );
    assert.is(err?.code, 'CORRUPT_FRAME');
    assert.is((await runJob<{ records: number }>({ job: 'info', dir: fx.ticks }).result).records, recordingInfo(fx.ticks).records);
    assert.is(jobThreads().started, before.started, 'three jobs in a row, after a result and after an error: no new thread');
    // Two at once: two threads; both answer their own job.
    const [a, b] = await Promise.all([runJob<{ records: number }>({ job: 'info', dir: fx.ticks }).result, runJob<{ records: number }>({ job: 'info', dir: fx.mixed }).result]);
    assert.equal([a.records, b.records], [recordingInfo(fx.ticks).records, recordingInfo(fx.mixed).records]);
    // A running job ended by terminate rejects; the next job gets a working thread.
    const running = runJob({ job: 'verify', dir: fx.mixed });
    await running.terminate();
    await running.result.then(
      () => assert.unreachable('a terminated job has no result'),
      (e: Error) => assert.match(e.message, /worker exited .* without a result/),
    );
    const afterKill = jobThreads();
    assert.is((await runJob<{ records: number }>({ job: 'info', dir: fx.mixed }).result).records, recordingInfo(fx.mixed).records);
    assert.ok(jobThreads().idle <= 2, 'at most 2 idle threads are kept');
    assert.is(jobThreads().started, afterKill.started + (afterKill.idle === 0 ? 1 : 0), 'a terminated thread is not reused');
  } finally {
    rm(path.dirname(dir));
  }
});

// ---- the command --------------------------------------------------------------------------------

test('findRecordings - finds recording directories below a root, sorted', () => {
  assert.equal(findRecordings(base).map((d) => path.basename(d)), ['bt1', 'bt2', 'damaged', 'mixed', 'ticks', 'torn'].filter((n) => fs.existsSync(path.join(base, n))));
});

test('cli - `tapedeck ui` prints the URL with its token, serves, and stops on SIGTERM', async () => {
  const run = startCli(['ui', fx.mixed, '--port', '0', '--json']);
  await waitFor(() => run.stdout().includes('\n'), 'the URL line');
  const j = JSON.parse(run.stdout().split('\n')[0]!) as { url: string; host: string; port: number; recordings: { id: string }[] };
  assert.is(j.host, '127.0.0.1');
  assert.match(j.url, new RegExp(`^http://127\\.0\\.0\\.1:${j.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  assert.equal(j.recordings, [{ id: 'r0', dir: fx.mixed }]);
  const token = new URL(j.url).searchParams.get('token')!;
  const status = await new Promise<number>((resolve, reject) =>
    http.get({ host: '127.0.0.1', port: j.port, path: '/api/recordings', headers: { 'x-tapedeck-token': token } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject),
  );
  assert.is(status, 200);
  run.signal('SIGTERM');
  const done = await run.done;
  assert.is(done.code, 0, done.stderr);
  // Closed: the port no longer answers.
  const after = await new Promise<string>((resolve) => http.get({ host: '127.0.0.1', port: j.port, path: '/', agent: false }, () => resolve('answered')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error')));
  assert.is(after, 'ECONNREFUSED');
});

test('cli - `tapedeck ui` failures: a missing recording (74), a bad port (2), none found (2), a non-loopback host warns', async () => {
  const missing = await runCli(['ui', path.join(base, 'nope')]);
  assert.is(missing.code, 74);
  assert.match(missing.stderr, /nope: no such recording/);
  const port = await runCli(['ui', fx.mixed, '--port', '70000']);
  assert.is(port.code, 2);
  assert.match(port.stderr, /--port must be/);
  const empty = tmpDir('tapedeck-ui-empty-');
  try {
    const none = await runCli(['ui'], { cwd: empty });
    assert.is(none.code, 2);
    assert.match(none.stderr, /none found under recordings\//);
  } finally {
    rm(empty);
  }
  const open = startCli(['ui', fx.mixed, '--host', '0.0.0.0', '--port', '0']);
  await waitFor(() => open.stderr().includes('Ctrl-C'), 'the listening line');
  assert.match(open.stderr(), /warning: listening on 0\.0\.0\.0, not loopback/);
  open.signal('SIGINT');
  assert.is((await open.done).code, 0);
});

test.run();
