/**
 * The one way tests run the CLI: in-process through `main(argv, io)` with captured streams, a
 * fake terminal and fake signals (fast: no Node start-up per call). `spawnCli` runs the real
 * binary as a child process, for the few tests where the process itself is the point (exit codes
 * seen by a shell, signals, a real TTY, a closed pipe).
 */
import { type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import type { CliIo } from '../../src/cli/io.js';
import { cliPath } from './tmp.js';
export { cliPath };
export interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
    /** stdout as bytes (binary-exact). */
    stdoutBytes: Buffer;
}
export interface CliOptions {
    /** Fed on stdin, which then ends (default: empty). */
    input?: string | Buffer;
    cwd?: string;
    env?: Record<string, string | undefined>;
    /** Pretend these streams are terminals. */
    tty?: Partial<CliIo['isTTY']>;
    columns?: number;
}
export interface LiveCli {
    /** The CLI's stdin: write to it, end() it. */
    stdin: PassThrough;
    stdout(): string;
    stderr(): string;
    /** Delivers SIGINT/SIGTERM to the handlers the command installed. */
    signal(sig: 'SIGINT' | 'SIGTERM'): void;
    done: Promise<CliRun>;
}
/** Starts the CLI in-process; it runs while the test feeds stdin or raises signals. */
export declare function startCli(args: readonly string[], opts?: Omit<CliOptions, 'input'>): LiveCli;
/** Runs the CLI in-process to completion, with `input` on stdin. */
export declare function runCli(args: readonly string[], opts?: CliOptions): Promise<CliRun>;
export interface ChildRun {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}
/** The real binary as a child process (exit codes, signals, TTY, pipes). */
export declare function spawnCli(args: readonly string[], opts?: {
    cwd?: string;
}): ChildProcess;
export declare function collect(child: ChildProcess): Promise<ChildRun>;
/** Runs the real binary to completion, feeding `input` on stdin. */
export declare function runChild(args: readonly string[], input?: string | Buffer, opts?: {
    cwd?: string;
}): Promise<ChildRun>;
