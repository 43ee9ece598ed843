/**
 * One segment file read from disk: its header, and its footer when sealed. Pure inspection:
 * nothing here writes.
 */
import * as path from 'node:path';
import { CorruptionError, IoError, TapedeckError } from '../errors.js';
import type { FileOps } from './file-ops.js';
import { readFully } from './file-ops.js';
import {
  HEADER_BYTES,
  INDEX_ENTRY_BYTES,
  TRAILER_BYTES,
  decodeFooter,
  decodeHeader,
  decodeTrailerFixed,
  type SegmentHeader,
  type SegmentTrailer,
} from './format.js';
import { parseSegmentName, SEGMENT_SUFFIX } from './names.js';

export interface SegmentMeta {
  name: string;
  path: string;
  segmentNo: number;
  firstSeq: number;
  sizeBytes: number;
  header: SegmentHeader;
  /** The footer, when the segment was sealed at rotation or clean close. */
  footer: SegmentTrailer | null;
}

/** Segment file names in log order. */
export function listSegmentNames(ops: FileOps, dir: string): string[] {
  let names: string[];
  try {
    names = ops.readdirSync(dir);
  } catch (err) {
    throw new IoError(dir, 'cannot list the recording directory', err);
  }
  return names
    .filter((n) => n.endsWith(SEGMENT_SUFFIX) && parseSegmentName(n) !== null)
    .sort();
}

export function inspectSegment(ops: FileOps, dir: string, name: string): SegmentMeta {
  const p = path.join(dir, name);
  if (!parseSegmentName(name)) throw new CorruptionError(name, 0, 'not a segment file name', undefined, 'CORRUPT_SEGMENT', dir);
  let fd: number;
  try {
    fd = ops.openSync(p, 'r');
  } catch (err) {
    throw new IoError(p, 'cannot open the segment', err);
  }
  try {
    return inspectOpenSegment(ops, dir, name, fd);
  } finally {
    ops.closeSync(fd);
  }
}

/** `inspectSegment` on a file the caller has open (a reader keeps the fd to read the frames). */
export function inspectOpenSegment(ops: FileOps, dir: string, name: string, fd: number): SegmentMeta {
  const p = path.join(dir, name);
  const parsed = parseSegmentName(name);
  if (!parsed) throw new CorruptionError(name, 0, 'not a segment file name', undefined, 'CORRUPT_SEGMENT', dir);
  try {
    const sizeBytes = ops.fstatSizeSync(fd);
    const head = readFully(ops, fd, HEADER_BYTES, 0);
    const header = decodeHeader(head);
    if (typeof header === 'string') throw new CorruptionError(name, 0, header, undefined, 'CORRUPT_SEGMENT', dir);
    if (header.segmentNo !== parsed.segmentNo || header.firstSeq !== parsed.firstSeq) {
      throw new CorruptionError(
        name,
        0,
        `header says segment ${header.segmentNo} from seq ${header.firstSeq}, the file name says segment ${parsed.segmentNo} from seq ${parsed.firstSeq}`,
        undefined,
        'CORRUPT_SEGMENT',
        dir,
      );
    }
    const footer = readFooter(ops, fd, sizeBytes);
    return { name, path: p, segmentNo: parsed.segmentNo, firstSeq: parsed.firstSeq, sizeBytes, header, footer };
  } catch (err) {
    if (err instanceof TapedeckError) throw err;
    throw new IoError(p, 'cannot read the segment', err);
  }
}

export function readFooter(ops: FileOps, fd: number, sizeBytes: number): SegmentTrailer | null {
  if (sizeBytes < HEADER_BYTES + TRAILER_BYTES) return null;
  const tail = readFully(ops, fd, TRAILER_BYTES, sizeBytes - TRAILER_BYTES);
  const fixed = decodeTrailerFixed(tail, sizeBytes);
  if (!fixed || fixed.dataEnd < HEADER_BYTES) return null;
  const footerBytes = fixed.indexCount * INDEX_ENTRY_BYTES + TRAILER_BYTES;
  const footer = readFully(ops, fd, footerBytes, sizeBytes - footerBytes);
  return decodeFooter(footer, sizeBytes);
}
