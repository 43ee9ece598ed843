/**
 * Sweeps through NATS JetStream against a real `nats-server -js` on a random loopback port, with
 * `tapedeck worker`s: two workers give the table and output recordings of one local worker, byte
 * for byte; a worker process SIGKILLed mid-job has its job redelivered and the table is still
 * identical; a corrupted input copy in a worker's cache is refused by digest and fetched again
 * from the object store. A worker is its own process where the process is the point (the ones
 * SIGKILLed, one stopped by a real SIGTERM); the others run the CLI in-process (each its own NATS
 * connection and threads), which saves a Node start-up and a CLI load per worker.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completeSpec, parseGridArg, type SweepSpec } from '../src/sweep/spec.js';
import { WorkerPool } from '../src/sweep/pool.js';
import { runSweep } from '../src/sweep/sweep.js';
import { digestRecording } from '../src/verify/digest.js';
import { runCli, spawnCli, startCli } from './helpers/cli.js';
import { bounded, killOnExit, startNatsServer, type NatsServer } from './helpers/nats-server.js';
import { filesOf, MA_JS, SPIN_ENV, writeFaultyStrategy, writeRecording, writeScenarioFile, writeSpinStrategy } from './helpers/sweep-fixtures.js';
import { startSlowProxy } from './helpers/slow-proxy.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const root = tmpDir('tapedeck-sweepnats-');
let server: NatsServer;
let scenarioFile = '';
let recording = '';
const children: ChildProcess[] = [];

/** The local reference sweeps share one thread (each new thread loads the library: about 0.5 s of CPU). */
const localPool = new WorkerPool({ workers: 1 });

test.before(async () => {
  server = await startNatsServer();
  scenarioFile = writeScenarioFile(root, 'mini');
  recording = await writeRecording(root, 'rec');
});
test.after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await localPool.close();
  await server.stop();
  rm(root);
});

interface Worker {
  /** The worker's own process (spawnWorker only: the tests that SIGKILL or SIGTERM a real process). */
  child?: ChildProcess;
  log(): string;
  /** Resolves when the worker's log matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Its exit code (null: killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM (to the process, or through the in-process CLI's signals). */
  terminate(): void;
}

