/**
 * Issue 17: the browser UI on a large recording, measured in headless Chromium (the same Debian
 * chromium and playwright-core the UI tests use).
 *
 * - Chart libraries on 1M points and on what the server actually ships (min/max per pixel
 *   bucket, ~2 points per pixel): uPlot (the one the UI uses) against TradingView's
 *   lightweight-charts, each drawing into the same 1200 × 400 canvas.
 * - Time to first paint of each view on a BENCH_RECORDS-event recording: cold (the server reads
 *   the recording for the first time) and warm (its info and timeline cached).
 * - Scrub latency: scrubber input → seek on the server's Replayer → the cursor and the log
 *   around it re-rendered, measured in the page.
 * - The writer's throughput with and without the live dashboard attached (browser polling at
 *   4 Hz, server reading metrics.json), in the same run: the writer is a separate process
 *   writing BENCH_RECORDS records batched and publishing metrics every 250 ms.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/helpers/browser.js';
import { tickStream } from './data.js';
import { writeRecording } from './replay.js';
import { CONFIG, fmtCount, fmtMs, fmtRate, log, median, percentile, rmrf, ROOT, scratch, type SectionResult } from './table.js';

const require = createRequire(import.meta.url);

/** Two animation frames: whatever was drawn before them is on screen. */
const FRAMES = 'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))';

