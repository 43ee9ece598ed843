/**
 * Canonical JSON lines: one event per line, keys in a fixed order, ts as a decimal string (or
 * ISO on request), map keys in code point order. Export → import → export is byte-identical.
 */
import { ValidationError } from '../errors.js';
import { JsonLineWriter } from './json-line-writer.js';
import { specOf } from './schema.js';
import { parseTs } from './ts.js';
import type { TapeEvent } from './types.js';
import { validateEvent } from './validate.js';

export interface JsonOptions {
  /** Write ts and exchTs as ISO-8601 UTC with 9 fractional digits instead of decimal ns. */
  iso?: boolean;
}

const EMPTY_OPTIONS: JsonOptions = {};
/** The writer behind eventToJson: one line at a time, turned into a string (json-line-writer.ts). */
const scratch = new JsonLineWriter(4096);

/** One line of canonical JSON (no newline). `ev` must be valid (validateEvent's output). */
export function eventToJson(ev: TapeEvent, options: JsonOptions = EMPTY_OPTIONS): string {
  scratch.clear();
  scratch.event(ev, options.iso === true, false);
  return scratch.takeText();
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
