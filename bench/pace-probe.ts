/**
 * A probe of a paced replay's lateness (issue 16, the 1000x pacing row), not a benchmark: runs
 * `tapedeck replay DIR --speed 1000 --stats -o /dev/null [more args]` in this process, through the
 * CLI's own main(), and records, for the replay after the clock starts:
 * - every pass (each scheduled call of the Replayer): when it was asked for and for what delay
 *   (its due instant), when it ran, for how long, how many items it delivered, and what the feed
 *   held;
 * - every item's lateness (the value the Replayer's lag tally takes);
 * - the main thread's GCs (PerformanceObserver 'gc'), the read-ahead worker's batch arrivals, and
 *   the times the feed ran dry;
 * - with PROBE_THREADS=1, every thread's CPU time and run-queue wait (/proc/self/task/<tid>/schedstat,
 *   fields 1 and 2, read through descriptors kept open) at the start of each pass: for a late pass
 *   it tells a main thread waiting for a core (runnable, not running: other threads or processes
 *   held both cores) from one that was blocked on something (sleeping), and which threads ran;
 *   at the end, each thread's CPU over the replay with its name (V8's helper threads are the first
 *   four after the main thread, libuv's pool the next four once a file is written, the read-ahead
 *   worker the last, ~0.9 s).
 *
 * It wraps the real scheduler's schedule, LineFeed's emit/receive/waiting and HistogramTally's add
 * on their prototypes (so its own timings include a few wrapper calls per item); nothing in src/
 * reads the wall clock for it. Prints, to stderr, the replay's --stats line, how many items were
 * later than 5 and 10 ms and when, and every pass later than PROBE_LATE_MS (default 5) with what
 * overlapped it. Linux only for the thread figures. Run it under `chrt -f 10` to keep other
 * processes' load out (and say so when quoting it).
 *
 *   node dist/bench/pace-probe.js DIR [extra replay args]
 */
import * as fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { main } from '../src/cli/cli.js';
import { processIo } from '../src/cli/io.js';
import { LineFeed } from '../src/replay/line-feed.js';
import { Replayer } from '../src/replay/replayer.js';
import { realtimeScheduler } from '../src/replay/scheduler.js';
import { HistogramTally } from '../src/util/histogram-tally.js';

type Fn = (...a: unknown[]) => unknown;
/** The prototype's method, to wrap (private ones included). */
const method = (proto: object, name: string): Fn => (proto as Record<string, Fn>)[name]!;
const setMethod = (proto: object, name: string, f: Fn): void => {
  (proto as Record<string, Fn>)[name] = f;
};

const PASSES_MAX = 400_000;
const tCall = new Float64Array(PASSES_MAX);
const delay = new Float64Array(PASSES_MAX);
const tRun = new Float64Array(PASSES_MAX);
const tEnd = new Float64Array(PASSES_MAX);
const items = new Int32Array(PASSES_MAX);
const held = new Int32Array(PASSES_MAX);
let passes = 0;
let emitted = 0;
const lags = new Float64Array(2_000_000);
let nLags = 0;
const arrivals: [number, number][] = [];
const dry: number[] = [];
const gcs: [number, number, number][] = [];
const threads = process.env.PROBE_THREADS === '1';
const samples: number[][] = [];
const fds = new Map<string, number>();
let listedAt = -Infinity;
const readBuf = Buffer.alloc(256);
let feed: LineFeed | null = null;
let active = false;

/** [time, tid, cpu ns, wait ns, tid, ...] of every thread now. */
function sample(t: number): void {
  if (t - listedAt > 20) {
    listedAt = t;
    for (const tid of fs.readdirSync('/proc/self/task')) {
      if (fds.has(tid)) continue;
      try {
        fds.set(tid, fs.openSync(`/proc/self/task/${tid}/schedstat`, 'r'));
      } catch {
        // gone already
      }
    }
  }
  const out = [t];
  for (const [tid, fd] of fds) {
    let n: number;
    try {
      n = fs.readSync(fd, readBuf, 0, 256, 0);
    } catch {
      fds.delete(tid);
      continue;
    }
    const f = readBuf.toString('latin1', 0, n).split(' ');
    out.push(Number(tid), Number(f[0]), Number(f[1]));
  }
  samples.push(out);
}

