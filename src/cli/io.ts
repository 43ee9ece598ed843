/**
 * The CLI's seams to the outside world: where it writes, what it reads, the environment, the
 * working directory, which streams are terminals, and the stop signals. `main(argv, io)` takes one
 * of these, so tests run the CLI in-process with captured streams and a fake terminal, and the
 * process entry passes `processIo()`. Every command writes through `io`, never `process.*`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tty from 'node:tty';
import type { Readable, Writable } from 'node:stream';
import { IoError } from '../errors.js';

/** A writable stream that may know it is a terminal (as process.stdout/stderr do). */
export type CliOutput = Writable & { isTTY?: boolean; columns?: number };
/** A readable stream that may be a terminal in raw mode (as process.stdin is). */
export type CliInput = Readable & { isTTY?: boolean; setRawMode?: (on: boolean) => unknown };

/** SIGINT/SIGTERM delivery: the process, or a test that raises them by hand. */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', fn: (signal: NodeJS.Signals) => void): void;
  off(signal: 'SIGINT' | 'SIGTERM', fn: (signal: NodeJS.Signals) => void): void;
}

export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  stdin: CliInput;
  env: Readonly<Record<string, string | undefined>>;
  /** Relative path arguments resolve against this. */
  cwd: string;
  /** Which streams are terminals: the status line, progress bars and keys depend on it. */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  signals: SignalSource;
  /** Ends the process at once (a second Ctrl-C); in-process tests get an exception instead. */
  exit(code: number): never;
  /**
   * The controlling terminal for keys when stdin is not one (`/dev/tty`, as less(1) reads it),
   * or null when the process has none. The caller destroys it when done.
   */
  terminal?(): CliInput | null;
}

/** The real process. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    isTTY: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
    signals: {
      on: (s, fn) => process.on(s, fn),
      off: (s, fn) => process.off(s, fn),
    },
    exit: (code) => process.exit(code),
    terminal: openControllingTerminal,
  };
}

function openControllingTerminal(): CliInput | null {
  let fd: number;
  try {
    fd = fs.openSync('/dev/tty', 'r');
  } catch {
    return null; // no controlling terminal (a daemon, CI)
  }
  if (!tty.isatty(fd)) {
    fs.closeSync(fd);
    return null;
  }
  return new tty.ReadStream(fd);
}

/** A path argument as the commands use it: relative paths resolve against io.cwd (unchanged when
 * that is the process's own working directory, so messages show the path as the user gave it). */
export function resolvePath(io: CliIo, p: string): string {
  if (p === '-' || path.isAbsolute(p) || io.cwd === process.cwd()) return p;
  return path.resolve(io.cwd, p);
}

/** Terminal width for wrapping, when stdout is one. */
export function columnsOf(io: CliIo): number | undefined {
  return io.isTTY.stdout ? io.stdout.columns : undefined;
}

/** A default output path (made under io.cwd) as the user would have seen it: relative to io.cwd. */
export function displayPath(io: CliIo, p: string): string {
  if (!path.isAbsolute(p) || io.cwd === process.cwd()) return p;
  const rel = path.relative(io.cwd, p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}

/**
 * What an output file stream (`export -o`, `replay -o`) buffers before it pushes back: 1 MiB keeps
 * the command computing while earlier 64 KiB chunks are written. At the stream default (16 KiB)
 * every chunk waited for its own write: 10-16% of a 1M-event export's profile was idle.
 */
export const FILE_BUFFER_BYTES = 1 << 20;

/**
 * An output file (`export -o`, `replay -o`) opened now, so a bad path fails as an IoError (exit
 * 74) before any work starts: a stream that opens later reports ENOENT as an 'error' event, which
 * with no listener yet (the command still awaiting a module) ended the process.
 */
export function openOutputFile(file: string, highWaterMark: number = FILE_BUFFER_BYTES): fs.WriteStream {
  let fd: number;
  try {
    fd = fs.openSync(file, 'w');
  } catch (err) {
    throw new IoError(file, 'cannot create the output file', err);
  }
  return fs.createWriteStream(file, { fd, highWaterMark });
}
