import type { Readable, Writable } from 'node:stream';
/** A writable stream that may know it is a terminal (as process.stdout/stderr do). */
export type CliOutput = Writable & {
    isTTY?: boolean;
    columns?: number;
};
/** A readable stream that may be a terminal in raw mode (as process.stdin is). */
export type CliInput = Readable & {
    isTTY?: boolean;
    setRawMode?: (on: boolean) => unknown;
};
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
    isTTY: {
        stdin: boolean;
        stdout: boolean;
        stderr: boolean;
    };
    signals: SignalSource;
    /** Ends the process at once (a second Ctrl-C); in-process tests get an exception instead. */
    exit(code: number): never;
}
/** The real process. */
export declare function processIo(): CliIo;
/** A path argument as the commands use it: relative paths resolve against io.cwd (unchanged when
 * that is the process's own working directory, so messages show the path as the user gave it). */
export declare function resolvePath(io: CliIo, p: string): string;
/** Terminal width for wrapping, when stdout is one. */
export declare function columnsOf(io: CliIo): number | undefined;
/** A default output path (made under io.cwd) as the user would have seen it: relative to io.cwd. */
export declare function displayPath(io: CliIo, p: string): string;
