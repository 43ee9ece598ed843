/**
 * Where a recording made from a JetStream stream stands: `nats-cursor.json` beside the segments.
 *
 * Exactly-once needs the stream sequence of what the log holds, and the log's records are events
 * whose bytes must stay those of the source (a copy digests like its original), so the sequence
 * cannot go into the records. Instead, before a batch's records are written, the recorder writes
 * its plan (an intent) here and makes it durable: the log seq each record will get and the stream
 * sequence it comes from. The log is then the commit point. On open, the records the log actually
 * holds decide how far the plan got (`reconcile`): stream sequences up to the first planned record
 * missing from the log are committed, so a redelivered message at or below them is a duplicate,
 * and anything after is recorded again. A crash anywhere (before the intent is durable, between it
 * and the records, halfway through the records, before the acks) loses nothing and doubles nothing.
 *
 * File (JSON, version 1):
 *   { version: 1, stream, consumer, subject, passthrough,
 *     committed: { streamSeq, origins: { <origin>: <last origin seq> }, ends },
 *     pending: { steps: [ [streamSeq | null, logSeq | null, origin | null, originSeq | null, end?], … ] } | null }
 * A step is one message of the batch (logSeq null when it became no record: a duplicate, a control
 * message) or one event of the recorder's own (streamSeq null: a gap or reconnect note).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IoError, TapedeckError } from '../errors.js';

export const CURSOR_NAME = 'nats-cursor.json';

/** [streamSeq, logSeq, origin, originSeq, end marker (1) or absent] */
export type CursorStep = [number | null, number | null, string | null, number | null, 1?];

export interface NatsCursor {
  version: 1;
  stream: string;
  consumer: string;
  subject: string;
  /** The recording began with the source's own session-start: a copy; the recorder adds no notes of its own but gaps. */
  passthrough: boolean | null;
  /** `ends`: end-of-replay markers recorded. */
  committed: { streamSeq: number; origins: Record<string, number>; ends: number };
  pending: { steps: CursorStep[] } | null;
}

export function emptyCursor(stream: string, consumer: string, subject: string): NatsCursor {
  return { version: 1, stream, consumer, subject, passthrough: null, committed: { streamSeq: 0, origins: {}, ends: 0 }, pending: null };
}

/**
 * The cursor with its pending plan settled against the log: `lastLogSeq` is the log's last seq
 * (-1 when empty). Pure.
 */
export function reconcile(cursor: NatsCursor, lastLogSeq: number): NatsCursor {
  if (!cursor.pending) return cursor;
  const committed = { streamSeq: cursor.committed.streamSeq, origins: { ...cursor.committed.origins }, ends: cursor.committed.ends };
  for (const [streamSeq, logSeq, origin, originSeq, end] of cursor.pending.steps) {
    if (logSeq !== null && logSeq > lastLogSeq) break;
    if (end === 1) committed.ends++;
    if (streamSeq !== null && streamSeq > committed.streamSeq) committed.streamSeq = streamSeq;
    if (origin !== null && originSeq !== null) committed.origins[origin] = Math.max(originSeq, committed.origins[origin] ?? -1);
  }
  return { ...cursor, committed, pending: null };
}

export function parseCursor(text: string, file: string): NatsCursor {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new TapedeckError('CORRUPT_SEGMENT', `${file}: not valid JSON (${(e as Error).message})`, { path: file });
  }
  const c = v as Partial<NatsCursor>;
  const ok =
    typeof c === 'object' &&
    c !== null &&
    c.version === 1 &&
    typeof c.stream === 'string' &&
    typeof c.consumer === 'string' &&
    typeof c.subject === 'string' &&
    typeof c.committed === 'object' &&
    c.committed !== null &&
    Number.isSafeInteger(c.committed.streamSeq) &&
    Number.isSafeInteger(c.committed.ends) &&
    typeof c.committed.origins === 'object' &&
    (c.pending === null || (typeof c.pending === 'object' && Array.isArray(c.pending.steps)));
  if (!ok) throw new TapedeckError('CORRUPT_SEGMENT', `${file}: not a version 1 NATS cursor`, { path: file });
  return c as NatsCursor;
}

export function readCursor(dir: string): NatsCursor | null {
  const file = path.join(dir, CURSOR_NAME);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new IoError(file, 'cannot read the NATS cursor', e);
  }
  return parseCursor(text, file);
}

/** Replaces the cursor atomically and durably (write a temp file, fsync, rename, fsync the directory). */
export function writeCursor(dir: string, cursor: NatsCursor): void {
  const file = path.join(dir, CURSOR_NAME);
  const tmp = `${file}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(cursor));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch (e) {
    throw new IoError(file, 'cannot write the NATS cursor', e);
  }
}
