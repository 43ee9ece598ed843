/**
 * The segment catalogue (docs/FORMAT.md §3.1.1): a reader seeks from the MANIFEST's per-segment
 * seq and ts ranges and opens only the segments it reads; it still validates each one it opens;
 * recordings without the catalogue still open, and get it from their next writer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptionError, TapedeckError } from '../src/errors.js';
import { Log, openReader, readManifest, realFileOps, repair, type FileOps, type Manifest } from '../src/log/index.js';
import { verifyRecording } from '../src/verify/integrity.js';
import { rm, segmentFiles, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const PAYLOAD = 40;
const payload = (i: number): Buffer => Buffer.from(`p${i}-`.padEnd(PAYLOAD, 'x'));
/** Segments of 10 records each (64-byte header, 66-byte frames, then the footer; the writer rotates with room to spare). */
const SEG_BYTES = 900;

/** A closed recording of `n` records, ts = T0 + 10·i, in segments of 10 records. */
async function recording(n: number): Promise<string> {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: SEG_BYTES });
  for (let i = 0; i < n; i++) log.write(1, T0 + BigInt(10 * i), payload(i));
  await log.close();
  return dir;
}

/** Real file operations that count the files opened (segments and the manifest) by name. */
function countingOps(): { ops: FileOps; opened: string[]; probed: string[] } {
  const opened: string[] = [];
  const probed: string[] = [];
  const ops: FileOps = {
    ...realFileOps,
    existsSync: (p) => {
      probed.push(path.basename(p));
      return realFileOps.existsSync(p);
    },
    openSync: (p, flags) => {
      opened.push(path.basename(p));
      return realFileOps.openSync(p, flags);
    },
    readFileSync: (p) => {
      opened.push(path.basename(p));
      return realFileOps.readFileSync(p);
    },
  };
  return { ops, opened, probed };
}

function setManifest(dir: string, edit: (m: Manifest) => void): void {
  const m = readManifest(realFileOps, dir)!;
  edit(m);
  fs.writeFileSync(path.join(dir, 'MANIFEST'), JSON.stringify(m) + '\n');
}

function seqsFrom(dir: string, opts: { fromTs?: bigint; fromSeq?: number }, ops: FileOps = realFileOps): number[] {
  const out: number[] = [];
  openReader(dir, { fileOps: ops }).scan(opts, (r) => void out.push(r.seq));
  return out;
}

test('catalogue - the manifest lists every sealed segment with its first and last ts', async () => {
  const dir = await recording(95);
  const m = readManifest(realFileOps, dir)!;
  assert.is(m.sealed.length, 10);
  assert.equal(
    m.sealed.map((e) => [e.firstSeq, e.lastSeq, e.firstTs, e.lastTs]),
    Array.from({ length: 10 }, (_, k) => [10 * k, Math.min(10 * k + 9, 94), String(T0 + BigInt(100 * k)), String(T0 + BigInt(10 * Math.min(10 * k + 9, 94)))]),
  );
  rm(dir);
});

test('catalogue - a seek opens the manifest and the segments it reads, not the others', async () => {
  const dir = await recording(400);
  assert.is(segmentFiles(dir).length, 40);
  for (const [opts, first] of [
    [{ fromTs: T0 + 2345n }, 235],
    [{ fromSeq: 123 }, 123],
    [{ fromTs: T0 }, 0],
    [{ fromSeq: 399 }, 399],
  ] as const) {
    const { ops, opened, probed } = countingOps();
    const c = openReader(dir, { fileOps: ops }).cursor(opts);
    const r = c.next();
    c.close();
    assert.is(r?.seq, first);
    const segs = opened.filter((n) => n.endsWith('.tdseg'));
    // The segment read is opened; a segment after the last listed one (none here) is looked for
    // by a stat, not a failed open (reader.inspectIfPresent: two Error objects per seek before).
    assert.equal(segs, [segmentFiles(dir)[Math.floor(first / 10)]!], JSON.stringify(opened));
    assert.ok(probed.includes(segmentNameAfter(dir)), JSON.stringify(probed));
    assert.ok(opened.includes('MANIFEST'));
  }
  // Reading on opens the next segments one at a time, each once.
  const { ops, opened } = countingOps();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 3900n }, ops), [...Array(10).keys()].map((k) => 390 + k));
  // The last segment, once (the one after it, not there, is looked for by a stat).
  assert.equal(opened.filter((n) => n.endsWith('.tdseg')), [segmentFiles(dir)[39]!]);
  const more = countingOps();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 3850n }, more.ops), [...Array(15).keys()].map((k) => 385 + k));
  assert.equal(more.opened.filter((n) => n.endsWith('.tdseg')), [segmentFiles(dir)[38]!, segmentFiles(dir)[39]!], 'the next segment opened once, when reached');
  rm(dir);
});

