/**
 * `npm run bench`: runs every benchmark section, each measurement repeated BENCH_RUNS times
 * (medians in the tables), and rewrites bench/README.md (keeping its hand-written intro).
 *
 * Knobs (environment):
 *   BENCH_RECORDS=1000000  records per throughput run (tick payloads of ~46 B)
 *   BENCH_GIB=1            size of the seek / open / RSS logs (0.25 for a quick run)
 *   BENCH_RUNS=3           repetitions of each measurement
 *   BENCH_FULL=1           the long real-time fidelity runs (1-hour session at 10x = 6 minutes)
 *   BENCH_RSS_GIB=4        size of the recording of the goals section's peak-RSS rows
 *   BENCH_ONLY=log,codec   a subset of: goals, log, log-ab, codec, record, replay, roundtrip, backtest, ui, sweep, nats, vendor, keyframes, profile
 *   BENCH_KF_GIB=1         size of the keyframes section's L2 recording (default BENCH_GIB)
 *   BENCH_KF_BUDGET_S=120  seconds for the keyframes section's seeks that rebuild from the start (at least one)
 *   BENCH_KF_EVERY_EVENTS=1000  keyframe spacing in book events for the keyframes section's seeks
 *   BENCH_KF_CACHE=dir     where the keyframes section keeps its recording + keyframes between runs
 *                          (default bench/out/cache); BENCH_KF_FRESH=1 writes them again
 *   BENCH_NATS_EVENTS=200000  events of the NATS section's recording
 *   BENCH_AB_REV=5afac9f   the base revision of the log-ab section (built under bench/out/ab/)
 *   BENCH_AB_HEAD=<rev>    its head revision (default: this checkout's dist/)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileURLToPath } from 'node:url';
import {
  CONFIG,
  fmtBytes,
  fmtCount,
  log,
  machineLine,
  NOT_MEASURED,
  OUT_DIR,
  readOldHeader,
  renderSection,
  writeReadme,
  type SectionResult,
} from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

interface SectionDef {
  id: string;
  title: string;
  /** Module (relative to dist/bench) and export to call. */
  module: string;
  fn: string;
}

/** In README order. Modules are loaded lazily so one broken section cannot stop the others. */
const SECTIONS: SectionDef[] = [
  { id: 'goals', title: 'Goals (issue 16): event-level headline figures', module: 'goals.js', fn: 'benchGoals' },
  { id: 'log', title: 'Write-ahead log (issue 2)', module: 'log.js', fn: 'benchLog' },
  { id: 'log-ab', title: 'Log A/B (issue 12)', module: 'log-ab.js', fn: 'benchLogAb' },
  { id: 'codec', title: 'Event codec (issue 3)', module: 'codec.js', fn: 'benchCodec' },
  { id: 'record', title: 'Record ingest (issue 4)', module: 'record.js', fn: 'benchRecord' },
  { id: 'replay', title: 'Replay (issue 5)', module: 'replay.js', fn: 'benchReplay' },
  { id: 'roundtrip', title: 'Replay round trip (issue 6)', module: 'roundtrip.js', fn: 'benchRoundtrip' },
  { id: 'backtest', title: 'Backtest (issue 7)', module: 'backtest.js', fn: 'benchBacktest' },
  { id: 'ui', title: 'Browser UI (issue 17)', module: 'ui.js', fn: 'benchUi' },
  { id: 'sweep', title: 'Backtest sweeps (issue 19)', module: 'sweep.js', fn: 'benchSweep' },
  { id: 'nats', title: 'NATS: fan-out, latency, JetStream recording (issue 18)', module: 'nats.js', fn: 'benchNats' },
  { id: 'vendor', title: 'Vendor files: DBN import and export (issue 14)', module: 'vendor.js', fn: 'benchVendor' },
  { id: 'keyframes', title: 'Keyframes and snapshots (issue 15)', module: 'keyframes.js', fn: 'benchKeyframes' },
  { id: 'profile', title: 'Profile: where the log spends its time', module: 'profile.js', fn: 'benchProfile' },
  { id: 'startup', title: 'CLI start-up (issue 13)', module: 'startup.js', fn: 'benchStartup' },
];

function failed(def: SectionDef, err: unknown): SectionResult {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    id: def.id,
    title: def.title,
    tables: [{ header: ['measurement', 'result'], rows: [['whole section', NOT_MEASURED(msg.split('\n')[0]!.slice(0, 300))]] }],
  };
}

