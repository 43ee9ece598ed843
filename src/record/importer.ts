/**
 * `import`: a file (or stdin) of canonical JSONL, CSV, or a venue capture into a recording, with
 * the source clock. The format comes from the caller, else the file name, else the content.
 */
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TapedeckError } from '../errors.js';
import { openInput, type InputSource } from './input.js';
import { Recorder, type RecorderOptions, type RecordSummary } from './recorder.js';
import { recordCapture, recordCsv, recordJsonl } from './sources.js';

export type ImportFormat = 'jsonl' | 'csv' | 'binance' | 'binance-futures' | 'coinbase' | 'kraken';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['jsonl', 'csv', 'binance', 'binance-futures', 'coinbase', 'kraken'];

export interface ImportProgress {
  /** Bytes of the input file read (compressed bytes for gzip). */
  bytes: number;
  totalBytes: number | undefined;
  events: number;
  rejects: number;
}

export interface ImportOptions extends Omit<RecorderOptions, 'clock'> {
  format?: ImportFormat;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  /** Input for '-' (default process.stdin). */
  stdin?: Readable;
}

export interface ImportSummary extends RecordSummary {
  format: ImportFormat;
  gzip: boolean;
  input: string;
}

const CAPTURE_NS = /^\d{10,19} [{[]/;
const CAPTURE_SECS = /^\d{9,12}(?:\.\d+)?: [{[]/;
const CAPTURE_CONTROL = /^\S+ <-?>? \d/;

/** The format a file name says (.jsonl, .csv, possibly .gz), if any. */
export function formatFromName(name: string): ImportFormat | null {
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
  const capture = lines.some((l) => CAPTURE_NS.test(l) || CAPTURE_SECS.test(l) || CAPTURE_CONTROL.test(l));
  if (capture) {
    const text = lines.join('\n');
    if (/coinbase/i.test(text) || /"product_id"/.test(text)) return 'coinbase';
    if (/ws\.kraken\.com/.test(text) || /"channelName":"(book|trade|spread)/.test(text)) return 'kraken';
    if (/fstream\.binance/.test(text)) return 'binance-futures';
    if (/"stream":"[a-z0-9]+@/.test(text) || /"lastUpdateId"/.test(text) || /"e":"/.test(text)) return 'binance';
    return null;
  }
  if (/(^|,)"?type"?(,|$)/.test(first)) return 'csv';
  return null;
}

export async function importFile(input: string, dir: string, opts: ImportOptions = {}): Promise<ImportSummary> {
  const src = openInput(input, opts.stdin);
  let format = opts.format ?? formatFromName(input);
  if (!format) {
    format = formatFromContent(await src.peek(20));
    if (!format) {
      src.close();
      throw new TapedeckError('BAD_ARGUMENT', `${input}: cannot tell the format from the name or the content; pass --format ${IMPORT_FORMATS.join('|')}`, {
        path: input,
      });
    }
  }
  let rec: Recorder;
  try {
    rec = await Recorder.open(dir, { durability: 'batched', source: `import:${format}:${input}`, ...opts, clock: 'source' });
  } catch (err) {
    src.close();
    throw err;
  }
  const report = () =>
    opts.onProgress?.({ bytes: src.bytesRead, totalBytes: src.totalBytes, events: rec.metrics.counters.events!, rejects: rec.metrics.counters.rejects! });
  try {
    await runFormat(rec, src, format, { signal: opts.signal, onBatch: report });
  } catch (err) {
    src.close();
    await rec.close({ error: err }).catch(() => {});
    throw err;
  }
  src.close();
  const summary = await rec.close();
  report();
  return { ...summary, format, gzip: src.gzip, input };
}

function runFormat(rec: Recorder, src: InputSource, format: ImportFormat, o: { signal?: AbortSignal; onBatch?: () => void }): Promise<void> {
  switch (format) {
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
