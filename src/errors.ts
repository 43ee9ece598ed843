/**
 * One error family with stable codes. Tests and the CLI match on `code`, never on message text.
 * Every error carries the context needed to act on it (file, byte offset, seq, field, line).
 */

export type ErrorCode =
  // log: the world
  | 'CORRUPT_FRAME'
  | 'CORRUPT_SEGMENT'
  | 'TORN_TAIL'
  | 'MISSING_SEGMENT'
  /** A segment from another recording (its id or the manifest's checksums say so). */
  | 'FOREIGN_SEGMENT'
  | 'LOCKED'
  | 'IO'
  | 'LOG_FAILED'
  | 'LOG_CLOSED'
  | 'TS_BACKWARDS'
  /** A snapshot or keyframe whose files do not match their checksums, or that was never completed. */
  | 'CORRUPT_SNAPSHOT'
  | 'RECORD_TOO_LARGE'
  | 'BAD_ARGUMENT'
  // events
  | 'VALIDATION'
  | 'BAD_INPUT'
  // checks
  | 'CHECK_FAILED'
  | 'EXPECTATION_FAILED'
  | 'NOT_FOUND'
  // sweeps: a copy whose digest is not the one asked for; a worker that died mid-job
  | 'DIGEST_MISMATCH'
  | 'WORKER_DIED';

/**
 * An error's context as plain fields. It also renders as text through `split`, because test
 * runners (uvu) print `err.details` as a string diff: a plain object there crashed the runner and
 * ended the whole test run silently with exit 0, hiding every failure after it.
 */
function withText(details: Record<string, unknown>): Record<string, unknown> {
  Object.defineProperty(details, 'split', {
    enumerable: false,
    value: (sep: string) => JSON.stringify(details, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)).split(sep),
  });
  return details;
}

export class TapedeckError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TapedeckError';
    this.code = code;
    this.details = withText(details);
  }
}

/**
 * A bad byte in a recording: which recording (`path`), which segment file (`file`), where, and why.
 * The message names the segment by its full path when the recording directory is known.
 */
export class CorruptionError extends TapedeckError {
  readonly file: string;
  readonly offsetBytes: number;
  readonly reason: string;
  readonly seq: number | undefined;
  /** The recording directory, when known. */
  readonly path: string | undefined;
  constructor(file: string, offsetBytes: number, reason: string, seq?: number, code: ErrorCode = 'CORRUPT_FRAME', dir?: string) {
    const where = dir === undefined ? file : `${dir.replace(/\/+$/, '')}/${file}`;
    super(code, `${where}: corrupt at byte ${offsetBytes}${seq === undefined ? '' : ` (seq ${seq})`}: ${reason}`, {
      file,
      segment: file,
      path: dir,
      offsetBytes,
      reason,
      seq,
    });
    this.name = 'CorruptionError';
    this.file = file;
    this.offsetBytes = offsetBytes;
    this.reason = reason;
    this.seq = seq;
    this.path = dir;
  }
}

/**
 * An I/O failure (disk full, permission, short write), with the path it happened on and the errno
 * name (`ENOSPC`, `EACCES`, ...) when the cause had one. The CLI maps it to exit 74.
 */
export class IoError extends TapedeckError {
  readonly path: string;
  readonly errno: string | undefined;
  constructor(path: string, message: string, cause?: unknown, code: ErrorCode = 'IO') {
    // Wrapping an IoError keeps the errno underneath (ENOSPC, not IO).
    const errno = cause instanceof IoError ? cause.errno : cause instanceof Error ? (cause as NodeJS.ErrnoException).code : undefined;
    const causeText = cause instanceof Error ? `: ${errno ?? cause.message}` : '';
    super(code, `${path}: ${message}${causeText}`, { path, errno }, { cause });
    this.name = 'IoError';
    this.path = path;
    this.errno = errno;
  }
}

/** An event that failed validation: the field, the value, and where in its input it came from. */
export class ValidationError extends TapedeckError {
  readonly field: string;
  readonly value: unknown;
  readonly position: string | undefined;
  constructor(field: string, problem: string, value: unknown, position?: string) {
    const shown = describeValue(value);
    super('VALIDATION', `${position ? `${position}: ` : ''}field "${field}" ${problem} (got ${shown})`, {
      field,
      value: shown,
      position,
    });
    this.name = 'ValidationError';
    this.field = field;
    this.value = value;
    this.position = position;
  }
  /** The same error, placed at a position in its input (a line number, an array index). */
  at(position: string): ValidationError {
    const placed = new ValidationError(this.field, this.message.replace(/^.*?field "[^"]*" /, '').replace(/ \(got .*\)$/, ''), this.value, position);
    return placed;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/** An error as it crosses a thread or the network: enough to rebuild its code and exit status. */
export interface WireError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** An errno-style code (ENOSPC, EACCES) of a plain Node error. */
  errno?: string;
  /** Set for a CorruptionError, which is rebuilt as one (callers test `instanceof` and read its offset). */
  corruption?: { file: string; offsetBytes: number; reason: string; seq?: number; path?: string };
}

export function toWireError(e: unknown): WireError {
  if (e instanceof TapedeckError) {
    const w: WireError = { code: e.code, message: e.message, details: JSON.parse(JSON.stringify(e.details, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Record<string, unknown> };
    if (e instanceof CorruptionError) {
      w.corruption = { file: e.file, offsetBytes: e.offsetBytes, reason: e.reason };
      if (e.seq !== undefined) w.corruption.seq = e.seq;
      if (e.path !== undefined) w.corruption.path = e.path;
    }
    return w;
  }
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return typeof errno === 'string' ? { code: 'IO', message, errno } : { code: 'CHECK_FAILED', message };
}

export function fromWireError(w: WireError): Error {
  if (w.errno !== undefined) {
    const e = new Error(w.message) as NodeJS.ErrnoException;
    e.code = w.errno;
    return e;
  }
  const c = w.corruption;
  if (c !== undefined) return new CorruptionError(c.file, c.offsetBytes, c.reason, c.seq, w.code as ErrorCode, c.path);
  return new TapedeckError(w.code as ErrorCode, w.message, w.details ?? {});
}
