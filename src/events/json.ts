/**
 * Canonical JSON lines: one event per line, keys in a fixed order, ts as a decimal string (or
 * ISO on request), map keys in code point order. Export → import → export is byte-identical.
 */
import { ValidationError } from '../errors.js';
import { Decimal } from './decimal.js';
import { sortedKeys, specOf, SPECS } from './schema.js';
import { formatTsIso, parseTs } from './ts.js';
import type { FlatMap, TapeEvent } from './types.js';
import { validateEvent } from './validate.js';

export interface JsonOptions {
  /** Write ts and exchTs as ISO-8601 UTC with 9 fractional digits instead of decimal ns. */
  iso?: boolean;
}

function jsonNumber(n: number): string {
  // Validated events never hold these; refusing beats JSON.stringify's silent "null".
  if (!Number.isFinite(n)) throw new RangeError(`cannot write non-finite number ${n} as JSON`);
  return JSON.stringify(n); // shortest round-trip form; -0 prints as 0
}

function jsonMap(m: FlatMap): string {
  let s = '{';
  let first = true;
  for (const k of sortedKeys(m)) {
    const v = m[k] as string | number;
    s += (first ? '' : ',') + JSON.stringify(k) + ':' + (typeof v === 'number' ? jsonNumber(v) : JSON.stringify(v));
    first = false;
  }
  return s + '}';
}

/** One line of canonical JSON (no newline). `ev` must be valid (validateEvent's output). */
export function eventToJson(ev: TapeEvent, options: JsonOptions = {}): string {
  const spec = SPECS[ev.type];
  if (!spec) throw new ValidationError('type', 'is not a known event type', ev.type);
  const nsText = options.iso ? formatTsIso : (n: bigint) => n.toString();
  let s = `{"type":"${ev.type}","ts":"${nsText(ev.ts)}","runId":${JSON.stringify(ev.runId)}`;
  if (ev.seq !== undefined) s += `,"seq":${jsonNumber(ev.seq)}`;
  if (ev.cause !== undefined) s += `,"cause":${jsonNumber(ev.cause)}`;
  const rec = ev as unknown as Record<string, unknown>;
  for (const fs of spec.fields) {
    const v = rec[fs.name];
    if (v === undefined) continue;
    s += `,"${fs.name}":`;
    switch (fs.kind) {
      case 'ns':
        s += `"${nsText(v as bigint)}"`;
        break;
      case 'map':
        s += jsonMap(v as FlatMap);
        break;
      case 'num':
      case 'nonneg':
      case 'pos':
      case 'uint':
        // An exact decimal is written as its canonical text, in a JSON string: a JSON number would
        // lose digits and scale in every parser that reads numbers as doubles.
        s += v instanceof Decimal ? `"${v.toString()}"` : jsonNumber(v as number);
        break;
      default:
        s += JSON.stringify(v);
    }
  }
  return s + '}';
}

/**
 * Parse and validate one JSON line. ts/exchTs may be decimal strings, JSON integers up to
 * 2^53 - 1, or ISO-8601 UTC. A `seq` is kept on the returned event (so export → import →
 * export is stable) but the log ignores it on append and assigns its own.
 */
export function parseJsonEvent(line: string, position?: string): TapeEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ValidationError('(json)', `is not valid JSON: ${why}`, line, position);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ValidationError('(event)', 'must be a JSON object', raw, position);
  }
  const obj = raw as Record<string, unknown>;
  const withTs: Record<string, unknown> = { ...obj };
  if (obj.ts !== undefined) withTs.ts = parseTs(obj.ts, 'ts', position);
  // Time fields (exchTs, tsOut, start) only where the type has them; on others validateEvent
  // reports them as unknown fields.
  const spec = typeof obj.type === 'string' ? specOf(obj.type) : undefined;
  if (spec) for (const f of spec.fields) if (f.kind === 'ns' && obj[f.name] !== undefined) withTs[f.name] = parseTs(obj[f.name], f.name, position);
  return validateEvent(withTs, position);
}

/** Parse a whole JSONL text; positions are "line N" (1-based). Blank lines are skipped. */
export function parseJsonLines(text: string): TapeEvent[] {
  const out: TapeEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    if (line.trim() === '') continue;
    out.push(parseJsonEvent(line, `line ${i + 1}`));
  }
  return out;
}