const schedule = realtimeScheduler.schedule.bind(realtimeScheduler);
(realtimeScheduler as { schedule: Fn }).schedule = function (work: unknown, d = 0, state?: unknown) {
  const w = work as (this: unknown, s: unknown) => void;
  if (!active || passes >= PASSES_MAX) return schedule(w, d as number, state);
  const k = passes++;
  tCall[k] = performance.now();
  delay[k] = d as number;
  return schedule(
    function (this: unknown, s: unknown) {
      tRun[k] = performance.now();
      const before = emitted;
      held[k] = feed !== null ? feed.held() : -1;
      if (threads) sample(tRun[k]!);
      w.call(this, s);
      tEnd[k] = performance.now();
      items[k] = emitted - before;
    },
    d as number,
    state,
  );
} as Fn;
const emit = method(LineFeed.prototype, 'emit');
setMethod(LineFeed.prototype, 'emit', function (this: LineFeed, item: unknown) {
  emitted++;
  return emit.call(this, item);
});
const receive = method(LineFeed.prototype, 'receive');
setMethod(LineFeed.prototype, 'receive', function (this: LineFeed, m: unknown) {
  feed = this;
  const msg = m as { kind: string; batch?: { n: number } };
  if (active) arrivals.push([performance.now(), msg.kind === 'batch' ? msg.batch!.n : -1]);
  return receive.call(this, m);
});
const waiting = method(LineFeed.prototype, 'waiting');
setMethod(LineFeed.prototype, 'waiting', function (this: LineFeed) {
  const r = waiting.call(this);
  if (r !== null && active) dry.push(performance.now());
  return r;
});
const add = method(HistogramTally.prototype, 'add');
setMethod(HistogramTally.prototype, 'add', function (this: HistogramTally, v: unknown) {
  if (active && nLags < lags.length) lags[nLags++] = v as number;
  return add.call(this, v);
});
// Each start (a rehearsal's, then the replay's) starts the record over: the last one is the replay.
const start = method(Replayer.prototype, 'start');
setMethod(Replayer.prototype, 'start', function (this: Replayer, ...a: unknown[]) {
  active = true;
  passes = emitted = nLags = 0;
  arrivals.length = dry.length = gcs.length = samples.length = 0;
  return start.apply(this, a);
});
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcs.push([e.startTime, e.duration, (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0]);
}).observe({ entryTypes: ['gc'] });

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node dist/bench/pace-probe.js DIR [extra replay args]\n');
  process.exit(2);
}
const code = await main(['replay', dir, '--speed', '1000', '--stats', '-o', '/dev/null', ...process.argv.slice(3)], processIo());

