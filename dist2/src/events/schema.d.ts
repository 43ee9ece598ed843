/**
 * The field table of every event type: one source of truth for validation, canonical JSON key
 * order and the positional binary layout. The order of each list is the declared order in
 * types.ts and is part of the stored format: new optional fields may only be appended.
 */
import type { EventType } from './types.js';
/**
 * id: non-empty string · text: any string · enum: one of `values` · num: finite number ·
 * nonneg: finite ≥ 0 · pos: finite > 0 · ns: int64 bigint ≥ 0 · map: flat map of string | number.
 */
export type FieldKind = 'id' | 'text' | 'enum' | 'num' | 'nonneg' | 'pos' | 'ns' | 'map';
export interface FieldSpec<N extends string = string> {
    readonly name: N;
    readonly kind: FieldKind;
    readonly optional: boolean;
    readonly values?: ReadonlySet<string>;
}
export interface TypeSpec {
    readonly fields: readonly FieldSpec[];
    /** Every own key an event of this type may carry (base keys included). */
    readonly allowed: ReadonlySet<string>;
    /** Payload array bounds: [runId, cause, ...fields] up to the last required field / all fields. */
    readonly minLen: number;
    readonly maxLen: number;
}
/** Keys every event may carry, in canonical order (seq is the log's, see docs/EVENTS.md). */
export declare const BASE_KEYS: readonly ["type", "ts", "runId", "seq", "cause"];
export declare const SPECS: {
    readonly [T in EventType]: TypeSpec;
};
export declare function specOf(type: string): TypeSpec | undefined;
/** Largest ts/exchTs: int64 max (2262-04-11T23:47:16.854775807Z). */
export declare const INT64_MAX = 9223372036854775807n;
export declare function isWellFormed(s: string): boolean;
/**
 * Code point order (= UTF-8 byte order), the canonical order of map keys. Plain `<` compares
 * UTF-16 code units, which puts U+E000..U+FFFF after astral characters.
 */
export declare function compareCodePoints(a: string, b: string): number;
export declare function sortedKeys(map: object): string[];
