import type { JobOutcome } from './run-job.js';
import type { SweepPlan } from './plan.js';
import type { Seed } from './spec.js';
export declare const PLAN_FILE = "sweep.json";
export declare const INPUTS_DIR = "inputs";
export declare const JOBS_DIR = "jobs";
export declare const RESULTS_DIR = "results";
export declare const TABLE_CSV = "results.csv";
export declare const TABLE_JSON = "results.json";
/**
 * The plan as stored: JSON with bigints as {"$bigint": "..."} (it carries ns times), and without
 * this host's paths (the strategy's absolute path, each input's directory), so the same sweep
 * stores the same bytes wherever it runs. Inputs are named by label and digest.
 */
export declare function planToJson(plan: SweepPlan): string;
/** A stored plan (host-free: see planToJson); resume compares its job ids. */
export interface StoredPlan {
    jobs: {
        id: string;
        index: number;
    }[];
}
export declare function planFromJson(text: string, where: string): StoredPlan;
/** Writes a file so that a reader sees the old bytes or the new ones, never a part. */
export declare function writeFileAtomic(file: string, text: string): void;
export declare class SweepStore {
    readonly dir: string;
    constructor(dir: string);
    get planFile(): string;
    get csvFile(): string;
    get jsonFile(): string;
    jobDir(jobId: string): string;
    inputDir(name: string, seed: Seed): string;
    private outcomeFile;
    /**
     * Makes the directory ready. A directory holding a sweep is refused unless `resume` (keep it)
     * or `force` (remove the sweep's own files and folders, nothing else).
     */
    prepare(options: {
        resume?: boolean;
        force?: boolean;
    }): void;
    readPlan(): StoredPlan | undefined;
    writePlan(plan: SweepPlan): void;
    readOutcome(jobId: string): JobOutcome | undefined;
    /** Stores a job's outcome once; returns false when the same outcome was already there. */
    writeOutcome(outcome: JobOutcome): boolean;
    /** The table files (each replaced atomically). */
    writeTables(csv: string, json: string): void;
}