const say = (s: string): void => void process.stderr.write(`${s}\n`);
const t0 = tCall[0] ?? 0;
const at = (t: number): string => (t - t0).toFixed(1);
let over5 = 0;
let over10 = 0;
const byWindow = new Map<string, number>();
const windows: [string, number][] = [['[0,0.1s)', 100], ['[0.1,0.5s)', 500], ['[0.5,1s)', 1000], ['[1,2s)', 2000], ['[2s,end)', Infinity]];
for (let i = 0; i < nLags; i++) {
  const ms = lags[i]! / 1e6;
  if (ms > 10) over10++;
  if (ms <= 5) continue;
  over5++;
  // At 1000x of ~300 events/s an item's index says roughly when it was due: i / 300 ms.
  const w = windows.find(([, end]) => i / 300 < end)![0];
  byWindow.set(w, (byWindow.get(w) ?? 0) + 1);
}
say(`probe: ${passes} passes, ${emitted} items; items later than 5 ms: ${over5} (p99 needs < ${Math.floor(nLags / 100)}), later than 10 ms: ${over10}; the first by when due: ${windows.map(([w]) => `${w} ${byWindow.get(w) ?? 0}`).join(', ')}; feed ran dry ${dry.length} times`);
const lateMs = Number(process.env.PROBE_LATE_MS ?? 5);
for (let k = 0; k < passes; k++) {
  const due = tCall[k]! + delay[k]!;
  const late = tRun[k]! - due;
  if (!(late > lateMs)) continue;
  say(`late pass #${k} at ${at(tRun[k]!)} ms: due ${at(due)}, ran ${late.toFixed(2)} ms late for ${(tEnd[k]! - tRun[k]!).toFixed(2)} ms, ${items[k]} items, ${held[k]} held; the pass before ended at ${k > 0 ? at(tEnd[k - 1]!) : '-'}`);
  const lo = k > 0 ? tRun[k - 1]! : due;
  for (const [t, d, kind] of gcs) if (t + d > lo && t < tRun[k]!) say(`   main-thread GC (kind ${kind}) at ${at(t)} for ${d.toFixed(2)} ms`);
  for (const [t, n] of arrivals) if (t > lo && t <= tRun[k]! + 0.5) say(`   batch of ${n} arrived at ${at(t)}`);
  for (const t of dry) if (t > lo && t <= tRun[k]!) say(`   feed ran dry at ${at(t)}`);
  if (threads) {
    let a: number[] | undefined;
    for (const s of samples) if (s[0]! <= lo + 1e-9) a = s;
    const b = samples.find((s) => s[0]! >= tRun[k]!);
    if (a !== undefined && b !== undefined) {
      const before = new Map<number, [number, number]>();
      for (let i = 1; i < a.length; i += 3) before.set(a[i]!, [a[i + 1]!, a[i + 2]!]);
      const parts: string[] = [];
      for (let i = 1; i < b.length; i += 3) {
        const [cpu, wait] = before.get(b[i]!) ?? [0, 0];
        const ran = (b[i + 1]! - cpu) / 1e6;
        const waited = (b[i + 2]! - wait) / 1e6;
        const span = b[0]! - a[0]!;
        if (ran > 0.2 || waited > 0.2) parts.push(b[i] === process.pid ? `MAIN ran ${ran.toFixed(1)} waited ${waited.toFixed(1)} slept ${(span - ran - waited).toFixed(1)}` : `${b[i]} ran ${ran.toFixed(1)} waited ${waited.toFixed(1)}`);
      }
      say(`   threads over ${(b[0]! - a[0]!).toFixed(1)} ms (ms of CPU / of waiting for one): ${parts.join('; ')}`);
    }
  }
}
if (threads && samples.length > 0) {
  // Which thread is which: each thread's CPU over the replay, with its kernel name (main first).
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const at0 = new Map<number, number>();
  for (let i = 1; i < first.length; i += 3) at0.set(first[i]!, first[i + 1]!);
  const parts: string[] = [];
  for (let i = 1; i < last.length; i += 3) {
    const tid = last[i]!;
    let comm = '?';
    try {
      comm = fs.readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim();
    } catch {
      // gone
    }
    parts.push(`${tid === process.pid ? 'MAIN' : tid} (${comm}) ${((last[i + 1]! - (at0.get(tid) ?? 0)) / 1e6).toFixed(0)} ms`);
  }
  say(`threads' CPU over the replay: ${parts.join('; ')}`);
}
const replayGcs = gcs.filter(([t]) => t >= t0);
say(`main-thread GCs after the clock start: ${replayGcs.length}, longest ${Math.max(0, ...replayGcs.map(([, d]) => d)).toFixed(2)} ms`);
process.exitCode = code;
