export const SECTOR_BYTES = 512;
function errno(code, what) {
    const e = new Error(`${code}: ${what}`);
    e.code = code;
    return e;
}
function dirOf(p) {
    const i = p.lastIndexOf('/');
    return i <= 0 ? '/' : p.slice(0, i);
}
function norm(p) {
    const parts = [];
    for (const s of p.split('/')) {
        if (s === '' || s === '.')
            continue;
        if (s === '..')
            parts.pop();
        else
            parts.push(s);
    }
    return '/' + parts.join('/');
}
export class PowerLossOps {
    entries = new Map();
    durableEntries = new Map();
    dirs = new Set(['/']);
    /** Per directory: entry changes since its last fsync. */
    journal = new Map();
    fds = new Map();
    nextFd = 3;
    /** Power losses so far. */
    losses = 0;
    /** Test seam for a deliberately broken disk: when false, fsync and fdatasync do nothing. */
    syncsWork = true;
    // -- the power loss --------------------------------------------------------------------------------
    /** Cuts the power: what was not made durable is lost or torn as described above. */
    powerLoss(random) {
        this.losses++;
        for (const fd of this.fds.values())
            fd.dead = true;
        this.fds.clear();
        // Directory entries: a random prefix of each directory's journal survives.
        const entries = new Map(this.durableEntries);
        for (const [, ops] of [...this.journal.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
            const keep = Math.floor(random() * (ops.length + 1));
            for (const op of ops.slice(0, keep)) {
                if (op.ino)
                    entries.set(op.name, op.ino);
                else
                    entries.delete(op.name);
            }
        }
        this.journal.clear();
        // File data: every inode reachable after the loss.
        const seen = new Set();
        for (const ino of entries.values()) {
            if (seen.has(ino))
                continue;
            seen.add(ino);
            let data = Buffer.from(ino.durable.subarray(0, ino.durableSize));
            let size = ino.durableSize;
            for (const op of ino.pending) {
                if (op.kind === 'truncate') {
                    if (random() < 0.5) {
                        size = op.size;
                        if (data.length > size)
                            data = data.subarray(0, size);
                    }
                    continue;
                }
                for (let s = 0; s < op.bytes.length; s += SECTOR_BYTES) {
                    if (random() < 0.5)
                        continue;
                    const chunk = op.bytes.subarray(s, Math.min(op.bytes.length, s + SECTOR_BYTES));
                    const at = op.pos + s;
                    if (at + chunk.length > data.length) {
                        const grown = Buffer.alloc(at + chunk.length);
                        data.copy(grown);
                        data = grown;
                    }
                    chunk.copy(data, at);
                    size = Math.max(size, at + chunk.length);
                }
            }
            ino.data = Buffer.from(data.subarray(0, size));
            ino.size = size;
            ino.durable = Buffer.from(ino.data);
            ino.durableSize = size;
            ino.pending = [];
        }
        this.entries = entries;
        this.durableEntries = new Map(entries);
    }
    // -- FileOps -------------------------------------------------------------------------------------------
    openSync(p, flags) {
        p = norm(p);
        if (typeof flags === 'number' || this.dirs.has(p)) {
            if (!this.dirs.has(p))
                throw errno('ENOENT', `open ${p}`);
            return this.addFd({ ino: null, dir: p, dead: false });
        }
        let ino = this.entries.get(p);
        if (flags.includes('x') && ino)
            throw errno('EEXIST', `open ${p}`);
        if (flags.startsWith('r')) {
            if (!ino)
                throw errno('ENOENT', `open ${p}`);
        }
        else {
            if (!this.dirs.has(dirOf(p)))
                throw errno('ENOENT', `open ${p}`);
            if (!ino) {
                ino = { data: Buffer.alloc(0), size: 0, durable: Buffer.alloc(0), durableSize: 0, pending: [] };
                this.setEntry(p, ino);
            }
            else if (flags.startsWith('w')) {
                this.truncate(ino, 0);
            }
        }
        return this.addFd({ ino, dir: null, dead: false });
    }
    writeSync(fd, buffer, offset, length, position) {
        const ino = this.file(fd);
        const bytes = Buffer.from(buffer.subarray(offset, offset + length));
        this.ensure(ino, position + length);
        bytes.copy(ino.data, position);
        ino.size = Math.max(ino.size, position + length);
        ino.pending.push({ kind: 'write', pos: position, bytes });
        return length;
    }
    readSync(fd, buffer, offset, length, position) {
        const ino = this.file(fd);
        const n = Math.max(0, Math.min(length, ino.size - position));
        if (n > 0)
            ino.data.copy(buffer, offset, position, position + n);
        return n;
    }
    /**
     * Like the real one, the asynchronous sync completes later (on the next turn of the event loop):
     * a power loss in between finds the written bytes not yet durable.
     */
    fdatasync(fd) {
        return new Promise((resolve, reject) => {
            setImmediate(() => {
                try {
                    this.fdatasyncSync(fd);
                    resolve();
                }
                catch (err) {
                    reject(err);
                }
            });
        });
    }
    fdatasyncSync(fd) {
        this.fsyncSync(fd);
    }
    fsyncSync(fd) {
        const f = this.fds.get(fd);
        if (!f || f.dead)
            throw errno('EBADF', `fsync ${fd}`);
        if (!this.syncsWork)
            return;
        if (f.dir !== null) {
            const ops = this.journal.get(f.dir) ?? [];
            for (const op of ops) {
                if (op.ino)
                    this.durableEntries.set(op.name, op.ino);
                else
                    this.durableEntries.delete(op.name);
            }
            this.journal.delete(f.dir);
            return;
        }
        const ino = f.ino;
        ino.durable = Buffer.from(ino.data.subarray(0, ino.size));
        ino.durableSize = ino.size;
        ino.pending = [];
    }
    ftruncateSync(fd, length) {
        this.truncate(this.file(fd), length);
    }
    fstatSizeSync(fd) {
        return this.file(fd).size;
    }
    closeSync(fd) {
        if (!this.fds.delete(fd))
            throw errno('EBADF', `close ${fd}`);
    }
    renameSync(from, to) {
        from = norm(from);
        to = norm(to);
        const ino = this.entries.get(from);
        if (!ino)
            throw errno('ENOENT', `rename ${from}`);
        this.setEntry(to, ino);
        this.setEntry(from, null);
    }
    linkSync(from, to) {
        from = norm(from);
        to = norm(to);
        const ino = this.entries.get(from);
        if (!ino)
            throw errno('ENOENT', `link ${from}`);
        if (this.entries.has(to))
            throw errno('EEXIST', `link ${to}`);
        this.setEntry(to, ino);
    }
    realpathSync(p) {
        p = norm(p);
        if (!this.dirs.has(p) && !this.entries.has(p))
            throw errno('ENOENT', `realpath ${p}`);
        return p;
    }
    unlinkSync(p) {
        p = norm(p);
        if (!this.entries.has(p))
            throw errno('ENOENT', `unlink ${p}`);
        this.setEntry(p, null);
    }
    readdirSync(p) {
        p = norm(p);
        if (!this.dirs.has(p))
            throw errno('ENOENT', `readdir ${p}`);
        const prefix = p === '/' ? '/' : `${p}/`;
        const out = [];
        for (const name of this.entries.keys())
            if (name.startsWith(prefix) && !name.slice(prefix.length).includes('/'))
                out.push(name.slice(prefix.length));
        for (const d of this.dirs)
            if (d !== p && d.startsWith(prefix) && !d.slice(prefix.length).includes('/'))
                out.push(d.slice(prefix.length));
        return out.sort();
    }
    mkdirSync(p) {
        p = norm(p);
        const parts = p.split('/').filter(Boolean);
        for (let i = 1; i <= parts.length; i++)
            this.dirs.add('/' + parts.slice(0, i).join('/'));
    }
    writeFileSync(p, data) {
        const fd = this.openSync(p, 'w');
        const b = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
        this.writeSync(fd, b, 0, b.length, 0);
        this.closeSync(fd);
    }
    readFileSync(p) {
        p = norm(p);
        const ino = this.entries.get(p);
        if (!ino)
            throw errno('ENOENT', `read ${p}`);
        return Buffer.from(ino.data.subarray(0, ino.size));
    }
    existsSync(p) {
        p = norm(p);
        return this.dirs.has(p) || this.entries.has(p);
    }
    statSizeSync(p) {
        p = norm(p);
        const ino = this.entries.get(p);
        if (!ino)
            throw errno('ENOENT', `stat ${p}`);
        return ino.size;
    }
    // -- internals -----------------------------------------------------------------------------------------
    addFd(f) {
        const fd = this.nextFd++;
        this.fds.set(fd, f);
        return fd;
    }
    file(fd) {
        const f = this.fds.get(fd);
        if (!f || f.dead || !f.ino)
            throw errno('EBADF', `fd ${fd}`);
        return f.ino;
    }
    ensure(ino, len) {
        if (ino.data.length >= len)
            return;
        const grown = Buffer.alloc(Math.max(len, ino.data.length * 2));
        ino.data.copy(grown, 0, 0, ino.size);
        ino.data = grown;
    }
    truncate(ino, size) {
        if (size > ino.size)
            this.ensure(ino, size);
        if (size < ino.data.length)
            ino.data.fill(0, size);
        ino.size = size;
        ino.pending.push({ kind: 'truncate', size });
    }
    setEntry(name, ino) {
        if (ino)
            this.entries.set(name, ino);
        else
            this.entries.delete(name);
        const d = dirOf(name);
        let ops = this.journal.get(d);
        if (!ops)
            this.journal.set(d, (ops = []));
        ops.push({ kind: 'set', name, ino });
    }
}
//# sourceMappingURL=power-loss-ops.js.map