/**
 * The byte layout of every DBN record, per DBN version, as field tables. Source of truth:
 * Databento's `dbn` crate (release 0.54.0): `rust/dbn/src/record.rs` (v3, the current version),
 * `compat.rs` (the v1/v2 structs that differ) and the layout tests that pin each struct's size and
 * its absence of padding. Every record is little-endian and `#[repr(C)]` with no implicit padding,
 * so a field's offset is the sum of the sizes before it; `length` in the header counts 32-bit words.
 *
 * One table serves the decoder and the encoder, so a record decoded and re-encoded with the same
 * table gives back the same bytes (reserved bytes included: they are kept as `_reserved*` values).
 *
 *   header (16 bytes): length u8 (words), rtype u8, publisher_id u16, instrument_id u32, ts_event u64
 */
/** Field kinds: integers, a C char (one byte, kept as a 1-char string), a fixed-size C string,
 * raw bytes, or the MBP bid/ask levels. */
export type FieldKind = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'char' | {
    cstr: number;
} | {
    bytes: number;
} | {
    levels: number;
};
export type Field = readonly [name: string, kind: FieldKind];
export declare const HEADER_BYTES = 16;
export declare const BID_ASK_PAIR_BYTES = 32;
/** The largest record any version has: a v3 definition (520) plus ts_out (8). */
export declare const RECORD_BYTES_MAX = 528;
/** Record types (`rtype`), from `enums.rs`. */
export declare const RTYPE: {
    readonly MBP_0: 0;
    readonly MBP_1: 1;
    readonly MBP_10: 10;
    readonly OHLCV_DEPRECATED: 17;
    readonly STATUS: 18;
    readonly INSTRUMENT_DEF: 19;
    readonly IMBALANCE: 20;
    readonly ERROR: 21;
    readonly SYMBOL_MAPPING: 22;
    readonly SYSTEM: 23;
    readonly STATISTICS: 24;
    readonly OHLCV_1S: 32;
    readonly OHLCV_1M: 33;
    readonly OHLCV_1H: 34;
    readonly OHLCV_1D: 35;
    readonly OHLCV_EOD: 36;
    readonly MBO: 160;
    readonly CMBP_1: 177;
    readonly CBBO_1S: 192;
    readonly CBBO_1M: 193;
    readonly TCBBO: 194;
    readonly BBO_1S: 195;
    readonly BBO_1M: 196;
};
/** The record kinds tapedeck reads; each rtype belongs to one. */
export type RecordKind = 'mbo' | 'trade' | 'mbp1' | 'mbp10' | 'bbo' | 'cmbp1' | 'cbbo' | 'ohlcv' | 'status' | 'definition' | 'imbalance' | 'statistics' | 'error' | 'symbol_mapping' | 'system';
export declare const RTYPE_KIND: ReadonlyMap<number, RecordKind>;
/** `schema` in the metadata header (u16; 0xFFFF = none: mixed), from `enums.rs`. */
export declare const SCHEMAS: readonly ["mbo", "mbp-1", "mbp-10", "tbbo", "trades", "ohlcv-1s", "ohlcv-1m", "ohlcv-1h", "ohlcv-1d", "definition", "statistics", "status", "imbalance", "ohlcv-eod", "cmbp-1", "cbbo-1s", "cbbo-1m", "tcbbo", "bbo-1s", "bbo-1m"];
export type DbnSchema = (typeof SCHEMAS)[number];
/** Symbology types (`stype_in`/`stype_out`, u8; 0xFF = none). */
export declare const STYPES: readonly ["instrument_id", "raw_symbol", "smart", "continuous", "parent", "nasdaq_symbol", "cms_symbol", "isin", "us_code", "bbg_comp_id", "bbg_comp_ticker", "figi", "figi_ticker"];
/** Fixed-point prices: units of 1e-9. */
export declare const PRICE_SCALE_DIGITS = 9;
/** Undefined-value sentinels: a field holding one of these is absent. */
export declare const UNDEF_PRICE = 9223372036854775807n;
export declare const UNDEF_ORDER_SIZE = 4294967295;
export declare const UNDEF_TIMESTAMP = 18446744073709551615n;
export declare const UNDEF_STAT_QUANTITY_V1 = 2147483647;
export declare const UNDEF_STAT_QUANTITY_V3 = 9223372036854775807n;
/** `flags` bits (`flags.rs`). */
export declare const FLAG: {
    readonly LAST: number;
    readonly TOB: number;
    readonly SNAPSHOT: number;
    readonly MBP: number;
    readonly BAD_TS_RECV: number;
    readonly MAYBE_BAD_BOOK: number;
    readonly PUBLISHER_SPECIFIC: number;
};
export type DbnVersion = 1 | 2 | 3;
/** The body fields (after the header) of a kind in a DBN version. */
export declare function bodyFields(kind: RecordKind, version: DbnVersion): readonly Field[];
export declare function fieldBytes(kind: FieldKind): number;
/** Header + body bytes of a kind in a version (without ts_out). */
export declare function recordBytes(kind: RecordKind, version: DbnVersion): number;
/** Fields whose value is a fixed-point price (1e-9 units, UNDEF_PRICE = absent). */
export declare const PRICE_FIELDS: ReadonlySet<string>;
