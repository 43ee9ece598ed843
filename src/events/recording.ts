/**
 * A recording: a log directory whose records are events. This is where the payload-agnostic log
 * meets the event codec; everything above (recorder, replayer, verification) goes through here.
 */
import { CrcAhead, FrameRun, Log, LogRecord, openReader, type LogCursor, type LogOptions, type LogReader, type PayloadEncoder, type ReadProblem, type ReaderOptions, type RecoveryPolicy } from '../log/index.js';
import type { SpanHandoff } from '../log/handoff.js';
import { decodePayloadAt, encodeEvent, eventPayloadEncoder } from './codec.js';
import { specFor } from './fast-encode.js';
import type { JsonLineWriter } from './json-line-writer.js';
import { transcodeLine } from './json-transcode.js';
import { TapedeckError } from '../errors.js';
import { SCHEMA_VERSION, SCHEMA_VERSION_MIN, TAG_TYPE, TYPE_TAG, type EventType, type TapeEvent } from './types.js';

export interface EventReadOptions {
  fromSeq?: number;
  fromTs?: bigint;
  /** Inclusive. */
  toSeq?: number;
  /** Inclusive. */
  toTs?: bigint;
  types?: readonly EventType[];
  runId?: string;
  symbols?: readonly string[];
  venues?: readonly string[];
  follow?: boolean;
  /** Check CRCs in a worker thread ahead of the read (ReadOptions.crcAhead). Default off. */
  crcAhead?: boolean | CrcAhead;
  /** Spans of sealed segments another reader may read instead (ReadOptions.handoff; replay/line-share.ts). */
  handoff?: SpanHandoff;
}

const KNOWN_TAGS = [...TAG_TYPE.keys()];
/**
 * Most records an EventCursor takes from the log at once: a 256 KiB replay chunk holds ~3,600
 * bench ticks, so a few runs per chunk; the run's arrays are allocated once per cursor.
 */
const RUN_RECORDS = 1024;

/** Pulls decoded events, filtered; null when nothing is available now (see `done`). */
export class EventCursor {
  private readonly symbols: Set<string> | null;
  private readonly venues: Set<string> | null;
  private readonly runId: string | undefined;
  /** Some filter beyond type and range applies (those two are the log cursor's). */
  private readonly filtered: boolean;
  /** The ts and seq of the event nextJson wrote last (a paced line replay paces by them). */
  lastTs = 0n;
  lastSeq = -1;
  constructor(
    private readonly cursor: LogCursor,
    opts: EventReadOptions,
  ) {
    this.symbols = opts.symbols && opts.symbols.length > 0 ? new Set(opts.symbols) : null;
    this.venues = opts.venues && opts.venues.length > 0 ? new Set(opts.venues) : null;
    this.runId = opts.runId;
    this.filtered = this.runId !== undefined || this.symbols !== null || this.venues !== null;
  }

  get done(): boolean {
    return this.cursor.done;
  }

  get problems(): ReadProblem[] {
    return this.cursor.problems;
  }

  /** Records of types this version does not know: skipped, never a failure. */
  get unknownSkipped(): number {
    return this.cursor.unknownSkipped;
  }

  /**
   * The next matching event. Nothing of the record is kept once it is decoded (the schema has no binary fields, so the event.s
   * fields are copies), so the read chunk its payload pointed into can be freed.
   */
  next(): TapeEvent | null {
    const run = this.run;
    for (let i = this.pull(); i >= 0; i = this.pull()) {
      const ev = decodePayloadAt(run.type[i]!, run.chunk, run.payloadStart[i]!, run.payloadEnd[i]!, run.seq[i]!, run.tsNs[i]!);
      if (this.filtered) {
        if (this.runId !== undefined && ev.runId !== this.runId) continue;
        if (this.symbols && !('symbol' in ev && ev.symbol !== undefined && this.symbols.has(ev.symbol))) continue;
        if (this.venues && !('venue' in ev && this.venues.has(ev.venue))) continue;
      }
      return ev;
    }
    return null;
  }

