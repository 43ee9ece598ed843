/**
 * A snapshot store: state saved beside a log, as of a seq, created atomically (docs/FORMAT.md §20).
 *
 *   <store>/                  e.g. <recording>/keyframes, or a process's own snapshot directory
 *     latest                  "<name>\n": the newest snapshot written (a hint; see below)
 *     <seq:16 hex>/           one snapshot: the state after every record with seq ≤ seq
 *       <data files>          whatever the state's owners wrote (bytes they define)
 *       META.json             {"version":1,"seq":…,"tsNs":"…","files":[{"name","bytes","crc32"}…],"info":{…}}
 *       COMPLETE              "<crc32 of META.json as 8 hex>\n": written last
 *     .tmp-<seq:16 hex>/      a snapshot being written (a leftover after a crash: ignored, removed)
 *
 * Creation, in this order, each step fsynced before the next: make `.tmp-<seq>`; write and fsync
 * every data file; write and fsync META.json; write and fsync COMPLETE; fsync the temporary
 * directory; rename it to `<seq>`; fsync the store directory; write `latest.tmp`, fsync, rename it
 * to `latest`, fsync the store directory. A crash at any step leaves the previous snapshots as
 * they were and either no new one (no directory named `<seq>`) or a whole one.
 *
 * Reading trusts nothing: a snapshot is used only when COMPLETE names META.json's CRC and every
 * data file has the size and CRC-32 META.json gives. A damaged or incomplete one is skipped with a
 * warning and the next older one is tried. `latest` is only a hint for tools: the newest valid
 * directory wins (a crash between the rename and the pointer leaves a whole snapshot `latest`
 * does not name yet).
 *
 * Writing yields to the event loop between data chunks (and fsyncs asynchronously), so a process
 * that appends to its log while a snapshot is written is never blocked for the whole snapshot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setImmediate as yieldNow } from 'node:timers/promises';
import { IoError, TapedeckError } from '../errors.js';
import { crc32, crc32Continue } from './crc.js';
import { realFileOps, syncDir, type FileOps } from './file-ops.js';

export const SNAPSHOT_VERSION = 1;
export const SNAPSHOT_META = 'META.json';
export const SNAPSHOT_COMPLETE = 'COMPLETE';
export const SNAPSHOT_LATEST = 'latest';
const TMP_PREFIX = '.tmp-';
const NAME = /^[0-9a-f]{16}$/;
/** Data file names: one path component, no leading dot, nothing reserved. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The steps of a snapshot's creation, in order (a test seam: `onStep` runs before each). */
export type SnapshotStep =
  | 'mkdir-tmp'
  | 'write-data'
  | 'fsync-data'
  | 'write-meta'
  | 'write-complete'
  | 'fsync-tmp-dir'
  | 'rename'
  | 'fsync-store-dir'
  | 'write-latest'
  | 'rename-latest'
  | 'fsync-store-dir-latest';

export interface SnapshotFileInfo {
  name: string;
  bytes: number;
  crc32: number;
}

export interface SnapshotMeta {
  version: number;
  /** The last record the state includes. */
  seq: number;
  /** That record's ts. */
  tsNs: bigint;
  files: SnapshotFileInfo[];
  /** Free-form facts the owner wants listed (counts, kinds); strings and numbers only. */
  info: Record<string, string | number>;
}

/** A data file to write: its bytes whole, or chunks produced lazily (one is written per turn). */
export interface SnapshotFileInput {
  name: string;
  data: Uint8Array | Iterable<Uint8Array>;
}

export interface SnapshotListing {
  name: string;
  seq: number;
  /** Null when the snapshot is not valid. */
  meta: SnapshotMeta | null;
  /** Why it is not valid. */
  problem: string | null;
  bytes: number;
}

export interface LoadedSnapshot {
  name: string;
  dir: string;
  meta: SnapshotMeta;
  /** One data file's bytes (read and verified against META.json when the snapshot was loaded). */
  file(name: string): Buffer;
}

export interface SnapshotWarning {
  name: string;
  problem: string;
}

