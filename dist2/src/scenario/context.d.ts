import type { FlatMap, RiskSeverity, SystemKind } from '../events/types.js';
import type { Scenario, SymbolSpec } from './define.js';
import type { Rng } from './rng.js';
import type { TimeSpec } from './time.js';
/**
 * The tick process of a symbol. Drift and volatility are per hour and relative to price, for both
 * models (0.01 volatility: a 1% standard deviation of the price over an hour):
 * - 'gbm': geometric Brownian motion, dP/P = drift dt + volatility dW (t in hours).
 * - 'random-walk': arithmetic, dP = P0 (drift dt + volatility dW), reflected to stay >= one tick.
 */
export interface TickOptions {
    model?: 'random-walk' | 'gbm';
    /** Default 0. */
    drift?: number;
    /** Default 0.01. */
    volatility?: number;
    /** Quoted spread in bps of mid (default 2); or `spread` for the full model. */
    spreadBps?: number;
    spread?: SpreadModel;
    /** Quote and trade sizes. */
    size?: SizeModel;
    /** Mean ticks per second (default 20). */
    ratePerSec?: number;
    /**
     * 'poisson': exponential inter-arrivals. 'bursty' (default): clustered — activity alternates
     * between busy and quiet spells, and some packets carry several updates with the same ts.
     */
    arrival?: 'poisson' | 'bursty';
    /** Share of ticks that report a trade (last/lastSize/aggressor/volume); default 0.3. */
    tradeProb?: number;
}
export interface SpreadModel {
    bps: number;
    /** Never narrower than this many ticks (default 1). */
    minTicks?: number;
    /** Log-normal dispersion of the spread around `bps` (default 0.25). */
    jitter?: number;
}
export interface SizeModel {
    /** Mean size in units (default 100 lots). */
    mean?: number;
    /** Log-normal dispersion (default 0.6). */
    dispersion?: number;
}
/** Which symbols an injection touches: one, several, or (omitted) all. */
export type SymbolScope = string | readonly string[];
export interface FlashCrashOptions {
    symbol?: SymbolScope;
    at: TimeSpec;
    /** How far the mid falls, in percent (8 = 8%). */
    depthPct: number;
    /** Time from the bottom back to the path the price would have followed. */
    recoverySec: number;
    /** Time from `at` to the bottom (default: a quarter of recoverySec, at most 2 s). */
    dropSec?: number;
    /** The marker name (default 'flash-crash'). */
    label?: string;
}
export interface HaltOptions {
    symbol?: SymbolScope;
    from: TimeSpec;
    to: TimeSpec;
    reason?: string;
    label?: string;
}
export interface SpreadBlowoutOptions {
    symbol?: SymbolScope;
    at: TimeSpec;
    durationSec: number;
    /** Spread multiplier (> 0; 10 = ten times wider). */
    factor: number;
    label?: string;
}
export interface FeedOutageOptions {
    symbol?: SymbolScope;
    /** Only the symbols of this venue (default: every venue). */
    venue?: string;
    at: TimeSpec;
    durationSec: number;
    label?: string;
}
/**
 * Feed faults. With `at`: the first `count` (default 1) matching ticks at or after `at`. With `rate`:
 * each matching tick in [from, to) (default: the session) with that probability, at most `count`.
 */
export interface FaultWindow {
    symbol?: SymbolScope;
    at?: TimeSpec;
    rate?: number;
    count?: number;
    from?: TimeSpec;
    to?: TimeSpec;
}
/** A duplicate is an exact copy of a tick packet (same ts, exchTs, prices), as an un-arbitrated A/B feed delivers. */
export type DuplicatesOptions = FaultWindow;
/**
 * A late packet: its exchTs is set 1 ns to `maxSkewMs` before the latest exchTs seen for its symbol,
 * while its ts (arrival, the recording's axis) stays in order.
 */
export interface OutOfOrderOptions extends FaultWindow {
    maxSkewMs: number;
}
export interface RiskSpec {
    rule: string;
    severity: RiskSeverity;
    detail: string;
    symbol?: string;
    value?: number;
    limit?: number;
}
export interface SystemSpec {
    kind: SystemKind;
    message: string;
    data?: FlatMap;
}
export interface ScenarioContext {
    /** Seeded from the scenario seed; for randomness in the script itself (e.g. a random crash time). */
    readonly rng: Rng;
    readonly start: bigint;
    readonly end: bigint;
    readonly durationMs: number;
    readonly symbols: readonly SymbolSpec[];
    /** Absolute ns of a time spec (offsets are from start). */
    at(t: TimeSpec): bigint;
    ticks(symbol: SymbolScope, options?: TickOptions): ScenarioContext;
    flashCrash(options: FlashCrashOptions): ScenarioContext;
    halt(options: HaltOptions): ScenarioContext;
    spreadBlowout(options: SpreadBlowoutOptions): ScenarioContext;
    feedOutage(options: FeedOutageOptions): ScenarioContext;
    duplicates(options: DuplicatesOptions): ScenarioContext;
    outOfOrder(options: OutOfOrderOptions): ScenarioContext;
    risk(at: TimeSpec, spec: RiskSpec): ScenarioContext;
    system(at: TimeSpec, spec: SystemSpec): ScenarioContext;
}
export interface ResolvedTicks {
    model: 'random-walk' | 'gbm';
    drift: number;
    volatility: number;
    spreadBps: number;
    minSpreadTicks: number;
    spreadJitter: number;
    sizeMean: number;
    sizeDispersion: number;
    ratePerSec: number;
    arrival: 'poisson' | 'bursty';
    tradeProb: number;
}
/** A window [from, to) in ns offsets, on a set of symbol indexes. */
export interface Window {
    syms: ReadonlySet<number>;
    from: number;
    to: number;
}
export interface CrashPlan extends Window {
    bottom: number;
    depth: number;
}
export interface BlowoutPlan extends Window {
    factor: number;
}
export interface FaultPlan {
    syms: ReadonlySet<number>;
    at?: number;
    rate?: number;
    count: number;
    from: number;
    to: number;
    maxSkewNs: number;
}
export interface ExtraEvent {
    t: number;
    /** A system or risk event without ts and runId. */
    body: Record<string, unknown> & {
        type: 'system' | 'risk';
    };
}
export interface Plan {
    ticks: Map<number, ResolvedTicks>;
    crashes: CrashPlan[];
    halts: Window[];
    blowouts: BlowoutPlan[];
    outages: Window[];
    duplicates: FaultPlan[];
    outOfOrder: FaultPlan[];
    extras: ExtraEvent[];
}
export declare function createContext(scenario: Scenario, rng: Rng): {
    ctx: ScenarioContext;
    plan: Plan;
};
