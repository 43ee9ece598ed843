/// <reference lib="dom" />
/**
 * The UI in a real browser (Debian's chromium through playwright-core): each view's numbers
 * against `tapedeck info --json` and the backtest's own summary, the deck's play/pause/step/seek
 * against the cursor time, the live graph moving while `tapedeck record` appends, verify with
 * its progress, and the gate (no token, traversal, the CSP blocking an injected inline script).
 * Screenshots of every view go to test-artifacts/ui/ (git-ignored); UPDATE_SCREENSHOTS=1 also
 * refreshes the ones in docs/ui/ that the README shows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startUiServer, type UiServer } from '../src/ui/server.js';
import { artifactsDir, launchBrowser, type Browser } from './helpers/browser.js';
import { repoRoot, rm } from './helpers/tmp.js';
import { collect, runCli as cli, spawnCli } from './helpers/cli.js';
import { makeUiFixtures, type UiFixtures } from './ui-fixtures.js';

let base = '';
let fx: UiFixtures;
let live = '';
let depth = '';
let server: UiServer;
let browser: Browser;
let page: Page;
const shots = artifactsDir(repoRoot);

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function shot(name: string): Promise<void> {
  const file = path.join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(path.join(repoRoot, 'docs', 'ui'), { recursive: true });
    fs.copyFileSync(file, path.join(repoRoot, 'docs', 'ui', `${name}.png`));
  }
}

async function text(sel: string): Promise<string> {
  return (await page.locator(sel).first().textContent())?.trim() ?? '';
}

async function view(hash: string, ready: string): Promise<void> {
  await page.goto(`http://127.0.0.1:${server.port}/${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 15_000 });
}

/** The deck's state as the server has it (a token-bearing request from the test itself). */
async function deckState(id: string): Promise<{ ts: string; seq: number | null; state: string }> {
  const r = await fetch(`http://127.0.0.1:${server.port}/api/recordings/${id}/deck`, { headers: { 'x-tapedeck-token': server.token } });
  return (await r.json()) as { ts: string; seq: number | null; state: string };
}

test.before(async () => {
  // Under the repo (git-ignored) and named relative to it, so the screenshots show short names.
  base = path.relative(process.cwd(), path.join(repoRoot, 'test-artifacts', 'recordings'));
  rm(base);
  fs.mkdirSync(base, { recursive: true });
  fx = await makeUiFixtures(base);
  live = path.join(base, 'live');
  fs.mkdirSync(live);
  // A recording with depth: the Kraken book excerpt (test/fixtures/SOURCES.md).
  depth = path.join(base, 'depth');
  const imp = await cli(['import', path.join(repoRoot, 'test', 'fixtures', 'kraken-20210417.head300.ws.txt.gz'), depth, '--format', 'kraken']);
  assert.is(imp.code, 0, imp.stderr);
  server = await startUiServer([fx.ticks, fx.mixed, fx.bt1, fx.bt2, live, depth]);
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // The printed URL carries the token; the server swaps it for a cookie.
  const res = await page.goto(server.url);
  assert.is(res?.status(), 200);
  assert.not.match(page.url(), /token=/, 'the token is dropped from the address bar');
});

test.after(async () => {
  await browser?.close();
  await server?.close();
  rm(base);
});

test('browser - recordings view: the numbers of `tapedeck info --json`', async () => {
  for (const [id, dir] of [['r0', fx.ticks], ['r1', fx.mixed]] as const) {
    const r = await cli(['info', dir, '--json']);
    assert.is(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout) as {
      records: number; bytes: number; compressionRatio: number; firstTsIso: string; lastTsIso: string; digest: string; segmentCount: number;
      byType: Record<string, number>; bySymbol: { symbol: string; events: number }[]; byRun: { runId: string; events: number }[]; segments: { bytes: number }[];
    };
    await view(`#/recordings/${id}`, '[data-testid=view-recordings]');
    assert.is(await text('[data-field=records]'), fmt(info.records));
    assert.ok((await text('[data-field=bytes]')).startsWith(`${fmt(info.bytes)} bytes`));
    assert.is(await text('[data-field=compression]'), `${info.compressionRatio.toFixed(2)}x`);
    assert.is(await text('[data-field=first]'), info.firstTsIso);
    assert.is(await text('[data-field=last]'), info.lastTsIso);
    assert.is(await text('[data-field=digest]'), info.digest);
    for (const [t, n] of Object.entries(info.byType).filter(([, n]) => n > 0)) assert.is(await text(`[data-testid=by-type] [data-count="${t}"]`), fmt(n), t);
    for (const s of info.bySymbol) assert.is(await text(`[data-testid=by-symbol] [data-count="${s.symbol}"]`), fmt(s.events), s.symbol);
    for (const run of info.byRun) assert.is(await text(`[data-testid=by-run] [data-count="${run.runId}"]`), fmt(run.events), run.runId);
    const strip = await page.locator('[data-testid=segment-strip] .seg').evaluateAll((els) => els.map((e) => ({ bytes: Number(e.getAttribute('data-bytes')), state: e.getAttribute('data-state'), width: e.getBoundingClientRect().width })));
    assert.equal(strip.map((s) => s.bytes), info.segments.map((s) => s.bytes));
    assert.ok(strip.every((s) => s.state === 'sealed'));
    if (strip.length > 1) {
      // Sized by bytes: the widths keep the proportions of the sizes (within a pixel or two of borders).
      const total = strip.reduce((n, s) => n + s.bytes, 0);
      const width = strip.reduce((n, s) => n + s.width, 0);
      for (const s of strip) assert.ok(Math.abs(s.width - (s.bytes / total) * width) < 4, `segment width ${s.width} for ${s.bytes} bytes`);
    }
  }
});

