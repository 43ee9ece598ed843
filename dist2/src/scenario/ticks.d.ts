/**
 * The tick process of one symbol: arrival times, the mid-price path, quotes, sizes and trades, with
 * the market injections (crash, blowout) applied and the blackouts (halt, outage) left empty.
 * All times are integer ns offsets from the session start.
 */
import type { Side } from '../events/types.js';
import type { BlowoutPlan, CrashPlan, ResolvedTicks, Window } from './context.js';
import type { SymbolSpec } from './define.js';
import type { Rng } from './rng.js';
export interface RawTick {
    t: number;
    x: number;
    bid: number;
    ask: number;
    bidSize: number;
    askSize: number;
    last?: number;
    lastSize?: number;
    aggressor?: Side;
    volume?: number;
}
export interface TickEnv {
    durationNs: number;
    crashes: readonly CrashPlan[];
    blowouts: readonly BlowoutPlan[];
    /** Halts and outages on this symbol, sorted by from. */
    blackouts: readonly Window[];
    /** The venue's clock error, ns (shared by the venue's symbols). */
    venueClockNs: number;
}
export declare function simulateTicks(spec: SymbolSpec, o: ResolvedTicks, env: TickEnv, rng: Rng): RawTick[];
