export declare const EXIT: {
    readonly OK: 0;
    /** A check found a difference or corruption. */
    readonly CHECK_FAILED: 1;
    /** Usage error: bad options or arguments. */
    readonly USAGE: 2;
    /** EX_DATAERR: bad input under --strict. */
    readonly BAD_INPUT: 65;
    /** EX_IOERR: disk full, permission, missing file; the path is in the message. */
    readonly IO: 74;
};
/** Raised by a command to end with a given exit code after printing its own output. */
export declare class ExitError extends Error {
    readonly exitCode: number;
    constructor(exitCode: number, message?: string);
}
export declare function exitCodeFor(err: unknown): number;
