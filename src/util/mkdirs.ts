/**
 * `mkdir -p`, one level at a time from the nearest existing ancestor. Node's recursive mkdir spins
 * forever where a parent cannot hold directories (`mkdirSync('/proc/x', { recursive: true })` never
 * returns), so every directory tapedeck creates goes through here and an impossible path fails at
 * once with the real errno. An existing path component that is not a directory fails with ENOTDIR
 * naming it. The error thrown is the errno error of the level that failed (its `path` says which).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface MkdirsOps {
  statSync(p: string): { isDirectory(): boolean };
  mkdirSync(p: string): void;
}

const realOps: MkdirsOps = { statSync: (p) => fs.statSync(p), mkdirSync: (p) => void fs.mkdirSync(p) };

/** Creates `dir` and its missing parents; returns the directories it created, outermost first. */
export function mkdirs(dir: string, ops: MkdirsOps = realOps): string[] {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; ) {
    let isDir: boolean | null = null;
    try {
      isDir = ops.statSync(p).isDirectory();
    } catch (err) {
      // ENOTDIR: something above is a file; walking up finds it and names it.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (isDir === false) throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${p}'`), { code: 'ENOTDIR', path: p, syscall: 'mkdir' });
    if (isDir) break;
    missing.unshift(p);
    const parent = path.dirname(p);
    if (parent === p) break;
    p = parent;
  }
  const made: string[] = [];
  for (const p of missing) {
    try {
      ops.mkdirSync(p);
      made.push(p);
    } catch (err) {
      // Someone else made it meanwhile: fine.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return made;
}
