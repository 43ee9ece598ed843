import { type FileOps } from './file-ops.js';
import { type Manifest } from './manifest.js';
export interface CompactResult {
    removed: {
        name: string;
        bytes: number;
        lastTs: bigint;
        records: number;
    }[];
    reclaimedBytes: number;
    dryRun: boolean;
}
export interface CompactOptions {
    beforeTs: bigint;
    dryRun?: boolean;
    fileOps?: FileOps;
    /** The writer's in-memory manifest (else it is read from the directory, when there is one). */
    manifest?: Manifest;
}
/** Compacts a recording no writer holds: takes the lock (LOCKED while a writer is live). */
export declare function compactLog(dir: string, opts: CompactOptions): CompactResult;
/** Compaction by a caller that already holds the writer lock. */
export declare function compactHeld(dir: string, opts: CompactOptions): CompactResult;
