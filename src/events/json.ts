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
  // JSON.stringify writes a finite number as ToString(n) (ECMA-262 SerializeJSONProperty): the
  // same shortest round-trip text, -0 as "0", without a JSON.stringify call per number.
  return '' + n;
}

/**
 * JSON.stringify of a string, remembered for short ones: run ids, venues, symbols and enum values
 * repeat on every line (a hit is usually the very same string object, compared by reference).
 */
const QUOTED_SLOTS = 256;
const quotedKeys: string[] = new Array<string>(QUOTED_SLOTS).fill('');
const quotedText: string[] = new Array<string>(QUOTED_SLOTS).fill('""');
function jsonString(s: string): string {
  const n = s.length;
  if (n === 0 || n > 48) return JSON.stringify(s);
  const slot = (n * 31 + s.charCodeAt(0) * 7 + s.charCodeAt(n - 1)) & (QUOTED_SLOTS - 1);
  if (quotedKeys[slot] === s) return quotedText[slot]!;
  const q = JSON.stringify(s);
  quotedKeys[slot] = s;
  quotedText[slot] = q;
  return q;
}

const EMPTY_OPTIONS: JsonOptions = {};
const decimalNs = (n: bigint): string => n.toString();

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

/** How a field is written: its `,"name":` prefix once per type, and one of the cases below. */
const NS = 0;
const MAP = 1;
const NUM = 2;
const OTHER = 3;
interface JsonField {
  readonly name: string;
  readonly prefix: string;
  readonly how: number;
}
const JSON_FIELDS = new Map<string, readonly JsonField[]>(
  Object.entries(SPECS).map(([type, spec]) => [
    type,
    spec.fields.map((fs) => ({
      name: fs.name,
      prefix: `,${JSON.stringify(fs.name)}:`,
      how: fs.kind === 'ns' ? NS : fs.kind === 'map' ? MAP : fs.kind === 'num' || fs.kind === 'nonneg' || fs.kind === 'pos' || fs.kind === 'uint' ? NUM : OTHER,
    })),
  ]),
);

/** One line of canonical JSON (no newline). `ev` must be valid (validateEvent's output). */
export function eventToJson(ev: TapeEvent, options: JsonOptions = EMPTY_OPTIONS): string {
  const fields = JSON_FIELDS.get(ev.type);
  if (!fields) throw new ValidationError('type', 'is not a known event type', ev.type);
  const nsText = options.iso ? formatTsIso : decimalNs;
  let s = `{"type":"${ev.type}","ts":"${nsText(ev.ts)}","runId":${jsonString(ev.runId)}`;
  if (ev.seq !== undefined) s += `,"seq":${jsonNumber(ev.seq)}`;
  if (ev.cause !== undefined) s += `,"cause":${jsonNumber(ev.cause)}`;
  const rec = ev as unknown as Record<string, unknown>;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = rec[f.name];
    if (v === undefined) continue;
    switch (f.how) {
      case NS:
        s += f.prefix + '"' + nsText(v as bigint) + '"';
        break;
      case MAP:
        s += f.prefix + jsonMap(v as FlatMap);
        break;
      case NUM:
        // An exact decimal is written as its canonical text, in a JSON string: a JSON number would
        // lose digits and scale in every parser that reads numbers as doubles.
        s += f.prefix + (typeof v === 'number' ? jsonNumber(v) : v instanceof Decimal ? '"' + v.toString() + '"' : jsonNumber(v as number));
        break;
      default:
        s += f.prefix + (typeof v === 'string' ? jsonString(v) : JSON.stringify(v));
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
