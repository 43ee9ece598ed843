/**
 * `reuseChunks`: a cursor whose caller is done with each record before the next reads every
 * chunk into one buffer (bounded memory for long scans), never while a record it has not handed
 * out yet (an open atomic batch) still points into that buffer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Log, openReader, realFileOps, type FileOps } from '../src/log/index.js';
import { rm, tmpDir } from './helpers/tmp.js';

const T0 = 1_700_000_000_000_000_000n;
const payload = (i: number): Buffer => Buffer.from(`record-${i}-`.padEnd(20 + (i % 37), String.fromCharCode(97 + (i % 26))));

/** FileOps that remember every distinct buffer a read went into (small ones share a pool's memory, so by object). */
function countingOps(): { ops: FileOps; buffers: Set<Uint8Array> } {
  const buffers = new Set<Uint8Array>();
  const ops: FileOps = {
    ...realFileOps,
    readSync: (fd, b, o, l, pos) => {
      buffers.add(b);
      return realFileOps.readSync(fd, b, o, l, pos);
    },
  };
  return { ops, buffers };
}

async function writeLog(dir: string, n: number, batchEvery: number): Promise<void> {
  const log = await Log.open(dir);
  for (let i = 0; i < n; ) {
    if (batchEvery > 0 && i % batchEvery === 0 && i + 40 <= n) {
      // An atomic batch of 40 records (~2 KiB): it spans chunk boundaries at a 1 KiB chunk.
      log.writeBatch(Array.from({ length: 40 }, (_, k) => ({ type: 1, tsNs: T0 + BigInt(i + k), payload: payload(i + k) })));
      i += 40;
    } else {
      log.write(1, T0 + BigInt(i), payload(i));
      i++;
    }
  }
  await log.close();
}

function scanPayloads(dir: string, ops: FileOps, reuseChunks: boolean): string[] {
  const out: string[] = [];
  openReader(dir, { fileOps: ops, chunkBytes: 1024 }).scan({ reuseChunks }, (r) => {
    // Copied at once: with reuseChunks the view is only valid until the next record.
    out.push(`${r.seq}:${r.tsNs}:${r.payload.toString('latin1')}`);
  });
  return out;
}

test('reuseChunks - a long scan reads into a bounded number of buffers and reads the same records', async () => {
  const dir = tmpDir();
  await writeLog(dir, 3000, 0);
  const plain = countingOps();
  const reused = countingOps();
  const want = scanPayloads(dir, plain.ops, false);
  assert.is(want.length, 3000);
  assert.equal(scanPayloads(dir, reused.ops, true), want);
  // ~100 KiB of frames at 1 KiB chunks: a fresh buffer per refill without reuse, a handful with it
  // (the segment header and footer reads, then one chunk that every refill reuses).
  assert.ok(plain.buffers.size > 100, `plain ${plain.buffers.size}`);
  assert.ok(reused.buffers.size <= 6, `reused ${reused.buffers.size}`);
  // Single-record units: one record object refilled for every record.
  const objects = new Set<object>();
  openReader(dir, { chunkBytes: 1024 }).scan({ reuseChunks: true }, (r) => void objects.add(r));
  assert.is(objects.size, 1);
  rm(dir);
});

test('reuseChunks - atomic batches spanning chunks come back intact (an open batch keeps its chunk)', async () => {
  const dir = tmpDir();
  await writeLog(dir, 2000, 100);
  const want = scanPayloads(dir, realFileOps, false);
  assert.is(want.length, 2000);
  assert.equal(scanPayloads(dir, realFileOps, true), want);
  // The cursor API too: each record read before the next is asked for.
  const c = openReader(dir, { chunkBytes: 1024 }).cursor({ reuseChunks: true });
  const got: string[] = [];
  for (let r = c.next(); r !== null; r = c.next()) got.push(`${r.seq}:${r.tsNs}:${r.payload.toString('latin1')}`);
  c.close();
  assert.equal(got, want);
  rm(dir);
});

test.run();
