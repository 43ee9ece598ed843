/**
 * The one way tests run the CLI: in-process through `main(argv, io)` with captured streams, a
 * fake terminal and fake signals (fast: no Node start-up per call). `spawnCli` runs the real
 * binary as a child process, for the few tests where the process itself is the point (exit codes
 * seen by a shell, signals, a real TTY, a closed pipe).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/cli.js';
import { ExitError } from '../../src/cli/exit.js';
import type { CliIo, SignalSource } from '../../src/cli/io.js';
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
  /** Told each piece of output as the command writes it (to wait for a line without polling). */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  isTTY: boolean;
  columns: number | undefined;
  constructor(
    tty: boolean,
    columns: number | undefined,
    private readonly onChunk?: (text: string) => void,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.isTTY = tty;
    this.columns = columns;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.chunks.push(bytes);
    this.onChunk?.(bytes.toString('utf8'));
    cb();
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  text(): string {
    return this.bytes().toString('utf8');
  }
}

class FakeSignals extends EventEmitter implements SignalSource {
  override on(signal: 'SIGINT' | 'SIGTERM', fn: (signal: NodeJS.Signals) => void): this {
    return super.on(signal, fn);
  }
  override off(signal: 'SIGINT' | 'SIGTERM', fn: (signal: NodeJS.Signals) => void): this {
    return super.off(signal, fn);
  }
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
export function startCli(args: readonly string[], opts: Omit<CliOptions, 'input'> = {}): LiveCli {
  const tty = { stdin: false, stdout: false, stderr: false, ...opts.tty };
  const onOutput = opts.onOutput;
  const stdout = new Capture(tty.stdout, opts.columns, onOutput && ((t) => onOutput('stdout', t)));
  const stderr = new Capture(tty.stderr, opts.columns, onOutput && ((t) => onOutput('stderr', t)));
  const stdin = new PassThrough();
  const signals = new FakeSignals();
  const io: CliIo = {
    stdout,
    stderr,
    stdin: Object.assign(stdin, { isTTY: tty.stdin, setRawMode: () => stdin }),
    env: opts.env ?? {},
    cwd: opts.cwd ?? process.cwd(),
    isTTY: tty,
    signals,
    exit: (code: number): never => {
      throw new ExitError(code, `exit(${code})`);
    },
  };
  const done = main(args, io).then((code) => ({ code, stdout: stdout.text(), stderr: stderr.text(), stdoutBytes: stdout.bytes() }));
  return {
    stdin,
    stdout: () => stdout.text(),
    stderr: () => stderr.text(),
    signal: (sig) => {
      signals.emit(sig, sig);
    },
    done,
  };
}

/** Runs the CLI in-process to completion, with `input` on stdin. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliRun> {
  const { input, ...rest } = opts;
  const live = startCli(args, rest);
  live.stdin.end(input ?? '');
  return live.done;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The real binary as a child process (exit codes, signals, TTY, pipes). */
export function spawnCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd, env: opts.env && { ...process.env, ...opts.env } });
}

export function collect(child: ChildProcess): Promise<ChildRun> {
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the real binary to completion, feeding `input` on stdin. */
export function runChild(args: readonly string[], input: string | Buffer = '', opts: { cwd?: string } = {}): Promise<ChildRun> {
  const child = spawnCli(args, opts);
  const done = collect(child);
  child.stdin!.on('error', () => {});
  child.stdin!.end(input);
  return done;
}
