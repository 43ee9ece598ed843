/**
 * `import`: a file (or stdin) of canonical JSONL, CSV, a venue capture, a Databento DBN file
 * (plain or zstd), a Tardis.dev CSV dataset, or quote/trade data under a column mapping into a
 * recording, with the source clock. The format comes from the caller, else the file name, else
 * the content (DBN by its magic, also inside zstd; Tardis by its header).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { TapedeckError } from '../errors.js';
import { openBytes, type ByteInput } from '../vendor/bytes.js';
import { isZstd, ZstdDecompressor } from '../vendor/zstd.js';
import { openInput, openInputStream, type InputSource } from './input.js';
import { planPieces, splitJsonl, type SplitOptions, type SplitRun } from './jsonl-split.js';
import type { ColumnMapping } from './mapping.js';
import { Recorder, type RecorderOptions, type RecordSummary } from './recorder.js';
import { recordCapture, recordCsv, recordJsonl } from './sources.js';
import type { MapperOptions } from './venues.js';
import { recordDbn, recordMappedCsv, recordMappedJson, recordTardis, type DbnImportReport } from './vendor-sources.js';

export type ImportFormat = 'jsonl' | 'csv' | 'binance' | 'binance-futures' | 'coinbase' | 'kraken' | 'dbn' | 'tardis';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['jsonl', 'csv', 'binance', 'binance-futures', 'coinbase', 'kraken', 'dbn', 'tardis'];

export interface ImportProgress {
  /** Bytes of the input file read (compressed bytes for gzip). */
  bytes: number;
  totalBytes: number | undefined;
  events: number;
  rejects: number;
}

export interface ImportOptions extends Omit<RecorderOptions, 'clock'>, SplitOptions {
  format?: ImportFormat;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Input for '-' (default process.stdin). */
  stdin?: Readable;
  /** Quote/trade rows under this column mapping (CSV or JSON); the format is then 'mapped'. */
  map?: ColumnMapping;
  /**
   * DBN: the venue of every event (default: the dataset's, GLBX.MDP3 → GLBX). A venue capture:
   * the venue name to record (default binance-spot / binance-futures, coinbase, kraken).
   */
  venue?: string;
  /** A Binance capture: the symbol of REST depth snapshots that name none (see docs/VENUES.md). */
  symbol?: string;
  /** Lines over this many bytes are rejects (default 1 MiB; see input.ts). */
  maxLineBytes?: number;
}

export interface ImportSummary extends RecordSummary {
  format: ImportFormat | 'mapped';
  gzip: boolean;
  /** zstd-compressed input (DBN). */
  zstd?: boolean;
  input: string;
  /** DBN: the file's version, dataset, schema and record counts. */
  dbn?: DbnImportReport;
  /** Tardis: the dataset the header names. */
  tardis?: string;
}

