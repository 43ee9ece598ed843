/**
 * `exportRecording(dir, opts, sink)`: events out of a recording as canonical JSONL (one
 * eventToJson line each: what `tapedeck import` reads back), CSV (one stream per event type, in
 * the importer's layout) or a JSON array, filtered by time, type, run and symbol.
 *
 * Text is handed to the sink in chunks of about 64 KiB, one stream at a time ('all' for JSONL and
 * JSON, the event type for CSV); a sink that returns a promise pauses the export until it settles,
 * which is how a caller applies backpressure.
 */
import { TapedeckError } from '../errors.js';
import type { TsUnit } from '../events/index.js';
import { JsonLineWriter } from '../events/json-line-writer.js';
import { openRecording, type EventCursor } from '../events/recording.js';
import { EVENT_TYPES, type EventType } from '../events/types.js';
import type { ReadProblem } from '../log/index.js';
import { shareLines, type JsonLineSource } from '../replay/line-share.js';
import { csvHeader, eventToCsvRow } from './csv.js';
import { resolveTimeRange } from './time-range.js';
import { requireDir } from './util.js';

export { resolveTimeRange } from './time-range.js';

export type ExportFormat = 'jsonl' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'json'];

export interface ExportOptions {
  /** Default 'jsonl'. */
  format?: ExportFormat;
  /** Only these event types (default: all). */
  types?: readonly EventType[];
  /** Inclusive; ns, or a string for parseTimeArg (ISO, decimal ns, or "+5m" from the first record). */
  from?: bigint | string;
  /** Inclusive; same forms as `from`. */
  to?: bigint | string;
  /** The unit of a bare integer from/to (default ns; see parseTimeArg). */
  tsUnit?: TsUnit;
  runId?: string;
  symbols?: readonly string[];
  /** ts and exchTs as ISO-8601 UTC instead of decimal ns. */
  iso?: boolean;
  /** Chunk size handed to the sink (default 64 KiB). */
  chunkBytes?: number;
  /**
   * JSONL: a worker thread reads and transcodes every other block of each sealed segment (cut by
   * byte offset at the segment's index entries) while this thread does the rest
   * (replay/line-share.ts; the same bytes, the same errors). Not with runId or symbols, nor for
   * an unsealed segment (one thread then). 'auto': only when this thread had a core to itself over the first 8,192
   * records (util/worker-auto.ts workerPays, the rule import's parse worker uses too: on a
   * contended machine the worker costs more than it saves). Default false.
   */
  worker?: boolean | 'auto';
}

/** 'all' for JSONL and JSON; the event type of a CSV stream. */
export type ExportStream = 'all' | EventType;

/** Receives the output; a returned promise pauses the export until it settles (backpressure). */
export type ExportSink = (stream: ExportStream, text: string) => void | Promise<void>;

/**
 * A piece of the output: its UTF-8 bytes, and the same as text (made when asked for). The bytes
 * are the export's own buffer, handed over without a copy: a consumer that is done with them (a
 * stream's write callback) may `release()` the chunk, and the export writes a later chunk into
 * that buffer; one that never does keeps them (the export then makes a new buffer per chunk).
 */
export class ExportChunk {
  constructor(
    readonly stream: ExportStream,
    readonly bytes: Buffer,
    private readonly spares: ArrayBufferLike[] | null = null,
  ) {}

  get text(): string {
    return this.bytes.toString('utf8');
  }

  /** The consumer no longer reads `bytes`: the export may write into them again. At most once. */
  release(): void {
    if (this.spares !== null && this.spares.length < SPARES_MAX) this.spares.push(this.bytes.buffer);
  }
}

/** Chunk buffers kept for reuse at most (a file stream holds ~16 chunks of 64 KiB in flight: FILE_BUFFER_BYTES). */
const SPARES_MAX = 32;

