/**
 * Binary input: a file or stdin ('-') as a stream of decompressed byte chunks. zstd and gzip are
 * detected by their magic bytes (not the name). Memory is bounded by the read chunk and what one
 * compressed chunk expands to.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { IoError, TapedeckError } from '../errors.js';
import { isZstd, ZstdDecompressor } from './zstd.js';
const READ_CHUNK_BYTES = 256 * 1024;
class FileBytes {
    name;
    raw;
    totalBytes;
    bytesRead = 0;
    compression = 'none';
    closed = false;
    constructor(name, raw, totalBytes) {
        this.name = name;
        this.raw = raw;
        this.totalBytes = totalBytes;
    }
    async *rawChunks() {
        try {
            for await (const c of this.raw) {
                if (this.closed)
                    return;
                const b = typeof c === 'string' ? Buffer.from(c) : c;
                this.bytesRead += b.length;
                yield b;
            }
        }
        catch (err) {
            if (this.closed)
                return;
            throw new IoError(this.name === '-' ? 'stdin' : this.name, 'reading the input failed', err);
        }
    }
    async *chunks() {
        const it = this.rawChunks();
        // The first 4 bytes tell the compression.
        let head = new Uint8Array(0);
        while (head.length < 4) {
            const r = await it.next();
            if (r.done)
                break;
            head = head.length === 0 ? r.value : Buffer.concat([head, r.value]);
        }
        if (isZstd(head)) {
            this.compression = 'zstd';
            const z = new ZstdDecompressor();
            const unz = (b, final) => {
                try {
                    return z.push(b, final);
                }
                catch (err) {
                    throw new TapedeckError('BAD_INPUT', `${this.name}: zstd data is corrupt near compressed byte ${this.bytesRead}: ${err.message}`, {
                        path: this.name,
                        offsetBytes: this.bytesRead,
                    });
                }
            };
            let prev = head;
            for (;;) {
                const r = await it.next();
                const last = r.done === true;
                if (prev)
                    for (const o of unz(prev, last))
                        yield o;
                if (last)
                    return;
                prev = r.value;
            }
        }
        if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
            this.compression = 'gzip';
            const gunzip = zlib.createGunzip();
            const feed = (async () => {
                try {
                    if (!gunzip.write(head))
                        await new Promise((r) => gunzip.once('drain', r));
                    for (;;) {
                        const r = await it.next();
                        if (r.done)
                            break;
                        if (!gunzip.write(r.value))
                            await new Promise((res) => gunzip.once('drain', res));
                    }
                    gunzip.end();
                }
                catch (err) {
                    gunzip.destroy(err);
                }
            })();
            try {
                for await (const c of gunzip)
                    yield c;
            }
            catch (err) {
                if (err instanceof TapedeckError)
                    throw err;
                throw new TapedeckError('BAD_INPUT', `${this.name}: gzip data is corrupt: ${err.message}`, { path: this.name });
            }
            await feed;
            return;
        }
        if (head.length > 0)
            yield head;
        for (;;) {
            const r = await it.next();
            if (r.done)
                return;
            yield r.value;
        }
    }
    close() {
        if (this.closed)
            return;
        this.closed = true;
        this.raw.destroy();
    }
}
/** Opens `name` ('-': stdin) for binary reading; a missing or unreadable file is an IoError naming it. */
export function openBytes(name, stdin = process.stdin) {
    if (name === '-')
        return new FileBytes(name, stdin, undefined);
    let fd;
    let total;
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
    return new FileBytes(name, fs.createReadStream('', { fd, highWaterMark: READ_CHUNK_BYTES }), total);
}
//# sourceMappingURL=bytes.js.map