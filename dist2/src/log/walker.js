import { readFully } from './file-ops.js';
import { FRAME_MAX_PAYLOAD_BYTES, FRAME_MIN_LENGTH, FrameView, readFrame, readFrameInto, readSeq } from './format.js';
export const DEFAULT_CHUNK_BYTES = 1 << 20;
const FIRST_READ_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);
export class SegmentWalker {
    ops;
    fd;
    limit;
    chunkBytes;
    buf = EMPTY;
    bufStart;
    bufLen = 0;
    pos = 0;
    reads = 0;
    constructor(ops, fd, startOffset, 
    /** Where frame data ends (a sealed segment's dataEnd); null: the file's current size. */
    limit, chunkBytes = DEFAULT_CHUNK_BYTES) {
        this.ops = ops;
        this.fd = fd;
        this.limit = limit;
        this.chunkBytes = chunkBytes;
        this.bufStart = startOffset;
    }
    /** File offset of the next frame. */
    get offset() {
        return this.bufStart + this.pos;
    }
    /**
     * Sets where frame data ends. Bytes already buffered past the new limit are forgotten: when a
     * writer seals the segment being followed, the footer bytes a follower already read must never
     * be parsed as frames.
     */
    setLimit(limit) {
        this.limit = limit;
        if (limit !== null && this.bufStart + this.bufLen > limit)
            this.bufLen = Math.max(this.pos, limit - this.bufStart);
    }
    dataEnd() {
        return this.limit ?? this.ops.fstatSizeSync(this.fd);
    }
    /** The frame (or ending) at the current position, decoded into `this.view`, which is reused. */
    view = new FrameView();
    /** The next outcome, in `this.view`; frame offsets (payloadStart/End, next) index into `this.buf`. */
    next() {
        const v = this.view;
        for (;;) {
            const kind = readFrameInto(v, this.buf, this.pos, this.bufLen);
            if (kind === 'frame') {
                this.pos = v.next;
                return v;
            }
            if (kind === 'corrupt')
                return v;
            // end, incomplete or zeros within the chunk: more of the file may follow.
            let need = 0;
            if (kind === 'incomplete' && this.bufLen - this.pos >= 4)
                need = 8 + this.buf.readUInt32LE(this.pos);
            if (!this.refill(need))
                return v;
        }
    }
    /** Moves to a file offset (after a resync); the next frame is read from there. */
    seek(offsetBytes) {
        this.reads = 0;
        this.buf = EMPTY;
        this.bufStart = offsetBytes;
        this.bufLen = 0;
        this.pos = 0;
    }
    /**
     * Searches forward from `fromOffset` for the next offset holding a whole frame whose CRC is valid
     * and whose seq is at least `minSeq`. Used to tell a torn tail from mid-log corruption, and by
     * the skip policy to salvage what follows a bad record. Returns -1 when there is none.
     */
    findNextValidFrame(fromOffset, minSeq) {
        const end = this.dataEnd();
        if (fromOffset >= end)
            return -1;
        // Rare path: read the rest of the segment at once (segments are bounded by their rotation size).
        const rest = readFully(this.ops, this.fd, end - fromOffset, fromOffset);
        const maxSeq = minSeq + 2 ** 32;
        for (let p = 0; p + 26 <= rest.length; p++) {
            const length = rest.readUInt32LE(p);
            if (length < FRAME_MIN_LENGTH || length > FRAME_MIN_LENGTH + FRAME_MAX_PAYLOAD_BYTES)
                continue;
            if (p + 8 + length > rest.length)
                continue;
            const seq = readSeq(rest, p + 6);
            if (seq < minSeq || seq > maxSeq)
                continue;
            if (readFrame(rest, p, rest.length).kind === 'frame')
                return fromOffset + p;
        }
        return -1;
    }
    refill(need) {
        const fileEnd = this.dataEnd();
        const haveFileEnd = this.bufStart + this.bufLen;
        if (fileEnd <= haveFileEnd)
            return false;
        const keep = this.bufLen - this.pos;
        // The first read after a seek is small (the sparse index puts the target within ~64 KiB);
        // a reader that keeps going grows to full chunks.
        const chunk = this.reads++ === 0 ? Math.min(this.chunkBytes, FIRST_READ_BYTES) : this.chunkBytes;
        const want = Math.min(keep + (fileEnd - haveFileEnd), Math.max(chunk, need, keep + 1));
        const nb = Buffer.allocUnsafe(want);
        this.buf.copy(nb, 0, this.pos, this.bufLen);
        let got = keep;
        while (got < want) {
            const n = this.ops.readSync(this.fd, nb, got, want - got, this.bufStart + this.pos + got);
            if (n === 0)
                break;
            got += n;
        }
        this.bufStart += this.pos;
        this.buf = nb;
        this.bufLen = got;
        this.pos = 0;
        return got > keep;
    }
}
//# sourceMappingURL=walker.js.map