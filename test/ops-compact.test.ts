import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspectSegment, realFileOps } from '../src/log/index.js';
import { compactRecording } from '../src/ops/compact.js';
import { recordingInfo } from '../src/ops/info.js';
import { digestRecording } from '../src/verify/digest.js';
import { cli, MS, T0, writeRecording } from './ops-fixtures.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

let base = '';
test.before(() => {
  base = tmpDir('tapedeck-ops-compact-');
});
test.after(() => rm(base));

async function fresh(name: string): Promise<string> {
  const d = path.join(base, name);
  await writeRecording(d);
  return d;
}

function listing(d: string): Record<string, number> {
  return Object.fromEntries(fs.readdirSync(d).map((n) => [n, fs.statSync(path.join(d, n)).size]));
}

test('compact --dry-run reports and changes nothing', async () => {
  const d = await fresh('dry');
  const before = listing(d);
  const digest = digestRecording(d);
  const r = await cli(['compact', d, '--before', '+30ms', '--dry-run', '--json']);
  assert.is(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.is(j.dryRun, true);
  assert.is(j.beforeTs, (T0 + 30n * MS).toString());
  assert.ok(j.removed.length >= 1);
  assert.equal(listing(d), before);
  assert.is(digestRecording(d), digest);
  const h = await cli(['compact', d, '--before', '+30ms', '--dry-run']);
  assert.is(h.code, 0, h.stderr);
  assert.match(h.stdout, /^dry run: would remove \d+ segments?, \d+ records, /);
  assert.match(h.stdout, /would reclaim/);
  assert.equal(listing(d), before);
});

test('compact removes whole sealed segments ending before the time and reports them', async () => {
  const d = await fresh('real');
  const names = segmentFiles(d);
  const metas = names.map((n) => inspectSegment(realFileOps, d, n));
  const cut = T0 + 30n * MS;
  const expected = metas.filter((m, i) => i < metas.length - 1 && m.footer!.lastTs < cut);
  assert.ok(expected.length >= 1 && expected.length < metas.length, 'the fixture has segments on both sides of the cut');
  const r = await cli(['compact', d, '--before', '2023-11-14T22:13:20.030Z']);
  assert.is(r.code, 0, r.stderr);
  for (const m of expected) assert.ok(r.stdout.includes(m.name), `${m.name} listed`);
  const bytes = expected.reduce((n, m) => n + m.sizeBytes, 0);
  const records = expected.reduce((n, m) => n + m.footer!.recordCount, 0);
  assert.match(r.stdout, new RegExp(`^removed ${expected.length} segments?, ${records} records`));
  assert.match(r.stdout, new RegExp(`reclaimed +${bytes.toLocaleString('en-US')} bytes`));
  assert.equal(segmentFiles(d), names.slice(expected.length));
  // What is left is a readable recording starting where the removed part ended.
  const info = recordingInfo(d);
  assert.is(info.firstSeq, expected[expected.length - 1]!.footer!.lastSeq + 1);
  assert.is(info.records, metas.reduce((n, m) => n + m.footer!.recordCount, 0) - records);
  assert.is((await cli(['export', d])).code, 0);
  // Again: nothing more before that time.
  const again = await cli(['compact', d, '--before', '2023-11-14T22:13:20.030Z', '--json']);
  assert.is(again.code, 0);
  assert.equal(JSON.parse(again.stdout).removed, []);
  assert.match((await cli(['compact', d, '--before', '2023-11-14T22:13:20.030Z'])).stdout, /nothing to compact/);
});

test('compact never removes the last segment', async () => {
  const d = await fresh('last');
  const names = segmentFiles(d);
  const r = await compactRecording(d, { before: (T0 + 10_000n * MS).toString() });
  assert.is(r.removed.length, names.length - 1);
  assert.equal(segmentFiles(d), names.slice(-1));
  assert.is(r.segmentsAfter, 1);
  assert.is(r.reclaimedBytes, r.removed.reduce((n, s) => n + s.bytes, 0));
});

test('compact: usage and I/O errors', async () => {
  const d = await fresh('errors');
  const before = listing(d);
  assert.is((await cli(['compact', d])).code, 2);
  const bad = await cli(['compact', d, '--before', 'soon']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^tapedeck: time "soon" is not/);
  assert.is((await cli(['compact', path.join(base, 'missing'), '--before', '1'])).code, 74);
  assert.equal(listing(d), before);
  const h = await cli(['compact', '--help']);
  assert.is(h.code, 0);
  assert.match(h.stdout, /Examples:/);
});

test.run();