const CAPTURE_NS = /^\d{10,19} [{[]/;
const CAPTURE_SECS = /^\d{9,12}(?:\.\d+)?: [{[]/;
const CAPTURE_CONTROL = /^\S+ (?:<->|<-|->) \d/;

/** The format a file name says (.jsonl, .csv, possibly .gz), if any. */
export function formatFromName(name: string): ImportFormat | null {
  if (/\.dbn(\.zst)?$/i.test(name)) return 'dbn';
  const base = path.basename(name).toLowerCase().replace(/\.gz$/, '');
  if (/\.(jsonl|ndjson|json)$/.test(base)) return 'jsonl';
  if (base.endsWith('.csv')) return 'csv';
  return null;
}

/** Guesses the format from the first non-blank lines (already decompressed). */
export function formatFromContent(lines: readonly string[]): ImportFormat | null {
  const first = lines[0];
  if (first === undefined) return null;
  if (first.startsWith('{')) return 'jsonl';
  if (first.startsWith('exchange,symbol,timestamp,local_timestamp,')) return 'tardis';
  const capture = lines.some((l) => CAPTURE_NS.test(l) || CAPTURE_SECS.test(l) || CAPTURE_CONTROL.test(l));
  if (capture) {
    const text = lines.join('\n');
    if (/coinbase/i.test(text) || /"product_id"/.test(text)) return 'coinbase';
    if (/(ws|api)\.kraken\.com/.test(text) || /"channelName":"(book|trade|spread)/.test(text)) return 'kraken';
    // Futures by its hosts, or by what only futures messages carry (depth `pu`, a book ticker's
    // `e`): told before the first message is mapped, so a trade ahead of them is not spot's.
    if (/(fstream|fapi|dstream|dapi)\.binance/.test(text) || /"pu":\d/.test(text) || /"e":"bookTicker"/.test(text)) return 'binance-futures';
    if (/api\.binance\.com/.test(text)) return 'binance';
    if (/"stream":"[a-z0-9]+@/.test(text) || /"lastUpdateId"/.test(text) || /"e":"/.test(text)) return 'binance';
    return null;
  }
  if (/(^|,)"?type"?(,|$)/.test(first)) return 'csv';
  return null;
}

/** DBN by its magic, plain or inside zstd (the first bytes of a regular file). */
export function isDbnFile(file: string): boolean {
  if (file === '-') return false;
  let head: Buffer;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      head = Buffer.alloc(64 * 1024);
      head = head.subarray(0, fs.readSync(fd, head, 0, head.length, 0));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
  const isDbn = (b: Uint8Array) => b.length >= 4 && b[0] === 0x44 && b[1] === 0x42 && b[2] === 0x4e && b[3]! >= 1 && b[3]! <= 3;
  if (isDbn(head)) return true;
  if (!isZstd(head)) return false;
  try {
    const out = new ZstdDecompressor().push(head);
    return out.length > 0 && isDbn(out[0]!);
  } catch {
    return false;
  }
}

export async function importFile(input: string, dir: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  if (opts.map !== undefined) return importMapped(input, dir, opts.map, opts);
  if (opts.format === 'dbn' || (opts.format === undefined && (formatFromName(input) === 'dbn' || isDbnFile(input)))) return importDbn(input, dir, opts);
  const src = openInput(input, opts.stdin, { maxLineBytes: opts.maxLineBytes });
  let format = opts.format ?? formatFromName(input);
  // A .csv may be a Tardis.dev dataset: its header says so.
  if (opts.format === undefined && format === 'csv' && formatFromContent(await src.peek(1)) === 'tardis') format = 'tardis';
  if (!format) {
    format = formatFromContent(await src.peek(20));
    if (!format) {
      src.close();
      throw new TapedeckError('BAD_ARGUMENT', `${input}: cannot tell the format from the name or the content; pass --format ${IMPORT_FORMATS.join('|')}`, {
        path: input,
      });
    }
  }
  const pieces = format === 'jsonl' ? planPieces(input, opts) : null;
  let split: SplitRun | null = null;
  // Progress and close() follow the split run once it has taken over from src.
  const progressInput: ImportInput = {
    name: src.name,
    get bytesRead() {
      return split !== null ? split.bytesRead : src.bytesRead;
    },
    totalBytes: src.totalBytes,
    close() {
      src.close();
      split?.close();
    },
  };
  const { summary, result } = await recordFrom(dir, `import:${format}:${input}`, opts, progressInput, (rec, onBatch) => {
    if (pieces === null || !rec.readsCanonicalTicks) return runFormat(rec, src, format, { signal: opts.signal, onBatch, mapper: { venue: opts.venue, symbol: opts.symbol } });
    src.close();
    split = splitJsonl(rec, input, pieces, {
      signal: opts.signal,
      onBatch,
      maxLineBytes: opts.maxLineBytes,
      tsUnit: opts.tsUnit,
      slotBytes: opts.slotBytes,
      parseWorker: opts.parseWorker ?? 'auto',
      probe: opts.probe,
      cores: opts.cores,
    });
    return split.run();
  });
  return { ...summary, format, gzip: src.gzip, input, ...(format === 'tardis' ? { tardis: result as string } : {}) };
}

/** What an import reads from: how far it is, how big it is, and how to let go of it. */
interface ImportInput {
  /** The file ('-': stdin), named in warnings and --strict errors. */
  readonly name: string;
  readonly bytesRead: number;
  readonly totalBytes: number | undefined;
  close(): void;
}

/**
 * The one way every import runs: open the recorder (closing the input if that fails), run the
 * reader with a progress report after each batch it writes, then close input and recorder, the
 * recorder with the error when the reader failed, and report once more at the end.
 */
async function recordFrom<T>(
  dir: string,
  source: string,
  opts: ImportOptions,
  input: ImportInput,
  run: (rec: Recorder, onBatch: () => void) => Promise<T>,
): Promise<{ summary: RecordSummary; result: T }> {
  let rec: Recorder;
  try {
    rec = await Recorder.open(dir, { durability: 'batched', source, inputName: input.name === '-' ? 'stdin' : input.name, ...opts, clock: 'source' });
  } catch (err) {
    input.close();
    throw err;
  }
  const report = () =>
    opts.onProgress?.({ bytes: input.bytesRead, totalBytes: input.totalBytes, events: rec.metrics.counters.events!, rejects: rec.metrics.counters.rejects! });
  let result: T;
  try {
    result = await run(rec, report);
  } catch (err) {
    input.close();
    await rec.close({ error: err }).catch(() => {});
    throw err;
  }
  input.close();
  const summary = await rec.close();
  report();
  return { summary, result };
}

async function importDbn(input: string, dir: string, opts: ImportOptions): Promise<ImportSummary> {
  const bytes = openBytes(input, opts.stdin);
  const { summary, result: dbn } = await recordFrom(dir, `import:dbn:${input}`, opts, bytes, (rec, onBatch) =>
    recordDbn(rec, bytes, { signal: opts.signal, onBatch, venue: opts.venue }),
  );
  return { ...summary, format: 'dbn', gzip: bytes.compression === 'gzip', zstd: bytes.compression === 'zstd', input, dbn };
}

async function importMapped(input: string, dir: string, map: ColumnMapping, opts: ImportOptions): Promise<ImportSummary> {
  // JSON (an array or lines of objects) or CSV, told by the first non-blank character.
  const bytes = openBytes(input, opts.stdin);
  const it = bytes.chunks();
  let first: Uint8Array | null = null;
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    first = first === null ? r.value : Buffer.concat([first, r.value]);
    if (/\S/.test(Buffer.from(first).toString('latin1'))) break;
  }
  const lead = first === null ? '' : (/\S/.exec(Buffer.from(first).toString('latin1').replace(/^\u00ef\u00bb\u00bf/, ''))?.[0] ?? '');
  const json = lead === '[' || lead === '{';
  // Replay what was read ahead, then the rest.
  const replay = { name: bytes.name, totalBytes: bytes.totalBytes, get bytesRead() { return bytes.bytesRead; }, get compression() { return bytes.compression; }, close: () => bytes.close(),
    async *chunks() {
      if (first !== null) yield first;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } };
  const { summary } = await recordFrom(dir, `import:mapped:${input}`, opts, bytes, (rec, onBatch) =>
    json ? recordMappedJson(rec, replay, map, { signal: opts.signal, onBatch }) : recordMappedCsv(rec, linesOf(replay), map, { signal: opts.signal, onBatch }),
  );
  return { ...summary, format: 'mapped', gzip: bytes.compression === 'gzip', zstd: bytes.compression === 'zstd', input };
}

/** The lines of a binary input (already decompressed). */
function linesOf(b: ByteInput): InputSource {
  return openInputStream(b.name, Readable.from(b.chunks(), { objectMode: false }), b.totalBytes);
}

function runFormat(rec: Recorder, src: InputSource, format: ImportFormat, o: { signal?: AbortSignal; onBatch?: () => void; mapper?: MapperOptions }): Promise<unknown> {
  switch (format) {
    case 'tardis':
      return recordTardis(rec, src, o);
    case 'dbn':
      throw new TapedeckError('BAD_ARGUMENT', 'DBN is binary: it is read through importDbn');
    case 'jsonl':
      return recordJsonl(rec, src, o);
    case 'csv':
      return recordCsv(rec, src, o);
    case 'binance':
    case 'binance-futures':
    case 'coinbase':
    case 'kraken':
      return recordCapture(rec, src, format, o);
  }
}
