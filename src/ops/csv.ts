/**
 * Events as CSV, in the layout `tapedeck import` reads (src/record/csv.ts): a header row of the
 * canonical fields of one event type (type, ts, runId, seq, cause, then the type's fields in
 * schema order), one event per row. An absent field is an empty cell; numbers in their shortest
 * round-trip form, exact decimals as their canonical text in a quoted cell; ts/exchTs as decimal ns (or ISO with `iso`); meta/data maps as canonical JSON in
 * one cell. Text that a spreadsheet would run as a formula (starting = + - @ tab CR, or an
 * apostrophe) gets a leading apostrophe, removed again on import. Quoting per RFC 4180: a cell holding a comma, quote, CR or LF (or edge whitespace) is
 * quoted, quotes doubled; an empty string is written as "" to tell it from an absent field.
 * Rows end with LF.
 */
import { Decimal } from '../events/decimal.js';
import { BASE_KEYS, SPECS, sortedKeys } from '../events/schema.js';
import { formatTsIso } from '../events/ts.js';
import type { EventType, FlatMap, TapeEvent } from '../events/types.js';
import { escapeFormulaText } from '../record/csv.js';

/** The CSV columns of an event type, in canonical order. */
export function csvColumns(type: EventType): string[] {
  return [...BASE_KEYS, ...SPECS[type].fields.map((f) => f.name)];
}

/** One text cell: a spreadsheet formula start escaped (escapeFormulaText), then quoted when RFC
 * 4180 (or a trimming reader) needs it. */
export function csvCell(raw: string): string {
  if (raw === '') return '""';
  const text = escapeFormulaText(raw);
  if (/[",\r\n]/.test(text) || text.trim() !== text) return `"${text.replace(/"/g, '""')}"`;
  return text;
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`cannot write non-finite number ${n}`);
  return JSON.stringify(n);
}

/** A flat map as canonical JSON (keys in code point order), as eventToJson writes it. */
export function canonicalMapJson(m: FlatMap): string {
  return `{${sortedKeys(m)
    .map((k) => {
      const v = m[k] as string | number;
      return `${JSON.stringify(k)}:${typeof v === 'number' ? num(v) : JSON.stringify(v)}`;
    })
    .join(',')}}`;
}

/** The header line of a type's CSV (with LF). */
export function csvHeader(type: EventType): string {
  return csvColumns(type).join(',') + '\n';
}

/** One event as a CSV row of its type's columns (with LF). */
export function eventToCsvRow(ev: TapeEvent, opts: { iso?: boolean } = {}): string {
  const ts = (n: bigint) => (opts.iso ? formatTsIso(n) : n.toString());
  const rec = ev as unknown as Record<string, unknown>;
  const cells: string[] = [ev.type, ts(ev.ts), csvCell(ev.runId), ev.seq === undefined ? '' : String(ev.seq), ev.cause === undefined ? '' : String(ev.cause)];
  for (const f of SPECS[ev.type].fields) {
    const v = rec[f.name];
    if (v === undefined) {
      cells.push('');
      continue;
    }
    switch (f.kind) {
      case 'ns':
        cells.push(ts(v as bigint));
        break;
      case 'map':
        cells.push(csvCell(canonicalMapJson(v as FlatMap)));
        break;
      case 'num':
      case 'nonneg':
      case 'pos':
      case 'uint':
        // An exact decimal as its canonical text, always quoted: a quoted cell in a price or size
        // column is a decimal, an unquoted one a double (as a JSON string and a JSON number are).
        cells.push(v instanceof Decimal ? `"${v.toString()}"` : num(v as number));
        break;
      default:
        cells.push(csvCell(String(v)));
    }
  }
  return cells.join(',') + '\n';
}