async function main(): Promise<void> {
  const unknown = CONFIG.only.filter((id) => !SECTIONS.some((s) => s.id === id));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')} (known: ${SECTIONS.map((s) => s.id).join(', ')})`);
  const chosen = SECTIONS.filter((s) => CONFIG.only.length === 0 || CONFIG.only.includes(s.id));
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const started = new Date();
  const load0 = os.loadavg();
  const fresh = new Map<string, string>();
  // A partial run (BENCH_ONLY) keeps the header of the full run it patches, plus a line saying
  // which sections were re-measured, when and how.
  // Earlier partial re-run lines stay, except those of sections measured again now.
  const oldHeader =
    CONFIG.only.length > 0
      ? readOldHeader()
          .split('\n')
          .filter((line) => {
            const m = /^\| partial re-run \|.* re-measured ([a-z0-9, -]+) \(/.exec(line);
            return !m || !m[1]!.split(',').every((id) => CONFIG.only.includes(id.trim()));
          })
          .join('\n')
      : '';
  const timings: string[] = [];
  log(`config: ${JSON.stringify(CONFIG)}`);
  for (const def of chosen) {
    const t0 = Date.now();
    log(`=== ${def.id}`);
    let res: SectionResult;
    try {
      const mod = (await import(pathToFileURL(path.join(HERE, def.module)).href)) as Record<string, unknown>;
      const fn = mod[def.fn];
      if (typeof fn !== 'function') throw new Error(`${def.module} has no ${def.fn}()`);
      res = await (fn as () => Promise<SectionResult>)();
    } catch (err) {
      log(`${def.id} failed: ${err instanceof Error ? err.stack : String(err)}`);
      res = failed(def, err);
    }
    const secs = (Date.now() - t0) / 1000;
    timings.push(`${def.id} ${secs.toFixed(0)} s`);
    fresh.set(def.id, renderSection(res));
    log(`=== ${def.id} done in ${secs.toFixed(1)} s`);
    // Write after every section, so a long run that dies late still leaves its tables.
    const head = oldHeader
      ? `${oldHeader}\n| partial re-run | ${started.toISOString().replace(/\.\d+Z$/, 'Z')}: \`${envLine()} npm run bench\` re-measured ${[...fresh.keys()].join(', ')} (${timings.join(', ')}) |`
      : header(started, load0, timings);
    writeReadme(head, SECTIONS.map((s) => s.id), fresh, '', !oldHeader);
  }
  log(`README written: ${path.relative(process.cwd(), path.join(HERE, '..', '..', 'bench', 'README.md'))}`);
}

function envLine(): string {
  return [
    `BENCH_RECORDS=${CONFIG.records}`,
    `BENCH_GIB=${CONFIG.gib}`,
    `BENCH_RUNS=${CONFIG.runs}`,
    CONFIG.full ? 'BENCH_FULL=1' : '',
    CONFIG.only.length > 0 ? `BENCH_ONLY=${CONFIG.only.join(',')}` : '',
    process.env.BENCH_AB_REV ? `BENCH_AB_REV=${process.env.BENCH_AB_REV}` : '',
    process.env.BENCH_AB_HEAD ? `BENCH_AB_HEAD=${process.env.BENCH_AB_HEAD}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function header(started: Date, load0: number[], timings: string[]): string {
  const env = envLine();
  const load1 = os.loadavg();
  return [
    '## Run',
    '',
    `| | |`,
    `| --- | --- |`,
    `| machine | ${machineLine()} |`,
    `| Node | ${process.version} (V8 ${process.versions.v8}) |`,
    `| date | ${started.toISOString().replace(/\.\d+Z$/, 'Z')} |`,
    `| command | \`${env} npm run bench\` |`,
    `| scale | ${fmtCount(CONFIG.records)} records per throughput run; ${fmtBytes(CONFIG.gib * 2 ** 30)} for the seek/open/RSS logs; every figure is the median of ${CONFIG.runs} runs unless a table says otherwise |`,
    `| load average (1 min) at start / end | ${load0[0]!.toFixed(2)} / ${load1[0]!.toFixed(2)} (other jobs share this machine: figures are noisy) |`,
    `| section wall times | ${timings.join(', ')} |`,
  ].join('\n');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
