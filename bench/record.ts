/**
 * Issue 4: ingest. Events/s recorded from a canonical JSONL file through the CLI
 * (`tapedeck record --input FILE --clock source`, end to end: process start, JSON parsing,
 * validation, encoding, the log), beside better-sqlite3 and a JSONL append doing the same ingest
 * in their own processes, and the library Recorder in-process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { CHILD } from './log.js';
import { tickStream, writeJsonlEvents } from './data.js';
import {
  CONFIG,
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
  target,
  ROOT,
  rmrf,
  scratch,
  type SectionResult,
} from './table.js';

const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Timed {
  ms: number;
  events: number;
}

function timedSpawn(args: string[], countFrom: (stdout: string) => number): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
  return { ms, events: countFrom(r.stdout) };
}

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON summary on stdout: ${stdout.slice(0, 200)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

export async function benchRecord(): Promise<SectionResult> {
  const N = CONFIG.records;
  const RUNS = CONFIG.runs;
  const work = scratch('record');
  const input = path.join(work, 'ticks.jsonl');
  const inputBytes = writeJsonlEvents(input, tickStream(N));
  log(`record: ${fmtCount(N)} events, ${fmtBytes(inputBytes)} of canonical JSONL`);

  const cliOk = fs.existsSync(CLI);
  type Row = { cli: Timed | string; lib: Timed | string; sqlite: Timed; jsonl: Timed };
  const rows: Row[] = [];
  for (let r = 0; r < RUNS; r++) {
    log(`record: run ${r + 1}/${RUNS}`);
    let cli: Timed | string;
    const cdir = path.join(work, `cli-${r}`);
    try {
      if (!cliOk) throw new Error('dist/src/cli/main.js is not built');
      cli = timedSpawn([CLI, 'record', cdir, '--input', input, '--clock', 'source', '--durability', 'batched', '--json'], (out) => {
        const s = lastJson(out);
        const ev = Number(s.events);
        if (!(ev >= N)) throw new Error(`the CLI recorded ${String(s.events)} events, expected ${N}`);
        return ev;
      });
    } catch (e) {
      cli = (e as Error).message;
    }
    rmrf(cdir);

    let lib: Timed | string;
    const ldir = path.join(work, `lib-${r}`);
    try {
      const Rec = await importSrc('src/record/recorder.js');
      need(Rec, 'src/record/recorder', 'Recorder');
      const t0 = process.hrtime.bigint();
      const rec = await Rec.Recorder.open(ldir, { clock: 'source', durability: 'batched', deterministic: true, runId: 'bench-ingest', source: 'bench', onWarning: () => {} });
      const rl = readline.createInterface({ input: fs.createReadStream(input, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
      let k = 0;
      for await (const line of rl) {
        rec.writeLine(line);
        // Yield now and then so the log's batched flushes run, as the CLI's stream does.
        if ((++k & 1023) === 0) await new Promise((res) => setImmediate(res));
      }
      const sum = await rec.close();
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      lib = { ms, events: Number(sum.events) };
    } catch (e) {
      lib = (e as Error).message;
    }
    rmrf(ldir);

    const sdb = path.join(work, `peer-${r}.sqlite`);
    const sqlite = timedSpawn([CHILD, 'ingest-sqlite', input, sdb], (o) => Number(lastJson(o).events));
    rmrf(sdb);
    rmrf(sdb + '-wal');
    rmrf(sdb + '-shm');
    const jout = path.join(work, `peer-${r}.jsonl`);
    const jsonl = timedSpawn([CHILD, 'ingest-jsonl', input, jout], (o) => Number(lastJson(o).events));
    rmrf(jout);
    rows.push({ cli, lib, sqlite, jsonl });
  }
  rmrf(work);

  const rate = (t: Timed): number => (t.events / t.ms) * 1000;
  const medRate = (get: (r: Row) => Timed | string): number | string => {
    const ok = rows.map(get).filter((x): x is Timed => typeof x !== 'string');
    if (ok.length === 0) return (get(rows[0]!) as string).slice(0, 200);
    return med(ok, rate);
  };
  const cli = medRate((r) => r.cli);
  const lib = medRate((r) => r.lib);
  const sq = medRate((r) => r.sqlite) as number;
  const jl = medRate((r) => r.jsonl) as number;
  const show = (x: number | string): string => (typeof x === 'number' ? fmtRate(x, 'ev/s') : NOT_MEASURED(x));
  const rat = (x: number | string, peer: number): string => (typeof x === 'number' ? ratio(x, peer) : '–');
  const mbps = (x: number | string): string => (typeof x === 'number' ? `${((x * inputBytes) / N / 1e6).toFixed(1)} MB/s of JSONL` : '–');
  return {
    id: 'record',
    title: 'Record ingest (issue 4)',
    intro: `${fmtCount(N)} tick events as canonical JSONL (${fmtBytes(inputBytes)}), ingested with the source clock and batched durability. Process rows are timed from spawn to exit (Node start-up of ~${fmtMs(40)}–${fmtMs(80)} included); median of ${RUNS} runs.`,
    tables: [
      {
        header: ['ingest', 'events/s', 'input rate', 'tapedeck CLI ÷ this', 'library ÷ this', 'target'],
        rows: [
          [
            '`tapedeck record DIR --input FILE --clock source --json` (process)',
            show(cli),
            mbps(cli),
            typeof cli === 'number' ? '1.00×' : '–',
            rat(lib, typeof cli === 'number' ? cli : NaN),
            typeof cli === 'number' ? target(cli >= 3 * sq, `≥ 3× the sqlite ingest (issue 16): ${ratio(cli, sq)}`) : '–',
          ],
          ['library: `Recorder.writeLine` per line from readline (in-process)', show(lib), mbps(lib), rat(cli, typeof lib === 'number' ? lib : NaN), typeof lib === 'number' ? '1.00×' : '–'],
          ['better-sqlite3 WAL NORMAL: JSON.parse, one row per event, txn per 1000 (process)', show(sq), mbps(sq), rat(cli, sq), rat(lib, sq)],
          ['JSONL append: JSON.parse, re-serialize, fdatasync per 1000 lines (process)', show(jl), mbps(jl), rat(cli, jl), rat(lib, jl)],
        ],
        notes: [
          'tapedeck validates every event against its schema, stamps it and encodes canonical MessagePack; the peers only check the type and ts fields (sqlite keeps the raw JSON line as the payload), so they do less work per event.',
          'tapedeck CLI recordings also write session-start / session-end events.',
        ],
      },
    ],
  };
}
