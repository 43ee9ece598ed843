/**
 * Issue 5: max-speed replay to a counting subscriber (beside better-sqlite3 and JSONL scans of the
 * same events and raw msgpackr decode, the ceiling), real-time fidelity at 10x / 100x / 1000x, and
 * RSS while replaying a large recording at max speed (in a fresh child process).
 *
 * The replayer and the bus are loaded without a compile-time dependency (see importSrc).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { unpack as rawUnpack } from 'msgpackr';
import { lastValueFrom } from 'rxjs';
import seedrandom from 'seedrandom';
import { decodePayload, encodeEvent, type TapeEvent, type TickEvent } from '../src/events/index.js';
import { openEventLog, writeEvent } from '../src/events/recording.js';
import { CHILD } from './log.js';
import { makeTick, payloadPool, POOL_MASK, T0, TICK_TAG, tickStream, tsOf, writeJsonlEvents } from './data.js';
import { openSqlite } from './peers.js';
import {
  CONFIG,
  dirBytes,
  fmtBytes,
  fmtCount,
  fmtMs,
  fmtRate,
  importSrc,
  log,
  med,
  need,
  NOT_MEASURED,
  ratio,
  rmrf,
  scratch,
  type SectionResult,
  type Table,
} from './table.js';

/** Writes `events` into a new recording at `dir` (batched), returning the count. */
export async function writeRecording(dir: string, events: Iterable<TapeEvent>): Promise<number> {
  const lg = await openEventLog(dir, { durability: 'batched' });
  let n = 0;
  for (const ev of events) {
    writeEvent(lg, ev);
    if ((++n & 1023) === 0) await new Promise((r) => setImmediate(r));
  }
  await lg.close();
  return n;
}

/** Replays `dir` onto a fresh bus at `speed`, counting events; returns wall ms and the lag summary. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function replayCount(R: any, B: any, dir: string, speed: number | 'max'): Promise<{ ms: number; events: number; lag: { p50Ms: number; p99Ms: number; maxMs: number; count: number } }> {
  const bus = new B.EventBus();
  let n = 0;
  bus.subscribe(() => {
    n++;
  });
  const rp = new R.Replayer(dir, bus);
  const t0 = process.hrtime.bigint();
  await lastValueFrom(rp.start({ speed }), { defaultValue: undefined });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const lag = rp.progress$.value.lag;
  return { ms, events: n, lag };
}

/** A session of `seconds` of ticks at ~`rate`/s with irregular (exponential) arrivals. */
export function* sessionEvents(seconds: number, rate: number, seed: string): Generator<TickEvent> {
  const rng = seedrandom(seed);
  const end = T0 + BigInt(Math.round(seconds * 1e9));
  let ts = T0;
  const meanGapNs = 1e9 / rate;
  while (ts <= end) {
    yield makeTick(rng, ts);
    ts += BigInt(Math.max(1, Math.round(-Math.log(1 - rng()) * meanGapNs)));
  }
}

