/**
 * validateEvent: the one gate every event passes before it is written. It checks every field,
 * rejects what the log could not store exactly, and returns a fresh, normalised event whose keys
 * are in canonical order, so everything downstream (JSON, binary) can encode without re-checking.
 */
import { ValidationError } from '../errors.js';
import { FRAME_MAX_PAYLOAD_BYTES } from '../log/format.js';
import { Decimal, parseDecimalField } from './decimal.js';
import { INT64_MAX, isWellFormed, sortedKeys, specOf, type FieldSpec } from './schema.js';
import type { FlatMap, TapeEvent } from './types.js';

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function str(field: string, v: unknown, nonEmpty: boolean, pos: string | undefined): string {
  if (typeof v !== 'string') throw new ValidationError(field, 'must be a string', v, pos);
  // ASCII (most ids, venues, symbols) is well-formed and already NFC: skip the regex and ICU call.
  if (v.length < 64 && isAscii(v)) {
    if (nonEmpty && v.length === 0) throw new ValidationError(field, 'must not be empty', v, pos);
    return v;
  }
  // Every UTF-16 unit is at least one UTF-8 byte: a text this long can never fit a frame, so refuse
  // it before scanning, normalising and encoding megabytes only for the log to refuse them.
  if (v.length > FRAME_MAX_PAYLOAD_BYTES) {
    throw new ValidationError(field, `is too large to record: ${v.length} characters, over the maximum payload of ${FRAME_MAX_PAYLOAD_BYTES} bytes`, `(text of ${v.length} characters)`, pos);
  }
  if (!isWellFormed(v)) throw new ValidationError(field, 'contains a lone UTF-16 surrogate', v, pos);
  const s = v.normalize('NFC');
  if (nonEmpty && s.length === 0) throw new ValidationError(field, 'must not be empty', v, pos);
  return s;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function num(field: string, v: unknown, pos: string | undefined): number {
  if (typeof v !== 'number') throw new ValidationError(field, 'must be a number', v, pos);
  if (!Number.isFinite(v)) throw new ValidationError(field, 'must be a finite number', v, pos);
  return v === 0 ? 0 : v; // -0 → 0: one spelling per value
}

function ns(field: string, v: unknown, pos: string | undefined): bigint {
  if (typeof v !== 'bigint') {
    throw new ValidationError(field, 'must be a bigint of nanoseconds (parse text with parseTs)', v, pos);
  }
  if (v < 0n || v > INT64_MAX) throw new ValidationError(field, 'must be within 0..2^63-1 nanoseconds', v, pos);
  return v;
}

function count(field: string, v: unknown, pos: string | undefined): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new ValidationError(field, 'must be a non-negative safe integer', v, pos);
  }
  return v === 0 ? 0 : v;
}

function flatMap(field: string, v: unknown, pos: string | undefined): FlatMap {
  if (!isPlainObject(v)) throw new ValidationError(field, 'must be a flat object of strings and numbers', v, pos);
  const out: FlatMap = {};
  const seen = new Set<string>();
  for (const rawKey of sortedKeys(v)) {
    const kf = `${field}.${rawKey}`;
    const key = str(kf, rawKey, false, pos);
    // msgpackr and JSON.parse treat "__proto__" specially; refusing it keeps maps plain data.
    if (key === '__proto__') throw new ValidationError(kf, 'is a reserved key', rawKey, pos);
    if (seen.has(key)) throw new ValidationError(kf, 'duplicates another key after NFC normalisation', rawKey, pos);
    seen.add(key);
    const val = v[rawKey];
    if (typeof val === 'string') out[key] = str(kf, val, false, pos);
    else if (typeof val === 'number') out[key] = num(kf, val, pos);
    else throw new ValidationError(kf, 'must be a string or a finite number', val, pos);
  }
  return out;
}

/** A number field of kind num, nonneg or pos. */
function numOfKind(name: string, kind: FieldSpec['kind'], v: unknown, pos: string | undefined): number {
  const n = num(name, v, pos);
  if (kind === 'nonneg' && n < 0) throw new ValidationError(name, 'must not be negative', v, pos);
  if (kind === 'pos' && n <= 0) throw new ValidationError(name, 'must be greater than 0', v, pos);
  return n;
}

