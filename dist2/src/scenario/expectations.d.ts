import type { TapeEvent } from '../events/types.js';
import type { TimeSpec } from './time.js';
export interface FlatWithinExpectation {
    kind: 'flat-within';
    /** Measured from this time... */
    afterTs?: TimeSpec;
    /** ...or from the first system event with this `data.marker`. Exactly one of the two. */
    afterEvent?: string;
    withinMs: number;
    /** Every symbol traded when omitted. */
    symbol?: string;
}
export interface MaxDrawdownExpectation {
    kind: 'max-drawdown';
    below: number;
}
export type Expectation = FlatWithinExpectation | MaxDrawdownExpectation;
export interface ExpectationResult {
    expectation: Expectation;
    ok: boolean;
    /** What was measured, in words; stable for a given run. */
    detail: string;
}
export interface ExpectationInput {
    /** The scenario's start (offsets in `afterTs` are from it). */
    start: bigint;
    /** The events to search for markers and fills: the scenario recording and the backtest's output, in any order. */
    events: Iterable<TapeEvent>;
    /** The run's max drawdown, for `max-drawdown`. */
    maxDrawdown?: number;
}
/** Validates an expectation's shape; throws BAD_ARGUMENT. Used by defineScenario. */
export declare function validateExpectation(e: Expectation, index: number): void;
/** The ts of the first system event carrying each `data.marker`. */
export declare function findMarkers(events: Iterable<TapeEvent>): Map<string, bigint>;
/** Evaluates every expectation; pure (same input, same results). */
export declare function checkExpectations(expectations: readonly Expectation[], input: ExpectationInput): ExpectationResult[];
/** Throws EXPECTATION_FAILED naming the first failed expectation, if any. */
export declare function assertExpectations(results: readonly ExpectationResult[]): void;