test('browser - recordings view: verify runs with progress and reports OK', async () => {
  await view('#/recordings/r0', '[data-testid=verify-button]');
  assert.ok(await page.locator('[data-verify=never]').count());
  await page.click('[data-testid=verify-button]');
  await page.locator('[data-verify=ok]').waitFor({ timeout: 30_000 });
  const [value, max] = await page.locator('[data-testid=verify-progress]').evaluate((e: HTMLProgressElement) => [e.value, e.max]);
  assert.ok(max > 1 && value === max, `progress ${value}/${max}`);
  const digest = JSON.parse((await cli(['info', fx.ticks, '--json'])).stdout).digest as string;
  assert.match(await text('[data-testid=verify-status]'), digest);
  await shot('recordings');
});

test('browser - replay deck: play, pause, seek with the scrubber, step, max speed to the end', async () => {
  const info = JSON.parse((await cli(['info', fx.ticks, '--json'])).stdout) as { firstTs: string; lastTs: string };
  const first = BigInt(info.firstTs);
  const last = BigInt(info.lastTs);
  await view('#/deck/r0', '[data-testid=view-deck][data-ready]');
  assert.is(await page.locator('[data-testid=deck-cursor]').getAttribute('data-ts'), info.firstTs);
  const points = Number(await page.locator('[data-testid=view-deck] [data-points]').first().getAttribute('data-points'));
  assert.ok(points > 10 && points <= 2 * 1280, `chart points ${points}`);

  // Play at 10x for a moment, then pause: the cursor moved forward, and it is where the server's replay is.
  await page.selectOption('[data-testid=deck-speed]', '10');
  await page.click('[data-testid=deck-play]');
  await page.locator('[data-testid=deck-state][data-state=playing]').waitFor();
  await page.waitForTimeout(600);
  await page.click('[data-testid=deck-play]');
  await page.locator('[data-testid=deck-state][data-state=paused]').waitFor();
  const paused = await deckState('r0');
  assert.is(paused.state, 'paused');
  assert.ok(BigInt(paused.ts) > first, 'the replay moved');
  await page.waitForFunction((ts) => document.querySelector('[data-testid=deck-cursor]')?.getAttribute('data-ts') === ts, paused.ts);
  await page.waitForTimeout(300);
  assert.is((await deckState('r0')).ts, paused.ts, 'paused means the clock stands still');

  // Seek: the scrubber's middle is the middle of the recording's time range, exactly.
  await page.locator('[data-testid=deck-scrubber]').evaluate((e: HTMLInputElement) => {
    e.value = '5000';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const mid = first + ((last - first) * 5000n) / 10000n;
  await page.waitForFunction((ts) => document.querySelector('[data-testid=deck-cursor]')?.getAttribute('data-ts') === ts, mid.toString());
  assert.is((await deckState('r0')).ts, mid.toString());
  await shot('deck');

  // Step: the next event at or after the target, shown as the current line of the event log.
  await page.click('[data-testid=deck-step]');
  await page.waitForFunction(() => /seq \d+/.test(document.querySelector('[data-testid=deck-cursor]')?.textContent ?? ''));
  const stepped = await deckState('r0');
  assert.ok(stepped.seq !== null && BigInt(stepped.ts) >= mid);
  await page.waitForFunction((seq) => document.querySelector('[data-testid=deck-log] .cur')?.getAttribute('data-seq') === String(seq), stepped.seq);
  assert.ok((await text('[data-testid=deck-log] .cur')).startsWith(`#${stepped.seq} `));
  await page.click('[data-testid=deck-step]');
  await page.waitForFunction((seq) => document.querySelector('[data-testid=deck-log] .cur')?.getAttribute('data-seq') === String(seq), stepped.seq! + 1);

  // Max speed plays to the end: the cursor stops at the last ts.
  await page.selectOption('[data-testid=deck-speed]', 'max');
  await page.click('[data-testid=deck-play]');
  await page.locator('[data-testid=deck-state][data-state=done]').waitFor({ timeout: 20_000 });
  await page.waitForFunction((ts) => document.querySelector('[data-testid=deck-cursor]')?.getAttribute('data-ts') === ts, info.lastTs);
  // The quotes at the cursor are the recording's last quotes.
  assert.ok((await page.locator('[data-testid=deck-quotes] tr[data-symbol]').count()) === 2);
});

/** The ladder on the page: per venue block, bids and asks as [price, size] strings. */
async function ladder(): Promise<{ venue: string; bids: string[][]; asks: string[][] }[]> {
  return page.locator('[data-testid=deck-book] [data-venue]').evaluateAll((blocks) =>
    blocks.map((b) => {
      const rows = Array.from(b.querySelectorAll('tr[data-level]')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? ''));
      return {
        venue: b.getAttribute('data-venue') ?? '',
        bids: rows.filter((r) => r[1] !== '').map((r) => [r[1]!, r[0]!]),
        asks: rows.filter((r) => r[2] !== '').map((r) => [r[2]!, r[3]!]),
      };
    }),
  );
}

/** What `tapedeck book --at` says, in the ladder's shape. */
async function bookAt(ts: string, symbol: string): Promise<{ venue: string; bids: string[][]; asks: string[][] }[]> {
  const r = await cli(['book', depth, '--at', ts, '--symbol', symbol, '--json']);
  assert.is(r.code, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { venue: string; bids: { price: string; size: string }[]; asks: { price: string; size: string }[] })
    .map((v) => ({ venue: v.venue, bids: v.bids.map((x) => [x.price, x.size]), asks: v.asks.map((x) => [x.price, x.size]) }));
}

test('browser - replay deck: the L2 ladder at the cursor is `tapedeck book --at` (seek, step, seek back)', async () => {
  const info = JSON.parse((await cli(['info', depth, '--json'])).stdout) as { firstTs: string; lastTs: string; byType: Record<string, number> };
  assert.ok(info.byType.book! > 0, 'the fixture has depth');
  const first = BigInt(info.firstTs);
  const last = BigInt(info.lastTs);
  await view('#/deck/r5', '[data-testid=view-deck][data-ready]');
  const symbol = await page.locator('[data-testid=deck-symbol]').inputValue();
  assert.ok(symbol.length > 0);
  const check = async (label: string) => {
    const cursorTs = () => page.locator('[data-testid=deck-cursor]').getAttribute('data-ts');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=deck-book] tr[data-level]').length > 0, undefined, { timeout: 10_000 });
    // Clicks are applied by the server one poll at a time: wait until the cursor stands still for
    // a whole poll interval, so the next poll carries the book of exactly that instant.
    let ts = await cursorTs();
    for (let tries = 0; ; tries++) {
      await page.waitForTimeout(400);
      const now = await cursorTs();
      if (now === ts) break;
      assert.ok(tries < 25, `${label}: the cursor never stood still (last ${now})`);
      ts = now;
    }
    const want = await bookAt(ts!, symbol);
    assert.ok(want.length > 0 && want[0]!.bids.length > 0, `${label}: a book to compare`);
    assert.equal(await ladder(), want, label);
  };
  const scrubTo = async (v: number) => {
    await page.locator('[data-testid=deck-scrubber]').evaluate((e: HTMLInputElement, x) => {
      e.value = String(x);
      e.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
    const target = first + ((last - first) * BigInt(v)) / 10000n;
    await page.waitForFunction((t) => document.querySelector('[data-testid=deck-cursor]')?.getAttribute('data-ts') === t, target.toString());
  };
  await scrubTo(6000);
  await check('after a seek');
  for (let i = 0; i < 5; i++) await page.click('[data-testid=deck-step]');
  await check('after five steps (applied incrementally)');
  await shot('deck-book');
  await scrubTo(2000);
  await check('after seeking back (rebuilt)');
});

test('browser - live view: the graph moves while `tapedeck record` appends', async () => {
  // A real second process: the dashboard reads what it publishes, never the writer itself.
  const writer = spawnCli(['record', live, '--metrics-interval', '100ms']);
  const writerDone = collect(writer);
  let i = 0;
  const t0 = 1_709_300_000_000_000_000n;
  const feed = setInterval(() => {
    const lines: string[] = [];
    for (let k = 0; k < 20; k++, i++) lines.push(JSON.stringify({ type: 'tick', ts: String(t0 + BigInt(i) * 1_000_000n), runId: 'live', venue: 'XNAS', symbol: 'AAPL', bid: 100 + (i % 50) / 100, ask: 101 }));
    writer.stdin!.write(`${lines.join('\n')}\n`);
  }, 25);
  try {
    await view('#/live/r4', '[data-testid=view-live]');
    await page.waitForFunction(() => Number(document.querySelector('[data-field=samples]')?.textContent) >= 3);
    await page.waitForFunction(() => /^pid \d+$/.test(document.querySelector('[data-field=writer]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    await page.waitForFunction(() => /^[\d,]+$/.test(document.querySelector('[data-field=records]')?.textContent ?? ''), undefined, { timeout: 10_000 });
    const records1 = Number((await text('[data-field=records]')).replace(/,/g, ''));
    const samples1 = Number(await text('[data-field=samples]'));
    await page.waitForTimeout(1200);
    const records2 = Number((await text('[data-field=records]')).replace(/,/g, ''));
    const samples2 = Number(await text('[data-field=samples]'));
    // At least twice a second: 1.2 s gives ≥ 2 more samples even on a busy machine (4 Hz nominal).
    assert.ok(samples2 - samples1 >= 2, `samples ${samples1} → ${samples2}`);
    assert.ok(records2 > records1, `records ${records1} → ${records2}`);
    // The rate of the latest two samples: on a loaded machine the feed can miss one interval (two
    // samples with the same count read 0 ev/s), so wait for a sample with events rather than read once.
    await page.waitForFunction(() => Number(document.querySelector('[data-field=eps]')?.textContent?.replace(/,/g, '')) > 0, undefined, { timeout: 10_000 }).catch(() => undefined);
    const eps = Number((await text('[data-field=eps]')).replace(/,/g, ''));
    assert.ok(eps > 0, `events/s ${eps}`);
    const pts = Number(await page.locator('[data-testid=view-live] [data-points]').getAttribute('data-points'));
    assert.ok(pts >= 3, `live chart points ${pts}`);
    assert.match(await text('[data-field=latency]'), /\d.*\/.*\d/);
    await shot('live');
  } finally {
    clearInterval(feed);
    writer.stdin!.end();
  }
  const done = await writerDone;
  assert.is(done.code, 0, done.stderr);
});

test('browser - backtests view: summary, manifest, fills, and the comparison of two runs', async () => {
  const sys = (await cli(['export', fx.bt1, '--types', 'system'])).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; data: Record<string, number | string> });
  const end = sys.find((e) => e.kind === 'session-end')!.data;
  const start = sys.find((e) => e.kind === 'session-start')!.data;
  await view('#/backtests/r2/r3', '[data-testid=view-backtests][data-ready]');
  assert.is(await text('[data-field=netPnl]'), String(Number((end.netPnl as number).toFixed(6))));
  assert.is(await text('[data-field=trades]'), fmt(end.trades as number));
  assert.match(await text('[data-field=marks]'), /input ticks/);
  assert.is(await text('[data-testid=bt-manifest] [data-key=seed]'), String(start.seed));
  assert.is(await text('[data-testid=bt-manifest] [data-key=strategySha256]'), start.strategySha256);
  assert.is(await page.locator('[data-fills]').getAttribute('data-fills'), String(end.trades));
  assert.ok(Number(await page.locator('[data-testid=view-backtests] [data-points]').first().getAttribute('data-points')) > 2);
  await page.locator('[data-diff=different]').waitFor();
  assert.match(await text('[data-diff]'), /first divergence at event #\d+/);
  await shot('backtests');
});

test('browser - the gate: no token, traversal, and the CSP blocks an injected inline script', async () => {
  const anon = await fetch(`http://127.0.0.1:${server.port}/`);
  assert.is(anon.status, 401);
  await view('#/recordings/r0', '[data-testid=view-recordings]');
  // From the page, without the cookie: refused.
  assert.is(await page.evaluate(async () => (await fetch('/api/recordings', { credentials: 'omit' })).status), 401);
  const statuses = await page.evaluate(async () => {
    const paths = ['/api/recordings/..%2F..%2Fetc/info', '/app/..%2F..%2Fpackage.json', '/vendor/%2e%2e/%2e%2e/package.json', '/api/recordings/r99/info'];
    return Promise.all(paths.map(async (p) => (await fetch(p)).status));
  });
  assert.equal(statuses, [404, 404, 404, 404]);
  const ran = await page.evaluate(async () => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = 1';
    document.body.append(s);
    await new Promise((r) => setTimeout(r, 50));
    return (window as unknown as { __injected?: number }).__injected === 1;
  });
  assert.not.ok(ran, 'the CSP must block inline scripts');
});

test.run();
