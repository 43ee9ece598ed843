/**
 * Issue 12, the power-loss finding (docs/FORMAT.md §12.1): a hole of lost sectors in the unsealed
 * tail with valid frames after it is refused by the default `tolerate-tail` open (it cannot be told
 * from corruption of acknowledged data), the error names the way out, and `repair --policy
 * point-in-time` keeps every frame before the hole.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorruptionError } from '../src/errors.js';
import { Log, openReader } from '../src/log/index.js';
import { rejects } from './helpers/assert.js';
import { runCli } from './helpers/cli.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;

test('power cut - lost sectors mid-tail: tolerate-tail refuses and says how to recover; point-in-time keeps what precedes the hole', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { durability: 'strict' });
  for (let i = 0; i < 60; i++) await log.append(1, T0 + BigInt(i), Buffer.from(`record ${i}`.padEnd(40, '.')));
  log.abandon(); // the power went: no seal, no clean close
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  // Sector 2 (bytes 1024..1535) never reached the disk: it reads as zeros; later sectors did.
  const fd = fs.openSync(seg, 'r+');
  fs.writeSync(fd, Buffer.alloc(512), 0, 512, 1024);
  fs.closeSync(fd);
  await rejects(
    () => Log.open(dir),
    (e) => (e as CorruptionError).code === 'CORRUPT_FRAME' && /power loss/.test((e as Error).message) && (e as Error).message.includes(`tapedeck repair ${dir} --policy point-in-time`),
  );
  assert.ok(!fs.existsSync(path.join(dir, 'LOCK')), 'nothing left behind');
  // The CLI's repair with the policy the message names.
  const r = await runCli(['repair', dir, '--policy', 'point-in-time']);
  assert.is(r.code, 0, r.stderr);
  const kept: number[] = [];
  openReader(dir).scan({}, (rec) => void kept.push(rec.seq));
  // Frames are 66 bytes from offset 64: the ones wholly before byte 1024 survive, in order.
  const before = Math.floor((1024 - 64) / 66);
  assert.equal(kept, Array.from({ length: before }, (_, i) => i));
  assert.ok(fs.readdirSync(dir).some((n) => n.includes('.torn-')), 'the cut bytes are kept in a side file');
  const again = await Log.open(dir);
  assert.is(again.nextSeq, before);
  await again.close();
  rm(dir);
});

test.run();
