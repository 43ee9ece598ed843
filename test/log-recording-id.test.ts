/**
 * Issue 12: a real recording id. A new recording gets a random one in every segment header and the
 * MANIFEST; deterministic producers derive theirs (byte-identical reruns); old recordings with
 * zeros stay readable and writable; without a MANIFEST the chain carries the id.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptionError, type TapedeckError } from '../src/errors.js';
import { deriveRecordingId, Log, NO_RECORDING_ID, openReader, readManifest, realFileOps } from '../src/log/index.js';
import { decodeHeader } from '../src/log/format.js';
import { runScenario } from '../src/scenario/index.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { rejects } from './helpers/assert.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const FRAME = 26 + 40;
const SEG_BYTES = 64 + 5 * FRAME + 3 * 24 + 72; // five records a segment
const payload = (i: number): Buffer => Buffer.from(`p${i}-`.padEnd(40, 'x'));

function headerIds(dir: string): string[] {
  return segmentFiles(dir).map((n) => {
    const h = decodeHeader(fs.readFileSync(path.join(dir, n)).subarray(0, 64));
    if (typeof h === 'string') throw new Error(`${n}: ${h}`);
    return h.recordingId!;
  });
}

async function write(dir: string, n: number, opts: { recordingId?: string | null } = {}, from = 0): Promise<void> {
  const log = await Log.open(dir, { segmentBytes: SEG_BYTES, ...opts });
  for (let i = from; i < from + n; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.close();
}

function readCount(dir: string): number {
  let n = 0;
  openReader(dir).scan({}, () => void n++);
  return n;
}

test('recording id - a new recording gets a random id of its own, in the MANIFEST and every segment header', async () => {
  const a = tmpDir();
  const b = tmpDir();
  await write(a, 12);
  await write(b, 12);
  const ida = readManifest(realFileOps, a)!.recordingId;
  const idb = readManifest(realFileOps, b)!.recordingId;
  assert.match(ida, /^[0-9a-f]{32}$/);
  assert.is.not(ida, NO_RECORDING_ID, 'not zero by default');
  assert.is.not(ida, idb, 'two recordings, two ids');
  assert.equal(headerIds(a), [ida, ida, ida]);
  // Reopening keeps it; appending stamps it on the new segments too.
  await write(a, 6, {}, 12);
  assert.is(readManifest(realFileOps, a)!.recordingId, ida);
  assert.ok(headerIds(a).every((id) => id === ida));
  assert.ok(verifyRecording(a).ok);
  rm(a);
  rm(b);
});

test('recording id - null asks for none (zeros); a bad id or a change of id is refused', async () => {
  const d = tmpDir();
  await write(d, 7, { recordingId: null });
  assert.ok(headerIds(d).every((id) => id === NO_RECORDING_ID));
  assert.is(readManifest(realFileOps, d)!.recordingId, NO_RECORDING_ID);
  const e = tmpDir();
  for (const bad of ['xyz', NO_RECORDING_ID, 'A'.repeat(32)]) await rejects(() => Log.open(e, { recordingId: bad }), (x) => (x as TapedeckError).code === 'BAD_ARGUMENT');
  await write(e, 3, { recordingId: 'a'.repeat(32) });
  await rejects(() => Log.open(e, { recordingId: 'b'.repeat(32) }), /an id never changes/);
  assert.ok(!fs.existsSync(path.join(e, 'LOCK')));
  rm(d);
  rm(e);
});

test('recording id - an old recording with zeros stays readable, takes appends, and may be given an id from then on', async () => {
  const d = tmpDir();
  await write(d, 7, { recordingId: null }); // as written before ids existed
  await write(d, 3, {}, 7); // a plain reopen does not invent an id for an old recording
  assert.ok(headerIds(d).every((id) => id === NO_RECORDING_ID));
  await write(d, 5, { recordingId: 'c'.repeat(32) }, 10);
  const ids = headerIds(d);
  assert.ok(ids.slice(0, 2).every((id) => id === NO_RECORDING_ID) && ids.slice(-1)[0] === 'c'.repeat(32), ids.join(' '));
  assert.is(readCount(d), 15);
  assert.ok(verifyRecording(d).ok, JSON.stringify(verifyRecording(d).problems));
  rm(d);
});

test('recording id - without a MANIFEST the chain carries it: a foreign segment is caught by verify, the reader and the writer', async () => {
  const a = tmpDir();
  const b = tmpDir();
  await write(a, 20);
  // b: the same records (same chain checksums, same ts): only the id tells its segments apart.
  await write(b, 20);
  fs.rmSync(path.join(a, 'MANIFEST'));
  const name = segmentFiles(a)[2]!;
  fs.copyFileSync(path.join(b, name), path.join(a, name));
  const v = verifyRecording(a, { all: true });
  assert.ok(!v.ok, 'verify fails');
  assert.ok(v.problems.some((p) => p.file === name && /another recording/.test(p.reason)), JSON.stringify(v.problems));
  try {
    readCount(a);
    assert.unreachable('the reader read on');
  } catch (err) {
    assert.instance(err, CorruptionError);
    assert.match((err as Error).message, /another recording/);
  }
  await rejects(() => Log.open(a), (e) => (e as TapedeckError).code === 'MISSING_SEGMENT' && (e as Error).message.includes(name));
  rm(a);
  rm(b);
});

test('recording id - a writer that finds no MANIFEST takes the id its segments carry', async () => {
  const d = tmpDir();
  await write(d, 8);
  const id = readManifest(realFileOps, d)!.recordingId;
  fs.rmSync(path.join(d, 'MANIFEST'));
  await write(d, 8, {}, 8);
  assert.is(readManifest(realFileOps, d)!.recordingId, id);
  assert.ok(headerIds(d).every((x) => x === id));
  assert.ok(verifyRecording(d).ok);
  rm(d);
});

test('recording id - deterministic producers derive theirs: a scenario run twice is byte-identical, with a real id', async () => {
  const root = tmpDir();
  const runs = [];
  for (const n of ['a', 'b']) runs.push(await runScenario('random-walk', { out: path.join(root, n), backtest: false }));
  const [ra, rb] = runs.map((r) => r.dir);
  const id = readManifest(realFileOps, ra!)!.recordingId;
  assert.is.not(id, NO_RECORDING_ID);
  assert.is(id, deriveRecordingId('scenario', 'random-walk', String(runs[0]!.seed), typeof runs[0]!.seed, runs[0]!.runId));
  for (const f of fs.readdirSync(ra!)) assert.ok(fs.readFileSync(path.join(ra!, f)).equals(fs.readFileSync(path.join(rb!, f))), `${f} byte-identical`);
  const other = await runScenario('random-walk', { out: path.join(root, 'c'), seed: 99, backtest: false });
  assert.is.not(readManifest(realFileOps, other.dir)!.recordingId, id, 'another seed, another id');
  rm(root);
});

test.run();