export async function benchReplay(): Promise<SectionResult> {
  const N = CONFIG.records;
  const RUNS = CONFIG.runs;
  const R = await importSrc('src/replay/index.js');
  const B = await importSrc('src/bus/index.js');
  need(R, 'src/replay', 'Replayer');
  need(B, 'src/bus', 'EventBus');
  const tables: Table[] = [];
  const work = scratch('replay');

  // ---- max speed ----
  log(`replay: building ${fmtCount(N)}-event recording, sqlite and JSONL copies`);
  const recDir = path.join(work, 'rec');
  await writeRecording(recDir, tickStream(N));
  const jsonl = path.join(work, 'events.jsonl');
  writeJsonlEvents(jsonl, tickStream(N));
  const dbFile = path.join(work, 'events.sqlite');
  {
    const db = openSqlite(dbFile, 'async');
    const ins = db.prepare('INSERT INTO rec (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
    const tx = db.transaction((evs: TickEvent[], base: number) => {
      for (let k = 0; k < evs.length; k++) {
        const e = encodeEvent(evs[k]!);
        ins.run(base + k, e.tsNs, e.type, e.payload);
      }
    });
    let batch: TickEvent[] = [];
    let base = 0;
    for (const ev of tickStream(N)) {
      batch.push(ev);
      if (batch.length === 1000) {
        tx(batch, base);
        base += batch.length;
        batch = [];
      }
    }
    if (batch.length) tx(batch, base);
    db.close();
  }
  // The ceiling's payloads: the same bytes, [len][payload] in one Buffer.
  const framed: Buffer[] = [];
  for (const ev of tickStream(N)) {
    const p = encodeEvent(ev).payload;
    const b = Buffer.allocUnsafe(4 + p.length);
    b.writeUInt32LE(p.length, 0);
    p.copy(b, 4);
    framed.push(b);
  }
  const ceilBuf = Buffer.concat(framed);
  framed.length = 0;

  interface MaxRun {
    replay: number;
    sqlite: number;
    sqliteDecode: number;
    jsonl: number;
    ceiling: number;
  }
  const runs: MaxRun[] = [];
  let replayed = 0;
  for (let r = 0; r < RUNS; r++) {
    log(`replay: max speed run ${r + 1}/${RUNS}`);
    const rr = await replayCount(R, B, recDir, 'max');
    replayed = rr.events;
    const db = new Database(dbFile, { readonly: true });
    const plain = db.prepare('SELECT seq, ts, type, payload FROM rec ORDER BY seq');
    const st = db.prepare('SELECT seq, ts, type, payload FROM rec ORDER BY seq').safeIntegers(true);
    let n = 0;
    let t0 = process.hrtime.bigint();
    for (const row of plain.iterate() as IterableIterator<{ seq: number; ts: number; type: number; payload: Buffer }>) n += row.payload.length > 0 ? 1 : 0;
    const sqMs = Number(process.hrtime.bigint() - t0) / 1e6;
    t0 = process.hrtime.bigint();
    for (const row of st.iterate() as IterableIterator<{ seq: bigint; ts: bigint; type: bigint; payload: Buffer }>) {
      n += decodePayload(Number(row.type), row.payload, Number(row.seq), row.ts).type === 'tick' ? 1 : 0;
    }
    const sqDecMs = Number(process.hrtime.bigint() - t0) / 1e6;
    db.close();
    t0 = process.hrtime.bigint();
    const rl = readline.createInterface({ input: fs.createReadStream(jsonl, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of rl) n += (JSON.parse(line) as { type: string }).type === 'tick' ? 1 : 0;
    const jlMs = Number(process.hrtime.bigint() - t0) / 1e6;
    t0 = process.hrtime.bigint();
    for (let off = 0; off < ceilBuf.length; ) {
      const len = ceilBuf.readUInt32LE(off);
      n += (rawUnpack(ceilBuf.subarray(off + 4, off + 4 + len)) as unknown[]).length > 0 ? 1 : 0;
      off += 4 + len;
    }
    const ceMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (n < 0) log('');
    const rate = (ms: number): number => (N / ms) * 1000;
    runs.push({ replay: rate(rr.ms), sqlite: rate(sqMs), sqliteDecode: rate(sqDecMs), jsonl: rate(jlMs), ceiling: rate(ceMs) });
  }
  const m = {
    replay: med(runs, (x) => x.replay),
    sqlite: med(runs, (x) => x.sqlite),
    sqliteDecode: med(runs, (x) => x.sqliteDecode),
    jsonl: med(runs, (x) => x.jsonl),
    ceiling: med(runs, (x) => x.ceiling),
  };
  tables.push({
    caption: `Max-speed replay of ${fmtCount(N)} tick events to a counting subscriber, in this (warm) bench process (median of ${RUNS} runs; the fresh-process figure and its verdict are in the Goals section)`,
    header: ['reader', 'events/s', 'replay ÷ this', 'note'],
    rows: [
      [
        'tapedeck `Replayer` (speed max) → `EventBus` → counting subscriber',
        fmtRate(m.replay, 'ev/s'),
        '1.00×',
        'JIT-warm process: not the goal figure (see Goals)',
      ],
      ['better-sqlite3 `SELECT … ORDER BY seq` iterate (rows in the default number mode, no decoding)', fmtRate(m.sqlite, 'ev/s'), ratio(m.replay, m.sqlite), ''],
      ['better-sqlite3 scan (int64 as bigint) + `decodePayload` per row (the same events)', fmtRate(m.sqliteDecode, 'ev/s'), ratio(m.replay, m.sqliteDecode), ''],
      ['JSONL (canonical JSON) readline + JSON.parse', fmtRate(m.jsonl, 'ev/s'), ratio(m.replay, m.jsonl), ''],
      ['reference only, no verdict: raw msgpackr `unpack` of the same payloads in memory', fmtRate(m.ceiling, 'ev/s'), ratio(m.replay, m.ceiling), ''],
    ],
    notes: [`The replay delivered ${fmtCount(replayed)} events (decoded, merged, published on the bus). These runs share one process that has already run other work, so the JIT is warm: the Goals section measures the same replay in fresh processes against peers that store JSON text.`],
  });
  rmrf(work);

  // ---- real-time fidelity ----
  const RATE = 300;
  const plan: { speed: number; seconds: number }[] = CONFIG.full
    ? [10, 100, 1000].map((speed) => ({ speed, seconds: 3600 }))
    : [
        { speed: 10, seconds: 180 },
        { speed: 100, seconds: 1800 },
        { speed: 1000, seconds: 3600 },
      ];
  const fidRows: string[][] = [];
  for (const p of plan) {
    const fdir = scratch(`fidelity-${p.speed}`);
    const n = await writeRecording(fdir, sessionEvents(p.seconds, RATE, `fidelity-${p.seconds}`));
    const first = T0;
    let last = T0;
    for (const ev of sessionEvents(p.seconds, RATE, `fidelity-${p.seconds}`)) last = ev.ts;
    const idealMs = Number(last - first) / 1e6 / p.speed;
    // Long runs once; short ones (≤ 10 s each) take the median of BENCH_RUNS.
    const reps = idealMs > 10_000 ? 1 : RUNS;
    log(`replay: fidelity ${p.speed}x over ${p.seconds} s (${fmtCount(n)} events, ideal ${fmtMs(idealMs)}, ${reps} run(s))`);
    const rs = [];
    for (let r = 0; r < reps; r++) rs.push(await replayCount(R, B, fdir, p.speed));
    rmrf(fdir);
    const wall = med(rs, (x) => x.ms);
    const dev = ((wall - idealMs) / idealMs) * 100;
    const p99 = med(rs, (x) => x.lag.p99Ms);
    fidRows.push([
      `${p.speed}x`,
      `${p.seconds >= 3600 ? `${p.seconds / 3600} h` : `${p.seconds / 60} min`} · ${fmtCount(n)} events${reps === 1 ? ' · 1 run' : ` · median of ${reps}`}`,
      fmtMs(idealMs),
      fmtMs(wall),
      `${dev >= 0 ? '+' : ''}${dev.toFixed(2)}%`,
      `${fmtMs(med(rs, (x) => x.lag.p50Ms))} / ${fmtMs(p99)} / ${fmtMs(med(rs, (x) => x.lag.maxMs))}`,
      p.speed === 1000 ? 'JIT-warm process: see Goals for the fresh-process verdict' : '–',
    ]);
  }
  tables.push({
    caption: `Real-time fidelity: a session of ~${RATE} ticks/s (exponential arrivals) replayed with the real clock`,
    header: ['speed', 'session', 'ideal wall time', 'measured', 'vs ideal', 'lag p50 / p99 / max', 'note'],
    rows: fidRows,
    notes: [
      CONFIG.full
        ? 'BENCH_FULL=1: every speed replays the full one-hour session.'
        : 'Quick run (no BENCH_FULL): 10x replays a 3-minute session and 100x a 30-minute session (18 s each) instead of the full hour (6 min and 36 s); 1000x replays the full hour. Run with BENCH_FULL=1 for the full-hour figures at every speed.',
      'Ideal = (last ts − first ts) / speed; the first event is due at once. Lag is the replayer\'s own HDR histogram (how late each event was published vs its due time, both on the scheduler\'s clock).',
      'The replayer runs on its default scheduler, `realtimeScheduler`: a sub-millisecond clock, zero-delay yields through setImmediate and waits through setTimeout (so an event due within the next millisecond may wait up to about 1 ms).',
    ],
  });

  // ---- RSS of a large replay ----
  const big = Math.round(CONFIG.gib * 2 ** 30);
  const bigDir = scratch('replay-big');
  log(`replay: filling ${fmtBytes(big)} for the RSS run`);
  {
    const { payloads } = payloadPool();
    const lg = await openEventLog(bigDir, { durability: 'async' });
    let i = 0;
    for (;;) {
      for (let k = 0; k < 65536; k++, i++) lg.write(TICK_TAG, tsOf(i), payloads[i & POOL_MASK]!);
      if (lg.stats().bytes >= big) break;
      await new Promise((r) => setImmediate(r));
    }
    await lg.close();
  }
  const bigBytes = dirBytes(bigDir);
  const rssRuns: { ms: number; events: number; maxRssKiB: number; peakSampledRss: number }[] = [];
  // One run: a peak is not a rate (little noise), and a 1 GiB replay takes a while on this machine.
  const RSS_RUNS = 1;
  for (let r = 0; r < RSS_RUNS; r++) {
    log(`replay: RSS run ${r + 1}/${RSS_RUNS}`);
    const out = spawnFresh([CHILD, 'replay-rss', bigDir]);
    if (out.status !== 0) {
      rmrf(bigDir);
      tables.push({ header: ['measurement', 'result'], rows: [['RSS replaying a large recording', NOT_MEASURED(`child failed: ${out.stderr.split('\n').find((l) => l.includes('Error')) ?? out.status}`)]] });
      return section(tables, RUNS);
    }
    rssRuns.push(JSON.parse(out.stdout.trim().split('\n').pop()!));
  }
  rmrf(bigDir);
  const rss = med(rssRuns, (x) => x.maxRssKiB) * 1024;
  tables.push({
    caption: `Memory: replaying a ${fmtBytes(bigBytes)} recording at max speed in a fresh process (1 run)`,
    header: ['events', 'replay rate', 'peak RSS (getrusage maxrss)', 'peak RSS sampled every 50 ms', 'note'],
    rows: [
      [
        fmtCount(rssRuns[0]!.events),
        fmtRate((rssRuns[0]!.events / med(rssRuns, (x) => x.ms)) * 1000, 'ev/s'),
        fmtBytes(rss),
        fmtBytes(med(rssRuns, (x) => x.peakSampledRss)),
        `at ${fmtBytes(bigBytes)}; the 4 GiB verdict is in Goals`,
      ],
    ],
    notes: [
      'maxrss includes Node itself (about 40–50 MB for an empty process with these modules loaded).',
      'The child is started through a shell that forks it: on Linux, a process spawned straight from the bench inherits the bench\'s own peak RSS in its maxrss (the high-water mark of the image it replaced at exec).',
    ],
  });
  return section(tables, RUNS);
}

/**
 * Runs `node args…` in a process whose getrusage maxrss is its own. Linux keeps the high-water
 * RSS of the image a process replaces at exec (the forked copy of its parent) in ru_maxrss, so a
 * child spawned straight from this bench process reports at least the bench's own RSS at the
 * time of the spawn. Through a shell that forks the child (the command is not the shell's last,
 * so it is not exec'd in place), the child is forked from a small process instead.
 */
function spawnFresh(args: string[]): ReturnType<typeof spawnSync> & { stdout: string; stderr: string } {
  const opts = { encoding: 'utf8' as const, maxBuffer: 1 << 20 };
  if (process.platform === 'linux' && fs.existsSync('/bin/sh')) {
    return spawnSync('/bin/sh', ['-c', '"$0" "$@"; s=$?; exit $s', process.execPath, ...args], opts);
  }
  return spawnSync(process.execPath, args, opts);
}

function section(tables: Table[], runs: number): SectionResult {
  return {
    id: 'replay',
    title: 'Replay (issue 5)',
    intro: `The \`Replayer\` publishing onto the \`EventBus\`; medians of ${runs} runs unless a row says otherwise.`,
    tables,
  };
}
