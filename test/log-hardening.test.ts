/**
 * Issue 12: the defects found by attacking the log, each with a test that failed before the fix,
 * and the decision tables, the lock and repair.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptionError, IoError, TapedeckError } from '../src/errors.js';
import {
  Log,
  openReader,
  realFileOps,
  repair,
  type FileOps,
  type LogRecord,
  type ProcessProbe,
  type RecoveryPolicy,
} from '../src/log/index.js';
import { acquireLock, parseLockRecord } from '../src/log/lock.js';
import {
  decideReader,
  decideWriter,
  matchingRows,
  READER_INPUTS,
  READER_TABLE,
  WRITER_INPUTS,
  WRITER_TABLE,
} from '../src/log/recovery-table.js';
import { prepareOutputDir } from '../src/backtest/runner.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { flipByte, rm, segmentFiles, tmpDir } from './helpers/tmp.js';
import { makeRecording, tick } from './replay-fixtures.js';
import { EventMerge } from '../src/replay/merge.js';
import { openRecording } from '../src/events/recording.js';
import { runCli } from './helpers/cli.js';
import { rejects } from './helpers/assert.js';

const T0 = 1_700_000_000_000_000_000n;
const PAYLOAD = 40;
const FRAME = 26 + PAYLOAD;
const HEADER = 64;
const payload = (i: number): Buffer => Buffer.from(`p${i}-`.padEnd(PAYLOAD, 'x'));
const frameAt = (i: number): number => HEADER + i * FRAME;

function readAll(dir: string, policy: RecoveryPolicy = 'tolerate-tail') {
  const recs: LogRecord[] = [];
  let error: unknown = null;
  let problems: { kind: string; offsetBytes: number; seq?: number; records?: number; reason: string }[] = [];
  try {
    problems = openReader(dir, { policy }).scan({}, (r) => void recs.push(r)).problems;
  } catch (err) {
    error = err;
  }
  return { seqs: recs.map((r) => r.seq), error, problems };
}

/** A recording left as a SIGKILL would leave it: `n` records synced in segment 0, nothing sealed. */
async function crashImage(n: number, batches: number[][] = []): Promise<string> {
  const live = tmpDir();
  const log = await Log.open(live);
  let seq = 0;
  for (let i = 0; i < n; i++) log.write(1, T0 + BigInt(seq), payload(seq++));
  for (const b of batches) log.writeBatch(b.map(() => ({ type: 1, tsNs: T0 + BigInt(seq), payload: payload(seq++) })));
  await log.sync();
  const dir = tmpDir();
  fs.cpSync(live, dir, { recursive: true });
  await log.close();
  rm(live);
  return dir;
}

// -- the decision tables ---------------------------------------------------------------------------

test('table - every writer recovery input matches exactly one row', () => {
  let n = 0;
  for (const last of WRITER_INPUTS.last)
    for (const ending of WRITER_INPUTS.ending)
      for (const policy of WRITER_INPUTS.policy) {
        const rows = matchingRows(WRITER_TABLE, { last, ending, policy });
        assert.is(rows.length, 1, `${last}/${ending}/${policy}: ${rows.map((r) => r.label).join(', ')}`);
        n++;
      }
  assert.is(n, 3 * 4 * 4);
  assert.is(decideWriter({ last: 'unsealed', ending: 'torn', policy: 'tolerate-tail' }), 'cut-and-resume');
  assert.is(decideWriter({ last: 'unsealed', ending: 'torn', policy: 'absolute' }), 'refuse-torn');
  assert.is(decideWriter({ last: 'unsealed', ending: 'corrupt', policy: 'tolerate-tail' }), 'refuse-corrupt');
  assert.is(decideWriter({ last: 'unsealed', ending: 'corrupt', policy: 'point-in-time' }), 'cut-and-resume');
  assert.is(decideWriter({ last: 'sealed', ending: 'n/a', policy: 'skip' }), 'create-next');
});

