import { type DbnSchema, type DbnVersion } from './layout.js';
export declare const DBN_MAGIC: readonly [68, 66, 78];
export declare const PRELUDE_BYTES = 8;
/** A metadata header longer than this is refused before anything is allocated for it. */
export declare const METADATA_BYTES_MAX: number;
export interface MappingInterval {
    /** YYYYMMDD as DBN stores it (a UTC date). */
    startDate: number;
    endDate: number;
    symbol: string;
}
export interface SymbolMapping {
    rawSymbol: string;
    intervals: MappingInterval[];
}
export interface DbnMetadata {
    version: DbnVersion;
    dataset: string;
    /** null: the records are of mixed schemas. */
    schema: DbnSchema | null;
    start: bigint;
    end: bigint | null;
    limit: bigint | null;
    stypeIn: string | null;
    stypeOut: string;
    tsOut: boolean;
    symbolCstrLen: number;
    symbols: string[];
    partial: string[];
    notFound: string[];
    mappings: SymbolMapping[];
}
/** The version and metadata length from the first 8 bytes, or an error naming what is wrong. */
export declare function decodePrelude(b: Uint8Array, source: string): {
    version: DbnVersion;
    lengthBytes: number;
};
/** Decodes the metadata body (the `lengthBytes` after the prelude). Offsets in errors are file offsets. */
export declare function decodeMetadata(version: DbnVersion, body: Uint8Array, source: string): DbnMetadata;
/** The metadata header bytes (prelude included) of `m` as DBN version `m.version` writes it. */
export declare function encodeMetadata(m: DbnMetadata): Buffer;
