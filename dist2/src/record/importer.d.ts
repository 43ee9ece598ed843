import type { Readable } from 'node:stream';
import { type RecorderOptions, type RecordSummary } from './recorder.js';
export type ImportFormat = 'jsonl' | 'csv' | 'binance' | 'coinbase';
export declare const IMPORT_FORMATS: readonly ImportFormat[];
export interface ImportProgress {
    /** Bytes of the input file read (compressed bytes for gzip). */
    bytes: number;
    totalBytes: number | undefined;
    events: number;
    rejects: number;
}
export interface ImportOptions extends Omit<RecorderOptions, 'clock'> {
    format?: ImportFormat;
    signal?: AbortSignal;
    onProgress?: (p: ImportProgress) => void;
    /** Input for '-' (default process.stdin). */
    stdin?: Readable;
}
export interface ImportSummary extends RecordSummary {
    format: ImportFormat;
    gzip: boolean;
    input: string;
}
/** The format a file name says (.jsonl, .csv, possibly .gz), if any. */
export declare function formatFromName(name: string): ImportFormat | null;
/** Guesses the format from the first non-blank lines (already decompressed). */
export declare function formatFromContent(lines: readonly string[]): ImportFormat | null;
export declare function importFile(input: string, dir: string, opts?: ImportOptions): Promise<ImportSummary>;
