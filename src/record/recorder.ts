/**
 * The recorder: validates, stamps (runId, ts) and appends events to a recording, wrapping each run
 * in system `session-start` / `session-end` events. Bad input never disappears: it is stored as a
 * system `reject` event with the raw text and the reason (or, in strict mode, stops the run after
 * everything before it is durable).
 *
 * Two clocks. `receive`: ts is when the recorder got the event (monotonic, anchored to the wall
 * clock once); a tick's own ts, if it brought one, is kept as exchTs. `source`: ts comes from the
 * event; an event whose ts goes back is bad input.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, randomBytes } from 'node:crypto';
import * as os from 'node:os';
import type { Observable, Subscription } from 'rxjs';
import { TapedeckError, ValidationError } from '../errors.js';
import { openEventLog, writeEvent, writeEvents } from '../events/recording.js';
import { deriveRecordingId } from '../log/recording-id.js';
import { parseTs, formatTsIso, type TsUnit } from '../events/ts.js';
import { EVENT_TYPES, TYPE_TAG, type EventType, type FlatMap, type SystemKind, type TapeEvent } from '../events/types.js';
import { SPECS } from '../events/schema.js';
import { validateEvent } from '../events/validate.js';
import type { Durability, Log, RecordReader } from '../log/index.js';
import { Metrics } from '../util/metrics.js';
import { ReceiveClock, defaultClocks } from './clock.js';
import { readCanonicalTick } from './canonical-tick.js';
import { parseJsonLine } from './json-line.js';
import { ReorderBuffer } from './reorder.js';
import type { MapOutcome } from './venues.js';
import { TAPEDECK_VERSION } from '../util/version.js';


/** Per event type, the names of its 'ns' fields: stamp parses them from text before validation. */
const NS_FIELDS: ReadonlyMap<string, readonly string[]> = new Map(
  Object.entries(SPECS).map(([type, spec]) => [type, spec.fields.filter((f) => f.kind === 'ns').map((f) => f.name)]),
);

export type ClockMode = 'receive' | 'source';

const TICK_TAG = TYPE_TAG.tick;
/** Text lines longer than this skip the one-pass reader (no canonical tick is near it) ... */
const LINE_TEXT_MAX = 1024;
/** ... so their UTF-8 (at most 3 bytes per UTF-16 unit) fits the scratch. */
const LINE_SCRATCH_BYTES = 3 * LINE_TEXT_MAX;

/** Buffer's own UTF-8 encoder (what write(text, at) calls, without the argument parsing). */
type Utf8Writable = Buffer & { utf8Write(text: string, at: number): number };

/** A canonical tick line's bytes read straight into the log's write buffer (Log.writeRead). */
class TickLineReader implements RecordReader {
  src: Buffer = Buffer.alloc(0);
  start = 0;
  stop = 0;
  minTs = 0n;
  tsNs = 0n;
  constructor(private readonly unit: TsUnit | undefined) {}
  readInto(buf: Buffer, start: number, end: number): number {
    return readCanonicalTick(this.src, this.start, this.stop, buf, start, end, this.unit, this.minTs, this);
  }
}

export interface RecordWarning {
  /** 'reject' (default): bad input stored as a reject event; 'notice': something the user should know. */
  kind?: 'reject' | 'notice';
  /** One line for a human: the input, position, field and reason. */
  message: string;
  /** The input the position is in (RecorderOptions.inputName), when the caller named one. */
  input?: string;
  position: string | undefined;
  field: string | undefined;
  reason: string;
}

export interface RecorderOptions {
  /** The run's id (stamped on events that carry none). Generated when absent. */
  runId?: string;
  /** In deterministic mode without a runId, the runId is derived from this (default: source and args). */
  seed?: string;
  durability?: Durability;
  /** Rotate segments at about this many bytes. */
  segmentSize?: number;
  /** Default 'receive'. */
  clock?: ClockMode;
  /** What is being recorded, for session-start (e.g. "stdin", "ws:wss://…", "file:x.jsonl"). */
  source?: string;
  /** The arguments of the run, for session-start. */
  args?: readonly string[];
  /** No wall-clock, host or pid details in session-start; a reproducible runId. */
  deterministic?: boolean;
  /** ns since epoch; read once at open. Defaults to Date.now(). */
  wallClock?: () => bigint;
  /** Monotonic ns. Defaults to process.hrtime.bigint(). */
  monotonic?: () => bigint;
  /** The first bad input stops the run with a ValidationError instead of a reject event. */
  strict?: boolean;
  /** Called for every bad input stored as a reject (default: a line on stderr). */
  onWarning?: (w: RecordWarning) => void;
  /**
   * Called with every event written to the log and its seq, in log order, and the recorder (whose
   * sync() makes them durable): keyframes as they go.
   */
  onWritten?: (ev: TapeEvent, seq: number, recorder: Recorder) => void;
  /** Write metrics.json every this many ms, for `tapedeck stats` (0: never). */
  publishMetricsMs?: number;
  /** Bytes of raw input a reject event keeps, exactly (default 1 MiB, the default line cap). */
  rawLimit?: number;
  /**
   * The input positions ("line 3", "byte 4096") are in, as the user named it (a file, "stdin", a
   * URL): a warning and a --strict error say "<input>: line 3: …", so with several inputs going
   * into one recording the message says which. A stored reject's reason keeps its text without it
   * (the reason is part of the format; the session-start's source names the input).
   */
  inputName?: string;
  /**
   * Write the recorder's own session-start / session-end (default 'auto': yes, unless, under the
   * source clock, the input begins with its own session-start — a replay or an export being
   * re-recorded, whose events must come back exactly, with the same seqs and digest).
   */
  sessionEvents?: boolean | 'auto';
  /** The unit of bare integer times in the input (ts, exchTs); default ns, implausible values refused. */
  tsUnit?: TsUnit;
  /**
   * Source clock: hold events up to this many ns and write them in ts order (see reorder.ts); an
   * event older than one already written is a reject, as without a window. Default: no window.
   */
  reorderWindowNs?: bigint;
  /**
   * writeLine reads a canonical tick line in one pass (canonical-tick.ts) when the source clock
   * runs without a reorder window or onWritten; false sends every line through JSON.parse, stamp
   * and validateEvent (the reference path; same recording). Default true.
   */
  canonicalTicks?: boolean;
}

