/**
 * Recording ids (docs/FORMAT.md §3.1): 32 lowercase hex digits in every segment header and the
 * MANIFEST. A new recording gets a random one unless its producer passes one: deterministic
 * producers (scenario runs, backtests, the deterministic recorder) derive theirs from their inputs
 * with `deriveRecordingId`, so the same inputs still give byte-identical files, and `null` asks
 * for none (all zeros, as recordings from before ids had).
 */
import { createHash, randomBytes } from 'node:crypto';
import { TapedeckError } from '../errors.js';

export const RECORDING_ID_PATTERN = /^[0-9a-f]{32}$/;
/** All zeros: no id. */
export const NO_RECORDING_ID = '0'.repeat(32);

/** A fresh random id (never all zeros). */
export function newRecordingId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (id !== NO_RECORDING_ID) return id;
  }
}

/** The id a deterministic producer derives from what defines its output (a SHA-256 of the parts). */
export function deriveRecordingId(...parts: readonly string[]): string {
  const h = createHash('sha256').update('tapedeck recording id\0');
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:${p}\0`);
  const id = h.digest('hex').slice(0, 32);
  return id === NO_RECORDING_ID ? '0'.repeat(31) + '1' : id;
}

/** Checks a caller's id option: 32 lowercase hex digits, not all zeros (null asks for none). */
export function checkRecordingId(id: unknown): void {
  if (id === undefined || id === null) return;
  if (typeof id !== 'string' || !RECORDING_ID_PATTERN.test(id) || id === NO_RECORDING_ID) {
    throw new TapedeckError('BAD_ARGUMENT', `recording id must be 32 lowercase hex digits, not all zeros (got ${JSON.stringify(id)}; null asks for none)`);
  }
}
