/**
 * Exit codes used across the CLI (sysexits.h where one fits) and the mapping from errors to them.
 */
import { TapedeckError } from '../errors.js';

export const EXIT = {
  OK: 0,
  /** A check found a difference or corruption. */
  CHECK_FAILED: 1,
  /** Usage error: bad options or arguments. */
  USAGE: 2,
  /** `verify`: the log is intact, but gaps were recorded at capture time (the data is not whole). */
  GAPS_RECORDED: 3,
  /** EX_DATAERR: bad input under --strict. */
  BAD_INPUT: 65,
  /** EX_IOERR: disk full, permission, missing file; the path is in the message. */
  IO: 74,
} as const;

/** Raised by a command to end with a given exit code after printing its own output. */
export class ExitError extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'ExitError';
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ExitError) return err.exitCode;
  if (err instanceof TapedeckError) {
    switch (err.code) {
      case 'VALIDATION':
      case 'BAD_INPUT':
        return EXIT.BAD_INPUT;
      case 'IO':
      case 'LOG_FAILED':
      case 'LOCKED':
      case 'NOT_FOUND':
        return EXIT.IO;
      case 'BAD_ARGUMENT':
        return EXIT.USAGE;
      case 'CORRUPT_FRAME':
      case 'CORRUPT_SEGMENT':
      case 'MISSING_SEGMENT':
      case 'TORN_TAIL':
      case 'CHECK_FAILED':
      case 'EXPECTATION_FAILED':
      case 'TS_BACKWARDS':
        return EXIT.CHECK_FAILED;
      default:
        return EXIT.CHECK_FAILED;
    }
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return EXIT.IO;
  return EXIT.CHECK_FAILED;
}
