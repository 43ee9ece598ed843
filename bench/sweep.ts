/**
 * Issue 19: backtest sweeps. The same sweep (the moving-average crossover over the bundled
 * random-walk and trend scenarios, seeds 1..2, fast 5/10 × slow 50/100: 16 jobs of ~9k ticks)
 * on 1 and 2 local worker threads (jobs/s, ticks/s, scaling efficiency on this 2-core machine),
 * then through NATS JetStream to one `tapedeck worker` process with 2 threads on the same host:
 * inputs read in place (shared path) and inputs fetched from the object store (--no-shared),
 * against the 2-thread local run (the overhead of the NATS path). Every run's results.csv is
 * checked byte-identical to the first. Times are the whole sweep (inputs generated, jobs, table).
 *
 * The machine is shared (2 cores, other engineers' jobs): wall times say how much CPU share a run
 * got as much as what it needs. So each run also counts the CPU it used, which the neighbours do
 * not change much: this process (coordinator and its worker threads), the `tapedeck worker`
 * process and nats-server (from /proc/<pid>/stat), and the load average is sampled per run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startNatsServer } from '../test/helpers/nats-server.js';
import { CONFIG, fmtCount, fmtMs, importSrc, log, med, rmrf, ROOT, scratch, type SectionResult } from './table.js';

interface Run {
  ms: number;
  /** CPU seconds of every process involved (this one, the worker, nats-server). */
  cpuS: number;
  jobs: number;
  ticks: number;
  csv: Buffer;
}

const CLOCK_TICKS_PER_S = 100;

/** User + system CPU seconds a live process has used so far (Linux /proc), or 0 once it is gone. */
function procCpuS(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return 0;
  }
}

const selfCpuS = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function startWorker(url: string, cache: string, extra: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli', 'main.js'), 'worker', '--nats', url, '--concurrency', '2', '--cache', cache, ...extra], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      text += d;
      if (/at a time/.test(text)) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${text}`)));
  });
}

export async function benchSweep(): Promise<SectionResult> {
  const S = await importSrc('src/sweep/index.js');
  const spec = S.completeSpec({
    strategy: path.join(ROOT, 'dist', 'scenarios', 'strategies', 'ma-crossover.js'),
    inputs: ['random-walk', 'trend'],
    grid: [S.parseGridArg('fast=5,10'), S.parseGridArg('slow=50,100')],
    options: { qty: 1 },
    seeds: [1, 2],
  });
  const work = scratch('sweep');
  const runs = new Map<string, Run[]>();
  let reference: Buffer | undefined;
  const loads: number[] = [];
  /** `otherPids`: the processes besides this one that work for the run (worker, nats-server), read just before it ends. */
  const measure = async (label: string, r: number, options: Record<string, unknown>, otherPids: () => (number | undefined)[] = () => []): Promise<void> => {
    log(`sweep: ${label}, run ${r + 1}/${CONFIG.runs}`);
    loads.push(os.loadavg()[0]!);
    const out = path.join(work, `${label.replace(/\W+/g, '-')}-${r}`);
    const others0 = otherPids().map(procCpuS);
    const cpu0 = selfCpuS();
    const t0 = performance.now();
    const res = await S.runSweep(spec, { out, ...options });
    const ms = performance.now() - t0;
    let cpuS = selfCpuS() - cpu0;
    otherPids().forEach((pid, i) => (cpuS += procCpuS(pid) - (others0[i] ?? 0)));
    const csv = fs.readFileSync(res.csvFile);
    reference ??= csv;
    if (!csv.equals(reference)) throw new Error(`${label}: results.csv differs from the first run's`);
    const list = runs.get(label) ?? [];
    list.push({ ms, cpuS, jobs: res.rows.length, ticks: res.ticks, csv });
    runs.set(label, list);
    rmrf(out);
  };
  // Rounds interleave the four ways (this machine's load drifts over minutes); each NATS worker is
  // started fresh for its run, as a local sweep starts fresh threads, and stopped after it.
  const load0 = os.loadavg()[0]!;
  const server = await startNatsServer({ lifetimeMsMax: 3_600_000 });
  try {
    for (let r = 0; r < CONFIG.runs; r++) {
      await measure('local, 1 worker thread', r, { workers: 1 });
      await measure('local, 2 worker threads', r, { workers: 2 });
      for (const [label, extra, cache] of [
        ['NATS, 1 worker × 2 threads, inputs by shared path', [], 'cache-shared'],
        ['NATS, 1 worker × 2 threads, inputs from the object store', ['--no-shared'], 'cache-os'],
      ] as const) {
        const worker = await startWorker(server.url, path.join(work, cache), [...extra]);
        try {
          await measure(label, r, { workers: 2, executor: S.natsExecutor({ url: server.url }) }, () => [worker.pid, server.pid]);
        } finally {
          worker.kill('SIGTERM');
        }
      }
    }
  } finally {
    await server.stop();
    rmrf(work);
  }
  const load1 = os.loadavg()[0]!;
  const base1 = med(runs.get('local, 1 worker thread')!, (x) => x.ms);
  const base2 = med(runs.get('local, 2 worker threads')!, (x) => x.ms);
  const cpuBase = med(runs.get('local, 1 worker thread')!, (x) => x.cpuS);
  const rows = [...runs.entries()].map(([label, rs]) => {
    const ms = med(rs, (x) => x.ms);
    const cpuS = med(rs, (x) => x.cpuS);
    const jobs = rs[0]!.jobs;
    const ticks = rs[0]!.ticks;
    const vs =
      label === 'local, 1 worker thread'
        ? '1.00×'
        : label === 'local, 2 worker threads'
          ? `${(base1 / ms).toFixed(2)}× (efficiency ${((base1 / ms / 2) * 100).toFixed(0)}%)`
          : `${(ms / base2).toFixed(2)}× the time of local × 2`;
    return [label, fmtMs(ms), `${((jobs / ms) * 1000).toFixed(2)}`, fmtCount((ticks / ms) * 1000), vs, `${cpuS.toFixed(2)} s (${(cpuS / cpuBase).toFixed(2)}×)`];
  });
  const first = runs.values().next().value![0]!;
  return {
    id: 'sweep',
    title: 'Backtest sweeps (issue 19)',
    intro:
      `ma-crossover over the bundled random-walk and trend scenarios × seeds 1..2 × fast 5/10 × slow 50/100 = ${first.jobs} jobs ` +
      `(${fmtCount(first.ticks)} ticks in all); whole sweep wall time (scenario inputs generated, jobs, table), median of ${CONFIG.runs}, the four ways interleaved in each round. ` +
      "Every run's results.csv is byte-identical to the first. The NATS rows use a local nats-server -js and one `tapedeck worker` with 2 threads on the same host, so they show the protocol's overhead (publish, ack, object store transfer of inputs and outputs), not more cores. " +
      `Load average (1 min) ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end, ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} at the start of the runs, on ${os.cpus().length} cores shared with other jobs: ` +
      'a wall time measures the CPU share a run got as much as the work, so with a load near or above the core count the 2-thread and NATS rows cannot show their scaling; ' +
      'the CPU column (this process with its threads, plus the worker process and nats-server for the NATS rows) is what the neighbours change least, and its ratio to the 1-thread run is the cost of the path.',
    tables: [{ header: ['sweep', 'time', 'jobs/s', 'ticks/s', 'wall vs', 'CPU (vs local × 1)'], rows }],
  };
}