test('table - every reader input matches exactly one row', () => {
  for (const ending of READER_INPUTS.ending)
    for (const policy of READER_INPUTS.policy) assert.is(matchingRows(READER_TABLE, { ending, policy }).length, 1, `${ending}/${policy}`);
  assert.is(decideReader({ ending: 'corrupt', policy: 'skip' }), 'skip');
  assert.is(decideReader({ ending: 'torn', policy: 'absolute' }), 'throw-torn');
});

test('table - the check can fail: an overlapping row is caught', () => {
  const broken = [...READER_TABLE, { label: 'overlap', when: { ending: ['end'] as const }, action: 'wait' as const }];
  assert.is(matchingRows(broken, { ending: 'end', policy: 'skip' }).length, 2);
});

// -- defect 5: corruption in the middle of the unsealed tail ----------------------------------------

test('defect 5 - a flipped length bit mid-tail is corruption for readers (not a torn tail), and they agree with the writer', async () => {
  const dir = await crashImage(100);
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  // A high bit of frame 3's length: the frame now "extends past the end of data", 96 valid frames after it.
  flipByte(seg, frameAt(3) + 2, 0x10);
  const r = readAll(dir);
  assert.ok(r.error instanceof CorruptionError, 'the reader throws');
  assert.is((r.error as CorruptionError).code, 'CORRUPT_FRAME');
  assert.is((r.error as CorruptionError).offsetBytes, frameAt(3));
  assert.match((r.error as Error).message, dir);
  // The last valid unit before the damage was delivered first.
  const seen: number[] = [];
  try {
    openReader(dir).scan({}, (rec) => void seen.push(rec.seq));
  } catch {
    // expected
  }
  assert.equal(seen, [0, 1, 2]);
  await rejects(() => Log.open(dir), (e) => (e as CorruptionError).code === 'CORRUPT_FRAME' && (e as CorruptionError).offsetBytes === frameAt(3));
  rm(dir);
});

// -- defect 6: an unsealed segment that is not the last -----------------------------------------------

test('defect 6 - a non-last segment without its footer: a CorruptionError naming the file, never a TypeError', async () => {
  const dir = tmpDir();
  for (let s = 0; s < 2; s++) {
    const log = await Log.open(dir);
    log.write(1, T0 + BigInt(s), payload(s));
    await log.close();
  }
  const first = path.join(dir, segmentFiles(dir)[0]!);
  fs.truncateSync(first, frameAt(1)); // the footer is gone
  const err = await rejects(() => Log.open(dir), (e) => e instanceof CorruptionError);
  assert.is((err as CorruptionError).code, 'CORRUPT_SEGMENT');
  assert.is((err as CorruptionError).file, segmentFiles(dir)[0]);
  assert.ok(!fs.existsSync(path.join(dir, 'LOCK')), 'no LOCK left behind');
  rm(dir);
});

// -- defect 7: I/O errors during open ---------------------------------------------------------------

function failing(which: keyof FileOps, when: (arg: string) => boolean, code = 'EACCES'): FileOps {
  const ops = { ...realFileOps } as Record<string, unknown>;
  const orig = (realFileOps as unknown as Record<string, (...a: unknown[]) => unknown>)[which]!;
  ops[which] = (...args: unknown[]) => {
    if (when(String(args[0]))) {
      const e = new Error(`${code}: simulated`) as NodeJS.ErrnoException;
      e.code = code;
      throw e;
    }
    return orig(...args);
  };
  return ops as unknown as FileOps;
}