/** The name the reader probes after the last listed segment (it does not exist in a closed recording). */
function segmentNameAfter(dir: string): string {
  const m = readManifest(realFileOps, dir)!;
  const last = m.sealed[m.sealed.length - 1]!;
  return `${(last.no + 1).toString(16).padStart(16, '0')}-${(last.lastSeq + 1).toString(16).padStart(16, '0')}.tdseg`;
}

test('catalogue - the same records whatever the path: seeks by ts and seq equal a filtered full read', async () => {
  const dir = await recording(230);
  const all = seqsFrom(dir, {});
  assert.equal(all, [...Array(230).keys()]);
  for (let s = 0; s < 230; s += 7) {
    assert.equal(seqsFrom(dir, { fromSeq: s }), all.slice(s), `fromSeq ${s}`);
    assert.equal(seqsFrom(dir, { fromTs: T0 + BigInt(10 * s - 5) }), all.slice(s), `fromTs before seq ${s}`);
  }
  rm(dir);
});

test('catalogue - a live writer: the unsealed tail and a segment sealed after the manifest are found by name', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: SEG_BYTES });
  for (let i = 0; i < 35; i++) log.write(1, T0 + BigInt(10 * i), payload(i));
  await log.sync();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 325n }), [33, 34]);
  assert.equal(seqsFrom(dir, { fromSeq: 5 }).length, 30);
  // A manifest one rotation behind (as a reader racing the writer may read it): still every record.
  const m = readManifest(realFileOps, dir)!;
  const behind = { ...m, sealed: m.sealed.slice(0, -1) };
  fs.writeFileSync(path.join(dir, 'MANIFEST'), JSON.stringify(behind) + '\n');
  assert.equal(seqsFrom(dir, { fromTs: T0 + 205n }), [...Array(14).keys()].map((k) => 21 + k));
  assert.equal(seqsFrom(dir, {}).length, 35);
  await log.close();
  rm(dir);
});

test('catalogue - a recording without it (older manifest) opens as before, and its next writer adds it', async () => {
  const dir = await recording(60);
  setManifest(dir, (m) => {
    for (const e of m.sealed) {
      delete e.firstTs;
      delete e.lastTs;
    }
  });
  const { ops, opened } = countingOps();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 455n }, ops), [...Array(14).keys()].map((k) => 46 + k));
  // Without a catalogue every segment is inspected.
  assert.ok(opened.filter((n) => n.endsWith('.tdseg')).length >= 6);
  // `repair` (which touches no segment) and a writer's open both fill it in.
  const before = readManifest(realFileOps, dir)!;
  repair(dir);
  const m = readManifest(realFileOps, dir)!;
  assert.ok(m.sealed.every((e) => e.firstTs !== undefined && e.lastTs !== undefined));
  assert.is(m.sealed[4]!.lastTs, String(T0 + 490n));
  assert.equal({ ...m, sealed: m.sealed.map(({ firstTs: _f, lastTs: _l, ...rest }) => rest) }, before, 'nothing else changes');
  setManifest(dir, (x) => {
    for (const e of x.sealed) delete e.lastTs;
  });
  const log = await Log.open(dir);
  await log.close();
  assert.equal(readManifest(realFileOps, dir)!.sealed.map((e) => e.lastTs), m.sealed.map((e) => e.lastTs));
  assert.ok(verifyRecording(dir).ok);
  const { ops: ops2, opened: opened2 } = countingOps();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 455n }, ops2), [...Array(14).keys()].map((k) => 46 + k));
  assert.ok(opened2.filter((n) => n.endsWith('.tdseg')).length <= 3, JSON.stringify(opened2));
  rm(dir);
});

test('catalogue - each segment a reader opens is checked against its entry; verify checks them all', async () => {
  // A catalogue entry whose ts range is not the segment's: the seek that opens it says so.
  const dir = await recording(50);
  setManifest(dir, (m) => {
    m.sealed[2]!.lastTs = String(T0 + 1000n);
  });
  let err: unknown = null;
  try {
    seqsFrom(dir, { fromTs: T0 + 250n });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CorruptionError, String(err));
  assert.is((err as CorruptionError).code, 'FOREIGN_SEGMENT');
  assert.match((err as Error).message, /does not match the manifest/);
  assert.match((err as Error).message, new RegExp(segmentFiles(dir)[2]!));
  // A seek that never opens it reads on; verify reads everything and names it.
  assert.equal(seqsFrom(dir, { fromSeq: 40 }).length, 10);
  const v = verifyRecording(dir);
  assert.ok(!v.ok);
  assert.ok(v.problems.some((p) => p.file === segmentFiles(dir)[2]), JSON.stringify(v.problems));
  rm(dir);
});

