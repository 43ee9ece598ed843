/**
 * A real `nats-server` for tests: JetStream on, a random 127.0.0.1 port, a temp store directory.
 * It can be killed (SIGKILL, or a clean SIGTERM) and restarted on the same port with the same store,
 * which is how the tests take the server away mid-stream. Every server this module starts is
 * killed when the test process exits, even after a failure.
 *
 * The binary comes from Debian's `nats-server` package (`.ci/run` installs it). A missing binary
 * is an error that names the fix, never a skipped test: tests that need a server must fail loudly.
 *
 * A failing NATS test must never hang the test process, so this module also keeps three watches:
 *  - every server it started is killed when the process exits, and on SIGINT/SIGTERM/SIGHUP;
 *  - a server that has been running longer than `lifetimeMsMax` (default 300 s, or
 *    NATS_TEST_SERVER_MAX_S) means a test is stuck waiting: the process says so, with the
 *    server's log, kills its servers and exits 1;
 *  - once uvu has finished the run (it sets process.exitCode), anything still keeping the process
 *    alive after a grace period (typically a NATS connection a failed test never closed, which
 *    reconnects forever) is reported and the process exits.
 * `bounded(promise, ms, what)` gives a single wait its own deadline and a message naming it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rm, tmpDir } from './tmp.js';

export interface NatsServerOptions {
  /** JetStream on (default true). */
  jetstream?: boolean;
  /** Extra server configuration (nats-server config syntax), e.g. an `authorization { … }` block. */
  config?: string;
  /** Lines of server output kept for error messages (default 60). */
  logLinesMax?: number;
  /** A server up longer than this is a stuck test: the process exits 1 (default 300 s, or NATS_TEST_SERVER_MAX_S). */
  lifetimeMsMax?: number;
}

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` (no credentials). */
  readonly url: string;
  readonly port: number;
  /** The JetStream store directory; it survives kill() and restart(). */
  readonly storeDir: string;
  /** The pid of the running server (undefined while it is down). */
  readonly pid: number | undefined;
  /** Stop the server with a signal (default SIGKILL) and wait until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Start it again on the same port with the same store; resolves when it is ready. */
  restart(): Promise<void>;
  /** The last lines the server printed (for failure messages). */
  log(): string;
  /** Kill the server and remove its store directory. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'];

/** The nats-server binary: `NATS_SERVER_BIN`, then PATH, then Debian's install paths. Throws loudly when absent. */
export function natsServerBinary(): string {
  const fromEnv = process.env.NATS_SERVER_BIN;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) throw new Error(`NATS_SERVER_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  const onPath = (process.env.PATH ?? '').split(path.delimiter).map((d) => path.join(d, 'nats-server'));
  for (const candidate of [...onPath, ...CANDIDATES]) if (candidate && fs.existsSync(candidate)) return candidate;
  throw new Error(
    'nats-server not found (looked on PATH and in /usr/sbin, /usr/bin, /usr/local/bin). ' +
      "Install Debian's package: apt-get update && apt-get install -y nats-server (.ci/run does this). " +
      'NATS tests never skip.',
  );
}

const running = new Set<ChildProcess>();
function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.stderr.write(`\n${signal}: killed the test nats-server processes\n`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}

