/**
 * An independent tapedeck reader written from docs/FORMAT.md alone, to cross-check the document
 * against the real writer. It deliberately shares no code with src/: node:fs for files, DataView
 * for integers, the `crc-32` package for CRC-32, and @msgpack/msgpack (not msgpackr) for payloads.
 * Section numbers (§) refer to docs/FORMAT.md. It reads whole files into memory: fine for tests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import CRC32 from 'crc-32';
import { decode } from '@msgpack/msgpack';

export interface ForeignRecord {
  seq: number;
  ts: bigint;
  type: number;
  /** The payload decoded as a MessagePack value (§9: an array [runId, cause, f1, ...]). */
  payloadArray: unknown[];
  /** The raw payload bytes. */
  payload: Uint8Array;
}

export interface ForeignSegment {
  name: string;
  segmentNo: number;
  firstSeq: number;
  userVersion: number;
  sealed: boolean;
  records: number;
  /** Index entries from the footer (sealed segments only). */
  index: { seq: number; ts: bigint; offset: number }[];
}

export interface ForeignResult {
  records: ForeignRecord[];
  segments: ForeignSegment[];
  /** A torn tail of the last unsealed segment (§11: tolerated unless `absolute`). */
  torn: { file: string; offset: number; bytes: number; reason: string } | null;
  /** Records whose type tag this reader does not know (§9.1): skipped and counted. */
  unknownSkipped: number;
}