export interface WriteContext {
  /** Where the input came from, e.g. "line 12" (used in errors and rejects). */
  position?: string;
  /** The raw text, stored in a reject event if this input is bad. */
  raw?: string;
  /** The input object is the recorder's own (just parsed from `raw`): stamped in place, not copied. */
  owned?: boolean;
}

export interface RecordSummary {
  dir: string;
  runId: string;
  clock: ClockMode;
  /** Source events stored (ticks, orders, … and source system events; not rejects). */
  events: number;
  rejects: number;
  /** Input bytes seen by the recorder (lines and messages). */
  bytes: number;
  byType: Record<EventType, number>;
  /** Messages a venue mapping does not cover, by kind. */
  unmapped: Record<string, number>;
  /** Capture lines that are not messages (connect, sent), by kind. */
  control: Record<string, number>;
  gaps: number;
  reconnects: number;
  firstSeq: number;
  lastSeq: number;
  /** ns since epoch as decimal strings (JSON cannot hold int64). */
  firstTs: string | null;
  lastTs: string | null;
  durationMs: number;
  /** Events put back in ts order by the reorder window (0 without one). */
  reordered: number;
  /** Under the receive clock: input events (other than ticks, which keep theirs as exchTs) that
   * brought their own ts, replaced by the time they were received. */
  tsReplaced: number;
  /** Set when the run stopped on an error (strict bad input, I/O). */
  error?: string;
}

const DEFAULT_RAW_LIMIT = 1024 * 1024;
/** Rejects and session-start wait for the first good ts under the source clock; at most this many. */
const MAX_PENDING = 10_000;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function lineOf(position: string | undefined): number | undefined {
  const m = position ? /^line (\d+)$/.exec(position) : null;
  return m ? Number(m[1]) : undefined;
}

function stringifyRaw(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    try {
      return String(v);
    } catch {
      return '(input that cannot be printed)';
    }
  }
}

/** Text safe to store in an event: lone surrogates replaced, at most `limit` UTF-16 units, never
 * cutting a surrogate pair. The reject path puts only such text in a reject, so storing bad input
 * can never itself fail validation (a quoted excerpt that cuts an emoji in half, say). */
