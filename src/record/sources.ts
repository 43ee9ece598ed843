/**
 * Line-based sources feeding a Recorder: canonical JSONL, CSV, and venue capture files. Each loop
 * writes a whole batch of lines synchronously (the log buffers; no await per event) and yields to
 * the event loop between batches so the log's flush timers and signals get their turn.
 */
import { ValidationError } from '../errors.js';
import { parseCaptureLine } from './capture.js';
import { CsvEvents, splitCsvRecord } from './csv.js';
import { asciiText, isBlankLine, type InputSource, type Line, type LineSink } from './input.js';
import { parseJsonLine } from './json-line.js';
import type { Recorder } from './recorder.js';
import { mapperFor, type MapperOptions, type VenueFormat } from './venues.js';

export interface LoopOptions {
  /** Stop early (SIGINT): the loop returns after the current batch. */
  signal?: AbortSignal;
  /** Called after each batch with the recorder's running counts. */
  onBatch?: () => void;
}

export function positionOf(no: number): string {
  return `line ${no}`;
}

/** A line that is not text (invalid UTF-8, over --max-line-bytes) is a reject with its exact
 * bytes, or under --strict the end of the run (exit 65). True when `l` was one. */
function rejectProblem(rec: Recorder, l: Line): boolean {
  if (!l.problem) return false;
  const pos = positionOf(l.no);
  rec.countBytes(l.problem.bytes + 1);
  rec.badInput(new ValidationError('(line)', l.problem.message, `${l.problem.bytes} bytes`, pos), l.problem.raw, pos, l.problem.bytes);
  return true;
}

/** One line of canonical JSONL: a problem line is a reject, a blank line is skipped. */
export function recordJsonlLine(rec: Recorder, l: Line): void {
  if (rejectProblem(rec, l)) return;
  if (isBlankLine(l)) return;
  rec.writeLine(l.text, positionOf(l.no));
}

/**
 * Lines of canonical JSONL into a recorder, as recordJsonlLine writes each: a line of ASCII is
 * first offered as bytes to the one-pass tick reader (Recorder.writeTickLine), so a canonical tick
 * costs no string. `lastNo` is the number of the last line taken.
 */
export class JsonlSink implements LineSink {
  lastNo = 0;
  constructor(private readonly rec: Recorder) {}
  asciiLine(src: Buffer, start: number, stop: number, no: number): void {
    this.lastNo = no;
    if (this.rec.writeTickLine(src, start, stop) < 0) recordJsonlLine(this.rec, { text: asciiText(src, start, stop), no });
  }
  line(l: Line): void {
    this.lastNo = l.no;
    recordJsonlLine(this.rec, l);
  }
}

/** Canonical JSON lines; blank lines are skipped. */
export async function recordJsonl(rec: Recorder, input: InputSource, opts: LoopOptions = {}): Promise<void> {
  const sink = new JsonlSink(rec);
  while (await input.nextInto(sink)) {
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
}

/** CSV with a header row of canonical field names. */
export async function recordCsv(rec: Recorder, input: InputSource, opts: LoopOptions = {}): Promise<void> {
  let csv: CsvEvents | null = null;
  for (let batch = await input.nextLines(); batch !== null; batch = await input.nextLines()) {
    for (const l of batch) {
      const pos = positionOf(l.no);
      if (l.problem && csv === null) throw new ValidationError('(header)', l.problem.message, `${l.problem.bytes} bytes`, pos);
      if (rejectProblem(rec, l)) continue;
      if (csv === null) {
        if (l.text.trim() === '') continue;
        const header = splitCsvRecord(l.text);
        if (header === null) throw new ValidationError('(header)', 'has an unclosed quote', l.text, pos);
        csv = new CsvEvents(header, pos);
        continue;
      }
      let ev: ReturnType<CsvEvents['push']>;
      try {
        ev = csv.push(l.text, pos);
      } catch (err) {
        if (err instanceof ValidationError) {
          rec.badInput(err, l.text, err.position ?? pos);
          continue;
        }
        throw err;
      }
      if (ev === null || ev === 'more') continue;
      rec.write(ev, { position: pos, raw: l.text });
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
  const open = csv?.unfinished();
  if (open) rec.badInput(new ValidationError('(row)', 'ends inside a quoted cell', open.text, open.position), open.text, open.position);
}

/**
 * A venue capture: each received message is mapped with the receive time as ts (the caller opens
 * the recorder with the source clock), an HTTP response with the URL it came from. Connect, sent
 * and configuration lines are counted, not recorded. A receive
 * time that goes back is bad input, whatever kind of message the line holds.
 */
export async function recordCapture(rec: Recorder, input: InputSource, format: VenueFormat, opts: LoopOptions & { mapper?: MapperOptions } = {}): Promise<void> {
  const map = mapperFor(format, opts.mapper);
  let lastRecv = -1n;
  for (let batch = await input.nextLines(); batch !== null; batch = await input.nextLines()) {
    for (const l of batch) {
      if (rejectProblem(rec, l)) continue;
      if (l.text.trim() === '') continue;
      const pos = positionOf(l.no);
      try {
        const c = parseCaptureLine(l.text, pos);
        if (c.kind !== 'message') {
          rec.countControl(c.kind, Buffer.byteLength(l.text) + 1);
          continue;
        }
        if (c.ts < lastRecv) {
          throw new ValidationError('(receive time)', `goes back in time (the previous line was received at ${lastRecv})`, c.ts.toString(), pos);
        }
        lastRecv = c.ts;
        const msg = parseJsonLine(c.message, pos);
        rec.writeMapped(map(msg, pos, c.url), c.ts, { position: pos, raw: l.text });
      } catch (err) {
        if (err instanceof ValidationError) rec.badInput(err, l.text, pos);
        else throw err;
      }
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
}

/** Raw venue messages, one JSON per line (no capture prefix), stamped by the recorder's clock. */
export async function recordVenueLines(rec: Recorder, input: InputSource, format: VenueFormat, opts: LoopOptions & { mapper?: MapperOptions } = {}): Promise<void> {
  const map = mapperFor(format, opts.mapper);
  for (let batch = await input.nextLines(); batch !== null; batch = await input.nextLines()) {
    for (const l of batch) {
      if (rejectProblem(rec, l)) continue;
      if (l.text.trim() === '') continue;
      const pos = positionOf(l.no);
      try {
        const msg = parseJsonLine(l.text, pos);
        rec.writeMapped(map(msg, pos), undefined, { position: pos, raw: l.text });
      } catch (err) {
        if (err instanceof ValidationError) rec.badInput(err, l.text, pos);
        else throw err;
      }
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
}
