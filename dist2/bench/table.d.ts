export declare const CONFIG: {
    /** Records per throughput run (small ~60-byte payloads). */
    records: number;
    /** Size of the seek / open / RSS logs, in GiB. */
    gib: number;
    /** Repetitions of each measurement; tables show the median. */
    runs: number;
    /** Long real-time fidelity runs (a 1-hour session at 10x is 6 minutes). */
    full: boolean;
    only: string[];
};
/** The repository root (dist/bench/table.js → ../..). */
export declare const ROOT: string;
export declare const OUT_DIR: string;
export declare const README: string;
/** A fresh scratch directory under bench/out/. */
export declare function scratch(name: string): string;
export declare function rmrf(p: string): void;
export declare function dirBytes(dir: string): number;
export declare function log(msg: string): void;
export declare function gc(): void;
export declare const tick: () => Promise<void>;
export declare function median(xs: readonly number[]): number;
export declare function percentile(xs: readonly number[], p: number): number;
/** Runs `fn` `runs` times (gc between) and returns every result; callers take medians per field. */
export declare function repeat<T>(runs: number, fn: (i: number) => Promise<T> | T): Promise<T[]>;
/** Median of one numeric field over repeated results. */
export declare function med<T>(rs: readonly T[], f: (r: T) => number): number;
/** Wall time of `fn` in ms (high resolution). */
export declare function timeMs(fn: () => Promise<unknown> | unknown): Promise<number>;
/** 1234567 → "1.23M", 12345 → "12.3k". */
export declare function fmtCount(n: number): string;
export declare function fmtRate(perSec: number, unit?: string): string;
export declare function fmtMBs(bytesPerSec: number): string;
/** Milliseconds → a short human duration. */
export declare function fmtMs(ms: number): string;
export declare function fmtNs(ns: number): string;
export declare function fmtBytes(n: number): string;
/** tapedeck ÷ peer as "2.31×" (for rates: higher is better). */
export declare function ratio(a: number, b: number): string;
/** A target cell: "met (1.62M rec/s ≥ 1.5M)" or "**missed** (…)". */
export declare function target(ok: boolean, text: string): string;
export declare const NOT_MEASURED: (reason: string) => string;
export interface Table {
    caption?: string;
    header: string[];
    rows: string[][];
    /** Short notes printed under the table. */
    notes?: string[];
}
export interface SectionResult {
    /** Stable id (also the BENCH_ONLY name). */
    id: string;
    title: string;
    /** One paragraph on what is measured and how. */
    intro?: string;
    tables: Table[];
}
export declare function escapeCell(s: string): string;
export declare function markdownTable(t: Table): string;
export declare function renderSection(s: SectionResult): string;
export declare const GEN_START = "<!-- bench:generated:start (everything below is rewritten by `npm run bench`) -->";
export declare const GEN_END = "<!-- bench:generated:end -->";
/** The sections currently in the README, by id (kept when a run skips them). */
export declare function readOldSections(text: string): Map<string, string>;
/** The "## Run" header of the current README's generated part ('' if none). */
export declare function readOldHeader(): string;
export declare function writeReadme(header: string, order: readonly string[], fresh: Map<string, string>, extraTail: string, markOld?: boolean): void;
export declare function machineLine(): string;
/**
 * Loads a module of the project that may still be in progress (replay, record, verify, backtest)
 * without a compile-time dependency: a typo in someone else's half-finished API then gives a
 * "not measured" row instead of breaking the build. `rel` is relative to the repo root, e.g.
 * 'src/replay/index.js' (the compiled file under dist/).
 */
export declare function importSrc(rel: string): Promise<any>;
/** Requires each named export to exist (a clear "not measured" reason otherwise). */
export declare function need(mod: any, rel: string, ...names: string[]): void;
