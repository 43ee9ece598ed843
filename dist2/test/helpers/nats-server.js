/**
 * A real `nats-server` for tests: JetStream on, a random 127.0.0.1 port, a temp store directory.
 * It can be killed (SIGKILL, or a clean SIGTERM) and restarted on the same port with the same store,
 * which is how the tests take the server away mid-stream. Every server this module starts is
 * killed when the test process exits, even after a failure.
 *
 * The binary comes from Debian's `nats-server` package (`.ci/run` installs it). A missing binary
 * is an error that names the fix, never a skipped test: tests that need a server must fail loudly.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rm, tmpDir } from './tmp.js';
const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];
/** The nats-server binary: `NATS_SERVER_BIN`, then PATH, then Debian's install paths. Throws loudly when absent. */
export function natsServerBinary() {
    const fromEnv = process.env.NATS_SERVER_BIN;
    if (fromEnv) {
        if (!fs.existsSync(fromEnv))
            throw new Error(`NATS_SERVER_BIN=${fromEnv} does not exist`);
        return fromEnv;
    }
    const onPath = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'nats-server'));
    for (const candidate of [...onPath, ...CANDIDATES])
        if (candidate && fs.existsSync(candidate))
            return candidate;
    throw new Error('nats-server not found (looked on PATH and in /usr/sbin, /usr/bin, /usr/local/bin). ' +
        "Install Debian's package: apt-get update && apt-get install -y nats-server (.ci/run does this). " +
        'NATS tests never skip.');
}
const running = new Set();
process.on('exit', () => {
    for (const child of running)
        child.kill('SIGKILL');
});
const READY_TIMEOUT_MS = 15_000;
export async function startNatsServer(options = {}) {
    const binary = natsServerBinary();
    const root = tmpDir('tapedeck-nats-');
    const storeDir = path.join(root, 'store');
    const configFile = path.join(root, 'server.conf');
    const logLinesMax = options.logLinesMax ?? 60;
    fs.writeFileSync(configFile, `${options.config ?? ''}\n`);
    const lines = [];
    let child;
    let port = -1;
    const launch = (portArg) => new Promise((resolve, reject) => {
        const args = ['-c', configFile, '-a', '127.0.0.1', '-p', String(portArg)];
        if (options.jetstream !== false)
            args.push('-js', '-sd', storeDir);
        const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        child = proc;
        running.add(proc);
        let listening = -1;
        let settled = false;
        let partial = '';
        const timer = setTimeout(() => fail(new Error(`nats-server not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        function fail(err) {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            proc.kill('SIGKILL');
            reject(new Error(`${err.message}\n--- nats-server output ---\n${lines.join('\n')}`));
        }
        // The server's output is drained for its whole life: a full pipe would stall it.
        const onData = (chunk) => {
            partial += chunk.toString('utf8');
            const parts = partial.split('\n');
            partial = parts.pop();
            for (const line of parts) {
                lines.push(line);
                if (lines.length > logLinesMax)
                    lines.shift();
                const m = /Listening for client connections on [^\s]*:(\d+)/.exec(line);
                if (m)
                    listening = Number(m[1]);
                if (!settled && /Server is ready/.test(line)) {
                    settled = true;
                    clearTimeout(timer);
                    if (listening < 0)
                        reject(new Error(`nats-server is ready but printed no client port\n${lines.join('\n')}`));
                    else
                        resolve(listening);
                }
            }
        };
        proc.stdout.on('data', onData);
        proc.stderr.on('data', onData);
        proc.on('error', (err) => fail(err));
        proc.on('exit', (code, signal) => {
            running.delete(proc);
            fail(new Error(`nats-server exited before it was ready (code ${code}, signal ${signal})`));
        });
    });
    const waitExit = (proc) => proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));
    port = await launch(-1);
    const server = {
        get url() {
            return `nats://127.0.0.1:${port}`;
        },
        get port() {
            return port;
        },
        storeDir,
        get pid() {
            return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
        },
        async kill(signal = 'SIGKILL') {
            const proc = child;
            if (!proc)
                return;
            const exited = waitExit(proc);
            proc.kill(signal);
            await exited;
            child = undefined;
        },
        async restart() {
            if (child)
                await server.kill();
            // The port was ours a moment ago; the kernel may hold it briefly, so a few tries.
            let lastError;
            for (let attempt = 0; attempt < 20; attempt++) {
                try {
                    const again = await launch(port);
                    if (again !== port)
                        throw new Error(`nats-server came back on port ${again}, not ${port}`);
                    return;
                }
                catch (err) {
                    lastError = err;
                    if (!/address already in use/i.test(String(err)))
                        throw err;
                    await new Promise((r) => setTimeout(r, 100));
                }
            }
            throw lastError;
        },
        log: () => lines.join('\n'),
        async stop() {
            await server.kill();
            rm(root);
        },
    };
    return server;
}
//# sourceMappingURL=nats-server.js.map