test('catalogue - a segment replaced by another recording\'s is caught when a seek opens it', async () => {
  const a = await recording(50);
  const b = await recording(50);
  const name = segmentFiles(a)[3]!;
  fs.copyFileSync(path.join(b, name), path.join(a, name));
  for (const opts of [{ fromSeq: 35 }, { fromTs: T0 + 300n }, {}]) {
    let err: unknown = null;
    try {
      seqsFrom(a, opts);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof CorruptionError, `${JSON.stringify(opts, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}: ${String(err)}`);
    assert.ok(['FOREIGN_SEGMENT', 'MISSING_SEGMENT'].includes((err as CorruptionError).code), (err as Error).message);
    assert.match((err as Error).message, new RegExp(name));
  }
  rm(a);
  rm(b);
});

test('catalogue - a deleted listed segment is named when a cursor reaches it; a seek past it reads on', async () => {
  const dir = await recording(50);
  const names = segmentFiles(dir);
  fs.rmSync(path.join(dir, names[2]!));
  let err: unknown = null;
  const got: number[] = [];
  try {
    openReader(dir).scan({}, (r) => void got.push(r.seq));
  } catch (e) {
    err = e;
  }
  assert.is((err as TapedeckError).code, 'MISSING_SEGMENT');
  assert.match((err as Error).message, new RegExp(names[2]!));
  assert.equal(got, [...Array(20).keys()], 'every record before the missing segment is delivered');
  assert.equal(seqsFrom(dir, { fromSeq: 30 }), [...Array(20).keys()].map((k) => 30 + k));
  // The lenient policies: skip goes on after it, point-in-time stops before it.
  const skip = openReader(dir, { policy: 'skip' });
  const skipped: number[] = [];
  const res = skip.scan({}, (r) => void skipped.push(r.seq));
  assert.equal(skipped, [...[...Array(20).keys()], ...[...Array(20).keys()].map((k) => 30 + k)]);
  assert.ok(res.problems.some((p) => p.kind === 'skipped' && p.file === names[2]), JSON.stringify(res.problems));
  const pit: number[] = [];
  const pr = openReader(dir, { policy: 'point-in-time' }).scan({}, (r) => void pit.push(r.seq));
  assert.equal(pit, [...Array(20).keys()]);
  assert.is(pr.problems[0]?.kind, 'corrupt');
  assert.ok(!verifyRecording(dir).ok);
  rm(dir);
});

test('catalogue - a seek whose next segment is compacted away before it gets there says so', async () => {
  const dir = tmpDir();
  const log = await Log.open(dir, { segmentBytes: SEG_BYTES });
  for (let i = 0; i < 100; i++) log.write(1, T0 + BigInt(10 * i), payload(i));
  await log.sync();
  const c = openReader(dir).cursor({ fromSeq: 15 });
  assert.is(c.next()?.seq, 15);
  // A full read holds every segment from the start, so compaction cannot take them away from it.
  const full = openReader(dir).cursor({});
  log.compact({ beforeTs: T0 + 500n });
  let n = 0;
  for (let r = full.next(); r !== null; r = full.next()) n++;
  full.close();
  assert.is(n, 100);
  // The seek holds the segment it reads (15..19 are still delivered) but not the ones after it.
  const got: number[] = [];
  let err: unknown = null;
  try {
    for (let r = c.next(); r !== null; r = c.next()) got.push(r.seq);
  } catch (e) {
    err = e;
  } finally {
    c.close();
  }
  assert.equal(got, [16, 17, 18, 19]);
  assert.is((err as TapedeckError).code, 'MISSING_SEGMENT');
  assert.match((err as Error).message, /removed by compaction/);
  await log.close();
  rm(dir);
});

test('catalogue - a reader sees a manifest replaced since its last open (parsed again, never stale)', async () => {
  const dir = tmpDir();
  let log = await Log.open(dir, { segmentBytes: SEG_BYTES });
  for (let i = 0; i < 30; i++) log.write(1, T0 + BigInt(10 * i), payload(i));
  await log.close();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 285n }), [29]);
  log = await Log.open(dir, { segmentBytes: SEG_BYTES });
  for (let i = 30; i < 60; i++) log.write(1, T0 + BigInt(10 * i), payload(i));
  await log.close();
  assert.equal(seqsFrom(dir, { fromTs: T0 + 285n }), [...Array(31).keys()].map((k) => 29 + k));
  log = await Log.open(dir);
  log.compact({ beforeTs: T0 + 300n });
  await log.close();
  assert.equal(seqsFrom(dir, {})[0], 30);
  assert.equal(seqsFrom(dir, { fromTs: T0 }).length, 30);
  rm(dir);
});

test.run();