async function chartLibraries(page: Page, n: number): Promise<{ lib: string; points: number; ms: number }[]> {
  const uplot = path.join(path.dirname(require.resolve('uplot')), 'uPlot.iife.min.js');
  const lwc = path.join(ROOT, 'node_modules', 'lightweight-charts', 'dist', 'lightweight-charts.standalone.production.js');
  await page.goto('about:blank');
  await page.setContent('<div id="c" style="width:1200px;height:400px"></div>');
  await page.addStyleTag({ path: path.join(path.dirname(require.resolve('uplot')), 'uPlot.min.css') });
  await page.addScriptTag({ path: uplot });
  await page.addScriptTag({ path: lwc });
  const out: { lib: string; points: number; ms: number }[] = [];
  for (const points of [n, 2400]) {
    for (const lib of ['uPlot', 'lightweight-charts']) {
      const ms = await page.evaluate(
        async ({ lib, points, frames }) => {
          const el = document.getElementById('c')!;
          el.replaceChildren();
          // A random walk, built before the clock starts.
          const xs = new Float64Array(points);
          const ys = new Float64Array(points);
          let y = 100;
          for (let i = 0; i < points; i++) {
            xs[i] = 1_700_000_000 + i;
            y += (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.1;
            ys[i] = y;
          }
          const lw = lib === 'lightweight-charts' ? Array.from({ length: points }, (_, i) => ({ time: xs[i], value: ys[i] })) : null;
          const t0 = performance.now();
          const w = window as unknown as Record<string, any>;
          if (lib === 'uPlot') {
            new w.uPlot({ width: 1200, height: 400, series: [{}, { stroke: 'red' }] }, [xs, ys], el);
          } else {
            const chart = w.LightweightCharts.createChart(el, { width: 1200, height: 400 });
            chart.addSeries(w.LightweightCharts.LineSeries).setData(lw);
          }
          await new Function(`return ${frames}`)();
          return performance.now() - t0;
        },
        { lib, points, frames: FRAMES },
      );
      out.push({ lib, points, ms });
    }
  }
  return out;
}

interface PaintTimes {
  recordingsCold: number;
  deckCold: number;
  recordingsWarm: number;
  deckWarm: number;
  fcp: number;
}

async function firstPaint(page: Page, port: number, url: string): Promise<PaintTimes> {
  const visit = async (target: string, ready: string): Promise<number> => {
    const t0 = performance.now();
    await page.goto(target);
    await page.locator(ready).first().waitFor({ timeout: 600_000 });
    await page.evaluate(FRAMES);
    return performance.now() - t0;
  };
  // Cold: the printed URL (token → cookie → the app, which opens the first recording's view).
  const recordingsCold = await visit(url, '[data-testid=view-recordings]');
  const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
  const at = (hash: string) => `http://127.0.0.1:${port}/${hash}`;
  const deckCold = await visit(at('#/deck/r0'), '[data-testid=view-deck][data-ready]');
  await page.goto('about:blank');
  const recordingsWarm = await visit(at('#/recordings/r0'), '[data-testid=view-recordings]');
  await page.goto('about:blank');
  const deckWarm = await visit(at('#/deck/r0'), '[data-testid=view-deck][data-ready]');
  return { recordingsCold, deckCold, recordingsWarm, deckWarm, fcp };
}

/** Scrub to `count` seeded positions; each: input → cursor shows the exact target ts. In ms. */
async function scrub(page: Page, count: number): Promise<number[]> {
  return page.evaluate(async (count) => {
    const el = document.querySelector('[data-testid=deck-scrubber]') as HTMLInputElement;
    const cursor = document.querySelector('[data-testid=deck-cursor]') as HTMLElement;
    const out: number[] = [];
    let seed = 12345;
    for (let k = 0; k < count; k++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const v = String(seed % 10001);
      const before = cursor.getAttribute('data-ts');
      const t0 = performance.now();
      const changed = new Promise<void>((resolve) => {
        const mo = new MutationObserver(() => {
          if (cursor.getAttribute('data-ts') !== before) {
            mo.disconnect();
            resolve();
          }
        });
        mo.observe(cursor, { attributes: true });
      });
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      await changed;
      await new Promise((r) => requestAnimationFrame(r));
      out.push(performance.now() - t0);
    }
    return out;
  }, count);
}

/** A chart request of the server (downsampled) for a whole and a 1% range, timed from the page. */
async function zoom(page: Page, firstTs: bigint, lastTs: bigint): Promise<{ whole: number; narrow: number }> {
  const span = lastTs - firstTs;
  const mid = firstTs + span / 2n;
  return page.evaluate(
    async ({ a, b }) => {
      const t = async (q: string) => {
        const t0 = performance.now();
        await (await fetch(`/api/recordings/r0/chart?width=1200${q}`)).json();
        return performance.now() - t0;
      };
      const whole: number[] = [];
      const narrow: number[] = [];
      for (let i = 0; i < 5; i++) {
        whole.push(await t(''));
        narrow.push(await t(`&from=${a}&to=${b}`));
      }
      whole.sort((x, y) => x - y);
      narrow.sort((x, y) => x - y);
      return { whole: whole[2]!, narrow: narrow[2]! };
    },
    { a: mid.toString(), b: (mid + span / 100n).toString() },
  );
}

interface ServerCosts {
  seekMs: number;
  stateMs: number;
  chartMs: number;
}

/** CPU ms of one call, median of many, on the server side alone (no browser, no HTTP). */
async function serverCosts(entry: import('../src/ui/catalog.js').CatalogEntry): Promise<ServerCosts> {
  const tl = await entry.timeline();
  const deck = entry.deck();
  const span = tl.lastNs - tl.originNs;
  const symbol = [...tl.symbols.keys()][0]!;
  const cpu = async (fn: (i: number) => unknown): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const c0 = process.cpuUsage();
      await fn(i);
      const c = process.cpuUsage(c0);
      xs.push((c.user + c.system) / 1000);
    }
    return median(xs);
  };
  return {
    seekMs: await cpu((i) => deck.control({ action: 'seek', ts: (tl.originNs + (span * BigInt((i * 37) % 100)) / 100n).toString() })),
    stateMs: await cpu(() => deck.state()),
    chartMs: await cpu(() => tl.series(symbol, 0, tl.offsetOf(tl.lastNs), 1200)),
  };
}

