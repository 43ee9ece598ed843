import { type EventType, type TapeEvent } from '../events/types.js';
export interface DiffOptions {
    /** Only events of this run, on both sides. */
    runId?: string;
    types?: readonly EventType[];
    /** Inclusive ts bounds (ns), on both sides. */
    from?: bigint;
    to?: bigint;
    /** Fields left out of the comparison: any event field, or 'ts', 'runId', 'cause', 'seq', 'type'. */
    ignoreFields?: readonly string[];
    /** Compare seq too (off by default, see above). */
    compareSeq?: boolean;
}
export interface FieldDifference {
    field: string;
    /** The value on each side; undefined when the field is absent there. */
    a: unknown;
    b: unknown;
}
export interface EventRef {
    seq: number;
    ts: bigint;
    type: EventType;
}
export interface Divergence {
    /** 0-based position in the filtered event streams. */
    index: number;
    /** Null when that side has no event at this position (it ended). */
    a: EventRef | null;
    b: EventRef | null;
    /** The differing fields (empty when one side has ended). */
    fields: FieldDifference[];
}
export interface DiffCounts {
    /** Events in each filtered stream. */
    a: number;
    b: number;
    same: number;
    changed: number;
    onlyInA: number;
    onlyInB: number;
}
export type DiffResult = {
    identical: true;
    counts: DiffCounts;
} | {
    identical: false;
    first: Divergence;
    counts: DiffCounts;
};
/** Every field name an event can have: what --ignore-fields accepts. */
export declare const KNOWN_FIELDS: ReadonlySet<string>;
export declare function diffRecordings(a: string, b: string, opts?: DiffOptions): DiffResult;
/** The differing fields of two events, in canonical field order (base keys, then a's type's fields, then b's). */
export declare function compareEvents(a: TapeEvent, b: TapeEvent, ignore?: ReadonlySet<string>): FieldDifference[];
/** A field value for people: strings quoted, ns exact, -0 kept, absent spelled out. */
export declare function formatFieldValue(v: unknown): string;
/** A JSON-safe copy: bigint → decimal string, undefined → null, -0 → "-0". */
export declare function toJsonValue(v: unknown): unknown;
