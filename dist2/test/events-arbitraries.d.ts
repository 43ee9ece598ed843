/**
 * fast-check arbitraries of valid events, in validated form (NFC strings, no -0, canonical keys,
 * no seq), for anyone's property tests: `arbEvent`, `arbEventOf('fill')`, and the field pieces.
 */
import fc from 'fast-check';
import type { EventType, FillEvent, FlatMap, OrderEvent, RiskEvent, SignalEvent, SystemEvent, TapeEvent, TickEvent } from '../src/events/types.js';
/** Any well-formed NFC string (full Unicode, some ASCII-heavy), optionally non-empty. */
export declare const arbText: (minLength?: number) => fc.Arbitrary<string>;
export declare const arbId: () => fc.Arbitrary<string>;
/** Finite doubles with small integers, large integers and fractions all well represented. */
export declare const arbNum: () => fc.Arbitrary<number>;
export declare const arbNonNeg: () => fc.Arbitrary<number>;
export declare const arbPos: () => fc.Arbitrary<number>;
export declare const arbNs: () => fc.Arbitrary<bigint>;
export declare const arbCount: () => fc.Arbitrary<number>;
export declare const arbFlatMap: () => fc.Arbitrary<FlatMap>;
export declare const arbTick: () => fc.Arbitrary<TickEvent>;
export declare const arbOrder: () => fc.Arbitrary<OrderEvent>;
export declare const arbFill: () => fc.Arbitrary<FillEvent>;
export declare const arbSignal: () => fc.Arbitrary<SignalEvent>;
export declare const arbRisk: () => fc.Arbitrary<RiskEvent>;
export declare const arbSystem: () => fc.Arbitrary<SystemEvent>;
export declare const arbEventOf: (type: EventType) => fc.Arbitrary<TapeEvent>;
export declare const arbEvent: () => fc.Arbitrary<TapeEvent>;
