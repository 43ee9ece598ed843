/**
 * Segment file names: `<segmentNo:16 hex>-<firstSeq:16 hex>.tdseg`. Fixed-width hex sorts in log
 * order, and "which file holds seq N" is answered from a directory listing alone.
 */
export const SEGMENT_SUFFIX = '.tdseg';
const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.tdseg$/;
export function segmentName(segmentNo, firstSeq) {
    return `${hex16(segmentNo)}-${hex16(firstSeq)}${SEGMENT_SUFFIX}`;
}
export function parseSegmentName(name) {
    const m = SEGMENT_NAME.exec(name);
    if (!m)
        return null;
    return { segmentNo: parseInt(m[1], 16), firstSeq: parseInt(m[2], 16) };
}
/** Where repair keeps the bytes it cut from a torn tail: never destroy evidence. */
export function tornSideName(segment, offsetBytes) {
    return `${segment}.torn-${hex16(offsetBytes)}`;
}
export const LOCK_NAME = 'LOCK';
export const MANIFEST_NAME = 'MANIFEST';
export const TMP_SUFFIX = '.tmp';
export const METRICS_NAME = 'metrics.json';
function hex16(n) {
    return n.toString(16).padStart(16, '0');
}
//# sourceMappingURL=names.js.map