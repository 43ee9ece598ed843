import Database from 'better-sqlite3';
export type PeerMode = 'strict' | 'batched' | 'async';
export declare const BATCH = 1000;
export interface AppendRun {
    ms: number;
    records: number;
    payloadBytes: number;
    /** Bytes on disk afterwards. */
    fileBytes: number;
}
export declare function openSqlite(file: string, mode: PeerMode): Database.Database;
export declare function sqliteAppend(file: string, mode: PeerMode, n: number, payloads: readonly Buffer[]): AppendRun;
export declare function jsonlAppend(file: string, mode: PeerMode, n: number, payloads: readonly Buffer[]): AppendRun;
/** The ceiling: [u32 length][payload] into one preallocated Buffer (iterable by ceilingScan). */
export declare function ceilingAppend(n: number, payloads: readonly Buffer[]): AppendRun & {
    buf: Buffer;
    used: number;
};
export interface ScanRun {
    ms: number;
    records: number;
    /** Sum of payload lengths (proves the work was done). */
    payloadBytes: number;
}
/** SELECT ... ORDER BY seq, iterated; ts read exactly (safeIntegers: int64 as bigint). */
export declare function sqliteScan(file: string): ScanRun;
/** readline + JSON.parse, decoding each payload back to bytes and ts to a bigint. */
export declare function jsonlScan(file: string): Promise<ScanRun>;
export declare function ceilingScan(buf: Buffer, used: number): ScanRun;
/** Seek peer: the first row at or after ts via the ts index. Returns ms per seek. */
export declare function sqliteSeeks(file: string, targets: readonly bigint[]): number[];
