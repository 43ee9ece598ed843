/**
 * One writer per directory. The LOCK file holds the writer's pid; a lock whose pid is no longer
 * alive is taken over. Same-process double opens are caught by a registry, since our own pid is
 * always alive.
 */
import * as path from 'node:path';
import { TapedeckError } from '../errors.js';
import type { FileOps } from './file-ops.js';
import { LOCK_NAME } from './names.js';

const heldInThisProcess = new Set<string>();

export interface DirLock {
  release(): void;
}

export function acquireLock(ops: FileOps, dir: string, pid: number, isAlive: (pid: number) => boolean): DirLock {
  const lockPath = path.join(dir, LOCK_NAME);
  const key = path.resolve(dir);
  if (heldInThisProcess.has(key)) {
    throw new TapedeckError('LOCKED', `${dir}: already open for writing in this process (pid ${pid})`, { path: dir, pid });
  }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = ops.openSync(lockPath, 'wx');
      try {
        const text = `${pid}\n`;
        ops.writeSync(fd, Buffer.from(text), 0, text.length, 0);
      } finally {
        ops.closeSync(fd);
      }
      heldInThisProcess.add(key);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldInThisProcess.delete(key);
          try {
            ops.unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = parseInt(ops.readFileSync(lockPath).toString('utf8').trim(), 10);
      } catch {
        // Vanished between our open and read: try again.
      }
      if (Number.isFinite(holder) && holder !== pid && isAlive(holder)) {
        throw new TapedeckError('LOCKED', `${dir}: locked by another writer (pid ${holder}); only one writer may append to a recording`, {
          path: dir,
          pid: holder,
        });
      }
      // A dead holder (or an unreadable lock): take it over.
      try {
        ops.unlinkSync(lockPath);
      } catch {
        // Someone else took it first; the next attempt will tell.
      }
    }
  }
  throw new TapedeckError('LOCKED', `${dir}: could not take the writer lock`, { path: dir });
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