export interface ExportSummary {
  format: ExportFormat;
  events: number;
  byType: Record<EventType, number>;
  /** UTF-8 bytes handed to the sink, per stream. */
  bytes: Partial<Record<ExportStream, number>>;
  /** Records of types this version does not know, left out. */
  unknownSkipped: number;
  /** A torn tail met at the end (not exported: the next writer drops it). */
  problems: ReadProblem[];
  /** Set when the sink stopped the export early (see ExportHandle.stop). */
  stopped: boolean;
}

/** The first record's ts, or undefined for an empty recording. */
export function firstTsOf(dir: string): bigint | undefined {
  const rec = openRecording(dir);
  let first: bigint | undefined;
  rec.reader.scan({}, (r) => {
    first = r.tsNs;
    return false;
  });
  return first;
}

/** The last record's ts, or undefined for an empty recording (a scan of the frames, no payload decoding). */
export function lastTsOf(dir: string): bigint | undefined {
  const rec = openRecording(dir);
  let last: bigint | undefined;
  rec.reader.scan({}, (r) => {
    last = r.tsNs;
  });
  return last;
}

/** Checks names against the event types; throws BAD_ARGUMENT naming the bad one. */
export function parseEventTypes(names: readonly string[], option = '--types'): EventType[] {
  for (const n of names) {
    if (!(EVENT_TYPES as readonly string[]).includes(n)) {
      throw new TapedeckError('BAD_ARGUMENT', `${option}: unknown event type "${n}" (expected ${EVENT_TYPES.join(', ')})`, { type: n });
    }
  }
  return [...new Set(names)] as EventType[];
}

/**
 * The export as a pull-based sequence of chunks (pull one, write it, pull the next: natural
 * backpressure). `summary` is filled in as it goes and complete when the generator ends.
 */
