import { type FileOps } from './file-ops.js';
import { type IndexEntry } from './format.js';
import { type Manifest } from './manifest.js';
import { type RecoveryPolicy, type WriterAction } from './recovery-table.js';
import { type ScanEnding } from './scanner.js';
import { type SegmentMeta } from './segment-file.js';
/** What open() cut from a torn tail, and where it kept the bytes. */
export interface RecoveryReport {
    file: string;
    offsetBytes: number;
    bytes: number;
    reason: string;
    sideFile: string;
}
/** The tail as the scan left it: where the last complete unit ends and what the writer resumes with. */
export interface TailState {
    meta: SegmentMeta;
    /** End of the last complete unit. */
    goodEnd: number;
    /** Records in complete units. */
    count: number;
    chain: number;
    firstTs: bigint | null;
    lastTs: bigint;
    /** The sparse index rebuilt over the kept frames. */
    index: IndexEntry[];
    lastIndexedOffset: number;
    fileBytes: number;
    ending: ScanEnding;
}
/** Lists and inspects the segments, deleting leftover `*.tmp` files; checks the chain between them. */
export declare function inspectForWriter(ops: FileOps, dir: string, manifest?: Manifest | null): SegmentMeta[];
/** Scans the unsealed tail with the scanner, rebuilding its sparse index. Reads only. */
export declare function scanTail(ops: FileOps, fd: number, meta: SegmentMeta, indexEveryBytes: number): TailState;
/** The writer decision for a scanned tail (or for no tail at all). */
export declare function tailAction(tail: TailState | null, last: 'none' | 'sealed', policy: RecoveryPolicy): WriterAction;
/** Throws the refusal for a tail the table says not to touch. */
export declare function refuse(dir: string, tail: TailState, action: WriterAction): never;
/** Cuts goodEnd..EOF into a side file (evidence is never destroyed), truncates, syncs. */
export declare function cutTail(ops: FileOps, dir: string, fd: number, tail: TailState): RecoveryReport;
export interface RepairResult {
    dir: string;
    /** What the writer decision table chose for the last segment. */
    action: WriterAction;
    /** The cut, when one was made. */
    cut: RecoveryReport | null;
    segments: number;
}
/**
 * Standalone repair, in the spirit of etcd's `wal.Repair`: takes the writer lock (refusing while a
 * writer is live), checks the chain, and applies the writer decision table to the last segment —
 * cutting a torn tail (or, under 'point-in-time'/'skip', everything from the first corruption in
 * it) into a side file. It never creates or seals segments and never touches sealed ones.
 */
export declare function repair(dir: string, policy?: RecoveryPolicy, opts?: {
    fileOps?: FileOps;
}): RepairResult;
