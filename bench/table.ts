/**
 * Shared helpers for the benchmarks: configuration from the environment, medians of repeated
 * runs, number formatting, markdown tables and the README writer (which keeps the hand-written
 * intro and the sections that were not run this time).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// -- configuration -----------------------------------------------------------------------------

function envNum(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v.replace(/_/g, ''));
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name}=${v} is not a positive number`);
  return n;
}

export const CONFIG = {
  /** Records per throughput run (tick payloads of 45.9 B on average). */
  records: Math.round(envNum('BENCH_RECORDS', 1_000_000)),
  /** Size of the seek / open / RSS logs, in GiB. */
  gib: envNum('BENCH_GIB', 1),
  /** Repetitions of each measurement; tables show the median. */
  runs: Math.max(1, Math.round(envNum('BENCH_RUNS', 3))),
  /** Long real-time fidelity runs (a 1-hour session at 10x is 6 minutes). */
  full: process.env.BENCH_FULL === '1',
  only: (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
};

/** The repository root (dist/bench/table.js → ../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(ROOT, 'bench', 'out');
export const README = path.join(ROOT, 'bench', 'README.md');

/** A fresh scratch directory under bench/out/. */
export function scratch(name: string): string {
  const dir = path.join(OUT_DIR, `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function rmrf(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

export function dirBytes(dir: string): number {
  let n = 0;
  for (const f of fs.readdirSync(dir)) {
    const st = fs.statSync(path.join(dir, f));
    n += st.isDirectory() ? dirBytes(path.join(dir, f)) : st.size;
  }
  return n;
}

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

// -- statistics ---------------------------------------------------------------------------------

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

/** Runs `fn` `runs` times (gc between) and returns every result; callers take medians per field. */
export async function repeat<T>(runs: number, fn: (i: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) {
    gc();
    out.push(await fn(i));
  }
  return out;
}

/** Median of one numeric field over repeated results. */
export function med<T>(rs: readonly T[], f: (r: T) => number): number {
  return median(rs.map(f));
}

/** Wall time of `fn` in ms (high resolution). */
export async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// -- formatting ---------------------------------------------------------------------------------

/** 1234567 → "1.23M", 12345 → "12.3k". */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(2)}k`;
  return n.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2);
}

export function fmtRate(perSec: number, unit = 'rec/s'): string {
  return `${fmtCount(perSec)} ${unit}`;
}

export function fmtMBs(bytesPerSec: number): string {
  return `${(bytesPerSec / 1e6).toFixed(bytesPerSec >= 1e8 ? 0 : 1)} MB/s`;
}

/** Milliseconds → a short human duration. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0.001) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function fmtNs(ns: number): string {
  return fmtMs(ns / 1e6);
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

/** tapedeck ÷ peer as "2.31×" (for rates: higher is better). */
export function ratio(a: number, b: number): string {
  if (!(b > 0) || !Number.isFinite(a)) return '–';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
}

/** A target cell: "met (1.62M rec/s ≥ 1.5M)" or "**missed** (…)". */
export function target(ok: boolean, text: string): string {
  return ok ? `met (${text})` : `**missed** (${text})`;
}

export const NOT_MEASURED = (reason: string): string => `not measured: ${reason}`;

// -- markdown -----------------------------------------------------------------------------------

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

export function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdownTable(t: Table): string {
  const lines: string[] = [];
  if (t.caption) lines.push(`**${t.caption}**`, '');
  lines.push(`| ${t.header.map(escapeCell).join(' | ')} |`);
  lines.push(`| ${t.header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
  for (const r of t.rows) {
    const cells = t.header.map((_, i) => escapeCell(r[i] ?? ''));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  if (t.notes && t.notes.length > 0) {
    lines.push('');
    for (const n of t.notes) lines.push(`- ${n}`);
  }
  return lines.join('\n');
}

export function renderSection(s: SectionResult): string {
  const parts = [`<!-- section:${s.id} -->`, `## ${s.title}`, ''];
  if (s.intro) parts.push(s.intro, '');
  for (const t of s.tables) parts.push(markdownTable(t), '');
  parts.push(`<!-- /section:${s.id} -->`);
  return parts.join('\n');
}

// -- README -------------------------------------------------------------------------------------

export const GEN_START = '<!-- bench:generated:start (everything below is rewritten by `npm run bench`) -->';
export const GEN_END = '<!-- bench:generated:end -->';

const DEFAULT_INTRO = `# tapedeck benchmarks

Run \`npm run bench\` (see the knobs below). Every number below was measured side by side in
the same run, on the machine described; tables show medians of repeated runs.
`;

/** The sections currently in the README, by id (kept when a run skips them). */
export function readOldSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- section:([a-z0-9-]+) -->[\s\S]*?<!-- \/section:\1 -->/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) out.set(m[1]!, m[0]);
  return out;
}

/** The "## Run" header of the current README's generated part ('' if none). */
export function readOldHeader(): string {
  const old = fs.existsSync(README) ? fs.readFileSync(README, 'utf8') : '';
  const m = /<!-- bench:generated:start[^\n]*-->\s*(## Run[\s\S]*?)(?=\n<!-- section:|\n<!-- bench:generated:end)/.exec(old);
  return m ? m[1]!.trim() : '';
}

export function writeReadme(header: string, order: readonly string[], fresh: Map<string, string>, extraTail: string, markOld = true): void {
  const old = fs.existsSync(README) ? fs.readFileSync(README, 'utf8') : '';
  const startAt = old.indexOf(GEN_START);
  const intro = startAt >= 0 ? old.slice(0, startAt).trimEnd() + '\n' : old.trim() ? old.trimEnd() + '\n' : DEFAULT_INTRO;
  const endAt = old.indexOf(GEN_END);
  const after = endAt >= 0 ? old.slice(endAt + GEN_END.length).trim() : '';
  const oldGenerated = startAt >= 0 ? old.slice(startAt, endAt >= 0 ? endAt : undefined) : '';
  const oldSections = readOldSections(oldGenerated);
  const body: string[] = [];
  for (const id of order) {
    const s = fresh.get(id) ?? oldSections.get(id);
    if (!s) continue;
    body.push(fresh.has(id) || !markOld ? s : s.replace(/^(## .*)$/m, '$1 (from an earlier run)'));
  }
  const text = [intro, GEN_START, '', header.trim(), '', body.join('\n\n'), '', extraTail.trim(), '', GEN_END, after ? `\n${after}` : '']
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
  fs.writeFileSync(README, text.endsWith('\n') ? text : text + '\n');
}

export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  return `${model}, ${cpus.length} logical cores, ${fmtBytes(os.totalmem())} RAM, ${os.type()} ${os.release()} (${os.arch()})`;
}


/**
 * Loads a module of the project that may still be in progress (replay, record, verify, backtest)
 * without a compile-time dependency: a typo in someone else's half-finished API then gives a
 * "not measured" row instead of breaking the build. `rel` is relative to the repo root, e.g.
 * 'src/replay/index.js' (the compiled file under dist/).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function importSrc(rel: string): Promise<any> {
  const file = path.join(ROOT, 'dist', rel);
  if (!fs.existsSync(file)) throw new Error(`${rel.replace(/\.js$/, '.ts')} is not built (not in dist/)`);
  const url = new URL(`file://${file}`).href;
  return import(url);
}

/** Requires each named export to exist (a clear "not measured" reason otherwise). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function need(mod: any, rel: string, ...names: string[]): void {
  for (const n of names) if (mod[n] === undefined) throw new Error(`${rel} does not export ${n} yet`);
}