/** Kill this child process too when the test process exits or is stopped (workers, recorders). */
export function killOnExit(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** Fails the whole test process, loudly: the one way out of a stuck wait. */
function failProcess(message: string): never {
  process.stderr.write(`\n\n*** ${message}\n\n`);
  killAll();
  process.exit(1);
}

const LIFETIME_MS_DEFAULT = Number(process.env.NATS_TEST_SERVER_MAX_S ?? 300) * 1000;
const AFTER_RUN_GRACE_MS = 15_000;

// uvu sets process.exitCode when the run is over; a process still alive well after that is held
// by a handle a test leaked (a NATS client reconnecting forever): say so and leave. The interval
// is unref'd, so it never keeps a finished process alive itself.
let runOverAt: number | undefined;
setInterval(() => {
  if (process.exitCode === undefined) return;
  runOverAt ??= performance.now();
  if (performance.now() - runOverAt < AFTER_RUN_GRACE_MS) return;
  const handles = (process as unknown as { getActiveResourcesInfo?: () => string[] }).getActiveResourcesInfo?.() ?? [];
  const code = typeof process.exitCode === 'number' && process.exitCode !== 0 ? process.exitCode : 1;
  process.stderr.write(
    `\n*** the test run ended ${AFTER_RUN_GRACE_MS / 1000} s ago but the process is still held open (${handles.join(', ')}): ` +
      'a test left a NATS connection (or another handle) open; exiting with 1\n',
  );
  killAll();
  process.exit(code);
}, 1000).unref();

/** `p`, or a rejection naming `what` once `ms` have passed (the timer never keeps the process alive). */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

const READY_TIMEOUT_MS = 15_000;

export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = natsServerBinary();
  const root = tmpDir('tapedeck-nats-');
  const storeDir = path.join(root, 'store');
  const configFile = path.join(root, 'server.conf');
  const logLinesMax = options.logLinesMax ?? 60;
  const lifetimeMsMax = options.lifetimeMsMax ?? LIFETIME_MS_DEFAULT;
  fs.writeFileSync(configFile, `${options.config ?? ''}\n`);
  const lines: string[] = [];
  let child: ChildProcess | undefined;
  let port = -1;

  const launch = (portArg: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const args = ['-c', configFile, '-a', '127.0.0.1', '-p', String(portArg)];
      if (options.jetstream !== false) args.push('-js', '-sd', storeDir);
      const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      running.add(proc);
      let listening = -1;
      let settled = false;
      let partial = '';
      const timer = setTimeout(() => fail(new Error(`nats-server not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      function fail(err: Error): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        proc.kill('SIGKILL');
        reject(new Error(`${err.message}\n--- nats-server output ---\n${lines.join('\n')}`));
      }
      // The server's output is drained for its whole life: a full pipe would stall it.
      const onData = (chunk: Buffer): void => {
        partial += chunk.toString('utf8');
        const parts = partial.split('\n');
        partial = parts.pop()!;
        for (const line of parts) {
          lines.push(line);
          if (lines.length > logLinesMax) lines.shift();
          const m = /Listening for client connections on [^\s]*:(\d+)/.exec(line);
          if (m) listening = Number(m[1]);
          if (!settled && /Server is ready/.test(line)) {
            settled = true;
            clearTimeout(timer);
            if (listening < 0) reject(new Error(`nats-server is ready but printed no client port\n${lines.join('\n')}`));
            else resolve(listening);
          }
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.on('error', (err) => fail(err));
      proc.on('exit', (code, signal) => {
        running.delete(proc);
        fail(new Error(`nats-server exited before it was ready (code ${code}, signal ${signal})`));
      });
    });

  const waitExit = (proc: ChildProcess): Promise<void> =>
    proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise((r) => proc.once('exit', () => r()));

  port = await launch(-1);
  const watchdog = setTimeout(
    () => failProcess(`a test nats-server (port ${port}) has been running for ${lifetimeMsMax / 1000} s: a test is stuck waiting. Its last output:\n${lines.join('\n')}`),
    lifetimeMsMax,
  );
  watchdog.unref();
  const server: NatsServer = {
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
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const proc = child;
      if (!proc) return;
      const exited = waitExit(proc);
      proc.kill(signal);
      await exited;
      child = undefined;
    },
    async restart() {
      if (child) await server.kill();
      // The port was ours a moment ago; the kernel may hold it briefly, so a few tries.
      let lastError: unknown;
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          const again = await launch(port);
          if (again !== port) throw new Error(`nats-server came back on port ${again}, not ${port}`);
          return;
        } catch (err) {
          lastError = err;
          if (!/address already in use/i.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      throw lastError;
    },
    log: () => lines.join('\n'),
    async stop() {
      clearTimeout(watchdog);
      await server.kill();
      rm(root);
    },
  };
  return server;
}