  /**
   * The records read and not yet decoded: run[ri, run.count). A chunk's records come as one run
   * (LogCursor.nextRun: one loop over its frames, no call chain per record); a record the per-frame
   * path reads (at a chunk's end, in a batch, near damage) is a run of one.
   */
  private readonly run = new FrameRun(RUN_RECORDS);
  /** What advance() hands out, refilled each time (valid until the next call). */
  private readonly record = new LogRecord(0, 0n, 0, Buffer.alloc(0), 0, 0);
  private ri = 0;

  /** The run index of the next record, or -1 when none is available now (see `done`). */
  private pull(): number {
    const run = this.run;
    if (this.ri < run.count) return this.ri++;
    // Drained: the log cursor may now read into the chunk the run pointed into.
    if (this.cursor.nextRun(run) === 0) {
      const r = this.cursor.next();
      if (r === null) {
        run.count = this.ri = 0;
        return -1;
      }
      run.setOne(r.type, r.chunk, r.payloadStart, r.payloadEnd, r.seq, r.tsNs);
    }
    this.ri = 1;
    return 0;
  }

  /**
   * The next matching event written into `out` as its canonical JSON line (as
   * `out.event(next(), iso, newline)` writes it); returns its type, or null as next() does. With
   * no filter beyond type and range and no ISO times, the line is written straight from the
   * payload bytes (json-transcode.ts) without an event object; anything else takes next().
   */
  nextJson(out: JsonLineWriter, iso: boolean, newline: boolean): EventType | null {
    if (this.filtered) {
      const ev = this.next();
      if (ev === null) return null;
      out.event(ev, iso, newline);
      this.lastTs = ev.ts;
      this.lastSeq = ev.seq ?? -1;
      return ev.type;
    }
    const r = this.advance();
    return r === null ? null : this.writeJson(r, out, iso, newline);
  }

  /** Whether some filter beyond type and range applies (runId, symbols, venues): advance() refuses then. */
  get needsDecode(): boolean {
    return this.filtered;
  }

  /**
   * The next record in range, not decoded (only without a filter beyond type and range, see
   * needsDecode); valid until the next call. Sets lastTs / lastSeq. nextJson is advance + writeJson.
   */
  advance(): LogRecord | null {
    if (this.filtered) throw new TapedeckError('BAD_ARGUMENT', 'EventCursor.advance: a runId/symbols/venues filter needs the decoded event (use next or nextJson)');
    // From the run like next(), so the two can be mixed on one cursor without losing a record.
    const i = this.pull();
    if (i < 0) return null;
    const run = this.run;
    const seq = run.seq[i]!;
    const ts = run.tsNs[i]!;
    this.lastTs = ts;
    this.lastSeq = seq;
    return this.record.reuseFor(seq, ts, run.type[i]!, run.chunk, run.payloadStart[i]!, run.payloadEnd[i]!);
  }

  /** Writes record `r` (from advance) into `out` as its canonical JSON line; returns its type. */
  writeJson(r: LogRecord, out: JsonLineWriter, iso: boolean, newline: boolean): EventType {
    return writeRecordJson(out, r.type, r.chunk, r.payloadStart, r.payloadEnd, r.seq, r.tsNs, iso, newline);
  }

  close(): void {
    this.cursor.close();
  }
}

/**
 * Writes the record with payload chunk[payloadStart, payloadEnd) into `out` as its canonical JSON
 * line (the one way, whatever thread: EventCursor.writeJson, line-share's worker): straight from
 * the payload bytes (json-transcode.ts) where the transcoder takes it, else through the event.
 */
export function writeRecordJson(out: JsonLineWriter, type: number, chunk: Buffer, payloadStart: number, payloadEnd: number, seq: number, tsNs: bigint, iso: boolean, newline: boolean): EventType {
  if (!iso && transcodeLine(out, type, chunk, payloadStart, payloadEnd, seq, tsNs, newline)) return TAG_TYPE.get(type)!;
  const ev = decodePayloadAt(type, chunk, payloadStart, payloadEnd, seq, tsNs);
  out.event(ev, iso, newline);
  return ev.type;
}