/** A price or size: a Decimal (kept as is: immutable), decimal text (parsed) or a number. */
function dec(fs: FieldSpec, v: unknown, pos: string | undefined): Decimal | number {
  const name = fs.name;
  const x = typeof v === 'string' ? parseDecimalField(name, v, pos) : v;
  if (!(x instanceof Decimal)) {
    if (typeof x !== 'number') throw new ValidationError(name, 'must be a number or an exact decimal (Decimal or decimal text)', v, pos);
    return numOfKind(name, fs.kind, x, pos);
  }
  if (fs.kind === 'nonneg' && x.mantissa < 0) throw new ValidationError(name, 'must not be negative', x.toString(), pos);
  if (fs.kind === 'pos' && x.mantissa <= 0) throw new ValidationError(name, 'must be greater than 0', x.toString(), pos);
  return x;
}

function field(fs: FieldSpec, v: unknown, pos: string | undefined): unknown {
  const name = fs.name;
  if (fs.dec) return dec(fs, v, pos);
  switch (fs.kind) {
    case 'id':
      return str(name, v, true, pos);
    case 'text':
      return str(name, v, false, pos);
    case 'enum':
      if (typeof v !== 'string' || !fs.values!.has(v)) {
        throw new ValidationError(name, `must be one of ${[...fs.values!].join('|')}`, v, pos);
      }
      return v;
    case 'num':
    case 'nonneg':
    case 'pos':
      return numOfKind(name, fs.kind, v, pos);
    case 'ns':
      return ns(name, v, pos);
    case 'map':
      return flatMap(name, v, pos);
    case 'uint': {
      const n = count(name, v, pos);
      // book.flags is a u8 bit set (docs/EVENTS.md §5).
      if (name === 'flags' && n > 255) throw new ValidationError(name, 'must be within 0..255', v, pos);
      return n;
    }
  }
}

/**
 * Check an event of unknown shape and return a new, normalised copy: strings NFC, -0 → 0, keys
 * in canonical order (type, ts, runId, seq, cause, then the type's fields), absent optional
 * fields and undefined-valued keys dropped. Throws ValidationError naming field, value, position.
 */
export function validateEvent(input: unknown, position?: string): TapeEvent {
  if (!isPlainObject(input)) throw new ValidationError('(event)', 'must be an object', input, position);
  const type = input.type;
  if (type === undefined) throw new ValidationError('type', 'is required', type, position);
  const spec = typeof type === 'string' ? specOf(type) : undefined;
  if (!spec) throw new ValidationError('type', 'is not a known event type', type, position);
  for (const key of Object.keys(input)) {
    if (!spec.allowed.has(key)) {
      throw new ValidationError(key, `is not a field of a ${type} event`, input[key], position);
    }
  }
  const out: Obj = { type };
  if (input.ts === undefined) throw new ValidationError('ts', 'is required', undefined, position);
  out.ts = ns('ts', input.ts, position);
  if (input.runId === undefined) throw new ValidationError('runId', 'is required', undefined, position);
  out.runId = str('runId', input.runId, true, position);
  if (input.seq !== undefined) out.seq = count('seq', input.seq, position);
  if (input.cause !== undefined) out.cause = count('cause', input.cause, position);
  for (const fs of spec.fields) {
    const v = input[fs.name];
    if (v === undefined) {
      if (!fs.optional) throw new ValidationError(fs.name, 'is required', v, position);
      continue;
    }
    out[fs.name] = field(fs, v, position);
  }
  return out as unknown as TapeEvent;
}

/** The same check, reporting instead of throwing. */
export function checkEvent(input: unknown, position?: string): { ok: true; event: TapeEvent } | { ok: false; error: ValidationError } {
  try {
    return { ok: true, event: validateEvent(input, position) };
  } catch (e) {
    if (e instanceof ValidationError) return { ok: false, error: e };
    throw e;
  }
}
