/**
 * `defineScenario`: the typed, validated description of a scenario script. Defining generates
 * nothing; `generateScenario` runs `build(ctx)` and produces the events.
 */
import { TapedeckError } from '../errors.js';
import { SEED_RULE, seedProblem } from '../util/seed.js';
import type { ScenarioContext } from './context.js';
import type { Expectation } from './expectations.js';
import { validateExpectation } from './expectations.js';
import type { DurationSpec } from './time.js';
import { parseDurationNs, parseStartNs } from './time.js';

export interface SymbolSpec {
  symbol: string;
  venue: string;
  /** The initial mid price. */
  price: number;
  /** Quotes and trades land on multiples of this. */
  tickSize: number;
  /** Sizes are positive multiples of this (1: integer sizes; 0.001: decimal). */
  lotSize: number;
}

/** A string is a symbol on venue `sim` at price 100, tick 0.01, lot 1. */
export type SymbolInput = string | { symbol: string; venue?: string; price?: number; tickSize?: number; lotSize?: number };

/**
 * The strategy a scenario is meant to exercise. `path` is relative to the scenario module's own file
 * (for a compiled scenario, dist/scenarios/x.js → dist/scenarios/strategies/...), so it names the
 * `.js` module the runner imports. `options` are passed to the strategy and recorded in the manifest.
 */
export interface StrategyRef {
  path: string;
  options?: Readonly<Record<string, string | number | boolean>>;
}

export interface ScenarioDefinition {
  name: string;
  description: string;
  seed: number | string;
  /** bigint ns since the epoch, or an ISO-8601 string with its zone. */
  start: bigint | string;
  /** ms, or a string like '10m', '30s'. */
  duration: DurationSpec;
  symbols: readonly SymbolInput[];
  build(ctx: ScenarioContext): void;
  strategy?: string | StrategyRef;
  expectations?: readonly Expectation[];
}

export interface Scenario {
  readonly kind: 'tapedeck-scenario';
  readonly name: string;
  readonly description: string;
  readonly seed: number | string;
  readonly start: bigint;
  readonly durationNs: number;
  /** start + duration: the session-end ts. */
  readonly end: bigint;
  readonly symbols: readonly SymbolSpec[];
  readonly build: (ctx: ScenarioContext) => void;
  readonly strategy?: StrategyRef;
  readonly expectations: readonly Expectation[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function defineScenario(def: ScenarioDefinition): Scenario {
  const bad = (field: string, msg: string, value?: unknown): never => {
    throw new TapedeckError('BAD_ARGUMENT', `scenario${typeof def?.name === 'string' ? ` ${def.name}` : ''}: ${field} ${msg}`, { field, value });
  };
  if (def === null || typeof def !== 'object') bad('definition', 'must be an object');
  // The name becomes part of runIds and file names: keep it path- and shell-safe.
  if (typeof def.name !== 'string' || !NAME.test(def.name)) bad('name', 'must be letters, digits, ".", "_" or "-"', def.name);
  if (typeof def.description !== 'string') bad('description', 'must be a string');
  if (seedProblem(def.seed) !== null) bad('seed', `must be ${SEED_RULE}`, def.seed);
  if (typeof def.build !== 'function') bad('build', 'must be a function');
  const start = parseStartNs(def.start, 'start');
  const durationNs = parseDurationNs(def.duration, 'duration');
  if (durationNs <= 0) bad('duration', 'must be positive', def.duration);
  if (!Array.isArray(def.symbols) || def.symbols.length === 0) bad('symbols', 'must be a non-empty array');
  const symbols = def.symbols.map((s, i) => normalizeSymbol(s, i, bad));
  const seen = new Set<string>();
  for (const s of symbols) {
    if (seen.has(s.symbol)) bad('symbols', `lists ${s.symbol} twice`, s.symbol);
    seen.add(s.symbol);
  }
  let strategy: StrategyRef | undefined;
  if (def.strategy !== undefined) {
    strategy = typeof def.strategy === 'string' ? { path: def.strategy } : { ...def.strategy };
    if (typeof strategy.path !== 'string' || strategy.path.length === 0) bad('strategy.path', 'must be a non-empty path', strategy.path);
  }
  const expectations = [...(def.expectations ?? [])];
  expectations.forEach((e, i) => validateExpectation(e, i));
  const scenario: Scenario = {
    kind: 'tapedeck-scenario',
    name: def.name,
    description: def.description,
    seed: def.seed,
    start,
    durationNs,
    end: start + BigInt(durationNs),
    symbols,
    build: def.build,
    ...(strategy ? { strategy } : {}),
    expectations,
  };
  return Object.freeze(scenario);
}

function normalizeSymbol(s: SymbolInput, i: number, bad: (f: string, m: string, v?: unknown) => never): SymbolSpec {
  const o = typeof s === 'string' ? { symbol: s } : s;
  const f = `symbols[${i}]`;
  if (o === null || typeof o !== 'object' || typeof o.symbol !== 'string' || o.symbol.length === 0) return bad(f, 'needs a symbol name', s);
  const spec: SymbolSpec = {
    symbol: o.symbol,
    venue: o.venue ?? 'sim',
    price: o.price ?? 100,
    tickSize: o.tickSize ?? 0.01,
    lotSize: o.lotSize ?? 1,
  };
  if (typeof spec.venue !== 'string' || spec.venue.length === 0) bad(`${f}.venue`, 'must be a non-empty string', spec.venue);
  for (const k of ['price', 'tickSize', 'lotSize'] as const) {
    if (!(spec[k] > 0) || !Number.isFinite(spec[k])) bad(`${f}.${k}`, 'must be a finite number > 0', spec[k]);
  }
  if (spec.price < spec.tickSize) bad(`${f}.price`, 'must be at least one tick', spec.price);
  decimalsOf(spec.tickSize, `${f}.tickSize`);
  decimalsOf(spec.lotSize, `${f}.lotSize`);
  return spec;
}

/** The decimal places of a grid step (0.01 → 2, 0.25 → 2, 5 → 0); values are rounded with toFixed(d). */
export function decimalsOf(step: number, field = 'step'): number {
  for (let d = 0; d <= 12; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return d;
  }
  throw new TapedeckError('BAD_ARGUMENT', `${field}: ${step} has more than 12 decimal places`, { field, value: step });
}

export function isScenario(x: unknown): x is Scenario {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'tapedeck-scenario';
}