test('defect 7 - I/O errors during open carry the path and errno, map to IO, and leave no LOCK', async () => {
  const dir = await crashImage(5);
  const cases: [string, FileOps][] = [
    ['listing the directory', failing('readdirSync', () => true)],
    ['opening the tail', failing('openSync', (p) => p.endsWith('.tdseg'), 'EIO')],
    ['creating a segment', failing('openSync', (p) => p.endsWith('.tdseg.tmp'), 'ENOSPC')],
  ];
  for (const [what, ops] of cases) {
    const d = tmpDir();
    fs.cpSync(dir, d, { recursive: true });
    if (what === 'creating a segment') for (const f of segmentFiles(d)) fs.rmSync(path.join(d, f));
    const err = await rejects(() => Log.open(d, { fileOps: ops }), (e) => e instanceof TapedeckError);
    assert.ok(err instanceof IoError, `${what}: ${(err as Error).message}`);
    assert.is((err as IoError).code, 'IO', what);
    assert.ok((err as IoError).errno !== undefined, what);
    assert.ok((err as IoError).path.startsWith(d), `${what}: ${(err as IoError).path}`);
    assert.ok(!fs.existsSync(path.join(d, 'LOCK')), `${what}: no LOCK left behind`);
    rm(d);
  }
  rm(dir);
});

// -- defect 8: skip never splits a batch ----------------------------------------------------------------

test('defect 8 - skip drops a damaged atomic batch whole and reports it', async () => {
  // Records 0..4, a batch 5..8, records 9..11.
  const dir = await crashImage(5, [[0, 1, 2, 3]]);
  const log = await Log.open(dir);
  for (let i = 9; i < 12; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.close();
  flipByte(path.join(dir, segmentFiles(dir)[0]!), frameAt(6) + 30); // the batch's second frame
  const r = readAll(dir, 'skip');
  assert.is(r.error, null);
  for (const s of [5, 6, 7, 8]) assert.ok(!r.seqs.includes(s), `batch record ${s} not delivered`);
  assert.equal(r.seqs, [0, 1, 2, 3, 4, 9, 10, 11]);
  const skipped = r.problems.filter((p) => p.kind === 'skipped');
  assert.ok(skipped.length >= 1);
  // Every dropped record is accounted for in a report.
  assert.is(skipped.reduce((n, p) => n + (p.records ?? 0), 0) + 1, 4);
  rm(dir);
});

// -- defect 11: payload types -------------------------------------------------------------------------

test('defect 11 - payloads of the wrong type are refused at the API with BAD_ARGUMENT', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir);
  for (const bad of ['text', 42, null, undefined, { length: 3 }, [1, 2]]) {
    assert.throws(() => log.write(1, T0, bad as unknown as Uint8Array), (e: unknown) => (e as TapedeckError).code === 'BAD_ARGUMENT');
    await rejects(() => log.append(1, T0, bad as unknown as Uint8Array), (e) => (e as TapedeckError).code === 'BAD_ARGUMENT');
    await rejects(() => log.appendBatch([{ type: 1, tsNs: T0, payload: bad as unknown as Uint8Array }]), (e) => (e as TapedeckError).code === 'BAD_ARGUMENT');
  }
  await rejects(() => log.appendBatch([null as unknown as { type: number; tsNs: bigint; payload: Uint8Array }]), (e) => (e as TapedeckError).code === 'BAD_ARGUMENT');
  // The log is still healthy: nothing was written for any of them.
  assert.is(await log.append(1, T0, payload(0)), 0);
  await log.close();
  assert.equal(readAll(dir).seqs, [0]);
  rm(dir);
});

// -- defects 1 and 2: the lock ------------------------------------------------------------------------

