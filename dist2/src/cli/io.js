/**
 * The CLI's seams to the outside world: where it writes, what it reads, the environment, the
 * working directory, which streams are terminals, and the stop signals. `main(argv, io)` takes one
 * of these, so tests run the CLI in-process with captured streams and a fake terminal, and the
 * process entry passes `processIo()`. Every command writes through `io`, never `process.*`.
 */
import * as path from 'node:path';
/** The real process. */
export function processIo() {
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
    };
}
/** A path argument as the commands use it: relative paths resolve against io.cwd (unchanged when
 * that is the process's own working directory, so messages show the path as the user gave it). */
export function resolvePath(io, p) {
    if (p === '-' || path.isAbsolute(p) || io.cwd === process.cwd())
        return p;
    return path.resolve(io.cwd, p);
}
/** Terminal width for wrapping, when stdout is one. */
export function columnsOf(io) {
    return io.isTTY.stdout ? io.stdout.columns : undefined;
}
/** A default output path (made under io.cwd) as the user would have seen it: relative to io.cwd. */
export function displayPath(io, p) {
    if (!path.isAbsolute(p) || io.cwd === process.cwd())
        return p;
    const rel = path.relative(io.cwd, p);
    return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
//# sourceMappingURL=io.js.map