/** The same requests over HTTP from Node (no browser): medians of 15, in ms. */
async function overHttp(port: number, token: string, firstTs: bigint, lastTs: bigint): Promise<{ seekMs: number; chartMs: number }> {
  const base = `http://127.0.0.1:${port}/api/recordings/r0`;
  const headers = { 'x-tapedeck-token': token, 'content-type': 'application/json' };
  const time = async (fn: (i: number) => Promise<Response>): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t0 = performance.now();
      await (await fn(i)).text();
      xs.push(performance.now() - t0);
    }
    return median(xs);
  };
  const span = lastTs - firstTs;
  return {
    seekMs: await time((i) => fetch(`${base}/deck`, { method: 'POST', headers, body: JSON.stringify({ action: 'seek', ts: (firstTs + (span * BigInt((i * 37) % 100)) / 100n).toString() }) })),
    chartMs: await time(() => fetch(`${base}/chart?width=1200`, { headers })),
  };
}

/** CPU seconds used so far by every chromium process (utime + stime from /proc). */
function chromiumCpuS(): number {
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('chromium')) continue;
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}

function writer(dir: string, n: number): Promise<{ ms: number; records: number; publishes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'bench', 'child.js'), 'write-metrics', dir, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`write-metrics exited ${code}`))));
  });
}

