/**
 * The recovery example (examples/recovery.ts), as a real process: it appends each intent before
 * acting, snapshots every N events while appending, and is SIGKILLed at seeded random points
 * (between an intent and its action, or at a random step of a snapshot being written). After every
 * round the state recovered as newest complete snapshot + log tail from seq + 1 equals the state of
 * a run that never crashed, through the same number of steps; and the finished run equals it too.
 * RECOVERY_SEED / RECOVERY_ROUNDS change the seed and the number of rounds.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recover, referenceState, runProcess } from '../examples/recovery.js';
import { flipByte, repoRoot, rm, tmpDir } from './helpers/tmp.js';

const EXAMPLE = path.join(repoRoot, 'dist', 'examples', 'recovery.js');
const SEED = Number(process.env.RECOVERY_SEED ?? 15);
const ROUNDS = Number(process.env.RECOVERY_ROUNDS ?? 8);
const EVENTS = 400;
const EVERY = 40;

/** A seeded generator for the kill points (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test(`recovery example - SIGKILLed at ${ROUNDS} seeded random points (seed ${SEED}): every round recovers to the uninterrupted state`, () => {
  console.log(`\n  recovery rounds: seed ${SEED}, ${ROUNDS} rounds (RECOVERY_SEED / RECOVERY_ROUNDS to change)`);
  const root = tmpDir();
  const dir = path.join(root, 'oms');
  const random = rng(SEED);
  let fromSnapshot = 0;
  let killedInSnapshot = 0;
  let done = false;
  for (let round = 0; round < ROUNDS && !done; round++) {
    const before = recover(dir);
    const kill =
      random() < 0.5
        ? ['--kill-at-event', String(before.next + 1 + Math.floor(random() * 60))]
        : ['--kill-at-snapshot-step', String(Math.floor(random() * 11))];
    const r = spawnSync(process.execPath, [EXAMPLE, dir, '--seed', String(SEED), '--events', String(EVENTS), '--snapshot-every', String(EVERY), ...kill], { encoding: 'utf8' });
    if (r.signal === 'SIGKILL') {
      if (kill[0] === '--kill-at-snapshot-step') killedInSnapshot++;
    } else {
      assert.is(r.status, 0, `round ${round}: ${r.stderr}`);
      done = true; // the kill point was past the end
    }
    const warnings: string[] = [];
    const rec = recover(dir, (name, problem) => warnings.push(`${name}: ${problem}`));
    assert.equal(warnings, [], `round ${round}: a killed snapshot is never half there`);
    if (rec.snapshot) {
      fromSnapshot++;
      assert.is(rec.tail, rec.next - rec.snapshot.seq - 1, `round ${round}: the tail is the log after the snapshot`);
    }
    assert.ok(rec.next >= before.next, `round ${round}: nothing durable is lost`);
    assert.ok(rec.state.bytes().equals(referenceState(SEED, rec.next).bytes()), `round ${round} (${kill.join(' ')}): recovered state after ${rec.next} steps = uninterrupted`);
  }
  assert.ok(fromSnapshot >= 2, `${fromSnapshot} recoveries started from a snapshot`);
  assert.ok(killedInSnapshot >= 1, `${killedInSnapshot} kills inside a snapshot`);
  // Finish the run; the end state equals the uninterrupted one.
  const fin = spawnSync(process.execPath, [EXAMPLE, dir, '--seed', String(SEED), '--events', String(EVENTS), '--snapshot-every', String(EVERY)], { encoding: 'utf8' });
  assert.is(fin.status, 0, fin.stderr);
  const end = recover(dir);
  assert.is(end.next, EVENTS);
  assert.ok(end.state.bytes().equals(referenceState(SEED, EVENTS).bytes()), 'the finished state = uninterrupted');
  rm(root);
});

test('recovery example - a corrupted newest snapshot is skipped with a warning; the previous one + a longer tail give the same state', async () => {
  const root = tmpDir();
  const dir = path.join(root, 'oms');
  const state = await runProcess(dir, { seed: 3, events: 200, snapshotEvery: 50 });
  const snaps = fs.readdirSync(path.join(dir, 'snapshots')).filter((n) => /^[0-9a-f]{16}$/.test(n)).sort();
  assert.is(snaps.length, 3, 'pruned to three');
  flipByte(path.join(dir, 'snapshots', snaps[2]!, 'pending.jsonl'), 20);
  const warnings: string[] = [];
  const rec = recover(dir, (name, problem) => warnings.push(`${name}: ${problem}`));
  assert.is(rec.snapshot!.seq, parseInt(snaps[1]!, 16));
  assert.match(warnings.join('\n'), /pending\.jsonl: CRC-32/);
  assert.ok(rec.state.bytes().equals(state.bytes()));
  assert.ok(rec.state.bytes().equals(referenceState(3, 200).bytes()));
  rm(root);
});

test.run();
