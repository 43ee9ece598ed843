/**
 * Reading input: a file or stdin ('-'), gzip detected by its magic bytes (not the name), split into
 * lines with 1-based line numbers. Lines are split on the byte 0x0A (never inside a UTF-8
 * sequence) and handed over a chunk at a time, so reading costs no promise per line.
 */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { IoError } from '../errors.js';
const GZIP_MAGIC0 = 0x1f;
const GZIP_MAGIC1 = 0x8b;
class LineSplitter {
    name;
    totalBytes;
    gzip = false;
    rawRead = 0;
    gunzip = null;
    rest = Buffer.alloc(0);
    lineNo = 0;
    queue = [];
    ended = false;
    closed = false;
    iter = null;
    initing = null;
    raw;
    constructor(name, raw, totalBytes) {
        this.name = name;
        this.raw = raw;
        this.totalBytes = totalBytes;
    }
    /** Reads the first bytes to detect gzip, then sets up the (decompressed) chunk iterator. Lazy:
     * a live source is not waited on before the recording starts. */
    init() {
        return (this.initing ??= this.doInit());
    }
    async doInit() {
        const rawIter = this.raw[Symbol.asyncIterator]();
        const head = [];
        let headLen = 0;
        while (headLen < 2) {
            const r = await this.nextRaw(rawIter);
            if (r === null)
                break;
            head.push(r);
            headLen += r.length;
        }
        const first = Buffer.concat(head);
        this.gzip = first.length >= 2 && first[0] === GZIP_MAGIC0 && first[1] === GZIP_MAGIC1;
        const self = this;
        async function* rawChunks() {
            if (first.length > 0)
                yield first;
            for (;;) {
                const r = await self.nextRaw(rawIter);
                if (r === null)
                    return;
                yield r;
            }
        }
        if (this.gzip) {
            const gunzip = (this.gunzip = zlib.createGunzip());
            const src = Readable.from(rawChunks(), { objectMode: false });
            src.on('error', (e) => gunzip.destroy(e));
            src.pipe(gunzip);
            this.iter = gunzip[Symbol.asyncIterator]();
        }
        else {
            this.iter = rawChunks();
        }
    }
    async nextRaw(it) {
        if (this.closed)
            return null;
        let r;
        try {
            r = await it.next();
        }
        catch (err) {
            // Destroyed by close() (SIGINT): a premature close is the end, not an error.
            if (this.closed)
                return null;
            throw new IoError(this.name === '-' ? 'stdin' : this.name, 'reading the input failed', err);
        }
        if (r.done)
            return null;
        const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        this.rawRead += b.length;
        return b;
    }
    async readBatch() {
        if (!this.iter)
            await this.init();
        for (;;) {
            if (this.ended || this.closed)
                return null;
            let r;
            try {
                r = await this.iter.next();
            }
            catch (err) {
                if (this.closed)
                    return null;
                if (err instanceof IoError)
                    throw err;
                throw new IoError(this.name === '-' ? 'stdin' : this.name, this.gzip ? 'decompressing the input failed' : 'reading the input failed', err);
            }
            if (r.done) {
                this.ended = true;
                if (this.rest.length === 0)
                    return null;
                const last = this.decode(this.rest, 0, this.rest.length);
                this.rest = Buffer.alloc(0);
                return [{ text: last, no: ++this.lineNo }];
            }
            const chunk = this.rest.length > 0 ? Buffer.concat([this.rest, r.value]) : r.value;
            const lines = [];
            let start = 0;
            for (let nl = chunk.indexOf(0x0a, start); nl >= 0; nl = chunk.indexOf(0x0a, start)) {
                lines.push({ text: this.decode(chunk, start, nl), no: ++this.lineNo });
                start = nl + 1;
            }
            this.rest = start < chunk.length ? chunk.subarray(start) : Buffer.alloc(0);
            if (lines.length > 0)
                return lines;
        }
    }
    decode(b, start, end) {
        if (end > start && b[end - 1] === 0x0d)
            end--; // CRLF
        return b.toString('utf8', start, end);
    }
    /** Compressed bytes the decompressor has consumed (reading runs ahead of it), else bytes read. */
    get bytesRead() {
        return this.gunzip ? this.gunzip.bytesWritten : this.rawRead;
    }
    async nextLines() {
        if (this.queue.length > 0)
            return this.queue.shift();
        return this.readBatch();
    }
    async peek(n) {
        const out = [];
        let qi = 0;
        for (;;) {
            while (qi < this.queue.length) {
                for (const l of this.queue[qi]) {
                    if (l.text.trim() !== '')
                        out.push(l.text);
                    if (out.length >= n)
                        return out;
                }
                qi++;
            }
            const b = await this.readBatch();
            if (b === null)
                return out;
            this.queue.push(b);
        }
    }
    close() {
        if (this.closed)
            return;
        this.closed = true;
        this.raw.destroy();
    }
}
/** Opens `name` ('-': stdin) for reading lines; a missing or unreadable file is an IoError naming it. */
export function openInput(name, stdin = process.stdin) {
    let raw;
    let total;
    if (name === '-') {
        raw = stdin;
    }
    else {
        let fd;
        try {
            fd = fs.openSync(name, 'r');
            const st = fs.fstatSync(fd);
            if (st.isDirectory()) {
                fs.closeSync(fd);
                throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
            }
            total = st.isFile() ? st.size : undefined;
        }
        catch (err) {
            throw new IoError(name, 'cannot open the input', err);
        }
        raw = fs.createReadStream('', { fd, highWaterMark: 256 * 1024 });
    }
    return new LineSplitter(name, raw, total);
}
//# sourceMappingURL=input.js.map