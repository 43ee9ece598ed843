/**
 * The sweep directory on disk, and the one place its layout is written down:
 *
 *   <out>/sweep.json            the plan: every job with its id, input digest, seed and options
 *   <out>/inputs/<name>-<seed>/ scenario inputs, generated once per seed
 *   <out>/jobs/<job id>/        each job's output recording (a normal backtest recording)
 *   <out>/results/<job id>.json each finished job's outcome, written once (tmp + rename)
 *   <out>/results.csv, results.json   the table, in job order, written when every job is done
 *
 * An outcome file is the record that a job finished: `--resume` skips the jobs that have one (and
 * whose output recording still has the digest it names). Writing an outcome is idempotent: the
 * same job finishing twice (a redelivered job) writes the same bytes, and different bytes for the
 * same job id are refused as a determinism failure, never silently overwritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import { fromTaggedJson, toTaggedJson } from './json.js';
import type { JobOutcome } from './run-job.js';
import type { SweepPlan } from './plan.js';
import type { Seed } from './spec.js';

export const PLAN_FILE = 'sweep.json';
export const INPUTS_DIR = 'inputs';
export const JOBS_DIR = 'jobs';
export const RESULTS_DIR = 'results';
export const TABLE_CSV = 'results.csv';
export const TABLE_JSON = 'results.json';
const OWN_NAMES = new Set([PLAN_FILE, INPUTS_DIR, JOBS_DIR, RESULTS_DIR, TABLE_CSV, TABLE_JSON]);

/**
 * The plan as stored: JSON with bigints as {"$bigint": "..."} (it carries ns times), and without
 * this host's paths (the strategy's absolute path, each input's directory), so the same sweep
 * stores the same bytes wherever it runs. Inputs are named by label and digest.
 */
export function planToJson(plan: SweepPlan): string {
  const hostFree = {
    ...plan,
    strategy: { name: plan.strategy.name, file: path.basename(plan.strategy.path), sha256: plan.strategy.sha256 },
    jobs: plan.jobs.map(({ input, ...job }) => ({ ...job, input: { digest: input.digest, records: input.records } })),
  };
  return toTaggedJson(hostFree, 1) + '\n';
}

/** A stored plan (host-free: see planToJson); resume compares its job ids. */
export interface StoredPlan {
  jobs: { id: string; index: number }[];
}

export function planFromJson(text: string, where: string): StoredPlan {
  try {
    const plan = fromTaggedJson(text) as StoredPlan;
    if (!Array.isArray(plan.jobs) || plan.jobs.some((j) => typeof j?.id !== 'string')) throw new Error('no job list');
    return plan;
  } catch (e) {
    throw new TapedeckError('BAD_INPUT', `${where}: not a sweep plan: ${e instanceof Error ? e.message : String(e)}`, { path: where });
  }
}

/** Writes a file so that a reader sees the old bytes or the new ones, never a part. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export class SweepStore {
  constructor(readonly dir: string) {}

  get planFile(): string {
    return path.join(this.dir, PLAN_FILE);
  }
  get csvFile(): string {
    return path.join(this.dir, TABLE_CSV);
  }
  get jsonFile(): string {
    return path.join(this.dir, TABLE_JSON);
  }
  jobDir(jobId: string): string {
    return path.join(this.dir, JOBS_DIR, jobId);
  }
  inputDir(name: string, seed: Seed): string {
    return path.join(this.dir, INPUTS_DIR, `${name}-${seed}`);
  }
  private outcomeFile(jobId: string): string {
    return path.join(this.dir, RESULTS_DIR, `${jobId}.json`);
  }

  /**
   * Makes the directory ready. A directory holding a sweep is refused unless `resume` (keep it)
   * or `force` (remove the sweep's own files and folders, nothing else).
   */
  prepare(options: { resume?: boolean; force?: boolean }): void {
    let entries: string[] = [];
    try {
      entries = fs.readdirSync(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const own = entries.filter((n) => OWN_NAMES.has(n));
    if (own.length > 0 && !options.resume) {
      if (!options.force) {
        throw new TapedeckError('BAD_ARGUMENT', `${this.dir}: already holds a sweep; pass --resume to finish it or --force to start over`, { path: this.dir });
      }
      for (const n of own) fs.rmSync(path.join(this.dir, n), { recursive: true, force: true });
    }
    for (const d of [INPUTS_DIR, JOBS_DIR, RESULTS_DIR]) fs.mkdirSync(path.join(this.dir, d), { recursive: true });
  }

  readPlan(): StoredPlan | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.planFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return planFromJson(text, this.planFile);
  }

  writePlan(plan: SweepPlan): void {
    writeFileAtomic(this.planFile, planToJson(plan));
  }

  readOutcome(jobId: string): JobOutcome | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.outcomeFile(jobId), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    try {
      const o = JSON.parse(text) as JobOutcome;
      if (o.jobId !== jobId) throw new Error(`it names job ${String(o.jobId)}`);
      return o;
    } catch (e) {
      throw new TapedeckError('BAD_INPUT', `${this.outcomeFile(jobId)}: not a job outcome: ${e instanceof Error ? e.message : String(e)}`, { path: this.outcomeFile(jobId) });
    }
  }

  /** Stores a job's outcome once; returns false when the same outcome was already there. */
  writeOutcome(outcome: JobOutcome): boolean {
    const file = this.outcomeFile(outcome.jobId);
    const text = JSON.stringify(outcome) + '\n';
    let old: string | undefined;
    try {
      old = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (old === text) return false;
    if (old !== undefined) {
      throw new TapedeckError('CHECK_FAILED', `job ${outcome.jobId} finished twice with different results (${file} holds another outcome): the backtest is not deterministic`, {
        path: file,
        jobId: outcome.jobId,
      });
    }
    writeFileAtomic(file, text);
    return true;
  }

  /** The table files (each replaced atomically). */
  writeTables(csv: string, json: string): void {
    writeFileAtomic(this.csvFile, csv);
    writeFileAtomic(this.jsonFile, json);
  }
}
