/**
 * The log A/B (issue 12's "no regression against the current figures in the same run"): the log
 * workloads of bench/log.ts, at the same scale, run against two builds in the same rounds —
 * BENCH_AB_REV (default: 5afac9f, the last commit before the issue 12 work) and this checkout.
 * Every measurement is a fresh process (bench/log-ab-child.ts); in each round the two builds
 * alternate per workload, and the order flips every round. The table gives medians of the
 * rate and of the CPU time (user + system) per record, and their ratio: under load the wall
 * rate moves with the machine, the CPU time far less.
 *
 *   BENCH_ONLY=log-ab BENCH_AB_REV=<git rev> [BENCH_AB_HEAD=<git rev>] BENCH_RUNS=5 npm run bench
 *
 * The base revision is exported with `git archive` into bench/out/ab/<commit>/ and built
 * there once (its dist/ is kept for later runs), with this checkout's node_modules.
 *
 * A second table pairs the builds inside one process (bench/log-ab-paired-child.ts: chunks of
 * 10,000 records alternating between the two, CPU per chunk): under load, where fresh processes
 * swing by ±30%, it still resolves a few percent. BENCH_AB_PAIRED=0 leaves it out.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG, fmtCount, fmtRate, log, median, OUT_DIR, rmrf, ROOT, scratch, type SectionResult } from './table.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(HERE, 'log-ab-child.js');
const PAIRED_CHILD = path.join(HERE, 'log-ab-paired-child.js');
/** The parent of 5d1feaa, the first issue-12 commit ("one scanner …"): the log as issue 12 found it. */
export const DEFAULT_AB_REV = '5afac9f';

const WORKLOADS = [
  { id: 'write-batched', label: 'batched `write()` ×1000 + yield, then sync (pre-encoded payloads)' },
  { id: 'append-batched', label: 'batched `append()` ×1000 awaited' },
  { id: 'write-async', label: 'async `write()` ×1000 + yield, then sync' },
  { id: 'event-append', label: '`writeEvent()` of tick objects (encode + log), batched' },
  { id: 'scan', label: 'full scan `openReader(dir).scan()` of the batched log' },
] as const;

interface Sample {
  ms: number;
  cpuMs: number;
  records: number;
}

