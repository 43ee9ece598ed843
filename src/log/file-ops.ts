/**
 * The file layer the log writes through. Everything that can fail on a real disk (short writes,
 * ENOSPC, EIO, a failed fsync) goes through this seam, so tests can inject those failures.
 */
import * as fs from 'node:fs';
import { mkdirs } from '../util/mkdirs.js';

export interface FileOps {
  openSync(path: string, flags: string | number, mode?: number): number;
  /** Returns the byte count actually written, which can be short. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  readSync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number;
  fdatasync(fd: number): Promise<void>;
  fdatasyncSync(fd: number): void;
  fsyncSync(fd: number): void;
  ftruncateSync(fd: number, length: number): void;
  fstatSizeSync(fd: number): number;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  /** A hard link; fails with EEXIST when `to` exists (the lock relies on that). */
  linkSync(from: string, to: string): void;
  realpathSync(path: string): string;
  unlinkSync(path: string): void;
  readdirSync(path: string): string[];
  mkdirSync(path: string): void;
  writeFileSync(path: string, data: Uint8Array | string): void;
  readFileSync(path: string): Buffer;
  existsSync(path: string): boolean;
  statSizeSync(path: string): number;
}

export const realFileOps: FileOps = {
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
  // One level at a time: a recursive mkdir under /proc never returns (util/mkdirs.ts).
  mkdirSync: (p) => void mkdirs(p),
  writeFileSync: (p, d) => fs.writeFileSync(p, d),
  readFileSync: (p) => fs.readFileSync(p),
  existsSync: (p) => fs.existsSync(p),
  statSizeSync: (p) => fs.statSync(p).size,
};

/** fsync a directory so that a create, rename or unlink inside it survives a power loss. */
export function syncDir(ops: FileOps, dir: string): void {
  const fd = ops.openSync(dir, fs.constants.O_RDONLY);
  try {
    ops.fsyncSync(fd);
  } finally {
    ops.closeSync(fd);
  }
}

/** Writes all of `length` bytes or throws: a short write is an error, never retried. */
export function writeFully(ops: FileOps, fd: number, buffer: Uint8Array, offset: number, length: number, position: number): void {
  const n = ops.writeSync(fd, buffer, offset, length, position);
  if (n !== length) {
    const err = new Error(`short write: ${n} of ${length} bytes at offset ${position}`) as NodeJS.ErrnoException;
    err.code = 'ESHORTWRITE';
    throw err;
  }
}

export function readFully(ops: FileOps, fd: number, length: number, position: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = ops.readSync(fd, b, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? b : b.subarray(0, got);
}
