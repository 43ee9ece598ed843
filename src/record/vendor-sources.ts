/**
 * Vendor files into a recorder: Databento DBN (binary, plain or zstd, streamed), Tardis.dev CSV,
 * and quote/trade data under a generic column mapping. Each venue message is one atomic batch;
 * loops yield to the event loop between input chunks so the log's timers and signals run.
 */
import { StringDecoder } from 'node:string_decoder';
import { TapedeckError, ValidationError } from '../errors.js';
import type { ByteInput } from '../vendor/bytes.js';
import { DbnDecoder } from '../vendor/dbn/decoder.js';
import { FLAG } from '../vendor/dbn/layout.js';
import { DbnMapper, type Draft } from '../vendor/dbn/map.js';
import type { DbnRecord } from '../vendor/dbn/record.js';
import { splitCsvRecord } from './csv.js';
import type { InputSource } from './input.js';
import { checkHeader, csvLookup, isPositional, jsonLookup, JsonElementSplitter, mapRecord, type ColumnMapping } from './mapping.js';
import type { Recorder } from './recorder.js';
import type { LoopOptions } from './sources.js';
import { detectTardis, TardisBatcher, TardisRows, unsupportedTardis } from './tardis.js';

/** A venue message larger than this many events is written as several batches (bounded memory). */
const BATCH_EVENTS_MAX = 100_000;

export interface DbnImportReport {
  version: number;
  dataset: string;
  schema: string | null;
  /** DBN records read, by record kind. */
  records: Record<string, number>;
  /** Records of an rtype tapedeck has no layout for, skipped by their length, by rtype (hex). */
  skippedRtypes: Record<string, number>;
  /** MBP-1/TBBO/BBO records whose quality flags the ticks could not keep, by flag (F_BAD_TS_RECV, F_MAYBE_BAD_BOOK). */
  tickFlagsDropped: Record<string, number>;
}

/** A DBN stream: metadata, then records mapped to events; one message (up to the LAST flag) per batch. */
export async function recordDbn(rec: Recorder, input: ByteInput, opts: LoopOptions & { venue?: string } = {}): Promise<DbnImportReport> {
  const dec = new DbnDecoder(input.name);
  let mapper: DbnMapper | null = null;
  let batch: Draft[] = [];
  const records: Record<string, number> = {};
  const flush = () => {
    if (batch.length > 0) rec.writeBatch(batch, { position: `byte ${dec.offsetBytes}` });
    batch = [];
  };
  for await (const chunk of input.chunks()) {
    let recs: DbnRecord[];
    try {
      recs = dec.push(chunk);
    } catch (err) {
      flush(); // the records before a bad one are kept, as at a truncated end
      throw err;
    }
    if (mapper === null && dec.metadata !== null) mapper = new DbnMapper(dec.metadata, { venue: opts.venue });
    for (const r of recs) {
      records[r.kind] = (records[r.kind] ?? 0) + 1;
      const m = mapper!.map(r);
      if (m.unmapped !== undefined) rec.countUnmapped(m.unmapped);
      if (m.closes) markLast(batch, m.closes);
      for (const d of m.drafts) batch.push(d);
      if (m.last || batch.length >= BATCH_EVENTS_MAX) flush();
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) break;
  }
  flush();
  if (!opts.signal?.aborted) dec.end();
  const md = dec.metadata!;
  return {
    version: md.version,
    dataset: md.dataset,
    schema: md.schema,
    records,
    skippedRtypes: Object.fromEntries([...dec.skipped].map(([rtype, n]) => [`0x${rtype.toString(16).padStart(2, '0')}`, n])),
    tickFlagsDropped: { ...(mapper?.tickFlagsDropped ?? {}) },
  };
}

/** A record that became no event ended a message: its book's last event in the batch gets the LAST flag. */
function markLast(batch: Draft[], book: { venue: string; symbol: string }): void {
  for (let i = batch.length - 1; i >= 0; i--) {
    const d = batch[i]!;
    if (d.type === 'book' && d.venue === book.venue && d.symbol === book.symbol) {
      d.flags = ((d.flags as number | undefined) ?? 0) | FLAG.LAST;
      return;
    }
  }
}

