/**
 * CSV events: a header row naming canonical fields (type, ts, runId, seq, cause and each type's
 * fields), one event per row. Each cell is typed by its column: numbers for numeric fields, ts and
 * exchTs as text (parsed exactly later), JSON objects for meta/data, strings otherwise. An empty
 * cell is an absent field; a quoted empty cell ("") is an empty string; one leading apostrophe of a
 * text cell is removed (the formula-injection escape, see escapeFormulaText). Quoting is RFC 4180 (quotes doubled; a quoted cell may span lines).
 */
import { TapedeckError, ValidationError } from '../errors.js';
import { specOf, type FieldKind } from '../events/schema.js';

/**
 * Spreadsheet formula injection: a text cell that starts with = + - @ (or tab / CR) is a formula to
 * Excel, LibreOffice and Sheets. tapedeck's CSV writes such text with a leading apostrophe (the
 * OWASP escape) and, so that the escape itself round-trips, any text that starts with an
 * apostrophe too; reading removes exactly one leading apostrophe from a text cell. One rule, both
 * directions, here.
 */
const FORMULA_START = /^[=+\-@\t\r']/;

export function escapeFormulaText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function unescapeFormulaText(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/**
 * Splits one CSV record; null when a quoted cell is still open at the end (needs the next line).
 * `quoted`, when given, receives which cells were quoted (so "" can mean an empty string).
 */
export function splitCsvRecord(text: string, quoted?: boolean[]): string[] | null {
  const cells: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    if (i < n && text[i] === '"') {
      let cell = '';
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) return null;
        cell += text.slice(i, q);
        if (text[q + 1] === '"') {
          cell += '"';
          i = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the comma is kept (lenient, like most readers).
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? n : comma;
      cell += text.slice(i, end);
      if (quoted) quoted[cells.length] = true;
      cells.push(cell);
      if (comma < 0) return cells;
      i = comma + 1;
    } else {
      const comma = text.indexOf(',', i);
      if (comma < 0) {
        cells.push(text.slice(i));
        return cells;
      }
      cells.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INTEGER = /^\d+$/;

function kindOf(type: unknown, column: string): FieldKind | 'base-int' | 'base-text' | 'dec' | undefined {
  if (column === 'seq' || column === 'cause') return 'base-int';
  if (column === 'ts') return 'ns';
  if (column === 'runId' || column === 'type') return 'base-text';
  const spec = typeof type === 'string' ? specOf(type) : undefined;
  const fs = spec?.fields.find((f) => f.name === column);
  return fs?.dec ? 'dec' : fs?.kind;
}

export class CsvEvents {
  readonly columns: string[];
  private pendingText: string | null = null;
  private pendingPosition: string | undefined;

  /** `header` is the first record (already split). */
  constructor(header: string[], position?: string) {
    const cols = header.map((c, i) => (i === 0 ? c.replace(/^\uFEFF/, '') : c).trim());
    const seen = new Set<string>();
    for (const c of cols) {
      if (c === '') throw new TapedeckError('BAD_INPUT', `${position ?? 'header'}: the CSV header has an empty column name`);
      if (seen.has(c)) throw new TapedeckError('BAD_INPUT', `${position ?? 'header'}: the CSV header names "${c}" twice`);
      seen.add(c);
    }
    if (!seen.has('type')) throw new TapedeckError('BAD_INPUT', `${position ?? 'header'}: the CSV header needs a "type" column (got ${cols.join(',')})`);
    this.columns = cols;
  }

  /**
   * Feeds one physical line. Returns the event object of a complete record, 'more' while a quoted
   * cell spans lines, or null for a blank line. Throws ValidationError for a bad row.
   */
  push(line: string, position?: string): Record<string, unknown> | 'more' | null {
    let text = line;
    let pos = position;
    if (this.pendingText !== null) {
      text = `${this.pendingText}\n${line}`;
      pos = this.pendingPosition;
    } else if (line.trim() === '') {
      return null;
    }
    const quoted: boolean[] = [];
    const cells = splitCsvRecord(text, quoted);
    if (cells === null) {
      this.pendingText = text;
      this.pendingPosition = pos;
      return 'more';
    }
    this.pendingText = null;
    return this.toEvent(cells, pos, quoted);
  }

  /** Text of a record left open at end of input, if any. */
  unfinished(): { text: string; position: string | undefined } | null {
    return this.pendingText === null ? null : { text: this.pendingText, position: this.pendingPosition };
  }

  toEvent(cells: string[], position?: string, quoted: boolean[] = []): Record<string, unknown> {
    if (cells.length !== this.columns.length) {
      throw new ValidationError('(row)', `has ${cells.length} cells where the header has ${this.columns.length}`, cells.length, position);
    }
    const ti = this.columns.indexOf('type');
    const type = cells[ti];
    const out: Record<string, unknown> = {};
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i]!;
      if (cell === '' && !quoted[i]) continue;
      const col = this.columns[i]!;
      const kind = kindOf(type, col);
      switch (kind) {
        case 'num':
        case 'nonneg':
        case 'pos':
          if (!NUMBER.test(cell)) throw new ValidationError(col, 'must be a number', cell, position);
          out[col] = Number(cell);
          break;
        case 'dec':
          // A price or size: a quoted cell is an exact decimal (validateEvent parses the text and
          // keeps its scale), an unquoted one a double, as a JSON string and a JSON number are.
          if (!NUMBER.test(cell)) throw new ValidationError(col, 'must be a number', cell, position);
          out[col] = quoted[i] ? cell : Number(cell);
          break;
        case 'uint':
        case 'base-int':
          if (!INTEGER.test(cell)) throw new ValidationError(col, 'must be a non-negative integer', cell, position);
          out[col] = Number(cell);
          break;
        case 'map':
          try {
            out[col] = JSON.parse(cell);
          } catch {
            throw new ValidationError(col, 'must be a JSON object of strings and numbers', cell, position);
          }
          break;
        default:
          // Strings, enums, ns (parsed exactly by the recorder) and unknown columns (refused by validation).
          out[col] = unescapeFormulaText(cell);
      }
    }
    return out;
  }
}