export interface SnapshotStoreOptions {
  fileOps?: FileOps;
  /** Called before each creation step (tests crash the process here). */
  onStep?: (step: SnapshotStep, detail: string) => void;
  /** A damaged or incomplete snapshot skipped while looking for a usable one. */
  onWarning?: (w: SnapshotWarning) => void;
  /** Bytes written per turn of the event loop (default 1 MiB). */
  chunkBytes?: number;
  /**
   * Keep the directory listing while the store directory's mtime, ctime and inode stay the same
   * (one stat per lookup instead of listing thousands of keyframes): for readers that look often,
   * such as seeks. A snapshot another process adds within the same timestamp tick may be missed
   * until the directory changes again: an older snapshot is used (a longer tail); one removed while
   * still listed fails verification and is skipped. Neither makes a restored state wrong.
   */
  cacheListing?: boolean;
}

export function snapshotName(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new TapedeckError('BAD_ARGUMENT', `snapshot seq must be a whole number ≥ 0, got ${seq}`);
  return seq.toString(16).padStart(16, '0');
}

export class SnapshotStore {
  private readonly ops: FileOps;
  private readonly onStep: (step: SnapshotStep, detail: string) => void;
  private readonly onWarning: (w: SnapshotWarning) => void;
  private readonly chunkBytes: number;
  /** Valid markers and metadata seen, by name (dropped when a snapshot is removed or replaced). */
  private readonly heads = new Map<string, SnapshotListing>();
  /** The last listing of the store directory and the directory's stamp when it was taken (names()). */
  private listing: { stamp: string; names: string[] } | null = null;
  private readonly cacheListing: boolean;
  /**
   * Pointer updates of write(), one at a time: creations may overlap (a process that does not await
   * its snapshots), and two of them sharing `latest.tmp` would rename it from under each other.
   */
  private pointerQueue: Promise<void> = Promise.resolve();
  /** The newest name write() pointed `latest` at: an older creation finishing later leaves it. */
  private pointed: string | null = null;

  constructor(
    readonly dir: string,
    opts: SnapshotStoreOptions = {},
  ) {
    this.ops = opts.fileOps ?? realFileOps;
    this.onStep = opts.onStep ?? (() => {});
    this.onWarning = opts.onWarning ?? (() => {});
    this.chunkBytes = opts.chunkBytes ?? 1 << 20;
    this.cacheListing = opts.cacheListing === true;
  }

  /** Whether the store directory exists (a recording without keyframes has none). */
  exists(): boolean {
    return this.ops.existsSync(this.dir);
  }

  /**
   * Writes a snapshot of the state as of `seq` (the last record it includes, whose ts is `tsNs`).
   * An existing valid snapshot at the same seq is kept as it is (the state as of a seq is a
   * function of the log: same seq, same state); a damaged one is replaced.
   */
  async write(seq: number, tsNs: bigint, files: readonly SnapshotFileInput[], info: Record<string, string | number> = {}): Promise<SnapshotListing> {
    const name = snapshotName(seq);
    const seen = new Set<string>();
    for (const f of files) {
      if (!FILE_NAME.test(f.name) || f.name === SNAPSHOT_META || f.name === SNAPSHOT_COMPLETE) {
        throw new TapedeckError('BAD_ARGUMENT', `snapshot file name ${JSON.stringify(f.name)} is not allowed`);
      }
      if (seen.has(f.name)) throw new TapedeckError('BAD_ARGUMENT', `snapshot file ${f.name} given twice`);
      seen.add(f.name);
    }
    const ops = this.ops;
    const final = path.join(this.dir, name);
    if (ops.existsSync(final)) {
      const had = this.inspect(name);
      if (had.meta) return had;
      this.onWarning({ name, problem: `replacing a damaged snapshot: ${had.problem}` });
      this.removeTree(final);
    }
    const tmp = path.join(this.dir, TMP_PREFIX + name);
    this.step('mkdir-tmp', tmp);
    if (ops.existsSync(tmp)) this.removeTree(tmp);
    this.io(tmp, 'cannot create the snapshot directory', () => ops.mkdirSync(tmp));
    const infos: SnapshotFileInfo[] = [];
    for (const f of files) infos.push(await this.writeData(path.join(tmp, f.name), f.data));
    const meta: SnapshotMeta = { version: SNAPSHOT_VERSION, seq, tsNs, files: infos, info };
    const metaBytes = Buffer.from(encodeMeta(meta));
    this.step('write-meta', SNAPSHOT_META);
    await this.writeSmall(path.join(tmp, SNAPSHOT_META), metaBytes);
    this.step('write-complete', SNAPSHOT_COMPLETE);
    await this.writeSmall(path.join(tmp, SNAPSHOT_COMPLETE), Buffer.from(`${hex8(crc32(metaBytes))}\n`));
    this.step('fsync-tmp-dir', tmp);
    await this.syncDirAsync(tmp, 'cannot sync the snapshot directory');
    this.step('rename', final);
    this.io(final, 'cannot rename the snapshot into place', () => ops.renameSync(tmp, final));
    this.listing = null;
    this.step('fsync-store-dir', this.dir);
    await this.syncDirAsync(this.dir, 'cannot sync the snapshot store');
    await this.setLatest(name);
    return { name, seq, meta, problem: null, bytes: infos.reduce((n, f) => n + f.bytes, metaBytes.length) };
  }

