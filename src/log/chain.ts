/**
 * The between-segments rule (docs/FORMAT.md §9.3), written once: segment B continues segment A
 * when its number is A's plus one and its header carries on A's seq, chain checksum, last ts and
 * recording id.
 * Writer recovery, readers and verify all ask this function.
 */
import { INT64_MIN, type SegmentHeader } from './format.js';
import { NO_RECORDING_ID } from './recording-id.js';
import type { SegmentMeta } from './segment-file.js';

/** How a segment ended, as the next one must continue it. */
export interface SegmentEnd {
  name: string;
  segmentNo: number;
  /** The seq after its last record. */
  nextSeq: number;
  /** Its last record's ts (or the ts carried into it, INT64_MIN for none). */
  lastTs: bigint;
  chain: number;
  /** False when its frames were damaged and no intact footer says how it ended: only the number is checked. */
  trusted: boolean;
  /** Its header's recording id (§3.1); the next segment must carry the same once one is set. */
  recordingId?: string;
}

/** A sealed segment's end from its footer; null when it is not sealed. */
export function endOf(meta: SegmentMeta): SegmentEnd | null {
  const f = meta.footer;
  if (!f) return null;
  return {
    name: meta.name,
    segmentNo: meta.segmentNo,
    nextSeq: f.lastSeq + 1,
    lastTs: f.recordCount > 0 ? f.lastTs : meta.header.prevLastTs,
    chain: f.chain,
    trusted: true,
    recordingId: meta.header.recordingId,
  };
}

export interface LinkProblem {
  /** The field of B's header that breaks the link. */
  offsetBytes: number;
  reason: string;
  code: 'MISSING_SEGMENT' | 'CORRUPT_SEGMENT';
}

/** Why `b` does not continue `a`, or null. An unsealed `a` followed by anything is a problem too. */
export function linkProblemAt(a: SegmentEnd | { name: string; segmentNo: number; unsealed: true }, segmentNo: number, firstSeq: number, header: SegmentHeader | null): LinkProblem | null {
  if (segmentNo !== a.segmentNo + 1) {
    const reason =
      segmentNo <= a.segmentNo
        ? `segment number ${segmentNo} does not follow ${a.segmentNo} (${a.name}): duplicated or out of order`
        : `segment ${a.segmentNo + 1} is missing (found ${segmentNo} after ${a.segmentNo})`;
    return { offsetBytes: 0, reason, code: 'MISSING_SEGMENT' };
  }
  if ('unsealed' in a) return { offsetBytes: 0, reason: `${a.name} is not sealed but this segment follows it`, code: 'CORRUPT_SEGMENT' };
  const link = a.trusted ? trustedLinkProblem(a, firstSeq, header) : null;
  if (link) return link;
  // An id, once a recording has one, is in every later header (zeros before it: an older recording
  // given one). Asked last: a replaced segment is reported by the chain first where it can be.
  if (header && a.recordingId !== undefined && a.recordingId !== NO_RECORDING_ID && header.recordingId !== a.recordingId) {
    return { offsetBytes: 44, reason: `recording id ${header.recordingId} does not continue ${a.name}'s ${a.recordingId}: a segment from another recording`, code: 'MISSING_SEGMENT' };
  }
  return null;
}

function trustedLinkProblem(a: SegmentEnd, firstSeq: number, header: SegmentHeader | null): LinkProblem | null {
  if (firstSeq !== a.nextSeq) return { offsetBytes: 24, reason: `starts at seq ${firstSeq} but ${a.name} ends at seq ${a.nextSeq - 1}`, code: 'MISSING_SEGMENT' };
  if (header && header.prevChain !== a.chain) return { offsetBytes: 40, reason: `chain checksum does not follow ${a.name}: a segment was replaced`, code: 'MISSING_SEGMENT' };
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
export function linkProblem(a: SegmentMeta, b: SegmentMeta): string | null {
  const end = endOf(a) ?? { name: a.name, segmentNo: a.segmentNo, nextSeq: 0, lastTs: INT64_MIN, chain: 0, trusted: false };
  const p = linkProblemAt(end, b.segmentNo, b.firstSeq, b.header);
  return p ? p.reason : null;
}
