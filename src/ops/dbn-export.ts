/**
 * `exportDbn(dir, out, opts)`: a recording's book, tick and bar events as a Databento DBN v3
 * file (plain, or zstd with `zstd: true`), readable by Databento's own tools. Two passes over the
 * recording: the first collects what the metadata header must say (schema, symbols, the
 * instrument ids, the time range), the second writes the records, 1 MiB at a time (one zstd frame
 * each when compressing), so memory stays bounded whatever the size.
 */
import * as fs from 'node:fs';
import { IoError, TapedeckError } from '../errors.js';
import { openRecording } from '../events/recording.js';
import type { TsUnit } from '../events/ts.js';
import type { EventType, TapeEvent } from '../events/types.js';
import { DbnEventEncoder, type DbnExportSummary } from '../vendor/dbn/encode-events.js';
import { encodeMetadata } from '../vendor/dbn/metadata.js';
import { encodedBytes, encodeRecord } from '../vendor/dbn/record.js';
import { ZstdFrameWriter } from '../vendor/zstd.js';
import { resolveTimeRange } from './export.js';
import { requireDir } from './util.js';

export interface DbnExportOptions {
  zstd?: boolean;
  /** The metadata's dataset (≤ 15 ASCII bytes; default TAPEDECK). */
  dataset?: string;
  from?: bigint | string;
  to?: bigint | string;
  tsUnit?: TsUnit;
  runId?: string;
  symbols?: readonly string[];
}

export interface DbnFileSummary extends DbnExportSummary {
  bytes: number;
  zstd: boolean;
  schema: string | null;
}

const DBN_TYPES: readonly EventType[] = ['book', 'tick', 'bar', 'instrument'];

/**
 * An event DBN cannot hold (a fractional size such as 0.001 BTC: DBN sizes are whole u32 units;
 * a price finer than 1e-9) is bad input for this format: exit 65, naming the event.
 */
function encodeOrRefuse(enc: DbnEventEncoder, ev: TapeEvent, dir: string): ReturnType<DbnEventEncoder['encode']> {
  try {
    return enc.encode(ev);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const where = 'venue' in ev ? ` ${String(ev.venue)} ${String(ev.symbol)}` : '';
    throw new TapedeckError('BAD_INPUT', `${dir}: the ${ev.type} event seq ${ev.seq}${where} at ts ${ev.ts} cannot be written as DBN: ${err.message}`, {
      path: dir,
      seq: ev.seq,
    });
  }
}
const CHUNK_BYTES = 1 << 20;

export async function exportDbn(dir: string, outPath: string, opts: DbnExportOptions = {}): Promise<DbnFileSummary> {
  requireDir(dir);
  const dataset = opts.dataset ?? 'TAPEDECK';
  if (!/^[\x20-\x7e]{1,15}$/.test(dataset)) throw new TapedeckError('BAD_ARGUMENT', `--dataset "${dataset}" must be 1..15 ASCII characters`);
  const { from, to } = resolveTimeRange(dir, opts.from, opts.to, opts.tsUnit);
  const rec = openRecording(dir);
  const filter = { fromTs: from, toTs: to, types: DBN_TYPES as EventType[], runId: opts.runId, symbols: opts.symbols };

  // Pass 1: what the header says. A symbol given a free id before an instrument event claimed
  // that id (or named its own) is encoded again knowing every claim, as pass 2 will be.
  const probeWith = (declared?: DbnEventEncoder['declared']): DbnEventEncoder => {
    const p = new DbnEventEncoder(declared);
    const c = rec.cursor(filter);
    try {
      for (let ev = c.next(); ev !== null; ev = c.next()) encodeOrRefuse(p, ev, dir);
    } finally {
      c.close();
    }
    return p;
  };
  let probe = probeWith();
  const declared = probe.declared;
  if (probe.idsClash) probe = probeWith(declared);
  const md = probe.metadata(dataset);
  let mdBytes: Buffer;
  try {
    mdBytes = encodeMetadata(md);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new TapedeckError('BAD_INPUT', `${dir}: cannot be written as DBN: ${err.message}`, { path: dir });
  }

  // Pass 2: the records.
  const enc = new DbnEventEncoder(declared);
  const z = opts.zstd ? await ZstdFrameWriter.create() : null;
  let fd: number;
  try {
    fd = fs.openSync(outPath, 'w');
  } catch (err) {
    throw new IoError(outPath, 'cannot create the output', err);
  }
  let bytes = 0;
  const put = (b: Uint8Array) => {
    try {
      let off = 0;
      while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off);
    } catch (err) {
      throw new IoError(outPath, 'write failed', err);
    }
    bytes += b.length;
  };
  const emit = (b: Uint8Array) => {
    if (z) for (const f of z.write(b)) put(f);
    else put(b);
  };
  try {
    emit(mdBytes);
    let buf = Buffer.alloc(CHUNK_BYTES);
    let used = 0;
    const cursor = rec.cursor(filter);
    try {
      for (let ev = cursor.next(); ev !== null; ev = cursor.next()) {
        for (const r of encodeOrRefuse(enc, ev, dir)) {
          const n = encodedBytes(r.kind, 3, md.tsOut);
          if (used + n > buf.length) {
            emit(buf.subarray(0, used));
            buf = Buffer.alloc(CHUNK_BYTES);
            used = 0;
          }
          encodeRecord(r, 3, md.tsOut, buf, used);
          used += n;
        }
      }
    } finally {
      cursor.close();
    }
    if (used > 0) emit(buf.subarray(0, used));
    if (z) put(z.flush());
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { ...enc.summary, bytes, zstd: z !== null, schema: md.schema };
}