/** A log to wait on: `waitFor` is answered on the write that matches, never by polling. */
function watchedLog(name: string) {
  let text = '';
  const waiters: (() => void)[] = [];
  return {
    append(d: string) {
      text += d;
      for (const w of waiters.splice(0)) w();
    },
    log: () => text,
    waitFor(re: RegExp, timeoutMs = 60_000) {
      return new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${name}: no ${re} within ${timeoutMs} ms; its log:\n${text}`)), timeoutMs);
        const check = () => {
          const m = re.exec(text);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else waiters.push(check);
        };
        check();
      });
    },
  };
}

const workerArgs = (name: string, extra: string[]) => [
  'worker',
  ...(extra.includes('--nats') ? [] : ['--nats', server.url]),
  '--concurrency',
  '1',
  '--cache',
  path.join(root, `cache-${name}`),
  '--ack-wait',
  '1500ms',
  ...extra,
];

/**
 * A `tapedeck worker` on the test server (or on the `--nats` URL given in `extra`), run in-process
 * through `main` (its own NATS connection and threads: to the server it is a worker like any
 * other, without a Node start-up and a CLI load per worker).
 */
function startWorker(name: string, ...extra: string[]): Worker {
  const w = watchedLog(name);
  const live = startCli(workerArgs(name, extra), { onOutput: (stream, t) => stream === 'stderr' && w.append(t) });
  live.stdin.end();
  return { log: w.log, waitFor: w.waitFor, exited: live.done.then((r) => r.code), terminate: () => live.signal('SIGTERM') };
}

/**
 * A `tapedeck worker` in its own process: for the worker a test SIGKILLs (`spinMs`: its spin
 * strategy's jobs busy-wait that long, see writeSpinStrategy) and one that stops on a real SIGTERM.
 */
function spawnWorker(name: string, spinMs = 0, ...extra: string[]): Worker & { child: ChildProcess } {
  const w = watchedLog(name);
  const child = spawnCli(workerArgs(name, extra), { env: { [SPIN_ENV]: String(spinMs) } });
  children.push(child);
  killOnExit(child);
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => w.append(d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, log: w.log, waitFor: w.waitFor, exited, terminate: () => child.kill('SIGTERM') };
}

async function stop(w: Worker): Promise<void> {
  w.terminate();
  assert.is(await bounded(w.exited, 30_000, 'a worker stopping after SIGTERM'), 0, w.log());
  assert.match(w.log(), /worker: stopped; \d+ jobs done/);
}

/** The CLI in-process, with a deadline (a sweep waits for its results as long as it takes). */
const sweepCli = (args: string[], ...workers: Worker[]) =>
  bounded(runCli(args), 120_000, `tapedeck ${args.join(' ')}`).catch((e: Error) => {
    throw new Error(`${e.message}\n${workers.map((w) => w.log()).join('\n')}`);
  });

function assertSameSweep(a: string, b: string): void {
  const fa = filesOf(a);
  const fb = filesOf(b);
  assert.equal([...fb.keys()].sort(), [...fa.keys()].sort());
  for (const [name, bytes] of fa) assert.ok(bytes.equals(fb.get(name)!), `${name} differs`);
}

const cliArgs = (spec: { strategy: string; inputs: string[]; grid: string[]; seeds: string }, out: string) => [
  'sweep',
  ...spec.inputs,
  '--strategy',
  spec.strategy,
  ...spec.grid.flatMap((g) => ['--grid', g]),
  '--option',
  'slow=12',
  '--seeds',
  spec.seeds,
  '--out',
  out,
];

function specOf(s: { strategy: string; inputs: string[]; grid: string[]; seeds: string }): SweepSpec {
  return completeSpec({ strategy: s.strategy, inputs: s.inputs, grid: s.grid.map(parseGridArg), options: { slow: 12 }, seeds: s.seeds.split(',').map(Number) });
}

test('2 NATS workers: the same table and output recordings as 1 local worker, byte for byte', async () => {
  const s = { strategy: MA_JS, inputs: [scenarioFile, recording], grid: ['fast=3,5'], seeds: '1,2' };
  const local = path.join(root, 'local');
  await runSweep(specOf(s), { out: local, pool: localPool });
  // One in-process, one in its own process (stopped by a real SIGTERM, exit 0).
  const a = startWorker('a', '--no-shared');
  const b = spawnWorker('b', 0, '--no-shared');
  await Promise.all([a.waitFor(/at a time/), b.waitFor(/at a time/)]);
  const dist = path.join(root, 'nats');
  const r = await sweepCli([...cliArgs(s, dist), '--nats', server.url], a, b);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /sweep: published 8 jobs of sweep [0-9a-f]{16}/);
  assertSameSweep(local, dist);
  const doneA = (a.log().match(/ done in /g) ?? []).length;
  const doneB = (b.log().match(/ done in /g) ?? []).length;
  assert.is(doneA + doneB, 8, a.log() + b.log());
  assert.ok(doneA > 0 && doneB > 0, `both workers took jobs (a ${doneA}, b ${doneB})`);
  assert.match(a.log() + b.log(), /fetched input [0-9a-f]{12} \(\d+ records\) from the object store/);
  // The same sweep again with --resume: every job is already done, nothing is published.
  const again = await sweepCli([...cliArgs(s, dist), '--nats', server.url, '--resume'], a, b);
  assert.is(again.code, 0, again.stderr);
  assert.match(again.stdout, /8 already done \(--resume\); ran 0/);
  await Promise.all([stop(a), stop(b)]);
});

test('a worker SIGKILLed mid-job: its job is redelivered to another worker; the table is identical', async () => {
  const spin = writeSpinStrategy(root);
  const spec = completeSpec({ strategy: spin, inputs: [recording], grid: [parseGridArg('qty=1,2')], seeds: [1] });
  const local = path.join(root, 'kill-local');
  await runSweep(spec, { out: local, pool: localPool });
  // Its job spins until the kill (a minute at most): killed mid-job however loaded the machine.
  const doomed = spawnWorker('doomed', 60_000);
  await doomed.waitFor(/at a time/);
  const out = path.join(root, 'kill-nats');
  const args = ['sweep', recording, '--strategy', spin, '--grid', 'qty=1,2', '--seeds', '1', '--out', out, '--nats', server.url];
  const sweep = sweepCli(args);
  // This sweep's job by its run id: a job an earlier test left in the shared stream may come first.
  const [, jobId] = await doomed.waitFor(/job ([0-9a-f]{16}) started \(bt-spin-1-/);
  doomed.child.kill('SIGKILL');
  assert.is(await doomed.exited, null);
  assert.not.match(doomed.log(), / done in /, 'killed before it finished anything');
  const rescuer = startWorker('rescuer');
  const r = await sweep;
  assert.is(r.code, 0, r.stderr + rescuer.log());
  assert.match(rescuer.log(), new RegExp(`job ${jobId} started \\(.*delivery [2-9]\\)`), 'the killed job came back as a redelivery');
  assertSameSweep(local, out);
  await stop(rescuer);
});

test('a corrupted input copy in a worker cache is refused by digest and fetched again', async () => {
  const digest = digestRecording(recording);
  const cache = path.join(root, 'cache-careful');
  const bad = path.join(cache, 'inputs', digest);
  fs.mkdirSync(path.dirname(bad), { recursive: true });
  fs.cpSync(recording, bad, { recursive: true });
  const seg = path.join(bad, segmentFiles(bad)[0]!);
  const bytes = fs.readFileSync(seg);
  // A payload byte in the middle of the file: the frame's CRC no longer matches.
  bytes[Math.floor(bytes.length / 2)] ^= 0x20;
  fs.writeFileSync(seg, bytes);
  const s = { strategy: MA_JS, inputs: [recording], grid: ['fast=4'], seeds: '3' };
  const local = path.join(root, 'careful-local');
  await runSweep(specOf(s), { out: local, pool: localPool });
  const w = startWorker('careful', '--no-shared');
  await w.waitFor(/at a time/);
  const out = path.join(root, 'careful-nats');
  const r = await sweepCli([...cliArgs(s, out), '--nats', server.url], w);
  assert.is(r.code, 0, r.stderr + w.log());
  assert.match(w.log(), new RegExp(`refused cached copy ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*expected ${digest}`));
  assert.match(w.log(), /fetched input [0-9a-f]{12} .* from the object store/);
  assert.is(digestRecording(bad), digest, 'the cache now holds a good copy');
  assertSameSweep(local, out);
  await stop(w);
});

test('a poison job (its thread exits on every delivery) is a failed row after --max-deliveries; the other job is done; exit 1', async () => {
  const faulty = writeFaultyStrategy(root);
  const w = startWorker('poison');
  await w.waitFor(/at a time/);
  const out = path.join(root, 'poison');
  const r = await sweepCli(['sweep', recording, '--strategy', faulty, '--grid', 'die=false,true', '--seeds', '1', '--out', out, '--nats', server.url, '--max-deliveries', '2'], w);
  assert.is(r.code, 1, r.stderr + w.log());
  assert.match(r.stderr, /1 of 2 jobs failed \(first: #1 MAX_DELIVERIES: no result after 2 deliveries/);
  const rows = (JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { rows: { status: string; error?: string }[] }).rows;
  assert.is(rows[0]!.status, 'ok');
  assert.is(rows[1]!.status, 'failed');
  assert.match(rows[1]!.error!, /^MAX_DELIVERIES: no result after 2 deliveries \(--max-deliveries 2\): the last was handed back: WORKER_DIED: .*exited with code 7/);
  await w.waitFor(/FAILED after 2 deliveries: WORKER_DIED/, 10_000);
  assert.is((w.log().match(/handed back: WORKER_DIED/g) ?? []).length, 1, 'handed back once, failed on the second delivery');
  await stop(w);
});

test('a pull the server never answers right after a hand-back (heartbeats missed): the worker pulls again, the job comes back and fails after --max-deliveries', async () => {
  // The ordering that hung a clean CI run: the worker hands the poison job back (nak with a delay)
  // and pulls at once; that pull then gets neither the redelivery nor its 408 (nats-server 2.9.10
  // drops it when the delayed redelivery falls due as the pull expires). Here a proxy holds what
  // the server sends this worker, which nats.js sees the same way: two idle heartbeats missed, the
  // pull rejected. The worker used to exit on that rejection, leaving the job undelivered and the
  // sweep waiting forever; it must count it as an empty pull and pull again.
  const faulty = writeFaultyStrategy(root);
  const proxy = await startSlowProxy(server.port, Infinity);
  const w = startWorker('lost-pull', '--nats', proxy.url);
  try {
    await w.waitFor(/at a time/);
    const out = path.join(root, 'lost-pull');
    const sweep = sweepCli(['sweep', recording, '--strategy', faulty, '--grid', 'die=true', '--seeds', '4', '--out', out, '--nats', server.url, '--max-deliveries', '2'], w);
    await w.waitFor(/handed back: WORKER_DIED/);
    proxy.holdReplies();
    try {
      await w.waitFor(/a pull for jobs was never answered by the server \(heartbeats missed\); pulling again/, 15_000);
    } finally {
      proxy.releaseReplies();
    }
    const r = await sweep;
    assert.is(r.code, 1, r.stderr + w.log());
    assert.match(r.stderr, /1 of 1 jobs failed \(first: #0 MAX_DELIVERIES: no result after 2 deliveries/);
    // The second delivery either reached this worker (it died again: failed after 2 deliveries) or
    // went to the pull it had given up on while the proxy held it (lost, so the ack wait brought a
    // third: failed as delivered 3 times). Either way the job ended, on this same worker.
    await w.waitFor(/FAILED( after 2 deliveries: WORKER_DIED|: delivered 3 times, the last 2 without a result)/, 10_000);
    assert.not.match(w.log(), /worker: stopped/, 'the worker is still running');
    await stop(w);
  } finally {
    w.terminate(); // (already stopped when the test passed)
    await bounded(w.exited, 30_000, 'the lost-pull worker stopping').catch(() => undefined);
    await proxy.close();
  }
});

test('a job whose workers all die on it is failed on the delivery after --max-deliveries', async () => {
  const spin = writeSpinStrategy(root, 'spin-poison');
  const doomed = spawnWorker('doomed-2', 60_000);
  await doomed.waitFor(/at a time/);
  const out = path.join(root, 'poison-killed');
  const sweep = sweepCli(['sweep', recording, '--strategy', spin, '--seeds', '1', '--out', out, '--nats', server.url, '--max-deliveries', '1']);
  // This sweep's job by its run id: a job an earlier test left in the shared stream may come first
  // (once the doomed worker took such a job, and this one then ran to the end on delivery 1).
  const [, jobId] = await doomed.waitFor(/job ([0-9a-f]{16}) started \(bt-spin-poison-1-/);
  doomed.child.kill('SIGKILL');
  await doomed.exited;
  const next = startWorker('after-doomed-2');
  const r = await sweep;
  assert.is(r.code, 1, r.stderr + next.log());
  // The worker logs after publishing, so the coordinator may be done first.
  await next.waitFor(new RegExp(`job ${jobId} FAILED: delivered 2 times, the last 1 without a result`), 10_000);
  const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8');
  assert.match(csv, /MAX_DELIVERIES: no result after 1 delivery \(--max-deliveries 1\): every delivery ended without a result/);
  assert.not.ok(fs.existsSync(path.join(out, 'jobs', jobId!)), 'a failed job has no output recording');
  await stop(next);
});

test('--max-deliveries is a usage error without --nats or below 1', async () => {
  const base = ['sweep', recording, '--strategy', MA_JS, '--seeds', '1', '--out', path.join(root, 'md-usage')];
  const a = await runCli([...base, '--max-deliveries', '2']);
  assert.is(a.code, 2, a.stderr);
  assert.match(a.stderr, /--max-deliveries needs --nats/);
  const b = await runCli([...base, '--nats', server.url, '--max-deliveries', '0']);
  assert.is(b.code, 2, b.stderr);
  assert.match(b.stderr, /--max-deliveries: needs a whole number ≥ 1/);
});

test.run();
