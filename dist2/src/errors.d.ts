/**
 * One error family with stable codes. Tests and the CLI match on `code`, never on message text.
 * Every error carries the context needed to act on it (file, byte offset, seq, field, line).
 */
export type ErrorCode = 'CORRUPT_FRAME' | 'CORRUPT_SEGMENT' | 'TORN_TAIL' | 'MISSING_SEGMENT'
/** A segment from another recording (its id or the manifest's checksums say so). */
 | 'FOREIGN_SEGMENT' | 'LOCKED' | 'IO' | 'LOG_FAILED' | 'LOG_CLOSED' | 'TS_BACKWARDS' | 'RECORD_TOO_LARGE' | 'BAD_ARGUMENT' | 'VALIDATION' | 'BAD_INPUT' | 'CHECK_FAILED' | 'EXPECTATION_FAILED' | 'NOT_FOUND' | 'DIGEST_MISMATCH' | 'WORKER_DIED';
export declare class TapedeckError extends Error {
    readonly code: ErrorCode;
    readonly details: Record<string, unknown>;
    constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: {
        cause?: unknown;
    });
}
/**
 * A bad byte in a recording: which recording (`path`), which segment file (`file`), where, and why.
 * The message names the segment by its full path when the recording directory is known.
 */
export declare class CorruptionError extends TapedeckError {
    readonly file: string;
    readonly offsetBytes: number;
    readonly reason: string;
    readonly seq: number | undefined;
    /** The recording directory, when known. */
    readonly path: string | undefined;
    constructor(file: string, offsetBytes: number, reason: string, seq?: number, code?: ErrorCode, dir?: string);
}
/**
 * An I/O failure (disk full, permission, short write), with the path it happened on and the errno
 * name (`ENOSPC`, `EACCES`, ...) when the cause had one. The CLI maps it to exit 74.
 */
export declare class IoError extends TapedeckError {
    readonly path: string;
    readonly errno: string | undefined;
    constructor(path: string, message: string, cause?: unknown, code?: ErrorCode);
}
/** An event that failed validation: the field, the value, and where in its input it came from. */
export declare class ValidationError extends TapedeckError {
    readonly field: string;
    readonly value: unknown;
    readonly position: string | undefined;
    constructor(field: string, problem: string, value: unknown, position?: string);
    /** The same error, placed at a position in its input (a line number, an array index). */
    at(position: string): ValidationError;
}
