/**
 * What a sweep is, and the pure parsing of its parts: the grid (`--grid 'fast=5,10,20'`), the
 * seeds (`--seeds 1..20`, `1,2,5`, `1..3,7`) and a sweep file's JSON shape. No I/O here: loading
 * a file is file.ts, turning a spec into jobs is plan.ts.
 */
import { TapedeckError, ValidationError } from '../errors.js';
import { parseTs } from '../events/ts.js';
import type { RiskOptions } from '../backtest/risk.js';
import type { RunnerVenueOptions, StrategyOptionValue } from '../backtest/runner.js';

export type Seed = number | string;

/** One grid axis: a strategy option and the values it takes, in the order given. */
export interface GridAxis {
  key: string;
  values: StrategyOptionValue[];
}

export interface SweepSpec {
  /** The strategy module (path). */
  strategy: string;
  /** Recording directories, or scenarios (a bundled name or a scenario file), each one input. */
  inputs: string[];
  /** The cross product of the axes; the first axis varies slowest. Empty: one point. */
  grid: GridAxis[];
  /** Strategy options every job gets (a grid value for the same key wins). */
  options: Record<string, StrategyOptionValue>;
  /** Backtest seeds; a scenario input is also generated with the job's seed. Default [0]. */
  seeds: Seed[];
  venue?: RunnerVenueOptions;
  risk?: RiskOptions;
  /** Inclusive input range, ns. */
  from?: bigint;
  to?: bigint;
}

const SEEDS_MAX = 100_000;

function bad(message: string, details: Record<string, unknown> = {}): TapedeckError {
  return new TapedeckError('BAD_ARGUMENT', message, details);
}

/** A value as the CLI types it: numbers and true/false typed, the rest a string (as `--option`). */
export function parseOptionValue(v: string): StrategyOptionValue {
  return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v;
}

/** `key=v1,v2,...` → one axis. */
export function parseGridArg(text: string): GridAxis {
  const i = text.indexOf('=');
  if (i <= 0) throw bad(`--grid "${text}": expected key=value,value,... (e.g. fast=5,10,20)`, { grid: text });
  const key = text.slice(0, i).trim();
  const raw = text.slice(i + 1);
  const values = raw.split(',').map((s) => s.trim());
  if (values.some((v) => v.length === 0)) throw bad(`--grid "${text}": an empty value (check the commas)`, { grid: text });
  return checkAxis({ key, values: values.map(parseOptionValue) }, `--grid "${text}"`);
}

