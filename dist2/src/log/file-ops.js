/**
 * The file layer the log writes through. Everything that can fail on a real disk (short writes,
 * ENOSPC, EIO, a failed fsync) goes through this seam, so tests can inject those failures.
 */
import * as fs from 'node:fs';
export const realFileOps = {
    openSync: (p, flags, mode) => fs.openSync(p, flags, mode),
    writeSync: (fd, b, o, l, pos) => fs.writeSync(fd, b, o, l, pos),
    readSync: (fd, b, o, l, pos) => fs.readSync(fd, b, o, l, pos),
    fdatasync: (fd) => new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve()))),
    fdatasyncSync: (fd) => fs.fdatasyncSync(fd),
    fsyncSync: (fd) => fs.fsyncSync(fd),
    ftruncateSync: (fd, len) => fs.ftruncateSync(fd, len),
    fstatSizeSync: (fd) => fs.fstatSync(fd).size,
    closeSync: (fd) => fs.closeSync(fd),
    renameSync: (a, b) => fs.renameSync(a, b),
    linkSync: (a, b) => fs.linkSync(a, b),
    realpathSync: (p) => fs.realpathSync(p),
    unlinkSync: (p) => fs.unlinkSync(p),
    readdirSync: (p) => fs.readdirSync(p),
    mkdirSync: (p) => void fs.mkdirSync(p, { recursive: true }),
    writeFileSync: (p, d) => fs.writeFileSync(p, d),
    readFileSync: (p) => fs.readFileSync(p),
    existsSync: (p) => fs.existsSync(p),
    statSizeSync: (p) => fs.statSync(p).size,
};
/** fsync a directory so that a create, rename or unlink inside it survives a power loss. */
export function syncDir(ops, dir) {
    const fd = ops.openSync(dir, fs.constants.O_RDONLY);
    try {
        ops.fsyncSync(fd);
    }
    finally {
        ops.closeSync(fd);
    }
}
/** Writes all of `length` bytes or throws: a short write is an error, never retried. */
export function writeFully(ops, fd, buffer, offset, length, position) {
    const n = ops.writeSync(fd, buffer, offset, length, position);
    if (n !== length) {
        const err = new Error(`short write: ${n} of ${length} bytes at offset ${position}`);
        err.code = 'ESHORTWRITE';
        throw err;
    }
}
export function readFully(ops, fd, length, position) {
    const b = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
        const n = ops.readSync(fd, b, got, length - got, position + got);
        if (n === 0)
            break;
        got += n;
    }
    return got === length ? b : b.subarray(0, got);
}
//# sourceMappingURL=file-ops.js.map