export class ForeignFormatError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${file} @${offset}: ${reason}`);
    this.name = 'ForeignFormatError';
  }
}

// §3 file names
const SEGMENT_NAME = /^([0-9a-f]{16})-([0-9a-f]{16})\.tdseg$/;
// §4, §6, §7
const HEADER_SIZE = 64;
const TRAILER_SIZE = 72;
const INDEX_ENTRY_SIZE = 24;
const FRAME_FIXED = 18; // type + flags + seq + ts, the minimum frame length
const MAX_FRAME_LENGTH = 18 + 64 * 1024 * 1024;
const BATCH_CONTINUES = 0x01;
const INT64_MIN = -(2n ** 63n);
// §9.1 the type tags this reader knows
const KNOWN_TAGS = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9]);

/** §5: CRC-32/IEEE (the `crc-32` package returns a signed int32: make it unsigned). */
const crc = (b: Uint8Array, seed?: number): number => (seed === undefined ? CRC32.buf(b) : CRC32.buf(b, seed)) >>> 0;

function u64(dv: DataView, at: number, file: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ForeignFormatError(file, at, `u64 ${v} beyond 2^53`);
  return Number(v);
}

interface Header {
  userVersion: number;
  segmentNo: number;
  firstSeq: number;
  prevLastTs: bigint;
  prevChain: number;
}

function readHeader(file: string, b: Buffer): Header {
  if (b.length < HEADER_SIZE) throw new ForeignFormatError(file, 0, 'file shorter than a header');
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (b.toString('latin1', 0, 4) !== 'TDSG') throw new ForeignFormatError(file, 0, 'bad header magic');
  if (dv.getUint32(60, true) !== crc(b.subarray(0, 60))) throw new ForeignFormatError(file, 60, 'header CRC mismatch');
  if (dv.getUint16(4, true) !== 1) throw new ForeignFormatError(file, 4, `format version ${dv.getUint16(4, true)}`);
  if (dv.getUint16(6, true) !== HEADER_SIZE) throw new ForeignFormatError(file, 6, 'header size is not 64');
  return {
    userVersion: dv.getUint32(8, true),
    segmentNo: u64(dv, 16, file),
    firstSeq: u64(dv, 24, file),
    prevLastTs: dv.getBigInt64(32, true),
    prevChain: dv.getUint32(40, true),
  };
}

interface Footer {
  recordCount: number;
  firstSeq: number;
  lastSeq: number;
  firstTs: bigint;
  lastTs: bigint;
  dataEnd: number;
  chain: number;
  index: { seq: number; ts: bigint; offset: number }[];
}

/** §7.3: a segment is sealed iff its last 72 bytes are a valid trailer whose footer checks out. */
function readFooter(file: string, b: Buffer): Footer | null {
  if (b.length < HEADER_SIZE + TRAILER_SIZE) return null;
  const t = b.length - TRAILER_SIZE;
  const dv = new DataView(b.buffer, b.byteOffset, b.length);
  if (b.toString('latin1', t, t + 4) !== 'TDFT' || dv.getUint16(t + 4, true) !== 1) return null;
  const indexCount = dv.getUint32(t + 56, true);
  const dataEnd = Number(dv.getBigUint64(t + 48, true));
  if (dataEnd < HEADER_SIZE || dataEnd + indexCount * INDEX_ENTRY_SIZE + TRAILER_SIZE !== b.length) return null;
  if (dv.getUint32(t + 68, true) !== crc(b.subarray(dataEnd, t + 68))) return null;
  const index: Footer['index'] = [];
  for (let i = 0, o = dataEnd; i < indexCount; i++, o += INDEX_ENTRY_SIZE) {
    index.push({ seq: u64(dv, o, file), ts: dv.getBigInt64(o + 8, true), offset: u64(dv, o + 16, file) });
  }
  return {
    recordCount: u64(dv, t + 8, file),
    firstSeq: u64(dv, t + 16, file),
    lastSeq: Number(dv.getBigInt64(t + 24, true)),
    firstTs: dv.getBigInt64(t + 32, true),
    lastTs: dv.getBigInt64(t + 40, true),
    dataEnd,
    chain: dv.getUint32(t + 60, true),
    index,
  };
}

/**
 * Reads a whole recording directory and checks everything §4-§8 lets a reader check.
 * `absolute`: a torn tail is an error too (§11); otherwise it ends the log and is reported.
 */
export function foreignRead(dir: string, opts: { absolute?: boolean } = {}): ForeignResult {
  const names = fs
    .readdirSync(dir)
    .filter((n) => SEGMENT_NAME.test(n))
    .sort();
  const out: ForeignResult = { records: [], segments: [], torn: null, unknownSkipped: 0 };
  let expectSeq: number | null = null;
  let lastTs: bigint | null = null;
  let chain: number | null = null;
  let prevNo: number | null = null;
  let prevSealed = true;
  let prevName = '';
  for (let si = 0; si < names.length; si++) {
    const name = names[si]!;
    const isLast = si === names.length - 1;
    const b = fs.readFileSync(path.join(dir, name));
    const dv = new DataView(b.buffer, b.byteOffset, b.length);
    const h = readHeader(name, b);
    const m = SEGMENT_NAME.exec(name)!;
    if (h.segmentNo !== parseInt(m[1]!, 16) || h.firstSeq !== parseInt(m[2]!, 16)) throw new ForeignFormatError(name, 16, 'header does not match the file name');
    // §8: segment chain.
    if (prevNo !== null) {
      if (!prevSealed) throw new ForeignFormatError(prevName, 0, 'unsealed segment followed by another');
      if (h.segmentNo !== prevNo + 1) throw new ForeignFormatError(name, 16, `segment ${prevNo + 1} missing`);
      if (h.firstSeq !== expectSeq) throw new ForeignFormatError(name, 24, `firstSeq ${h.firstSeq}, expected ${expectSeq}`);
      if (h.prevChain !== chain) throw new ForeignFormatError(name, 40, 'prevChain does not continue the chain');
      if (h.prevLastTs !== (lastTs ?? INT64_MIN)) throw new ForeignFormatError(name, 32, 'prevLastTs does not match the previous segment');
    } else {
      // The first segment present (segment 0, or the oldest one left by compaction) starts the reading.
      expectSeq = h.firstSeq;
      chain = h.prevChain;
      lastTs = h.prevLastTs === INT64_MIN ? null : h.prevLastTs;
    }
    const footer = readFooter(name, b);
    const dataEnd = footer ? footer.dataEnd : b.length;
    const seg: ForeignSegment = { name, segmentNo: h.segmentNo, firstSeq: h.firstSeq, userVersion: h.userVersion, sealed: footer !== null, records: 0, index: footer ? footer.index : [] };
    out.segments.push(seg);

    const frameStarts = new Map<number, { seq: number; ts: bigint; inBatch: boolean }>();
    const pending: ForeignRecord[] = [];
    let pendingStart = -1;
    let pos = HEADER_SIZE;
    let segFirstTs: bigint | null = null;
    let reason: string | null = null;
    while (pos < dataEnd) {
      if (dataEnd - pos < 4) {
        reason = 'partial length field';
        break;
      }
      const length = dv.getUint32(pos, true);
      if (length < FRAME_FIXED || length > MAX_FRAME_LENGTH) {
        reason = `frame length ${length}`;
        break;
      }
      if (pos + 8 + length > dataEnd) {
        reason = 'frame extends past the end of data';
        break;
      }
      const crcAt = pos + 4 + length;
      if (dv.getUint32(crcAt, true) !== crc(b.subarray(pos + 4, crcAt))) {
        reason = 'frame CRC mismatch';
        break;
      }
      const type = b[pos + 4]!;
      const flags = b[pos + 5]!;
      const seq = u64(dv, pos + 6, name);
      const ts = dv.getBigInt64(pos + 14, true);
      if (type === 0) reason = 'type 0';
      else if (seq !== expectSeq) reason = `seq ${seq}, expected ${expectSeq}`;
      else if (lastTs !== null && ts < lastTs) reason = 'timestamp goes back';
      if (reason !== null) break;
      frameStarts.set(pos, { seq, ts, inBatch: pending.length > 0 });
      chain = crc(b.subarray(crcAt, crcAt + 4), chain!);
      expectSeq = seq + 1;
      lastTs = ts;
      segFirstTs ??= ts;
      seg.records++;
      const payload = b.subarray(pos + 22, crcAt);
      if (pending.length === 0) pendingStart = pos;
      pending.push({ seq, ts, type, payload, payloadArray: [] });
      pos = crcAt + 4;
      if (flags & BATCH_CONTINUES) continue;
      // §6.2: a unit (a single record, or a batch up to its frame without the flag) is complete.
      for (const r of pending.splice(0)) {
        if (!KNOWN_TAGS.has(r.type)) {
          out.unknownSkipped++;
          continue;
        }
        const v = decode(r.payload, { useBigInt64: true });
        if (!Array.isArray(v)) throw new ForeignFormatError(name, pos, `payload of seq ${r.seq} is not an array`);
        r.payloadArray = v;
        out.records.push(r);
      }
    }
    if (reason === null && pending.length > 0) reason = 'atomic batch never completed';
    if (reason !== null) {
      // A torn unit is dropped whole: the tail starts where its first frame starts.
      const at = pending.length > 0 ? pendingStart : pos;
      if (footer || !isLast || opts.absolute) throw new ForeignFormatError(name, pos, reason);
      out.torn = { file: name, offset: at, bytes: b.length - at, reason };
      seg.records -= pending.length;
      break;
    }
    if (footer) {
      const f = footer;
      const where = f.dataEnd + f.index.length * INDEX_ENTRY_SIZE;
      if (f.recordCount !== seg.records) throw new ForeignFormatError(name, where + 8, 'recordCount does not match the frames');
      if (f.firstSeq !== h.firstSeq || f.lastSeq !== h.firstSeq + seg.records - 1) throw new ForeignFormatError(name, where + 16, 'first/last seq do not match the frames');
      const emptyTs = h.prevLastTs;
      if (f.firstTs !== (segFirstTs ?? emptyTs) || f.lastTs !== (seg.records > 0 ? lastTs : emptyTs)) throw new ForeignFormatError(name, where + 32, 'first/last ts do not match the frames');
      if (f.chain !== chain) throw new ForeignFormatError(name, where + 60, 'footer chain does not match the frames');
      // §7.1: every index entry points at the first frame of a unit and repeats its seq and ts.
      let prev = -1;
      for (const e of f.index) {
        const fr = frameStarts.get(e.offset);
        if (!fr || fr.seq !== e.seq || fr.ts !== e.ts || fr.inBatch || e.offset <= prev) throw new ForeignFormatError(name, e.offset, 'index entry does not point at a unit start');
        prev = e.offset;
      }
      if (seg.records > 0 && f.index[0]?.offset !== HEADER_SIZE) throw new ForeignFormatError(name, f.dataEnd, 'first index entry is not the first frame');
    } else if (!isLast) {
      throw new ForeignFormatError(name, b.length, 'unsealed segment followed by another');
    }
    prevNo = h.segmentNo;
    prevSealed = footer !== null;
    prevName = name;
  }
  return out;
}

/**
 * §9.2: the field names of each type tag, in payload order (after runId and cause). Used to name
 * the positional array; a reader for a later schema version may find more trailing items.
 */
export const FIELD_ORDER: Record<number, { type: string; fields: string[] }> = {
  1: { type: 'tick', fields: ['venue', 'symbol', 'bid', 'ask', 'bidSize', 'askSize', 'last', 'lastSize', 'aggressor', 'volume', 'exchTs', 'tradeId', 'venueSeq'] },
  2: { type: 'order', fields: ['orderId', 'venue', 'symbol', 'side', 'kind', 'action', 'price', 'qty', 'tif', 'strategy', 'reason'] },
  3: { type: 'fill', fields: ['fillId', 'orderId', 'venue', 'symbol', 'side', 'price', 'qty', 'fee', 'liquidity'] },
  4: { type: 'signal', fields: ['strategy', 'symbol', 'name', 'value', 'meta'] },
  5: { type: 'risk', fields: ['rule', 'severity', 'symbol', 'detail', 'value', 'limit'] },
  6: { type: 'system', fields: ['kind', 'message', 'data'] },
  7: {
    type: 'book',
    fields: [
      'venue',
      'symbol',
      'action',
      'side',
      'price',
      'size',
      'flags',
      'exchTs',
      'venueSeq',
      'venueSeqFirst',
      'venueSeqPrev',
      'orderId',
      'checksum',
      'tsInDelta',
      'channel',
      'depth',
      'tsOut',
    ],
  },
  8: {
    type: 'instrument',
    fields: ['venue', 'symbol', 'kind', 'base', 'quote', 'tickSize', 'lotSize', 'minSize', 'priceScale', 'sizeScale', 'instrumentId', 'publisherId'],
  },
  9: { type: 'bar', fields: ['venue', 'symbol', 'interval', 'open', 'high', 'low', 'close', 'volume', 'start'] },
};

/** §15.3: a decimal is an array [mantissa, exponent]: value = mantissa × 10^exponent. */
export interface ForeignDecimal {
  mantissa: bigint;
  exponent: number;
}

/** §15.3 canonical text of a decimal: the point -exponent digits from the right; `<m>e<exp>` for exponent > 0. */
export function foreignDecimalText(d: ForeignDecimal): string {
  if (d.exponent > 0) return `${d.mantissa}e${d.exponent}`;
  const neg = d.mantissa < 0n;
  const digits = (neg ? -d.mantissa : d.mantissa).toString();
  if (d.exponent === 0) return `${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(-d.exponent + 1, '0');
  const at = padded.length + d.exponent;
  return `${neg ? '-' : ''}${padded.slice(0, at)}.${padded.slice(at)}`;
}

/** A record as a named object: {type, ts, runId, seq, cause?, ...fields present}. */
export function foreignEvent(r: ForeignRecord): Record<string, unknown> {
  const spec = FIELD_ORDER[r.type];
  if (!spec) throw new Error(`unknown type tag ${r.type}`);
  const [runId, cause, ...rest] = r.payloadArray;
  const ev: Record<string, unknown> = { type: spec.type, ts: r.ts, runId, seq: r.seq };
  if (cause !== null) ev.cause = cause;
  // Items beyond the known fields come from a later schema version (§15.4): ignored.
  rest.forEach((v, i) => {
    if (v === null || i >= spec.fields.length) return;
    // §15.3: the only arrays inside a payload are decimals.
    ev[spec.fields[i]!] = Array.isArray(v) ? { mantissa: BigInt(v[0] as number | bigint), exponent: v[1] as number } : v;
  });
  return ev;
}