function checkAxis(axis: GridAxis, where: string): GridAxis {
  if (!/^[A-Za-z_][\w.-]*$/.test(axis.key)) throw bad(`${where}: "${axis.key}" is not an option name`, { key: axis.key });
  if (axis.values.length === 0) throw bad(`${where}: no values for ${axis.key}`, { key: axis.key });
  const seen = new Set<string>();
  for (const v of axis.values) {
    if (!(typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw bad(`${where}: ${axis.key} values must be numbers, strings or booleans (got ${JSON.stringify(v)})`, { key: axis.key });
    }
    const k = `${typeof v}:${String(v)}`;
    if (seen.has(k)) throw bad(`${where}: ${axis.key}=${String(v)} is listed twice`, { key: axis.key });
    seen.add(k);
  }
  return axis;
}

/** Axes must not repeat a key. */
export function checkGrid(axes: readonly GridAxis[]): GridAxis[] {
  const keys = new Set<string>();
  for (const a of axes) {
    if (keys.has(a.key)) throw bad(`grid: ${a.key} is given twice; list all its values in one --grid`, { key: a.key });
    keys.add(a.key);
  }
  return [...axes];
}

function parseSeed(s: string, where: string): Seed {
  if (/^-?\d+$/.test(s)) {
    const n = Number(s);
    if (!Number.isSafeInteger(n)) throw bad(`${where}: ${s} is not a safe integer`, { seeds: s });
    return n;
  }
  if (s.length === 0) throw bad(`${where}: an empty seed`, {});
  return s;
}

/**
 * `--seeds`: comma-separated items, each a seed or an inclusive integer range `a..b`:
 * `1..20`, `1,2,5`, `1..3,7,blue`. Order kept; a seed given twice is refused.
 */
export function parseSeedsArg(text: string): Seed[] {
  const out: Seed[] = [];
  for (const item of text.split(',').map((s) => s.trim())) {
    const m = /^(-?\d+)\.\.(-?\d+)$/.exec(item);
    if (m) {
      const a = parseSeed(m[1]!, '--seeds') as number;
      const b = parseSeed(m[2]!, '--seeds') as number;
      if (b < a) throw bad(`--seeds "${item}": the range runs backwards`, { seeds: text });
      if (b - a + 1 + out.length > SEEDS_MAX) throw bad(`--seeds "${text}": more than ${SEEDS_MAX} seeds`, { seeds: text });
      for (let s = a; s <= b; s++) out.push(s);
    } else out.push(parseSeed(item, `--seeds "${text}"`));
  }
  return checkSeeds(out, '--seeds');
}

function checkSeeds(seeds: readonly Seed[], where: string): Seed[] {
  if (seeds.length === 0) throw bad(`${where}: no seeds`, {});
  const seen = new Set<string>();
  for (const s of seeds) {
    if (!(typeof s === 'string' ? s.length > 0 : Number.isSafeInteger(s))) throw bad(`${where}: a seed must be an integer or a non-empty string (got ${JSON.stringify(s)})`, {});
    const k = `${typeof s}:${s}`;
    if (seen.has(k)) throw bad(`${where}: seed ${s} is listed twice`, { seed: String(s) });
    seen.add(k);
  }
  return [...seeds];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function optionValue(v: unknown, where: string): StrategyOptionValue {
  if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw bad(`${where}: must be a number, string or boolean (got ${JSON.stringify(v)})`, {});
}

/** A latency of a sweep file: integer ns (a duration, so no time-of-day plausibility rule). */
function latencyNs(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw bad(`${where}: must be integer ns (a string or bigint for full precision)`, {});
}

/** A time of a sweep file: the one time rule (events/ts.ts parseTs): integer ns or ISO-8601; a
 * bare integer that reads as seconds, ms or µs of a recent date is refused, naming the unit. */
function timeNs(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  try {
    return parseTs(v, 'time');
  } catch (e) {
    if (e instanceof ValidationError) {
      throw bad(`${where}: ${e.message.replace(/^.*?field "time" /, '')} (integer ns as a string or bigint, or ISO-8601)`, {});
    }
    throw e;
  }
}

const FILE_KEYS = new Set(['strategy', 'inputs', 'grid', 'options', 'seeds', 'venue', 'risk', 'from', 'to']);

/**
 * A sweep file's content (parsed JSON, or a module's default export) → a spec. Relative paths
 * (strategy, recording inputs, scenario files) are returned as written: file.ts resolves them
 * against the file's directory. `where` names the file in errors.
 *
 *   { "strategy": "strategies/ma-crossover.ts",
 *     "inputs": ["random-walk", "trend", "recordings/btc"],
 *     "grid": { "fast": [5, 10, 20], "slow": [50, 100] },
 *     "options": { "qty": 1 },
 *     "seeds": "1..4"  (or [1, 2, 3, 4]),
 *     "venue": { "latency": "1000000", "fees": { "takerBps": 1 } }, "risk": { "maxPosition": 10 },
 *     "from": "1709303400000000000", "to": "..." }
 */
export function sweepFromObject(value: unknown, where: string): Partial<SweepSpec> {
  if (!isPlainObject(value)) throw bad(`${where}: a sweep must be an object with strategy, inputs, grid, seeds`, { path: where });
  for (const k of Object.keys(value)) if (!FILE_KEYS.has(k)) throw bad(`${where}: unknown key "${k}" (known: ${[...FILE_KEYS].join(', ')})`, { path: where, key: k });
  const out: Partial<SweepSpec> = {};
  if (value.strategy !== undefined) {
    if (typeof value.strategy !== 'string' || value.strategy.length === 0) throw bad(`${where}: "strategy" must be a module path`, { path: where });
    out.strategy = value.strategy;
  }
  if (value.inputs !== undefined) {
    if (!Array.isArray(value.inputs) || value.inputs.some((x) => typeof x !== 'string' || x.length === 0)) {
      throw bad(`${where}: "inputs" must be a list of recording directories or scenarios`, { path: where });
    }
    out.inputs = value.inputs as string[];
  }
  if (value.grid !== undefined) {
    if (!isPlainObject(value.grid)) throw bad(`${where}: "grid" must be an object of option → list of values`, { path: where });
    out.grid = checkGrid(
      Object.entries(value.grid).map(([key, vs]) => {
        if (!Array.isArray(vs)) throw bad(`${where}: grid.${key} must be a list of values`, { path: where, key });
        return checkAxis({ key, values: vs.map((v, i) => optionValue(v, `${where}: grid.${key}[${i}]`)) }, `${where}: grid`);
      }),
    );
  }
  if (value.options !== undefined) {
    if (!isPlainObject(value.options)) throw bad(`${where}: "options" must be an object`, { path: where });
    out.options = Object.fromEntries(Object.entries(value.options).map(([k, v]) => [k, optionValue(v, `${where}: options.${k}`)]));
  }
  if (value.seeds !== undefined) {
    if (typeof value.seeds === 'string') out.seeds = parseSeedsArg(value.seeds);
    else if (Array.isArray(value.seeds)) out.seeds = checkSeeds(value.seeds as Seed[], `${where}: seeds`);
    else throw bad(`${where}: "seeds" must be a list or a range like "1..20"`, { path: where });
  }
  if (value.venue !== undefined) {
    if (!isPlainObject(value.venue)) throw bad(`${where}: "venue" must be an object`, { path: where });
    const venue = { ...value.venue } as Record<string, unknown>;
    const lat = venue.latency;
    if (lat !== undefined) {
      if (isPlainObject(lat)) venue.latency = { minNs: latencyNs(lat.minNs, `${where}: venue.latency.minNs`), maxNs: latencyNs(lat.maxNs, `${where}: venue.latency.maxNs`) };
      else venue.latency = latencyNs(lat, `${where}: venue.latency`);
    }
    out.venue = venue as RunnerVenueOptions;
  }
  if (value.risk !== undefined) {
    if (!isPlainObject(value.risk)) throw bad(`${where}: "risk" must be an object`, { path: where });
    out.risk = value.risk as RiskOptions;
  }
  if (value.from !== undefined) out.from = timeNs(value.from, `${where}: from`);
  if (value.to !== undefined) out.to = timeNs(value.to, `${where}: to`);
  return out;
}

/** A complete spec: strategy and inputs present, defaults filled in, and checks that need all parts. */
export function completeSpec(part: Partial<SweepSpec>): SweepSpec {
  if (part.strategy === undefined) throw bad('sweep: name a strategy (--strategy FILE or "strategy" in the sweep file)', {});
  if (part.inputs === undefined || part.inputs.length === 0) throw bad('sweep: name at least one recording or scenario', {});
  const seen = new Set<string>();
  for (const i of part.inputs) {
    if (seen.has(i)) throw bad(`sweep: input ${i} is listed twice`, { input: i });
    seen.add(i);
  }
  if (part.from !== undefined && part.to !== undefined && part.from > part.to) {
    throw bad(`sweep: from (${part.from}) is after to (${part.to})`, { from: String(part.from), to: String(part.to) });
  }
  const spec: SweepSpec = {
    strategy: part.strategy,
    inputs: [...part.inputs],
    grid: checkGrid(part.grid ?? []),
    options: { ...(part.options ?? {}) },
    seeds: part.seeds ?? [0],
  };
  if (part.venue !== undefined) spec.venue = part.venue;
  if (part.risk !== undefined) spec.risk = part.risk;
  if (part.from !== undefined) spec.from = part.from;
  if (part.to !== undefined) spec.to = part.to;
  return spec;
}

/** The grid's points in order (first axis slowest); one empty point for an empty grid. */
export function gridPoints(axes: readonly GridAxis[]): Record<string, StrategyOptionValue>[] {
  let points: Record<string, StrategyOptionValue>[] = [{}];
  for (const axis of axes) points = points.flatMap((p) => axis.values.map((v) => ({ ...p, [axis.key]: v })));
  return points;
}
