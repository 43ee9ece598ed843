/**
 * One writer per recording: the LOCK file (docs/FORMAT.md §11.5).
 *
 * The lock never exists without its owner's identity: the owner record is written to a temporary
 * file first, then hard-linked to `LOCK`, which fails with EEXIST while a LOCK exists
 * (link is atomic and never replaces). The record is three lines:
 *
 *     <pid>\n  start <process start time, or ->\n  owner <16 hex digits, unique per acquisition>\n
 *
 * A holder is alive when its pid is alive AND (when both are known) its process start time is the
 * recorded one, so a pid reused by an unrelated process is not mistaken for the holder. A stale
 * lock is broken by renaming it aside and checking that what moved is the record judged stale; if
 * another writer took the lock in between, its LOCK is linked back. Release removes LOCK only if it
 * still holds this acquisition's record. Paths are compared after realpath, so a symlink to a
 * recording is the same recording; a LOCK naming this very process counts as held, never stale.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError, TapedeckError } from '../errors.js';
import { writeFully, type FileOps } from './file-ops.js';
import { LOCK_NAME, TMP_SUFFIX } from './names.js';

const heldInThisProcess = new Set<string>();
/** The owner nonces of the locks this process holds: a LOCK naming our pid but another nonce is a copy or a leftover. */
const noncesHeld = new Set<string>();

export interface DirLock {
  /** The recording directory after realpath. */
  readonly realDir: string;
  release(): void;
  /** Forgets the lock in this process without touching the disk, as a crash would (simulation seam). */
  forget(): void;
}

/** Who a process is: its pid and start time. A seam, so tests can simulate pid reuse. */
export interface ProcessProbe {
  pid: number;
  /** The process start time as an opaque string (Linux: /proc/<pid>/stat field 22), or null when unknown. */
  startTime(pid: number): string | null;
  isAlive(pid: number): boolean;
}

export const realProcessProbe: ProcessProbe = {
  pid: process.pid,
  startTime: procStartTime,
  isAlive: pidIsAlive,
};

export interface LockOwner {
  pid: number;
  start: string | null;
  owner: string | null;
}

/** Parses a LOCK record (a bare "<pid>\n" from format version 1 writers is accepted). */
export function parseLockRecord(text: string): LockOwner | null {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let start: string | null = null;
  let owner: string | null = null;
  for (const l of lines.slice(1)) {
    if (l.startsWith('start ')) start = l.slice(6) === '-' ? null : l.slice(6);
    else if (l.startsWith('owner ')) owner = l.slice(6);
  }
  return { pid, start, owner };
}

export type LockHolder = { state: 'none' } | { state: 'live'; pid: number } | { state: 'stale'; pid: number | null };

/** Is the recording locked, and by a live process? Readers use this to tell a dead writer. */
export function readLockHolder(ops: FileOps, dir: string, probe: ProcessProbe = realProcessProbe): LockHolder {
  let text: string;
  try {
    text = ops.readFileSync(path.join(dir, LOCK_NAME)).toString('utf8');
  } catch {
    return { state: 'none' };
  }
  const rec = parseLockRecord(text);
  if (!rec) return { state: 'stale', pid: null };
  return holderAlive(rec, probe) ? { state: 'live', pid: rec.pid } : { state: 'stale', pid: rec.pid };
}

function holderAlive(rec: LockOwner, probe: ProcessProbe): boolean {
  if (!probe.isAlive(rec.pid)) return false;
  if (rec.start === null) return true;
  const now = probe.startTime(rec.pid);
  return now === null || now === rec.start;
}

