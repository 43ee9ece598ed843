/**
 * Crash harness: a child process appends in strict mode and is SIGKILLed at seeded random moments.
 * After each reopen every acknowledged append is present, the log is a clean prefix of what was
 * sent, and no partial batch is visible. Each round prints its seed on failure.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import seedrandom from 'seedrandom';
import { Log, openReader } from '../src/log/index.js';
import { rm, tmpDir, repoRoot } from './helpers/tmp.js';

const CHILD = path.join(repoRoot, 'dist', 'test', 'helpers', 'crash-child.js');
/**
 * 15 rounds in `npm test` (each is a Node child, about 0.35 s of CPU; the seeded kill points still
 * range over 1-120 acknowledged appends, across segment rotations); CRASH_ROUNDS=200 is the soak.
 */
const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 15);

interface ChildRun {
  maxAck: number;
  opened: boolean;
}

/** Runs the child until it has acked `killAfterAcks` appends (or it dies by itself), then SIGKILLs it. */
function runChild(dir: string, seed: string, killAfterAcks: number, extra: string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, seed, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let maxAck = -1;
    let acks = 0;
    let opened = false;
    let buf = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('open')) opened = true;
        if (line.startsWith('ack ')) {
          maxAck = Math.max(maxAck, Number(line.slice(4)));
          if (++acks === killAfterAcks) child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited with ${code}: ${stderr}`));
      else resolve({ maxAck, opened });
    });
  });
}

/** Checks the log is a clean prefix: seqs contiguous, payloads what the child sent, batches whole. */
function checkLog(dir: string, maxAck: number, seed: string): number {
  const recs: { seq: number; text: string }[] = [];
  openReader(dir).scan({}, (r) => void recs.push({ seq: r.seq, text: r.payload.toString() }));
  recs.forEach((r, i) => {
    assert.is(r.seq, i, `seed ${seed}: seq gap`);
    const m = /^seq=(\d+);b=(\d+);n=(\d+);/.exec(r.text);
    assert.ok(m, `seed ${seed}: payload of seq ${r.seq} is not what was sent: ${r.text}`);
    assert.is(Number(m![1]), r.seq, `seed ${seed}: payload seq`);
    const end = Number(m![2]) + Number(m![3]) - 1;
    assert.ok(end < recs.length, `seed ${seed}: batch ending at ${end} is partial (log ends at ${recs.length - 1})`);
  });
  assert.ok(recs.length - 1 >= maxAck, `seed ${seed}: acknowledged seq ${maxAck} lost (log ends at ${recs.length - 1})`);
  return recs.length;
}

test(`crash - ${ROUNDS} rounds of SIGKILL during strict appends lose nothing acknowledged`, async () => {
  const rng = seedrandom('crash-harness');
  const dir = tmpDir();
  let total = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const seed = `round-${round}`;
    const killAfter = 1 + Math.floor(rng() * 120);
    const { maxAck } = await runChild(dir, seed, killAfter, ['', String(8 * 1024)]);
    total = checkLog(dir, maxAck, seed);
  }
  // The writer's own recovery agrees with the reader.
  const log = await Log.open(dir);
  assert.is(log.nextSeq, total);
  await log.close();
  rm(dir);
});

for (const step of ['sealed', 'tmp-created', 'renamed', 'dir-synced'] as const) {
  test(`crash - a crash at rotation step "${step}" recovers a clean log`, async () => {
    const dir = tmpDir();
    // Tiny segments: the first rotation happens after a few appends.
    const { maxAck } = await runChild(dir, `step-${step}`, 1_000_000, [step, '600']);
    const n = checkLog(dir, maxAck, step);
    const log = await Log.open(dir, { segmentBytes: 600 });
    assert.is(log.nextSeq, n);
    for (let i = 0; i < 30; i++) log.write(1, log.lastTs, Buffer.from(`seq=${n + i};b=${n + i};n=1;`));
    await log.close();
    assert.is(checkLog(dir, n + 29, step), n + 30);
    rm(dir);
  });
}

test.run();