  /** Every snapshot directory, oldest first, each validated (temporary leftovers are not listed). */
  list(): SnapshotListing[] {
    return this.names().map((n) => this.inspect(n));
  }

  /** The name `latest` points at, or null (no pointer, or an unreadable one). */
  latestPointer(): string | null {
    try {
      const t = this.ops.readFileSync(path.join(this.dir, SNAPSHOT_LATEST)).toString('utf8').trim();
      return NAME.test(t) ? t : null;
    } catch {
      return null;
    }
  }

  /**
   * The newest valid snapshot that `accept` accepts (all, by default). Damaged or incomplete ones
   * newer than it are reported through onWarning and skipped.
   */
  newest(accept: (meta: SnapshotMeta) => boolean = () => true): LoadedSnapshot | null {
    const names = this.names();
    return this.newestFrom(names, names.length - 1, accept);
  }

  /**
   * newest(accept) among the snapshots `within` holds for, where `within` holds for every snapshot
   * up to some seq and for none after it (e.g. tsNs ≤ T: ts never goes back in a log). Found by a
   * binary search over the listing, so a seek reads O(log n) metadata files, not every newer
   * snapshot's (a 1 GiB recording has thousands of keyframes).
   */
  newestWithin(within: (meta: SnapshotMeta) => boolean, accept: (meta: SnapshotMeta) => boolean = () => true): LoadedSnapshot | null {
    const names = this.names();
    // Every valid snapshot before lo is within; none from hi on is.
    let lo = 0;
    let hi = names.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      let j = mid;
      let h = this.head(names[j]!);
      while (!h.meta && ++j < hi) h = this.head(names[j]!);
      if (!h.meta) hi = mid;
      else if (within(h.meta)) lo = j + 1;
      else hi = mid;
    }
    return this.newestFrom(names, lo - 1, (m) => within(m) && accept(m));
  }

  /** The newest valid snapshot at or before names[start] that `accept` accepts, warning about damaged ones. */
  private newestFrom(names: readonly string[], start: number, accept: (meta: SnapshotMeta) => boolean): LoadedSnapshot | null {
    for (let i = start; i >= 0; i--) {
      // The metadata first (small, cached: a snapshot never changes once renamed into place), the
      // data files' checksums only for the one chosen.
      const head = this.head(names[i]!);
      if (head.meta && !accept(head.meta)) continue;
      const { listing: l, data } = head.meta ? this.verify(names[i]!) : { listing: head, data: new Map<string, Buffer>() };
      if (!l.meta) {
        this.onWarning({ name: l.name, problem: l.problem! });
        continue;
      }
      return this.loaded(l.name, l.meta, data);
    }
    return null;
  }

  /** One snapshot by name, validated; throws CORRUPT_SNAPSHOT when it is not usable. */
  load(name: string): LoadedSnapshot {
    const { listing: l, data } = this.verify(name);
    if (!l.meta) throw new TapedeckError('CORRUPT_SNAPSHOT', `${path.join(this.dir, name)}: ${l.problem}`, { path: path.join(this.dir, name), reason: l.problem });
    return this.loaded(name, l.meta, data);
  }

  /**
   * Keeps the newest `keep` valid snapshots and removes the rest, damaged ones and temporary
   * leftovers too. Returns the names removed.
   */
  prune(keep: number): string[] {
    if (!Number.isSafeInteger(keep) || keep < 0) throw new TapedeckError('BAD_ARGUMENT', `prune keeps a whole number ≥ 0 of snapshots, got ${keep}`);
    const removed: string[] = [];
    let kept = 0;
    const all = this.list();
    for (let i = all.length - 1; i >= 0; i--) {
      const l = all[i]!;
      if (l.meta && kept < keep) {
        kept++;
        continue;
      }
      this.removeTree(path.join(this.dir, l.name));
      removed.push(l.name);
    }
    for (const n of this.readdir()) if (n.startsWith(TMP_PREFIX)) this.removeTree(path.join(this.dir, n));
    if (this.exists()) this.io(this.dir, 'cannot sync the snapshot store', () => syncDir(this.ops, this.dir));
    const newest = this.list().filter((l) => l.meta).pop();
    if (newest) this.setLatestSync(newest.name);
    else if (this.ops.existsSync(path.join(this.dir, SNAPSHOT_LATEST))) this.ops.unlinkSync(path.join(this.dir, SNAPSHOT_LATEST));
    return removed;
  }

  /** Removes every snapshot older than `seq` (damaged ones too); returns their names. */
  removeBefore(seq: number): string[] {
    const gone = this.names().filter((n) => parseInt(n, 16) < seq);
    for (const n of gone) this.removeTree(path.join(this.dir, n));
    if (gone.length > 0) this.io(this.dir, 'cannot sync the snapshot store', () => syncDir(this.ops, this.dir));
    return gone;
  }

  /** Removes one snapshot (e.g. one found not to match its log). */
  remove(name: string): void {
    if (!NAME.test(name)) throw new TapedeckError('BAD_ARGUMENT', `${JSON.stringify(name)} is not a snapshot name`);
    this.removeTree(path.join(this.dir, name));
    this.io(this.dir, 'cannot sync the snapshot store', () => syncDir(this.ops, this.dir));
    const newest = this.list().filter((l) => l.meta).pop();
    if (newest) this.setLatestSync(newest.name);
  }

  /** Removes the whole store (snapshots are derived data: they can be rebuilt from the log). */
  clear(): void {
    if (this.exists()) this.removeTree(this.dir);
  }

  /** Validates one snapshot directory: its marker, its metadata and every data file's size and CRC. */
  inspect(name: string): SnapshotListing {
    return this.verify(name).listing;
  }

  /** inspect(), keeping the data files it read (a snapshot about to be loaded is not read twice). */
  private verify(name: string): { listing: SnapshotListing; data: Map<string, Buffer> } {
    const head = this.head(name);
    const data = new Map<string, Buffer>();
    if (!head.meta) return { listing: head, data };
    const dir = path.join(this.dir, name);
    let total = head.bytes;
    const bad = (problem: string) => ({ listing: { ...head, meta: null, problem }, data: new Map<string, Buffer>() });
    for (const f of head.meta.files) {
      let b: Buffer;
      try {
        b = this.ops.readFileSync(path.join(dir, f.name));
      } catch {
        return bad(`data file ${f.name} is missing`);
      }
      if (b.length !== f.bytes) return bad(`data file ${f.name} has ${b.length} bytes, META.json says ${f.bytes}`);
      const c = crc32(b);
      if (c !== f.crc32) return bad(`data file ${f.name}: CRC-32 ${hex8(c)}, META.json says ${hex8(f.crc32)}`);
      data.set(f.name, b);
      total += b.length;
    }
    return { listing: { ...head, bytes: total }, data };
  }

  /** The COMPLETE marker and META.json only (cached when valid). */
  private head(name: string): SnapshotListing {
    const cached = this.heads.get(name);
    if (cached) return cached;
    const dir = path.join(this.dir, name);
    const seq = parseInt(name, 16);
    const bad = (problem: string): SnapshotListing => ({ name, seq, meta: null, problem, bytes: 0 });
    const ops = this.ops;
    let metaBytes: Buffer;
    let complete: string;
    try {
      complete = ops.readFileSync(path.join(dir, SNAPSHOT_COMPLETE)).toString('utf8');
    } catch {
      return bad('incomplete: no COMPLETE marker');
    }
    try {
      metaBytes = ops.readFileSync(path.join(dir, SNAPSHOT_META));
    } catch {
      return bad('no META.json');
    }
    if (complete !== `${hex8(crc32(metaBytes))}\n`) return bad(`META.json does not match its COMPLETE marker (CRC ${hex8(crc32(metaBytes))}, marker ${JSON.stringify(complete.trim())})`);
    let meta: SnapshotMeta;
    try {
      meta = decodeMeta(metaBytes);
    } catch (e) {
      return bad(`META.json: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (meta.seq !== seq) return bad(`META.json says seq ${meta.seq}, the directory name ${seq}`);
    const l = { name, seq, meta, problem: null, bytes: metaBytes.length };
    this.heads.set(name, l);
    return l;
  }

  // -- internals -----------------------------------------------------------------------------------------

  /** The data files as verified (their bytes were read and checked against META.json). */
  private loaded(name: string, meta: SnapshotMeta, data: Map<string, Buffer>): LoadedSnapshot {
    const dir = path.join(this.dir, name);
    return {
      name,
      dir,
      meta,
      file(f: string): Buffer {
        const b = data.get(f);
        if (b === undefined) throw new TapedeckError('CORRUPT_SNAPSHOT', `${dir}: has no data file ${f}`, { path: dir, file: f });
        return b;
      },
    };
  }

  private readdir(): string[] {
    if (!this.exists()) return [];
    try {
      return this.ops.readdirSync(this.dir);
    } catch (err) {
      throw new IoError(this.dir, 'cannot list the snapshot store', err);
    }
  }

  /** The snapshot names, oldest first (see SnapshotStoreOptions.cacheListing). */
  private names(): string[] {
    let stamp: string | null = null;
    if (this.cacheListing) {
      try {
        const st = fs.statSync(this.dir, { bigint: true });
        stamp = `${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
      } catch {
        stamp = null;
      }
      if (stamp !== null && this.listing?.stamp === stamp) return this.listing.names;
    }
    const names = this.readdir()
      .filter((n) => NAME.test(n))
      .sort();
    this.listing = stamp === null ? null : { stamp, names };
    return names;
  }

  private step(step: SnapshotStep, detail: string): void {
    this.onStep(step, detail);
  }

  private async writeData(file: string, data: Uint8Array | Iterable<Uint8Array>): Promise<SnapshotFileInfo> {
    const ops = this.ops;
    const name = path.basename(file);
    this.step('write-data', name);
    const fd = this.io(file, 'cannot create a snapshot file', () => ops.openSync(file, 'wx'));
    let pos = 0;
    let crc = 0;
    try {
      const chunks = data instanceof Uint8Array ? [data] : data;
      for (const chunk of chunks) {
        for (let off = 0; off < chunk.length; off += this.chunkBytes) {
          const piece = chunk.subarray(off, Math.min(chunk.length, off + this.chunkBytes));
          this.io(file, 'cannot write a snapshot file', () => writeAll(ops, fd, piece, pos));
          pos += piece.length;
          crc = crc32Continue(crc, piece);
          await yieldNow();
        }
      }
      this.step('fsync-data', name);
      try {
        await ops.fdatasync(fd);
      } catch (err) {
        throw new IoError(file, 'cannot sync a snapshot file', err);
      }
    } finally {
      ops.closeSync(fd);
    }
    return { name, bytes: pos, crc32: crc };
  }

  /** Syncs are asynchronous (the thread pool's fdatasync): a snapshot never blocks the event loop on the disk. */
  private async writeSmall(file: string, bytes: Uint8Array): Promise<void> {
    const ops = this.ops;
    const fd = this.io(file, 'cannot create a snapshot file', () => ops.openSync(file, 'w'));
    try {
      this.io(file, 'cannot write a snapshot file', () => writeAll(ops, fd, bytes, 0));
      await ops.fdatasync(fd).catch((err: unknown) => {
        throw new IoError(file, 'cannot sync a snapshot file', err);
      });
    } finally {
      ops.closeSync(fd);
    }
  }

  /** fdatasync on a directory's descriptor: on Linux it makes the directory's entries durable, as fsync does. */
  private async syncDirAsync(dir: string, what: string): Promise<void> {
    const ops = this.ops;
    const fd = this.io(dir, what, () => ops.openSync(dir, fs.constants.O_RDONLY));
    try {
      await ops.fdatasync(fd).catch((err: unknown) => {
        throw new IoError(dir, what, err);
      });
    } finally {
      ops.closeSync(fd);
    }
  }

  /** The pointer, for prune (synchronous: pruning is maintenance, not on a writer's path). */
  private setLatestSync(name: string): void {
    const p = path.join(this.dir, SNAPSHOT_LATEST);
    // Its own temporary name: a write() in flight may be between writing `latest.tmp` and renaming it.
    const tmp = p + '.prune.tmp';
    const ops = this.ops;
    const fd = this.io(tmp, 'cannot create the latest pointer', () => ops.openSync(tmp, 'w'));
    try {
      this.io(tmp, 'cannot write the latest pointer', () => {
        writeAll(ops, fd, Buffer.from(`${name}\n`), 0);
        ops.fsyncSync(fd);
      });
    } finally {
      ops.closeSync(fd);
    }
    this.io(p, 'cannot rename the latest pointer into place', () => ops.renameSync(tmp, p));
    this.pointed = name;
    this.io(this.dir, 'cannot sync the snapshot store', () => syncDir(ops, this.dir));
  }

  private setLatest(name: string): Promise<void> {
    const next = this.pointerQueue.then(() => this.writeLatest(name));
    this.pointerQueue = next.catch(() => {});
    return next;
  }

  private async writeLatest(name: string): Promise<void> {
    // Fixed-width hex names order as their seqs.
    if (this.pointed !== null && this.pointed > name) return;
    this.pointed = name;
    const p = path.join(this.dir, SNAPSHOT_LATEST);
    this.step('write-latest', p);
    await this.writeSmall(p + '.tmp', Buffer.from(`${name}\n`));
    this.step('rename-latest', p);
    this.io(p, 'cannot rename the latest pointer into place', () => this.ops.renameSync(p + '.tmp', p));
    this.step('fsync-store-dir-latest', this.dir);
    await this.syncDirAsync(this.dir, 'cannot sync the snapshot store');
  }

  /** Directories are removed through node:fs (FileOps has files only); removal needs no atomicity. */
  private removeTree(p: string): void {
    this.listing = null;
    this.heads.delete(path.basename(p));
    if (p === this.dir) this.heads.clear();
    this.io(p, 'cannot remove', () => fs.rmSync(p, { recursive: true, force: true }));
  }

  private io<T>(p: string, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof TapedeckError) throw err;
      throw new IoError(p, what, err);
    }
  }
}

