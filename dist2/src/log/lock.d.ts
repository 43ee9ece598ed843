import { type FileOps } from './file-ops.js';
export interface DirLock {
    /** The recording directory after realpath. */
    readonly realDir: string;
    release(): void;
    /** Forgets the lock in this process without touching the disk, as a crash would (simulation seam). */
    forget(): void;
}
/** Who a process is: its pid and start time. A seam, so tests can simulate pid reuse. */
export interface ProcessProbe {
    pid: number;
    /** The process start time as an opaque string (Linux: /proc/<pid>/stat field 22), or null when unknown. */
    startTime(pid: number): string | null;
    isAlive(pid: number): boolean;
}
export declare const realProcessProbe: ProcessProbe;
export interface LockOwner {
    pid: number;
    start: string | null;
    owner: string | null;
}
/** Parses a LOCK record (a bare "<pid>\n" from format version 1 writers is accepted). */
export declare function parseLockRecord(text: string): LockOwner | null;
export type LockHolder = {
    state: 'none';
} | {
    state: 'live';
    pid: number;
} | {
    state: 'stale';
    pid: number | null;
};
/** Is the recording locked, and by a live process? Readers use this to tell a dead writer. */
export declare function readLockHolder(ops: FileOps, dir: string, probe?: ProcessProbe): LockHolder;
export declare function acquireLock(ops: FileOps, dir: string, probe?: ProcessProbe): DirLock;
/**
 * Runs `fn` holding the writer lock of `dir`: every command that deletes or rewrites a recording
 * (`--force`, `compact`, `repair`) goes through this, so it refuses while a writer is live.
 */
export declare function withWriterLock<T>(ops: FileOps, dir: string, fn: (lock: DirLock) => T): T;
export declare function pidIsAlive(pid: number): boolean;
/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null elsewhere. */
export declare function procStartTime(pid: number): string | null;