test('defect 1 - LOCK never exists without its owner record (linked from a temporary file)', () => {
  const dir = tmpDir();
  const lockPath = path.join(dir, 'LOCK');
  const seen: string[] = [];
  const watch = (name: string) =>
    ((...args: unknown[]) => {
      const out = (realFileOps as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
      if (fs.existsSync(lockPath)) seen.push(fs.readFileSync(lockPath, 'utf8'));
      return out;
    }) as never;
  const ops: FileOps = { ...realFileOps, openSync: watch('openSync'), writeSync: watch('writeSync'), linkSync: watch('linkSync'), closeSync: watch('closeSync') };
  const lock = acquireLock(ops, dir);
  assert.ok(seen.length > 0);
  for (const text of seen) assert.ok(parseLockRecord(text)?.pid === process.pid, `LOCK seen as ${JSON.stringify(text)}`);
  lock.release();
  rm(dir);
});

test('defect 1 - release never deletes a LOCK another writer holds now', () => {
  const dir = tmpDir();
  const lock = acquireLock(realFileOps, dir);
  // Another writer's record took its place (as after a stale-lock takeover).
  fs.writeFileSync(path.join(dir, 'LOCK'), '424242\nstart 1\nowner 0123456789abcdef\n');
  lock.release();
  assert.ok(fs.existsSync(path.join(dir, 'LOCK')));
  rm(dir);
});

test('defect 1 - a reused pid is not the holder: start time is part of the identity', async () => {
  const dir = tmpDir();
  fs.writeFileSync(path.join(dir, 'LOCK'), '4242\nstart 1000\nowner 00000000000000aa\n');
  const probe = (start: string): ProcessProbe => ({ pid: process.pid, isAlive: (pid) => pid === 4242 || pid === process.pid, startTime: (pid) => (pid === 4242 ? start : 'self') });
  await rejects(() => Log.open(dir, { processProbe: probe('1000') }), (e) => (e as TapedeckError).code === 'LOCKED' && /4242/.test((e as Error).message));
  const log = await Log.open(dir, { processProbe: probe('2000') }); // pid 4242 now belongs to another process
  await log.close();
  // A bare pid from a version-1 LOCK still counts when that pid is alive.
  fs.writeFileSync(path.join(dir, 'LOCK'), '4242\n');
  await rejects(() => Log.open(dir, { processProbe: probe('2000') }), (e) => (e as TapedeckError).code === 'LOCKED');
  rm(dir);
});

test('defect 2 - two writers in one process through a symlink: the second is refused', async () => {
  const dir = tmpDir();
  const link = `${dir}-link`;
  fs.symlinkSync(dir, link);
  const a = await Log.open(dir, { durability: 'strict' });
  await a.append(1, T0, payload(0));
  await rejects(() => Log.open(link), (e) => (e as TapedeckError).code === 'LOCKED');
  await a.append(1, T0 + 1n, payload(1));
  await a.close();
  assert.equal(readAll(dir).seqs, [0, 1]);
  fs.unlinkSync(link);
  rm(dir);
});

// -- defect 3: destructive commands take the lock --------------------------------------------------------

test('defect 3 - replacing a recording (--force) while a writer holds it is refused; nothing is deleted', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { durability: 'strict' });
  await log.append(1, T0, payload(0));
  assert.throws(() => prepareOutputDir(dir, true), (e: unknown) => (e as TapedeckError).code === 'LOCKED');
  await log.append(1, T0 + 1n, payload(1));
  await log.close();
  assert.equal(readAll(dir).seqs, [0, 1]);
  // Without a live writer it goes ahead and leaves an empty directory.
  prepareOutputDir(dir, true);
  assert.equal(fs.readdirSync(dir), []);
  rm(dir);
});

// -- defect 4: follow across rotation -------------------------------------------------------------------

test('defect 4 - a follower crosses rotation while the next segment does not exist yet: no false corruption', async () => {
  const dir = tmpDir();
  const reader = openReader(dir);
  const got: number[] = [];
  let cursor: ReturnType<typeof reader.cursor> | null = null;
  const errors: string[] = [];
  // A throw inside onStep would leave the writer mid-rotation: collect errors, assert after.
  const drain = () => {
    try {
      for (let r = cursor!.next(); r !== null; r = cursor!.next()) got.push(r.seq);
    } catch (err) {
      errors.push((err as Error).message);
    }
  };
  const log = await Log.open(dir, {
    segmentBytes: 64 + 5 * FRAME + 3 * 24 + 72,
    onStep: (step) => {
      // Sealed, the successor not yet renamed into place: the follower reads the footer bytes now.
      if (cursor && (step === 'sealed' || step === 'tmp-created')) drain();
    },
  });
  cursor = reader.cursor({ follow: true });
  for (let i = 0; i < 23; i++) {
    log.write(1, T0 + BigInt(i), payload(i));
    await log.sync();
    drain();
  }
  await log.close();
  drain();
  cursor.close();
  assert.equal(errors, []);
  assert.equal(got, [...Array(23).keys()]);
  assert.ok(segmentFiles(dir).length >= 4, 'it rotated several times');
  rm(dir);
});

