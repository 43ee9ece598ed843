/**
 * Writes fail stop: a short write, a write error or a failed fsync rejects the append with an error
 * naming the path and the cause, every later append too, and leaves the log consistent and
 * reopenable. Failures are injected through the FileOps seam, and a real full tmpfs where the
 * machine allows mounting one.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Log, openReader, realFileOps } from '../src/log/index.js';
import { rm, tmpDir } from './helpers/tmp.js';
import { rejects } from './helpers/assert.js';
const T0 = 1700000000000000000n;
const payload = (i) => Buffer.from(`rec-${i}`.padEnd(40, '.'));
function errno(code) {
    const e = new Error(`${code}: injected`);
    e.code = code;
    return e;
}
/** Real file ops with one failure armed on demand. */
function faulty() {
    let armed = null;
    const ops = {
        ...realFileOps,
        writeSync(fd, b, o, l, pos) {
            if (armed === 'ENOSPC' || armed === 'EIO-write')
                throw errno(armed === 'ENOSPC' ? 'ENOSPC' : 'EIO');
            if (armed === 'short')
                return realFileOps.writeSync(fd, b, o, Math.floor(l / 2), pos);
            return realFileOps.writeSync(fd, b, o, l, pos);
        },
        fdatasync(fd) {
            if (armed === 'EIO-fsync')
                return Promise.reject(errno('EIO'));
            return realFileOps.fdatasync(fd);
        },
    };
    return { ops, arm: (k) => (armed = k) };
}
function readSeqs(dir) {
    const out = [];
    openReader(dir).scan({}, (r) => void out.push(r.seq));
    return out;
}
for (const kind of ['ENOSPC', 'EIO-write', 'short', 'EIO-fsync']) {
    test(`faults - ${kind}: the append rejects, later appends reject, the log reopens consistent`, async () => {
        const dir = tmpDir();
        const { ops, arm } = faulty();
        const log = await Log.open(dir, { durability: 'strict', fileOps: ops });
        for (let i = 0; i < 10; i++)
            await log.append(1, T0 + BigInt(i), payload(i));
        arm(kind);
        const err = (await rejects(() => log.append(1, T0 + 10n, payload(10)), /./));
        assert.is(err.code, 'LOG_FAILED');
        assert.match(err.message, new RegExp(`${dir}.*\\.tdseg`));
        assert.match(err.message, kind === 'short' ? /short write|ESHORTWRITE/ : kind === 'ENOSPC' ? /ENOSPC/ : /EIO/);
        // Fail stop: nothing is retried, everything after is refused with the same error.
        assert.throws(() => log.write(1, T0 + 11n, payload(11)), /must be reopened/);
        await rejects(() => log.close(), /must be reopened/);
        const again = await Log.open(dir);
        assert.is(again.nextSeq, 10);
        assert.equal(readSeqs(dir), [...Array(10).keys()]);
        await again.append(1, T0 + 20n, payload(20));
        await again.close();
        assert.equal(readSeqs(dir), [...Array(11).keys()]);
        rm(dir);
    });
}
test('faults - a failure while creating the next segment fails the log and it reopens', async () => {
    const dir = tmpDir();
    let failOpen = false;
    const ops = {
        ...realFileOps,
        openSync(p, flags, mode) {
            if (failOpen && p.endsWith('.tmp'))
                throw errno('ENOSPC');
            return realFileOps.openSync(p, flags, mode);
        },
    };
    const log = await Log.open(dir, { segmentBytes: 2048, fileOps: ops });
    for (let i = 0; i < 20; i++)
        log.write(1, T0 + BigInt(i), payload(i));
    await log.sync();
    failOpen = true;
    assert.throws(() => {
        for (let i = 20; i < 200; i++)
            log.write(1, T0 + BigInt(i), payload(i));
    }, /ENOSPC/);
    await rejects(() => log.close(), /must be reopened/);
    const again = await Log.open(dir, { segmentBytes: 2048 });
    const n = again.nextSeq;
    assert.ok(n >= 20, `durable records survive (${n})`);
    assert.equal(readSeqs(dir), [...Array(n).keys()]);
    await again.close();
    rm(dir);
});
function tryMountTmpfs(dir, size) {
    if (process.platform !== 'linux')
        return false;
    try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
        return true;
    }
    catch {
        return false;
    }
}
test('faults - a real full disk (tmpfs): ENOSPC rejects the append and the log reopens', async () => {
    const mnt = tmpDir('tapedeck-tmpfs-');
    if (!tryMountTmpfs(mnt, '192k')) {
        // Not allowed here (no root or no mount namespace): the injected-ENOSPC tests above cover it.
        rm(mnt);
        return;
    }
    try {
        const dir = path.join(mnt, 'rec');
        const log = await Log.open(dir, { durability: 'strict', segmentBytes: 1 << 20 });
        let acked = -1;
        let failure = null;
        for (let i = 0; i < 100_000 && !failure; i++) {
            try {
                acked = await log.append(1, T0 + BigInt(i), Buffer.alloc(1000, i & 0xff));
            }
            catch (err) {
                failure = err;
            }
        }
        assert.ok(failure, 'the disk filled up');
        assert.is(failure.code, 'LOG_FAILED');
        assert.match(failure.message, /ENOSPC|ESHORTWRITE/);
        await rejects(() => log.close(), /must be reopened/);
        // Make room for the reopen's bookkeeping, then check nothing acknowledged was lost.
        for (const f of fs.readdirSync(dir))
            if (f.includes('.torn-'))
                fs.unlinkSync(path.join(dir, f));
        const again = await Log.open(dir, { durability: 'strict' });
        assert.ok(again.nextSeq - 1 >= acked, `acked ${acked}, log ends at ${again.nextSeq - 1}`);
        assert.is(readSeqs(dir).length, again.nextSeq);
        await again.close();
    }
    finally {
        // Lazy: the kernel detaches the mount once the last descriptor on it is gone.
        execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
        rm(mnt);
    }
});
test.run();
//# sourceMappingURL=log-faults.test.js.map