/** A Tardis.dev CSV dataset (detected from its header); rows sharing local_timestamp are one batch. */
export async function recordTardis(rec: Recorder, input: InputSource, opts: LoopOptions = {}): Promise<string> {
  let rows: TardisRows | null = null;
  const batcher = new TardisBatcher();
  let lastPos = '';
  const write = (b: readonly Draft[] | null) => {
    if (b) rec.writeBatch(b, { position: lastPos });
  };
  for (let lines = await input.nextLines(); lines !== null; lines = await input.nextLines()) {
    for (const l of lines) {
      if (l.text.trim() === '') continue;
      const pos = `line ${l.no}`;
      if (rows === null) {
        const header = l.text.split(',');
        const unsupported = unsupportedTardis(header, input.name);
        if (unsupported !== undefined) {
          throw new TapedeckError(
            'BAD_INPUT',
            `${input.name}: ${pos}: a Tardis.dev ${unsupported} dataset, which tapedeck does not import (it reads trades, quotes, book_snapshot_N and incremental_book_L2)`,
            { path: input.name },
          );
        }
        const layout = detectTardis(header);
        if (!layout) {
          throw new TapedeckError('BAD_INPUT', `${input.name}: ${pos}: not a Tardis.dev CSV header (trades, quotes, book_snapshot_N or incremental_book_L2): ${l.text.slice(0, 120)}`, {
            path: input.name,
          });
        }
        rows = new TardisRows(layout);
        continue;
      }
      try {
        const row = rows.row(l.text.split(','), pos);
        write(batcher.push(row));
        lastPos = pos;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        try {
          rec.badInput(err, l.text, pos);
        } catch (stop) {
          // --strict stops here: the rows accepted before this one (the batch in progress) are
          // kept (the error names the file, line and column: the recorder's inputName).
          write(batcher.flush());
          throw stop;
        }
      }
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) break;
  }
  write(batcher.flush());
  if (rows === null) throw new TapedeckError('BAD_INPUT', `${input.name}: empty: no Tardis.dev CSV header`, { path: input.name });
  return rows.layout.dataset === 'book_snapshot' ? `book_snapshot_${rows.layout.depth}` : rows.layout.dataset;
}

/** Quote/trade rows under a column mapping: CSV (with a header, or positional) or JSON (array or lines). */
export async function recordMappedCsv(rec: Recorder, input: InputSource, m: ColumnMapping, opts: LoopOptions = {}): Promise<void> {
  const positional = isPositional(m);
  let header: Map<string, number> | null = null;
  let first = true;
  for (let lines = await input.nextLines(); lines !== null; lines = await input.nextLines()) {
    for (const l of lines) {
      if (l.text.trim() === '') continue;
      const pos = `line ${l.no}`;
      const cells = splitCsvRecord(l.text);
      if (first && !positional) {
        first = false;
        if (cells === null) throw new TapedeckError('BAD_INPUT', `${input.name}: ${pos}: the header has an unclosed quote`, { path: input.name });
        header = new Map(cells.map((c, i) => [c.trim().replace(/^\uFEFF/, ''), i] as const));
        checkHeader(m, header, `${input.name}: ${pos}`);
        continue;
      }
      first = false;
      try {
        if (cells === null) throw new ValidationError('(row)', 'has an unclosed quote', l.text, pos);
        rec.write(mapRecord(m, csvLookup(cells, header), pos), { position: pos, raw: l.text });
      } catch (err) {
        if (err instanceof ValidationError) rec.badInput(err, l.text, pos);
        else throw err;
      }
    }
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
}

export async function recordMappedJson(rec: Recorder, input: ByteInput, m: ColumnMapping, opts: LoopOptions = {}): Promise<void> {
  const split = new JsonElementSplitter();
  const text = new StringDecoder('utf8');
  let n = 0;
  const one = (el: string) => {
    const pos = `element ${++n}`;
    try {
      let obj: unknown;
      try {
        obj = JSON.parse(el);
      } catch (e) {
        throw new ValidationError('(json)', `is not valid JSON: ${(e as Error).message}`, el, pos);
      }
      rec.write(mapRecord(m, jsonLookup(obj as Record<string, unknown>), pos), { position: pos, raw: el });
    } catch (err) {
      if (err instanceof ValidationError) rec.badInput(err, el, pos);
      else throw err;
    }
  };
  for await (const chunk of input.chunks()) {
    for (const el of split.push(text.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)))) one(el);
    opts.onBatch?.();
    if (opts.signal?.aborted) return;
  }
  for (const el of split.push(text.end())) one(el);
  split.end();
}