export async function benchUi(): Promise<SectionResult> {
  const N = CONFIG.records;
  const { startUiServer } = await import('../src/ui/index.js');
  const work = scratch('ui');
  const browser = await launchBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());

    log('ui: chart libraries');
    const libs = await chartLibraries(page, N);

    log(`ui: writing a ${fmtCount(N)}-event recording`);
    const rec = path.join(work, 'big');
    await writeRecording(rec, tickStream(N, 'ui'));
    const server = await startUiServer([rec]);
    let paint: PaintTimes;
    let scrubs: number[];
    let zooms: { whole: number; narrow: number };
    let serverCpu: ServerCosts;
    let http: { seekMs: number; chartMs: number };
    try {
      log('ui: first paint');
      paint = await firstPaint(page, server.port, server.url);
      log('ui: scrub');
      await scrub(page, 3); // warm-up
      scrubs = await scrub(page, 30);
      const tl = await server.catalog.entries[0]!.timeline();
      zooms = await zoom(page, tl.originNs, tl.lastNs);
      await page.goto('about:blank');
      serverCpu = await serverCosts(server.catalog.entries[0]!);
      http = await overHttp(server.port, server.token, tl.originNs, tl.lastNs);
    } finally {
      await server.close();
    }

    log('ui: writer with and without the dashboard');
    const without: number[] = [];
    const withUi: number[] = [];
    let samples = 0;
    const serverShare: number[] = [];
    const browserShare: number[] = [];
    const load0 = os.loadavg()[0]!;
    for (let r = 0; r < CONFIG.runs; r++) {
      const a = path.join(work, `w-${r}-alone`);
      fs.mkdirSync(a);
      const alone = await writer(a, N);
      without.push((alone.records / alone.ms) * 1000);
      const b = path.join(work, `w-${r}-ui`);
      fs.mkdirSync(b);
      const s = await startUiServer([b]);
      try {
        await page.goto(s.url);
        await page.goto(`http://127.0.0.1:${s.port}/#/live/r0`);
        await page.locator('[data-testid=view-live]').waitFor();
        const c0 = process.cpuUsage();
        const b0 = chromiumCpuS();
        const t0 = performance.now();
        const watched = await writer(b, N);
        const wallS = (performance.now() - t0) / 1000;
        const c = process.cpuUsage(c0);
        serverShare.push((c.user + c.system) / 1e6 / wallS);
        browserShare.push((chromiumCpuS() - b0) / wallS);
        withUi.push((watched.records / watched.ms) * 1000);
        samples = Number(await page.locator('[data-field=samples]').textContent());
      } finally {
        await s.close();
      }
      rmrf(a);
      rmrf(b);
    }
    return {
      id: 'ui',
      title: 'Browser UI (issue 17)',
      intro: `Headless Chromium (Debian's chromium via playwright-core), the UI server in the bench process. Chart libraries draw a random walk into a 1200 × 400 canvas (creation to two animation frames later); views and scrubbing run on a ${fmtCount(N)}-event recording of 8 symbols; the writer is a separate process. Scrub: ${scrubs.length} seeded scrubber positions, median and p95.`,
      tables: [
        {
          caption: 'Chart libraries: draw time of one line series',
          header: ['points', 'uPlot 1.6.32', 'lightweight-charts 5.2.1', 'lightweight-charts ÷ uPlot'],
          rows: [N, 2400].map((p) => {
            const u = libs.find((x) => x.lib === 'uPlot' && x.points === p)!.ms;
            const l = libs.find((x) => x.lib === 'lightweight-charts' && x.points === p)!.ms;
            return [p === 2400 ? '2,400 (what the server ships for 1200 px: min/max per pixel)' : fmtCount(p), fmtMs(u), fmtMs(l), `${(l / u).toFixed(1)}×`];
          }),
          notes: ['lightweight-charts also needs an object per point ({time, value}, times unique and ascending in whole seconds at most ms resolution), built before the clock starts here; uPlot takes columns (typed arrays) and any float x. Both only ever see ~2 points per pixel in the UI, since the server downsamples to the visible range.'],
        },
        {
          caption: `Time to first paint on ${fmtCount(N)} events (navigation to the view drawn)`,
          header: ['view', 'cold (first read of the recording)', 'warm (cached until its files change)'],
          rows: [
            ['recordings (info: counts, compression, digest)', fmtMs(paint.recordingsCold), fmtMs(paint.recordingsWarm)],
            ['replay deck (timeline columns, chart, log around the cursor)', fmtMs(paint.deckCold), fmtMs(paint.deckWarm)],
            ['first contentful paint of the page shell', fmtMs(paint.fcp), '–'],
          ],
        },
        {
          caption: 'Scrub and zoom latency (in the page)',
          header: ['action', 'median', 'p95'],
          rows: [
            ['scrubber input → seek → cursor and event log re-rendered', fmtMs(median(scrubs)), fmtMs(percentile(scrubs, 95))],
            ['chart data, whole range downsampled to 1200 px', fmtMs(zooms.whole), '–'],
            ['chart data, a 1% zoom', fmtMs(zooms.narrow), '–'],
            ['seek + deck state over HTTP from Node (no browser)', fmtMs(http.seekMs), '–'],
            ['chart data, whole range, over HTTP from Node (no browser)', fmtMs(http.chartMs), '–'],
            ['server CPU alone: seek + deck state (no HTTP, no browser)', fmtMs(serverCpu.seekMs), '–'],
            ['server CPU alone: deck state (cursor quotes, log around the cursor)', fmtMs(serverCpu.stateMs), '–'],
            [`server CPU alone: one symbol's whole range downsampled to 1200 px`, fmtMs(serverCpu.chartMs), '–'],
          ],
          notes: [`Latencies in the page include HTTP and rendering on a machine whose 1-minute load average was ${load0.toFixed(1)} on 2 cores during this section; the rows over HTTP from Node and the server CPU rows show what a scrub costs without the browser's share of a starved machine.`],
        },
        {
          caption: `Writer throughput with and without the live dashboard (${fmtCount(N)} records, batched, metrics every 250 ms; median of ${CONFIG.runs})`,
          header: ['writer', 'throughput', 'with ÷ without'],
          rows: [
            ['alone', fmtRate(median(without)), '–'],
            [`live dashboard attached (4 Hz polling; ${samples} samples seen in the last run)`, fmtRate(median(withUi)), `${(median(withUi) / median(without)).toFixed(2)}×`],
          ],
          notes: [
            `The dashboard's own CPU while the writer ran: server ${(median(serverShare) * 100).toFixed(1)}% of a core (metrics.json, segment sizes, JSON at 4 Hz), browser ${(median(browserShare) * 100).toFixed(1)}% of a core (four charts redrawn 4 times a second, software rendering).`,
            "The dashboard reads metrics.json and the segment sizes; it never opens the writer's files for writing or takes its lock, so any slowdown is competition for CPU on this shared 2-core machine, not coupling.",
          ],
        },
      ],
    };
  } finally {
    await browser.close();
    rmrf(work);
  }
}
