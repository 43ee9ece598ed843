/**
 * Segment file names: `<segmentNo:16 hex>-<firstSeq:16 hex>.tdseg`. Fixed-width hex sorts in log
 * order, and "which file holds seq N" is answered from a directory listing alone.
 */
export declare const SEGMENT_SUFFIX = ".tdseg";
export declare function segmentName(segmentNo: number, firstSeq: number): string;
export declare function parseSegmentName(name: string): {
    segmentNo: number;
    firstSeq: number;
} | null;
/** Where repair keeps the bytes it cut from a torn tail: never destroy evidence. */
export declare function tornSideName(segment: string, offsetBytes: number): string;
export declare const LOCK_NAME = "LOCK";
export declare const MANIFEST_NAME = "MANIFEST";
export declare const TMP_SUFFIX = ".tmp";
export declare const METRICS_NAME = "metrics.json";
