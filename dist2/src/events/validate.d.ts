/**
 * validateEvent: the one gate every event passes before it is written. It checks every field,
 * rejects what the log could not store exactly, and returns a fresh, normalised event whose keys
 * are in canonical order, so everything downstream (JSON, binary) can encode without re-checking.
 */
import { ValidationError } from '../errors.js';
import type { TapeEvent } from './types.js';
/**
 * Check an event of unknown shape and return a new, normalised copy: strings NFC, -0 → 0, keys
 * in canonical order (type, ts, runId, seq, cause, then the type's fields), absent optional
 * fields and undefined-valued keys dropped. Throws ValidationError naming field, value, position.
 */
export declare function validateEvent(input: unknown, position?: string): TapeEvent;
/** The same check, reporting instead of throwing. */
export declare function checkEvent(input: unknown, position?: string): {
    ok: true;
    event: TapeEvent;
} | {
    ok: false;
    error: ValidationError;
};
