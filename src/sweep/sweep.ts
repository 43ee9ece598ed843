/**
 * `runSweep`: a sweep from spec to table. The steps, each its own module:
 *   1. the strategy is resolved and hashed, each input classified (recording or scenario);
 *   2. inputs are resolved on the local pool: scenarios generated once per seed into
 *      <out>/inputs, recordings digested (a job is planned against a digest, never a path);
 *   3. plan.ts expands the cross product into jobs with content-derived ids; the plan is stored;
 *   4. with --resume, jobs with a stored outcome whose output still digests as recorded are skipped;
 *   5. the executor runs the rest (the local pool here, or NATS workers: see executor.ts) and each
 *      outcome is stored once as it arrives, in whatever order jobs finish;
 *   6. the table is built in job order and written.
 * Nothing in steps 3–6 depends on the number of workers or the completion order, which is what
 * makes results.csv/json and every output recording byte-identical across runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadStrategy } from '../backtest/strategy.js';
import { sha256File } from '../backtest/runner.js';
import { TapedeckError } from '../errors.js';
import { SEGMENT_SUFFIX } from '../log/names.js';
import { loadScenario } from '../scenario/run.js';
import { defaultExport, loadModule } from '../util/load-module.js';
import { TAPEDECK_VERSION } from '../util/version.js';
import { localExecutor, type JobExecutor } from './executor.js';
import { inputKey, planSweep, type SweepInputSource, type ResolvedInput, type SweepStrategyRef, type SweepJob, type SweepPlan } from './plan.js';
import { WorkerPool } from './pool.js';
import type { JobOutcome } from './run-job.js';
import { gridPoints, type SweepSpec } from './spec.js';
import { SweepStore } from './store.js';
import { sweepRow, tableCsv, tableJson, type SweepRow } from './table.js';

export interface SweepProgress {
  phase: 'inputs' | 'jobs';
  done: number;
  total: number;
  /** Jobs skipped because --resume found them finished. */
  skipped: number;
  failed: number;
}

export interface SweepOptions {
  /** The sweep directory (see store.ts). */
  out: string;
  /** Local worker threads (default: the core count). */
  workers?: number;
  /** Heap cap per worker thread, MiB. */
  memoryMbMax?: number;
  /**
   * Run on this pool instead of a new one: the caller's, so it is not closed here. Several sweeps
   * on one pool start their threads once (each thread loads the library, about 0.3-0.6 s of CPU).
   * Its threads keep the modules they imported, as they do between the jobs of one sweep: a `.ts`
   * module is loaded again when its bytes change, a `.js` one is cached by Node for the thread's
   * life. `workers` and `memoryMbMax` are the pool's own; passing them too is an error.
   */
  pool?: WorkerPool;
  resume?: boolean;
  force?: boolean;
  /** Who runs the jobs; default the local pool. */
  executor?: JobExecutor;
  onProgress?: (p: SweepProgress) => void;
  /** Rotate output segments at about this many bytes. */
  segmentBytes?: number;
}

export interface SweepResult {
  plan: SweepPlan;
  rows: SweepRow[];
  dir: string;
  csvFile: string;
  jsonFile: string;
  /** Jobs run now, jobs skipped (--resume), jobs whose row is a failure. */
  ran: number;
  skipped: number;
  failed: number;
  /** Input events and ticks read by the jobs run now (for rates). */
  eventsIn: number;
  ticks: number;
  wallMs: number;
}

function isRecordingDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory() && fs.readdirSync(p).some((n) => n.endsWith(SEGMENT_SUFFIX));
  } catch {
    return false;
  }
}

/** A recording directory, or else a scenario (bundled name or file). */
export async function classifyInput(arg: string): Promise<SweepInputSource> {
  if (isRecordingDir(arg)) return { kind: 'recording', label: arg, dir: arg };
  if (fs.existsSync(arg) && fs.statSync(arg).isDirectory()) {
    throw new TapedeckError('NOT_FOUND', `${arg}: not a recording (no ${SEGMENT_SUFFIX} segment files in it)`, { path: arg });
  }
  const { scenario, file } = await loadScenario(arg);
  return { kind: 'scenario', label: arg, name: scenario.name, file };
}

/** The strategy: resolved, hashed, loaded once here to learn its name and check the first point's options. */
export async function resolveStrategy(spec: SweepSpec): Promise<SweepStrategyRef> {
  const loaded = await loadModule(spec.strategy);
  let strategy;
  try {
    strategy = loadStrategy(defaultExport(loaded.module), { ...spec.options, ...gridPoints(spec.grid)[0] });
  } catch (e) {
    if (e instanceof TapedeckError) throw e;
    throw new TapedeckError('BAD_ARGUMENT', `${spec.strategy}: the strategy rejects the first job's options: ${e instanceof Error ? e.message : String(e)}`, { path: loaded.path });
  }
  const rel = path.relative(process.cwd(), loaded.path);
  return { path: loaded.path, given: rel.startsWith('..') || path.isAbsolute(rel) ? loaded.path : rel, name: strategy.name, sha256: sha256File(loaded.path) };
}