test('follow - a follow whose writer died (stale LOCK) ends with a writer-gone problem instead of waiting', async () => {
  const dir = await crashImage(3);
  fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\nstart 1\nowner 00000000000000bb\n');
  const seqs: number[] = [];
  const reader = openReader(dir);
  const c = reader.cursor({ follow: true });
  for (let k = 0; k < 3 && !c.done; k++) for (let r = c.next(); r !== null; r = c.next()) seqs.push(r.seq);
  assert.ok(c.done, 'the follow ended');
  assert.equal(seqs, [0, 1, 2]);
  assert.ok(c.problems.some((p) => p.kind === 'writer-gone' && /999999999/.test(p.reason)));
  c.close();
  rm(dir);
});

// -- repair ---------------------------------------------------------------------------------------------

test('repair - cuts a torn tail into a side file like the writer would, and refuses while a writer is live', async () => {
  const dir = await crashImage(5);
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  fs.appendFileSync(seg, Buffer.from('half a frame'));
  fs.rmSync(path.join(dir, 'LOCK'));
  assert.throws(() => repair(dir, 'absolute'), (e: unknown) => (e as TapedeckError).code === 'TORN_TAIL');
  const r = repair(dir);
  assert.is(r.action, 'cut-and-resume');
  assert.is(r.cut!.offsetBytes, frameAt(5));
  assert.is(fs.statSync(seg).size, frameAt(5));
  assert.ok(fs.existsSync(path.join(dir, r.cut!.sideFile)));
  assert.is(repair(dir).action, 'resume');
  const log = await Log.open(dir);
  assert.throws(() => repair(dir), (e: unknown) => (e as TapedeckError).code === 'LOCKED');
  await log.close();
  assert.is(repair(dir).action, 'create-next');
  assert.throws(() => repair(dir, 'nope' as RecoveryPolicy), (e: unknown) => (e as TapedeckError).code === 'BAD_ARGUMENT');
  rm(dir);
});

// -- defect 9: the last valid event before corruption is published ------------------------------------

/** File offsets of the frames of a segment (walking the length fields). */
function frameOffsets(file: string): number[] {
  const b = fs.readFileSync(file);
  const out: number[] = [];
  for (let o = HEADER; o + 4 <= b.length; ) {
    const len = b.readUInt32LE(o);
    if (len < 18 || o + 8 + len > b.length) break;
    out.push(o);
    o += 8 + len;
  }
  return out;
}

test('defect 9 - replay hands over the last valid event before a corruption, then fails', async () => {
  const dir = await makeRecording(Array.from({ length: 20 }, (_, i) => tick(i)));
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  flipByte(seg, frameOffsets(seg)[10]! + 30);
  const merge = new EventMerge([openRecording(dir)]);
  merge.open({});
  const seqs: number[] = [];
  let error: unknown = null;
  try {
    for (let src = merge.peek(); src !== null; src = merge.peek()) seqs.push(merge.take(src).seq!);
  } catch (err) {
    error = err;
  }
  assert.equal(seqs, [...Array(10).keys()]);
  assert.ok(error instanceof CorruptionError, String(error));
  assert.match((error as Error).message, segmentFiles(dir)[0]!);
  rm(dir);
});

// -- defect 10: the manifest and the recording id ---------------------------------------------------------

/** A cleanly closed recording of `segs` segments, `per` records each. */
async function closedRecording(segs = 4, per = 5, recordingId?: string | null): Promise<string> {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: 64 + per * FRAME + 3 * 24 + 72, recordingId });
  for (let i = 0; i < segs * per; i++) log.write(1, T0 + BigInt(i), payload(i));
  await log.close();
  assert.is(segmentFiles(dir).length, segs);
  return dir;
}