export function acquireLock(ops: FileOps, dir: string, probe: ProcessProbe = realProcessProbe): DirLock {
  let realDir: string;
  try {
    realDir = ops.realpathSync(dir);
  } catch (err) {
    throw new IoError(dir, 'cannot resolve the recording directory', err);
  }
  if (heldInThisProcess.has(realDir)) {
    throw new TapedeckError('LOCKED', `${dir}: already open for writing in this process (pid ${probe.pid})`, { path: dir, pid: probe.pid });
  }
  const lockPath = path.join(realDir, LOCK_NAME);
  const nonce = randomBytes(8).toString('hex');
  const start = probe.startTime(probe.pid);
  const record = `${probe.pid}\nstart ${start ?? '-'}\nowner ${nonce}\n`;
  const tmpPath = path.join(realDir, `${LOCK_NAME}.${nonce}${TMP_SUFFIX}`);
  try {
    const fd = ops.openSync(tmpPath, 'wx');
    try {
      const b = Buffer.from(record);
      writeFully(ops, fd, b, 0, b.length, 0);
      // No fsync: the lock guards live processes, and none survives a power loss; a LOCK emptied by
      // one is unreadable, hence stale, and is taken over.
    } finally {
      ops.closeSync(fd);
    }
  } catch (err) {
    unlinkQuietly(ops, tmpPath);
    throw new IoError(lockPath, 'cannot write the lock owner record', err);
  }
  try {
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        ops.linkSync(tmpPath, lockPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new IoError(lockPath, 'cannot take the writer lock', err);
        let text: string;
        try {
          text = ops.readFileSync(lockPath).toString('utf8');
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released in between: try again
          throw new IoError(lockPath, 'cannot read the lock', e);
        }
        const holder = parseLockRecord(text);
        const ours = holder !== null && holder.pid === probe.pid && (holder.start === null || holder.start === start);
        if (ours && holder.owner !== null && noncesHeld.has(holder.owner)) {
          throw new TapedeckError('LOCKED', `${dir}: already open for writing in this process (pid ${probe.pid})`, { path: dir, pid: probe.pid });
        }
        // Naming this process but no lock it holds: a copied directory or a leftover, never a live holder.
        if (holder && !ours && holderAlive(holder, probe)) {
          throw new TapedeckError('LOCKED', `${dir}: locked by another writer (pid ${holder.pid}); only one writer may append to a recording`, {
            path: dir,
            pid: holder.pid,
          });
        }
        breakStale(ops, lockPath, text, nonce);
        continue;
      }
      heldInThisProcess.add(realDir);
      noncesHeld.add(nonce);
      let released = false;
      return {
        realDir,
        release() {
          if (released) return;
          released = true;
          heldInThisProcess.delete(realDir);
          noncesHeld.delete(nonce);
          unlinkIfOurs(ops, lockPath, record);
        },
        forget() {
          released = true;
          heldInThisProcess.delete(realDir);
          noncesHeld.delete(nonce);
        },
      };
    }
    throw new TapedeckError('LOCKED', `${dir}: could not take the writer lock (it keeps changing hands)`, { path: dir });
  } finally {
    unlinkQuietly(ops, tmpPath);
  }
}

/** Moves a stale LOCK aside; if what moved was not the stale record (a live writer's), puts it back. */
function breakStale(ops: FileOps, lockPath: string, staleText: string, nonce: string): void {
  const aside = `${lockPath}.${nonce}.stale${TMP_SUFFIX}`;
  try {
    ops.renameSync(lockPath, aside);
  } catch {
    return; // gone already: the next attempt will tell
  }
  let moved = '';
  try {
    moved = ops.readFileSync(aside).toString('utf8');
  } catch {
    // unreadable: treat as stale
  }
  if (moved !== staleText) {
    try {
      ops.linkSync(aside, lockPath);
    } catch {
      // A third writer took the lock meanwhile; it holds it now.
    }
  }
  unlinkQuietly(ops, aside);
}

function unlinkIfOurs(ops: FileOps, lockPath: string, record: string): void {
  try {
    if (ops.readFileSync(lockPath).toString('utf8') === record) ops.unlinkSync(lockPath);
  } catch {
    // Already gone: nothing to release.
  }
}

function unlinkQuietly(ops: FileOps, p: string): void {
  try {
    ops.unlinkSync(p);
  } catch {
    // best effort
  }
}

/**
 * Runs `fn` holding the writer lock of `dir`: every command that deletes or rewrites a recording
 * (`--force`, `compact`, `repair`) goes through this, so it refuses while a writer is live.
 */
export function withWriterLock<T>(ops: FileOps, dir: string, fn: (lock: DirLock) => T): T {
  const lock = acquireLock(ops, dir);
  try {
    return fn(lock);
  } finally {
    lock.release();
  }
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null elsewhere. */
export function procStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}
