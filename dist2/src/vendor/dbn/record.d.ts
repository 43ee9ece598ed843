/**
 * Pure codec of one DBN record: bytes ⇄ a plain object named after the DBN fields, driven by the
 * tables in `layout.ts`. 64-bit fields are bigint, narrower integers numbers, C chars one-character
 * strings, C strings the text before the first NUL, reserved bytes kept as bytes, MBP levels an
 * array of bid/ask pairs. `encodeRecord(decodeRecord(b)) = b` for every record whose C strings are
 * NUL-padded (as Databento writes them).
 */
import { type DbnVersion, type FieldKind, type RecordKind } from './layout.js';
export interface BidAskPair {
    bid_px: bigint;
    ask_px: bigint;
    bid_sz: number;
    ask_sz: number;
    bid_ct: number;
    ask_ct: number;
}
export type FieldValue = number | bigint | string | Uint8Array | BidAskPair[];
/** A decoded record: the header fields, the body fields by their DBN names, and ts_out if present. */
export interface DbnRecord {
    kind: RecordKind;
    rtype: number;
    publisher_id: number;
    instrument_id: number;
    ts_event: bigint;
    /** The send time, present when the metadata says `ts_out`. */
    ts_out?: bigint;
    [field: string]: FieldValue | undefined;
}
interface Compiled {
    fields: readonly (readonly [string, FieldKind, number])[];
    bytes: number;
}
/** Field offsets of a kind in a version, computed once. */
export declare function layoutOf(kind: RecordKind, version: DbnVersion): Compiled;
/** The kind of an rtype, or undefined when tapedeck has no layout for it. */
export declare function kindOfRtype(rtype: number): RecordKind | undefined;
/**
 * Decodes the record at `off` (its length already checked to be at least the layout's size plus
 * ts_out). `v` must view the same bytes as `b`.
 */
export declare function decodeRecord(b: Uint8Array, v: DataView, off: number, kind: RecordKind, version: DbnVersion, tsOut: boolean): DbnRecord;
/** Bytes of a record of this kind in this version, with ts_out when asked. */
export declare function encodedBytes(kind: RecordKind, version: DbnVersion, tsOut: boolean): number;
/**
 * Writes `r` at `off` of `b` (which must have room for `encodedBytes`). Absent reserved bytes are
 * zeros; absent ts_out is an error when `tsOut`. Returns the record's byte length.
 */
export declare function encodeRecord(r: DbnRecord, version: DbnVersion, tsOut: boolean, b: Uint8Array, off: number): number;
export {};