/** Every detector agrees: verify fails naming the file, the reader throws, the writer refuses. */
async function allDetect(dir: string, file: string, code: string, readerCodes = [code]): Promise<void> {
  const v = verifyRecording(dir, { all: true });
  assert.ok(!v.ok, 'verify fails');
  assert.ok(v.problems.some((p) => p.file === file), `verify names ${file}: ${JSON.stringify(v.problems)}`);
  const r = readAll(dir);
  assert.ok(r.error instanceof CorruptionError, `the reader throws (${String(r.error)})`);
  assert.ok(readerCodes.includes((r.error as CorruptionError).code), (r.error as Error).message);
  await rejects(() => Log.open(dir), (e) => (e as CorruptionError).code === code && (e as Error).message.includes(file));
  assert.ok(!fs.existsSync(path.join(dir, 'LOCK')));
}

test('defect 10 - a deleted first segment is loss, not compaction; compaction is told apart', async () => {
  const dir = await closedRecording();
  const names = segmentFiles(dir);
  fs.rmSync(path.join(dir, names[0]!));
  await allDetect(dir, names[1]!, 'MISSING_SEGMENT');
  rm(dir);
  // The same shape made by compaction is fine.
  const ok = await closedRecording();
  const log = await Log.open(ok);
  assert.is(log.compact({ beforeTs: T0 + 6n }).removed.length, 1);
  await log.close();
  assert.ok(verifyRecording(ok).ok);
  assert.is(readAll(ok).error, null);
  rm(ok);
});

test('defect 10 - a deleted last or middle segment is detected', async () => {
  for (const which of [3, 1]) {
    const dir = await closedRecording();
    const names = segmentFiles(dir);
    fs.rmSync(path.join(dir, names[which]!));
    const v = verifyRecording(dir, { all: true });
    assert.ok(!v.ok, `segment ${which}`);
    assert.ok(v.problems.some((p) => p.kind === 'missing-segment'), JSON.stringify(v.problems));
    assert.ok(readAll(dir).error instanceof CorruptionError);
    await rejects(() => Log.open(dir), (e) => (e as TapedeckError).code === 'MISSING_SEGMENT');
    rm(dir);
  }
});

test('defect 10 - the cleanly closed last segment truncated at a frame boundary is detected', async () => {
  const dir = await closedRecording();
  const last = segmentFiles(dir)[3]!;
  fs.truncateSync(path.join(dir, last), frameAt(3)); // footer and 2 of 5 frames gone, at a boundary
  await allDetect(dir, last, 'CORRUPT_SEGMENT');
  rm(dir);
});

test('defect 10 - a segment from another recording: the id in the header, or the manifest checksums without one', async () => {
  for (const [idA, idB] of [['a'.repeat(32), 'b'.repeat(32)], [undefined, undefined], [null, null]] as const) {
    const a = await closedRecording(4, 5, idA);
    const b = tmpDir();
    const lb = await Log.open(b, { segmentBytes: 64 + 5 * FRAME + 3 * 24 + 72, recordingId: idB });
    for (let i = 0; i < 20; i++) lb.write(1, T0 + BigInt(i), Buffer.from(`other ${i}`.padEnd(PAYLOAD, '-')));
    await lb.close();
    const name = segmentFiles(a)[3]!;
    fs.copyFileSync(path.join(b, name), path.join(a, name));
    // The reader meets the broken chain checksum first; the writer asks the manifest first.
    await allDetect(a, name, 'FOREIGN_SEGMENT', ['FOREIGN_SEGMENT', 'MISSING_SEGMENT']);
    rm(a);
    rm(b);
  }
  const d = tmpDir();
  await rejects(() => Log.open(d, { recordingId: 'xyz' }), (e) => (e as TapedeckError).code === 'BAD_ARGUMENT');
  rm(d);
});