export async function runSweep(spec: SweepSpec, options: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  if (options.pool !== undefined && (options.workers !== undefined || options.memoryMbMax !== undefined)) {
    throw new TapedeckError('BAD_ARGUMENT', 'sweep: workers and memoryMbMax belong to the pool given; pass them to new WorkerPool(...)', {});
  }
  const store = new SweepStore(options.out);
  const strategy = await resolveStrategy(spec);
  const sources: SweepInputSource[] = [];
  for (const arg of spec.inputs) sources.push(await classifyInput(arg));
  const names = new Map<string, string>();
  for (const s of sources) {
    if (s.kind !== 'scenario') continue;
    const other = names.get(s.name);
    if (other !== undefined) throw new TapedeckError('BAD_ARGUMENT', `sweep: inputs ${other} and ${s.label} are both scenario "${s.name}"`, { name: s.name });
    names.set(s.name, s.label);
  }
  store.prepare({ resume: options.resume, force: options.force });

  const pool =
    options.pool ?? new WorkerPool({ ...(options.workers !== undefined ? { workers: options.workers } : {}), ...(options.memoryMbMax !== undefined ? { memoryMbMax: options.memoryMbMax } : {}) });
  try {
    // 2. Inputs, in parallel on the pool.
    const wanted: { key: string; run: () => Promise<ResolvedInput> }[] = [];
    sources.forEach((source, si) => {
      if (source.kind === 'recording') {
        wanted.push({ key: inputKey(si, source, 0), run: async () => onlyInput(await pool.run({ kind: 'digest', dir: source.dir })) });
        return;
      }
      for (const seed of spec.seeds) {
        const dir = store.inputDir(source.name, seed);
        // A scenario input kept by an earlier run of this sweep is digested, not regenerated.
        const reuse = options.resume === true && isRecordingDir(dir);
        wanted.push({
          key: inputKey(si, source, seed),
          run: async () => onlyInput(await pool.run(reuse ? { kind: 'digest', dir } : { kind: 'scenario', file: source.file, seed, out: dir })),
        });
      }
    });
    const resolved = new Map<string, ResolvedInput>();
    let inputsDone = 0;
    options.onProgress?.({ phase: 'inputs', done: 0, total: wanted.length, skipped: 0, failed: 0 });
    await Promise.all(
      wanted.map(async (w) => {
        resolved.set(w.key, await w.run());
        options.onProgress?.({ phase: 'inputs', done: ++inputsDone, total: wanted.length, skipped: 0, failed: 0 });
      }),
    );

    // 3. The plan.
    const plan = planSweep(spec, TAPEDECK_VERSION, strategy, sources, resolved);
    const stored = options.resume ? store.readPlan() : undefined;
    if (stored !== undefined) {
      const a = stored.jobs.map((j) => j.id).join(',');
      const b = plan.jobs.map((j) => j.id).join(',');
      if (a !== b) {
        throw new TapedeckError('BAD_ARGUMENT', `${options.out}: holds a different sweep (its jobs differ from this one's: another strategy, grid, seed or input); use a new --out or --force`, {
          path: options.out,
        });
      }
    }
    store.writePlan(plan);

    // 4. --resume: finished jobs whose output still digests as recorded.
    const outcomes = new Map<string, JobOutcome>();
    if (options.resume) {
      const checks = plan.jobs.map(async (job) => {
        const o = store.readOutcome(job.id);
        if (o === undefined) return;
        if (o.status === 'ok') {
          const dir = store.jobDir(job.id);
          if (!isRecordingDir(dir)) return;
          const got = await pool.run({ kind: 'verify', dir }).catch(() => undefined);
          if (got?.kind !== 'verified' || !got.ok || got.digest !== o.outputDigest) return;
        }
        outcomes.set(job.id, o);
      });
      await Promise.all(checks);
    }
    const skipped = outcomes.size;
    const pending = plan.jobs.filter((j) => !outcomes.has(j.id));

    // 5. Run.
    let failed = [...outcomes.values()].filter((o) => o.status === 'failed').length;
    let eventsIn = 0;
    let ticks = 0;
    const progress = () => options.onProgress?.({ phase: 'jobs', done: outcomes.size, total: plan.jobs.length, skipped, failed });
    progress();
    const executor = options.executor ?? localExecutor(pool);
    await executor.execute(plan, pending, {
      store,
      ...(options.segmentBytes !== undefined ? { segmentBytes: options.segmentBytes } : {}),
      onOutcome: (job, outcome) => {
        if (outcome.jobId !== job.id) throw new TapedeckError('CHECK_FAILED', `internal: outcome of job ${outcome.jobId} delivered for job ${job.id}`, {});
        store.writeOutcome(outcome);
        if (outcomes.has(job.id)) return;
        outcomes.set(job.id, outcome);
        if (outcome.status === 'failed') failed++;
        else {
          eventsIn += outcome.eventsIn;
          ticks += outcome.ticks;
        }
        progress();
      },
    });
    const missing = plan.jobs.filter((j) => !outcomes.has(j.id));
    if (missing.length > 0) throw new TapedeckError('CHECK_FAILED', `sweep: ${missing.length} job(s) never finished (first: ${missing[0]!.id})`, { jobs: missing.length });

    // 6. The table, in job order.
    const rows = plan.jobs.map((j) => sweepRow(j, outcomes.get(j.id)!));
    store.writeTables(tableCsv(plan, rows), tableJson(plan, rows));
    return {
      plan,
      rows,
      dir: options.out,
      csvFile: store.csvFile,
      jsonFile: store.jsonFile,
      ran: pending.length,
      skipped,
      failed,
      eventsIn,
      ticks,
      wallMs: performance.now() - t0,
    };
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

function onlyInput(r: Awaited<ReturnType<WorkerPool['run']>>): ResolvedInput {
  if (r.kind !== 'input') throw new TapedeckError('CHECK_FAILED', `internal: expected an input result, got ${r.kind}`, {});
  return r.input;
}