export interface Recording {
  readonly dir: string;
  readonly reader: LogReader;
  cursor(opts?: EventReadOptions): EventCursor;
  /** Every matching event, synchronously; stop by breaking out of the loop. */
  events(opts?: Omit<EventReadOptions, 'follow'>): Generator<TapeEvent>;
}

export function openRecording(dir: string, opts: { policy?: RecoveryPolicy; fileOps?: ReaderOptions['fileOps']; chunkBytes?: ReaderOptions['chunkBytes'] } = {}): Recording {
  const reader = openReader(dir, { ...opts, knownTypes: KNOWN_TAGS });
  const cursor = (o: EventReadOptions = {}): EventCursor =>
    new EventCursor(
      reader.cursor({
        fromSeq: o.fromSeq,
        fromTs: o.fromTs,
        toSeq: o.toSeq,
        toTs: o.toTs,
        follow: o.follow,
        types: o.types ? o.types.map((t) => TYPE_TAG[t]) : undefined,
        // Each record is decoded before the next is read and events keep no view of it.
        reuseChunks: true,
        crcAhead: o.crcAhead,
        handoff: o.handoff,
      }),
      o,
    );
  return {
    dir,
    reader,
    cursor,
    *events(o = {}) {
      const c = cursor(o);
      try {
        for (let ev = c.next(); ev !== null; ev = c.next()) yield ev;
      } finally {
        c.close();
      }
    },
  };
}

/**
 * Opens a log for writing events (its segments say which schema version wrote them).
 * `schemaVersion` writes an older version's number into new segment headers, for compatibility
 * fixtures; the caller must then write only events that version defines.
 */
export function openEventLog(dir: string, opts: Omit<LogOptions, 'userVersion'> & { schemaVersion?: number } = {}): Promise<Log> {
  const { schemaVersion, ...rest } = opts;
  const v = schemaVersion ?? SCHEMA_VERSION;
  if (!Number.isInteger(v) || v < SCHEMA_VERSION_MIN || v > SCHEMA_VERSION) {
    throw new TapedeckError('BAD_ARGUMENT', `schema version ${String(v)} is not one this build writes (${SCHEMA_VERSION_MIN}..${SCHEMA_VERSION})`);
  }
  return Log.open(dir, { ...rest, userVersion: v });
}

/** Buffers one event in the log (validation is the caller's: see validateEvent); returns its seq. */
export function writeEvent(log: Log, ev: TapeEvent, enc: PayloadEncoder<TapeEvent> = eventPayloadEncoder): number {
  specFor(ev); // an unknown type is refused as the encoder refuses it, before anything else
  return log.writeEncoded(TYPE_TAG[ev.type], ev.ts, ev, enc);
}

/**
 * The event payload encoder, also handing each payload the log takes to `seen` (its bytes in
 * buf[start, end), once per record written): a writer that hashes its records as it writes them
 * (a backtest's output digest) instead of reading them back.
 */
export function watchedPayloadEncoder(seen: (ev: TapeEvent, buf: Uint8Array, start: number, end: number) => void): PayloadEncoder<TapeEvent> {
  return {
    encodeInto(ev, buf, start, end) {
      const stop = eventPayloadEncoder.encodeInto(ev, buf, start, end);
      // -1: no room here; the log retries (or encodes on its own) and this is called again.
      if (stop >= 0) seen(ev, buf, start, stop);
      return stop;
    },
    encode(ev) {
      const b = eventPayloadEncoder.encode(ev);
      seen(ev, b, 0, b.length);
      return b;
    },
  };
}

/** Buffers events as one all-or-nothing batch (no reader ever sees part of it); returns the first seq. */
export function writeEvents(log: Log, evs: readonly TapeEvent[]): number {
  return log.writeBatch(evs.map((ev) => {
    const e = encodeEvent(ev);
    return { type: e.type, tsNs: e.tsNs, payload: e.payload };
  }));
}
