import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
/** A fresh temp directory; removed by cleanup(). */
export function tmpDir(prefix = 'tapedeck-') {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
export function rm(dir) {
    fs.rmSync(dir, { recursive: true, force: true });
}
/** Segment files of a log directory in order. */
export function segmentFiles(dir) {
    return fs.readdirSync(dir).filter((n) => n.endsWith('.tdseg')).sort();
}
export function flipByte(file, offset, mask = 0x01) {
    const fd = fs.openSync(file, 'r+');
    try {
        const b = Buffer.alloc(1);
        fs.readSync(fd, b, 0, 1, offset);
        b[0] = b[0] ^ mask;
        fs.writeSync(fd, b, 0, 1, offset);
    }
    finally {
        fs.closeSync(fd);
    }
}
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');
//# sourceMappingURL=tmp.js.map