test('defect 10 - an old recording without a manifest still opens and gets one; a new one fsyncs its parent', async () => {
  const dir = await closedRecording(4, 5, null); // as written before ids: zeros
  fs.rmSync(path.join(dir, 'MANIFEST'));
  assert.ok(verifyRecording(dir).ok);
  assert.is(readAll(dir).seqs.length, 20);
  const log = await Log.open(dir, { recordingId: 'c'.repeat(32) });
  log.write(1, T0 + 100n, payload(100));
  await log.close();
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'MANIFEST'), 'utf8')) as { recordingId: string; sealed: unknown[]; cleanClose: boolean; idSinceSegmentNo: number };
  assert.is(m.recordingId, 'c'.repeat(32));
  assert.is(m.idSinceSegmentNo, 4);
  assert.is(m.sealed.length, 5);
  assert.ok(m.cleanClose);
  assert.ok(verifyRecording(dir).ok);
  rm(dir);
  const parent = tmpDir();
  const synced: string[] = [];
  const ops: FileOps = {
    ...realFileOps,
    openSync: (p, flags, mode) => {
      if (typeof flags === 'number') synced.push(p);
      return realFileOps.openSync(p, flags, mode);
    },
  };
  const fresh = await Log.open(path.join(parent, 'new'), { fileOps: ops });
  await fresh.close();
  assert.ok(synced.includes(parent), `parent fsynced: ${synced.join(', ')}`);
  rm(parent);
});

// -- readers and verify agree, through the CLI --------------------------------------------------------

test('agreement - damage verify reports makes export, replay and info exit 1, naming the recording and the segment', async () => {
  const dir = await makeRecording(Array.from({ length: 120 }, (_, i) => tick(i)));
  // Unseal the segment as a crash would (drop the footer and the manifest), then damage a length
  // field in the middle: valid frames follow, so it is corruption, not a torn tail.
  const seg = path.join(dir, segmentFiles(dir)[0]!);
  const offsets = frameOffsets(seg);
  const b = fs.readFileSync(seg);
  const dataEnd = Number(b.readBigUInt64LE(b.length - 72 + 48));
  fs.truncateSync(seg, dataEnd);
  fs.rmSync(path.join(dir, 'MANIFEST'));
  flipByte(seg, offsets[20]! + 2, 0x10);
  const v = await runCli(['verify', dir]);
  assert.is(v.code, 1, v.stdout + v.stderr);
  for (const args of [['export', dir], ['replay', dir, '--max'], ['info', dir]]) {
    const r = await runCli(args);
    assert.is(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.ok(r.stderr.includes(dir) && r.stderr.includes(segmentFiles(dir)[0]!), `${args[0]} names the path and segment: ${r.stderr}`);
  }
  const exp = await runCli(['export', dir]);
  // Everything before the damage was delivered first.
  assert.is(exp.stdout.trim().split('\n').length, 20);
  rm(dir);
});

test('follow - replay --follow on a recording whose writer died ends with a message (it used to wait forever)', async () => {
  const dir = await makeRecording(Array.from({ length: 10 }, (_, i) => tick(i)));
  fs.writeFileSync(path.join(dir, 'LOCK'), '999999999\nstart 1\nowner 00000000000000cc\n');
  const r = await runCli(['replay', dir, '--follow', '--max']);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stdout.trim().split('\n').length, 10);
  assert.match(r.stderr, /pid 999999999\) died.*follow ended/);
  rm(dir);
});

test('repair - the CLI: cuts a torn tail (exit 0), refuses while a writer is live (LOCKED, exit 74)', async () => {
  const dir = await crashImage(5);
  fs.appendFileSync(path.join(dir, segmentFiles(dir)[0]!), Buffer.from('half a frame'));
  fs.rmSync(path.join(dir, 'LOCK'));
  const held = await Log.open(`${dir}-held`);
  const locked = await runCli(['repair', `${dir}-held`]);
  assert.is(locked.code, 74, locked.stderr);
  assert.match(locked.stderr, /already open for writing|locked by another writer/);
  await held.close();
  const r = await runCli(['repair', dir]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /cut 12 bytes/);
  assert.match((await runCli(['repair', dir, '--json'])).stdout, /"action":\s*"resume"/);
  rm(dir);
  rm(`${dir}-held`);
});

test.run();
