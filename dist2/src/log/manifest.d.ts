import { type FileOps } from './file-ops.js';
import type { SegmentMeta } from './segment-file.js';
export declare const MANIFEST_VERSION = 1;
export declare const NO_RECORDING_ID: string;
export interface ManifestSegment {
    no: number;
    name: string;
    firstSeq: number;
    lastSeq: number;
    records: number;
    bytes: number;
    chain: number;
}
export interface Manifest {
    version: number;
    /** 32 hex digits; all zeros when the writer was given none (then headers carry zeros too). */
    recordingId: string;
    /** Segments numbered below this were removed by compaction (0: none). */
    horizonSegmentNo: number;
    /** Sealed segments at or above the horizon, in order. */
    sealed: ManifestSegment[];
    /** True after a clean close: then every segment is sealed and listed. */
    cleanClose: boolean;
    /** Segments numbered below this predate the manifest (or the id): their headers carry no id. */
    idSinceSegmentNo: number;
}
export declare function emptyManifest(recordingId: string): Manifest;
export declare function manifestEntry(m: SegmentMeta): ManifestSegment | null;
/** Reads the manifest; null when the recording has none (written before manifests existed). */
export declare function readManifest(ops: FileOps, dir: string): Manifest | null;
/** Replaces the manifest atomically and durably. */
export declare function writeManifest(ops: FileOps, dir: string, m: Manifest): void;
export interface ManifestProblem {
    file: string;
    offsetBytes: number;
    reason: string;
    code: 'MISSING_SEGMENT' | 'CORRUPT_SEGMENT' | 'FOREIGN_SEGMENT';
}
/**
 * What the segments on disk and the manifest disagree on. `metas` are the segments in name order
 * (below-horizon leftovers of an interrupted compaction excluded by the caller: see `belowHorizon`).
 */
export declare function manifestProblems(m: Manifest, metas: readonly SegmentMeta[]): ManifestProblem[];
/** Segments left below the horizon by a compaction interrupted before its unlinks. */
export declare function belowHorizon(m: Manifest | null, metas: readonly SegmentMeta[]): SegmentMeta[];