export function exportChunks(dir: string, opts: ExportOptions = {}): { chunks: Generator<ExportChunk>; summary: ExportSummary } {
  requireDir(dir);
  const format = opts.format ?? 'jsonl';
  if (!EXPORT_FORMATS.includes(format)) {
    throw new TapedeckError('BAD_ARGUMENT', `unknown export format "${String(format)}" (expected ${EXPORT_FORMATS.join(', ')})`);
  }
  const types = opts.types ? parseEventTypes(opts.types) : undefined;
  const { from, to } = resolveTimeRange(dir, opts.from, opts.to, opts.tsUnit);
  const rec = openRecording(dir);
  const chunkBytes = opts.chunkBytes ?? 64 * 1024;
  const iso = opts.iso === true;
  const summary: ExportSummary = {
    format,
    events: 0,
    byType: Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>,
    bytes: {},
    unknownSkipped: 0,
    problems: [],
    stopped: false,
  };
  function* gen(): Generator<ExportChunk> {
    const read = { fromTs: from, toTs: to, types, runId: opts.runId, symbols: opts.symbols };
    const worker = opts.worker ?? false;
    const lines: JsonLineSource = format === 'jsonl' && worker !== false ? shareLines(rec, read, iso, { mode: worker === true ? 'on' : 'auto' }) : rec.cursor(read);
    // Lines are written as bytes straight into one buffer per stream (json-line-writer.ts).
    const bufs = new Map<ExportStream, JsonLineWriter>();
    const started = new Set<ExportStream>();
    const writerOf = (s: ExportStream): JsonLineWriter => {
      let w = bufs.get(s);
      if (!w) bufs.set(s, (w = new JsonLineWriter(chunkBytes + 4096)));
      return w;
    };
    // Chunks hand the writer's buffer over (JsonLineWriter.detach) and come back once written
    // (ExportChunk.release). Measured: copying each 64 KiB chunk out into a new buffer (take) was
    // ~10% of a 1M-tick export's CPU profile (the copy, the allocation and its page faults).
    const spares: ArrayBufferLike[] = [];
    const take = (s: ExportStream): ExportChunk | null => {
      const w = bufs.get(s);
      if (!w || w.length === 0) return null;
      const bytes = w.detach(spares.pop());
      summary.bytes[s] = (summary.bytes[s] ?? 0) + bytes.length;
      return new ExportChunk(s, bytes, spares);
    };
    const add = (s: ExportStream, text: string): ExportChunk | null => {
      const w = writerOf(s);
      w.raw(text);
      return w.length >= chunkBytes ? take(s) : null;
    };
    const all = writerOf('all');

    let completed = false;
    let failure: unknown = null;
    try {
      if (format === 'json') add('all', '[');
      if (format === 'csv') {
        const cursor = lines as EventCursor;
        for (let ev = cursor.next(); ev !== null; ev = cursor.next()) {
          if (!started.has(ev.type)) {
            started.add(ev.type);
            add(ev.type, csvHeader(ev.type));
          }
          const chunk = add(ev.type, eventToCsvRow(ev, { iso }));
          summary.events++;
          summary.byType[ev.type]++;
          if (chunk) yield chunk;
        }
      } else {
        // JSON lines (or the array's items) written into the chunk as they are read (nextJson).
        const json = format === 'json';
        const bulk = !json && lines.takeLines !== undefined;
        for (;;) {
          if (bulk) {
            // Lines a worker made, as bytes: copied in bulk (nextJson would copy them one by one).
            const k = lines.takeLines!(all, Infinity, chunkBytes, summary.byType);
            if (k > 0) {
              summary.events += k;
              if (all.length >= chunkBytes) yield take('all')!;
              continue;
            }
          }
          // An array item's separator goes ahead of it, and is taken back when none follows.
          const mark = all.length;
          if (json) all.raw(summary.events === 0 ? '\n' : ',\n');
          let type: EventType | null;
          try {
            type = lines.nextJson(all, iso, !json);
          } catch (err) {
            all.length = mark;
            throw err;
          }
          if (type === null) {
            all.length = mark;
            break;
          }
          summary.events++;
          summary.byType[type]++;
          if (all.length >= chunkBytes) yield take('all')!;
        }
      }
      if (format === 'json') add('all', summary.events === 0 ? ']\n' : '\n]\n');
      if (format === 'csv') {
        // Explicitly selected types get their file even when empty (a header alone).
        for (const t of types ?? []) if (!started.has(t)) add(t, csvHeader(t));
      }
      summary.unknownSkipped = lines.unknownSkipped;
      summary.problems = lines.problems;
      completed = true;
    } catch (err) {
      // Damage ends the export, but what was read before it is still written out (readers and
      // verify agree on where the good data ends), then the error is raised.
      failure = err;
    } finally {
      lines.close();
      if (!completed) summary.stopped = true;
    }
    for (const s of bufs.keys()) {
      const c = take(s);
      if (c) yield c;
    }
    if (failure !== null) throw failure;
  }
  return { chunks: gen(), summary };
}

/** Exports into `sink`, awaiting it whenever it returns a promise. */
export async function exportRecording(dir: string, opts: ExportOptions, sink: ExportSink): Promise<ExportSummary> {
  const { chunks, summary } = exportChunks(dir, opts);
  for (const c of chunks) {
    const r = sink(c.stream, c.text);
    if (r) await r;
  }
  return summary;
}

/** The whole export as strings per stream (small recordings, tests). */
export function exportToStrings(dir: string, opts: ExportOptions = {}): { streams: Partial<Record<ExportStream, string>>; summary: ExportSummary } {
  const { chunks, summary } = exportChunks(dir, opts);
  const streams: Partial<Record<ExportStream, string>> = {};
  const parts: Partial<Record<ExportStream, Buffer[]>> = {};
  for (const c of chunks) (parts[c.stream] ??= []).push(c.bytes);
  for (const [s, bufs] of Object.entries(parts)) streams[s as ExportStream] = Buffer.concat(bufs).toString('utf8');
  return { streams, summary };
}