export function safeText(s: string, limit = 4096): string {
  let t = s;
  if (t.length > limit) {
    let cut = limit;
    const c = t.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    t = `${t.slice(0, cut)}…`;
  }
  return t.replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * The raw input of a reject, exactly: its bytes (the UTF-8 of a string input), the first `limit` of
 * them (`wholeBytes`: the input's length when `raw` is already only its start). Valid UTF-8 is stored as text (cut at a character boundary), anything else as base64
 * (rawEncoding "base64"), so the stored bytes are always exactly a prefix of the input's.
 */
export function rejectRaw(raw: string | Uint8Array, limit: number, wholeBytes?: number): FlatMap {
  const bytes = typeof raw === 'string' ? Buffer.from(raw.replace(LONE_SURROGATES, '\uFFFD'), 'utf8') : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let cut = Math.min(bytes.length, limit);
  const data: FlatMap = { rawLength: Math.max(wholeBytes ?? 0, bytes.length) };
  if (isUtf8(bytes)) {
    // Step back over a character the limit would cut (continuation bytes are 10xxxxxx).
    while (cut < bytes.length && cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    data.raw = bytes.toString('utf8', 0, cut);
  } else {
    data.raw = bytes.toString('base64', 0, cut);
    data.rawEncoding = 'base64';
  }
  if (cut < bytes.length || (wholeBytes ?? 0) > bytes.length) data.truncated = 1;
  return data;
}

function defaultWarning(w: RecordWarning): void {
  process.stderr.write(w.kind === 'notice' ? `tapedeck: note: ${w.message}\n` : `tapedeck: warning: ${w.message} (stored as a reject event)\n`);
}

function generateRunId(opts: RecorderOptions): string {
  if (opts.runId !== undefined) return opts.runId;
  if (opts.deterministic) {
    // Reproducible: the same seed (or the same source and arguments) gives the same id.
    const seed = opts.seed ?? JSON.stringify([opts.source ?? '', opts.args ?? []]);
    return `run-${createHash('sha256').update(seed).digest('hex').slice(0, 16)}`;
  }
  return `run-${randomBytes(8).toString('hex')}`;
}

interface PendingSystem {
  kind: SystemKind;
  message: string;
  data: FlatMap;
}

export class Recorder {
  readonly dir: string;
  readonly runId: string;
  readonly clockMode: ClockMode;
  readonly metrics = new Metrics(['events', 'rejects', 'bytes', 'unmapped', 'gaps', 'reconnects']);

  private readonly log: Log;
  private readonly opts: RecorderOptions;
  private readonly clock: ReceiveClock;
  private readonly strict: boolean;
  private readonly rawLimit: number;
  private readonly inputName: string | undefined;
  private tsReplaced = 0;
  private readonly onWarning: (w: RecordWarning) => void;
  private readonly byType: Record<EventType, number>;
  private readonly unmapped: Record<string, number> = Object.create(null);
  private readonly control: Record<string, number> = Object.create(null);
  /** The last ts written (the log's, when appending to an existing recording). */
  private lastTs: bigint;
  private startTs: bigint | null = null;
  /** Under the source clock: session-start and early rejects, waiting for the first real ts. */
  private pending: PendingSystem[] | null = null;
  private firstSeq = -1;
  /** Re-recording: the input carries its own session events, so the recorder adds none. */
  private passthrough = false;
  private closed = false;
  private readonly closing = new AbortController();
  private summaryValue: RecordSummary | null = null;
  /** Source clock with a reorder window: events held until the window has passed them. */
  private readonly reorder: ReorderBuffer<{ obj: Obj; ctx: WriteContext } | { batch: Obj[]; ctx: WriteContext }> | null;
  /** Whether canonical tick lines are read in one pass (canonical-tick.ts) rather than by the general path. */
  private readonly onePass: boolean;
  /** The one-pass path's scratch (a text line's bytes) and reader. */
  private readonly lineScratch: Buffer;
  private readonly tickReader: TickLineReader;

  private constructor(dir: string, log: Log, opts: RecorderOptions) {
    this.dir = dir;
    this.log = log;
    this.opts = opts;
    this.runId = generateRunId(opts);
    this.clockMode = opts.clock ?? 'receive';
    const d = defaultClocks();
    this.clock = new ReceiveClock({ wallClock: opts.wallClock ?? d.wallClock, monotonic: opts.monotonic ?? d.monotonic });
    this.strict = opts.strict ?? false;
    this.rawLimit = opts.rawLimit ?? DEFAULT_RAW_LIMIT;
    this.inputName = opts.inputName;
    this.onWarning = opts.onWarning ?? defaultWarning;
    this.byType = Object.fromEntries(EVENT_TYPES.map((t) => [t, 0])) as Record<EventType, number>;
    this.lastTs = log.nextSeq > 0 && log.lastTs >= 0n ? log.lastTs : -1n;
    this.reorder = opts.reorderWindowNs !== undefined && this.clockMode === 'source' ? new ReorderBuffer(opts.reorderWindowNs) : null;
    // onWritten would be handed the reused tick, which the next line overwrites.
    this.onePass = this.clockMode === 'source' && this.reorder === null && opts.onWritten === undefined && opts.canonicalTicks !== false;
    this.lineScratch = Buffer.allocUnsafe(this.onePass ? LINE_SCRATCH_BYTES : 0);
    this.tickReader = new TickLineReader(opts.tsUnit);
  }

  /** Opens (creating if needed) the recording in `dir` and starts a session. */
  static async open(dir: string, opts: RecorderOptions = {}): Promise<Recorder> {
    if (opts.clock !== undefined && opts.clock !== 'receive' && opts.clock !== 'source') {
      throw new TapedeckError('BAD_ARGUMENT', `unknown clock "${String(opts.clock)}" (expected receive or source)`);
    }
    if (opts.runId !== undefined && (typeof opts.runId !== 'string' || opts.runId.length === 0)) {
      throw new TapedeckError('BAD_ARGUMENT', 'runId must be a non-empty string');
    }
    const log = await openEventLog(dir, {
      durability: opts.durability,
      segmentBytes: opts.segmentSize,
      publishMetricsMs: opts.publishMetricsMs,
      // Deterministic runs derive the recording id from the runId (byte-identical files); others get a random one.
      ...(opts.deterministic ? { recordingId: deriveRecordingId('record', generateRunId(opts)) } : {}),
    });
    const rec = new Recorder(dir, log, opts);
    rec.start();
    return rec;
  }

  private start(): void {
    const data: FlatMap = {
      version: TAPEDECK_VERSION,
      source: this.opts.source ?? 'api',
      args: JSON.stringify(this.opts.args ?? []),
      clock: this.clockMode,
    };
    if (!this.opts.deterministic) {
      data.host = os.hostname();
      data.pid = process.pid;
      data.node = process.version;
      data.startedAt = formatTsIso(this.clock.anchor);
    }
    const start: PendingSystem = { kind: 'session-start', message: `recording ${data.source}`, data };
    if (this.opts.sessionEvents === false) {
      this.passthrough = true;
      return;
    }
    if (this.clockMode === 'receive') {
      this.writeSystem(start, this.stampNow());
    } else {
      this.pending = [start];
    }
  }

  /** Receive-clock now (ns since epoch), for measuring gaps and stamping live events. */
  now(): bigint {
    return this.clock.now();
  }

  /** Aborts when close() begins: sources feeding this recorder (recordWebSocket) stop on it. */
  get closedSignal(): AbortSignal {
    return this.closing.signal;
  }

  get closedOrFailed(): boolean {
    return this.closed;
  }

  // -- writing ---------------------------------------------------------------------------------

  /**
   * Validates, stamps and buffers one event; returns its seq, or null when it was stored as a
   * reject. Durability follows the log's mode (see record / sync). In strict mode bad input
   * throws a ValidationError; call close() (or sync()) to make everything before it durable.
   */
  write(input: unknown, ctx: WriteContext = {}): number | null {
    this.checkOpen();
    if (this.reorder) return this.hold(input, ctx);
    return this.writeNow(input, ctx);
  }

  /**
   * With a reorder window: parse the ts, hold the event, and write what the window releases.
   * Returns null (the event's seq is not known until it is released).
   */
  private hold(input: unknown, ctx: WriteContext): null {
    const reorder = this.reorder!;
    let ts: bigint;
    try {
      if (!isPlainObject(input)) throw new ValidationError('(event)', 'must be an object', input, ctx.position);
      if (input.ts === undefined) throw new ValidationError('ts', 'is required with the source clock', undefined, ctx.position);
      ts = parseTs(input.ts, 'ts', ctx.position, this.opts.tsUnit);
    } catch (err) {
      if (err instanceof ValidationError) {
        if (ctx.raw !== undefined) this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
        return this.badInput(err, ctx.raw ?? stringifyRaw(input), ctx.position);
      }
      throw err;
    }
    const out = reorder.push(ts, { obj: { ...input, ts }, ctx });
    if ('late' in out) {
      if (ctx.raw !== undefined) this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
      const why = `is ${formatGap(out.releasedTs - ts)} older than an event already written: beyond the reorder window of ${formatGap(reorder.windowNs)}`;
      return this.badInput(new ValidationError('ts', why, ts.toString(), ctx.position), ctx.raw ?? stringifyRaw(input), ctx.position);
    }
    this.writeReleased(out.released.map((h) => h.item));
    return null;
  }

  private writeReleased(items: readonly ({ obj: Obj; ctx: WriteContext } | { batch: Obj[]; ctx: WriteContext })[]): void {
    for (const it of items) {
      if ('obj' in it) this.writeNow(it.obj, it.ctx);
      else this.writeBatchNow(it.batch, it.ctx);
    }
  }

  /**
   * One venue message: events written as one all-or-nothing batch, so no reader or seek ever
   * sees part of it. An event that fails validation is stored as a reject and the rest of the
   * message is written (or, strict, the run stops before any of it). Returns the events written.
   */
  writeBatch(inputs: readonly unknown[], ctx: WriteContext = {}): number {
    this.checkOpen();
    if (inputs.length === 0) return 0;
    if (this.reorder) {
      const objs: Obj[] = [];
      let ts: bigint | null = null;
      for (const input of inputs) {
        try {
          if (!isPlainObject(input)) throw new ValidationError('(event)', 'must be an object', input, ctx.position);
          if (input.ts === undefined) throw new ValidationError('ts', 'is required with the source clock', undefined, ctx.position);
          const t = parseTs(input.ts, 'ts', ctx.position, this.opts.tsUnit);
          ts ??= t;
          objs.push({ ...input, ts: t });
        } catch (err) {
          if (err instanceof ValidationError) this.badInput(err, ctx.raw ?? stringifyRaw(input), ctx.position);
          else throw err;
        }
      }
      if (ts === null) return 0;
      const out = this.reorder.push(ts, { batch: objs, ctx });
      if ('late' in out) {
        const why = `is ${formatGap(out.releasedTs - ts)} older than an event already written: beyond the reorder window of ${formatGap(this.reorder.windowNs)}`;
        this.badInput(new ValidationError('ts', why, ts.toString(), ctx.position), ctx.raw ?? stringifyRaw(inputs), ctx.position);
        return 0;
      }
      this.writeReleased(out.released.map((h) => h.item));
      return 0;
    }
    return this.writeBatchNow(inputs, ctx);
  }

  private writeBatchNow(inputs: readonly unknown[], ctx: WriteContext): number {
    if (ctx.raw !== undefined) this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
    const evs: TapeEvent[] = [];
    const lastBefore = this.lastTs;
    try {
      for (const input of inputs) {
        try {
          const ev = this.stamp(input, ctx.position);
          evs.push(ev);
          // Later events of the message must not go back from this one.
          this.lastTs = ev.ts;
        } catch (err) {
          if (err instanceof ValidationError) this.badInput(err, ctx.raw ?? stringifyRaw(input), ctx.position);
          else throw err;
        }
      }
    } finally {
      this.lastTs = lastBefore;
    }
    if (evs.length === 0) return 0;
    if (this.pending) this.flushPending(evs[0]!.ts);
    let first: number;
    for (;;) {
      try {
        first = evs.length === 1 ? writeEvent(this.log, evs[0]!) : writeEvents(this.log, evs);
        break;
      } catch (err) {
        // An event over the log's payload limit is bad input like any other: a reject, and the
        // rest of the message is still written (the log checked the batch before writing any of it).
        if (!isTooLarge(err)) throw err;
        const i = evs.length === 1 ? 0 : Number(err.details.batchIndex ?? 0);
        this.badInput(tooLargeError(err, ctx.position), ctx.raw ?? stringifyRaw(evs[i]), ctx.position);
        evs.splice(i, 1);
        if (evs.length === 0) return 0;
      }
    }
    if (this.firstSeq < 0) this.firstSeq = first;
    if (this.opts.onWritten) for (let i = 0; i < evs.length; i++) this.opts.onWritten(evs[i]!, first + i, this);
    this.lastTs = evs[evs.length - 1]!.ts;
    for (const ev of evs) this.byType[ev.type]++;
    this.metrics.inc('events', evs.length);
    return evs.length;
  }

  /** Writes everything a reorder window still holds (at the end of the input). */
  private drainReorder(): void {
    if (!this.reorder) return;
    this.writeReleased(this.reorder.drain().map((h) => h.item));
  }

  private writeNow(input: unknown, ctx: WriteContext): number | null {
    if (ctx.raw !== undefined) this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
    let ev: TapeEvent;
    try {
      ev = this.stamp(input, ctx.position, ctx.owned === true);
    } catch (err) {
      if (err instanceof ValidationError) return this.badInput(err, ctx.raw ?? stringifyRaw(input), ctx.position);
      throw err;
    }
    return this.commit(ev, input, ctx);
  }

  /** Writes a stamped, valid event (`input` is what it came from, for a reject). */
  private commit(ev: TapeEvent, input: unknown, ctx: WriteContext): number | null {
    if (this.pending) {
      if (this.firstSeq < 0 && (this.opts.sessionEvents ?? 'auto') === 'auto' && ev.type === 'system' && ev.kind === 'session-start') {
        // The input is a recording being re-recorded: it brings its own session events.
        this.passthrough = true;
        this.pending = this.pending.filter((p) => p.kind !== 'session-start');
      }
      this.flushPending(ev.ts);
    }
    let seq: number;
    try {
      seq = writeEvent(this.log, ev);
    } catch (err) {
      // Over the log's payload limit: a reject, never an abort of the run.
      if (isTooLarge(err)) return this.badInput(tooLargeError(err, ctx.position), ctx.raw ?? stringifyRaw(input), ctx.position);
      throw err;
    }
    if (this.firstSeq < 0) this.firstSeq = seq;
    this.opts.onWritten?.(ev, seq, this);
    this.lastTs = ev.ts;
    this.byType[ev.type]++;
    this.metrics.counters.events!++;
    return seq;
  }

  /** Whether writeLine reads canonical tick lines in one pass (canonical-tick.ts), so another
   * thread may read them ahead (a parallel import: jsonl-split.ts). */
  get readsCanonicalTicks(): boolean {
    return this.onePass;
  }

  /**
   * Whether writeLine would take its one-pass path for a canonical tick line of this ts now: a
   * tick read ahead by another thread (readCanonicalTick with no ts floor) may then be written by
   * writeParsedTick; otherwise its line goes through writeLine, which decides.
   */
  acceptsParsedTick(tsNs: bigint): boolean {
    return this.onePass && this.pending === null && tsNs >= this.lastTs;
  }

  /**
   * `count` canonical ticks read ahead (see acceptsParsedTick; the first one's ts accepted, none
   * going back), already encoded (by the plain-tick encoder writeLine's path runs first) and
   * framed with seq 0 in src[start, end): the same records and counts as writeLine of each of
   * their lines, which count `lineBytes` bytes of input in all. Returns the first seq.
   */
  writeTickFrames(src: Buffer, start: number, end: number, count: number, lineBytes: number): number {
    this.checkOpen();
    this.metrics.counters.bytes! += lineBytes;
    const seq = this.log.writeFrameRun(src, start, end);
    if (this.firstSeq < 0) this.firstSeq = seq;
    this.lastTs = this.log.lastTs;
    this.byType.tick += count;
    this.metrics.counters.events! += count;
    return seq;
  }

  /**
   * A line of canonical JSON as bytes, src[start, stop) (its end excluded), when it is a canonical
   * tick the one-pass path takes now (readCanonicalTick, not before the last ts): read and
   * written in one pass, with the record and counts writeLine gives its text; returns its seq.
   * -1 for any other line, with nothing written or counted: the caller then hands the line's text
   * to writeLine, which decides.
   */
  writeTickLine(src: Buffer, start: number, stop: number): number {
    if (!this.onePass || this.pending !== null) return -1;
    this.checkOpen();
    const r = this.tickReader;
    r.src = src;
    r.start = start;
    r.stop = stop;
    r.minTs = this.lastTs;
    // What commit() does for a tick under the source clock with nothing pending and no onWritten.
    const seq = this.log.writeRead(TICK_TAG, r);
    if (seq < 0) return -1;
    // Named counter stores (counters made in the constructor): inc() is a keyed access by a name
    // that differs per call site, megamorphic on a path run once per line.
    this.metrics.counters.bytes! += stop - start + 1; // printable ASCII: a byte per character
    if (this.firstSeq < 0) this.firstSeq = seq;
    this.lastTs = r.tsNs;
    this.byType.tick++;
    this.metrics.counters.events!++;
    return seq;
  }

  /** One line of canonical JSON. */
  writeLine(text: string, position?: string): number | null {
    if (this.onePass && this.pending === null && text.length <= LINE_TEXT_MAX) {
      // The one-pass reader reads bytes: a text that is not ASCII is refused by it as bytes too.
      const n = (this.lineScratch as Utf8Writable).utf8Write(text, 0);
      const seq = this.writeTickLine(this.lineScratch, 0, n);
      if (seq >= 0) return seq;
    }
    let obj: unknown;
    try {
      obj = parseJsonLine(text, position);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      this.metrics.inc('bytes', Buffer.byteLength(text) + 1);
      return this.badInput(e, text, position);
    }
    return this.write(obj, { position, raw: text, owned: true });
  }

  /**
   * The outcome of a venue mapping: the message's events are written as one atomic batch (with
   * `ts` under the source clock; a gap event among them is counted as a gap), unmapped kinds
   * counted. Returns the number of events written.
   */
  writeMapped(outcome: MapOutcome, ts: bigint | undefined, ctx: WriteContext = {}): number {
    if ('unmapped' in outcome) {
      if (ctx.raw !== undefined) this.metrics.inc('bytes', Buffer.byteLength(ctx.raw) + 1);
      this.countUnmapped(outcome.unmapped);
      return 0;
    }
    // Under the source clock without a receive time, the venue's own time is the only ts there is:
    // the message's first exchTs, for every event of it (a batch never goes back in time).
    let at = ts;
    if (at === undefined && this.clockMode === 'source') {
      for (const e of outcome.events) if ('exchTs' in e && e.exchTs !== undefined) at = at ?? e.exchTs;
    }
    const evs = outcome.events.map((e) => (at === undefined ? e : { ...e, ts: at }));
    for (const e of outcome.events) if (e.type === 'system' && e.kind === 'gap') this.metrics.inc('gaps');
    if (evs.length === 1) return this.write(evs[0], ctx) !== null ? 1 : 0;
    return this.writeBatch(evs, ctx);
  }

  /** Like write(), resolving once the event is durable by the log's mode. Strict mode: bad input
   * rejects after everything before it is durable. */
  async record(input: unknown, ctx: WriteContext = {}): Promise<number | null> {
    let seq: number | null;
    try {
      seq = this.write(input, ctx);
    } catch (err) {
      if (err instanceof ValidationError) await this.log.sync();
      throw err;
    }
    if (this.log.durability !== 'async') await this.log.sync();
    return seq;
  }

  /**
   * Writes a system event (gap, reconnect, note, …) stamped by the recorder's clock. `atNs`, a
   * value of now() the caller already read, stamps it at that instant instead of a fresh read
   * (receive clock; never before the last event): a gap and its reconnect are stamped at the
   * instants their data.gapMs is measured between, so that length is their ts distance exactly.
   */
  system(kind: SystemKind, message: string, data: FlatMap = {}, atNs?: bigint): number | null {
    this.checkOpen();
    if (kind === 'gap') this.metrics.inc('gaps');
    if (kind === 'reconnect') this.metrics.inc('reconnects');
    const p: PendingSystem = { kind, message, data };
    if (this.pending && this.clockMode === 'source') {
      this.queuePending(p);
      return null;
    }
    return this.writeSystem(p, this.stampNow(atNs));
  }

  /**
   * Bad input: stored as a system reject (raw text truncated, reason, field, line) and reported
   * through onWarning; in strict mode, thrown instead.
   */
  badInput(err: ValidationError, raw: string | Uint8Array, position?: string, wholeBytes?: number): null {
    this.checkOpen();
    const placed = position !== undefined && err.position === undefined ? err.at(position) : err;
    if (this.strict) {
      // Start making the prefix durable now; close() / sync() wait for it.
      this.log.sync().catch(() => {});
      throw this.inputName === undefined ? placed : placed.at(placed.position !== undefined ? `${this.inputName}: ${placed.position}` : this.inputName);
    }
    const reason = safeText(placed.message);
    const data: FlatMap = { reason, field: safeText(placed.field, 256), ...rejectRaw(raw, this.rawLimit, wholeBytes) };
    if (position !== undefined) data.position = position;
    const line = lineOf(position);
    if (line !== undefined) data.line = line;
    this.metrics.inc('rejects');
    const p: PendingSystem = { kind: 'reject', message: reason, data };
    if (this.pending && this.clockMode === 'source') this.queuePending(p);
    else this.writeSystem(p, this.stampNow());
    this.onWarning({ message: this.named(reason), ...this.inputField(), position, field: placed.field, reason });
    return null;
  }

  countUnmapped(kind: string): void {
    this.unmapped[kind] = (this.unmapped[kind] ?? 0) + 1;
    this.metrics.inc('unmapped');
  }

  /** Input bytes that produced no event (a problem line), for the summary and metrics. */
  countBytes(bytes: number): void {
    this.metrics.inc('bytes', bytes);
  }

  countControl(kind: string, bytes = 0): void {
    this.control[kind] = (this.control[kind] ?? 0) + 1;
    this.metrics.inc('bytes', bytes);
  }

  /** Records every value an Observable emits (events, or canonical JSON strings) until it
   * completes (resolves) or errors (recorded as a system note, then rejected with the error). */
  attach(source: Observable<unknown>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let n = 0;
      let done = false;
      let sub: Subscription | undefined;
      const finish = (err?: unknown): void => {
        done = true;
        sub?.unsubscribe();
        const settle = () => (err === undefined ? resolve() : reject(err));
        this.log.sync().then(settle, (e) => reject(err ?? e));
      };
      sub = source.subscribe({
        next: (v) => {
          if (done) return;
          n++;
          try {
            if (typeof v === 'string') this.writeLine(v, `emission ${n}`);
            else this.write(v, { position: `emission ${n}` });
          } catch (err) {
            finish(err);
          }
        },
        error: (err: unknown) => {
          if (done) return;
          const msg = err instanceof Error ? err.message : String(err);
          try {
            this.system('note', `source error: ${msg}`, { error: msg, emissions: n });
          } catch {
            // The log itself failed: the source's error is still the one to report.
          }
          finish(err);
        },
        complete: () => {
          if (!done) finish();
        },
      });
      // A synchronous source may have finished inside subscribe(), before `sub` was assigned.
      if (done) sub.unsubscribe();
    });
  }

  /** Makes everything written so far durable. */
  sync(): Promise<void> {
    return this.log.sync();
  }

  // -- closing ---------------------------------------------------------------------------------

  /** Writes session-end (counts, rejects, duration), makes everything durable and seals. */
  async close(opts: { error?: unknown } = {}): Promise<RecordSummary> {
    if (this.summaryValue) return this.summaryValue;
    if (this.closed) throw new TapedeckError('LOG_CLOSED', `${this.dir}: the recorder is closing`);
    const errorText = opts.error === undefined ? undefined : opts.error instanceof Error ? opts.error.message : String(opts.error);
    this.closing.abort();
    let endWritten = false;
    try {
      if (errorText === undefined) this.drainReorder();
      if (this.pending) this.flushPending(this.lastTs >= 0n ? this.lastTs : 0n);
      if (this.passthrough && errorText === undefined) {
        endWritten = true;
        return this.finishClose(errorText);
      }
      const endTs = this.stampNow();
      const data: FlatMap = {
        events: this.metrics.counters.events!,
        rejects: this.metrics.counters.rejects!,
        durationMs: this.durationMs(endTs),
      };
      for (const t of EVENT_TYPES) if (this.byType[t] > 0) data[`type.${t}`] = this.byType[t];
      for (const [k, v] of Object.entries(this.unmapped)) data[`unmapped.${k}`] = v;
      for (const [k, v] of Object.entries(this.control)) data[`control.${k}`] = v;
      if (this.metrics.counters.gaps) data.gaps = this.metrics.counters.gaps;
      if (this.metrics.counters.reconnects) data.reconnects = this.metrics.counters.reconnects;
      if (errorText !== undefined) data.error = errorText;
      this.writeSystem({ kind: 'session-end', message: errorText ? `stopped: ${errorText}` : 'session ended', data }, endTs);
      endWritten = true;
    } finally {
      this.closed = true;
      // A failed log refuses close(); its error is what the caller needs to see.
      await this.log.close().catch((e) => {
        if (endWritten || opts.error === undefined) throw e;
      });
    }
    return this.finishClose(errorText);
  }

  private finishClose(errorText: string | undefined): RecordSummary {
    this.summaryValue ??= this.buildSummary(errorText);
    return this.summaryValue;
  }

  /** The summary so far (final after close()). */
  summary(): RecordSummary {
    return this.summaryValue ?? this.buildSummary(undefined);
  }

  // -- internals -------------------------------------------------------------------------------

  private checkOpen(): void {
    if (this.closed) throw new TapedeckError('LOG_CLOSED', `${this.dir}: the recorder is closed`, { path: this.dir });
  }

  /** Stamps runId and ts and validates; throws ValidationError for bad input. */
  private stamp(input: unknown, position: string | undefined, owned = false): TapeEvent {
    if (!isPlainObject(input)) throw new ValidationError('(event)', 'must be an object', input, position);
    const obj: Obj = owned ? input : { ...input };
    if (obj.runId === undefined) obj.runId = this.runId;
    const unit = this.opts.tsUnit;
    const nsFields = typeof obj.type === 'string' ? NS_FIELDS.get(obj.type) : undefined;
    if (nsFields) {
      for (const name of nsFields) {
        const v = obj[name];
        if (v !== undefined && typeof v !== 'bigint') obj[name] = parseTs(v, name, position, unit);
      }
    }
    if (this.clockMode === 'source') {
      if (obj.ts === undefined) throw new ValidationError('ts', 'is required with the source clock', undefined, position);
      const ts = typeof obj.ts === 'bigint' ? obj.ts : parseTs(obj.ts, 'ts', position, unit);
      if (ts < this.lastTs) {
        throw new ValidationError('ts', `goes back in time (the previous event is at ${this.lastTs})`, obj.ts, position);
      }
      obj.ts = ts;
    } else {
      // A tick's own timestamp is the venue's: keep it as exchTs; ts is when we received it.
      if (obj.type === 'tick' && obj.ts !== undefined && obj.exchTs === undefined) obj.exchTs = parseTs(obj.ts, 'ts', position, unit);
      const own = obj.type !== 'tick' && obj.ts !== undefined ? obj.ts : undefined;
      obj.ts = this.stampNow();
      const ev = validateEvent(obj, position);
      if (own !== undefined) this.noteTsReplaced(ev, own, position);
      return ev;
    }
    return validateEvent(obj, position);
  }

  /** The receive clock replaced an input event's own ts: counted, and said once (not silently). */
  private noteTsReplaced(ev: TapeEvent, own: unknown, position: string | undefined): void {
    this.tsReplaced++;
    if (this.tsReplaced > 1) return;
    const shown = safeText(typeof own === 'bigint' ? own.toString() : String(own), 64);
    const message =
      `${position ? `${position}: ` : ''}the receive clock replaces the ts this ${ev.type} event brought (${shown}) with the time it was received; ` +
      `ticks keep theirs as exchTs; --clock source keeps every input ts (said once; the summary counts them)`;
    this.onWarning({ kind: 'notice', message: this.named(message), ...this.inputField(), position, field: 'ts', reason: message });
  }

  /** A message for a human, naming the input it is about when the caller gave its name. */
  private named(message: string): string {
    return this.inputName === undefined ? message : `${this.inputName}: ${message}`;
  }

  private inputField(): { input?: string } {
    return this.inputName === undefined ? {} : { input: this.inputName };
  }

  /**
   * The ts for an event the recorder itself stamps: now, or `atNs` (a now() read earlier), under the
   * receive clock; the time axis so far under the source clock.
   */
  private stampNow(atNs?: bigint): bigint {
    if (this.clockMode === 'receive') {
      const t = atNs ?? this.clock.now();
      return t > this.lastTs ? t : this.lastTs;
    }
    return this.lastTs >= 0n ? this.lastTs : 0n;
  }

  private queuePending(p: PendingSystem): void {
    this.pending!.push(p);
    // Bounded: a long run of bad lines before any good one is written at the fallback ts.
    if (this.pending!.length >= MAX_PENDING) this.flushPending(this.lastTs >= 0n ? this.lastTs : 0n);
  }

  private flushPending(ts: bigint): void {
    const pending = this.pending!;
    this.pending = null;
    for (const p of pending) this.writeSystem(p, ts);
  }

  private writeSystem(p: PendingSystem, ts: bigint): number {
    const ev = validateEvent({ type: 'system', ts, runId: this.runId, kind: p.kind, message: p.message, data: p.data });
    const seq = writeEvent(this.log, ev);
    if (this.firstSeq < 0) this.firstSeq = seq;
    this.opts.onWritten?.(ev, seq, this);
    if (this.startTs === null) this.startTs = ts;
    this.lastTs = ts;
    return seq;
  }

  private durationMs(endTs: bigint): number {
    if (this.startTs === null) return 0;
    return Number(endTs - this.startTs) / 1e6;
  }

  private buildSummary(error: string | undefined): RecordSummary {
    const s: RecordSummary = {
      dir: this.dir,
      runId: this.runId,
      clock: this.clockMode,
      events: this.metrics.counters.events!,
      rejects: this.metrics.counters.rejects!,
      bytes: this.metrics.counters.bytes!,
      byType: { ...this.byType },
      unmapped: { ...this.unmapped },
      control: { ...this.control },
      gaps: this.metrics.counters.gaps!,
      reconnects: this.metrics.counters.reconnects!,
      reordered: this.reorder?.reordered ?? 0,
      tsReplaced: this.tsReplaced,
      firstSeq: this.firstSeq,
      lastSeq: this.log.nextSeq - 1,
      firstTs: this.startTs === null ? null : this.startTs.toString(),
      lastTs: this.lastTs >= 0n ? this.lastTs.toString() : null,
      durationMs: this.durationMs(this.lastTs),
    };
    if (error !== undefined) s.error = error;
    return s;
  }
}

/** A ns gap for a message: "1.5 s", "250 ms", "3 µs", "12 ns". */
function formatGap(ns: bigint): string {
  const n = Number(ns);
  if (n >= 1e9) return `${n / 1e9} s`;
  if (n >= 1e6) return `${n / 1e6} ms`;
  if (n >= 1e3) return `${n / 1e3} µs`;
  return `${n} ns`;
}

function isTooLarge(err: unknown): err is TapedeckError {
  return err instanceof TapedeckError && err.code === 'RECORD_TOO_LARGE';
}

/** The log's RECORD_TOO_LARGE as the validation failure it is for a recorder's input. */
function tooLargeError(err: TapedeckError, position: string | undefined): ValidationError {
  return new ValidationError('event', `is too large to record: ${err.message}`, '(the whole event)', position);
}