function writeAll(ops: FileOps, fd: number, b: Uint8Array, pos: number): void {
  let done = 0;
  while (done < b.length) {
    const n = ops.writeSync(fd, b, done, b.length - done, pos + done);
    if (n <= 0) throw new Error(`short write at offset ${pos + done}`);
    done += n;
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** META.json: keys in a fixed order, tsNs as a decimal string, so equal metadata is equal bytes. */
export function encodeMeta(m: SnapshotMeta): string {
  return (
    JSON.stringify({
      version: m.version,
      seq: m.seq,
      tsNs: m.tsNs.toString(),
      files: m.files.map((f) => ({ name: f.name, bytes: f.bytes, crc32: f.crc32 })),
      info: Object.fromEntries(Object.keys(m.info).sort().map((k) => [k, m.info[k]!])),
    }) + '\n'
  );
}

export function decodeMeta(b: Uint8Array): SnapshotMeta {
  const j = JSON.parse(Buffer.from(b).toString('utf8')) as Record<string, unknown>;
  if (j.version !== SNAPSHOT_VERSION) throw new Error(`version ${String(j.version)} is not ${SNAPSHOT_VERSION}`);
  if (typeof j.seq !== 'number' || !Number.isSafeInteger(j.seq) || j.seq < 0) throw new Error('seq is not a whole number ≥ 0');
  if (typeof j.tsNs !== 'string' || !/^-?\d+$/.test(j.tsNs)) throw new Error('tsNs is not a decimal integer string');
  if (!Array.isArray(j.files)) throw new Error('files is not a list');
  const files = j.files.map((f: unknown, i: number) => {
    const o = f as Record<string, unknown>;
    if (typeof o?.name !== 'string' || !FILE_NAME.test(o.name)) throw new Error(`files[${i}].name is not a file name`);
    if (typeof o.bytes !== 'number' || !Number.isSafeInteger(o.bytes) || o.bytes < 0) throw new Error(`files[${i}].bytes is not a size`);
    if (typeof o.crc32 !== 'number' || !Number.isInteger(o.crc32)) throw new Error(`files[${i}].crc32 is not a CRC`);
    return { name: o.name, bytes: o.bytes, crc32: o.crc32 };
  });
  const info = (typeof j.info === 'object' && j.info !== null ? j.info : {}) as Record<string, string | number>;
  return { version: SNAPSHOT_VERSION, seq: j.seq, tsNs: BigInt(j.tsNs), files, info };
}
