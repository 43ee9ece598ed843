/**
 * The log on a disk that forgets (defect 12: SIGKILL keeps the page cache, so the crash tests could
 * not catch a missing fsync). 50 seeds here; `LOG_SIM_SEEDS=20000` for a soak, `LOG_SIM_SEED=<n>`
 * to replay one seed. A deliberately broken disk (fsync does nothing) is the canary: the same
 * harness must catch it, or the harness proves nothing. The default was checked by removing one
 * sync at a time from the log: the segment header's fdatasync, the data's fdatasync, the directory
 * sync after a new segment, the manifest's fsync; each failed seed 1 (200 seeds caught nothing more).
 * Not covered (removing each passed 200 seeds): recovery's truncate fdatasync and directory sync,
 * the parent directory's sync when a recording is created, and the sync after an empty segment is
 * removed; the scenarios never lose power during recovery or creation, so those need their own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import seedrandom from 'seedrandom';
import { PowerLossOps, SECTOR_BYTES } from '../src/log/power-loss-ops.js';
import { replayHint, simulate } from './helpers/log-sim.js';

const ONE = process.env.LOG_SIM_SEED;
const SEEDS = Number(process.env.LOG_SIM_SEEDS ?? 50);
const CANARY = process.env.LOG_SIM_CANARY === '1';

function setUp(): { ops: PowerLossOps; fd: number } {
  const ops = new PowerLossOps();
  ops.mkdirSync('/d');
  const fd = ops.openSync('/d/f', 'w+');
  ops.writeSync(fd, Buffer.alloc(SECTOR_BYTES * 4, 1), 0, SECTOR_BYTES * 4, 0);
  ops.fsyncSync(fd);
  const dfd = ops.openSync('/d', 0);
  ops.fsyncSync(dfd);
  ops.writeSync(fd, Buffer.alloc(SECTOR_BYTES * 8, 2), 0, SECTOR_BYTES * 8, SECTOR_BYTES * 4);
  const g = ops.openSync('/d/g', 'w');
  ops.writeSync(g, Buffer.from('never synced'), 0, 12, 0);
  return { ops, fd };
}

test('power loss - synced data survives; unsynced sectors and directory entries may not', () => {
  let sawTorn = false;
  let sawVanish = false;
  for (let seed = 0; seed < 20; seed++) {
    const { ops: copy, fd } = setUp();
    copy.powerLoss(seedrandom(String(seed)));
    const data = copy.readFileSync('/d/f');
    assert.ok(data.subarray(0, SECTOR_BYTES * 4).every((b) => b === 1), 'synced bytes survive');
    const tail = data.subarray(SECTOR_BYTES * 4);
    if (tail.some((b) => b === 2) && tail.some((b) => b === 0)) sawTorn = true;
    if (!copy.existsSync('/d/g')) sawVanish = true;
    assert.throws(() => copy.readSync(fd, Buffer.alloc(1), 0, 1, 0), /EBADF/);
  }
  assert.ok(sawTorn, 'some seed tears the unsynced write at sector granularity');
  assert.ok(sawVanish, 'some seed loses the un-fsynced directory entry');
});

if (ONE !== undefined) {
  test(`simulation - seed ${ONE}`, async () => {
    const r = await simulate(Number(ONE), { brokenSync: CANARY });
    console.log(JSON.stringify(r, null, 1));
    assert.ok(r.ok, `${r.problem}\n${replayHint(r.seed, { brokenSync: CANARY })}`);
  });
} else {
  test(`simulation - ${SEEDS} seeds: every acknowledged append survives every power loss, readers and verify agree`, async () => {
    let losses = 0;
    let pit = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulate(seed);
      if (!r.ok) assert.unreachable(`seed ${seed} failed: ${r.problem}\n${replayHint(seed)}`);
      losses += r.powerLosses;
      pit += r.pointInTimeReopens;
    }
    console.log(`log simulation: ${SEEDS} seeds, ${losses} power losses, ${pit} reopens needed point-in-time; LOG_SIM_SEEDS=20000 for a soak`);
    assert.ok(losses > SEEDS, 'the runs did lose power, many times');
  });

  test('simulation canary - a disk whose fsync does nothing is caught, with a replayable seed', async () => {
    const failed: string[] = [];
    for (let seed = 1; seed <= 40 && failed.length === 0; seed++) {
      const r = await simulate(seed, { brokenSync: true });
      if (!r.ok) failed.push(`seed ${seed}: ${r.problem} (${replayHint(seed, { brokenSync: true })})`);
    }
    assert.ok(failed.length > 0, 'the harness must be able to fail');
    console.log(`canary caught: ${failed[0]}`);
  });
}

test.run();