function git(args: string[], cwd = ROOT): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Exports and builds `rev` once under bench/out/ab/<commit>; returns its root. */
export function buildRev(rev: string): { root: string; commit: string } {
  const commit = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const root = path.join(OUT_DIR, 'ab', commit);
  const stamp = path.join(root, '.built');
  if (fs.existsSync(stamp)) return { root, commit };
  rmrf(root);
  fs.mkdirSync(root, { recursive: true });
  log(`log-ab: exporting ${commit.slice(0, 12)} to ${path.relative(ROOT, root)}`);
  const tar = spawnSync('sh', ['-c', `git archive ${commit} | tar -x -C '${root}'`], { cwd: ROOT, encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`git archive ${commit}: ${tar.stderr.trim()}`);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  log(`log-ab: building ${commit.slice(0, 12)} (tsc)`);
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (!fs.existsSync(path.join(root, 'dist', 'src', 'log', 'index.js'))) {
    throw new Error(`building ${commit} failed: ${(tsc.stdout + tsc.stderr).trim().slice(0, 500)}`);
  }
  fs.writeFileSync(stamp, `${commit}\n`);
  return { root, commit };
}

function runChild(root: string, work: string, dir: string, n: number): Sample {
  const r = spawnSync(process.execPath, [CHILD, root, work, dir, String(n)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`log-ab-child ${work} (${root}) exited ${r.status}: ${r.stderr.trim().slice(0, 500)}`);
  const s = JSON.parse(r.stdout.trim().split('\n').pop()!) as Sample;
  if (s.records !== n) throw new Error(`log-ab-child ${work} (${root}): ${s.records} records, expected ${n}`);
  return s;
}

const PAIRED_WORKLOADS = ['write-batched', 'append-batched', 'write-async', 'event-append'] as const;

interface PairedSample {
  aCpuMs: number;
  bCpuMs: number;
  records: number;
  pairs: number;
  bFaster: number;
}

/** One paired run: `first` and `second` alternate chunk by chunk in one process. */
function runPaired(first: string, second: string, work: string, dir: string, n: number): PairedSample {
  const r = spawnSync(process.execPath, [PAIRED_CHILD, first, second, work, dir, String(n)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) throw new Error(`log-ab-paired-child ${work} exited ${r.status}: ${r.stderr.trim().slice(0, 500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as PairedSample;
}

/** The paired table: per workload, RUNS processes (which build loads first flips each run). */
function pairedTable(baseRoot: string, headRoot: string, n: number, runs: number, load: number[]): string[][] {
  return PAIRED_WORKLOADS.map((work) => {
    const ratios: number[] = [];
    const baseNs: number[] = [];
    const headNs: number[] = [];
    let headFaster = 0;
    let pairs = 0;
    for (let r = 0; r < runs; r++) {
      const headFirst = r % 2 === 1;
      log(`log-ab: paired ${r + 1}/${runs} ${work}`);
      load.push(os.loadavg()[0]!);
      const s = runPaired(headFirst ? headRoot : baseRoot, headFirst ? baseRoot : headRoot, work, scratch(`ab-paired-${work}`), n);
      const [b, h] = headFirst ? [s.bCpuMs, s.aCpuMs] : [s.aCpuMs, s.bCpuMs];
      baseNs.push((b * 1e6) / s.records);
      headNs.push((h * 1e6) / s.records);
      ratios.push(h / b);
      headFaster += headFirst ? s.pairs - s.bFaster : s.bFaster;
      pairs += s.pairs;
    }
    const label = WORKLOADS.find((w) => w.id === work)!.label;
    return [label, `${median(baseNs).toFixed(0)} ns`, `${median(headNs).toFixed(0)} ns`, `${median(ratios).toFixed(2)}×`, `${headFaster} of ${pairs}`];
  });
}

export async function benchLogAb(): Promise<SectionResult> {
  const rev = process.env.BENCH_AB_REV || DEFAULT_AB_REV;
  const base = buildRev(rev);
  // BENCH_AB_HEAD: a second revision, built like the base (a run then ignores this checkout's dist/).
  const headRev = process.env.BENCH_AB_HEAD;
  const headBuild = headRev ? buildRev(headRev) : null;
  const head = headBuild ? headBuild.commit.slice(0, 7) : git(['rev-parse', '--short=7', 'HEAD']);
  const dirty = !headBuild && git(['status', '--porcelain', '--untracked-files=no', '--', 'src']) !== '' ? ' + uncommitted src changes' : '';
  const N = CONFIG.records;
  const RUNS = CONFIG.runs;
  const builds = [
    { name: 'base', root: base.root },
    { name: 'head', root: headBuild ? headBuild.root : ROOT },
  ];
  const samples = new Map<string, Sample[]>();
  const add = (k: string, s: Sample): void => void (samples.get(k) ?? samples.set(k, []).get(k)!).push(s);
  const load: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? builds : [...builds].reverse();
    for (const w of WORKLOADS) {
      if (w.id === 'scan') continue;
      for (const b of order) {
        const dir = scratch(`ab-${b.name}-${w.id}`);
        log(`log-ab: round ${r + 1}/${RUNS} ${w.id} ${b.name}`);
        load.push(os.loadavg()[0]!);
        add(`${w.id}/${b.name}`, runChild(b.root, w.id, dir, N));
        // Each build scans the log its own batched write produced (its own format version).
        if (w.id === 'write-batched') add(`scan/${b.name}`, runChild(b.root, 'scan', dir, N));
        rmrf(dir);
      }
    }
  }
  const paired = process.env.BENCH_AB_PAIRED === '0' ? null : pairedTable(base.root, headBuild ? headBuild.root : ROOT, N, RUNS, load);
  const rows = WORKLOADS.map((w) => {
    const b = samples.get(`${w.id}/base`)!;
    const h = samples.get(`${w.id}/head`)!;
    const rate = (xs: Sample[]): number => median(xs.map((s) => (s.records / s.ms) * 1000));
    const cpuNs = (xs: Sample[]): number => median(xs.map((s) => (s.cpuMs * 1e6) / s.records));
    const rb = rate(b);
    const rh = rate(h);
    const cb = cpuNs(b);
    const ch = cpuNs(h);
    return [
      w.label,
      fmtRate(rb),
      fmtRate(rh),
      `${(rh / rb).toFixed(2)}×`,
      `${cb.toFixed(0)} ns`,
      `${ch.toFixed(0)} ns`,
      `${(ch / cb).toFixed(2)}×`,
    ];
  });
  return {
    id: 'log-ab',
    title: 'Log A/B: a base revision against this checkout, same rounds (issue 12)',
    intro:
      `The log workloads of the log section at its scale (${fmtCount(N)} records of 45.9 B on average per run), for ` +
      `base = \`${base.commit.slice(0, 7)}\` (\`BENCH_AB_REV\`, default ${DEFAULT_AB_REV}: the log before issue 12) and head = \`${head}\`${dirty}. ` +
      `Every figure is a fresh process; in each of ${RUNS} rounds the two builds alternate per workload and the order flips each round; medians. ` +
      `CPU is user + system time of the workload per record (it moves far less with the machine's load than the wall rate). ` +
      `Load average (1 min) during the rounds: ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${os.cpus().length} cores. ` +
      `Reproduce: \`npm run build && BENCH_ONLY=log-ab BENCH_AB_REV=${rev}${headRev ? ` BENCH_AB_HEAD=${headRev}` : ''} BENCH_RUNS=${RUNS} BENCH_RECORDS=${N} node --expose-gc dist/bench/run.js\`.`,
    tables: [
      {
        header: ['workload', 'base rate', 'head rate', 'head ÷ base (rate)', 'base CPU / record', 'head CPU / record', 'head ÷ base (CPU)'],
        rows,
        notes: ['A rate ratio above 1 or a CPU ratio below 1 means head is faster.'],
      },
      ...(paired
        ? [
            {
              caption: `Paired in one process (bench/log-ab-paired-child.ts): ${RUNS} processes per workload, each alternating chunks of 10,000 records between base and head (which build goes first flips each process); CPU per record of each build, median over the processes`,
              header: ['workload', 'base CPU / record', 'head CPU / record', 'head ÷ base (CPU, median of the processes)', 'chunk pairs where head took less CPU'],
              rows: paired,
              notes: [
                'Chunks milliseconds apart see the same machine, so the load that makes fresh processes swing cancels in the pairs; one heap and one thread pool are shared (garbage or an fdatasync of one build may land in the other\'s chunk, on either side alike). Leave it out with BENCH_AB_PAIRED=0.',
              ],
            },
          ]
        : []),
    ],
  };
}
