/**
 * The one way tests run the CLI: in-process through `main(argv, io)` with captured streams, a
 * fake terminal and fake signals (fast: no Node start-up per call). `spawnCli` runs the real
 * binary as a child process, for the few tests where the process itself is the point (exit codes
 * seen by a shell, signals, a real TTY, a closed pipe).
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { main } from '../../src/cli/cli.js';
import { ExitError } from '../../src/cli/exit.js';
import { cliPath } from './tmp.js';
export { cliPath };
class Capture extends Writable {
    chunks = [];
    isTTY;
    columns;
    constructor(tty, columns) {
        super({ highWaterMark: 1 << 20 });
        this.isTTY = tty;
        this.columns = columns;
    }
    _write(chunk, _enc, cb) {
        this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        cb();
    }
    bytes() {
        return Buffer.concat(this.chunks);
    }
    text() {
        return this.bytes().toString('utf8');
    }
}
class FakeSignals extends EventEmitter {
    on(signal, fn) {
        return super.on(signal, fn);
    }
    off(signal, fn) {
        return super.off(signal, fn);
    }
}
/** Starts the CLI in-process; it runs while the test feeds stdin or raises signals. */
export function startCli(args, opts = {}) {
    const tty = { stdin: false, stdout: false, stderr: false, ...opts.tty };
    const stdout = new Capture(tty.stdout, opts.columns);
    const stderr = new Capture(tty.stderr, opts.columns);
    const stdin = new PassThrough();
    const signals = new FakeSignals();
    const io = {
        stdout,
        stderr,
        stdin: Object.assign(stdin, { isTTY: tty.stdin, setRawMode: () => stdin }),
        env: opts.env ?? {},
        cwd: opts.cwd ?? process.cwd(),
        isTTY: tty,
        signals,
        exit: (code) => {
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
export function runCli(args, opts = {}) {
    const { input, ...rest } = opts;
    const live = startCli(args, rest);
    live.stdin.end(input ?? '');
    return live.done;
}
/** The real binary as a child process (exit codes, signals, TTY, pipes). */
export function spawnCli(args, opts = {}) {
    return spawn(process.execPath, [cliPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd });
}
export function collect(child) {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}
/** Runs the real binary to completion, feeding `input` on stdin. */
export function runChild(args, input = '', opts = {}) {
    const child = spawnCli(args, opts);
    const done = collect(child);
    child.stdin.on('error', () => { });
    child.stdin.end(input);
    return done;
}
//# sourceMappingURL=cli.js.map