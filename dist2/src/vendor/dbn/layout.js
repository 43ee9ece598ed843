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
export const HEADER_BYTES = 16;
export const BID_ASK_PAIR_BYTES = 32;
/** The largest record any version has: a v3 definition (520) plus ts_out (8). */
export const RECORD_BYTES_MAX = 528;
/** Record types (`rtype`), from `enums.rs`. */
export const RTYPE = {
    MBP_0: 0x00,
    MBP_1: 0x01,
    MBP_10: 0x0a,
    OHLCV_DEPRECATED: 0x11,
    STATUS: 0x12,
    INSTRUMENT_DEF: 0x13,
    IMBALANCE: 0x14,
    ERROR: 0x15,
    SYMBOL_MAPPING: 0x16,
    SYSTEM: 0x17,
    STATISTICS: 0x18,
    OHLCV_1S: 0x20,
    OHLCV_1M: 0x21,
    OHLCV_1H: 0x22,
    OHLCV_1D: 0x23,
    OHLCV_EOD: 0x24,
    MBO: 0xa0,
    CMBP_1: 0xb1,
    CBBO_1S: 0xc0,
    CBBO_1M: 0xc1,
    TCBBO: 0xc2,
    BBO_1S: 0xc3,
    BBO_1M: 0xc4,
};
export const RTYPE_KIND = new Map([
    [RTYPE.MBO, 'mbo'],
    [RTYPE.MBP_0, 'trade'],
    [RTYPE.MBP_1, 'mbp1'],
    [RTYPE.MBP_10, 'mbp10'],
    [RTYPE.BBO_1S, 'bbo'],
    [RTYPE.BBO_1M, 'bbo'],
    [RTYPE.CMBP_1, 'cmbp1'],
    [RTYPE.TCBBO, 'cmbp1'],
    [RTYPE.CBBO_1S, 'cbbo'],
    [RTYPE.CBBO_1M, 'cbbo'],
    [RTYPE.OHLCV_DEPRECATED, 'ohlcv'],
    [RTYPE.OHLCV_1S, 'ohlcv'],
    [RTYPE.OHLCV_1M, 'ohlcv'],
    [RTYPE.OHLCV_1H, 'ohlcv'],
    [RTYPE.OHLCV_1D, 'ohlcv'],
    [RTYPE.OHLCV_EOD, 'ohlcv'],
    [RTYPE.STATUS, 'status'],
    [RTYPE.INSTRUMENT_DEF, 'definition'],
    [RTYPE.IMBALANCE, 'imbalance'],
    [RTYPE.STATISTICS, 'statistics'],
    [RTYPE.ERROR, 'error'],
    [RTYPE.SYMBOL_MAPPING, 'symbol_mapping'],
    [RTYPE.SYSTEM, 'system'],
]);
/** `schema` in the metadata header (u16; 0xFFFF = none: mixed), from `enums.rs`. */
export const SCHEMAS = [
    'mbo',
    'mbp-1',
    'mbp-10',
    'tbbo',
    'trades',
    'ohlcv-1s',
    'ohlcv-1m',
    'ohlcv-1h',
    'ohlcv-1d',
    'definition',
    'statistics',
    'status',
    'imbalance',
    'ohlcv-eod',
    'cmbp-1',
    'cbbo-1s',
    'cbbo-1m',
    'tcbbo',
    'bbo-1s',
    'bbo-1m',
];
/** Symbology types (`stype_in`/`stype_out`, u8; 0xFF = none). */
export const STYPES = [
    'instrument_id',
    'raw_symbol',
    'smart',
    'continuous',
    'parent',
    'nasdaq_symbol',
    'cms_symbol',
    'isin',
    'us_code',
    'bbg_comp_id',
    'bbg_comp_ticker',
    'figi',
    'figi_ticker',
];
/** Fixed-point prices: units of 1e-9. */
export const PRICE_SCALE_DIGITS = 9;
/** Undefined-value sentinels: a field holding one of these is absent. */
export const UNDEF_PRICE = 0x7fffffffffffffffn;
export const UNDEF_ORDER_SIZE = 0xffff_ffff;
export const UNDEF_TIMESTAMP = 0xffffffffffffffffn;
export const UNDEF_STAT_QUANTITY_V1 = 0x7fff_ffff;
export const UNDEF_STAT_QUANTITY_V3 = 0x7fffffffffffffffn;
/** `flags` bits (`flags.rs`). */
export const FLAG = {
    LAST: 1 << 7,
    TOB: 1 << 6,
    SNAPSHOT: 1 << 5,
    MBP: 1 << 4,
    BAD_TS_RECV: 1 << 3,
    MAYBE_BAD_BOOK: 1 << 2,
    PUBLISHER_SPECIFIC: 1 << 1,
};
const HEADER = [
    ['length', 'u8'],
    ['rtype', 'u8'],
    ['publisher_id', 'u16'],
    ['instrument_id', 'u32'],
    ['ts_event', 'u64'],
];
const MBO = [
    ['order_id', 'u64'],
    ['price', 'i64'],
    ['size', 'u32'],
    ['flags', 'u8'],
    ['channel_id', 'u8'],
    ['action', 'char'],
    ['side', 'char'],
    ['ts_recv', 'u64'],
    ['ts_in_delta', 'i32'],
    ['sequence', 'u32'],
];
const TRADE = [
    ['price', 'i64'],
    ['size', 'u32'],
    ['action', 'char'],
    ['side', 'char'],
    ['flags', 'u8'],
    ['depth', 'u8'],
    ['ts_recv', 'u64'],
    ['ts_in_delta', 'i32'],
    ['sequence', 'u32'],
];
const BBO = [
    ['price', 'i64'],
    ['size', 'u32'],
    ['_reserved1', { bytes: 1 }],
    ['side', 'char'],
    ['flags', 'u8'],
    ['_reserved2', { bytes: 1 }],
    ['ts_recv', 'u64'],
    ['_reserved3', { bytes: 4 }],
    ['sequence', 'u32'],
    ['levels', { levels: 1 }],
];
/** CMBP-1/TCBBO and CBBO carry consolidated pairs (same 32 bytes; the counts are publisher ids). */
const CMBP1 = [
    ['price', 'i64'],
    ['size', 'u32'],
    ['action', 'char'],
    ['side', 'char'],
    ['flags', 'u8'],
    ['_reserved1', { bytes: 1 }],
    ['ts_recv', 'u64'],
    ['ts_in_delta', 'i32'],
    ['_reserved2', { bytes: 4 }],
    ['levels', { levels: 1 }],
];
const CBBO = [
    ['price', 'i64'],
    ['size', 'u32'],
    ['_reserved1', { bytes: 1 }],
    ['side', 'char'],
    ['flags', 'u8'],
    ['_reserved2', { bytes: 1 }],
    ['ts_recv', 'u64'],
    ['_reserved3', { bytes: 8 }],
    ['levels', { levels: 1 }],
];
const OHLCV = [
    ['open', 'i64'],
    ['high', 'i64'],
    ['low', 'i64'],
    ['close', 'i64'],
    ['volume', 'u64'],
];
const STATUS = [
    ['ts_recv', 'u64'],
    ['action', 'u16'],
    ['reason', 'u16'],
    ['trading_event', 'u16'],
    ['is_trading', 'char'],
    ['is_quoting', 'char'],
    ['is_short_sell_restricted', 'char'],
    ['_reserved', { bytes: 7 }],
];
const IMBALANCE = [
    ['ts_recv', 'u64'],
    ['ref_price', 'i64'],
    ['auction_time', 'u64'],
    ['cont_book_clr_price', 'i64'],
    ['auct_interest_clr_price', 'i64'],
    ['ssr_filling_price', 'i64'],
    ['ind_match_price', 'i64'],
    ['upper_collar', 'i64'],
    ['lower_collar', 'i64'],
    ['paired_qty', 'u32'],
    ['total_imbalance_qty', 'u32'],
    ['market_imbalance_qty', 'u32'],
    ['unpaired_qty', 'u32'],
    ['auction_type', 'char'],
    ['side', 'char'],
    ['auction_status', 'u8'],
    ['freeze_status', 'u8'],
    ['num_extensions', 'u8'],
    ['unpaired_side', 'char'],
    ['significant_imbalance', 'char'],
    ['_reserved', { bytes: 1 }],
];
const STAT_V1 = [
    ['ts_recv', 'u64'],
    ['ts_ref', 'u64'],
    ['price', 'i64'],
    ['quantity', 'i32'],
    ['sequence', 'u32'],
    ['ts_in_delta', 'i32'],
    ['stat_type', 'u16'],
    ['channel_id', 'u16'],
    ['update_action', 'u8'],
    ['stat_flags', 'u8'],
    ['_reserved', { bytes: 6 }],
];
const STAT_V3 = [
    ['ts_recv', 'u64'],
    ['ts_ref', 'u64'],
    ['price', 'i64'],
    ['quantity', 'i64'],
    ['sequence', 'u32'],
    ['ts_in_delta', 'i32'],
    ['stat_type', 'u16'],
    ['channel_id', 'u16'],
    ['update_action', 'u8'],
    ['stat_flags', 'u8'],
    ['_reserved', { bytes: 18 }],
];
const ERROR_V1 = [['err', { cstr: 64 }]];
const ERROR_V2 = [
    ['err', { cstr: 302 }],
    ['code', 'u8'],
    ['is_last', 'u8'],
];
const SYSTEM_V1 = [['msg', { cstr: 64 }]];
const SYSTEM_V2 = [
    ['msg', { cstr: 303 }],
    ['code', 'u8'],
];
const SYMBOL_MAPPING_V1 = [
    ['stype_in_symbol', { cstr: 22 }],
    ['stype_out_symbol', { cstr: 22 }],
    ['_dummy', { bytes: 4 }],
    ['start_ts', 'u64'],
    ['end_ts', 'u64'],
];
const SYMBOL_MAPPING_V2 = [
    ['stype_in', 'u8'],
    ['stype_in_symbol', { cstr: 71 }],
    ['stype_out', 'u8'],
    ['stype_out_symbol', { cstr: 71 }],
    ['start_ts', 'u64'],
    ['end_ts', 'u64'],
];
const DEFINITION_V1 = [
    ['ts_recv', 'u64'],
    ['min_price_increment', 'i64'],
    ['display_factor', 'i64'],
    ['expiration', 'u64'],
    ['activation', 'u64'],
    ['high_limit_price', 'i64'],
    ['low_limit_price', 'i64'],
    ['max_price_variation', 'i64'],
    ['trading_reference_price', 'i64'],
    ['unit_of_measure_qty', 'i64'],
    ['min_price_increment_amount', 'i64'],
    ['price_ratio', 'i64'],
    ['inst_attrib_value', 'i32'],
    ['underlying_id', 'u32'],
    ['raw_instrument_id', 'u32'],
    ['market_depth_implied', 'i32'],
    ['market_depth', 'i32'],
    ['market_segment_id', 'u32'],
    ['max_trade_vol', 'u32'],
    ['min_lot_size', 'i32'],
    ['min_lot_size_block', 'i32'],
    ['min_lot_size_round_lot', 'i32'],
    ['min_trade_vol', 'u32'],
    ['_reserved2', { bytes: 4 }],
    ['contract_multiplier', 'i32'],
    ['decay_quantity', 'i32'],
    ['original_contract_size', 'i32'],
    ['_reserved3', { bytes: 4 }],
    ['trading_reference_date', 'u16'],
    ['appl_id', 'i16'],
    ['maturity_year', 'u16'],
    ['decay_start_date', 'u16'],
    ['channel_id', 'u16'],
    ['currency', { cstr: 4 }],
    ['settl_currency', { cstr: 4 }],
    ['secsubtype', { cstr: 6 }],
    ['raw_symbol', { cstr: 22 }],
    ['group', { cstr: 21 }],
    ['exchange', { cstr: 5 }],
    ['asset', { cstr: 7 }],
    ['cfi', { cstr: 7 }],
    ['security_type', { cstr: 7 }],
    ['unit_of_measure', { cstr: 31 }],
    ['underlying', { cstr: 21 }],
    ['strike_price_currency', { cstr: 4 }],
    ['instrument_class', 'char'],
    ['_reserved4', { bytes: 2 }],
    ['strike_price', 'i64'],
    ['_reserved5', { bytes: 6 }],
    ['match_algorithm', 'char'],
    ['md_security_trading_status', 'u8'],
    ['main_fraction', 'u8'],
    ['price_display_format', 'u8'],
    ['settl_price_type', 'u8'],
    ['sub_fraction', 'u8'],
    ['underlying_product', 'u8'],
    ['security_update_action', 'char'],
    ['maturity_month', 'u8'],
    ['maturity_day', 'u8'],
    ['maturity_week', 'u8'],
    ['user_defined_instrument', 'char'],
    ['contract_multiplier_unit', 'i8'],
    ['flow_schedule_type', 'i8'],
    ['tick_rule', 'u8'],
    ['_dummy', { bytes: 3 }],
];
const DEFINITION_V2 = [
    ['ts_recv', 'u64'],
    ['min_price_increment', 'i64'],
    ['display_factor', 'i64'],
    ['expiration', 'u64'],
    ['activation', 'u64'],
    ['high_limit_price', 'i64'],
    ['low_limit_price', 'i64'],
    ['max_price_variation', 'i64'],
    ['trading_reference_price', 'i64'],
    ['unit_of_measure_qty', 'i64'],
    ['min_price_increment_amount', 'i64'],
    ['price_ratio', 'i64'],
    ['strike_price', 'i64'],
    ['inst_attrib_value', 'i32'],
    ['underlying_id', 'u32'],
    ['raw_instrument_id', 'u32'],
    ['market_depth_implied', 'i32'],
    ['market_depth', 'i32'],
    ['market_segment_id', 'u32'],
    ['max_trade_vol', 'u32'],
    ['min_lot_size', 'i32'],
    ['min_lot_size_block', 'i32'],
    ['min_lot_size_round_lot', 'i32'],
    ['min_trade_vol', 'u32'],
    ['contract_multiplier', 'i32'],
    ['decay_quantity', 'i32'],
    ['original_contract_size', 'i32'],
    ['trading_reference_date', 'u16'],
    ['appl_id', 'i16'],
    ['maturity_year', 'u16'],
    ['decay_start_date', 'u16'],
    ['channel_id', 'u16'],
    ['currency', { cstr: 4 }],
    ['settl_currency', { cstr: 4 }],
    ['secsubtype', { cstr: 6 }],
    ['raw_symbol', { cstr: 71 }],
    ['group', { cstr: 21 }],
    ['exchange', { cstr: 5 }],
    ['asset', { cstr: 7 }],
    ['cfi', { cstr: 7 }],
    ['security_type', { cstr: 7 }],
    ['unit_of_measure', { cstr: 31 }],
    ['underlying', { cstr: 21 }],
    ['strike_price_currency', { cstr: 4 }],
    ['instrument_class', 'char'],
    ['match_algorithm', 'char'],
    ['md_security_trading_status', 'u8'],
    ['main_fraction', 'u8'],
    ['price_display_format', 'u8'],
    ['settl_price_type', 'u8'],
    ['sub_fraction', 'u8'],
    ['underlying_product', 'u8'],
    ['security_update_action', 'char'],
    ['maturity_month', 'u8'],
    ['maturity_day', 'u8'],
    ['maturity_week', 'u8'],
    ['user_defined_instrument', 'char'],
    ['contract_multiplier_unit', 'i8'],
    ['flow_schedule_type', 'i8'],
    ['tick_rule', 'u8'],
    ['_reserved', { bytes: 10 }],
];
const DEFINITION_V3 = [
    ['ts_recv', 'u64'],
    ['min_price_increment', 'i64'],
    ['display_factor', 'i64'],
    ['expiration', 'u64'],
    ['activation', 'u64'],
    ['high_limit_price', 'i64'],
    ['low_limit_price', 'i64'],
    ['max_price_variation', 'i64'],
    ['unit_of_measure_qty', 'i64'],
    ['min_price_increment_amount', 'i64'],
    ['price_ratio', 'i64'],
    ['strike_price', 'i64'],
    ['raw_instrument_id', 'u64'],
    ['leg_price', 'i64'],
    ['leg_delta', 'i64'],
    ['inst_attrib_value', 'i32'],
    ['underlying_id', 'u32'],
    ['market_depth_implied', 'i32'],
    ['market_depth', 'i32'],
    ['market_segment_id', 'u32'],
    ['max_trade_vol', 'u32'],
    ['min_lot_size', 'i32'],
    ['min_lot_size_block', 'i32'],
    ['min_lot_size_round_lot', 'i32'],
    ['min_trade_vol', 'u32'],
    ['contract_multiplier', 'i32'],
    ['decay_quantity', 'i32'],
    ['original_contract_size', 'i32'],
    ['leg_instrument_id', 'u32'],
    ['leg_ratio_price_numerator', 'i32'],
    ['leg_ratio_price_denominator', 'i32'],
    ['leg_ratio_qty_numerator', 'i32'],
    ['leg_ratio_qty_denominator', 'i32'],
    ['leg_underlying_id', 'u32'],
    ['appl_id', 'i16'],
    ['maturity_year', 'u16'],
    ['decay_start_date', 'u16'],
    ['channel_id', 'u16'],
    ['leg_count', 'u16'],
    ['leg_index', 'u16'],
    ['currency', { cstr: 4 }],
    ['settl_currency', { cstr: 4 }],
    ['secsubtype', { cstr: 6 }],
    ['raw_symbol', { cstr: 71 }],
    ['group', { cstr: 21 }],
    ['exchange', { cstr: 5 }],
    ['asset', { cstr: 11 }],
    ['cfi', { cstr: 7 }],
    ['security_type', { cstr: 7 }],
    ['unit_of_measure', { cstr: 31 }],
    ['underlying', { cstr: 21 }],
    ['strike_price_currency', { cstr: 4 }],
    ['leg_raw_symbol', { cstr: 71 }],
    ['instrument_class', 'char'],
    ['match_algorithm', 'char'],
    ['main_fraction', 'u8'],
    ['price_display_format', 'u8'],
    ['sub_fraction', 'u8'],
    ['underlying_product', 'u8'],
    ['security_update_action', 'char'],
    ['maturity_month', 'u8'],
    ['maturity_day', 'u8'],
    ['maturity_week', 'u8'],
    ['user_defined_instrument', 'char'],
    ['contract_multiplier_unit', 'i8'],
    ['flow_schedule_type', 'i8'],
    ['tick_rule', 'u8'],
    ['leg_instrument_class', 'char'],
    ['leg_side', 'char'],
    ['_reserved', { bytes: 17 }],
];
/** The body fields (after the header) of a kind in a DBN version. */
export function bodyFields(kind, version) {
    switch (kind) {
        case 'mbo':
            return MBO;
        case 'trade':
            return TRADE;
        case 'mbp1':
            return [...TRADE, ['levels', { levels: 1 }]];
        case 'mbp10':
            return [...TRADE, ['levels', { levels: 10 }]];
        case 'bbo':
            return BBO;
        case 'cmbp1':
            return CMBP1;
        case 'cbbo':
            return CBBO;
        case 'ohlcv':
            return OHLCV;
        case 'status':
            return STATUS;
        case 'imbalance':
            return IMBALANCE;
        case 'definition':
            return version === 1 ? DEFINITION_V1 : version === 2 ? DEFINITION_V2 : DEFINITION_V3;
        case 'statistics':
            return version === 3 ? STAT_V3 : STAT_V1;
        case 'error':
            return version === 1 ? ERROR_V1 : ERROR_V2;
        case 'system':
            return version === 1 ? SYSTEM_V1 : SYSTEM_V2;
        case 'symbol_mapping':
            return version === 1 ? SYMBOL_MAPPING_V1 : SYMBOL_MAPPING_V2;
    }
}
export function fieldBytes(kind) {
    if (typeof kind === 'object') {
        if ('cstr' in kind)
            return kind.cstr;
        if ('bytes' in kind)
            return kind.bytes;
        return kind.levels * BID_ASK_PAIR_BYTES;
    }
    switch (kind) {
        case 'u8':
        case 'i8':
        case 'char':
            return 1;
        case 'u16':
        case 'i16':
            return 2;
        case 'u32':
        case 'i32':
            return 4;
        case 'u64':
        case 'i64':
            return 8;
    }
}
/** Header + body bytes of a kind in a version (without ts_out). */
export function recordBytes(kind, version) {
    return HEADER.reduce((n, [, k]) => n + fieldBytes(k), 0) + bodyFields(kind, version).reduce((n, [, k]) => n + fieldBytes(k), 0);
}
/** Fields whose value is a fixed-point price (1e-9 units, UNDEF_PRICE = absent). */
export const PRICE_FIELDS = new Set([
    'price',
    'open',
    'high',
    'low',
    'close',
    'bid_px',
    'ask_px',
    'ref_price',
    'cont_book_clr_price',
    'auct_interest_clr_price',
    'ssr_filling_price',
    'ind_match_price',
    'upper_collar',
    'lower_collar',
    'min_price_increment',
    'high_limit_price',
    'low_limit_price',
    'max_price_variation',
    'trading_reference_price',
    'min_price_increment_amount',
    'price_ratio',
    'strike_price',
    'leg_price',
    'leg_delta',
    'unit_of_measure_qty',
]);
//# sourceMappingURL=layout.js.map