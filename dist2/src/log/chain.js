/**
 * The between-segments rule (docs/FORMAT.md §9.3), written once: segment B continues segment A
 * when its number is A's plus one and its header carries on A's seq, chain checksum and last ts.
 * Writer recovery, readers and verify all ask this function.
 */
import { INT64_MIN } from './format.js';
/** A sealed segment's end from its footer; null when it is not sealed. */
export function endOf(meta) {
    const f = meta.footer;
    if (!f)
        return null;
    return {
        name: meta.name,
        segmentNo: meta.segmentNo,
        nextSeq: f.lastSeq + 1,
        lastTs: f.recordCount > 0 ? f.lastTs : meta.header.prevLastTs,
        chain: f.chain,
        trusted: true,
    };
}
/** Why `b` does not continue `a`, or null. An unsealed `a` followed by anything is a problem too. */
export function linkProblemAt(a, segmentNo, firstSeq, header) {
    if (segmentNo !== a.segmentNo + 1) {
        const reason = segmentNo <= a.segmentNo
            ? `segment number ${segmentNo} does not follow ${a.segmentNo} (${a.name}): duplicated or out of order`
            : `segment ${a.segmentNo + 1} is missing (found ${segmentNo} after ${a.segmentNo})`;
        return { offsetBytes: 0, reason, code: 'MISSING_SEGMENT' };
    }
    if ('unsealed' in a)
        return { offsetBytes: 0, reason: `${a.name} is not sealed but this segment follows it`, code: 'CORRUPT_SEGMENT' };
    if (!a.trusted)
        return null;
    if (firstSeq !== a.nextSeq)
        return { offsetBytes: 24, reason: `starts at seq ${firstSeq} but ${a.name} ends at seq ${a.nextSeq - 1}`, code: 'MISSING_SEGMENT' };
    if (header && header.prevChain !== a.chain)
        return { offsetBytes: 40, reason: `chain checksum does not follow ${a.name}: a segment was replaced`, code: 'MISSING_SEGMENT' };
    if (header && header.prevLastTs !== a.lastTs && !(a.lastTs === INT64_MIN && header.prevLastTs === INT64_MIN)) {
        return { offsetBytes: 32, reason: `previous-ts field ${header.prevLastTs} does not match the last ts ${a.lastTs} of ${a.name}`, code: 'CORRUPT_SEGMENT' };
    }
    return null;
}
/**
 * The link between two inspected segments: the reason it is broken, or null. An unsealed `a` is
 * only checked by number here: readers report it when they reach its end (so every unit before
 * the damage is delivered), the writer refuses it up front.
 */
export function linkProblem(a, b) {
    const end = endOf(a) ?? { name: a.name, segmentNo: a.segmentNo, nextSeq: 0, lastTs: INT64_MIN, chain: 0, trusted: false };
    const p = linkProblemAt(end, b.segmentNo, b.firstSeq, b.header);
    return p ? p.reason : null;
}
//# sourceMappingURL=chain.js.map