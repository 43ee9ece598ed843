/** Vendor file formats: Databento DBN (codec, streaming decoder, symbology, event mapping) and zstd. */
export { DbnDecoder } from './dbn/decoder.js';
export { decodeRecord, encodeRecord, encodedBytes, kindOfRtype, type DbnRecord, type BidAskPair } from './dbn/record.js';
export { decodeMetadata, decodePrelude, encodeMetadata, type DbnMetadata, type SymbolMapping, type MappingInterval } from './dbn/metadata.js';
export { RTYPE, FLAG, SCHEMAS, STYPES, UNDEF_PRICE, UNDEF_ORDER_SIZE, UNDEF_TIMESTAMP, recordBytes, type DbnSchema, type DbnVersion, type RecordKind } from './dbn/layout.js';
export { SymbolMap } from './dbn/symbology.js';
export { DbnMapper, priceToDecimal, decimalToPrice, type DbnMapOptions } from './dbn/map.js';
export { DbnEventEncoder, type DbnExportSummary } from './dbn/encode-events.js';
export { openBytes, type ByteInput, type Compression } from './bytes.js';
export { ZstdDecompressor, ZstdFrameWriter, isZstd } from './zstd.js';
