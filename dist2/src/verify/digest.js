/**
 * The recording digest: a SHA-256 over the canonical event stream.
 *
 * Definition (digest version 1):
 *   SHA-256( "TDDIGEST" | u32 LE 1 | for each record in log order: ts i64 LE | type u8 | payload length u32 LE | payload )
 *
 * What is deliberately left out, and why:
 * - seq: a record's position in its log, not part of the event. Replaying seqs k..m of a
 *   recording and re-recording them gives the same events at seqs 0..m-k; the two must digest
 *   alike. (Reordering is still caught: the stream is hashed in order.)
 * - frame flags (atomic-batch markers), segment boundaries, headers, footers, index, chain: how
 *   the log stored the events, not which events it holds. The same events give the same digest
 *   whatever the segment size or batching.
 * - a record count: the per-record fixed header and length prefix already make the stream
 *   self-delimiting (no two different record lists hash the same byte string), so a count adds
 *   nothing, and leaving it out keeps the digest computable in one streaming pass.
 * The "TDDIGEST" + version prefix separates this digest from a plain hash of anything else and
 * lets a future definition change the value on purpose rather than by accident.
 *
 * The payload is hashed as stored; `tapedeck verify` checks separately that it is canonical,
 * so equal events always mean equal payload bytes.
 */
import { createHash } from 'node:crypto';
import { openReader } from '../log/index.js';
import { decodePayload, isKnownTag } from '../events/index.js';
export const DIGEST_VERSION = 1;
const PREFIX = Buffer.concat([Buffer.from('TDDIGEST', 'ascii'), u32(DIGEST_VERSION)]);
function u32(n) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n >>> 0, 0);
    return b;
}
/** An incremental digest: feed records in log order, then read `hex()`. */
export class StreamDigest {
    hash = createHash('sha256');
    head = Buffer.alloc(13);
    finished = null;
    records = 0;
    constructor() {
        this.hash.update(PREFIX);
    }
    update(tsNs, type, payload) {
        if (this.finished !== null)
            throw new Error('digest already finished');
        this.head.writeBigInt64LE(tsNs, 0);
        this.head[8] = type;
        this.head.writeUInt32LE(payload.length, 9);
        this.hash.update(this.head);
        this.hash.update(payload);
        this.records++;
    }
    /** The digest as 64 lowercase hex digits; the digest cannot be updated afterwards. */
    hex() {
        this.finished ??= this.hash.digest('hex');
        return this.finished;
    }
}
/**
 * The digest of a recording, or of a range of it. Reads through a tolerant reader: a torn tail is
 * not part of the recording (the next writer drops it), corruption anywhere else throws
 * CorruptionError. Records of types this version does not know are included unless filtering by
 * runId: the digest covers the log, not only what this version can decode.
 */
export function digestRecordingDetailed(dir, opts = {}) {
    const reader = openReader(dir, { policy: 'tolerate-tail' });
    const d = new StreamDigest();
    reader.scan({ fromSeq: opts.fromSeq, toSeq: opts.toSeq, fromTs: opts.fromTs, toTs: opts.toTs }, (r) => {
        if (opts.runId !== undefined) {
            if (!isKnownTag(r.type))
                return;
            if (decodePayload(r.type, r.payload, r.seq, r.tsNs).runId !== opts.runId)
                return;
        }
        d.update(r.tsNs, r.type, r.payload);
    });
    return { digest: d.hex(), records: d.records };
}
/** The digest of a recording (or a range of it) as 64 lowercase hex digits. */
export function digestRecording(dir, opts = {}) {
    return digestRecordingDetailed(dir, opts).digest;
}
/** Normalizes a user-supplied digest ("sha256:" prefix, upper case allowed); null if malformed. */
export function normalizeDigest(text) {
    const t = text.trim().toLowerCase().replace(/^sha256:/, '');
    return /^[0-9a-f]{64}$/.test(t) ? t : null;
}
//# sourceMappingURL=digest.js.map