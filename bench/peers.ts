/**
 * The peers tapedeck is measured against, doing the same work on the same payload bytes:
 * - better-sqlite3 in WAL mode, one row per record (seq INTEGER PRIMARY KEY, ts INTEGER indexed,
 *   type, payload BLOB); synchronous NORMAL + one transaction per 1000 rows for "batched", FULL +
 *   one transaction per row for "strict", OFF for "async";
 * - an append-only JSONL file (the simple design a team would write first): one JSON line per
 *   record with a base64 payload, written with fs.writeSync once per batch of 1000 lines and
 *   fdatasync per batch ("batched"), one line + fdatasync per append ("strict"), no fsync ("async");
 * - for scans only, a reference walk over the same payload bytes in one Buffer (no I/O, no verdict).
 */
import fs from 'node:fs';
import readline from 'node:readline';
import Database from 'better-sqlite3';
import { TICK_TAG, tsOf, POOL_MASK } from './data.js';

export type PeerMode = 'strict' | 'batched' | 'async';
export const BATCH = 1000;

export interface AppendRun {
  ms: number;
  records: number;
  payloadBytes: number;
  /** Bytes on disk afterwards. */
  fileBytes: number;
}

const SYNC: Record<PeerMode, string> = { strict: 'FULL', batched: 'NORMAL', async: 'OFF' };

export function openSqlite(file: string, mode: PeerMode): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${SYNC[mode]}`);
  db.exec('CREATE TABLE IF NOT EXISTS rec (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, type INTEGER NOT NULL, payload BLOB NOT NULL)');
  db.exec('CREATE INDEX IF NOT EXISTS rec_ts ON rec (ts)');
  return db;
}

function fileSize(f: string): number {
  try {
    return fs.statSync(f).size;
  } catch {
    return 0;
  }
}

export function sqliteAppend(file: string, mode: PeerMode, n: number, payloads: readonly Buffer[]): AppendRun {
  const db = openSqlite(file, mode);
  const ins = db.prepare('INSERT INTO rec (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  if (mode === 'strict') {
    for (let i = 0; i < n; i++) {
      const p = payloads[i & POOL_MASK]!;
      ins.run(i, tsOf(i), TICK_TAG, p);
      bytes += p.length;
    }
  } else {
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const p = payloads[i & POOL_MASK]!;
        ins.run(i, tsOf(i), TICK_TAG, p);
        bytes += p.length;
      }
    });
    for (let i = 0; i < n; i += BATCH) batch(i, Math.min(n, i + BATCH));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return { ms, records: n, payloadBytes: bytes, fileBytes: fileSize(file) + fileSize(file + '-wal') };
}

function jsonLine(i: number, p: Buffer): string {
  return `{"seq":${i},"ts":"${tsOf(i)}","type":${TICK_TAG},"payload":"${p.toString('base64')}"}\n`;
}

export function jsonlAppend(file: string, mode: PeerMode, n: number, payloads: readonly Buffer[]): AppendRun {
  const fd = fs.openSync(file, 'a');
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  if (mode === 'strict') {
    for (let i = 0; i < n; i++) {
      const p = payloads[i & POOL_MASK]!;
      fs.writeSync(fd, jsonLine(i, p));
      fs.fdatasyncSync(fd);
      bytes += p.length;
    }
  } else {
    for (let i = 0; i < n; i += BATCH) {
      let s = '';
      const to = Math.min(n, i + BATCH);
      for (let j = i; j < to; j++) {
        const p = payloads[j & POOL_MASK]!;
        s += jsonLine(j, p);
        bytes += p.length;
      }
      fs.writeSync(fd, s);
      if (mode === 'batched') fs.fdatasyncSync(fd);
    }
    fs.fdatasyncSync(fd); // close makes everything durable, as tapedeck's close does
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(fd);
  return { ms, records: n, payloadBytes: bytes, fileBytes: fileSize(file) };
}

/** The ceiling: [u32 length][payload] into one preallocated Buffer (iterable by ceilingScan). */
export function ceilingAppend(n: number, payloads: readonly Buffer[]): AppendRun & { buf: Buffer; used: number } {
  let total = 0;
  for (let i = 0; i < n; i++) total += 4 + payloads[i & POOL_MASK]!.length;
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const p = payloads[i & POOL_MASK]!;
    buf.writeUInt32LE(p.length, off);
    buf.set(p, off + 4);
    off += 4 + p.length;
    bytes += p.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, records: n, payloadBytes: bytes, fileBytes: 0, buf, used: off };
}

// -- scans --------------------------------------------------------------------------------------

export interface ScanRun {
  ms: number;
  records: number;
  /** Sum of payload lengths (proves the work was done). */
  payloadBytes: number;
}

/** SELECT ... ORDER BY seq, iterated in the default number mode (what a team would write: no BigInt per row). */
export function sqliteScan(file: string): ScanRun {
  const db = new Database(file, { readonly: true });
  const st = db.prepare('SELECT seq, ts, type, payload FROM rec ORDER BY seq');
  let n = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (const row of st.iterate() as IterableIterator<{ seq: number; ts: number; type: number; payload: Buffer }>) {
    n++;
    bytes += row.payload.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  db.close();
  return { ms, records: n, payloadBytes: bytes };
}

/** readline + JSON.parse, decoding each payload back to bytes and ts to a bigint. */
export async function jsonlScan(file: string): Promise<ScanRun> {
  let n = 0;
  let bytes = 0;
  let tsSum = 0n;
  const t0 = process.hrtime.bigint();
  const rl = readline.createInterface({ input: fs.createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  for await (const line of rl) {
    const o = JSON.parse(line) as { seq: number; ts: string; type: number; payload: string };
    const p = Buffer.from(o.payload, 'base64');
    tsSum ^= BigInt(o.ts);
    n++;
    bytes += p.length;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (tsSum === -1n) console.log('');
  return { ms, records: n, payloadBytes: bytes };
}

export function ceilingScan(buf: Buffer, used: number): ScanRun {
  let n = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let off = 0; off < used; ) {
    const len = buf.readUInt32LE(off);
    const p = buf.subarray(off + 4, off + 4 + len);
    bytes += p.length;
    off += 4 + len;
    n++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, records: n, payloadBytes: bytes };
}

/** Seek peer: the first row at or after ts via the ts index. Returns ms per seek. */
export function sqliteSeeks(file: string, targets: readonly bigint[]): number[] {
  const db = new Database(file, { readonly: true });
  const st = db.prepare('SELECT seq, ts, type, payload FROM rec WHERE ts >= ? ORDER BY ts LIMIT 1').safeIntegers(true);
  const out: number[] = [];
  for (const t of targets) {
    const t0 = process.hrtime.bigint();
    st.get(t);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  db.close();
  return out;
}
